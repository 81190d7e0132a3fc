"""The host end of QEMU's dgram netdev, written with scapy: it answers ARP for its
own address, pings and talks UDP to ringos, reassembles what comes back
fragmented, and sends whatever broken frame a test builds. No root needed."""
import time

from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether

from l2frames import GUEST_MAC as GUEST_MAC_B, PEER_MAC as PEER_MAC_B

GUEST_MAC = ":".join(f"{b:02x}" for b in GUEST_MAC_B)
PEER_MAC = ":".join(f"{b:02x}" for b in PEER_MAC_B)
PEER_IP = "10.0.0.1"
GUEST_IP = "10.0.0.2"


class L3Peer:
    def __init__(self, l2, mac=PEER_MAC, ip=PEER_IP):
        self.l2 = l2
        self.mac = mac
        self.ip = ip
        self.arp_replies = 0
        self._id = 0x1000

    def eth(self):
        return Ether(dst=GUEST_MAC, src=self.mac)

    def send(self, frame):
        self.l2.send(bytes(frame))

    def _arp(self, p):
        """Answers an ARP request for our address; True if the frame was ARP."""
        if not p.haslayer(ARP):
            return False
        a = p[ARP]
        if a.op == 1 and a.pdst == self.ip:
            self.send(Ether(dst=a.hwsrc, src=self.mac) /
                      ARP(op=2, hwsrc=self.mac, psrc=self.ip, hwdst=a.hwsrc, pdst=a.psrc))
            self.arp_replies += 1
        return True

    def recv(self, match, timeout=3.0):
        """The first frame (as an Ether) for which match() holds, answering ARP on
        the way; None after `timeout` seconds. Other frames are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            raw = self.l2.recv(left)
            if raw is None:
                return None
            p = Ether(raw)
            if self._arp(p):
                continue
            if match(p):
                return p

    def recv_datagram(self, match, timeout=3.0):
        """An IPv4 datagram from the guest, reassembled if it came in fragments,
        for which match() holds; an IP packet, or None after `timeout` seconds."""
        frags = {}
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            p = self.recv(lambda p: p.haslayer(IP) and p[IP].src == GUEST_IP, left) \
                if left > 0 else None
            if p is None:
                return None
            # Ethernet padding of short frames is not part of the datagram.
            ip = IP(bytes(p[IP])[:p[IP].len])
            if ip.flags.MF == 0 and ip.frag == 0:
                if match(ip):
                    return ip
                continue
            parts = frags.setdefault(ip.id, {})
            parts[ip.frag * 8] = (bytes(ip.payload)[:ip.len - ip.ihl * 4], bool(ip.flags.MF))
            data, off, more = b"", 0, True
            while more and off in parts:
                chunk, more = parts[off]
                data += chunk
                off += len(chunk)
            if not more:
                del frags[ip.id]
                whole = IP(src=ip.src, dst=ip.dst, id=ip.id, ttl=ip.ttl, proto=ip.proto) / data
                whole = IP(bytes(whole))
                if match(whole):
                    return whole

    def next_id(self):
        self._id = (self._id + 1) & 0xFFFF
        return self._id

    def send_ip(self, ip_pkt, mtu=1500):
        """Sends an IPv4 packet, fragmented by hand when larger than the MTU."""
        raw = bytes(ip_pkt)
        ip = IP(raw)
        if len(raw) <= mtu:
            self.send(self.eth() / ip)
            return
        payload = bytes(ip.payload)
        step = (mtu - ip.ihl * 4) // 8 * 8
        for off in range(0, len(payload), step):
            chunk = payload[off:off + step]
            more = off + step < len(payload)
            f = IP(src=ip.src, dst=ip.dst, id=ip.id, ttl=ip.ttl, proto=ip.proto,
                   flags="MF" if more else 0, frag=off // 8) / chunk
            self.send(self.eth() / f)

    def ping(self, size=56, timeout=3.0, seq=1):
        """One ICMP echo of `size` payload bytes; True if the reply is byte-exact."""
        ident = self.next_id()
        data = bytes((i * 7 + seq) & 0xFF for i in range(size))
        self.send_ip(IP(src=self.ip, dst=GUEST_IP, id=ident) /
                     ICMP(type=8, id=ident, seq=seq) / data)
        r = self.recv_datagram(lambda ip: ip.haslayer(ICMP) and ip[ICMP].type == 0
                               and ip[ICMP].id == ident and ip[ICMP].seq == seq, timeout)
        return r is not None and bytes(r[ICMP].payload) == data

    def udp_echo(self, data, sport=40007, timeout=3.0):
        """One datagram to the echo service; True if the same bytes come back."""
        self.send_ip(IP(src=self.ip, dst=GUEST_IP, id=self.next_id()) /
                     UDP(sport=sport, dport=7) / data)
        r = self.recv_datagram(lambda ip: ip.haslayer(UDP) and ip[UDP].sport == 7
                               and ip[UDP].dport == sport, timeout)
        return r is not None and bytes(r[UDP].payload) == data

    def drain(self, quiet=0.3, limit=100000):
        """Answers ARP and discards everything else until nothing arrives for
        `quiet` seconds; returns how many frames came."""
        for n in range(limit):
            raw = self.l2.recv(quiet)
            if raw is None:
                return n
            self._arp(Ether(raw))
        return limit
