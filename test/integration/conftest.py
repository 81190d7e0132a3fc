import shutil
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ringos_qemu import ROOT, L2Peer, Ringos  # noqa: E402
from netns import NetNS, TapGuest, is_root  # noqa: E402

ARTIFACTS = ROOT / "build" / "integration"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
    if rep.failed and getattr(item, "module", None) is not None:
        # Module-scoped fixtures (one VM for several tests) keep their logs then.
        item.module.ringos_failed = True


@pytest.fixture
def boot(request, tmp_path):
    """boot(kernel=True, append="", extra=()) -> a running Ringos, closed afterwards.

    On failure the serial log is printed and it and the pcap are kept under
    build/integration/<test>/."""
    vms = []

    def start(**kw):
        vm = Ringos(tmp_path / f"vm{len(vms)}", **kw)
        vms.append(vm)
        return vm

    yield start
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for vm in vms:
        vm.close()
        if failed:
            dest = ARTIFACTS / request.node.name.replace("/", "_") / vm.workdir.name
            dest.mkdir(parents=True, exist_ok=True)
            for f in ("serial.log", "net.pcap"):
                if (vm.workdir / f).exists():
                    shutil.copy(vm.workdir / f, dest / f)
            print(f"\n--- serial log ({vm.workdir.name}), saved in {dest} ---\n{vm.text}")


@pytest.fixture
def l2peer(tmp_path):
    peer = L2Peer(tmp_path / "peer")
    yield peer
    peer.close()


# ---- a hard bound per test, without pytest-timeout -----------------------------------
class HardTimeout(AssertionError):
    pass


def pytest_configure(config):
    config.addinivalue_line("markers", "hard_timeout(seconds): fail the test after seconds")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """`@pytest.mark.hard_timeout(N)` (or `pytestmark = ...` in a module): SIGALRM ends
    the test after N seconds, whatever it waits on; the fixtures still tear down."""
    mark = item.get_closest_marker("hard_timeout")
    if mark is None:
        yield
        return

    def expired(signum, frame):
        raise HardTimeout(f"{item.nodeid}: hard timeout of {mark.args[0]} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, float(mark.args[0]))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- the Linux host as the peer: a tap in a network namespace -------------------------
TAP_APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"


def _keep(vm, dest, start=0):
    """Saves a VM's serial log and pcap under dest and prints its output since `start`."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "serial.log").write_bytes(vm.log)
    if vm.pcap.exists():
        shutil.copy(vm.pcap, dest / "net.pcap")
    print(f"\n--- serial log ({vm.workdir.name}) from this test on, saved in {dest} ---\n"
          + vm.log[start:].decode("utf-8", "replace"))


def _keep_all(vms, name):
    """Closes the VMs and keeps every one's serial log and pcap under build/integration/name/."""
    for vm in vms:
        vm.close()
        dest = ARTIFACTS / name / vm.workdir.name
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "serial.log").write_bytes(vm.log)
        if vm.pcap.exists():
            shutil.copy(vm.pcap, dest / "net.pcap")


@pytest.fixture
def netns(request):
    """A fresh NetNS (tap at 10.0.0.1/24, no guest yet), removed afterwards."""
    if not is_root():
        pytest.skip("needs root: a network namespace and a tap (CI runs as root)")
    ns = NetNS(request.node.name)
    yield ns
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        for vm in ns.vms:
            vm.close()
            _keep(vm, ARTIFACTS / request.node.name.replace("/", "_") / vm.workdir.name)
    ns.close()


@pytest.fixture(scope="module")
def tap_module(request, tmp_path_factory):
    """One NetNS and one ringos on its tap for a whole module (boot costs ~1 s; a
    module sets GUEST_APPEND to change the command line). Logs of every VM it
    booted are kept if any test of the module failed."""
    if not is_root():
        pytest.skip("needs root: a network namespace and a tap (CI runs as root)")
    name = request.module.__name__.rsplit(".", 1)[-1]
    ns = NetNS(name)
    try:
        yield TapGuest(ns, tmp_path_factory.mktemp(name),
                       getattr(request.module, "GUEST_APPEND", TAP_APPEND))
    finally:
        if getattr(request.module, "ringos_failed", False):
            _keep_all(ns.vms, name)
        ns.close()


def _per_test(request, guest):
    """One test's use of a module's guest: rebooted first if an earlier test left
    it dead; on failure the test's part of the log and the pcap are kept."""
    if not guest.alive():
        guest.boot()
    vm = guest.vm
    start = len(vm.log)
    yield guest
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        for _ in range(1000):
            if not vm._pump(0):
                break
        _keep(vm, ARTIFACTS / request.node.name.replace("/", "_") / vm.workdir.name, start)


@pytest.fixture
def tap(request, tap_module):
    """The module's guest for one test, rebooted first if an earlier test left it
    dead. On failure this test's part of the serial log is printed, and the whole
    log and pcap so far are kept under build/integration/<test>/."""
    yield from _per_test(request, tap_module)


# ---- a scripted peer on QEMU's dgram netdev, one VM per module (no root) --------------
class DgramGuest:
    """One ringos on a dgram netdev wired to an L2Peer, shared by a module's
    tests; rebooted on the same peer socket when a test left it dead."""

    def __init__(self, workdir, append):
        self.workdir = workdir
        self.append = append
        self.peer = L2Peer(workdir / "peer")
        self.vms = []
        self.vm = None
        self.boot()

    def boot(self):
        if self.vm is not None:
            self.vm.close()
        self.peer.qemu_path.unlink(missing_ok=True)
        self.vm = Ringos(self.workdir / f"vm{len(self.vms)}", append=self.append,
                         netdev=self.peer.netdev)
        self.vms.append(self.vm)
        self.vm.wait_ready(60)

    def alive(self):
        return self.vm.proc.poll() is None and "PANIC:" not in self.vm.text

    def command(self, line, timeout=15.0):
        return self.vm.command(line, timeout=timeout)

    def close(self):
        for vm in self.vms:
            vm.close()
        self.peer.close()


@pytest.fixture(scope="module")
def dgram_module(request, tmp_path_factory):
    """A DgramGuest for the module (GUEST_APPEND sets its command line); every VM's
    log and pcap are kept if a test of the module failed."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    g = DgramGuest(tmp_path_factory.mktemp(name),
                   getattr(request.module, "GUEST_APPEND", TAP_APPEND))
    try:
        yield g
    finally:
        g.close()
        if getattr(request.module, "ringos_failed", False):
            _keep_all(g.vms, name)


@pytest.fixture
def dgram(request, dgram_module):
    """The module's dgram guest for one test (rebooted first if dead), with the
    same log keeping as `tap`."""
    yield from _per_test(request, dgram_module)
