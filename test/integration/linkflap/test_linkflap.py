"""Link off and on from the QEMU monitor: down and up lines, traffic resumes."""
import random

from l2frames import reflect_all, swapped, make_frame


def test_link_down_up(boot, l2peer):
    vm = boot(append="app=l2reflect", netdev=l2peer.netdev, monitor=True)
    vm.wait_ready()
    rng = random.Random(3)
    frames = [make_frame(i, 100, rng) for i in range(50)]
    assert reflect_all(l2peer, frames) == [swapped(f) for f in frames]

    mark = len(vm.log)
    vm.hmp("set_link n0 off")
    vm.expect(r"igb: eth0 NIC Link is Down", timeout=10, start=mark)
    vm.hmp("set_link n0 on")
    vm.expect(r"igb: eth0 NIC Link is Up 1000 Mbps Full Duplex", timeout=10, start=mark)

    frames = [make_frame(1000 + i, 200, rng) for i in range(200)]
    assert reflect_all(l2peer, frames) == [swapped(f) for f in frames]
    assert "Link is Up" in vm.command("ethtool eth0") or "Link detected: yes" in vm.command("ethtool eth0")
