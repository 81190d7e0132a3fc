"""The qdisc under a real backlog. QEMU drains the TX ring inside the tail write,
so a backlog forms only while completions are not yet cleaned: the TX ring is cut
to 64 descriptors and interrupt moderation raised to 500 us (cleaning waits for
the next interrupt), then bursts larger than the ring are sent: echo replies to
eight 65507-byte requests the host has in flight at once (45 fragments each,
sent from NET_RX), and the shell's own ping sending a 45-fragment request every
millisecond. The driver stops its queue, the pfifo holds and requeues what the
driver refused, `tc -s qdisc` shows it, nothing is dropped and every reply
comes back."""
import re

import pytest

from netns import GUEST_IP, guest_ping, ping_summary

pytestmark = pytest.mark.hard_timeout(90)
GUEST_APPEND = "ip=10.0.0.2/24 gw=10.0.0.1 queues=1"
SENT_LINE = re.compile(r"Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+) "
                     r"requeues (\d+)\)")
BACKLOG_LINE = re.compile(r"backlog (\S+) (\d+)p requeues (\d+)")


def qdisc_stats(vm):
    """Sums over the leaf pfifos (the mq root, if any, repeats their totals)."""
    out = vm.command("tc -s qdisc show dev eth0")
    total = {"bytes": 0, "pkts": 0, "dropped": 0, "overlimits": 0, "requeues": 0,
             "backlog_p": 0}
    blocks = re.split(r"(?m)^qdisc ", out)
    leaves = [b for b in blocks if b.startswith("pfifo")]
    for b in leaves:
        m = SENT_LINE.search(b)
        assert m, out
        for k, v in zip(("bytes", "pkts", "dropped", "overlimits", "requeues"), m.groups()):
            total[k] += int(v)
        m = BACKLOG_LINE.search(b)
        if m:
            total["backlog_p"] += int(m.group(2))
    assert leaves, out
    return total, out


def tx_stops(vm):
    """Times the driver stopped its TX queues because the ring was full."""
    out = vm.command("ethtool -S eth0")
    return sum(int(n) for n in re.findall(r"tx_queue_\d+_stops: (\d+)", out))


def test_ring_full_backlog_requeue_no_loss(tap):
    vm = tap.vm
    for cmd in ("ethtool -G eth0 tx 64", "ethtool -C eth0 rx-usecs 500"):
        out = vm.command(cmd)
        assert "error" not in out.lower() and "invalid" not in out.lower(), out
    assert re.search(r"(?s)Current hardware settings:.*TX:\s+64\b", vm.command("ethtool -g eth0"))
    # The host resolves the guest first: its own unresolved queue would drop a burst.
    r = tap.ns.run(["ping", "-n", "-c", "1", "-W", "2", GUEST_IP], timeout=10)
    assert ping_summary(r.stdout) == (1, 1, 0.0), r.stdout
    before, _ = qdisc_stats(vm)
    stops_before = tx_stops(vm)

    r = tap.ns.run(["ping", "-n", "-q", "-l", "8", "-s", "65507", "-c", "40", "-i", "0.05",
                    "-W", "5", GUEST_IP], timeout=60)
    assert ping_summary(r.stdout) == (40, 40, 0.0), r.stdout
    count = 20
    # No -w: with a deadline iputils (and ours) keeps sending until COUNT replies.
    summary, ping_out = guest_ping(vm, count=count, size=65507, interval=0.001)
    assert summary == (count, count, 0.0), ping_out

    after, tc_out = qdisc_stats(vm)
    sent = after["pkts"] - before["pkts"]
    # 45 fragments for each of the 60 datagrams, all through the qdisc.
    assert sent >= 45 * (40 + count), tc_out
    assert after["dropped"] == before["dropped"], tc_out
    assert tx_stops(vm) > stops_before, "the TX ring never filled"
    assert after["requeues"] > before["requeues"], f"no requeue\n{tc_out}"
    assert after["backlog_p"] == 0, tc_out
