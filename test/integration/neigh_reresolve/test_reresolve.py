"""The host's MAC changes under ringos: announced (gratuitous ARP from arping -U)
ringos takes the new address at once; unannounced, its entry ages through
STALE -> DELAY -> PROBE (unicast probes to the old address go unanswered) and the
host is found again by broadcast, with the new MAC, pings working throughout
once resolved. Short timers so it takes seconds: base_reachable_time_ms=2000
(randomised 1..3 s) and delay_first_probe_time 1 s until the entry is STALE, then
3 s, long enough to see DELAY between two shell commands."""
import time

import pytest

from netns import GUEST_IP, GUEST_MAC, HOST_IP, guest_neigh, guest_ping, wait_for

pytestmark = pytest.mark.hard_timeout(90)
GUEST_APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"


def entry(tap):
    rows = guest_neigh(tap.vm, HOST_IP)
    return rows[0] if rows else (HOST_IP, None, None)


def sysctl(vm, name, value):
    out = vm.command(f"sysctl net.ipv4.neigh.eth0.{name}={value}")
    assert out.strip() == f"net.ipv4.neigh.eth0.{name} = {value}", out


def ping_ok(tap, deadline=5):
    summary, out = guest_ping(tap.vm, count=1, deadline=deadline)
    return summary is not None and summary[1] == 1, out


def test_announced_mac_change(tap):
    ok, out = ping_ok(tap)
    assert ok, out
    old = tap.ns.mac
    assert entry(tap)[1] == old
    new = "02:00:00:aa:00:01" if old != "02:00:00:aa:00:01" else "02:00:00:aa:00:02"
    tap.ns.set_mac(new)
    r = tap.ns.run(["arping", "-U", "-c", "2", "-I", tap.ns.tap, HOST_IP], timeout=10)
    assert r.returncode in (0, 1), r.stderr   # -U expects no answers
    wait_for(lambda: entry(tap)[1] == new, 5, what="guest takes the announced MAC")
    ok, out = ping_ok(tap)
    assert ok, out
    assert entry(tap)[1] == new


def test_unannounced_mac_change(tap):
    vm = tap.vm
    # Linux would announce a changed MAC only with arp_notify; make sure it does not.
    # Nor may the host's own probes of the guest (sent from the new MAC) teach the
    # guest: the host's entry for it is made permanent.
    tap.ns.sysctl(f"net.ipv4.conf.{tap.ns.tap}.arp_notify", 0)
    tap.ns.ip("neigh", "replace", GUEST_IP, "lladdr", GUEST_MAC, "nud", "permanent",
              "dev", tap.ns.tap)
    # Reachable for 1..3 s; an entry last used more than delay_first_probe_time
    # before it expires goes STALE (used more recently, it would go straight to DELAY).
    sysctl(vm, "base_reachable_time_ms", 2000)
    sysctl(vm, "delay_first_probe_time", 1)
    # Resolved afresh by broadcast, the entry starts REACHABLE (an echo reply alone
    # confirms nothing, as in Linux, so an older entry could sit in DELAY).
    vm.command("ip neigh flush dev eth0")
    ok, out = ping_ok(tap)
    assert ok, out
    old = tap.ns.mac
    assert entry(tap) == (HOST_IP, old, "REACHABLE"), entry(tap)
    new = "02:00:00:bb:00:01" if old != "02:00:00:bb:00:01" else "02:00:00:bb:00:02"
    tap.ns.set_mac(new)

    seen = []

    def note():
        e = entry(tap)
        if not seen or seen[-1] != e[1:]:
            seen.append(e[1:])
        return e

    # Reachable time runs out with no confirmation: STALE, still the old MAC.
    wait_for(lambda: note()[2] == "STALE", 10, interval=0.1, what="entry goes STALE")
    assert entry(tap)[1] == old
    # A packet to a STALE entry goes out to the old MAC (lost: the host has moved),
    # and the entry waits in DELAY, then probes it by unicast in PROBE. DELAY now
    # lasts 3 s, so it outlives the 1 s ping and `ip neigh` sees it.
    sysctl(vm, "delay_first_probe_time", 3)
    guest_ping(vm, count=1, deadline=1)
    wait_for(lambda: note()[2] in ("DELAY", "PROBE"), 5, interval=0.05, what="DELAY/PROBE")
    wait_for(lambda: note()[2] == "PROBE", 5, interval=0.05, what="entry goes to PROBE")
    # Probes to the old MAC are never answered: after ucast_solicit (3) of them the
    # entry fails, and the next packet resolves afresh by broadcast.
    wait_for(lambda: note()[2] not in ("PROBE", "DELAY"), 10, interval=0.1,
             what="PROBE ends")
    deadline = time.monotonic() + 15
    while True:
        ok, out = ping_ok(tap, deadline=3)
        note()
        if ok or time.monotonic() > deadline:
            break
    assert ok, f"no reply after re-resolution; states seen {seen}\n{out}"
    e = note()
    assert e[1] == new and e[2] == "REACHABLE", f"entry {e}; states seen {seen}"
    states = [s for _, s in seen]
    for a, b in (("STALE", "DELAY"), ("DELAY", "PROBE")):
        assert a in states and b in states and states.index(a) < states.index(b), seen
