#!/usr/bin/env python3
"""Driver ceiling: app=l2blast for 60 B and 1514 B frames (median of N runs),
counted at both ends: the frames the guest says it sent, the frames a
unix-socket peer on QEMU's dgram netdev received, and the rate at that peer
(from kernel receive timestamps of the first and last frame, so the harness's
own speed does not enter). QEMU drops silently when the peer's queue is full
(igb-notes 8), so only the receiver's count says what arrived. Prints a
Markdown table and writes build/bench/l2blast.md."""
import os
import re
import statistics
import subprocess
import sys
import tempfile

from benchlib import ROOT, publish, run_until

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COUNT = int(os.environ.get("BENCH_BLAST_COUNT", "200000"))
LINE = re.compile(rb"^l2blast: (\d+) frames in ([\d.]+) s: (\d+) frames/s, (\d+) Mbit/s", re.M)


# The peer is a few lines of C, built on first use: a Python loop drains
# about 60k frames/s while QEMU's two threads hold both cores, far below what
# the guest sends, and every frame it misses is one QEMU drops.
PEER_SRC = r"""
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static int64_t ts_ns(struct msghdr *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec t;

			memcpy(&t, CMSG_DATA(c), sizeof(t));
			return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
		}
	return -1;
}

/* argv: socket path, quiet ms. Counts frames of ethertype 0x88B5 until stdin
 * closes and then no frame came for quiet ms; prints one result line. */
int main(int argc, char **argv)
{
	static char buf[BATCH][2048], ctl[BATCH][64];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1, size = 256 << 20, quiet;
	long long frames = 0, other = 0;
	int64_t first = -1, last = -1;
	int input_open = 1;

	if (argc != 3 || s < 0)
		return 2;
	quiet = atoi(argv[2]);
	strncpy(a.sun_path, argv[1], sizeof(a.sun_path) - 1);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		return 2;
	}
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { s, POLLIN, 0 }, { 0, POLLIN, 0 } };
		int n = poll(p, input_open ? 2 : 1, input_open ? 1000 : quiet);

		if (n == 0 && !input_open)
			break;
		if (input_open && (p[1].revents & (POLLIN | POLLHUP))) {
			char c;

			if (read(0, &c, 1) <= 0)
				input_open = 0;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
			memset(&m[i], 0, sizeof(m[i]));
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
			m[i].msg_hdr.msg_control = ctl[i];
			m[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(s, m, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			if (m[i].msg_len < 14 || (unsigned char)buf[i][12] != 0x88 ||
			    (unsigned char)buf[i][13] != 0xB5) {
				other++;
				continue;
			}
			frames++;
			last = ts_ns(&m[i].msg_hdr);
			if (first < 0)
				first = last;
		}
	}
	printf("frames %lld other %lld first_ns %lld last_ns %lld\n", frames, other,
	       (long long)first, (long long)last);
	return 0;
}
"""
QUIET_MS = 1000                    # after the guest's line: no frame for this long = done
PEER_RESULT = re.compile(r"frames (\d+) other (\d+) first_ns (-?\d+) last_ns (-?\d+)")


def build_peer():
    out = ROOT / "build" / "bench" / "l2blast_peer"
    src = out.with_suffix(".c")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or not src.exists() or src.read_text() != PEER_SRC:
        src.write_text(PEER_SRC)
        subprocess.run(["cc", "-O2", "-Wall", "-o", str(out), str(src)], check=True)
    return out


MAX_DGRAM_QLEN = "/proc/sys/net/unix/max_dgram_qlen"
PEER_QLEN = 4096


def _set_qlen(value):
    with open(MAX_DGRAM_QLEN, "w") as f:
        f.write(str(value))


class Peer:
    """The far end of the wire: counts l2blast frames with the kernel's arrival
    time of the first and the last."""

    def __init__(self, exe, path):
        # A unix datagram socket queues net.unix.max_dgram_qlen datagrams
        # (Linux's default is 10), read when the socket is made; QEMU drops
        # whatever does not fit. As root the peer's socket gets a deep queue
        # and the machine's setting is put back at once; otherwise the
        # losses below include the shallow queue's.
        self.p = None
        old = None
        if os.geteuid() == 0:
            with open(MAX_DGRAM_QLEN) as f:
                old = int(f.read())
            _set_qlen(max(old, PEER_QLEN))
        try:
            self.p = subprocess.Popen([str(exe), path, str(QUIET_MS)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            ready = self.p.stdout.readline().strip() == "ready"
        finally:
            if old is not None:
                _set_qlen(old)
        if not ready:
            raise RuntimeError("l2blast peer did not start")
        self.shallow = old is None

    def finish(self, timeout=60):
        """Waits until the peer has seen no frame for QUIET_MS; its counts."""
        try:
            # Closing its stdin (communicate does) tells the peer the run is over.
            out, _ = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise
        m = PEER_RESULT.search(out)
        if not m:
            raise RuntimeError("l2blast peer printed no result: " + out)
        frames, _, first, last = (int(g) for g in m.groups())
        rate = (frames - 1) * 1_000_000_000 // max(last - first, 1) if frames > 1 else 0
        return frames, rate


def blast(exe, size):
    """One run: (sent by the guest, its own rate, received by the peer, rate there)."""
    with tempfile.TemporaryDirectory() as d:
        peer_path, qemu = os.path.join(d, "peer.sock"), os.path.join(d, "qemu.sock")
        peer = Peer(exe, peer_path)
        args = ["-netdev", f"dgram,id=n0,local.type=unix,local.path={qemu},"
                           f"remote.type=unix,remote.path={peer_path}",
                "-device", "igb,netdev=n0",
                "-kernel", str(ROOT / "build" / "ringos.elf"),
                "-append", f"app=l2blast count={COUNT} size={size}"]
        try:
            _, _, m = run_until(args, LINE, 300)
        finally:
            # QEMU is gone: what it sent is in the peer's queue or lost.
            got, rate = peer.finish()
        sent, guest_fps = int(m.group(1)), int(m.group(3))
        if peer.shallow:
            print("l2blast: not root: the peer's queue is net.unix.max_dgram_qlen deep, "
                  "and the losses include its overflow", file=sys.stderr)
        if got > sent:
            raise RuntimeError(f"peer counted {got} l2blast frames, guest sent {sent}")
        return sent, guest_fps, got, rate


def main():
    exe = build_peer()
    rows = ["| l2blast (median of %d x %d frames, QEMU TCG, dgram backend) | sent by guest "
            "| received by peer | lost (worst run) | frames/s at peer | Mbit/s at peer | frames/s guest says |"
            % (RUNS, COUNT), "|---|---|---|---|---|---|---|"]
    for size in (60, 1514):
        runs = [blast(exe, size) for _ in range(RUNS)]
        sent = statistics.median(r[0] for r in runs)
        got = statistics.median(r[2] for r in runs)
        fps = statistics.median(r[3] for r in runs)
        rows.append("| %d B frames | %d | %d | %d | %d | %d | %d |" % (
            size, sent, got, max(r[0] - r[2] for r in runs), fps, fps * size * 8 // 1_000_000,
            statistics.median(r[1] for r in runs)))
    publish("l2blast", rows)


if __name__ == "__main__":
    sys.exit(main())
