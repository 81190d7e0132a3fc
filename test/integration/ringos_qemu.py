"""Boots ringos in QEMU (q35, -device igb) and talks to its serial console.

Every wait has a deadline; a VM still running at teardown is killed. The serial
log and a pcap of the NIC's traffic are kept so a failing test can save them.
"""
import os
import re
import select
import socket
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
    def __init__(self, workdir, kernel=True, append="", extra=(), netdev="user,id=n0",
                 monitor=False):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pcap = self.workdir / "net.pcap"
        self.log = b""
        self.monitor_path = self.workdir / "mon.sock" if monitor else None
        mon = f"unix:{self.monitor_path},server=on,wait=off" if monitor else "none"
        args = [QEMU, "-M", "q35", "-m", "256M", "-display", "none", "-no-reboot",
                "-serial", "stdio", "-monitor", mon,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-netdev", netdev, "-device", "igb,netdev=n0,mac=52:54:00:12:34:56",
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

    def hmp(self, cmd, timeout=10.0):
        """Runs a QEMU monitor command (needs monitor=True); returns its output."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            while True:
                try:
                    s.connect(str(self.monitor_path))
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            buf = b""
            while not buf.endswith(b"(qemu) "):
                buf += s.recv(4096)
            s.sendall(cmd.encode() + b"\n")
            buf = b""
            while not buf.endswith(b"(qemu) "):
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
            return buf.decode(errors="replace")

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


class L2Peer:
    """The other end of the NIC: a unix datagram socket wired to QEMU's `dgram`
    netdev, where each datagram is one Ethernet frame (no FCS). No root needed."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.path = self.workdir / "peer.sock"
        self.qemu_path = self.workdir / "qemu.sock"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        # Bursts (l2blast) outrun a reader; root may exceed rmem_max.
        for opt, force in ((socket.SO_RCVBUF, 33), (socket.SO_SNDBUF, 32)):
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, force, 32 << 20)
            except PermissionError:
                self.sock.setsockopt(socket.SOL_SOCKET, opt, 32 << 20)

    @property
    def netdev(self):
        return (f"dgram,id=n0,local.type=unix,local.path={self.qemu_path},"
                f"remote.type=unix,remote.path={self.path}")

    def send(self, frame):
        self.sock.sendto(bytes(frame), str(self.qemu_path))

    def recv(self, timeout=5.0):
        """One frame, or None after `timeout` seconds."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        return self.sock.recv(65536) if ready else None

    def drain(self, quiet=0.2):
        """Discards frames until none arrives for `quiet` seconds (bounded)."""
        for _ in range(100000):
            if self.recv(quiet) is None:
                return

    def close(self):
        self.sock.close()
