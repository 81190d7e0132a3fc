"""Deliberate faults end in a PANIC line naming the vector and a non-zero exit."""
import re

import pytest

from ringos_qemu import EXIT_PANIC

CASES = {
    "ud2": (6, "#UD invalid opcode"),
    "pagefault": (14, "#PF page fault"),
    "divzero": (0, "#DE divide error"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exception_panics(boot, name):
    vector, label = CASES[name]
    vm = boot(append=f"selftest={name}")
    line = vm.expect(r"^PANIC: [^\r\n]*\r?\n", timeout=60).group(0).decode()
    assert f"exception {vector} {label}" in line
    if name == "pagefault":
        assert "CR2 0x8 " in line and "write" in line
    assert vm.wait_exit() == EXIT_PANIC
    text = vm.text
    assert re.search(r"^RIP [0-9a-f]{16} ", text, re.M)
    assert "Backtrace" in text
    assert "READY" not in text
