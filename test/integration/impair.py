"""An impaired link for the integration tests: a userspace relay between the guest's
tap and the host, dropping, duplicating, reordering and delaying frames. This
machine's kernel has no sch_netem, so the relay does in Python what netem would.

    QEMU --- guest tap (no address, ARP off) --- AF_PACKET + PACKET_VNET_HDR --+
                                                                              relay
    host stack --- host tap (10.0.0.1/24) --- /dev/net/tun IFF_VNET_HDR ------+

QEMU hands its TSO super-frames to the guest tap whole (up to 64 KB, with a
virtio_net_hdr saying how to cut them) and small frames with the checksum left to
the "device". The relay reads both with their header, cuts every super-frame into
the MSS-sized segments the wire would carry (IP length, ID and checksum, TCP
sequence number, FIN/PSH on the last segment only, CWR on the first only, the TCP
checksum computed in software) and completes partial checksums, all BEFORE it
decides what to drop: loss, duplication and reordering are per wire segment. Frames
are written on both sides as plain frames (a zero virtio_net_hdr).

Impairments are per direction (to_host: guest -> host, to_guest: host -> guest),
from a seeded RNG: loss, duplicate, reorder (a frame is held back and released
after the next `reorder_gap` frames of its direction or after `reorder_hold`
seconds, whichever comes first) and an optional fixed delay.

Use from a test (RelayNetNS puts the host address on the relay's tap):

    ns = RelayNetNS("name")            # a NetNS; TapGuest(ns, ...) boots QEMU on it
    with Impaired(ns, loss=0.03, reorder=0.10, dup=0.01, seed=1) as relay:
        ...                            # traffic between the host and 10.0.0.2
    relay.counters["to_host"]["dropped"]

Without a relay running, the guest and the host cannot reach each other.

CLI:
    impair.py relay --guest-if IF --host-tap TAP [--loss P --dup P --reorder P
                    --delay S --reorder-gap N --reorder-hold S --seed N]
                    [--to-guest loss=P,dup=P,...] [--to-host ...]
    impair.py selftest [--mb N]    (root) segmentation checks, then Linux TCP through
                                   the relay over a veth: throughput and sha256
Counters are printed at the end (SIGTERM or SIGINT stops the relay).
"""
import argparse
import collections
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from netns import NetNS, _ip, wait_for  # noqa: E402

# ---- wire constants ---------------------------------------------------------------
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_VNET_HDR = 15
PACKET_IGNORE_OUTGOING = 23
ETH_P_ALL = 0x0003
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000

# struct virtio_net_hdr (legacy, 10 bytes, little-endian on x86 for tun and AF_PACKET)
VNET = struct.Struct("<BBHHHH")
VNET_HLEN = VNET.size
VNET_NONE = bytes(VNET_HLEN)
F_NEEDS_CSUM = 1
GSO_NONE, GSO_TCPV4, GSO_ECN = 0, 1, 0x80

ETH_HLEN = 14
ETH_P_IP = 0x0800
TCP_FIN, TCP_PSH, TCP_CWR = 0x01, 0x08, 0x80
_H = struct.Struct("!H")
_I = struct.Struct("!I")

BUF_SIZE = 1 << 17          # a 64 KB super-frame plus headers, with room to spare
BATCH = 64                  # frames read from one side before looking at the other
HOLD_MAX = 256              # frames held for reordering at once, per direction
SOCK_BUF = 32 << 20
TXQUEUELEN = 10000          # both taps: bursts wait in the queue instead of dropping


# ---- Internet checksum ------------------------------------------------------------
_masks = {}


def _words(b):
    """The 16-bit big-endian words of b summed modulo 0xFFFF (2**16 == 1 mod 0xFFFF, so
    this is the end-around-carry sum), with the big-integer arithmetic done in C; an
    odd last byte is the high half of a word. A long number is first folded in halves
    at 16-bit boundaries (shifts and adds), as the division is the slow part."""
    n = int.from_bytes(b, "big")
    bits = len(b) * 8
    if bits & 8:
        n <<= 8
        bits += 8
    while bits > 2048:
        k = (bits >> 5) << 4
        m = _masks.get(k)
        if m is None:
            m = _masks[k] = (1 << k) - 1
        n = (n >> k) + (n & m)
        bits -= k - 1
    return n % 0xFFFF


