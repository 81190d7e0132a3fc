"""TCP echo through QEMU user networking (slirp) with a host port forward, no
root: ringos takes its address by DHCP from QEMU, the host connects to
127.0.0.1:PORT and slirp carries the connection to the guest's port 7. 2 MB come
back byte-exact (sha256), and the guest's `ss -tan` shows the connection ESTAB
from slirp's address."""
import socket

import pytest

from impair import guest_ss, tcp_stream

pytestmark = pytest.mark.hard_timeout(90)
MB = 1 << 20


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def forwarded(boot):
    """A guest on user networking with host 127.0.0.1:PORT -> guest port 7."""
    port = free_port()
    vm = boot(netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:7")
    vm.wait_ready(60)
    return vm, port


def test_echo_through_hostfwd(forwarded):
    vm, port = forwarded
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    try:
        s.settimeout(15)
        s.sendall(b"through slirp")
        got = b""
        while len(got) < 13:
            chunk = s.recv(64)
            assert chunk, "closed before the echo"
            got += chunk
        assert got == b"through slirp"
        rows = [r for r in guest_ss(vm) if r[0] == "ESTAB" and r[3].endswith(":7")]
        assert len(rows) == 1, guest_ss(vm)
        # slirp's own address on its virtual network is the peer.
        assert rows[0][4].startswith("10.0.2.2:"), rows
        res = tcp_stream(s, 2 * MB, seed=2, timeout=60)
    finally:
        s.close()
    print(f"2 MB echoed through slirp in {res['seconds']:.2f} s")
    assert res["error"] is None and res["eof"] and res["match"], res
