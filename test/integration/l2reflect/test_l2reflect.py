"""app=l2reflect returns every frame byte-for-byte with the MACs swapped, in
every interrupt mode, and the counters agree with what was sent."""
import pytest

from l2frames import ethtool_stats, mixed_sizes, reflect_all, swapped, make_frame

N = 20000


@pytest.mark.parametrize("irq", ["msix", "msi", "intx"])
def test_reflect_mixed_sizes(boot, l2peer, irq):
    vm = boot(append=f"app=l2reflect igb.irq={irq} queues=1", netdev=l2peer.netdev)
    vm.wait_ready()
    assert "mac=52:54:00:12:34:56" in vm.text
    assert f"igb: eth0 interrupts: {irq}" in vm.text.replace("MSI-X", "msix")
    sizes, rng = mixed_sizes(N, seed=7)
    frames = [make_frame(i, s, rng) for i, s in enumerate(sizes)]
    replies = reflect_all(l2peer, frames)
    assert len(replies) == N, f"only {len(replies)} of {N} frames came back"
    # One queue: order is preserved, so compare pairwise, byte for byte.
    bad = [i for i, (f, r) in enumerate(zip(frames, replies)) if r != swapped(f)]
    assert not bad, f"{len(bad)} frames differ, first at #{bad[0]}"

    st = ethtool_stats(vm)
    assert st["rx_packets"] == N
    assert st["tx_packets"] == N
    assert st["rx_bytes"] == sum(sizes)
    assert st["tx_bytes"] == sum(sizes)
    assert st["rx_dropped"] == 0 and st["tx_dropped"] == 0
