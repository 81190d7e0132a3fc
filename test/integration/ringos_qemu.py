"""Boots ringos in QEMU (q35, -device igb) and talks to its serial console.

Every wait has a deadline; a VM still running at teardown is killed. The serial
log and a pcap of the NIC's traffic are kept so a failing test can save them.
"""
import os
import re
import select
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "build" / "ringos.elf"
ISO = ROOT / "build" / "ringos.iso"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

# isa-debug-exit turns the guest's exit code c into QEMU status (c << 1) | 1.
EXIT_POWEROFF = 1
EXIT_PANIC = 3


class QemuTimeout(AssertionError):
    pass


class Ringos:
    def __init__(self, workdir, kernel=True, append="", extra=()):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pcap = self.workdir / "net.pcap"
        self.log = b""
        args = [QEMU, "-M", "q35", "-m", "256M", "-display", "none", "-no-reboot",
                "-serial", "stdio", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-netdev", "user,id=n0", "-device", "igb,netdev=n0",
                "-object", f"filter-dump,id=f0,netdev=n0,file={self.pcap}"]
        if kernel:
            args += ["-kernel", str(ELF), "-append", append]
        else:
            args += ["-cdrom", str(ISO), "-boot", "d"]
        args += list(extra)
        self.args = args
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)

    @property
    def text(self):
        return self.log.decode("utf-8", "replace")

    def _pump(self, timeout):
        """Reads whatever the console printed within `timeout` seconds."""
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return False
        if not chunk:
            return False
        self.log += chunk
        return True

    def expect(self, pattern, timeout=30.0, start=0):
        """Waits for a regex in the console output after offset `start`; returns the match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log, start)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise QemuTimeout(f"no match for {pattern!r} within {timeout}s")
            if self.proc.poll() is not None and not self._pump(0):
                raise QemuTimeout(f"QEMU exited ({self.proc.returncode}) before {pattern!r}")
            self._pump(min(left, 0.2))

    def wait_ready(self, timeout=60.0):
        return self.expect(r"^READY .*boot_us=(\d+)\r?\n", timeout)

    def command(self, line, timeout=15.0):
        """Runs a shell command and returns what it printed up to the next prompt."""
        self.expect(r"ringos> ", timeout)
        start = len(self.log)
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()
        m = self.expect(r"ringos> ", timeout, start)
        out = self.log[start:m.start()].decode("utf-8", "replace")
        # Drop the echoed command line itself.
        return out.split("\n", 1)[1] if "\n" in out else ""

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_exit(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise QemuTimeout(f"QEMU still running after {timeout}s")
            self._pump(0.1)
        while self._pump(0):
            pass
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        while self._pump(0):
            pass
        (self.workdir / "serial.log").write_bytes(self.log)
