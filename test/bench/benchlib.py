"""What the benchmarks share: QEMU's common arguments, a bounded wait for a line
on the guest's serial output, and publishing a result table."""
import os
import select
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QEMU = ["qemu-system-x86_64", "-M", "q35", "-m", "256M", "-display", "none",
        "-no-reboot", "-serial", "stdio", "-monitor", "none"]


def run_until(args, pattern, timeout):
    """Starts QEMU with args and waits, at most `timeout` seconds, for the regex
    `pattern` in its output. Returns (seconds from start to the match, output so
    far, match). QEMU is killed either way."""
    t0 = time.monotonic()
    p = subprocess.Popen(QEMU + args, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         stderr=subprocess.STDOUT)
    buf = b""
    try:
        while True:
            left = t0 + timeout - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"no {pattern.pattern!r} within {timeout}s:\n"
                                   + buf.decode(errors="replace")[-2000:])
            ready, _, _ = select.select([p.stdout], [], [], min(left, 0.5))
            if not ready:
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("QEMU exited early:\n" + buf.decode(errors="replace")[-2000:])
            buf += chunk
            m = pattern.search(buf)
            if m:
                return time.monotonic() - t0, buf, m
    finally:
        p.kill()
        p.wait()


def publish(name, rows):
    """Prints a Markdown table and keeps it as build/bench/<name>.md."""
    table = "\n".join(rows)
    print(table)
    out = ROOT / "build" / "bench" / f"{name}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n")
