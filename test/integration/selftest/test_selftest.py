"""Boot self-tests that report on timers and allocators."""
import re


def test_timer_never_early(boot):
    vm = boot(append="selftest=timer")
    vm.expect(r"selftest timer: (PASS|FAIL)", timeout=60)
    vm.wait_ready()
    text = vm.text
    assert "selftest timer: PASS" in text
    assert len(re.findall(r"msleep\(\d+\) took \d+ us \(not early\)", text)) == 6


def test_alloc_exhaust_and_recover(boot):
    vm = boot(append="selftest=alloc")
    vm.expect(r"selftest alloc: (PASS|FAIL)", timeout=120)
    vm.wait_ready()
    text = vm.text
    assert "selftest alloc: PASS" in text
    pages = int(re.search(r"(\d+) pages taken until exhausted", text).group(1))
    assert pages > 10000  # most of 256 MiB
    first, again = map(int, re.search(r"heap gave (\d+) x 16 KiB until ENOMEM, then (\d+) again",
                                      text).groups())
    assert first == again > 0
    # Still usable after the exhaustion: the shell can allocate and answer.
    assert "free" in vm.command("mem")