def _csum(total):
    """The checksum field for a ones'-complement sum given modulo 0xFFFF (the words
    summed are never all zero here, and such a sum is 0xFFFF, never 0)."""
    return 0xFFFF - (total % 0xFFFF or 0xFFFF)


def ipv4_end(frame):
    """Where the IPv4 datagram in a frame ends (Ethernet padding excluded), or len."""
    if len(frame) >= ETH_HLEN + 20 and frame[12] == 0x08 and frame[13] == 0x00:
        return min(len(frame), ETH_HLEN + _H.unpack_from(frame, ETH_HLEN + 2)[0])
    return len(frame)


def complete_csum(frame, csum_start, csum_offset):
    """Finishes a partial checksum in place (virtio NEEDS_CSUM: the field already holds
    the pseudo-header sum; the device sums from csum_start to the end and stores the
    complement). False if the offsets are outside the frame."""
    end = ipv4_end(frame)
    at = csum_start + csum_offset
    if csum_start < ETH_HLEN or at + 2 > end:
        return False
    total = _words(frame[csum_start:end])
    _H.pack_into(frame, at, _csum(total))
    return True


def tcp4_segments(frame, mss):
    """Cuts a TCP/IPv4 super-frame into wire segments of at most mss payload bytes, as a
    NIC's TSO does. Returns a list of (header bytearray, payload memoryview), or None
    if the frame is not a TCP/IPv4 frame this can cut."""
    if len(frame) < ETH_HLEN + 40 or frame[12:14] != b"\x08\x00" or mss <= 0:
        return None
    ip = ETH_HLEN
    ihl = (frame[ip] & 0x0F) * 4
    tcp = ip + ihl
    if frame[ip] >> 4 != 4 or ihl < 20 or frame[ip + 9] != 6 or tcp + 20 > len(frame):
        return None
    thl = (frame[tcp + 12] >> 4) * 4
    hend = tcp + thl
    if thl < 20 or hend > len(frame):
        return None
    payload_len = len(frame) - hend
    ip_id = _H.unpack_from(frame, ip + 4)[0]
    seq = _I.unpack_from(frame, tcp + 4)[0]
    flags = frame[tcp + 13]
    # The header fields that change per segment are zero in the template, so each
    # segment's header sums are the template's plus those fields (checksums are linear).
    t = bytearray(frame[:hend])
    for at, n in ((ip + 2, 2), (ip + 4, 2), (ip + 10, 2), (tcp + 4, 4), (tcp + 13, 1),
                  (tcp + 16, 2)):
        t[at:at + n] = bytes(n)
    ip_base = _words(t[ip:tcp])
    tcp_base = _words(t[tcp:hend]) + _words(t[ip + 12:ip + 20]) + 6 + thl
    out = []
    off = 0
    while True:
        n = min(mss, payload_len - off)
        last = off + n >= payload_len
        f = flags if last else flags & ~(TCP_FIN | TCP_PSH)
        if out:
            f &= ~TCP_CWR
        i_d = (ip_id + len(out)) & 0xFFFF
        sq = (seq + off) & 0xFFFFFFFF
        payload = frame[hend + off:hend + off + n]
        h = bytearray(t)
        _H.pack_into(h, ip + 2, ihl + thl + n)
        _H.pack_into(h, ip + 4, i_d)
        _H.pack_into(h, ip + 10, _csum(ip_base + ihl + thl + n + i_d))
        _I.pack_into(h, tcp + 4, sq)
        h[tcp + 13] = f
        _H.pack_into(h, tcp + 16, _csum(tcp_base + n + (sq >> 16) + (sq & 0xFFFF) + f
                                        + _words(payload)))
        out.append((h, payload))
        off += n
        if last:
            return out


