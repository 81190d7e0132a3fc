#!/usr/bin/env python3
"""Boot-time benchmark: median of N boots, QEMU start -> READY on the serial line,
for -kernel and for the ISO, beside the floor (QEMU starting and exiting an empty
guest) measured in the same run, plus the guest's own boot_us. Prints a Markdown
table (the README's) and writes it to build/bench/boot.md."""
import os
import re
import statistics
import subprocess
import sys
import time

from benchlib import QEMU, ROOT, publish, run_until

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TIMEOUT = 60
DEVICES = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-netdev", "user,id=n0", "-device", "igb,netdev=n0"]
READY = re.compile(rb"^READY .*boot_us=(\d+)\r?\n", re.M)
UP = re.compile(rb"^boot: kernel up in (\d+) us", re.M)


def time_to_ready(extra):
    elapsed, buf, m = run_until(DEVICES + extra, READY, TIMEOUT)
    up = UP.search(buf)
    return elapsed, int(m.group(1)), int(up.group(1)) if up else 0


def time_to_exit(extra):
    t0 = time.monotonic()
    subprocess.run(QEMU + DEVICES + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    return time.monotonic() - t0


def main():
    empty = ROOT / "build" / "bench" / "empty.elf"
    floor = [time_to_exit(["-kernel", str(empty)]) for _ in range(RUNS)]
    kern = [time_to_ready(["-kernel", str(ROOT / "build" / "ringos.elf")]) for _ in range(RUNS)]
    iso = [time_to_ready(["-cdrom", str(ROOT / "build" / "ringos.iso"), "-boot", "d"])
           for _ in range(RUNS)]
    med = statistics.median
    f = med(floor)
    k = med(r[0] for r in kern)
    i = med(r[0] for r in iso)
    rows = [
        "| figure (median of %d, QEMU TCG q35 -device igb) | seconds | over floor |" % RUNS,
        "|---|---|---|",
        "| floor: QEMU start -> exit, empty guest | %.3f | - |" % f,
        "| QEMU start -> READY, -kernel | %.3f | +%.3f |" % (k, k - f),
        "| QEMU start -> READY, ISO (GRUB) | %.3f | +%.3f |" % (i, i - f),
        "| guest: first instruction -> kernel up (before NIC init), -kernel | %.4f | - |"
        % (med(r[2] for r in kern) / 1e6),
        "| guest: first instruction -> READY (boot_us), -kernel | %.4f | - |"
        % (med(r[1] for r in kern) / 1e6),
        "| guest: first instruction -> READY (boot_us), ISO | %.4f | - |"
        % (med(r[1] for r in iso) / 1e6),
        "",
        "image: build/ringos.elf %d bytes stripped" % os.path.getsize(
            ROOT / "build" / "iso" / "boot" / "ringos.elf"),
    ]
    publish("boot", rows)


if __name__ == "__main__":
    sys.exit(main())
