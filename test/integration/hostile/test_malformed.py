"""Malformed input over the dgram netdev (no root): broken IPv4 headers, options,
transport checksums, runts and bad fragments are each dropped and counted under
a named counter, and afterwards ringos still answers ping and UDP echo."""
import struct

import pytest
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether

from l3peer import GUEST_IP, GUEST_MAC, PEER_IP, L3Peer
from netns import counter_delta, guest_netstat

pytestmark = pytest.mark.hard_timeout(60)
GUEST_APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"
COPIES = 3


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(payload=b"\0" * 8, proto=17, ver=4, ihl=None, tot_len=None, options=b"",
         check=None, src=PEER_IP, dst=GUEST_IP, frag=0, ident=0x4242, ttl=64):
    """An IPv4 header built byte by byte, so any field can be wrong; the checksum
    is correct unless `check` is given."""
    ihl = ihl if ihl is not None else 5 + len(options) // 4
    tot_len = tot_len if tot_len is not None else 20 + len(options) + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (ver << 4) | (ihl & 0xF), 0, tot_len & 0xFFFF, ident,
                      frag, ttl, proto, 0, bytes(map(int, src.split("."))),
                      bytes(map(int, dst.split(".")))) + options
    c = csum(hdr) if check is None else check
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def udp_to_echo(data=b"hello", check=None, length=None):
    """A UDP datagram for port 7 with a correct checksum unless told otherwise."""
    length = length if length is not None else 8 + len(data)
    pseudo = (bytes(map(int, PEER_IP.split("."))) + bytes(map(int, GUEST_IP.split(".")))
              + struct.pack("!BBH", 0, 17, 8 + len(data)))
    body = struct.pack("!HHHH", 40001, 7, length, 0) + data
    c = check if check is not None else (csum(pseudo + body) or 0xFFFF)
    return body[:6] + struct.pack("!H", c) + body[8:]


def frame(l3, ethertype=0x0800):
    return (bytes.fromhex(GUEST_MAC.replace(":", "")) + bytes.fromhex("020000000001")
            + struct.pack("!H", ethertype) + l3)


# name -> (frame, counters of which the sum must grow by COPIES)
CASES = {
    "version_5": (frame(ipv4(ver=5)), ["IpInBadVersion"]),
    "version_6_in_ipv4": (frame(ipv4(ver=6)), ["IpInBadVersion"]),
    "ihl_4": (frame(ipv4(ihl=4)), ["IpInBadHdrLen"]),
    "ihl_15_past_frame": (frame(ipv4(ihl=15, payload=b"")), ["IpInBadHdrLen"]),
    "tot_len_past_frame": (frame(ipv4(tot_len=1000)), ["IpExtInTruncatedPkts"]),
    "tot_len_below_header": (frame(ipv4(tot_len=12)), ["IpInBadLength"]),
    "bad_header_checksum": (frame(ipv4(check=0x1234)), ["IpExtInCsumErrors"]),
    # Options: record route with length 0; a timestamp longer than the header;
    # a 2-byte option cut at the end of the header.
    "option_len_0": (frame(ipv4(options=b"\x07\x00\x00\x00")), ["IpInBadOptions"]),
    "option_past_header": (frame(ipv4(options=b"\x44\x10\x05\x00")), ["IpInBadOptions"]),
    "option_cut": (frame(ipv4(options=b"\x01\x01\x01\x83")), ["IpInBadOptions"]),
    "src_broadcast": (frame(ipv4(udp_to_echo(), src="255.255.255.255")), ["IpInMartianSource"]),
    "src_multicast": (frame(ipv4(udp_to_echo(), src="224.0.0.1")), ["IpInMartianSource"]),
    "src_ours": (frame(ipv4(udp_to_echo(), src=GUEST_IP)), ["IpInMartianSource"]),
    "dst_not_ours": (frame(ipv4(udp_to_echo(), dst="10.0.0.99")), ["IpInAddrErrors"]),
    "unknown_protocol": (frame(ipv4(b"x" * 8, proto=253)), ["IpInUnknownProtos"]),
    "udp_bad_checksum": (frame(ipv4(udp_to_echo(check=0x1234))), ["UdpInCsumErrors"]),
    "udp_len_past_ip": (frame(ipv4(udp_to_echo(length=200))), ["UdpInShort"]),
    "udp_len_below_8": (frame(ipv4(udp_to_echo(length=4))), ["UdpInShort"]),
    "udp_truncated_header": (frame(ipv4(b"\x9c\x41\x00", proto=17)), ["UdpInShort"]),
    "icmp_bad_checksum": (frame(ipv4(bytes(ICMP(type=8, chksum=0x1234) / b"ping"), proto=1)),
                          ["IcmpInCsumErrors"]),
    "icmp_truncated": (frame(ipv4(b"\x08\x00", proto=1)), ["IcmpInErrors"]),
    # Fragments: one ending past 65535 bytes; two that overlap (offsets 0 and 8,
    # 16 bytes each); the datagram is dropped and counted.
    "fragment_too_big": (frame(ipv4(b"z" * 96, frag=0x2000 | 8185, ident=0x5001)),
                         ["IpReasmOversize"]),
}
AGGREGATE = {
    "IpInBadVersion": "IpInHdrErrors", "IpInBadHdrLen": "IpInHdrErrors",
    "IpInBadLength": "IpInHdrErrors", "IpInBadOptions": "IpInHdrErrors",
    "IpExtInCsumErrors": "IpInHdrErrors", "IpInMartianSource": "IpInAddrErrors",
    "UdpInShort": "UdpInErrors", "UdpInCsumErrors": "UdpInErrors",
    "IcmpInCsumErrors": "IcmpInErrors", "IpReasmOversize": "IpReasmFails",
}
OVERLAP = [frame(ipv4(b"a" * 16, frag=0x2000 | 0, ident=0x5002)),
           frame(ipv4(b"b" * 16, frag=0x2000 | 1, ident=0x5002)),
           frame(ipv4(b"c" * 16, frag=4, ident=0x5002))]