def to_wire(vhdr, frame, c):
    """The wire frames (tuples of buffers) for one frame read with its virtio_net_hdr:
    super-frames cut, partial checksums completed. Counts what it cannot handle."""
    flags, gso_type, _hdr_len, gso_size, csum_start, csum_offset = vhdr
    gso = gso_type & ~GSO_ECN
    if gso == GSO_NONE:
        if flags & F_NEEDS_CSUM:
            c["csum_completed"] += 1
            if not complete_csum(frame, csum_start, csum_offset):
                c["bad_frames"] += 1
                return ()
        return ((frame,),)
    if gso == GSO_TCPV4:
        segs = tcp4_segments(frame, gso_size)
        if segs is not None:
            c["gso_frames"] += 1
            return segs
    c["bad_frames"] += 1
    return ()


# ---- impairments --------------------------------------------------------------------
@dataclasses.dataclass
class Impairment:
    loss: float = 0.0           # probability a wire frame is dropped
    dup: float = 0.0            # probability it is sent twice
    reorder: float = 0.0        # probability it is held back ...
    reorder_gap: int = 3        # ... until this many later frames have gone ...
    reorder_hold: float = 0.005  # ... or this many seconds have passed
    delay: float = 0.0          # seconds every frame waits (order kept)

    def arg(self):
        return ",".join(f"{k}={v}" for k, v in dataclasses.asdict(self).items())

    @classmethod
    def parse(cls, text, base=None):
        imp = dataclasses.replace(base) if base else cls()
        for kv in filter(None, (text or "").split(",")):
            k, _, v = kv.partition("=")
            field = {f.name: f for f in dataclasses.fields(cls)}.get(k.strip())
            if field is None:
                raise ValueError(f"unknown impairment {k!r}")
            setattr(imp, field.name, int(v) if field.type in (int, "int") else float(v))
        return imp


COUNTERS = ("frames_in", "gso_frames", "csum_completed", "bad_frames", "segments",
            "dropped", "duplicated", "reordered", "delayed", "frames_out", "write_errors")


class Direction:
    """One direction of the relay: frames in, cut to wire segments, impaired, written."""

    def __init__(self, imp, rng, write):
        self.imp = imp
        self.rng = rng
        self._write = write
        self.c = dict.fromkeys(COUNTERS, 0)
        self.held = []                  # [frames still to pass, deadline, bytes]
        self.delayq = collections.deque()  # (due time, bytes), in order

    def feed(self, vhdr, frame, now):
        self.c["frames_in"] += 1
        for pieces in to_wire(vhdr, frame, self.c):
            self._impair(pieces, now)

    def _impair(self, pieces, now):
        c, imp, rnd = self.c, self.imp, self.rng.random
        c["segments"] += 1
        if imp.loss and rnd() < imp.loss:
            c["dropped"] += 1
            return
        copies = 1
        if imp.dup and rnd() < imp.dup:
            c["duplicated"] += 1
            copies = 2
        if imp.reorder and rnd() < imp.reorder and len(self.held) < HOLD_MAX:
            c["reordered"] += 1
            data = b"".join(pieces)
            for _ in range(copies):
                self.held.append([imp.reorder_gap, now + imp.reorder_hold, data])
            return
        for _ in range(copies):
            self._emit(pieces, now)
        if self.held:
            self._pass_held(now)

    def _pass_held(self, now):
        """One frame went by: held frames whose gap is used up go now."""
        due = []
        for h in self.held:
            h[0] -= 1
            if h[0] <= 0:
                due.append(h)
        for h in due:
            self.held.remove(h)
            self._emit((h[2],), now)

    def _emit(self, pieces, now):
        if self.imp.delay:
            self.c["delayed"] += 1
            self.delayq.append((now + self.imp.delay, b"".join(pieces)))
        else:
            self._out(pieces)

    def _out(self, pieces):
        try:
            self._write(pieces)
            self.c["frames_out"] += 1
        except OSError as e:
            if e.errno not in (errno.ENOBUFS, errno.EAGAIN, errno.EIO, errno.ENXIO):
                raise
            self.c["write_errors"] += 1

    def tick(self, now):
        """Releases held frames past their deadline and delayed frames that are due."""
        if self.held:
            late = [h for h in self.held if h[1] <= now]
            for h in late:
                self.held.remove(h)
                self._emit((h[2],), now)
        q = self.delayq
        while q and q[0][0] <= now:
            self._out((q.popleft()[1],))

    def next_deadline(self):
        times = [h[1] for h in self.held]
        if self.delayq:
            times.append(self.delayq[0][0])
        return min(times) if times else None

    def flush(self):
        """At the end: whatever is held or delayed goes out."""
        for h in self.held:
            self._out((h[2],))
        self.held.clear()
        while self.delayq:
            self._out((self.delayq.popleft()[1],))


