"""iputils ping from the Linux host to ringos and ringos's own ping to the host,
over a tap in a network namespace, at every size from empty to the largest
datagram (65507 bytes of payload: 45 fragments each way), all replies back and
byte-exact (iputils checks the echoed pattern and reports a wrong byte)."""
import pytest

from netns import GUEST_IP, counter_delta, guest_netstat, guest_ping, ping_summary

pytestmark = pytest.mark.hard_timeout(60)
SIZES = [0, 56, 1472, 1473, 8000, 65507]
COUNT = 3


@pytest.mark.parametrize("size", SIZES)
def test_host_pings_guest(tap, size):
    before = guest_netstat(tap.vm)
    r = tap.ns.run(["ping", "-n", "-c", str(COUNT), "-s", str(size), "-i", "0.2", "-W", "2",
                    GUEST_IP], timeout=30)
    assert ping_summary(r.stdout) == (COUNT, COUNT, 0.0), r.stdout + r.stderr
    assert "wrong data" not in r.stdout and "DUP!" not in r.stdout, r.stdout
    after = guest_netstat(tap.vm)
    assert counter_delta(before, after, "IcmpInEchos") == COUNT
    assert counter_delta(before, after, "IcmpOutEchoReps") == COUNT
    if size + 28 > 1500:
        assert counter_delta(before, after, "IpReasmOKs") == COUNT
        assert counter_delta(before, after, "IpFragOKs") == COUNT


@pytest.mark.parametrize("size", SIZES)
def test_guest_pings_host(tap, size):
    summary, out = guest_ping(tap.vm, count=COUNT, size=size, interval=0.2, deadline=10)
    assert summary == (COUNT, COUNT, 0.0), out
    if size >= 8:
        # iputils' format: "<n> bytes from <addr>: icmp_seq=<k> ttl=<t> time=<ms> ms"
        assert out.count(f"{size + 8} bytes from 10.0.0.1: icmp_seq=") == COUNT, out
        assert "rtt min/avg/max/mdev" in out, out
