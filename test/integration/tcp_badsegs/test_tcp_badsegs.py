"""Crafted TCP segments over the dgram netdev (no root; a scapy peer, no host stack
to answer for us) at the open echo port 7 and at a closed port: broken checksums,
data offsets and option lengths, nonsense flags, resets and data for nobody, an
ACK for a listener. Each is dropped or answered as RFC 9293 says, counted under
a named counter, and afterwards ringos still completes a handshake and echoes."""
import struct
import sys
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hostile"))
from l3peer import GUEST_IP, PEER_IP, L3Peer  # noqa: E402
from netns import counter_delta, guest_netstat  # noqa: E402

pytestmark = pytest.mark.hard_timeout(90)
GUEST_APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"
COPIES = 3
OPEN, CLOSED = 7, 9999
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
_sport = iter(range(41000, 60000))


def csum(data):
    data += b"\0" * (len(data) & 1)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def segment(dport, flags, seq=1000, ack=0, opts=b"", payload=b"", doff=None, sport=None,
            bad_csum=False):
    """TCP header and payload built byte by byte (any field can be wrong); the
    checksum is right unless bad_csum."""
    doff = doff if doff is not None else 5 + len(opts) // 4
    hdr = struct.pack("!HHIIBBHHH", sport or next(_sport), dport, seq, ack, (doff & 15) << 4,
                      flags, 65535, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", bytes(map(int, PEER_IP.split("."))),
                         bytes(map(int, GUEST_IP.split("."))), 0, 6, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload) ^ (0x5A5A if bad_csum else 0)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def send_tcp(peer, raw):
    peer.send_ip(IP(src=PEER_IP, dst=GUEST_IP, proto=6, id=peer.next_id()) / raw)


def from_guest(peer, sport, timeout):
    """The guest's next TCP segment to our port `sport`, or None."""
    return peer.recv_datagram(lambda ip: ip.proto == 6 and ip.haslayer(TCP)
                              and ip[TCP].dport == sport, timeout)


def answers(peer, raws, timeout=0.4):
    """Sends each segment; returns the guest's first answer to each (or None)."""
    out = []
    for raw in raws:
        send_tcp(peer, raw)
        out.append(from_guest(peer, struct.unpack_from("!H", raw)[0], timeout))
    return out


def clean_up(peer, reply):
    """A SYN-ACK we will not complete: reset it so no half-open entry lingers."""
    if reply is not None and reply[TCP].flags & SYN:
        t = reply[TCP]
        send_tcp(peer, segment(t.sport, RST, seq=t.ack, sport=t.dport))


def mss(n=1460):
    return struct.pack("!BBH", 2, 4, n)


# name -> (builder of one segment, counters whose sum must grow by COPIES,
#          what the guest must answer: None = nothing, else a check of the reply)
def rst_seq_is_ack(ack):
    """RFC 9293 3.10.7.1/3.10.7.2, segment with ACK: <SEQ=SEG.ACK><CTL=RST>."""
    return lambda t: t.flags == RST and t.seq == ack


def rst_ack_of(seq, length):
    """RFC 9293 3.10.7.1, no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>."""
    return lambda t: t.flags == RST | ACK and t.seq == 0 and t.ack == seq + length


