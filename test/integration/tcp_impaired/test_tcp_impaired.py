"""TCP over an impaired link: the guest's tap and the host meet only through the
userspace relay of impair.py (this kernel has no sch_netem), which cuts the
guest's TSO super-frames into wire segments and then loses 3%, reorders 10% and
duplicates 1% of them in each direction. 20 MB through echo (port 7) come back
byte-exact (sha256) and the guest counted its retransmissions; 5 MB to discard
(port 9) arrive and the connection closes cleanly, with the guest's out-of-order
queue used."""
import socket

import pytest

from conftest import ARTIFACTS, TAP_APPEND, _keep_all, _per_test
from impair import Impaired, RelayNetNS, tcp_stream
from netns import GUEST_IP, TapGuest, counter_delta, guest_netstat, is_root

pytestmark = pytest.mark.hard_timeout(150)
MB = 1 << 20
IMPAIRED = dict(loss=0.03, reorder=0.10, dup=0.01)


@pytest.fixture(scope="module")
def relay_module(request, tmp_path_factory):
    """One guest on a RelayNetNS for the module (no relay yet: each test runs one)."""
    if not is_root():
        pytest.skip("needs root: a network namespace and two taps (CI runs as root)")
    ns = RelayNetNS("tcp_impaired")
    try:
        yield TapGuest(ns, tmp_path_factory.mktemp("tcp_impaired"), TAP_APPEND)
    finally:
        if getattr(request.module, "ringos_failed", False):
            _keep_all(ns.vms, "tcp_impaired")
            print(f"logs and pcaps kept in {ARTIFACTS / 'tcp_impaired'}")
        ns.close()


@pytest.fixture
def guest(request, relay_module):
    yield from _per_test(request, relay_module)


def connect(ns, port):
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(15)
    s.connect((GUEST_IP, port))
    return s


def lossy(relay):
    """Both directions really lost, reordered and duplicated frames."""
    for d in ("to_host", "to_guest"):
        c = relay.counters[d]
        assert c["dropped"] > 0 and c["reordered"] > 0, (d, c)
        assert c["bad_frames"] == 0, (d, c)


def recovery_counters(before, after):
    names = ("TcpRetransSegs", "TcpExtTCPSackRecovery", "TcpExtTCPRenoRecovery",
             "TcpExtTCPFastRetrans", "TcpExtTCPTimeouts", "TcpExtTCPOFOQueue",
             "TcpExtTCPDSACKRecv", "TcpExtTCPDSACKOfoSent", "TcpExtTCPDSACKOldSent")
    return {n: counter_delta(before, after, n) for n in names}


def test_echo_20mb_impaired(guest):
    before = guest_netstat(guest.vm)
    with Impaired(guest.ns, seed=1, **IMPAIRED) as relay:
        s = connect(guest.ns, 7)
        try:
            res = tcp_stream(s, 20 * MB, seed=21, timeout=120, stall=20)
        finally:
            s.close()
    after = guest_netstat(guest.vm)
    print(f"20 MB echoed over the impaired link in {res['seconds']:.1f} s; guest: "
          f"{recovery_counters(before, after)}")
    assert res["error"] is None and res["eof"], res
    assert res["match"], res
    lossy(relay)
    # The guest's segments to us were lost too: it must have sent some again.
    assert counter_delta(before, after, "TcpRetransSegs") > 0
    assert counter_delta(before, after, "TcpEstabResets") == 0


def test_discard_5mb_impaired(guest):
    before = guest_netstat(guest.vm)
    with Impaired(guest.ns, seed=2, **IMPAIRED) as relay:
        s = connect(guest.ns, 9)
        try:
            res = tcp_stream(s, 5 * MB, seed=9, echo=False, timeout=90, stall=20)
        finally:
            s.close()
    after = guest_netstat(guest.vm)
    print(f"5 MB to discard over the impaired link in {res['seconds']:.1f} s; guest: "
          f"{recovery_counters(before, after)}")
    # Discard closes after our FIN, which the guest takes only after every byte.
    assert res["error"] is None and res["eof"] and res["match"], res
    lossy(relay)
    assert counter_delta(before, after, "TcpExtTCPOFOQueue") > 0
    assert counter_delta(before, after, "TcpEstabResets") == 0
