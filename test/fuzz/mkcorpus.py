#!/usr/bin/env python3
"""Writes the stack-mode seeds (GF_STACK, input format in README.md) into
test/fuzz/corpus/stack_*, and TCP mode's (GF_TCP) into tcp_*. Deterministic:
the same bytes on every run.

    python3 test/fuzz/mkcorpus.py [DIR]

The stack is 10.0.0.2/24 at 52:54:00:12:34:56 with a default route via
10.0.0.1 (fuzz_stack.c); the peer here is 10.0.0.1 at 52:54:00:00:00:01."""
import os
import struct
import sys

GF_RXCSUM, GF_STACK, GF_FIX_CSUM, GF_TCP, GF_TCP_ESTAB = 0x01, 0x10, 0x20, 0x40, 0x80
RC_POLL, RC_TX_DEVICE, RC_TX_CLEAN, RC_ECHO, RC_CLOSE = 0x02, 0x04, 0x08, 0x40, 0x80
TR_KEEPALIVE, TR_LINGER0 = 0x40, 0x80
GB_TCP_ZEROCOPY = 0x80
STAT_DD, STAT_EOP, STAT_UDPCS, STAT_IPCS = 0x01, 0x02, 0x10, 0x40
# One burst per frame, the device sending and the driver reclaiming at once.
POLL = RC_POLL | RC_TX_DEVICE | RC_TX_CLEAN

OUR_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("525400000001")
BCAST = b"\xff" * 6
OUR_IP, PEER_IP = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])
FAR_IP = bytes([192, 168, 1, 5])
LOST_IP, LOST_MAC = bytes([10, 0, 0, 3]), bytes.fromhex("525400000003")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, proto, payload, src=PEER_MAC):
    return dst + src + struct.pack("!H", proto) + payload


def arp(op, sha, sip, tha, tip):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + sip + tha + tip


def ipv4(src, dst, proto, payload, ident=0x1234, frag=0, ihl=5, opts=b"", tot=None):
    tot = 4 * ihl + len(payload) if tot is None else tot
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, ident, frag, 64, proto, 0, src, dst)
    hdr += opts
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def icmp_echo(ident, seq, data):
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(seg))
    c = csum(pseudo + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b"", win=65535, doff=None,
        bad_sum=False):
    """A TCP segment; our side's numbers (ack, SACK blocks, TSecr) are
    relative in TCP mode (fuzz_tcp.c), and the sum is taken over them: the
    harness keeps it valid as it makes them absolute."""
    opts += b"\0" * (-len(opts) % 4)
    doff = (20 + len(opts)) // 4 if doff is None else doff
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      doff << 4, flags, win, 0, 0) + opts + data
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(seg)) + seg) ^ (0x5555 if bad_sum else 0)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def o_mss(v):
    return struct.pack("!BBH", 2, 4, v)


def o_ts(tsval, tsecr):
    return b"\x01\x01" + struct.pack("!BBII", 8, 10, tsval, tsecr)


def o_sack(*blocks):
    return b"\x01\x01" + struct.pack("!BB", 5, 2 + 8 * len(blocks)) + b"".join(
        struct.pack("!II", a, b) for a, b in blocks)


SYN_OPTS = o_mss(1460) + b"\x04\x02" + struct.pack("!BBII", 8, 10, 1, 0) + b"\x01\x03\x03\x07"


def record(frame, ctl=POLL, time=0, status=STAT_DD | STAT_EOP, pad=True):
    # The wire pads frames to 60 bytes; a runt needs pad=False.
    if pad:
        frame += b"\0" * max(0, 60 - len(frame))
    length = len(frame)
    wb = struct.pack("<HHIIHH", 0, 0, 0, status, length, 0)
    return wb + struct.pack("<BHB", ctl, len(frame), time) + frame


def inp(records, flags=GF_STACK | GF_FIX_CSUM, rings=0):
    # RX and TX budgets of 64 (b % 64 = 63), no refill failures.
    return bytes([flags, 63, 63, rings, 0]) + b"".join(records)


def ms(b_high, b_low):
    """The time byte: (b & 0x1F) << (3 * (b >> 5)) milliseconds."""
    return (b_high << 5) | b_low


