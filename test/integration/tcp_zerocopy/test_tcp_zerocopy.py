"""MSG_ZEROCOPY send, checked from the Linux host over a tap (one boot for the
module):

- the guest's `zcsend` (two buffers, each rewritten only after the error
  queue gave it back) sends 8 MB to a host listener: every byte arrives as
  app=send's pattern (sha256), every call is completed and none copied, and
  `netstat -s` Copies shows no byte copied into an skb for it;
- with scatter-gather off (`ethtool -K eth0 sg off`) the same run is still
  byte-exact, every completion says SO_EE_CODE_ZEROCOPY_COPIED, and
  CopyUserToSkb grew by the bytes sent;
- with net.ipv4.tcp_zerocopy_min above the chunk, every call is copied too;
- the source service copying (tcp_zerocopy_min above its sends) streams
  on, every completion copied;
- the source service (port 19) read by the host: RFC 864's lines exactly,
  `services` shows its completions, none copied, and 0 bytes copied per
  byte sent, while an echo (port 7) transfer in the same boot copies each
  byte once (1000 per mille);
- scatter-gather switched off under a running source stream: still exact,
  and the sends made meanwhile are reported copied;
- Ctrl-C mid-run: zcsend still waits for both buffers, then closes; a peer
  that stops reading: the buffers stay allocated, said in a second line;
- TSO off: software GSO copies the frags, and the completions say COPIED;
- zcsend's bad arguments are named, a refused connection is named.
The kernel's Zerocopy counters must agree with zcsend's. Toggled settings
are put back even when a test fails. test_tcp_zerocopy_impaired.py: the same
sender over a lossy relay (retransmissions read the buffers again)."""
import contextlib
import functools
import hashlib
import re
import socket
import threading
import time

import pytest

from impair import tcp_stream
from netns import GUEST_IP, HOST_IP, counter_delta, guest_netstat, wait_for

pytestmark = pytest.mark.hard_timeout(150)

MB = 1 << 20
PERIOD = 1 << 20        # app=send's pattern repeats every 2^20 bytes
ZC_LINE = re.compile(r"zcsend: (\d+) bytes, (\d+) sends, completions (\d+) \(copied (\d+)\), "
                     r"([\d.]+) Mbit/s")
SOURCE_ZC = re.compile(r"source zero-copy sends completed (\d+), of them copied (\d+)")
# Every copy the way out can make (net/core/skbuff.c's CopiedPerByteSentMilli).
OUT_COPIES = ("CopyUserToSkb", "CopyFragment", "CopyLinearize", "CopyHeaderCow",
              "CopyExpandHead", "CopyGso", "CopyTcpSplit")


@functools.lru_cache(maxsize=1)
def pattern_period():
    """One period of app=send's stream: byte i is (i * 7 + (i >> 12)) & 0xFF."""
    return bytes(((i * 7 + (i >> 12)) & 0xFF) for i in range(PERIOD))


