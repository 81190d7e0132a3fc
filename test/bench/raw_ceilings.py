#!/usr/bin/env python3
"""The raw ceilings the TCP benchmarks are measured against, over a tap in a
network namespace with the Linux host as the peer (QEMU hands TSO super-frames
to a tap whole through its vnet header, so these are not the dgram figures):

- TX: app=tsoblast sends BENCH_TSO_COUNT 64 KB TCP-shaped TSO super-frames as
  fast as its ring takes them; an AF_PACKET socket on the host's tap counts
  frames and bytes, timed by the kernel's receive timestamps of the first and
  last frame. QEMU drops silently when the host does not keep up (igb-notes 8),
  so the receiver's count is the figure; the guest's own line is shown beside it.
- RX: app=l2sink counts and frees every frame; an AF_PACKET socket in the
  namespace sends 1514 B frames at the guest at a few offered rates
  (BENCH_SINK_RATES, BENCH_SINK_SECONDS each). What the guest counted (and its
  rate, first to last frame) against what the host sent: the tap drops what
  QEMU does not read in time. The best step is the RX ceiling.

Prints a Markdown table and writes build/bench/raw_ceilings.md. Needs root (a
namespace and a tap); says so and does nothing otherwise."""
import os
import re
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import ROOT, publish

sys.path.insert(0, str(ROOT / "test" / "integration"))
from netns import GUEST_MAC, NetNS, is_root  # noqa: E402

TSO_COUNT = int(os.environ.get("BENCH_TSO_COUNT", "20000"))
SINK_SECONDS = float(os.environ.get("BENCH_SINK_SECONDS", "2"))
# Offered rates, frames/s. An unpaced flood is no ceiling: the host burns a
# core on frames the full tap drops, QEMU's threads get less of the machine,
# and the guest receives less (measured: ~30k frames/s under a 860k/s flood
# against ~100k/s when offered 100k/s). So the host offers a few rates and the
# best the guest counted is the ceiling.
SINK_RATES = [int(r) for r in
              os.environ.get("BENCH_SINK_RATES", "60000,80000,100000,120000,150000").split(",")]
SINK_FRAME = 1514
BURST = 32                  # frames per send burst (QEMU reads up to 50 a wake-up)
QUIET = 1.0                 # no frame for this long after the guest's line: done
SO_RCVBUFFORCE = 33         # Linux; the socket module does not name it
SO_TIMESTAMPNS = 35
TSO_LINE = re.compile(rb"^tsoblast: (\d+) frames of (\d+) B in ([\d.]+) s: (\d+) frames/s, "
                      rb"(\d+) Mbit/s", re.M)
SINK_LINE = re.compile(r"^l2sink: (\d+) frames, (\d+) bytes, (\d+) test frames in ([\d.]+) s: "
                       r"(\d+) frames/s, (\d+) Mbit/s", re.M)


class Counter(threading.Thread):
    """Counts the guest's frames at the tap, with kernel arrival times."""

    def __init__(self, s):
        super().__init__(daemon=True)
        self.s, self.frames, self.nbytes, self.first, self.last = s, 0, 0, None, None
        self.done = threading.Event()
        self.guest_mac = bytes.fromhex(GUEST_MAC.replace(":", ""))

    def run(self):
        buf = bytearray(70000)
        self.s.settimeout(0.2)
        quiet_since = None
        while True:
            try:
                n, anc, _, _ = self.s.recvmsg_into([buf], socket.CMSG_SPACE(16))
            except socket.timeout:
                if self.done.is_set():
                    quiet_since = quiet_since or time.monotonic()
                    if time.monotonic() - quiet_since > QUIET:
                        return
                continue
            quiet_since = None
            if buf[6:12] != self.guest_mac:
                continue
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    self.last = sec * 1_000_000_000 + nsec
                    if self.first is None:
                        self.first = self.last
            self.frames += 1
            self.nbytes += n