# The peer asks for us: we answer, and learn the peer on the way.
ARP_REQ = eth(BCAST, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, OUR_IP))
ARP_REPLY = eth(OUR_MAC, 0x0806, arp(2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP))


def to_us(ip_packet, src=PEER_MAC):
    return eth(OUR_MAC, 0x0800, ip_packet, src)


def seeds():
    pattern = bytes(range(256)) * 8
    dgram = udp(PEER_IP, OUR_IP, 40000, 7, pattern[:1000])
    out = {}
    out["stack_arp"] = inp([record(ARP_REQ)])
    out["stack_icmp_echo"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(0x4242, 1, pattern[:56])))),
    ])
    # The NIC's verdict claimed (and earned) on the datagram: RXCSUM.
    out["stack_udp_echo"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40000, 7, b"hello"))),
               ctl=POLL | RC_ECHO, status=STAT_DD | STAT_EOP | STAT_IPCS | STAT_UDPCS),
    ], flags=GF_STACK | GF_FIX_CSUM | GF_RXCSUM)
    out["stack_udp_closed"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40000, 9, b"anyone?")))),
    ])
    # One datagram in two fragments, the second first; then echoed.
    out["stack_fragments"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, dgram[512:], ident=7, frag=512 // 8))),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, dgram[:512], ident=7, frag=0x2000)),
               ctl=POLL | RC_ECHO),
    ])
    # The second fragment starts inside the first: the datagram is dropped.
    out["stack_frag_overlap"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, dgram[:512], ident=8, frag=0x2000))),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, dgram[256:], ident=8, frag=256 // 8))),
    ])
    # Headers the input checks drop (no checksum fixing: one sum is wrong).
    echo = icmp_echo(1, 1, b"x" * 8)
    good = ipv4(PEER_IP, OUR_IP, 1, echo)
    bad_sum = good[:10] + b"\0\0" + good[12:]
    out["stack_bad_ipv4"] = inp([
        record(ARP_REQ),
        record(to_us(bytes([0x43]) + good[1:])),                      # ihl 3
        record(to_us(bytes([0x65]) + good[1:])),                      # version 6
        record(to_us(ipv4(PEER_IP, OUR_IP, 1, echo, tot=200))),       # longer than the frame
        record(to_us(ipv4(PEER_IP, OUR_IP, 1, echo, tot=12))),        # shorter than its header
        record(to_us(bad_sum)),                                       # header sum
        record(to_us(ipv4(PEER_IP, OUR_IP, 1, echo, ihl=6, opts=bytes([7, 9, 0, 0])))),
        record(to_us(ipv4(OUR_IP, OUR_IP, 1, echo))),                 # our own source
        record(to_us(good)[:20], pad=False),                          # cut inside the header
    ], flags=GF_STACK)
    # An off-link sender answered through the gateway (then probed: DELAY,
    # PROBE), an on-link one that never answers ARP (three requests a second
    # apart, then FAILED), and a first fragment whose datagram never
    # completes (time exceeded after 30 s, to the peer).
    out["stack_timers"] = inp([
        record(ARP_REQ),
        record(to_us(ipv4(FAR_IP, OUR_IP, 1, icmp_echo(9, 1, b"far")))),
        record(to_us(ipv4(LOST_IP, OUR_IP, 1, icmp_echo(9, 2, b"lost")), src=LOST_MAC)),
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, dgram[:512], ident=9, frag=0x2000))),
        record(ARP_REPLY, time=ms(3, 2)),
        record(ARP_REPLY, time=ms(3, 2)),
        record(ARP_REPLY, time=ms(3, 4)),
        record(ARP_REPLY, time=ms(4, 8)),
    ])
    # A 3000-byte datagram in three fragments: its echo is larger than the
    # MTU, so ip_fragment cuts the reply.
    big = udp(PEER_IP, OUR_IP, 40001, 7, pattern[:2992])
    out["stack_big_echo"] = inp([record(ARP_REQ)] + [
        record(to_us(ipv4(PEER_IP, OUR_IP, 17, big[off:off + 1480], ident=10,
                          frag=(off // 8) | (0x2000 if off + 1480 < len(big) else 0))),
               ctl=0 if off + 1480 < len(big) else POLL | RC_ECHO)
        for off in range(0, len(big), 1480)
    ])
    # 100 echo requests in two bursts while the device sends nothing: the TX
    # ring fills, the queue stops, the qdisc holds the rest and NET_TX sends
    # it once the ring drains.
    burst = [record(to_us(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(5, i, b"fill"))),
                    ctl=RC_POLL if i % 50 == 49 else 0) for i in range(100)]
    out["stack_ring_fill"] = inp([record(ARP_REQ)] + burst)
    return out


TCP_PORT, PEER_ISN, SCRIPT_PORT = 7, 0xFFFFF000, 40000


class Peer:
    """One connection's peer side: its sequence number, TSval and what it
    acknowledges of ours (relative: 1 is our SYN)."""

    def __init__(self, sport=SCRIPT_PORT, dport=TCP_PORT, isn=PEER_ISN, ts=True, una=1, tsval=2):
        self.sport, self.dport, self.seq, self.ts, self.ack = sport, dport, isn + 1, ts, una
        self.tsval = tsval

    def seg(self, flags=ACK, data=b"", seq=None, ack=None, opts=b"", advance=True, tsecr=0,
            **kw):
        self.tsval += 1
        o = (o_ts(self.tsval, tsecr) if self.ts else b"") + opts
        s = tcp(PEER_IP, OUR_IP, self.sport, self.dport, self.seq if seq is None else seq,
                self.ack if ack is None else ack, flags, data, o, **kw)
        if advance and seq is None:
            self.seq += len(data) + bool(flags & (SYN | FIN))
        return to_us(ipv4(PEER_IP, OUR_IP, 6, s, frag=0x4000))


# One poll per frame, the app reading after it.
APP = POLL | RC_ECHO


def tinp(records, flags=GF_STACK | GF_TCP | GF_FIX_CSUM | GF_TCP_ESTAB, opts=0):
    return inp(records, flags=flags, rings=opts)


def tcp_seeds():
    pattern = bytes(range(256)) * 32
    out = {}
    # A passive open of our own, data both ways, the peer closes first
    # (we go LAST_ACK), the last ACK.
    p = Peer(sport=41000, ts=True, tsval=100)
    syn = to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 41000, TCP_PORT, PEER_ISN, 0, SYN,
                                              opts=SYN_OPTS), frag=0x4000))
    out["tcp_handshake"] = tinp([
        record(ARP_REQ), record(syn), record(p.seg(ACK)),
        record(p.seg(PSH | ACK, b"hello"), ctl=APP),
        record(p.seg(ACK, ack=6)),
        record(p.seg(FIN | ACK, ack=6), ctl=APP),
        record(p.seg(ACK, ack=7), ctl=APP),
    ], flags=GF_STACK | GF_TCP | GF_FIX_CSUM)
    # Established by the script: segments out of order (a hole, then a
    # duplicate, an overlap, then the hole filled), data across the peer's
    # sequence wrap, a delayed ACK left to its timer.
    p = Peer()
    base = p.seq
    out["tcp_ooo"] = tinp([
        record(p.seg(ACK, pattern[1000:2000], seq=base + 1000)),
        record(p.seg(ACK, pattern[3000:3500], seq=base + 3000)),
        record(p.seg(ACK, pattern[1000:2000], seq=base + 1000)),
        record(p.seg(ACK, pattern[500:1500], seq=base + 500)),
        record(p.seg(ACK, pattern[0:1000], seq=base), ctl=APP),
        record(p.seg(ACK, pattern[2000:3000], seq=base + 2000), ctl=APP),
        record(p.seg(PSH | ACK, pattern[3500:4200], seq=base + 3500), ctl=APP),
        record(p.seg(ACK, pattern[4200:4300], seq=base + 4200), ctl=APP, time=ms(0, 30)),
        record(p.seg(ACK, ack=1), time=ms(1, 8)),
    ])
    # Our data in flight (the echo of 7000 bytes), the peer SACKs past a
    # lost first segment: three duplicate ACKs, fast retransmit, then the
    # cumulative ACK; a D-SACK below it; then an RTO on new data.
    p = Peer()
    recs = [record(p.seg(ACK, pattern[i:i + 1400]), ctl=APP if i >= 5600 else POLL)
            for i in range(0, 7000, 1400)]
    recs += [record(b"", ctl=APP), record(b"", ctl=APP)]
    recs += [record(p.seg(ACK, ack=1, opts=o_sack((1 + 1448, 1 + 1448 * k)))) for k in (2, 3, 4)]
    recs += [record(p.seg(ACK, ack=1, opts=o_sack((1 + 1448, 1 + 1448 * 5),
                                                  (1 + 1448 * 6, 1 + 1448 * 7))))]
    recs += [record(p.seg(ACK, ack=1 + 4096)),
             record(p.seg(ACK, ack=1 + 4096, opts=o_sack((1, 1 + 1448)))),
             record(p.seg(ACK, ack=1 + 7000), ctl=APP),
             record(p.seg(ACK, b"more", seq=None), ctl=APP),
             record(p.seg(ACK, ack=1 + 7000), time=ms(3, 2)),
             record(p.seg(ACK, ack=1 + 7000), time=ms(3, 4)),
             record(p.seg(ACK, ack=1 + 7004), time=ms(3, 8))]
    out["tcp_sack"] = tinp([r for r in recs if r])
    # Malformed segments on a synchronised connection, none of which may
    # reach it: bad sum, data offsets 4 and past the segment, option lengths
    # 0 and 1 and one running past the header, SYN+FIN, SYN+RST, no flags,
    # data without ACK, URG; then a SYN in window (challenge ACK), an ACK
    # for data never sent, old data (a duplicate ACK answers).
    p = Peer()
    good = p.seg(ACK, b"x", advance=False)
    out["tcp_malformed"] = tinp([
        record(p.seg(ACK, b"sum", bad_sum=True, advance=False)),
        record(p.seg(ACK, b"doff", doff=4, advance=False)),
        record(p.seg(ACK, b"doff", doff=15, advance=False)),
        record(p.seg(ACK, b"len0", opts=b"\x08\x00\x00\x00", advance=False)),
        record(p.seg(ACK, b"len1", opts=b"\x02\x01\x00\x00", advance=False)),
        record(p.seg(ACK, b"past", opts=b"\x01\x01\x05\x0e\x00\x00\x00\x00", advance=False)),
        record(p.seg(ACK, b"mss3", opts=b"\x02\x03\x05\x00", advance=False)),
        record(p.seg(SYN | FIN, advance=False)),
        record(p.seg(SYN | RST, advance=False)),
        record(p.seg(0, b"none", advance=False)),
        record(p.seg(PSH, b"noack", advance=False)),
        record(p.seg(URG | ACK, b"urg", advance=False)),
        record(p.seg(SYN, advance=False)),
        record(p.seg(ACK, ack=100000, advance=False)),
        record(p.seg(ACK, b"old", seq=PEER_ISN - 100)),
        record(p.seg(ACK, b"far", seq=PEER_ISN + 0x40000000)),
        record(good, ctl=APP),
    ], flags=GF_STACK | GF_TCP | GF_TCP_ESTAB)
    # RFC 5961 resets: out of window (dropped), in window but not at
    # rcv_nxt (a challenge ACK), then exact (the connection ends; the app
    # sees ECONNRESET); then data for the gone connection: a reset back.
    p = Peer()
    out["tcp_rst"] = tinp([
        record(p.seg(RST, seq=PEER_ISN + 0x10000000, advance=False)),
        record(p.seg(RST, seq=p.seq + 100, advance=False)),
        record(p.seg(RST | ACK, advance=False), ctl=APP),
        record(p.seg(ACK, b"after reset"), ctl=APP),
        record(p.seg(RST, advance=False)),
    ])
    # We close first: shutdown (FIN_WAIT_1), the peer ACKs (FIN_WAIT_2),
    # sends more (half-close: read, the echo fails), its FIN (TIME_WAIT),
    # a retransmitted FIN in TIME_WAIT, then 60 s and a new SYN.
    p = Peer()
    out["tcp_close_first"] = tinp([
        record(p.seg(PSH | ACK, b"ping"), ctl=APP),
        record(b"", ctl=POLL | RC_CLOSE),
        record(p.seg(ACK, ack=6)),
        record(p.seg(PSH | ACK, b"still here", ack=6), ctl=APP),
        record(p.seg(FIN | ACK, ack=6), ctl=APP),
        record(p.seg(FIN | ACK, ack=6, seq=p.seq - 1, advance=False), time=ms(3, 2)),
        record(to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, SCRIPT_PORT, TCP_PORT,
                                                   p.seq + 100000, 0, SYN, opts=SYN_OPTS),
                          frag=0x4000)), ctl=APP, time=ms(5, 1)),
    ])
    # Data for a connection the app has closed: FIN_WAIT_1 orphan, data
    # arrives (reset, abort on data); and with SO_LINGER 0 the close resets.
    p = Peer()
    out["tcp_data_after_close"] = tinp([
        record(p.seg(PSH | ACK, b"bye"), ctl=APP),
        record(b"", ctl=POLL | RC_CLOSE),
        record(b"", ctl=POLL | RC_CLOSE),
        record(p.seg(PSH | ACK, b"are you there", ack=5)),
        record(p.seg(ACK, b"again", ack=5)),
    ])
    p = Peer()
    out["tcp_linger0"] = tinp([
        record(p.seg(PSH | ACK, b"x" * 100), ctl=APP),
        record(b"", ctl=POLL | RC_CLOSE),
        record(b"", ctl=POLL | RC_CLOSE),
        record(p.seg(ACK, ack=101)),
    ], opts=TR_LINGER0)
    # The SYN queue full (8 SYN_RECV children), then SYNs answered with
    # cookies (one with timestamps, one without); their ACKs make children
    # the app accepts; a bad cookie is reset; SYN_RECV children answered
    # late, and the rest left to their SYN-ACK retries.
    recs = [record(ARP_REQ)]
    for i in range(10):
        port = 42000 + i
        opts = SYN_OPTS if i != 9 else o_mss(1400)
        recs.append(record(to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, port, TCP_PORT,
                                                               1000 * i, 0, SYN, opts=opts),
                                      frag=0x4000))))
    for i, una in ((8, 1), (9, 1), (7, 1), (6, 7)):
        q = Peer(sport=42000 + i, isn=1000 * i, ts=i != 9, tsval=5)
        recs.append(record(q.seg(ACK, b"cookie?" if i >= 8 else b"", ack=una), ctl=APP))
    q = Peer(sport=42100, isn=5, ts=False)
    recs.append(record(q.seg(ACK, ack=12345)))
    recs.append(record(b"", ctl=APP, time=ms(4, 5)))
    out["tcp_cookies"] = tinp(recs, flags=GF_STACK | GF_TCP | GF_FIX_CSUM)
    # Timers: our data never ACKed (RTO, back-off), keepalive probes on
    # an idle connection, the peer's zero window (persist probes), then the
    # window opens.
    p = Peer()
    out["tcp_timers"] = tinp([
        record(p.seg(PSH | ACK, pattern[:3000]), ctl=APP),
        record(b"", ctl=APP, time=ms(2, 8)),
        record(b"", ctl=APP, time=ms(3, 2)),
        record(b"", ctl=APP, time=ms(3, 8)),
        record(p.seg(ACK, ack=1 + 3000, win=0), ctl=APP),
        record(p.seg(PSH | ACK, b"zero", ack=1 + 3000, win=0), ctl=APP),
        record(b"", ctl=APP, time=ms(3, 2)),
        record(b"", ctl=APP, time=ms(3, 6)),
        record(p.seg(ACK, ack=1 + 3000, win=100), ctl=APP),
        record(p.seg(ACK, ack=1 + 3004), time=ms(4, 5)),
        record(b"", ctl=APP, time=ms(4, 8)),
        record(b"", ctl=APP, time=ms(4, 8)),
    ], opts=TR_KEEPALIVE)
    # Active open from port 50000: the peer's SYN-ACK, data both ways, a
    # duplicate SYN-ACK, then the peer's reset. Then a simultaneous open
    # (the peer's SYN crosses ours), without timestamps.
    a = Peer(sport=5000, dport=50000, isn=0x7000, ts=True, una=1, tsval=50)
    synack = to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 5000, 50000, 0x7000, 1, SYN | ACK,
                                                 opts=SYN_OPTS[:4] + b"\x04\x02" + o_ts(50, 0)),
                        frag=0x4000))
    b = Peer(sport=5000, dport=50000, isn=0x9000, ts=False)
    simsyn = to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 5000, 50000, 0x9000, 0, SYN,
                                                 opts=o_mss(1000)), frag=0x4000))
    out["tcp_active_open"] = tinp([
        record(ARP_REQ),
        record(b"", ctl=POLL | RC_CLOSE | RC_ECHO),
        record(synack, ctl=APP),
        record(a.seg(PSH | ACK, b"hi there"), ctl=APP),
        record(synack),
        record(a.seg(ACK, ack=9), ctl=APP),
        record(a.seg(RST | ACK, ack=9, advance=False), ctl=APP),
    ], flags=GF_STACK | GF_TCP | GF_FIX_CSUM)
    out["tcp_simultaneous_open"] = tinp([
        record(ARP_REQ),
        record(b"", ctl=POLL | RC_CLOSE | RC_ECHO),
        record(simsyn, ctl=APP),
        record(b.seg(SYN | ACK, ack=1, seq=0x9000, advance=False), ctl=APP),
        record(b.seg(ACK, b"simultaneous"), ctl=APP),
    ], flags=GF_STACK | GF_TCP | GF_FIX_CSUM)
    # No socket there: a SYN to port 9 (RST|ACK), an ACK (RST), a RST
    # (nothing), and an active open refused (RST|ACK to our SYN).
    refuse = to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 5000, 50000, 0, 1, RST | ACK),
                        frag=0x4000))
    out["tcp_closed_port"] = tinp([
        record(ARP_REQ),
        record(to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 1234, 9, 77, 0, SYN),
                          frag=0x4000))),
        record(to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 1234, 9, 77, 99, ACK, b"d"),
                          frag=0x4000))),
        record(to_us(ipv4(PEER_IP, OUR_IP, 6, tcp(PEER_IP, OUR_IP, 1234, 9, 77, 0, RST),
                          frag=0x4000))),
        record(b"", ctl=POLL | RC_CLOSE | RC_ECHO),
        record(refuse, ctl=APP),
    ], flags=GF_STACK | GF_TCP)
    # Two connects from port 50000 to the same peer: the second bind is
    # allowed (SO_REUSEADDR), its connect fails (the 4-tuple is in use) and
    # the socket is closed without ever being connected.
    out["tcp_bind_reuse"] = tinp([
        record(ARP_REQ),
        record(b"", ctl=POLL | RC_CLOSE | RC_ECHO),
        record(b"", ctl=POLL | RC_CLOSE | RC_ECHO),
    ], flags=GF_STACK | GF_TCP | GF_FIX_CSUM)
    # The same exchanges with the echo sending MSG_ZEROCOPY (the device
    # gathering and checksumming): skbs pointing at the app's buffer are
    # queued, cut at the window, SACKed, retransmitted and trimmed by
    # partial ACKs, and their completions read from the error queue.
    for name in ("tcp_handshake", "tcp_ooo", "tcp_sack"):
        zc = bytearray(out[name])
        zc[1] |= GB_TCP_ZEROCOPY
        out[name + "_zc"] = bytes(zc)
    return out


# Seeds that still fail on a TCP bug (/work/notes/tcp_bugs.md number):
# written to build/fuzz/pending/ until it is fixed, since `make unit`
# replays every file in corpus/.
PENDING = {
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    pending = os.path.join(here, "..", "..", "build", "fuzz", "pending")
    for name, data in sorted(list(seeds().items()) + list(tcp_seeds().items())):
        where = outdir
        if name in PENDING:
            os.makedirs(pending, exist_ok=True)
            where = pending
            stale = os.path.join(outdir, name)
            if os.path.exists(stale):
                os.remove(stale)
        with open(os.path.join(where, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
