"""MSG_ZEROCOPY over a lossy link (impair.py's relay: 3% loss, 10% reordering,
1% duplicates each way): a retransmission reads the sender's buffer again,
long after the first send, so a completion that came before the last ACK
would let zcsend rewrite bytes still to be sent, and the host would hash
them. 8 MB, 64 KB and 1 MB chunks: byte-exact, every call completed, none
copied, and the guest really retransmitted."""
import pytest

from conftest import TAP_APPEND, _per_test
from impair import Impaired, RelayNetNS
from netns import TapGuest, counter_delta, is_root
from test_tcp_zerocopy import MB, zcsend

pytestmark = pytest.mark.hard_timeout(150)


@pytest.fixture(scope="module")
def relay_guest(tmp_path_factory):
    """One guest behind a relay for the module; each test runs its own relay
    (a test's failure keeps its log and pcap through _per_test)."""
    if not is_root():
        pytest.skip("needs root: a network namespace and two taps (CI runs as root)")
    with RelayNetNS("tcp_zerocopy_impaired") as ns:
        yield TapGuest(ns, tmp_path_factory.mktemp("zc_impaired"), TAP_APPEND)


@pytest.fixture
def guest(request, relay_guest):
    yield from _per_test(request, relay_guest)


@pytest.mark.parametrize("chunk", [None, MB])
def test_zerocopy_survives_retransmissions(guest, chunk):
    with Impaired(guest.ns, seed=8, loss=0.03, reorder=0.10, dup=0.01) as relay:
        sends, copied, before, after = zcsend(guest, 8 * MB, chunk)
    assert copied == 0
    assert counter_delta(before, after, "CopyUserToSkb") == 0
    assert counter_delta(before, after, "TcpRetransSegs") > 0, "nothing was sent twice"
    assert relay.counters["to_host"]["dropped"] > 0
