"""The default TCP services with the Linux host as the client over a tap:
echo (a few KB, 4 MB streamed with sha256, and a half-close that still gets
its echo), discard (data accepted, the connection closed cleanly after our
FIN), source (RFC 864's lines exactly, then a reset by closing with unread
data), 50 concurrent echo connections each with its own data, and the
`services` counters following all of it."""
import hashlib
import random
import re
import socket
import threading

import pytest

from netns import GUEST_IP, wait_for

pytestmark = pytest.mark.hard_timeout(120)

ROW = re.compile(r"^(\w+)\s+(tcp|udp)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)",
                 re.M)
FIELDS = ("accepted", "active", "bytes_in", "bytes_out", "resets", "errors")


def services(vm):
    """`services` as {(name, proto): {field: int or None}}."""
    out = {}
    for m in ROW.finditer(vm.command("services")):
        vals = [None if v == "-" else int(v) for v in m.groups()[3:]]
        out[(m.group(1), m.group(2))] = dict(zip(FIELDS, vals))
    assert set(out) == {("echo", "tcp"), ("discard", "tcp"), ("source", "tcp"), ("echo", "udp")}
    return out


def wait_active(tap, key, active):
    """services() once the (name, proto) row shows `active` clients."""
    return wait_for(lambda: (lambda row: row if row["active"] == active else None)(
        services(tap.vm)[key]), 10, what=f"{key} at {active} clients")


def chargen(n):
    """The first n bytes of RFC 864's pattern (line N: printable characters
    N .. N+71 of the ring ' '..'~', then CR LF)."""
    ring = bytes(range(0x20, 0x7F))
    out = bytearray()
    line = 0
    while len(out) < n:
        k = line % 95
        out += (ring + ring)[k:k + 72] + b"\r\n"
        line += 1
    return bytes(out[:n])


def connect(tap, port, timeout=10):
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((GUEST_IP, port))
    return s


def recv_exactly(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(min(65536, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def recv_to_eof(s, limit=64 << 20):
    buf = bytearray()
    while len(buf) <= limit:
        chunk = s.recv(65536)
        if not chunk:
            return bytes(buf)
        buf += chunk
    raise AssertionError("no EOF after %d bytes" % limit)


def test_echo_few_kb(tap):
    data = random.Random(1).randbytes(5000)
    with connect(tap, 7) as s:
        s.sendall(data)
        assert recv_exactly(s, len(data)) == data


def test_echo_half_close_still_echoes(tap):
    """The client shuts its sending side down first: the guest sends the
    rest of the echo, then its own FIN (EOF here), with no reset."""
    data = random.Random(2).randbytes(20000)
    with connect(tap, 7) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        assert recv_to_eof(s) == data


def test_echo_streams_4mb(tap):
    """More than every buffer on the way holds: reading and writing at once,
    the echo's backpressure keeps each byte, in order."""
    data = random.Random(3).randbytes(4 << 20)
    with connect(tap, 7, timeout=30) as s:
        err = []

        def writer():
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError as e:
                err.append(e)
        w = threading.Thread(target=writer, daemon=True)
        w.start()
        got = recv_to_eof(s)
        w.join(timeout=30)
    assert not err, err
    assert len(got) == len(data)
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()


def test_discard_accepts_and_closes_cleanly(tap):
    before = services(tap.vm)[("discard", "tcp")]
    data = bytes(1 << 20)
    with connect(tap, 9) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        # Nothing comes back; our FIN is answered by the guest's (EOF), not a reset.
        assert s.recv(100) == b""
    after = wait_active(tap, ("discard", "tcp"), before["active"])
    assert after["accepted"] == before["accepted"] + 1
    assert after["bytes_in"] - before["bytes_in"] == len(data)
    assert after["bytes_out"] == 0
    assert after["errors"] == before["errors"]


def test_source_sends_rfc864_lines(tap):
    before = services(tap.vm)[("source", "tcp")]
    n = 3 * 95 * 74 + 500      # more than three periods of the pattern
    with connect(tap, 19) as s:
        got = recv_exactly(s, n)
    # Closed with unread data: the host resets, and the guest ends the client.
    assert got[:74] == b' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n'
    assert got[74:148] == b'!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n'
    assert got == chargen(n)
    after = wait_active(tap, ("source", "tcp"), before["active"])
    assert after["accepted"] == before["accepted"] + 1
    assert after["bytes_out"] - before["bytes_out"] >= n
    assert after["errors"] == before["errors"]


def test_50_concurrent_echo_connections(tap):
    before = services(tap.vm)[("echo", "tcp")]
    n = 50
    socks = [connect(tap, 7, timeout=30) for _ in range(n)]
    start = threading.Barrier(n)
    results = [None] * n

    def client(i):
        s = socks[i]
        data = random.Random(100 + i).randbytes(32768 + 997 * i)
        try:
            start.wait(timeout=30)
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = recv_to_eof(s)
            results[i] = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
        except Exception as e:  # reported below
            results[i] = e
        finally:
            s.close()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [True] * n, results
    after = wait_active(tap, ("echo", "tcp"), before["active"])
    assert after["accepted"] - before["accepted"] == n
    total = sum(32768 + 997 * i for i in range(n))
    assert after["bytes_in"] - before["bytes_in"] == total
    assert after["bytes_out"] - before["bytes_out"] == total
    assert after["errors"] == before["errors"]
    out = tap.command("services")
    peak = int(re.search(r"tcp clients \d+ \(peak (\d+)", out).group(1))
    assert peak >= n


def test_services_counters_move(tap):
    before = services(tap.vm)
    with connect(tap, 7) as s:
        s.sendall(b"x" * 1000)
        assert recv_exactly(s, 1000) == b"x" * 1000
        during = services(tap.vm)[("echo", "tcp")]
        assert during["active"] == before[("echo", "tcp")]["active"] + 1
    e0 = before[("echo", "tcp")]
    e1 = wait_active(tap, ("echo", "tcp"), e0["active"])
    assert e1["accepted"] == e0["accepted"] + 1
    assert e1["bytes_in"] - e0["bytes_in"] == 1000
    assert e1["bytes_out"] - e0["bytes_out"] == 1000
    # UDP echo is counted too.
    u = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.settimeout(3)
        u.sendto(b"udp!", (GUEST_IP, 7))
        assert u.recv(100) == b"udp!"
    finally:
        u.close()
    u1 = services(tap.vm)[("echo", "udp")]
    assert u1["bytes_in"] - before[("echo", "udp")]["bytes_in"] == 4
    assert u1["accepted"] is None
