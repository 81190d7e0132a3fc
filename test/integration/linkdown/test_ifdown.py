"""`ip link set dev eth0 down` stops the port: nothing is reflected and `ip
link` says DOWN. `up` brings it back: the link line again, then every frame
reflected byte for byte. Three times over, so the reopen path is reused."""
import random
import re

import pytest

from l2frames import ethtool_stats, make_frame, mixed_sizes, reflect_all, swapped

CYCLES = 3
N = 500
HELD = 5


# Every interrupt mode: a reopen reprograms the routing but keeps the vectors.
@pytest.mark.parametrize("irq", ["msix", "msi", "intx"])
def test_down_up_three_times(boot, l2peer, irq):
    vm = boot(append=f"app=l2reflect igb.irq={irq} queues=1", netdev=l2peer.netdev)
    vm.wait_ready()
    rng = random.Random(21)
    frames = [make_frame(i, 100, rng) for i in range(50)]
    assert reflect_all(l2peer, frames) == [swapped(f) for f in frames]
    reflected = len(frames)

    for cycle in range(CYCLES):
        # Silent on success, like iproute2.
        assert vm.command("ip link set dev eth0 down").strip() == ""
        out = vm.command("ip -s link show eth0")
        assert "state DOWN" in out, out
        assert ",UP" not in out and "LOWER_UP" not in out, out
        assert "Link detected: no" in vm.command("ethtool eth0")

        held = [make_frame(10000 * (cycle + 1) + i, 80, rng) for i in range(HELD)]
        for f in held:
            l2peer.send(f)
        assert l2peer.recv(1.5) is None, "a frame came back while eth0 was down"

        mark = len(vm.log)
        spelling = "ip link set eth0 up" if cycle % 2 else "ip link set dev eth0 up"
        out = vm.command(spelling)
        assert not re.search(r"RTNETLINK|Cannot|Error", out), out
        vm.expect(r"igb: eth0 NIC Link is Up 1000 Mbps Full Duplex", timeout=10, start=mark)
        assert "state UP" in vm.command("ip link show dev eth0")

        # QEMU keeps frames that arrive while the receiver is off and delivers
        # them once it is on again (silicon drops them): any that come back
        # must be those, intact, and they must be gone before the check below.
        late = []
        for _ in range(4 * HELD):
            r = l2peer.recv(0.5)
            if r is None:
                break
            late.append(r)
        assert all(r in [swapped(f) for f in held] for r in late), "a late frame is corrupt"
        reflected += len(late)

        sizes, srng = mixed_sizes(N, seed=100 + cycle)
        frames = [make_frame(1000 * (cycle + 1) + i, s, srng) for i, s in enumerate(sizes)]
        replies = reflect_all(l2peer, frames)
        assert len(replies) == N, f"cycle {cycle}: only {len(replies)} of {N} came back"
        bad = [i for i, (f, r) in enumerate(zip(frames, replies)) if r != swapped(f)]
        assert not bad, f"cycle {cycle}: {len(bad)} frames differ, first at #{bad[0]}"
        reflected += N

    st = ethtool_stats(vm)
    # Every frame received was sent back; nothing was lost by the closes.
    assert st["rx_packets"] == reflected
    assert st["tx_packets"] == reflected
    assert st["rx_dropped"] == 0 and st["tx_dropped"] == 0
    assert st["tx_timeout_count"] == 0