# ---- the relay itself -----------------------------------------------------------------
def open_tap(name):
    """Attaches to (or creates) tap `name` with a virtio_net_hdr on every frame."""
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(),
                                              IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_packet(ifname):
    """An AF_PACKET socket on ifname that reads each frame with its virtio_net_hdr and
    does not see what it sends itself."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        for force, opt in ((33, socket.SO_RCVBUF), (32, socket.SO_SNDBUF)):
            try:
                s.setsockopt(socket.SOL_SOCKET, force, SOCK_BUF)
            except PermissionError:
                s.setsockopt(socket.SOL_SOCKET, opt, SOCK_BUF)
        s.bind((ifname, 0))
    except BaseException:
        s.close()
        raise
    return s


def _if_stat(ifname, what):
    try:
        return int(Path(f"/sys/class/net/{ifname}/statistics/{what}").read_text())
    except (OSError, ValueError):
        return 0


class Relay:
    def __init__(self, guest_if, host_tap, to_guest, to_host, seed=1):
        self.guest_if = guest_if
        self.host_tap = host_tap
        self.pkt = open_packet(guest_if)
        try:
            self.tapfd = open_tap(host_tap)
        except BaseException:
            self.pkt.close()
            raise
        self.to_host = Direction(to_host, random.Random(seed),
                                 lambda p: os.writev(self.tapfd, (VNET_NONE, *p)))
        self.to_guest = Direction(to_guest, random.Random(seed + 1),
                                  lambda p: self.pkt.sendmsg((VNET_NONE, *p)))
        self.stopping = False
        self._kstat0 = self._kernel_stats()
        self.seconds = 0.0

    def _kernel_stats(self):
        return {"guest_if_tx_dropped": _if_stat(self.guest_if, "tx_dropped"),
                "host_tap_tx_dropped": _if_stat(self.host_tap, "tx_dropped"),
                "host_tap_rx_dropped": _if_stat(self.host_tap, "rx_dropped")}

    def run(self, stop_after=None):
        """Relays until stop() (or a signal calling it), or for stop_after seconds."""
        buf = bytearray(BUF_SIZE)
        mv = memoryview(buf)
        pkt, tapfd = self.pkt, self.tapfd
        pfd = pkt.fileno()
        t0 = time.monotonic()
        end = t0 + stop_after if stop_after else None
        dirs = (self.to_host, self.to_guest)
        while not self.stopping:
            now = time.monotonic()
            if end is not None and now >= end:
                break
            timeout = 0.1
            for d in dirs:
                t = d.next_deadline()
                if t is not None:
                    timeout = min(timeout, max(0.0, t - now))
            try:
                ready, _, _ = select.select((pfd, tapfd), (), (), timeout)
            except InterruptedError:
                continue
            now = time.monotonic()
            if pfd in ready:
                for _ in range(BATCH):
                    try:
                        n = pkt.recv_into(buf, 0, socket.MSG_DONTWAIT)
                    except BlockingIOError:
                        break
                    if n > VNET_HLEN:
                        self.to_host.feed(VNET.unpack_from(buf), mv[VNET_HLEN:n], now)
            if tapfd in ready:
                for _ in range(BATCH):
                    try:
                        n = os.readv(tapfd, (buf,))
                    except BlockingIOError:
                        break
                    if n > VNET_HLEN:
                        self.to_guest.feed(VNET.unpack_from(buf), mv[VNET_HLEN:n], now)
            for d in dirs:
                d.tick(now)
        for d in dirs:
            d.flush()
        self.seconds = time.monotonic() - t0

    def stop(self, *_):
        self.stopping = True

    def counters(self):
        k1 = self._kernel_stats()
        kernel = {k: k1[k] - self._kstat0[k] for k in k1}
        try:
            kernel["guest_if_rx_overruns"] = struct.unpack(
                "II", self.pkt.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
        except OSError:
            kernel["guest_if_rx_overruns"] = -1
        return {"to_host": dict(self.to_host.c), "to_guest": dict(self.to_guest.c),
                "kernel": kernel, "seconds": round(self.seconds, 3)}

    def close(self):
        self.pkt.close()
        os.close(self.tapfd)


def format_counters(c):
    lines = []
    for d in ("to_host", "to_guest"):
        lines.append(f"relay {d:8}: " + " ".join(f"{k}={v}" for k, v in c[d].items()))
    lines.append("relay kernel  : " + " ".join(f"{k}={v}" for k, v in c["kernel"].items())
                 + f" seconds={c['seconds']}")
    return "\n".join(lines)


# ---- in tests: a namespace with two taps, and the relay as a context manager ---------
class RelayNetNS(NetNS):
    """A NetNS whose host address sits on the relay's tap (`tap`, as in NetNS, so
    neigh(), mac, packet_socket() and captures see the host's side), and QEMU gets a
    tap of its own (`guest_tap`) with no address and ARP off: the host stack never
    answers the guest directly, every frame between them passes a relay."""

    def _create(self):
        super()._create()
        self.guest_tap = "rg" + self.tap[1:]
        self.ip("tuntap", "add", "dev", self.guest_tap, "mode", "tap")
        self.ip("link", "set", self.guest_tap, "arp", "off", "txqueuelen", str(TXQUEUELEN),
                "up")
        self.ip("link", "set", self.tap, "txqueuelen", str(TXQUEUELEN))

    def netdev(self):
        return f"tap,id=n0,ifname={self.guest_tap},script=no,downscript=no"

    def wait_carrier(self, timeout=10.0):
        """QEMU attached to the guest's tap."""
        def up():
            flags = json.loads(self.ip("-j", "link", "show", self.guest_tap).stdout)[0]["flags"]
            return "LOWER_UP" in flags
        wait_for(up, timeout, what=f"carrier on {self.guest_tap}")