def pattern_digest(n):
    """sha256 of the stream's first n bytes."""
    p = pattern_period()
    return hashlib.sha256(p * (n // PERIOD) + p[:n % PERIOD]).hexdigest()


def chargen(n):
    """RFC 864's first n bytes: line k is ring characters k .. k+71, CR LF."""
    ring = bytes(range(0x20, 0x7F))
    period = b"".join((ring + ring)[k:k + 72] + b"\r\n" for k in range(95))
    return (period * (n // len(period) + 1))[:n]


def copied_per_sent_milli(before, after):
    sent = counter_delta(before, after, "AppBytesSent")
    return counter_delta(before, after, *OUT_COPIES) * 1000 // sent if sent else None


class HashingSink(threading.Thread):
    """One connection on an ephemeral port of HOST_IP in the namespace: hashes
    and counts all it reads until the guest's FIN, then closes; `pace` slows
    its reads down."""

    def __init__(self, ns, pace=0.0):
        super().__init__(daemon=True)
        self.pace = pace        # seconds between reads of at most 64 KB; 0: at once
        self.lsock = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.bind((HOST_IP, 0))
        self.lsock.listen(1)
        self.lsock.settimeout(60)
        self.port = self.lsock.getsockname()[1]
        self.nbytes, self.digest, self.error = 0, None, None
        self.start()

    def run(self):
        h = hashlib.sha256()
        try:
            with self.lsock, self.lsock.accept()[0] as conn:
                conn.settimeout(60)
                for data in iter(lambda: conn.recv(65536 if self.pace else MB), b""):
                    h.update(data)
                    self.nbytes += len(data)
                    time.sleep(self.pace)
            self.digest = h.hexdigest()
        except Exception as e:  # reported by the test
            self.error = e


def zcsend(tap, nbytes, chunk=None):
    """Runs zcsend towards a HashingSink and checks what arrived; (sends,
    copied, netstat before, netstat after)."""
    before = guest_netstat(tap.vm)
    rx = HashingSink(tap.ns)
    cmd = f"zcsend {HOST_IP}:{rx.port} {nbytes}" + (f" {chunk}" if chunk else "")
    out = tap.command(cmd, timeout=120)
    rx.join(timeout=30)
    after = guest_netstat(tap.vm)
    m = ZC_LINE.search(out)
    assert m, out
    assert rx.error is None, rx.error
    assert int(m.group(1)) == nbytes
    assert rx.nbytes == nbytes
    assert rx.digest == pattern_digest(nbytes), "the peer got other bytes than were sent"
    sends, completions, copied = (int(m.group(i)) for i in (2, 3, 4))
    assert sends >= -(-nbytes // (chunk or 65536))
    assert completions == sends, out
    assert counter_delta(before, after, "AppBytesSent") == nbytes
    # The kernel's own count (netstat -s Zerocopy) agrees with the sender's.
    assert counter_delta(before, after, "ZerocopySends") == sends
    assert counter_delta(before, after, "ZerocopyCompleted") == sends
    assert counter_delta(before, after, "ZerocopyCompletedCopied") == copied
    print(out.strip())
    return sends, copied, before, after


@contextlib.contextmanager
def guest_setting(tap, on, off):
    """Runs the shell command `on`, and `off` when the block ends."""
    tap.command(on)
    try:
        yield
    finally:
        tap.command(off)


def sysctl_value(tap, name):
    return int(re.search(re.escape(name) + r"\s*=\s*(\d+)", tap.command(f"sysctl {name}")).group(1))


@pytest.mark.parametrize("chunk", [None, MB])
def test_zerocopy_8mb_byte_exact_and_uncopied(tap, chunk):
    """chunk None: zcsend's 64 KB, one call each; 1 MB is more than the
    socket takes at once, so a buffer's chunk leaves in several calls (ids)."""
    n = 8 * MB
    sends, copied, before, after = zcsend(tap, n, chunk)
    if chunk:
        assert sends > n // chunk, "no partial send: the many-ids-per-buffer case is untested"
    assert copied == 0
    assert counter_delta(before, after, "ZerocopyBytes") == n
    assert counter_delta(before, after, "CopyUserToSkb") == 0
    assert copied_per_sent_milli(before, after) == 0


def test_without_sg_every_completion_is_copied(tap):
    n = 8 * MB
    assert re.search(r"scatter-gather: on", tap.command("ethtool -k eth0"))
    with guest_setting(tap, "ethtool -K eth0 sg off", "ethtool -K eth0 sg on tso on"):
        assert re.search(r"scatter-gather: off", tap.command("ethtool -k eth0"))
        sends, copied, before, after = zcsend(tap, n)
    assert copied == sends
    assert counter_delta(before, after, "ZerocopyBytes") == 0
    assert counter_delta(before, after, "CopyUserToSkb") == n


def test_sends_below_zerocopy_min_are_copied(tap):
    n, chunk = 4 * MB, 16384
    old = sysctl_value(tap, "net.ipv4.tcp_zerocopy_min")
    with guest_setting(tap, f"sysctl net.ipv4.tcp_zerocopy_min={chunk + 1}",
                       f"sysctl net.ipv4.tcp_zerocopy_min={old}"):
        sends, copied, before, after = zcsend(tap, n, chunk)
    assert copied == sends
    assert counter_delta(before, after, "CopyUserToSkb") == n


def source_zc(tap):
    m = SOURCE_ZC.search(tap.command("services"))
    assert m, "no zero-copy line in `services`"
    return int(m.group(1)), int(m.group(2))


def source_active(tap):
    m = re.search(r"^source\s+tcp\s+19\s+\d+\s+(\d+)", tap.command("services"), re.M)
    return int(m.group(1))


def test_source_is_zerocopy_and_echo_copies(tap):
    n = 8 * MB
    zc0, active0 = source_zc(tap), source_active(tap)
    before = guest_netstat(tap.vm)
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    with s:
        s.settimeout(30)
        s.connect((GUEST_IP, 19))
        got, buf = bytearray(), bytearray(MB)
        while len(got) < n and (k := s.recv_into(buf, min(MB, n - len(got)))) > 0:
            got += buf[:k]
    # Closed with unread data: the reset ends the guest's client.
    wait_for(lambda: source_active(tap) == active0, 10, what="the source client gone")
    after = guest_netstat(tap.vm)
    zc1 = source_zc(tap)
    assert bytes(got) == chargen(n)
    assert zc1[0] > zc0[0], "no completion read by the source service"
    assert zc1[1] == zc0[1], "the source service's sends were copied"
    assert counter_delta(before, after, "AppBytesSent") >= n
    assert counter_delta(before, after, "CopyUserToSkb") == 0
    assert copied_per_sent_milli(before, after) == 0

    m = 4 * MB
    before = guest_netstat(tap.vm)
    with tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as e:
        e.settimeout(10)
        e.connect((GUEST_IP, 7))
        res = tcp_stream(e, m, seed=19, timeout=90)
    assert res["error"] is None and res["eof"] and res["match"], res
    after = guest_netstat(tap.vm)
    deltas = {k: counter_delta(before, after, k) for k in OUT_COPIES + ("AppBytesSent",)}
    # One copy into the skb per byte echoed; a split of a copied (linear)
    # skb when the window or Nagle cuts it copies a few bytes more
    # (CopyTcpSplit), as Linux's tcp_fragment does.
    assert deltas["CopyUserToSkb"] == m, deltas
    assert deltas["CopyUserToSkb"] * 1000 // deltas["AppBytesSent"] == 1000
    assert 1000 <= copied_per_sent_milli(before, after) < 1100, str(deltas)


def test_source_copying_streams_on(tap):
    """The source service with every send copied (tcp_zerocopy_min above its
    sends): each completion arrives at once, so POLLERR comes with nearly
    every wake-up; the stream must go on regardless (a wake-up that read
    only completions once looked like a dead connection and closed it)."""
    n = 16 * MB
    zc0, active0 = source_zc(tap), source_active(tap)
    old = sysctl_value(tap, "net.ipv4.tcp_zerocopy_min")
    got, buf = bytearray(), bytearray(MB)
    with guest_setting(tap, "sysctl net.ipv4.tcp_zerocopy_min=2147483647",
                       f"sysctl net.ipv4.tcp_zerocopy_min={old}"):
        with tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect((GUEST_IP, 19))
            while len(got) < n and (k := s.recv_into(buf, min(MB, n - len(got)))) > 0:
                got += buf[:k]
        wait_for(lambda: source_active(tap) == active0, 10, what="the source client gone")
    zc1 = source_zc(tap)
    assert len(got) == n, f"the stream ended after {len(got)} bytes"
    assert bytes(got) == chargen(n)
    assert zc1[1] - zc0[1] == zc1[0] - zc0[0] > 0, "every completion says copied"


@pytest.mark.parametrize("args,named", [
    ("10.0.0.1 1000", "bad HOST:PORT '10.0.0.1'"),
    ("10.0.0.1:70000 1000", "bad HOST:PORT '10.0.0.1:70000'"),
    ("10.0.0.1:5001 12x", "bad BYTES '12x'"),
    ("10.0.0.1:5001 1000 0", "bad CHUNK '0'"),
    ("10.0.0.1:5001 1000 2000000", "bad CHUNK '2000000'"),
])
def test_bad_arguments_are_named(tap, args, named):
    lines = tap.command(f"zcsend {args}").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"zcsend: {named}"), lines


def test_refused_is_named(tap):
    # Nothing listens on the host's port 9 in the namespace.
    out = tap.command(f"zcsend {HOST_IP}:9 1000", timeout=30)
    assert out.strip().splitlines() == ["zcsend: connect failed: ECONNREFUSED"]


def test_sg_off_under_a_running_source_stream(tap):
    """Scatter-gather switched off while the source service's zero-copy skbs
    are queued and in flight: those that still reach the driver must be made
    linear (copied) on the way, and the stream stays exact."""
    zc0, active0 = source_zc(tap), source_active(tap)
    before = guest_netstat(tap.vm)
    got, buf = bytearray(), bytearray(MB)
    with tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect((GUEST_IP, 19))
        with guest_setting(tap, "ethtool -K eth0 sg on", "ethtool -K eth0 sg on tso on"):
            for step in range(6):
                if step == 2:
                    tap.command("ethtool -K eth0 sg off")
                if step == 4:
                    tap.command("ethtool -K eth0 sg on tso on")
                want = len(got) + 2 * MB
                while len(got) < want and (k := s.recv_into(buf)) > 0:
                    got += buf[:k]
    wait_for(lambda: source_active(tap) == active0, 10, what="the source client gone")
    after = guest_netstat(tap.vm)
    zc1 = source_zc(tap)
    assert bytes(got) == chargen(len(got))
    print(f"{len(got)} bytes; completions {zc1[0] - zc0[0]}, copied {zc1[1] - zc0[1]}; "
          + str({k: counter_delta(before, after, k) for k in OUT_COPIES}))
    assert zc1[1] > zc0[1], "no send was reported copied while sg was off"


def test_ctrl_c_waits_for_the_buffers_then_closes(tap):
    """Interrupted mid-run, zcsend still waits for the kernel to give both
    buffers back (the peer keeps reading), then closes: the shell answers,
    no completion was left for a closed socket, and what arrived is the
    pattern's start."""
    before = guest_netstat(tap.vm)
    rx = HashingSink(tap.ns, pace=0.02)
    tap.vm.expect(r"ringos> ")
    begin = len(tap.vm.log)
    tap.vm.send_raw(f"zcsend {HOST_IP}:{rx.port} {64 * MB}\r".encode())
    wait_for(lambda: rx.nbytes >= MB, 30, what="the first MB at the host")
    tap.vm.send_raw(b"\x03")
    tap.vm.expect(r"zcsend: (send|completion) failed: EINTR\r?\nringos> ", 30, begin)
    rx.join(timeout=60)
    out = tap.vm.log[begin:].decode(errors="replace")
    assert "never completed" not in out, out
    assert rx.error is None and rx.digest == pattern_digest(rx.nbytes)
    assert rx.nbytes < 64 * MB
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "ZerocopyDroppedClosed") == 0
    assert counter_delta(before, after, "ZerocopyCompleted") == \
        counter_delta(before, after, "ZerocopySends")
    assert tap.command("uptime").startswith("up ")


def test_a_peer_that_stops_reading_keeps_the_buffers(tap):
    """A peer that never reads: the wait for a buffer's completions ends at
    zcsend's bound, the bounded wait to get the buffers back fails too, and
    zcsend says they stay allocated (skbs still point at them) instead of
    freeing them; once the peer goes, the kernel drops the completions
    nobody can read."""
    before = guest_netstat(tap.vm)
    lsock = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    with lsock:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        lsock.bind((HOST_IP, 0))
        lsock.listen(1)
        out = tap.command(f"zcsend {HOST_IP}:{lsock.getsockname()[1]} {64 * MB}", timeout=60)
        lsock.accept()[0].close()       # unread data: a reset
    lines = out.strip().splitlines()
    assert len(lines) == 2, out
    assert lines[0] == "zcsend: completion failed: ETIMEDOUT"
    assert re.fullmatch(r"zcsend: [1-9]\d* sends never completed; their buffers stay allocated",
                        lines[1]), out
    wait_for(lambda: counter_delta(before, guest_netstat(tap.vm), "ZerocopyDroppedClosed") > 0,
             10, what="the unread completions dropped")


def test_tso_off_completions_tell_the_truth(tap):
    """TSO off, scatter-gather on: zero-copy is still chosen (the device
    gathers and checksums), and software GSO cuts the skbs. Either GSO keeps
    the frags (no byte copied, completions plain) or it copies them (then the
    completions must say SO_EE_CODE_ZEROCOPY_COPIED): the sender is told
    what happened to its bytes."""
    n = 8 * MB
    with guest_setting(tap, "ethtool -K eth0 tso off", "ethtool -K eth0 tso on"):
        sends, copied, before, after = zcsend(tap, n)
    copied_bytes = counter_delta(before, after, *OUT_COPIES)
    assert (copied_bytes >= n) == (copied == sends), \
        f"{copied_bytes} bytes copied on the way out, {copied} of {sends} completions say so"
