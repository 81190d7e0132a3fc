"""Runt, oversize and bad-checksum frames: dropped or flagged, counted, and the
NIC keeps working."""
import random

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from l2frames import GUEST_MAC, PEER_MAC, ethtool_stats, reflect_all, swapped, make_frame


def test_bad_frames_counted(boot, l2peer):
    vm = boot(append="app=l2reflect", netdev=l2peer.netdev)
    vm.wait_ready()
    rng = random.Random(5)

    # Oversize: longer than 1514 without LPE: the NIC must drop it.
    l2peer.send(make_frame(1, 1600, rng))
    assert l2peer.recv(1.0) is None
    # Runt: shorter than 60; QEMU pads it and counts it as undersize.
    l2peer.send(GUEST_MAC + PEER_MAC + b"\x88\xb5" + b"r" * 6)
    l2peer.drain()
    # Bad IPv4 header checksum: flagged by the hardware, counted by the driver.
    bad = Ether(dst=GUEST_MAC, src=PEER_MAC) / IP(dst="10.0.0.2", chksum=0x1234) / UDP() / (b"y" * 20)
    l2peer.send(bytes(bad))
    l2peer.drain()

    st = ethtool_stats(vm)
    assert st["rx_short_length_errors"] >= 1
    assert st["rx_csum_errors"] >= 1

    frames = [make_frame(10 + i, rng.randint(60, 1514), rng) for i in range(100)]
    assert reflect_all(l2peer, frames) == [swapped(f) for f in frames]
