"""Floods from real Linux tools over the tap (root): iputils `ping -f`, and
hping3 ICMP and UDP floods, after which ringos still answers ping and UDP echo.
The UDP flood's echoes go back to ports nobody listens on, so the host answers
each with ICMP port unreachable: ringos takes those in too."""
import socket

import pytest

from netns import GUEST_IP, counter_delta, guest_netstat, ping_summary

pytestmark = pytest.mark.hard_timeout(120)


def still_answers(ns):
    r = ns.run(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP], timeout=20)
    assert ping_summary(r.stdout) == (3, 3, 0.0), r.stdout
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(3)
        s.connect((GUEST_IP, 7))
        s.send(b"after the flood")
        assert s.recv(100) == b"after the flood"
    finally:
        s.close()


def test_ping_flood(tap):
    before = guest_netstat(tap.vm)
    r = tap.ns.run(["ping", "-n", "-q", "-f", "-c", "5000", "-W", "1", GUEST_IP], timeout=90)
    sent, got, loss = ping_summary(r.stdout) or (0, 0, 100.0)
    after = guest_netstat(tap.vm)
    assert sent == 5000, r.stdout + r.stderr
    # One request in flight at a time (ping -f waits for the reply or 10 ms): none lost.
    assert got == sent, r.stdout
    assert counter_delta(before, after, "IcmpInEchos") == sent
    still_answers(tap.ns)


def test_hping3_icmp_flood(tap):
    before = guest_netstat(tap.vm)
    r = tap.ns.run(["hping3", "-1", "-c", "5000", "-i", "u50", "-q", GUEST_IP], timeout=90)
    after = guest_netstat(tap.vm)
    assert "packets transmitted" in r.stdout + r.stderr, r.stdout + r.stderr
    assert counter_delta(before, after, "IcmpInEchos") > 0
    still_answers(tap.ns)


def test_hping3_udp_flood(tap):
    before = guest_netstat(tap.vm)
    r = tap.ns.run(["hping3", "-2", "-p", "7", "-d", "64", "-c", "3000", "-i", "u100", "-q",
                    GUEST_IP], timeout=90)
    after = guest_netstat(tap.vm)
    assert "packets transmitted" in r.stdout + r.stderr, r.stdout + r.stderr
    assert counter_delta(before, after, "UdpInDatagrams") > 0
    still_answers(tap.ns)