class Impaired:
    """The relay as a process in the namespace for a `with` block: ready when the
    block starts, stopped (held frames flushed) when it ends; then .counters holds
    its counters and .report the printed lines. to_guest / to_host (Impairment)
    override the common settings for one direction."""

    def __init__(self, ns, loss=0.0, dup=0.0, reorder=0.0, delay=0.0, reorder_gap=3,
                 reorder_hold=0.005, seed=1, to_guest=None, to_host=None, guest_if=None,
                 ready_timeout=10.0):
        both = Impairment(loss, dup, reorder, reorder_gap, reorder_hold, delay)
        self.ns = ns
        self.guest_if = guest_if or ns.guest_tap
        self.to_guest = to_guest or both
        self.to_host = to_host or both
        self.seed = seed
        self.ready_timeout = ready_timeout
        self.proc = None
        self.counters = None
        self.report = ""
        self._out = b""

    def __enter__(self):
        args = [sys.executable, str(Path(__file__).resolve()), "relay",
                "--guest-if", self.guest_if, "--host-tap", self.ns.tap,
                "--seed", str(self.seed), "--to-guest", self.to_guest.arg(),
                "--to-host", self.to_host.arg()]
        self.proc = self.ns.popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + self.ready_timeout
        while b"READY" not in self._out:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise AssertionError(f"relay not ready within {self.ready_timeout}s:\n"
                                     + self._out.decode(errors="replace"))
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                self._out += chunk
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self, timeout=10.0):
        if self.proc is None:
            return self.counters
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate(timeout=5)
        self._out += rest or b""
        self.proc = None
        text = self._out.decode(errors="replace")
        for line in text.splitlines():
            if line.startswith("COUNTERS "):
                self.counters = json.loads(line[len("COUNTERS "):])
        self.report = "\n".join(ln for ln in text.splitlines() if ln.startswith("relay"))
        print(self.report or text)
        return self.counters


