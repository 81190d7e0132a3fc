#!/usr/bin/env python3
"""TCP over a tap in a network namespace, the Linux host as the peer, against
the raw ceilings of our own driver measured in the same run:

- TCP echo (port 7), 64 B round trips one at a time on one connection with
  TCP_NODELAY, BENCH_TCP_ECHO_N of them after a warm-up: median and p99;
  against the l2reflect round trip (net_rtt's measurement, same settings).
- Bulk guest -> host: the host reads port 19 (source) for BENCH_TCP_SECONDS
  and counts the bytes it received; against raw_ceilings' TSO blast counted at
  the host tap.
- Zero-copy against copying: port 19 again, BENCH_TCP_ZC_SECONDS each, as the
  source service sends by default (MSG_ZEROCOPY) and with every send copied
  (net.ipv4.tcp_zerocopy_min=2147483647 before connecting), alternating in
  three rounds in the same boot; with the bytes copied per byte sent
  (`netstat -s` Copies) over each mode's runs.
- Bulk host -> guest: the host writes to port 9 (discard) for
  BENCH_TCP_SECONDS, then shuts down and waits for the guest's FIN, which
  comes after the guest read every byte: all that was sent, over the time to
  that FIN. The guest's own count (`services`) is shown beside it. Against
  raw_ceilings' RX sink (its best offered rate).
- Connections per second: BENCH_TCP_CONN_THREADS host threads each connect,
  send 64 B, read the echo and close, for BENCH_TCP_SECONDS.

Every measuring guest runs with interrupt moderation off and one queue pair
(igb.itr=0 queues=1), as net_rtt's do; the raw ceilings run first, while the
tap is quiet (their receiver waits for a second without frames, which the
host's leftover TCP retransmissions would deny it). Also shown: memory in use
at READY of a default boot (the `MEM used_kb=` line: every queue, default
services listening) and the stripped image's size.
Prints a Markdown table with the ratios and targets, writes
build/bench/tcp.md and build/bench/tcp.json.

Needs root (a namespace and a tap); says so and does nothing otherwise."""
import json
import os
import re
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import ROOT, publish
import net_rtt
import raw_ceilings

sys.path.insert(0, str(ROOT / "test" / "integration"))
import ringos_qemu  # noqa: E402
from netns import GUEST_IP, HOST_IP, NetNS, counter_delta, guest_netstat, is_root  # noqa: E402

SECONDS = float(os.environ.get("BENCH_TCP_SECONDS", "10"))
ECHO_N = int(os.environ.get("BENCH_TCP_ECHO_N", "2000"))
ZC_SECONDS = float(os.environ.get("BENCH_TCP_ZC_SECONDS", "3"))
CONN_THREADS = int(os.environ.get("BENCH_TCP_CONN_THREADS", "8"))
L2_N = int(os.environ.get("BENCH_TCP_L2_N", "2000"))
WARMUP = 50
GUEST_APPEND = f"ip={GUEST_IP}/24 gw={HOST_IP} igb.itr=0 queues=1"
MEM_LINE = re.compile(rb"^MEM total_kb=(\d+) used_kb=(\d+)", re.M)
ROW = re.compile(r"^(\w+)\s+(tcp|udp)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)", re.M)
IMAGE = ROOT / "build" / "iso" / "boot" / "ringos.elf"


