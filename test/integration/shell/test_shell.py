"""The serial shell answers, rejects what it does not know, and powers off."""
from ringos_qemu import EXIT_POWEROFF


def test_commands(boot):
    vm = boot()
    vm.wait_ready()
    out = vm.command("help")
    for name in ("help", "mem", "pci", "irq", "softirqs", "cpu", "uptime", "reboot", "poweroff"):
        assert f"  {name} " in out, f"{name} missing from help"
    assert "free" in vm.command("mem")
    assert "8086:10c9" in vm.command("pci")
    assert "lapic-timer" in vm.command("irq") or "serial" in vm.command("irq")
    assert "TIMER" in vm.command("softirqs")
    cpu = vm.command("cpu")
    for bucket in ("user", "sys", "softirq", "hardirq", "idle"):
        assert bucket in cpu
    assert vm.command("uptime").startswith("up ")


def test_unknown_and_overlong(boot):
    vm = boot()
    vm.wait_ready()
    assert "unknown command 'nosuch'" in vm.command("nosuch")
    assert "line too long" in vm.command("x" * 400)
    # The shell still works afterwards.
    assert "up " in vm.command("uptime")


def test_poweroff_exits_qemu(boot):
    vm = boot()
    vm.wait_ready()
    vm.expect(r"ringos> ")
    vm.send_raw(b"poweroff\r")
    assert vm.wait_exit() == EXIT_POWEROFF