# ---- TCP traffic for the scenarios ------------------------------------------------------
BLOCK = (1 << 20) + 7   # a test stream repeats this many random bytes: not a power of two,
                        # so a chunk delivered at the wrong offset changes the hash


def chunks(nbytes, seed, size=65536):
    """The test stream of nbytes for `seed`, as memoryview chunks of at most size."""
    block = memoryview(random.Random(seed).randbytes(BLOCK))
    pos = 0
    while pos < nbytes:
        off = pos % BLOCK
        n = min(size, BLOCK - off, nbytes - pos)
        yield block[off:off + n]
        pos += n


def tcp_stream(sock, nbytes, seed=1, echo=True, timeout=60.0, stall=30.0):
    """Sends the test stream on a connected TCP socket from a thread while this thread
    reads concurrently; half-closes after the last byte and reads to EOF. With echo,
    what comes back must be the stream (sha256); without (discard), nothing must.
    A send or receive that makes no progress for `stall` seconds, or the whole run
    past `timeout`, ends it. Returns a dict: sent, received, match, eof, seconds,
    error."""
    res = {"sent": 0, "received": 0, "eof": False, "error": None}
    sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
    deadline = time.monotonic() + timeout
    sock.settimeout(stall)      # bounds each sendall() of the sender thread

    def sender():
        try:
            for c in chunks(nbytes, seed):
                sock.sendall(c)
                sent_hash.update(c)
                res["sent"] += len(c)
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            res["error"] = f"send stalled or failed after {res['sent']} bytes: {e!r}"

    t0 = time.monotonic()
    last, sent_seen = t0, 0
    t = threading.Thread(target=sender, daemon=True)
    t.start()
    try:
        while True:
            now = time.monotonic()
            if res["sent"] != sent_seen:        # progress either way counts
                last, sent_seen = now, res["sent"]
            if now > deadline or now - last > stall:
                res["error"] = res["error"] or (
                    f"no EOF within {timeout}s" if now > deadline else
                    f"no progress for {stall}s: {res['sent']} sent, {res['received']} back")
                break
            if not select.select([sock], [], [], 0.5)[0]:
                continue
            data = sock.recv(1 << 20)
            if not data:
                res["eof"] = True
                break
            got_hash.update(data)
            res["received"] += len(data)
            last = time.monotonic()
    except OSError as e:
        res["error"] = res["error"] or f"recv after {res['received']} bytes: {e!r}"
    t.join(max(0.0, deadline - time.monotonic()) + 1)
    res["seconds"] = time.monotonic() - t0
    want = sent_hash.digest() if echo else hashlib.sha256().digest()
    res["match"] = res["sent"] == nbytes and got_hash.digest() == want
    return res


def guest_ss(vm, args="-tan"):
    """The guest's `ss` rows as (state, recv_q, send_q, local, peer) string tuples."""
    rows = []
    for line in vm.command(f"ss {args}", timeout=30).splitlines():
        f = line.split()
        if len(f) >= 5 and f[0].isupper() and f[1].isdigit() and f[2].isdigit():
            rows.append((f[0], f[1], f[2], f[3], f[4]))
    return rows


# ---- self-test ------------------------------------------------------------------------
def _ref_csum(data):
    """A plain word-by-word Internet checksum, to check the fast one against."""
    data = bytes(data) + b"\0" * (len(data) & 1)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _tcp_frame(payload, flags, seq=0xFFFFF000, ip_id=0xFFFE, opts=b"\x01\x01\x08\x0a" + bytes(8)):
    thl = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", 40000, 7, seq, 1, (thl // 4) << 4, flags, 512, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + thl + len(payload), ip_id, 0x4000, 64,
                     6, 0, bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    return bytearray(b"\x02" * 6 + b"\x52" * 6 + b"\x08\x00" + ip + tcp + opts + payload)