CASES = {
    "bad_checksum_syn": (lambda: segment(OPEN, SYN, opts=mss(), bad_csum=True),
                         ["TcpInCsumErrors"], None),
    "bad_checksum_data_closed": (lambda: segment(CLOSED, ACK | PSH, ack=5, payload=b"x" * 9,
                                                 bad_csum=True), ["TcpInCsumErrors"], None),
    "doff_4": (lambda: segment(OPEN, SYN, doff=4), ["TcpExtInBadDataOffset"], None),
    "doff_past_segment": (lambda: segment(OPEN, SYN, doff=15), ["TcpExtInBadDataOffset"],
                          None),
    "syn_fin": (lambda: segment(OPEN, SYN | FIN, opts=mss()), ["TcpExtInBadFlags"], None),
    "syn_rst": (lambda: segment(OPEN, SYN | RST, opts=mss()), ["TcpExtInBadFlags"], None),
    "no_flags_listener": (lambda: segment(OPEN, 0, payload=b"flagless"),
                          ["TcpExtInBadFlags"], None),
    "rst_closed": (lambda: segment(CLOSED, RST, seq=77), ["TcpExtInNoSocket"], None),
    "data_closed_with_ack": (lambda: segment(CLOSED, ACK | PSH, seq=500, ack=123456,
                                             payload=b"hello?"),
                             ["TcpExtInNoSocket"], rst_seq_is_ack(123456)),
    "data_closed_no_ack": (lambda: segment(CLOSED, PSH, seq=500, payload=b"hello?"),
                           ["TcpExtInNoSocket"], rst_ack_of(500, 6)),
    "syn_closed": (lambda: segment(CLOSED, SYN, seq=900, opts=mss()), ["TcpExtInNoSocket"],
                   rst_ack_of(900, 1)),
    "ack_listener": (lambda: segment(OPEN, ACK, seq=42, ack=777777), ["TcpOutRsts"],
                     rst_seq_is_ack(777777)),
}
# Options whose length byte is 0, 1 or runs past the header: the SYN may be
# answered (the options parsed up to the bad one) or dropped, but it is counted.
OPTION_CASES = {
    "option_len_0": b"\x1e\x00\x00\x00",
    "option_len_1": b"\x08\x01\x00\x00",
    "option_past_header": mss() + b"\x03\x0a\x07\x00",
}


@pytest.fixture
def peer(dgram):
    p = L3Peer(dgram.peer)
    p.drain(0.2)
    return p


def established_echo(peer, data=b"still serving echo"):
    """A handshake with the echo service and one echo; the connection is reset after."""
    sport = next(_sport)
    send_tcp(peer, segment(OPEN, SYN, seq=5000, opts=mss(), sport=sport))
    synack = from_guest(peer, sport, 3.0)
    assert synack is not None and synack[TCP].flags == SYN | ACK, synack
    assert synack[TCP].ack == 5001
    isn = synack[TCP].seq
    send_tcp(peer, segment(OPEN, ACK | PSH, seq=5001, ack=isn + 1, payload=data, sport=sport))
    got = b""
    for _ in range(10):
        r = from_guest(peer, sport, 3.0)
        if r is None:
            break
        got += bytes(r[TCP].payload)
        if len(got) >= len(data):
            break
    send_tcp(peer, segment(OPEN, RST, seq=5001 + len(data), sport=sport))
    return got == data


@pytest.mark.parametrize("name", list(CASES))
def test_crafted_segment(dgram, peer, name):
    build, counters, want = CASES[name]
    before = guest_netstat(dgram.vm)
    replies = answers(peer, [build() for _ in range(COPIES)])
    after = guest_netstat(dgram.vm)
    for r in replies:
        if want is None:
            assert r is None, f"{name}: answered {r[TCP].summary() if r else ''}"
        else:
            assert r is not None, f"{name}: no answer"
            assert want(r[TCP]), f"{name}: answered {r[TCP].summary()} seq={r[TCP].seq} " \
                                 f"ack={r[TCP].ack}"
    grew = counter_delta(before, after, *counters)
    assert grew >= COPIES, f"{name}: {counters} grew by {grew}"
    if name.startswith(("bad_checksum", "doff")):
        assert counter_delta(before, after, "TcpInErrs") >= COPIES
    assert established_echo(peer)


@pytest.mark.parametrize("name", list(OPTION_CASES))
def test_bad_option_length(dgram, peer, name):
    before = guest_netstat(dgram.vm)
    replies = answers(peer, [segment(OPEN, SYN, opts=OPTION_CASES[name])
                             for _ in range(COPIES)])
    after = guest_netstat(dgram.vm)
    for r in replies:
        assert r is None or r[TCP].flags == SYN | ACK, r[TCP].summary()
        clean_up(peer, r)
    assert counter_delta(before, after, "TcpExtInBadOptions") >= COPIES
    assert established_echo(peer)


def test_still_serving(dgram, peer):
    assert peer.ping()
    assert peer.udp_echo(b"udp after the bad segments")
    assert established_echo(peer, b"tcp after the bad segments")