@pytest.fixture
def peer(dgram):
    p = L3Peer(dgram.peer)
    p.drain(0.2)
    assert p.ping(), "no echo reply before the test"
    return p


def still_answers(peer):
    assert peer.ping(56), "no echo reply afterwards"
    assert peer.ping(3000), "no reassembled echo reply afterwards"
    assert peer.udp_echo(b"still alive"), "no UDP echo afterwards"


@pytest.mark.parametrize("case", list(CASES))
def test_dropped_and_counted(dgram, peer, case):
    data, counters = CASES[case]
    before = guest_netstat(dgram.vm)
    for _ in range(COPIES):
        peer.send(data)
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    grew = counter_delta(before, after, *counters)
    assert grew >= COPIES, f"{counters} grew by {grew}, not {COPIES}"
    # Our own reason counters sit under Linux's aggregate ones, which grow too.
    for reason in counters:
        if reason in AGGREGATE:
            total = counter_delta(before, after, AGGREGATE[reason])
            assert total >= COPIES, f"{AGGREGATE[reason]} grew by {total}, not {COPIES}"
    # Nothing malformed was answered as if it were fine.
    assert counter_delta(before, after, "UdpInDatagrams") == 1


def test_overlapping_fragments(dgram, peer):
    before = guest_netstat(dgram.vm)
    for f in OVERLAP:
        peer.send(f)
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    assert counter_delta(before, after, "IpReasmOverlaps") >= 1
    assert counter_delta(before, after, "IpReasmFails") >= 1


def test_runts(dgram, peer):
    """Frames shorter than their headers: QEMU pads what is under 60 bytes, so the
    stack sees zeros where a header should go on."""
    before = guest_netstat(dgram.vm)
    ip_hdr = ipv4(udp_to_echo())
    arp = bytes(ARP(op=1, psrc=PEER_IP, pdst=GUEST_IP, hwsrc="02:00:00:00:00:01"))
    runts = [frame(ip_hdr[:10]), frame(ip_hdr[:19]), frame(b""), frame(arp[:12], 0x0806),
             frame(ip_hdr[:30])]
    for r in runts:
        peer.send(r)
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    dropped = counter_delta(before, after, "IpInHdrErrors", "IpExtInTruncatedPkts",
                            "UdpInErrors", "ArpInMalformed")
    assert dropped >= 4, f"only {dropped} of {len(runts)} runts counted as dropped"


def test_builders_are_right():
    """The hand-built headers above are correct wherever a case does not break them."""
    good = IP(ipv4(udp_to_echo(b"abc")))
    ref = IP(bytes(IP(src=PEER_IP, dst=GUEST_IP, id=0x4242, ttl=64) /
                   UDP(sport=40001, dport=7) / b"abc"))
    assert (good.chksum, good[UDP].chksum, good.len) == (ref.chksum, ref[UDP].chksum, ref.len)
    assert Ether(frame(bytes(good))).dst == GUEST_MAC
