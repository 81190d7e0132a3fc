#!/usr/bin/env python3
"""Round trips over a tap in a network namespace, the Linux host as the peer, in
one run: the raw floor (app=l2reflect: driver and QEMU alone, a 64 B frame sent
and timed from an AF_PACKET socket), then the stack (UDP echo on port 7 with a
64 B payload, and iputils ping). One packet in flight at a time, interrupt
moderation off (igb.itr=0) in both guests. The two guests alternate over
BENCH_RTT_ROUNDS boots each, N/ROUNDS round trips per kind per boot, and the
samples are pooled: the shared machine's drift (2x between runs minutes apart)
hits both alike. The ratio's spread over the rounds is printed too. Prints a
Markdown table and writes build/bench/net_rtt.md.

Needs root (a namespace and a tap); says so and does nothing otherwise."""
import os
import re
import signal
import socket
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, publish

sys.path.insert(0, str(ROOT / "test" / "integration"))
import ringos_qemu  # noqa: E402
from netns import GUEST_IP, GUEST_MAC, HOST_IP, NetNS, is_root  # noqa: E402

N = int(os.environ.get("BENCH_RTT_N", "2000"))          # round trips per kind, in all
ROUNDS = int(os.environ.get("BENCH_RTT_ROUNDS", "10"))  # boots of each guest
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
    """n round trips of a 64 B UDP payload to the guest's echo service from a
    connected UDP socket (a real client: the host's own UDP/IP stack both ways);
    payloads are checked byte for byte (a wrong echo counts as lost)."""
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


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(dst_mac, src_mac, sport, payload, ident):
    """Ethernet + IPv4 + UDP to the guest's port 7, both checksums filled in."""
    src, dst = socket.inet_aton(HOST_IP), socket.inet_aton(GUEST_IP)
    ulen = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, ident & 0xFFFF, 0x4000, 64, 17, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
    udp = struct.pack("!HHHH", sport, 7, ulen, 0) + payload
    c = csum16(src + dst + struct.pack("!BBH", 0, 17, ulen) + udp) or 0xFFFF
    return dst_mac + src_mac + b"\x08\x00" + ip + udp[:6] + struct.pack("!H", c) + udp[8:]


def udp_echo_raw_rtts(ns, n):
    """The same echo with the frames sent and taken from an AF_PACKET socket, so
    the host's side costs what it costs for the l2reflect floor: the difference
    is ringos's stack alone. A bound UDP socket keeps the host's own stack from
    answering each echo with a port unreachable."""
    sink = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s = None
    try:
        sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sink.bind((HOST_IP, 0))
        sport = sink.getsockname()[1]
        s = ns.packet_socket()
        mac = bytes.fromhex(ns.mac.replace(":", ""))
        guest = bytes.fromhex(GUEST_MAC.replace(":", ""))

        def one(i):
            payload = i.to_bytes(4, "big") + bytes(range(60))
            frame = udp_frame(guest, mac, sport, payload, i)

            def is_echo(d, a):
                return (a[2] != socket.PACKET_OUTGOING and d[12:14] == b"\x08\x00"
                        and d[23] == 17 and d[34:36] == b"\x00\x07"
                        and d[42:42 + len(payload)] == payload)
            t0 = time.perf_counter_ns()
            s.send(frame)
            ok = wait_reply(s, is_echo)
            return (time.perf_counter_ns() - t0) / 1000.0 if ok else None
        return series(n, one)
    finally:
        if s is not None:
            s.close()
        sink.close()


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
        return udp_echo_raw_rtts(ns, n), udp_echo_rtts(ns, n), ping_rtts(ns, pings)
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
    if not ringos_qemu.ELF.exists():
        print(f"net_rtt: {ringos_qemu.ELF} missing (make all)", file=sys.stderr)
        return 1
    kinds = ("l2", "raw", "sock", "ping")
    got = {k: ([], 0) for k in kinds}
    ratios = []
    per = max(1, N // ROUNDS)
    with tempfile.TemporaryDirectory() as d, NetNS("bench_rtt") as ns:
        for r in range(ROUNDS):
            res = (l2reflect_rtts(ns, Path(d) / f"l2reflect{r}", per),
                   *stack_rtts(ns, Path(d) / f"stack{r}", per, max(1, PINGS // ROUNDS)))
            for k, (rtts, lost) in zip(kinds, res):
                got[k] = (got[k][0] + rtts, got[k][1] + lost)
            if res[0][0] and res[1][0]:
                ratios.append(statistics.median(res[1][0]) / statistics.median(res[0][0]))

    total, pings = per * ROUNDS, max(1, PINGS // ROUNDS) * ROUNDS
    rows = ["| round trip, one at a time (QEMU TCG, tap in a netns, igb.itr=0, "
            "%d boots of each guest) | median us | p99 us | lost |" % ROUNDS, "|---|---|---|---|",
            row("floor: app=l2reflect, 64 B frame, AF_PACKET client", *got["l2"], total),
            row("UDP echo (port 7), 64 B payload, AF_PACKET client", *got["raw"], total),
            row("UDP echo (port 7), 64 B payload, UDP socket client", *got["sock"], total),
            row("ping (iputils, 56 B, -i 0.01)", *got["ping"], pings)]
    ok = all(got[k][0] for k in ("l2", "raw", "sock"))
    if ok:
        floor = statistics.median(got["l2"][0])
        rows.append("| UDP echo / l2reflect median, same AF_PACKET client (target at most "
                    "1.2x; per boot pair %.2f..%.2f) | %.2fx | | |"
                    % (min(ratios), max(ratios), statistics.median(got["raw"][0]) / floor))
        rows.append("| UDP echo / l2reflect median, UDP socket client (adds the host's stack) "
                    "| %.2fx | | |" % (statistics.median(got["sock"][0]) / floor))
    publish("net_rtt", rows)
    return 0 if ok and got["raw"][1] == 0 and got["sock"][1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
