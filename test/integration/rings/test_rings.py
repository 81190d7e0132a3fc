"""igb ring sizes on a running port, with the Linux host as the peer over a tap
(default boot: four queue pairs under MSI-X).

- A host -> guest TCP flood to discard (9): every frame the host's tap sent is
  one the NIC counted as received (gprc), or the loss shows in `rx_overruns`.
  QEMU drops a frame RSS steers to a full ring while any other ring has a free
  descriptor, and counts it nowhere else; the flow's ring fills whole
  (rx_queue_N_fill) early enough that none is lost.
- `ethtool -G` for rx, for tx and for both, while the host floods pings and
  streams TCP to discard: every resize returns with the link line and no
  PANIC (rx N used to panic: a poll refilling a just-reallocated ring), the
  TCP stream delivers every byte across all of them, and afterwards ping, UDP
  echo and a guest -> host stream work on the new rings.
- `ethtool -G eth0 tx 64` (the qdisc scenario's setting) under the same
  traffic, then a guest -> host TCP stream through the small ring."""
import json
import re
import socket
import threading
import time

import pytest

from l2frames import ethtool_stats
from netns import GUEST_IP, ping_summary

pytestmark = pytest.mark.hard_timeout(240)
FLOOD_SECONDS = 3.0
CHUNK = b"r" * 65536
RESIZES = ("rx 512", "rx 1024 tx 64", "rx 2048", "tx 128 rx 256", "rx 1024 tx 256")
DISCARD_ROW = re.compile(r"^discard\s+tcp\s+\d+\s+\S+\s+\S+\s+(\d+)", re.M)  # bytes_in


def tap_tx_packets(ns):
    st = json.loads(ns.ip("-s", "-j", "link", "show", ns.tap).stdout)[0]["stats64"]["tx"]
    return st["packets"]


def discard_bytes(vm):
    m = DISCARD_ROW.search(vm.command("services"))
    assert m, vm.command("services")
    return int(m.group(1))


def no_panic(vm):
    assert "PANIC" not in vm.text, vm.text[vm.text.find("PANIC") - 2000:]


def current_rings(vm):
    out = vm.command("ethtool -g eth0")
    m = re.search(r"Current hardware settings:\s*RX:\s+(\d+).*?TX:\s+(\d+)", out, re.S)
    assert m, out
    return int(m.group(1)), int(m.group(2))


class Stream(threading.Thread):
    """Host -> guest discard until stop(); then a clean close (FIN both ways)."""

    def __init__(self, tap):
        super().__init__(daemon=True)
        self.sock = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect((GUEST_IP, 9))
        self.sent = 0
        self.error = None
        self._halt = threading.Event()

    def run(self):
        try:
            while not self._halt.is_set():
                self.sent += self.sock.send(CHUNK)
            self.sock.shutdown(socket.SHUT_WR)
            # The guest's FIN comes after it read every byte.
            while self.sock.recv(4096):
                pass
        except OSError as e:
            self.error = e
        finally:
            self.sock.close()

    def stop(self):
        self._halt.set()
        self.join(60)
        assert not self.is_alive(), "the stream never finished"
        assert self.error is None, f"stream: {self.error!r}"


def check_port_works(tap):
    vm = tap.vm
    r = tap.ns.run(["ping", "-n", "-q", "-c", "50", "-i", "0.01", "-W", "2", GUEST_IP],
                   timeout=20)
    assert ping_summary(r.stdout) == (50, 50, 0.0), r.stdout
    with tap.ns.entered():
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with u:
        u.settimeout(2)
        for i in range(20):
            msg = f"ring check {i}".encode() * 40
            u.sendto(msg, (GUEST_IP, 7))
            assert u.recvfrom(2048)[0] == msg
    # Guest -> host: the source service (19) through the TX ring.
    s = tap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    with s:
        s.connect((GUEST_IP, 19))
        got, deadline = 0, time.monotonic() + 1.0
        while time.monotonic() < deadline:
            data = s.recv(65536)
            assert data
            got += len(data)
    assert got > 1 << 20, f"only {got} bytes from the source service in 1 s"
    no_panic(vm)


def test_host_flood_loses_nothing_silently(tap):
    vm = tap.vm
    before, tx0 = ethtool_stats(vm), tap_tx_packets(tap.ns)
    stream = Stream(tap)
    stream.start()
    time.sleep(FLOOD_SECONDS)
    stream.stop()
    time.sleep(0.3)
    after, tx1 = ethtool_stats(vm), tap_tx_packets(tap.ns)
    sent = tx1 - tx0
    received = after["gprc"] - before["gprc"]
    overruns = after["rx_overruns"] - before["rx_overruns"]
    busy = max(range(4), key=lambda q: after[f"rx_queue_{q}_packets"] -
               before[f"rx_queue_{q}_packets"])
    summary = (f"tap sent {sent}, gprc {received}, rx_overruns {overruns}, "
               f"queue {busy} fill {after[f'rx_queue_{busy}_fill']}")
    assert sent > 10000, summary
    # A frame QEMU dropped is never silent: rx_overruns counts its report.
    assert received == sent or overruns > 0, summary
    # The flow's ring took every descriptor in time.
    assert after[f"rx_queue_{busy}_fill"] == 1023, summary
    assert sent - received <= sent // 200, summary
    assert discard_bytes(vm) >= stream.sent
    no_panic(vm)


def test_resize_under_traffic(tap):
    vm = tap.vm
    flood = tap.ns.popen(["ping", "-f", "-n", "-q", "-w", "120", "-s", "1000", GUEST_IP])
    base = discard_bytes(vm)
    stream = Stream(tap)
    stream.start()
    try:
        for spec in RESIZES:
            time.sleep(0.5)
            mark = len(vm.log)
            out = vm.command(f"ethtool -G eth0 {spec}", timeout=20)
            assert not re.search(r"invalid|cannot|error", out, re.I), f"{spec}: {out}"
            vm.expect(r"igb: eth0 NIC Link is Up", timeout=10, start=mark)
            no_panic(vm)
            want = dict(zip(spec.split()[::2], map(int, spec.split()[1::2])))
            rx, tx = current_rings(vm)
            assert rx == want.get("rx", rx) and tx == want.get("tx", tx), (spec, rx, tx)
        time.sleep(0.5)
        stream.stop()
    finally:
        flood.kill()
        flood.wait(10)
    # Every byte of the stream reached the service across five reopens.
    assert discard_bytes(vm) - base == stream.sent
    assert current_rings(vm) == (1024, 256)
    st = ethtool_stats(vm)
    assert st["tx_timeout_count"] == 0
    check_port_works(tap)


def test_tx64_under_traffic(tap):
    vm = tap.vm
    flood = tap.ns.popen(["ping", "-f", "-n", "-q", "-w", "60", "-s", "1400", GUEST_IP])
    base = discard_bytes(vm)
    stream = Stream(tap)
    stream.start()
    try:
        time.sleep(0.5)
        out = vm.command("ethtool -G eth0 tx 64", timeout=20)
        assert out.strip() == "" or "Link is Up" in out, out
        no_panic(vm)
        time.sleep(1.0)
        stream.stop()
    finally:
        flood.kill()
        flood.wait(10)
    assert discard_bytes(vm) - base == stream.sent
    assert current_rings(vm)[1] == 64
    check_port_works(tap)
    assert ethtool_stats(vm)["tx_timeout_count"] == 0
