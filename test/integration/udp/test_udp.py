"""UDP echo (port 7) with real clients in the namespace, byte-exact at 1, 1472
(the largest unfragmented) and 8000 bytes (fragmented both ways); a closed port
answers with ICMP port unreachable, which a connected socket on the host sees as
ECONNREFUSED, and ringos counts it."""
import random
import socket

import pytest

from netns import GUEST_IP, counter_delta, guest_netstat

pytestmark = pytest.mark.hard_timeout(60)
SIZES = [1, 1472, 8000]


def payload(size, seed):
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("size", SIZES)
def test_echo_socat(tap, size):
    data = payload(size, size)
    r = tap.ns.run(["socat", "-t", "3", "-b", "65536", "STDIO", f"UDP:{GUEST_IP}:7"],
                   input=data, text=False, timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout == data, f"echo of {size} bytes differs: got {len(r.stdout)} bytes"


@pytest.mark.parametrize("size", SIZES)
def test_echo_socket(tap, size):
    before = guest_netstat(tap.vm)
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(3)
        s.connect((GUEST_IP, 7))
        for i in range(5):
            data = payload(size, 100 * size + i)
            s.send(data)
            assert s.recv(65536) == data, f"echo #{i} of {size} bytes differs"
        port = s.getsockname()[1]
    finally:
        s.close()
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "UdpInDatagrams") == 5
    assert counter_delta(before, after, "UdpOutDatagrams") == 5
    assert port > 0


def test_echo_netcat(tap):
    data = b"netcat says hello\n"
    r = tap.ns.run(["nc", "-u", "-w", "2", GUEST_IP, "7"], input=data, text=False, timeout=20)
    assert r.stdout == data, (r.stdout, r.stderr)


def test_closed_port_refused(tap):
    before = guest_netstat(tap.vm)
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(3)
        s.connect((GUEST_IP, 9999))
        s.send(b"anyone there?")
        with pytest.raises(ConnectionRefusedError):
            s.recv(2048)
    finally:
        s.close()
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "UdpNoPorts") == 1
    assert counter_delta(before, after, "IcmpOutDestUnreachs") == 1
    # The echo service is unaffected.
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(3)
        s.connect((GUEST_IP, 7))
        s.send(b"still here")
        assert s.recv(2048) == b"still here"
    finally:
        s.close()
