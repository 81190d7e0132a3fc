#!/usr/bin/env python3
"""Driver ceiling: app=l2blast frames/s for 60 B and 1514 B frames (median of
N runs), with the frames drained by a unix-socket peer on QEMU's dgram netdev.
Prints a Markdown table and writes build/bench/l2blast.md."""
import os
import re
import socket
import statistics
import sys
import tempfile
import threading

from benchlib import ROOT, publish, run_until

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COUNT = int(os.environ.get("BENCH_BLAST_COUNT", "200000"))
LINE = re.compile(rb"^l2blast: (\d+) frames in ([\d.]+) s: (\d+) frames/s, (\d+) Mbit/s", re.M)


def blast(size):
    with tempfile.TemporaryDirectory() as d:
        peer, qemu = os.path.join(d, "peer.sock"), os.path.join(d, "qemu.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(peer)
        try:
            s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
        except PermissionError:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
        s.settimeout(0.5)
        stop = threading.Event()
        got = [0]

        def drain():
            while not stop.is_set():
                try:
                    s.recv(65536)
                    got[0] += 1
                except socket.timeout:
                    pass

        t = threading.Thread(target=drain, daemon=True)
        t.start()
        args = ["-netdev", f"dgram,id=n0,local.type=unix,local.path={qemu},"
                           f"remote.type=unix,remote.path={peer}",
                "-device", "igb,netdev=n0",
                "-kernel", str(ROOT / "build" / "ringos.elf"),
                "-append", f"app=l2blast count={COUNT} size={size}"]
        try:
            _, _, m = run_until(args, LINE, 300)
            return int(m.group(3)), int(m.group(4))
        finally:
            stop.set()
            t.join()
            s.close()


def main():
    rows = ["| l2blast (median of %d x %d frames, QEMU TCG, dgram backend) | frames/s | Mbit/s |"
            % (RUNS, COUNT), "|---|---|---|"]
    for size in (60, 1514):
        runs = [blast(size) for _ in range(RUNS)]
        rows.append("| %d B frames | %d | %d |" % (size, statistics.median(r[0] for r in runs),
                                                   statistics.median(r[1] for r in runs)))
    publish("l2blast", rows)


if __name__ == "__main__":
    sys.exit(main())
