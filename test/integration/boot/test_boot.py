"""Boot from both entries (multiboot1 via -kernel, multiboot2 via GRUB's ISO)."""
import pytest


@pytest.mark.parametrize("kernel", [True, False], ids=["kernel", "iso"])
def test_boots_to_ready(boot, kernel):
    vm = boot(kernel=kernel)
    vm.expect(r"^ringos \d+\.\d+\.\d+ ", timeout=60)
    ready = vm.wait_ready()
    assert int(ready.group(1)) > 0
    text = vm.text
    assert ("multiboot1" if kernel else "multiboot2") in text
    assert "8086:10c9" in text, "the igb NIC is missing from the PCI list"
    assert "mem: " in text and "MiB free" in text
    assert "TSC" in text and "MHz" in text


def test_unknown_option_warns_and_boots(boot):
    vm = boot(append="frobnicate=1 loglevel=banana")
    vm.wait_ready()
    text = vm.text
    assert "unknown option 'frobnicate'" in text
    assert "bad value 'banana' for loglevel" in text
    # One warning line each, nothing else complained about.
    assert text.count("cmdline:") == 2


def test_bad_console_value_warns(boot):
    vm = boot(append="console=ttyS9")
    vm.wait_ready()
    assert "console: bad value 'ttyS9'" in vm.text