def recv_exactly(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return bytes(buf)


def guest_bytes(vm, service):
    """(bytes_in, bytes_out) of a TCP service from `services`."""
    for m in ROW.finditer(vm.command("services")):
        if m.group(1) == service and m.group(2) == "tcp":
            return int(m.group(6)), int(m.group(7))
    raise RuntimeError("no %s row in `services`" % service)


def echo_rtts(ns, n):
    """n round trips of 64 B on one TCP_NODELAY connection; returns rtts in us."""
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(5)
        s.connect((GUEST_IP, 7))
        rtts = []
        for i in range(WARMUP + n):
            payload = i.to_bytes(4, "big") + bytes(range(60))
            t0 = time.perf_counter_ns()
            s.sendall(payload)
            if recv_exactly(s, 64) != payload:
                raise RuntimeError("echo #%d differs" % i)
            if i >= WARMUP:
                rtts.append((time.perf_counter_ns() - t0) / 1000.0)
        return rtts
    finally:
        s.close()


def bulk_from_guest(ns, seconds):
    """Reads port 19 for `seconds`; (bytes, seconds from the first byte)."""
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(5)
        s.connect((GUEST_IP, 19))
        buf = bytearray(1 << 20)
        n = s.recv_into(buf)
        t0, total = time.monotonic(), 0
        while n and time.monotonic() - t0 < seconds:
            total += n
            n = s.recv_into(buf)
        return total, time.monotonic() - t0
    finally:
        s.close()


def source_copy_modes(vm, ns, seconds, rounds=3):
    """bulk_from_guest with the source's MSG_ZEROCOPY and with every send
    copied, alternating for `rounds` rounds (seconds per mode in all), so a
    drift of the host's speed hits both alike; {mode: (Gbit/s, bytes copied
    per 1000 sent)}."""
    out_copies = ("CopyUserToSkb", "CopyFragment", "CopyLinearize", "CopyHeaderCow",
                  "CopyExpandHead", "CopyGso", "CopyTcpSplit")
    knob = "net.ipv4.tcp_zerocopy_min"
    old = re.search(r"=\s*(\d+)", vm.command("sysctl " + knob)).group(1)
    tot = {m: [0, 0.0, 0, 0] for m in ("zerocopy", "copy")}    # bytes, s, copied, sent
    try:
        for _ in range(rounds):
            for mode, zc_min in (("zerocopy", old), ("copy", "2147483647")):
                vm.command(f"sysctl {knob}={zc_min}")
                before = guest_netstat(vm)
                nbytes, secs = bulk_from_guest(ns, seconds / rounds)
                after = guest_netstat(vm)
                t = tot[mode]
                t[0], t[1] = t[0] + nbytes, t[1] + secs
                t[2] += counter_delta(before, after, *out_copies)
                t[3] += counter_delta(before, after, "AppBytesSent")
    finally:
        vm.command(f"sysctl {knob}={old}")
    return {m: (t[0] * 8 / t[1] / 1e9, t[2] * 1000 // t[3] if t[3] else None)
            for m, t in tot.items()}


def bulk_to_guest(ns, seconds):
    """Writes to port 9 for `seconds`, then waits for the guest's FIN (it has
    read everything then); (bytes, seconds until that FIN)."""
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(30)
        s.connect((GUEST_IP, 9))
        chunk = bytes(1 << 20)
        t0, total = time.monotonic(), 0
        while time.monotonic() - t0 < seconds:
            total += s.send(chunk)
        s.shutdown(socket.SHUT_WR)
        if s.recv(1) != b"":
            raise RuntimeError("discard sent data")
        return total, time.monotonic() - t0
    finally:
        s.close()


def connection_rate(ns, threads, seconds):
    """threads clients each connecting, echoing 64 B and closing for
    `seconds`; (connections completed, failures, seconds)."""
    done, failed = [0] * threads, [0] * threads
    stop = time.monotonic() + seconds
    payload = bytes(range(64))

    def worker(k):
        with ns.entered():
            while time.monotonic() < stop:
                try:
                    with socket.create_connection((GUEST_IP, 7), timeout=5) as s:
                        s.sendall(payload)
                        if recv_exactly(s, 64) != payload:
                            raise RuntimeError("echo differs")
                    done[k] += 1
                except (OSError, RuntimeError):
                    failed[k] += 1
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=seconds + 30)
    return sum(done), sum(failed), time.monotonic() - t0


def default_mem_kb(ns, workdir):
    """used_kb of the MEM line a default boot prints before READY."""
    vm = ns.boot(workdir, append=f"ip={GUEST_IP}/24 gw={HOST_IP}")
    try:
        vm.wait_ready(60)
        mem = MEM_LINE.search(vm.log)
        return int(mem.group(2)) if mem else None
    finally:
        vm.close()


def tcp_figures(ns, workdir):
    vm = ns.boot(workdir, append=GUEST_APPEND)
    try:
        vm.wait_ready(60)
        ns.wait_carrier()
        f = {}
        f["echo_rtts"] = echo_rtts(ns, ECHO_N)
        f["g2h_bytes"], f["g2h_s"] = bulk_from_guest(ns, SECONDS)
        f["zc"] = source_copy_modes(vm, ns, ZC_SECONDS)
        in0 = guest_bytes(vm, "discard")[0]
        f["h2g_bytes"], f["h2g_s"] = bulk_to_guest(ns, SECONDS)
        f["h2g_guest_bytes"] = guest_bytes(vm, "discard")[0] - in0
        f["conns"], f["conn_failed"], f["conn_s"] = connection_rate(ns, CONN_THREADS, SECONDS)
        return f
    finally:
        vm.close()


def main():
    # A timeout's SIGTERM still tears the namespace and QEMU down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not is_root():
        print("tcp: skipped: needs root (a network namespace and a tap)", file=sys.stderr)
        return 0
    if not ringos_qemu.ELF.exists():
        print(f"tcp: {ringos_qemu.ELF} missing (make all)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d, NetNS("bench_tcp") as ns:
        tso = raw_ceilings.tso_blast(ns, Path(d) / "tsoblast")
        sink = raw_ceilings.rx_sink(ns, Path(d) / "l2sink")
        l2, l2_lost = net_rtt.l2reflect_rtts(ns, Path(d) / "l2reflect", L2_N)
        mem_kb = default_mem_kb(ns, Path(d) / "default")
        f = tcp_figures(ns, Path(d) / "tcp")

    tso_gbit = tso[5]
    sink_gbit = max(r[4] for r in sink) / 1000.0
    l2_med = statistics.median(l2) if l2 else None
    rtts = f["echo_rtts"]
    echo_med, echo_p99 = statistics.median(rtts), net_rtt.pct(rtts, 99)
    g2h = f["g2h_bytes"] * 8 / f["g2h_s"] / 1e9
    h2g = f["h2g_bytes"] * 8 / f["h2g_s"] / 1e9
    cps = f["conns"] / f["conn_s"]
    image = IMAGE.stat().st_size if IMAGE.exists() else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    r_echo, r_g2h, r_h2g = ratio(echo_med, l2_med), ratio(g2h, tso_gbit), ratio(h2g, sink_gbit)

    def verdict(ok):
        return "met" if ok else "**missed**"

    rows = ["| TCP (QEMU TCG, tap in a netns, igb.itr=0 queues=1, same run) | figure "
            "| baseline | ratio | target |", "|---|---|---|---|---|"]
    rows.append("| echo 64 B round trip, median (%d on one TCP_NODELAY connection) | %.1f us "
                "| l2reflect %s us | %s | at most 1.3x: %s |" % (
                    ECHO_N, echo_med, "%.1f" % l2_med if l2_med else "-",
                    "%.2fx" % r_echo if r_echo else "-",
                    verdict(r_echo is not None and r_echo <= 1.3)))
    rows.append("| echo 64 B round trip, p99 | %.1f us | l2reflect p99 %s us | | |" % (
        echo_p99, "%.1f" % net_rtt.pct(l2, 99) if l2 else "-"))
    rows.append("| bulk guest -> host (source, port 19, %g s, counted by the host) | %.2f Gbit/s "
                "| TSO blast %.2f Gbit/s | %s | at least 75%%: %s |" % (
                    SECONDS, g2h, tso_gbit, "%.0f%%" % (100 * r_g2h) if r_g2h else "-",
                    verdict(r_g2h is not None and r_g2h >= 0.75)))
    (zc_gbit, zc_milli), (cp_gbit, cp_milli) = f["zc"]["zerocopy"], f["zc"]["copy"]
    rows.append("| source, port 19, %g s each in 3 alternating rounds: MSG_ZEROCOPY (%s bytes copied per 1000 sent) "
                "against copying (tcp_zerocopy_min=2147483647; %s per 1000) | %.2f Gbit/s "
                "| copying %.2f Gbit/s | %s | |" % (
                    ZC_SECONDS, zc_milli, cp_milli, zc_gbit, cp_gbit,
                    "%.2fx" % (zc_gbit / cp_gbit) if cp_gbit else "-"))
    rows.append("| bulk host -> guest (discard, port 9, %g s, all bytes read by the guest at "
                "its FIN; guest counted %d MB) | %.2f Gbit/s | RX sink %.2f Gbit/s | %s "
                "| at least 75%%: %s |" % (
                    SECONDS, f["h2g_guest_bytes"] // 10**6, h2g, sink_gbit,
                    "%.0f%%" % (100 * r_h2g) if r_h2g else "-",
                    verdict(r_h2g is not None and r_h2g >= 0.75)))
    rows.append("| connections per second (%d threads: connect, 64 B echo, close; %d failed) "
                "| %.0f /s | | | |" % (CONN_THREADS, f["conn_failed"], cps))
    rows.append("| memory in use at READY (default boot, services listening) | %s KiB | | "
                "| under 4096 KiB: %s |" % (mem_kb, verdict(mem_kb is not None and mem_kb < 4096)))
    rows.append("| image (stripped ELF) | %s bytes | | | under 1 MB: %s |" % (
        image, verdict(image is not None and image < 1_000_000)))
    publish("tcp", rows)
    out = ROOT / "build" / "bench" / "tcp.json"
    out.write_text(json.dumps({
        "echo_median_us": echo_med, "echo_p99_us": echo_p99, "echo_n": len(rtts),
        "l2reflect_median_us": l2_med, "l2reflect_lost": l2_lost, "echo_over_l2reflect": r_echo,
        "g2h_gbit": g2h, "g2h_bytes": f["g2h_bytes"], "tso_blast_gbit": tso_gbit,
        "g2h_over_tso_blast": r_g2h,
        "source_zerocopy_gbit": zc_gbit, "source_zerocopy_copied_milli": zc_milli,
        "source_copy_gbit": cp_gbit, "source_copy_copied_milli": cp_milli,
        "zc_seconds": ZC_SECONDS,
        "h2g_gbit": h2g, "h2g_bytes": f["h2g_bytes"], "h2g_guest_bytes": f["h2g_guest_bytes"],
        "rx_sink_gbit": sink_gbit, "h2g_over_rx_sink": r_h2g,
        "conn_per_s": cps, "conn_failed": f["conn_failed"], "conn_threads": CONN_THREADS,
        "mem_used_kb": mem_kb, "image_bytes": image, "seconds": SECONDS,
    }, indent=2) + "\n")
    return 0 if f["conn_failed"] == 0 and h2g > 0 and g2h > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
