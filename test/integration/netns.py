"""The Linux host as a real peer: a network namespace holding a tap with an
address, QEMU started inside it on that tap, host tools run there with
`ip netns exec`.

Each NetNS has names of its own (namespace `ringos-<pid>-<n>-<tag>`, tap
`rtap<n>`), so parallel runs and leftovers never clash; a namespace whose
creating process is gone is a leftover of ours and is removed, with whatever
still runs in it, before the first new one is made. Everything a NetNS starts
is ended at close(), which also runs when the test fails. Every wait has a
deadline.

Sockets made inside `with ns.entered():` stay in the namespace after the block
ends, so a test opens an AF_PACKET socket on the tap, or a UDP socket towards the
guest, in its own process and uses it from there (setns applies to the calling
thread only, and is undone when the block ends).
"""
import contextlib
import ctypes
import itertools
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

from ringos_qemu import Ringos

PREFIX = "ringos-"
HOST_IP = "10.0.0.1"
GUEST_IP = "10.0.0.2"
PREFIXLEN = 24
GUEST_MAC = "52:54:00:12:34:56"
CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003

_libc = ctypes.CDLL(None, use_errno=True)
_seq = itertools.count()
_stale_checked = False


def is_root():
    return os.geteuid() == 0


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"setns: {os.strerror(e)}")


def _ip(*args, timeout=10.0, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=timeout,
                          check=check)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_pids_in(name, timeout=5.0):
    """Kills, by pid, every process still inside namespace `name` (ours: QEMU and
    the tools a NetNS started): SIGTERM, then SIGKILL after half of `timeout`."""
    t0 = time.monotonic()
    while True:
        r = _ip("netns", "pids", name, check=False)
        pids = [int(p) for p in r.stdout.split() if p.isdigit()]
        elapsed = time.monotonic() - t0
        if not pids or elapsed > timeout:
            return
        sig = signal.SIGTERM if elapsed < timeout / 2 else signal.SIGKILL
        for p in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, sig)
        time.sleep(0.1)


def cleanup_stale():
    """Removes namespaces named by this harness whose creating process has exited."""
    r = _ip("netns", "list", check=False)
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.match(re.escape(PREFIX) + r"(\d+)-", name)
        if not m or _pid_alive(int(m.group(1))):
            continue
        _kill_pids_in(name)
        _ip("netns", "del", name, check=False)


