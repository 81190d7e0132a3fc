#!/usr/bin/env python3
"""Round trips over a tap in a network namespace, the Linux host as the peer, in
one run: the raw floor (app=l2reflect: driver and QEMU alone, a 64 B frame sent
and timed from an AF_PACKET socket), then the stack (UDP echo on port 7 with a
64 B payload, and iputils ping). One packet in flight at a time, interrupt
moderation off (igb.itr=0) in both guests. The two kinds alternate over
BENCH_RTT_ROUNDS boots and their samples are pooled, so drift of the shared
machine hits both alike. Prints a Markdown table and writes build/bench/net_rtt.md.

Needs root (a namespace and a tap); says so and does nothing otherwise."""
import os
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, publish

sys.path.insert(0, str(ROOT / "test" / "integration"))
from netns import GUEST_IP, GUEST_MAC, NetNS, is_root  # noqa: E402

N = int(os.environ.get("BENCH_RTT_N", "2000"))
ROUNDS = int(os.environ.get("BENCH_RTT_ROUNDS", "3"))
PINGS = int(os.environ.get("BENCH_RTT_PINGS", "200"))
WARMUP = 50
REPLY_TIMEOUT = 1.0     # a reply later than this counts as lost
GIVE_UP = 20            # this many lost in a row: the rest of the series is lost too
ETHERTYPE_TEST = 0x88B5


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def series(n, one):
    """Runs one(i) for WARMUP + n packets; one returns a round trip in us or None
    (lost). Returns (rtts after the warm-up, lost); GIVE_UP losses in a row end
    the series with the rest counted lost."""
    rtts, lost, streak = [], 0, 0
    for i in range(WARMUP + n):
        rtt = one(i)
        streak = 0 if rtt is not None else streak + 1
        if streak >= GIVE_UP:
            return rtts, n - len(rtts)
        if i < WARMUP:
            continue
        if rtt is None:
            lost += 1
        else:
            rtts.append(rtt)
    return rtts, lost


def wait_reply(s, match):
    """Receives on s until match(data, addr) or REPLY_TIMEOUT; True if matched."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(2048)
        except (socket.timeout, ConnectionRefusedError):
            return False
        if match(data, addr):
            return True


def l2reflect_rtts(ns, workdir, n):
    """n round trips of a 60 B frame (64 B on the wire with the FCS) through
    app=l2reflect; returns (rtts in us, lost)."""
    vm = ns.boot(workdir, append="app=l2reflect igb.itr=0 queues=1")
    s = None
    try:
        vm.wait_ready(60)
        ns.wait_carrier()
        s = ns.packet_socket()
        mac = bytes.fromhex(ns.mac.replace(":", ""))
        head = bytes.fromhex(GUEST_MAC.replace(":", "")) + mac + ETHERTYPE_TEST.to_bytes(2, "big")

        def one(i):
            tag = i.to_bytes(4, "big")
            t0 = time.perf_counter_ns()
            s.send(head + tag + bytes(60 - len(head) - 4))
            # Our own frame going out, and anything else on the tap, are skipped.
            ok = wait_reply(s, lambda d, a: a[2] != socket.PACKET_OUTGOING and d[14:18] == tag)
            return (time.perf_counter_ns() - t0) / 1000.0 if ok else None
        return series(n, one)
    finally:
        if s is not None:
            s.close()
        vm.close()


def udp_echo_rtts(ns, n):
    """n round trips of a 64 B UDP payload to the guest's echo service; payloads
    are checked byte for byte (a wrong echo counts as lost)."""
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((GUEST_IP, 7))

        def one(i):
            payload = i.to_bytes(4, "big") + bytes(range(60))
            t0 = time.perf_counter_ns()
            s.send(payload)
            ok = wait_reply(s, lambda d, a: d == payload)
            return (time.perf_counter_ns() - t0) / 1000.0 if ok else None
        return series(n, one)
    finally:
        s.close()


def ping_rtts(ns, count):
    """iputils ping, 56 B payload, one every 10 ms; the per-reply times it prints."""
    r = ns.run(["ping", "-n", "-c", str(count), "-i", "0.01", "-W", "1", GUEST_IP],
               timeout=count * 0.05 + 30)
    rtts = [float(t) * 1000.0 for t in re.findall(r"time=([\d.]+) ms", r.stdout)]
    return rtts, count - len(rtts)


def stack_rtts(ns, workdir, n, pings):
    vm = ns.boot(workdir, append=f"ip={GUEST_IP}/24 gw=10.0.0.1 igb.itr=0 queues=1")
    try:
        vm.wait_ready(60)
        ns.wait_carrier()
        udp = udp_echo_rtts(ns, n)
        ping = ping_rtts(ns, pings)
        return udp, ping
    finally:
        vm.close()


def row(name, rtts, lost, total):
    if not rtts:
        return f"| {name} | - | - | {lost}/{total} |"
    return "| %s | %.1f | %.1f | %d/%d |" % (name, statistics.median(rtts), pct(rtts, 99),
                                              lost, total)


def main():
    # A timeout's SIGTERM still tears the namespace and QEMU down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not is_root():
        print("net_rtt: skipped: needs root (a network namespace and a tap)", file=sys.stderr)
        return 0
    if not (ROOT / "build" / "ringos.elf").exists():
        print("net_rtt: build/ringos.elf missing (make all)", file=sys.stderr)
        return 1
    l2, udp, ping = ([], 0), ([], 0), ([], 0)
    with tempfile.TemporaryDirectory() as d, NetNS("bench_rtt") as ns:
        for r in range(ROUNDS):
            a = l2reflect_rtts(ns, Path(d) / f"l2reflect{r}", N)
            b, c = stack_rtts(ns, Path(d) / f"stack{r}", N, PINGS)
            l2 = (l2[0] + a[0], l2[1] + a[1])
            udp = (udp[0] + b[0], udp[1] + b[1])
            ping = (ping[0] + c[0], ping[1] + c[1])

    rows = ["| round trip, one at a time (%d rounds, QEMU TCG, tap in a netns, igb.itr=0) "
            "| median us | p99 us | lost |" % ROUNDS, "|---|---|---|---|",
            row("floor: app=l2reflect, 64 B frame (AF_PACKET), %d per round" % N,
                l2[0], l2[1], N * ROUNDS),
            row("UDP echo, port 7, 64 B payload, %d per round" % N, udp[0], udp[1], N * ROUNDS),
            row("ping (iputils, 56 B, %d per round, -i 0.01)" % PINGS, ping[0], ping[1],
                PINGS * ROUNDS)]
    ok = bool(l2[0] and udp[0])
    if ok:
        ratio = statistics.median(udp[0]) / statistics.median(l2[0])
        rows.append("| UDP echo median / l2reflect median | %.2fx (target at most 1.2x) | | |"
                    % ratio)
    publish("net_rtt", rows)
    return 0 if ok and udp[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