def check_segmentation():
    """Cuts super-frames and checks every segment against a reference checksum; checks
    the completion of a partial checksum. Raises AssertionError on a mismatch."""
    rng = random.Random(7)
    for size, mss, flags in ((10000, 1448, 0x80 | 0x18 | 0x01), (5001, 1001, 0x18),
                             (700, 1448, 0x11), (0, 1448, 0x10)):
        payload = rng.randbytes(size)
        frame = _tcp_frame(payload, flags)
        segs = tcp4_segments(memoryview(frame), mss)
        assert segs is not None and len(segs) == max(1, -(-size // mss)), (size, len(segs))
        got = b""
        for i, (h, p) in enumerate(segs):
            ip, tcp = h[14:34], h[34:]
            last = i == len(segs) - 1
            assert _ref_csum(ip) == 0, f"IP checksum of segment {i}"
            assert _H.unpack_from(ip, 2)[0] == 20 + len(tcp) + len(p)
            assert _H.unpack_from(ip, 4)[0] == (0xFFFE + i) & 0xFFFF
            assert _I.unpack_from(tcp, 4)[0] == (0xFFFFF000 + len(got)) & 0xFFFFFFFF
            want = flags if last else flags & ~(TCP_FIN | TCP_PSH)
            assert tcp[13] == (want if i == 0 else want & ~TCP_CWR), (i, tcp[13])
            pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, 6, len(tcp) + len(p))
            assert _ref_csum(pseudo + bytes(tcp) + bytes(p)) == 0, f"TCP checksum of {i}"
            got += bytes(p)
        assert got == payload
    # A partial checksum (UDP, odd length, padded frame): the field holds the pseudo sum.
    body = rng.randbytes(33)
    udp = struct.pack("!HHHH", 40000, 7, 8 + len(body), 0) + body
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(body), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    frame = bytearray(b"\x02" * 12 + b"\x08\x00" + ip + udp + b"\xee" * 20)
    seed = _words(ip[12:20]) + 17 + len(udp)
    _H.pack_into(frame, 34 + 6, (seed % 0xFFFF) or 0xFFFF)
    assert complete_csum(memoryview(frame), 34, 6)
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, len(udp))
    assert _ref_csum(pseudo + bytes(frame[34:34 + len(udp)])) == 0
    assert not complete_csum(memoryview(frame), 34, 4000)


class _PeerNS(NetNS):
    """A bare namespace (named like NetNS's, cleaned the same way) for the selftest's
    Linux peer behind a veth."""

    def _create(self):
        _ip("netns", "add", self.name)
        self._created = True
        self.sysctl("net.ipv6.conf.default.disable_ipv6", 1)
        self.sysctl("net.ipv6.conf.all.disable_ipv6", 1)
        self.ip("link", "set", "lo", "up")