def wait_for(cond, timeout, interval=0.05, what="condition"):
    """Polls cond() until it returns a true value (returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {timeout}s")
        time.sleep(interval)


class NetNS:
    def __init__(self, tag="t", host_ip=HOST_IP, prefixlen=PREFIXLEN):
        global _stale_checked
        if not _stale_checked:
            cleanup_stale()
            _stale_checked = True
        n = next(_seq)
        tag = re.sub(r"[^A-Za-z0-9_]", "_", tag)[:24]
        self.name = f"{PREFIX}{os.getpid()}-{n}-{tag}"
        self.tap = f"rtap{n}"
        self.host_ip = host_ip
        self.prefixlen = prefixlen
        self.procs = []
        self.vms = []
        self._created = False
        try:
            self._create()
        except BaseException:
            self.close()
            raise

    def _create(self):
        _ip("netns", "add", self.name)
        self._created = True
        self.sysctl("net.ipv6.conf.default.disable_ipv6", 1)
        self.sysctl("net.ipv6.conf.all.disable_ipv6", 1)
        _ip("-n", self.name, "link", "set", "lo", "up")
        _ip("-n", self.name, "tuntap", "add", "dev", self.tap, "mode", "tap")
        _ip("-n", self.name, "addr", "add", f"{self.host_ip}/{self.prefixlen}",
            "dev", self.tap)
        _ip("-n", self.name, "link", "set", self.tap, "up")

    # --- host side -----------------------------------------------------------------
    def run(self, args, timeout=30.0, check=False, input=None, text=True):
        """Runs a host tool in the namespace; killed after `timeout` seconds.
        text=False passes input and output as bytes."""
        return subprocess.run(["ip", "netns", "exec", self.name, *args], capture_output=True,
                              text=text, timeout=timeout, check=check, input=input)

    def popen(self, args, **kw):
        """A background host tool in the namespace, ended at close()."""
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.STDOUT)
        p = subprocess.Popen(["ip", "netns", "exec", self.name, *args], **kw)
        self.procs.append(p)
        return p

    def ip(self, *args, timeout=10.0, check=True):
        return _ip("-n", self.name, *args, timeout=timeout, check=check)

    def sysctl(self, key, value):
        """Sets a net.* sysctl of the namespace (/proc/sys/net is per namespace, seen
        from the thread's own)."""
        with self.entered(), open("/proc/sys/" + key.replace(".", "/"), "w") as f:
            f.write(f"{value}\n")

    @property
    def mac(self):
        info = json.loads(self.ip("-j", "link", "show", self.tap).stdout)
        return info[0]["address"]

    def set_mac(self, mac):
        self.ip("link", "set", "dev", self.tap, "address", mac)

    def neigh(self, addr=None):
        """The host's neighbour entry for `addr` (default: the guest) as ip -j prints it."""
        addr = addr or GUEST_IP
        out = json.loads(self.ip("-j", "neigh", "show", addr, "dev", self.tap).stdout or "[]")
        return out[0] if out else None

    @contextlib.contextmanager
    def entered(self):
        """The calling thread inside the namespace for the block's duration."""
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield self
            finally:
                _setns(own)
        finally:
            os.close(target)
            os.close(own)

    def socket(self, family=socket.AF_INET, type=socket.SOCK_DGRAM, proto=0):
        with self.entered():
            return socket.socket(family, type, proto)

    def packet_socket(self):
        """An AF_PACKET socket bound to the tap: sends and receives whole frames."""
        with self.entered():
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            try:
                s.bind((self.tap, 0))
            except BaseException:
                s.close()
                raise
        return s

    # --- the guest -----------------------------------------------------------------
    def netdev(self):
        # The vnet header is left to QEMU: it enables it on the tap when the kernel has it.
        return f"tap,id=n0,ifname={self.tap},script=no,downscript=no"

    def boot(self, workdir, append="", **kw):
        """Starts ringos inside the namespace on the tap; closed at close()."""
        with self.entered():
            vm = Ringos(workdir, append=append, netdev=self.netdev(), **kw)
        self.vms.append(vm)
        return vm

    def wait_carrier(self, timeout=10.0):
        """QEMU attached to the tap (the tap reports carrier only then)."""
        def up():
            flags = json.loads(self.ip("-j", "link", "show", self.tap).stdout)[0]["flags"]
            return "LOWER_UP" in flags
        wait_for(up, timeout, what=f"carrier on {self.tap}")

    # --- teardown ------------------------------------------------------------------
    def close(self):
        for vm in self.vms:
            with contextlib.suppress(Exception):
                vm.close()
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            with contextlib.suppress(Exception):
                p.wait(timeout=5)
        self.procs.clear()
        if self._created:
            _kill_pids_in(self.name)
            if _ip("netns", "del", self.name, check=False).returncode != 0:
                # Busy until the last process has really gone: once more, a little later.
                time.sleep(0.2)
                _ip("netns", "del", self.name, check=False)
            self._created = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ping_summary(text):
    """(transmitted, received, loss %) from iputils' statistics line, or None."""
    m = re.search(r"(\d+) packets transmitted, (\d+) (?:packets )?received"
                  r"(?:, \+\d+ duplicates)?(?:, \+\d+ errors)?, ([\d.]+)% packet loss", text)
    return (int(m.group(1)), int(m.group(2)), float(m.group(3))) if m else None


class TapGuest:
    """One ringos on a NetNS's tap, shared by the tests of a module; rebooted
    (a new serial log and pcap in a new folder) when a test left it dead."""

    def __init__(self, ns, workdir, append, ready_timeout=60.0):
        self.ns = ns
        self.workdir = workdir
        self.append = append
        self.ready_timeout = ready_timeout
        self.vm = None
        self.boot()

    def boot(self):
        self.vm = self.ns.boot(self.workdir / f"vm{len(self.ns.vms)}", append=self.append)
        self.vm.wait_ready(self.ready_timeout)
        self.ns.wait_carrier()

    def alive(self):
        return self.vm.proc.poll() is None and "PANIC:" not in self.vm.text

    def command(self, line, timeout=15.0):
        return self.vm.command(line, timeout=timeout)


# --- reading the guest's shell ---------------------------------------------------------
def guest_netstat(vm):
    """`netstat -s` as a dict of nstat name -> value."""
    out = vm.command("netstat -s")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^([A-Za-z][A-Za-z0-9_]*)\s+(\d+)\b", out, re.M)}


def counter_delta(before, after, *names):
    """How much the named counters (summed; missing ones count 0) grew."""
    return sum(after.get(n, 0) - before.get(n, 0) for n in names)


def guest_neigh(vm, addr=None):
    """`ip neigh` as a list of (address, lladdr or None, state); only `addr` if given."""
    rows = []
    for line in vm.command("ip neigh").splitlines():
        m = re.match(r"\s*(\d+\.\d+\.\d+\.\d+)\s+dev\s+\S+(?:\s+lladdr\s+([0-9a-f:]{17}))?"
                     r"(?:.*?\b(INCOMPLETE|REACHABLE|STALE|DELAY|PROBE|FAILED|NOARP|PERMANENT)\b)?",
                     line)
        if m and (addr is None or m.group(1) == addr):
            rows.append((m.group(1), m.group(2), m.group(3)))
    return rows


def guest_ping(vm, host=HOST_IP, count=3, size=None, interval=None, deadline=None):
    """Runs the guest's ping; returns (summary tuple or None, its output)."""
    args = ["ping", "-c", str(count)]
    if size is not None:
        args += ["-s", str(size)]
    if interval is not None:
        args += ["-i", str(interval)]
    if deadline is not None:
        args += ["-w", str(deadline)]
    args.append(host)
    bound = (deadline or count * (interval or 1.0) + 5) + 10
    out = vm.command(" ".join(args), timeout=bound)
    return ping_summary(out), out


def read_pcap(path):
    """The frames of a pcap file QEMU may still be writing (a torn last record is
    left out)."""
    data = Path(path).read_bytes() if Path(path).exists() else b""
    if len(data) < 24:
        return []
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "IIII", data, off)[2]
        if off + 16 + incl > len(data):
            break
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames
