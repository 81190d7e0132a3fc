"""Cooperative threads: `ps` lists them, Ctrl-C interrupts a running shell
command, and the shell keeps answering while the application thread runs."""
import re
import time


def test_ps_lists_threads(boot):
    vm = boot(append="app=l2reflect")
    vm.wait_ready()
    out = vm.command("ps")
    rows = {m.group(2): m.group(1) for m in
            re.finditer(r"^\s*\d+ ([RSZ])\s+\d+\s+\d+\s+\d+K\s+(\S+)", out, re.M)}
    assert "idle" in rows and "shell" in rows, out
    # The shell is the thread running the command.
    assert rows["shell"] == "R", out
    assert re.search(r"context switches: \d+", out)


def test_ps_shows_what_services_wait_for(boot):
    vm = boot()
    vm.wait_ready()
    out = vm.command("ps")
    rows = {m.group(2): (m.group(1), m.group(3)) for m in
            re.finditer(r"^\s*\d+ ([RSZ])\s+\d+\s+\d+\s+\d+K\s+(\S+)\s+(\S+)", out, re.M)}
    # The UDP echo service sleeps in its socket's receive wait, the DHCP
    # client and the TCP services in poll's wait (do_poll); the idle thread
    # waits for nothing.
    assert rows.get("udp-echo") == ("S", "sk_wait_data"), out
    assert rows.get("dhcp") == ("S", "do_poll"), out
    assert rows.get("tcp-services") == ("S", "do_poll"), out
    assert rows["idle"][1] == "-", out


def test_ctrl_c_interrupts_command(boot):
    vm = boot()
    vm.wait_ready()
    vm.expect(r"ringos> ")
    start = len(vm.log)
    vm.send_raw(b"sleep 60\r")
    vm.expect(r"sleep 60", 10, start)
    time.sleep(0.5)
    t0 = time.monotonic()
    vm.send_raw(b"\x03")
    # The prompt after it too: the next command must not match that one.
    vm.expect(r"sleep: interrupted\r?\nringos> ", 10, start)
    assert time.monotonic() - t0 < 10
    # Back at the prompt, and the interrupt does not leak into the next line.
    assert vm.command("uptime").startswith("up ")


def test_sleep_rejects_bad_values(boot):
    vm = boot()
    vm.wait_ready()
    assert vm.command("sleep 0") == ""
    for bad in ("sleep nonsense", "sleep -1", "sleep 99999999", "sleep"):
        assert "usage: sleep" in vm.command(bad), bad