def _bulk(src_ns, dst_ns, dst_ip, nbytes, port, timeout=120.0):
    """nbytes of TCP from src_ns to a sink in dst_ns; returns (seconds, sha256 match)."""
    ls = dst_ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((dst_ip, port))
    ls.listen(1)
    ls.settimeout(timeout)
    got = {}

    def sink():
        conn, _ = ls.accept()
        conn.settimeout(timeout)
        h, n = hashlib.sha256(), 0
        while True:
            chunk = conn.recv(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
        got.update(n=n, digest=h.digest())
        conn.close()

    t = threading.Thread(target=sink, daemon=True)
    t.start()
    c = src_ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(timeout)
    sent = hashlib.sha256()
    t0 = time.monotonic()
    c.connect((dst_ip, port))
    for chunk in chunks(nbytes, port, 1 << 20):
        c.sendall(chunk)
        sent.update(chunk)
    c.shutdown(socket.SHUT_WR)
    t.join(timeout)
    secs = time.monotonic() - t0
    c.close()
    ls.close()
    return secs, got.get("n") == nbytes and got.get("digest") == sent.digest()


def _cmd_selftest(a):
    check_segmentation()
    print("selftest: segmentation and checksum completion ok", flush=True)
    if os.geteuid() != 0:
        print("selftest: not root, no live run")
        return 0
    host, peer = NetNS("impair_selftest"), _PeerNS("impair_selftest_peer")
    ok = True
    try:
        n = host.tap[len("rtap"):]
        vh, vg = f"rvh{n}", f"rvg{n}"
        host.ip("link", "add", vh, "type", "veth", "peer", "name", vg, "netns", peer.name)
        host.ip("link", "set", vh, "arp", "off", "up")
        host.ip("link", "set", host.tap, "txqueuelen", str(TXQUEUELEN))
        peer.ip("addr", "add", "10.0.0.2/24", "dev", vg)
        peer.ip("link", "set", vg, "up")
        runs = [("unimpaired", {}, a.mb),
                ("loss 3% reorder 10% dup 1%", dict(loss=0.03, reorder=0.10, dup=0.01),
                 a.impaired_mb)]
        for name, imp, mb in runs:
            for what, src, dst, dst_ip in (("peer -> host (GSO frames cut)", peer, host,
                                            "10.0.0.1"),
                                           ("host -> peer", host, peer, "10.0.0.2")):
                with Impaired(host, guest_if=vh, seed=3, **imp) as relay:
                    secs, good = _bulk(src, dst, dst_ip, mb << 20, 5000 + len(what))
                ok &= good
                print(f"selftest: {name:28} {what:30} {mb} MB in {secs:.2f} s = "
                      f"{mb / secs:.1f} MB/s, sha256 {'ok' if good else 'MISMATCH'}",
                      flush=True)
                assert relay.counters is not None
    finally:
        peer.close()
        host.close()
    print("selftest: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


# ---- CLI ------------------------------------------------------------------------------
def _cmd_relay(a):
    both = Impairment(a.loss, a.dup, a.reorder, a.reorder_gap, a.reorder_hold, a.delay)
    relay = Relay(a.guest_if, a.host_tap, Impairment.parse(a.to_guest, both),
                  Impairment.parse(a.to_host, both), a.seed)
    signal.signal(signal.SIGTERM, relay.stop)
    signal.signal(signal.SIGINT, relay.stop)
    print(f"READY relay guest_if={a.guest_if} host_tap={a.host_tap} "
          f"to_guest[{relay.to_guest.imp.arg()}] to_host[{relay.to_host.imp.arg()}]",
          flush=True)
    try:
        relay.run(a.seconds)
        c = relay.counters()
    finally:
        relay.close()
    print(format_counters(c))
    print("COUNTERS " + json.dumps(c), flush=True)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("relay", help="relay between a guest-side interface and a host tap")
    r.add_argument("--guest-if", required=True, help="the guest's tap (or any interface)")
    r.add_argument("--host-tap", required=True, help="the host's tap (attached or created)")
    for name, default in (("loss", 0.0), ("dup", 0.0), ("reorder", 0.0), ("delay", 0.0),
                          ("reorder-hold", 0.005)):
        r.add_argument(f"--{name}", type=float, default=default)
    r.add_argument("--reorder-gap", type=int, default=3)
    r.add_argument("--to-guest", default="", help="k=v,... overrides for host -> guest")
    r.add_argument("--to-host", default="", help="k=v,... overrides for guest -> host")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--seconds", type=float, default=None, help="stop after this long")
    s = sub.add_parser("selftest", help="segmentation checks and a Linux TCP run (root)")
    s.add_argument("--mb", type=int, default=100, help="MB per direction, unimpaired")
    s.add_argument("--impaired-mb", type=int, default=20, help="MB per direction, impaired")
    a = p.parse_args(argv)
    return _cmd_relay(a) if a.cmd == "relay" else _cmd_selftest(a)


if __name__ == "__main__":
    sys.exit(main())
