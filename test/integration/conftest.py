import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ringos_qemu import ROOT, L2Peer, Ringos  # noqa: E402

ARTIFACTS = ROOT / "build" / "integration"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


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
