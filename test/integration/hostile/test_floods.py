"""Floods over the dgram netdev (no root): ARP requests from thousands of spoofed
on-link sources, first fragments of datagrams that never complete, and echo
requests back to back. Memory stays bounded (the neighbour table within
gc_thresh3, reassembly within its datagram and byte limits), the drops are
counted, and the real peer is still answered afterwards."""
import struct

import pytest
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Ether

from l3peer import GUEST_IP, GUEST_MAC, PEER_IP, L3Peer
from netns import counter_delta, guest_neigh, guest_netstat

pytestmark = pytest.mark.hard_timeout(120)
# A /16, so thousands of spoofed sources are all on-link.
GUEST_APPEND = "ip=10.0.0.2/16 gw=10.0.0.1"
ARP_FLOOD = 3000
FRAG_FLOOD = 3000
ECHO_FLOOD = 5000
GC_THRESH3 = 1024
REASM_MAX_DATAGRAMS = 64


@pytest.fixture
def peer(dgram):
    p = L3Peer(dgram.peer)
    p.drain(0.2)
    assert p.ping(), "no echo reply before the flood"
    return p


def still_answers(peer):
    assert peer.ping(56), "no echo reply after the flood"
    assert peer.ping(3000), "no reassembled echo reply after the flood"
    assert peer.udp_echo(b"after the flood"), "no UDP echo after the flood"


def test_arp_request_flood(dgram, peer):
    before = guest_netstat(dgram.vm)
    for i in range(ARP_FLOOD):
        a, b = 1 + i // 250, 1 + i % 250
        mac = "02:%02x:00:00:%02x:%02x" % (0x10, a, b)
        peer.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) /
                  ARP(op=1, hwsrc=mac, psrc=f"10.0.{a}.{b}", pdst=GUEST_IP))
    peer.drain(0.5)
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    assert counter_delta(before, after, "ArpInRequests") >= ARP_FLOOD
    entries = guest_neigh(dgram.vm)
    assert len(entries) <= GC_THRESH3, f"{len(entries)} neighbour entries after the flood"
    assert counter_delta(before, after, "NeighForcedGcRuns", "NeighTableFull",
                         "NeighGcEvicted") > 0
    # The real peer got in despite the flood.
    assert any(e[0] == PEER_IP for e in entries)


def test_arp_foreign_target_flood(dgram, peer):
    """Requests for someone else's address teach nothing, however many."""
    before = guest_netstat(dgram.vm)
    for i in range(1000):
        mac = "02:20:00:00:%02x:%02x" % (i >> 8, i & 0xFF)
        peer.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) /
                  ARP(op=1, hwsrc=mac, psrc=f"10.0.200.{1 + i % 250}", pdst="10.0.0.99"))
    peer.drain(0.3)
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    assert counter_delta(before, after, "NeighCreated") <= 1   # at most the peer, again
    assert not [e for e in guest_neigh(dgram.vm) if e[0].startswith("10.0.200.")]


def test_fragment_flood(dgram, peer):
    before = guest_netstat(dgram.vm)
    head = bytes.fromhex(GUEST_MAC.replace(":", "")) + bytes.fromhex("020000000001") + b"\x08\x00"
    for i in range(FRAG_FLOOD):
        # First fragments (MF set, offset 0) of UDP datagrams whose rest never comes.
        ip = IP(src=PEER_IP, dst=GUEST_IP, id=(0x8000 + i) & 0xFFFF, proto=17, flags="MF",
                frag=0) / (b"\x9c\x41\x00\x07" + struct.pack("!H", 3008) + b"\0\0" + bytes(1472))
        peer.send(head + bytes(ip))
    peer.drain(0.3)
    mid = guest_netstat(dgram.vm)
    assert counter_delta(before, mid, "IpReasmReqds") >= FRAG_FLOOD
    assert counter_delta(before, mid, "IpReasmFails") >= FRAG_FLOOD - REASM_MAX_DATAGRAMS
    # Reassembly still takes new datagrams: the flood did not lock it.
    still_answers(peer)
    after = guest_netstat(dgram.vm)
    assert counter_delta(mid, after, "IpReasmOKs") >= 1


def test_echo_request_flood(dgram, peer):
    before = guest_netstat(dgram.vm)
    payload = bytes(56)
    for i in range(ECHO_FLOOD):
        peer.send(peer.eth() / IP(src=PEER_IP, dst=GUEST_IP, id=i & 0xFFFF) /
                  ICMP(type=8, id=0x7777, seq=i & 0xFFFF) / payload)
    replies = 0
    for _ in range(ECHO_FLOOD * 2):
        p = peer.recv(lambda p: p.haslayer(ICMP) and p[ICMP].type == 0 and p[ICMP].id == 0x7777,
                      1.0)
        if p is None:
            break
        replies += 1
    after = guest_netstat(dgram.vm)
    # Every request the stack saw got its reply, and every reply arrived.
    assert counter_delta(before, after, "IcmpInEchos") >= replies
    assert replies == counter_delta(before, after, "IcmpOutEchoReps")
    assert replies > ECHO_FLOOD // 2, f"only {replies} of {ECHO_FLOOD} echo requests answered"
    still_answers(peer)
