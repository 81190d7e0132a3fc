"""ICMP errors ringos sends, read by the Linux host on a raw socket: port
unreachable quoting the offending datagram, protocol unreachable, and the
rate limit that bounds a burst of them (a token bucket per destination, as
Linux's icmp_ratelimit, plus the global icmp_msgs_per_sec), and time exceeded
when a datagram's fragments never all arrive; and a frag-needed from the host
lowering the path MTU."""
import socket
import struct
import time

import pytest
from scapy.layers.inet import ICMP, IP, UDP

from netns import GUEST_IP, HOST_IP, counter_delta, guest_netstat, read_pcap

pytestmark = pytest.mark.hard_timeout(60)


def icmp_socket(ns):
    s = ns.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(0.5)
    return s


def icmp_errors(s, want, timeout=2.0):
    """ICMP messages (type, code, quoted bytes) from the guest, until `want`
    of them or `timeout` seconds without one."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        try:
            pkt, addr = s.recvfrom(65536)
        except socket.timeout:
            continue
        if addr[0] != GUEST_IP:
            continue
        ihl = (pkt[0] & 0xF) * 4
        t, c = pkt[ihl], pkt[ihl + 1]
        if t in (3, 11, 12):
            got.append((t, c, pkt[ihl + 8:]))
    return got


def test_port_unreachable_quotes_datagram(tap):
    r = icmp_socket(tap.ns)
    u = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind((HOST_IP, 0))
        sport = u.getsockname()[1]
        u.sendto(b"Q" * 100, (GUEST_IP, 4444))
        errs = icmp_errors(r, 1)
    finally:
        u.close()
        r.close()
    assert errs, "no ICMP error for a closed UDP port"
    t, c, quoted = errs[0]
    assert (t, c) == (3, 3), errs[0][:2]
    ihl = (quoted[0] & 0xF) * 4
    assert quoted[0] >> 4 == 4 and quoted[9] == 17
    assert socket.inet_ntoa(quoted[12:16]) == HOST_IP and socket.inet_ntoa(quoted[16:20]) == GUEST_IP
    # At least the IP header and the first 8 bytes of UDP (RFC 792), as sent.
    assert struct.unpack("!HHH", quoted[ihl:ihl + 6]) == (sport, 4444, 108)


def test_protocol_unreachable(tap):
    before = guest_netstat(tap.vm)
    r = icmp_socket(tap.ns)
    raw = tap.ns.socket(socket.AF_INET, socket.SOCK_RAW, 253)
    try:
        raw.sendto(b"experimental protocol", (GUEST_IP, 0))
        errs = icmp_errors(r, 1)
    finally:
        raw.close()
        r.close()
    assert errs and errs[0][:2] == (3, 2), errs
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "IpInUnknownProtos") == 1
    assert counter_delta(before, after, "IcmpOutDestUnreachs") == 1


def test_unreachables_rate_limited(tap):
    time.sleep(1.5)   # let the per-destination bucket refill from the tests before
    before = guest_netstat(tap.vm)
    r = icmp_socket(tap.ns)
    u = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    burst = 200
    try:
        for i in range(burst):
            u.sendto(b"x", (GUEST_IP, 5000 + i))
        errs = icmp_errors(r, burst, timeout=2.0)
    finally:
        u.close()
        r.close()
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "UdpNoPorts") == burst
    limited = counter_delta(before, after, "IcmpOutRateLimitHost", "IcmpOutRateLimitGlobal")
    sent = counter_delta(before, after, "IcmpOutDestUnreachs")
    assert 1 <= len(errs) < burst // 2, f"{len(errs)} unreachables for a burst of {burst}"
    assert sent == len(errs) and sent + limited == burst, (sent, limited, len(errs))


def test_reassembly_timeout_time_exceeded(tap):
    """A datagram whose first fragment came but not the rest: after ipfrag_time
    it is dropped, counted, and the sender told (time exceeded, code 1)."""
    out = tap.command("sysctl net.ipv4.ipfrag_time=1")
    assert "error" not in out.lower() and "unknown" not in out.lower(), out
    time.sleep(1.5)   # the per-destination ICMP bucket refills after the burst test
    before = guest_netstat(tap.vm)
    r = icmp_socket(tap.ns)
    raw = tap.ns.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        first = IP(src=HOST_IP, dst=GUEST_IP, id=0x6161, flags="MF", frag=0, proto=17) / \
            UDP(sport=40000, dport=7, len=8 + 2000) / bytes(1000)
        raw.sendto(bytes(first), (GUEST_IP, 0))
        errs = icmp_errors(r, 1, timeout=6.0)
    finally:
        raw.close()
        r.close()
        tap.command("sysctl net.ipv4.ipfrag_time=30")
    assert errs and errs[0][:2] == (11, 1), errs
    # The quote is the first fragment's header: our datagram's ID.
    assert struct.unpack("!H", errs[0][2][4:6])[0] == 0x6161
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "IpReasmTimeout") == 1
    assert counter_delta(before, after, "IpReasmFails") == 1
    assert counter_delta(before, after, "IcmpOutTimeExcds") == 1


def test_frag_needed_lowers_path_mtu(tap):
    """A frag-needed from the host (RFC 1191) about a datagram ringos sent: the
    route cache takes the smaller MTU (`ip route get` shows it) and what ringos
    sends to the host afterwards is fragmented to fit it, still byte-exact."""
    mtu = 1000
    quoted = bytes(IP(src=GUEST_IP, dst=HOST_IP, proto=17, flags="DF", id=7) /
                   UDP(sport=7, dport=40404) / bytes(1400))[:28]
    raw = tap.ns.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        msg = IP(src=HOST_IP, dst=GUEST_IP) / ICMP(type=3, code=4, nexthopmtu=mtu) / quoted
        raw.sendto(bytes(msg), (GUEST_IP, 0))
    finally:
        raw.close()
    deadline = time.monotonic() + 5
    while f"mtu {mtu}" not in (out := tap.command("ip route get 10.0.0.1")):
        assert time.monotonic() < deadline, out

    mark = len(read_pcap(tap.vm.pcap))
    u = tap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.settimeout(3)
        u.connect((GUEST_IP, 7))
        data = bytes(range(256)) * 5 + bytes(120)   # 1400 bytes
        u.send(data)
        assert u.recv(2048) == data
    finally:
        u.close()
    sizes = [len(f) - 14 for f in read_pcap(tap.vm.pcap)[mark:]
             if f[12:14] == b"\x08\x00" and f[26:30] == socket.inet_aton(GUEST_IP)]
    assert len(sizes) >= 2 and max(sizes) <= mtu, sizes
