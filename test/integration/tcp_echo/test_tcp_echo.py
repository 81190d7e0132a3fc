"""TCP echo (port 7) with the Linux host as the client over a tap: 20 MB sent from
a thread while the echo is read back concurrently, byte-exact by sha256; the
guest's `ss -tan` shows the connection ESTAB while it is open and not after it
closed; stock tools (socat, nc) get their line echoed."""
import socket

import pytest

from impair import guest_ss, tcp_stream
from netns import GUEST_IP, HOST_IP, counter_delta, guest_netstat, wait_for

pytestmark = pytest.mark.hard_timeout(120)
MB = 1 << 20


def connect(ns, port=7, timeout=10):
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((GUEST_IP, port))
    return s


def conn_rows(vm, port):
    """The guest's TCP rows for the host's end at `port`."""
    return [r for r in guest_ss(vm) if r[4] == f"{HOST_IP}:{port}"]


def test_echo_20mb_sha256(tap):
    before = guest_netstat(tap.vm)
    s = connect(tap.ns)
    try:
        port = s.getsockname()[1]
        s.sendall(b"hello")
        assert s.recv(16) == b"hello"
        rows = conn_rows(tap.vm, port)
        assert [r[0] for r in rows] == ["ESTAB"], rows
        assert rows[0][3] == f"{GUEST_IP}:7"
        res = tcp_stream(s, 20 * MB, seed=20, timeout=90)
    finally:
        s.close()
    print(f"20 MB echoed in {res['seconds']:.2f} s "
          f"({20 / res['seconds']:.1f} MB/s each way)")
    assert res["error"] is None and res["eof"], res
    assert res["match"], res
    # Our FIN was echoed by the guest's: it goes through LAST_ACK to nothing.
    wait_for(lambda: not any(r[0] == "ESTAB" for r in conn_rows(tap.vm, port)), 10,
             what="the guest's ESTAB row gone")
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "TcpPassiveOpens") == 1
    assert counter_delta(before, after, "TcpInSegs") > 20 * MB // 65536
    assert counter_delta(before, after, "TcpEstabResets") == 0
    assert after.get("TcpCurrEstab") == before.get("TcpCurrEstab")
    # One copy each way per echoed byte (the article's third question): the
    # service's recv copies out of the RX buffers, its send into the write
    # queue; the hello above is the only other traffic.
    n = 20 * MB + 5
    assert counter_delta(before, after, "CopySkbToUser") == n
    assert counter_delta(before, after, "CopyUserToSkb") == n
    assert counter_delta(before, after, "AppBytesSent") == n
    assert counter_delta(before, after, "AppBytesReceived") == n
    assert after["CopiedPerByteReceivedMilli"] == 1000


def test_echo_socat(tap):
    line = b"socat says hello over TCP\n"
    r = tap.ns.run(["socat", "-t", "3", "STDIO", f"TCP:{GUEST_IP}:7"], input=line, text=False,
                   timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout == line


def test_echo_netcat(tap):
    line = b"nc says hello over TCP\n"
    r = tap.ns.run(["nc", "-N", "-w", "3", GUEST_IP, "7"], input=line, text=False, timeout=20)
    assert r.stdout == line, (r.stdout, r.stderr)
