"""The packet filter: a `fw=` rule from the command line drops what it matches
at its hook and counts it, `fw del` lifts it, `fw add` puts one in at run time;
bad `fw=` and `route=` words are each named in one warning and ignored. Also a
shell `ping` without -c, stopped by Ctrl-C, prints iputils' summary."""
import re
import socket

import pytest

from netns import GUEST_IP, HOST_IP, NetNS, is_root, ping_summary

pytestmark = [pytest.mark.hard_timeout(90),
              pytest.mark.skipif(not is_root(), reason="needs root: a network namespace "
                                 "and a tap (CI runs as root)")]


def echo_once(ns, data=b"filtered?", timeout=1.5):
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.connect((GUEST_IP, 7))
        s.send(data)
        try:
            return s.recv(2048)
        except socket.timeout:
            return None
    finally:
        s.close()


def rule_packets(vm, n):
    """Packets matched by rule n: `fw list` columns are num, hook, action,
    proto, dport, packets, bytes."""
    out = vm.command("fw list")
    m = re.search(rf"^\s*{n}\s+\S+\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\d+\s*$", out, re.M)
    assert m, out
    return int(m.group(1))


@pytest.fixture
def guest(tmp_path):
    ns = NetNS("fw")
    vms = []
    try:
        def start(append):
            vm = ns.boot(tmp_path / f"vm{len(vms)}", append=append)
            vms.append(vm)
            vm.wait_ready()
            ns.wait_carrier()
            return vm
        yield ns, start
    finally:
        for vm in vms:
            vm.close()
        ns.close()


def test_cmdline_rule_drops_and_counts(guest):
    ns, start = guest
    vm = start(f"ip={GUEST_IP}/24 fw=local_in:drop:udp:7 fw=bogus:drop:udp "
               "route=10.9.0.0/33,via=10.0.0.1")
    # One warning line for each bad word, naming it; boot went on.
    assert len(re.findall(r"bad value 'bogus:drop:udp' for fw", vm.text)) == 1, vm.text
    assert len(re.findall(r"bad value '10\.9\.0\.0/33,via=10\.0\.0\.1' for route",
                          vm.text)) == 1, vm.text
    assert echo_once(ns) is None
    assert echo_once(ns) is None
    assert rule_packets(vm, 1) >= 2
    # Ping is not UDP: it still passes.
    r = ns.run(["ping", "-c", "2", "-W", "2", GUEST_IP], timeout=20)
    assert r.returncode == 0, r.stdout
    vm.command("fw del 1")
    assert echo_once(ns, b"let through") == b"let through"
    vm.command("fw add local_in:drop:icmp")
    r = ns.run(["ping", "-c", "2", "-W", "1", GUEST_IP], timeout=20)
    assert r.returncode != 0, r.stdout
    assert rule_packets(vm, 1) >= 2


def test_ping_until_ctrl_c(guest):
    ns, start = guest
    vm = start(f"ip={GUEST_IP}/24")
    vm.expect(r"ringos> ")
    begin = len(vm.log)
    vm.send_raw(f"ping -i 0.2 {HOST_IP}\r".encode())
    vm.expect(r"icmp_seq=3 ", 20, begin)
    vm.send_raw(b"\x03")
    vm.expect(r"rtt min/avg/max/mdev = .*\r?\nringos> ", 20, begin)
    out = vm.log[begin:].decode(errors="replace")
    sent, received, loss = ping_summary(out)
    assert sent >= 3 and received >= 3 and loss == 0, out
    # The shell answers again.
    assert vm.command("uptime").startswith("up ")
