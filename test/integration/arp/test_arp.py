"""ARP against the Linux host: ringos announces itself at link-up, answers
arping, resolves the host by ARP before its first IPv4 packet to it, and ignores
requests for addresses that are not its own."""
import re
import socket

import pytest
from scapy.layers.l2 import ARP, Ether

from netns import GUEST_IP, GUEST_MAC, HOST_IP, guest_neigh, guest_ping, read_pcap

pytestmark = pytest.mark.hard_timeout(60)


def arps(frames):
    return [Ether(f) for f in frames if Ether(f).haslayer(ARP)]


def test_gratuitous_arp_at_link_up(tap):
    # QEMU's pcap starts at power-on, so the announcement is in it.
    grat = [p for p in arps(read_pcap(tap.vm.pcap))
            if p[ARP].psrc == GUEST_IP and p[ARP].pdst == GUEST_IP and p.src == GUEST_MAC]
    assert grat, "no gratuitous ARP for 10.0.0.2 from the guest"
    assert grat[0].dst == "ff:ff:ff:ff:ff:ff"


def test_arping_from_host(tap):
    r = tap.ns.run(["arping", "-c", "3", "-w", "5", "-I", tap.ns.tap, GUEST_IP], timeout=15)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Received 3 response(s)" in r.stdout, r.stdout
    assert r.stdout.lower().count(f"[{GUEST_MAC}]") == 3, r.stdout


def test_guest_arping(tap):
    out = tap.command("arping -c 3 10.0.0.1", timeout=15)
    assert re.search(r"Received 3 response", out), out
    assert tap.ns.mac in out.lower(), out


def test_resolves_host_before_first_packet(tap):
    tap.command("ip neigh flush dev eth0")
    assert not [r for r in guest_neigh(tap.vm, HOST_IP) if r[2] not in (None, "FAILED")]
    mark = len(read_pcap(tap.vm.pcap))
    summary, out = guest_ping(tap.vm, count=1, deadline=5)
    assert summary == (1, 1, 0.0), out

    frames = [Ether(f) for f in read_pcap(tap.vm.pcap)[mark:]]
    first_ip = next(i for i, p in enumerate(frames)
                    if p.type == 0x0800 and p.src == GUEST_MAC)
    asked = [i for i, p in enumerate(frames[:first_ip]) if p.haslayer(ARP)
             and p[ARP].op == 1 and p.src == GUEST_MAC and p[ARP].pdst == HOST_IP]
    answered = [i for i, p in enumerate(frames[:first_ip]) if p.haslayer(ARP)
                and p[ARP].op == 2 and p[ARP].psrc == HOST_IP]
    assert asked and answered and asked[0] < answered[0], \
        [p.summary() for p in frames[:first_ip + 1]]
    assert frames[first_ip].dst == tap.ns.mac
    assert (HOST_IP, tap.ns.mac, "REACHABLE") in guest_neigh(tap.vm, HOST_IP)


def test_foreign_target_ignored(tap):
    """A request from a new on-link source for someone else's address: no reply,
    and nothing learnt (Linux learns only from ARP for its own address)."""
    s = tap.ns.packet_socket()
    try:
        spoof_mac = "02:00:00:00:77:77"
        req = Ether(dst="ff:ff:ff:ff:ff:ff", src=spoof_mac) / ARP(
            op=1, hwsrc=spoof_mac, psrc="10.0.0.77", pdst="10.0.0.99")
        mark = len(read_pcap(tap.vm.pcap))
        for _ in range(3):
            s.send(bytes(req))
        # Something the guest does answer, so the foreign requests were processed first.
        summary, out = guest_ping(tap.vm, count=1, deadline=5)
        assert summary == (1, 1, 0.0), out
    finally:
        s.close()
    replies = [p for p in arps(read_pcap(tap.vm.pcap)[mark:])
               if p[ARP].op == 2 and p.src == GUEST_MAC and p[ARP].pdst == "10.0.0.77"]
    assert not replies
    assert not guest_neigh(tap.vm, "10.0.0.77")


def test_request_for_us_learns_sender(tap):
    """A request for our own address from a new on-link source is answered, and
    the sender is learnt (as Linux does: STALE until used)."""
    s = tap.ns.packet_socket()
    try:
        s.settimeout(3)
        src_mac = "02:00:00:00:55:55"
        req = Ether(dst="ff:ff:ff:ff:ff:ff", src=src_mac) / ARP(
            op=1, hwsrc=src_mac, psrc="10.0.0.55", pdst=GUEST_IP)
        s.send(bytes(req))
        reply = None
        for _ in range(50):
            try:
                data, addr = s.recvfrom(2048)
            except socket.timeout:
                break
            p = Ether(data)
            if addr[2] != socket.PACKET_OUTGOING and p.haslayer(ARP) and p[ARP].op == 2 \
                    and p[ARP].pdst == "10.0.0.55":
                reply = p
                break
    finally:
        s.close()
    assert reply is not None, "no ARP reply to a request for 10.0.0.2"
    assert reply.dst == src_mac and reply[ARP].hwsrc == GUEST_MAC
    assert reply[ARP].psrc == GUEST_IP and reply[ARP].hwdst == src_mac
    assert [r for r in guest_neigh(tap.vm, "10.0.0.55") if r[1] == src_mac]
