"""The article's questions (1) and (2) on a live guest, with the Linux host as
the TCP peer over a tap:
- `softirqs -v` while the host streams into discard (9) and reads source (19):
  NET_RX runs that reaped TX completions (tx-only or both) are counted, and
  NET_TX stays a small fraction of NET_RX with the defaults;
- with a 64-descriptor TX ring and net.core.dev_weight=4 a fast source reader
  makes a backlog: NET_TX runs rise, raised by quota or queue wake;
- `cpu -w 1 3` during traffic prints three lines whose five shares sum to
  ~100% and where sys is above 0."""
import re
import socket
import threading
import time

import pytest

from netns import GUEST_IP

pytestmark = pytest.mark.hard_timeout(55)

SECTION = re.compile(r"^(NET_RX runs|NAPI polls|NET_TX runs|NET_TX raises)\b.*?\((?:\w+ )?(\d+)\):")
ROW = re.compile(r"^\s+([\w-]+)\s+(\d+)\s+[\d.]+%$")
LINE = re.compile(r"^\s*(\d+): [\d.]+ s user\s+([\d.]+)% sys\s+([\d.]+)% softirq\s+([\d.]+)% "
                  r"hardirq\s+([\d.]+)% idle\s+([\d.]+)% \| net sys\s+([\d.]+)% "
                  r"softirq\s+([\d.]+)% \(sys ([\d.]+) ms, softirq ([\d.]+) ms\)$")


def softirqs_v(vm):
    """`softirqs -v` as {section: {"total": n, row: n}}."""
    out, cur = {}, None
    for line in vm.command("softirqs -v").splitlines():
        line = line.rstrip("\r")
        m = SECTION.match(line)
        if m:
            cur = out.setdefault(m.group(1), {"total": int(m.group(2))})
            continue
        m = ROW.match(line)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    assert set(out) == {"NET_RX runs", "NAPI polls", "NET_TX runs", "NET_TX raises"}, out
    return out


def delta(a, b, section, row):
    return b[section][row] - a[section][row]


def traffic(tap, seconds, discard=True, source=True, pace=0.0):
    """Streams into discard and reads source from threads for `seconds`, or
    until the returned event is set; returns the threads (joined by the
    caller), the byte counts and that event. pace: seconds to wait after
    each 64 KB either way (0: as fast as the guest goes)."""
    deadline = time.monotonic() + seconds
    done = threading.Event()
    moved = {"in": 0, "out": 0}

    def running():
        return not done.is_set() and time.monotonic() < deadline

    def sink():
        with tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect((GUEST_IP, 9))
            buf = bytes(65536)
            while running():
                moved["in"] += s.send(buf)
                if pace:
                    time.sleep(pace)

    def reader():
        with tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.connect((GUEST_IP, 19))
            while running():
                chunk = s.recv(65536 if pace else 1 << 20)
                if not chunk:
                    break
                moved["out"] += len(chunk)
                if pace:
                    time.sleep(pace)

    threads = []
    if discard:
        threads.append(threading.Thread(target=sink, daemon=True))
    if source:
        threads.append(threading.Thread(target=reader, daemon=True))
    for t in threads:
        t.start()
    return threads, moved, done


def join(threads, timeout=10):
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "traffic thread did not stop"


def test_defaults_tx_completions_in_net_rx_and_little_net_tx(tap):
    before = softirqs_v(tap.vm)
    threads, moved, _ = traffic(tap, 2.0)
    join(threads)
    after = softirqs_v(tap.vm)
    assert moved["in"] > 0 and moved["out"] > 0, moved
    rx_runs = delta(before, after, "NET_RX runs", "total")
    tx_completion_runs = (delta(before, after, "NET_RX runs", "tx-only") +
                          delta(before, after, "NET_RX runs", "both"))
    tx_runs = delta(before, after, "NET_TX runs", "total")
    print(f"defaults: NET_RX {rx_runs} (tx completions {tx_completion_runs}) NET_TX {tx_runs}")
    assert rx_runs > 100
    assert tx_completion_runs > 0
    # Most sends go straight to the driver from the caller: NET_TX is rare.
    assert tx_runs * 10 < rx_runs, (tx_runs, rx_runs)
    # The split adds up: every run is one of the four kinds.
    assert sum(after["NET_RX runs"][k] for k in ("rx-only", "tx-only", "both", "none")) == \
        after["NET_RX runs"]["total"]


def test_small_ring_and_quota_make_net_tx_take_over(tap):
    vm = tap.vm
    base = softirqs_v(vm)
    threads, _, _ = traffic(tap, 1.0, discard=False)
    join(threads)
    mid = softirqs_v(vm)
    base_tx = delta(base, mid, "NET_TX runs", "total")
    ring = re.search(r"(?s)Current hardware settings:.*?TX:\s+(\d+)", vm.command("ethtool -g eth0"))
    weight = re.search(r"= (\d+)", vm.command("sysctl net.core.dev_weight"))
    assert ring and weight
    try:
        # Without TSO every segment takes a descriptor: the 64 fill at once.
        for cmd in ("ethtool -G eth0 tx 64", "sysctl net.core.dev_weight=4",
                    "ethtool -K eth0 tso off"):
            out = vm.command(cmd, timeout=10)
            assert "usage" not in out and "error" not in out.lower(), (cmd, out)
        time.sleep(0.5)     # the port reopens around the ring change
        before = softirqs_v(vm)
        threads, moved, _ = traffic(tap, 1.0, discard=False)
        join(threads)
        after = softirqs_v(vm)
    finally:
        vm.command("ethtool -K eth0 tso on")
        vm.command(f"sysctl net.core.dev_weight={weight.group(1)}")
        vm.command(f"ethtool -G eth0 tx {ring.group(1)}", timeout=10)
    assert moved["out"] > 0
    tx_runs = delta(before, after, "NET_TX runs", "total")
    by_backlog = (delta(before, after, "NET_TX runs", "quota") +
                  delta(before, after, "NET_TX runs", "queue-wake"))
    print(f"small ring + quota 4: NET_TX {tx_runs} (quota/wake {by_backlog}), before {base_tx}")
    assert tx_runs > base_tx, (tx_runs, base_tx)
    assert by_backlog > 0
    print(vm.command("softirqs -v"))    # the README's sample, with -s


def test_cpu_watch_three_lines(tap):
    # Paced (about 10 MB/s each way) and lasting until the watch is over: at
    # full load the shell, a thread like the services, wakes seconds late.
    threads, _, done = traffic(tap, 25.0, pace=0.006)
    try:
        out = tap.vm.command("cpu -w 1 3", timeout=25)
    finally:
        done.set()
        join(threads)
    print(out)
    lines = [m for m in (LINE.match(l.rstrip("\r")) for l in out.splitlines()) if m]
    assert [int(m.group(1)) for m in lines] == [1, 2, 3], out
    for m in lines:
        shares = [float(m.group(i)) for i in range(2, 7)]
        assert 99.0 <= sum(shares) <= 100.5, (shares, m.group(0))
        assert shares[1] > 0, m.group(0)
        net = float(m.group(7)) + float(m.group(8))
        assert net == 0 or 99.5 <= net <= 100.5, m.group(0)
    # Traffic ran in every interval: some network work was in each.
    assert all(float(m.group(9)) + float(m.group(10)) > 0 for m in lines), out
