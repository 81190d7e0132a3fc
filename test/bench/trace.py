#!/usr/bin/env python3
"""What the send trace's tracepoints cost while no trace runs: the TCP figures
of test/bench/tcp.py that cross the traced path, for the usual kernel
(tracepoints compiled in, off) and for build/ringos-notrace.elf (the same
source with -DRINGOS_NO_TRACE), booted one after the other in the same run,
BENCH_TRACE_ROUNDS times each in the order A B A B ... so a drift of the
shared machine hits both:

- TCP echo (port 7), 64 B round trips on one TCP_NODELAY connection,
  BENCH_TRACE_ECHO_N of them: the median;
- bulk guest -> host from the source service (port 19) for
  BENCH_TRACE_SECONDS: Mbit/s.

Prints a Markdown table (each kernel's best boot, and the ratio; every boot's
figures go to the JSON), writes build/bench/trace.md and build/bench/trace.json. Asserts
nothing: it measures. Needs root (a namespace and a tap); says so and does
nothing otherwise."""
import json
import os
import signal
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, publish
import tcp

sys.path.insert(0, str(ROOT / "test" / "integration"))
import ringos_qemu  # noqa: E402
from netns import NetNS, is_root  # noqa: E402

SECONDS = float(os.environ.get("BENCH_TRACE_SECONDS", "3"))
ECHO_N = int(os.environ.get("BENCH_TRACE_ECHO_N", "500"))
ROUNDS = int(os.environ.get("BENCH_TRACE_ROUNDS", "3"))
KERNELS = {"compiled in, off": ROOT / "build" / "ringos.elf",
           "compiled out": ROOT / "build" / "ringos-notrace.elf"}


def figures(ns, workdir, elf):
    # Ringos boots the module's ELF: point it at the kernel under test.
    ringos_qemu.ELF = elf
    vm = ns.boot(workdir, append=tcp.GUEST_APPEND)
    try:
        vm.wait_ready(60)
        ns.wait_carrier()
        rtts = tcp.echo_rtts(ns, ECHO_N)
        nbytes, secs = tcp.bulk_from_guest(ns, SECONDS)
        return {"echo_median_us": statistics.median(rtts),
                "g2h_mbit": nbytes * 8 / secs / 1e6 if secs else 0.0}
    finally:
        vm.close()


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not is_root():
        print("trace: skipped: needs root (a network namespace and a tap)", file=sys.stderr)
        return 0
    missing = [str(p) for p in KERNELS.values() if not p.exists()]
    if missing:
        print(f"trace: {', '.join(missing)} missing (make all build/ringos-notrace.elf)",
              file=sys.stderr)
        return 1
    runs = {name: [] for name in KERNELS}
    with tempfile.TemporaryDirectory() as d, NetNS("bench_trace") as ns:
        for i in range(ROUNDS):
            for name, elf in KERNELS.items():
                runs[name].append(figures(ns, Path(d) / f"{elf.stem}{i}", elf))
    best = {name: {"echo_median_us": min(r["echo_median_us"] for r in rs),
                   "g2h_mbit": max(r["g2h_mbit"] for r in rs)} for name, rs in runs.items()}
    on, off = best["compiled in, off"], best["compiled out"]

    def ratio(key):
        return f"{on[key] / off[key]:.3f}" if off[key] else "-"

    rows = ["| figure | tracepoints compiled in, off | compiled out | ratio |",
            "|---|---|---|---|",
            f"| TCP echo 64 B, median | {on['echo_median_us']:.1f} us | "
            f"{off['echo_median_us']:.1f} us | {ratio('echo_median_us')} |",
            f"| TCP guest -> host (source) | {on['g2h_mbit']:.0f} Mbit/s | "
            f"{off['g2h_mbit']:.0f} Mbit/s | {ratio('g2h_mbit')} |"]
    publish("trace", rows)
    out = ROOT / "build" / "bench" / "trace.json"
    out.write_text(json.dumps({"runs": runs, "best": best}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
