#!/usr/bin/env python3
"""Writes the stack-mode seeds (GF_STACK, input format in README.md) into
test/fuzz/corpus/stack_*. Deterministic: the same bytes on every run.

    python3 test/fuzz/mkcorpus.py [DIR]

The stack is 10.0.0.2/24 at 52:54:00:12:34:56 with a default route via
10.0.0.1 (fuzz_stack.c); the peer here is 10.0.0.1 at 52:54:00:00:00:01."""
import os
import struct
import sys

GF_RXCSUM, GF_STACK, GF_FIX_CSUM = 0x01, 0x10, 0x20
RC_POLL, RC_TX_DEVICE, RC_TX_CLEAN, RC_ECHO = 0x02, 0x04, 0x08, 0x40
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


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
