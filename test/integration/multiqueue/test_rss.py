"""queues=4: RSS spreads many flows over more than one RX queue."""
import re

from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from l2frames import GUEST_MAC, PEER_MAC, ethtool_stats


def test_flows_spread_over_queues(boot, l2peer):
    vm = boot(append="app=l2reflect queues=4", netdev=l2peer.netdev)
    vm.wait_ready()
    n = 400
    for i in range(n):
        f = (Ether(dst=GUEST_MAC, src=PEER_MAC) /
             IP(src=f"10.{i % 7}.{i % 13}.{i % 251 + 1}", dst="10.0.0.2") /
             UDP(sport=1024 + i, dport=7) / (b"x" * 32))
        l2peer.send(bytes(f))
        if i % 32 == 31:
            for _ in range(32):
                assert l2peer.recv(5.0) is not None
    l2peer.drain()
    st = ethtool_stats(vm)
    per_queue = {int(m.group(1)): v for k, v in st.items()
                 if (m := re.fullmatch(r"rx_queue_(\d+)_packets", k))}
    assert len(per_queue) == 4
    assert sum(per_queue.values()) == n
    assert sum(1 for v in per_queue.values() if v > 0) >= 2, per_queue
