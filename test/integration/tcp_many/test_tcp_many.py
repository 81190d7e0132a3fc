"""500 TCP connections to echo (port 7) held open at once, each with its own
bytes echoed twice (once as it opens, once when all are open); the guest's
`ss -tan` lists every one ESTAB; then all are closed, none is left ESTAB on the
guest, and it still answers ping and a new echo."""
import socket

import pytest

from impair import guest_ss
from netns import GUEST_IP, HOST_IP, counter_delta, guest_netstat, ping_summary, wait_for

pytestmark = pytest.mark.hard_timeout(120)
N = 500


def echo(s, data):
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = s.recv(len(data) - len(got))
        if not chunk:
            break
        got += chunk
    return got


def ours_estab(vm, ports):
    return [r for r in guest_ss(vm) if r[0] == "ESTAB" and r[3] == f"{GUEST_IP}:7"
            and r[4].startswith(HOST_IP + ":") and int(r[4].rsplit(":", 1)[1]) in ports]


def test_500_connections(tap):
    before = guest_netstat(tap.vm)
    socks = []
    try:
        for i in range(N):
            s = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.settimeout(10)
            s.connect((GUEST_IP, 7))
            data = f"conn {i} opens".encode()
            assert echo(s, data) == data, f"connection {i}"
        ports = {s.getsockname()[1] for s in socks}
        rows = ours_estab(tap.vm, ports)
        assert len(rows) == N, f"{len(rows)} of {N} ESTAB on the guest"
        for i, s in enumerate(socks):
            data = f"conn {i} still here".encode()
            assert echo(s, data) == data, f"connection {i}, second echo"
        mid = guest_netstat(tap.vm)
        assert counter_delta(before, mid, "TcpCurrEstab") == N
    finally:
        for s in socks:
            s.close()
    wait_for(lambda: not ours_estab(tap.vm, ports), 30, interval=0.5,
             what="no ESTAB left on the guest")
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "TcpPassiveOpens") == N
    assert counter_delta(before, after, "TcpEstabResets") == 0
    assert after.get("TcpCurrEstab") == before.get("TcpCurrEstab")
    r = tap.ns.run(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP], timeout=20)
    assert ping_summary(r.stdout) == (3, 3, 0.0), r.stdout
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(10)
        s.connect((GUEST_IP, 7))
        assert echo(s, b"one more") == b"one more"
    finally:
        s.close()