def tso_blast(ns, workdir):
    s = ns.packet_socket()
    # 64 KB a frame: the default buffer holds three.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    counter = Counter(s)
    counter.start()
    vm = ns.boot(workdir, append=f"app=tsoblast tsoblast.count={TSO_COUNT}")
    try:
        m = vm.expect(TSO_LINE.pattern.decode(), timeout=60)
    finally:
        counter.done.set()
        counter.join(timeout=30)
        vm.close()
        s.close()
    sent, size, guest_mbit = int(m.group(1)), int(m.group(2)), int(m.group(5))
    span = (counter.last - counter.first) if counter.frames > 1 else 0
    # n frames arrive over n - 1 gaps: the first frame's bytes are not in the span.
    gbit = (counter.nbytes * (counter.frames - 1) / counter.frames * 8 / span
            if span else 0.0)
    return sent, size, guest_mbit, counter.frames, counter.nbytes, gbit


def flood(s, frame, rate, seconds):
    """Sends frame at about `rate` frames/s for `seconds`, in bursts of BURST
    on a fixed schedule; returns (frames sent, seconds taken)."""
    sent, t0 = 0, time.monotonic()
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            return sent, now - t0
        ahead = t0 + sent / rate - now
        if ahead > 0:
            time.sleep(ahead)
        for _ in range(BURST):
            s.send(frame)
        sent += BURST


def rx_sink(ns, workdir):
    """One guest, one step per offered rate: (offered/s, sent, counted, the
    guest's frames/s and Mbit/s) for each."""
    vm = ns.boot(workdir, append="app=l2sink")
    steps = []
    try:
        vm.wait_ready(60)
        ns.wait_carrier()
        s = ns.packet_socket()
        frame = (bytes.fromhex(GUEST_MAC.replace(":", "")) +
                 bytes.fromhex(ns.mac.replace(":", "")) + b"\x88\xb5")
        frame += bytes(i & 0xFF for i in range(SINK_FRAME - len(frame)))
        for rate in SINK_RATES:
            vm.command("l2sink reset")
            sent, took = flood(s, frame, rate, SINK_SECONDS)
            time.sleep(0.3)     # what QEMU still holds reaches the guest
            m = SINK_LINE.search(vm.command("l2sink"))
            if not m:
                raise RuntimeError("l2sink printed no counts:\n" + vm.text[-2000:])
            steps.append((sent / took, sent, int(m.group(3)), int(m.group(5)),
                          int(m.group(6))))
        s.close()
    finally:
        vm.close()
    return steps


def main():
    # A timeout's SIGTERM still tears the namespace and QEMU down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not is_root():
        print("raw_ceilings: skipped: needs root (a network namespace and a tap)",
              file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as d, NetNS("bench_raw") as ns:
        tx = tso_blast(ns, Path(d) / "tsoblast")
        rx = rx_sink(ns, Path(d) / "l2sink")
    sent, size, guest_mbit, frames, nbytes, gbit = tx
    rows = ["| raw ceiling (QEMU TCG, tap in a namespace) | sent | received | lost "
            "| Gbit/s at the receiver | guest says |", "|---|---|---|---|---|---|"]
    # The host may see whole super-frames or segments: bytes say what arrived.
    rows.append("| TX: tsoblast, %d B TSO super-frames -> host tap | %d frames (%d MB) "
                "| %d frames (%d MB) | %.1f%% of the bytes | %.2f | %.2f Gbit/s |" % (
                    size, sent, sent * size // 10**6, frames, nbytes // 10**6,
                    100.0 * (1 - nbytes / (sent * size)) if sent else 0.0, gbit,
                    guest_mbit / 1000))
    best = max(rx, key=lambda r: r[4])
    for offered, hsent, got, fps, mbit in rx:
        rows.append("| RX: l2sink, %d B frames offered by the host at %d/s for %g s%s "
                    "| %d frames | %d frames | %.1f%% | %.2f (%d frames/s) | counted by the guest |"
                    % (SINK_FRAME, offered, SINK_SECONDS,
                       " (**ceiling**)" if (offered, hsent, got, fps, mbit) == best else "",
                       hsent, got, 100.0 * (1 - got / hsent) if hsent else 0.0, mbit / 1000, fps))
    publish("raw_ceilings", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
