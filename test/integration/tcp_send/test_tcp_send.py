"""app=send over a tap, the Linux host as the receiver: every byte arrives in
order (length and sha256 against the documented pattern, byte i =
(i * 7 + (i >> 12)) & 0xFF), the result line is printed and the guest powers
off; with no listener the refusal is named (ECONNREFUSED) and QEMU exits with
the failure code; a bad send= word is named once and fails the same way."""
import hashlib
import socket
import threading

import pytest

from netns import HOST_IP

pytestmark = pytest.mark.hard_timeout(150)

PORT = 5001
APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"
PERIOD = 1 << 20
SEND_EXIT_FAILURE = (2 << 1) | 1    # machine_exit(2) through isa-debug-exit
# The shell prompt may share the line: not anchored at its start.
SEND_LINE = (r"send: (\d+) bytes in ([\d.]+) s, ([\d.]+) Mbit/s; connect ([\d.]+) ms"
             r"(?:, (\d+) bytes came back)?, boot_us=(\d+)\r?\n")
_period = None


def expected_digest(n):
    """sha256 of the first n bytes of app=send's stream."""
    global _period
    if _period is None:
        _period = bytes(((i * 7 + (i >> 12)) & 0xFF) for i in range(PERIOD))
    h = hashlib.sha256()
    for _ in range(n // PERIOD):
        h.update(_period)
    h.update(_period[:n % PERIOD])
    return h.hexdigest()


class Receiver(threading.Thread):
    """One connection on HOST_IP:PORT in the namespace: counts and hashes
    everything until the guest's FIN, then closes."""

    def __init__(self, ns):
        super().__init__(daemon=True)
        self.lsock = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind((HOST_IP, PORT))
        self.lsock.listen(1)
        self.lsock.settimeout(90)
        self.nbytes, self.digest, self.peer, self.error = 0, None, None, None

    def run(self):
        try:
            conn, self.peer = self.lsock.accept()
            with conn:
                conn.settimeout(60)
                h, buf = hashlib.sha256(), bytearray(1 << 20)
                while True:
                    n = conn.recv_into(buf)
                    if not n:
                        break
                    h.update(memoryview(buf)[:n])
                    self.nbytes += n
                self.digest = h.hexdigest()
        except Exception as e:  # reported by the test
            self.error = e
        finally:
            self.lsock.close()


@pytest.mark.parametrize("nbytes,chunk", [(20_000_000, None), (3_000_001, 1000), (0, None)])
def test_send_reaches_the_host(netns, tmp_path, nbytes, chunk):
    rx = Receiver(netns)
    rx.start()
    words = f"{APPEND} app=send send={HOST_IP}:{PORT} bytes={nbytes}"
    if chunk:
        words += f" chunk={chunk}"
    vm = netns.boot(tmp_path / "vm", append=words)
    m = vm.expect(SEND_LINE, timeout=90)
    rc = vm.wait_exit(30)
    rx.join(timeout=30)
    assert rx.error is None, rx.error
    assert rx.peer and rx.peer[0] == "10.0.0.2"
    assert int(m.group(1)) == nbytes
    assert rx.nbytes == nbytes
    assert rx.digest == expected_digest(nbytes)
    assert m.group(5) is None, "the receiver sent nothing back"
    assert int(m.group(6)) > 0
    assert "cmdline:" not in vm.text
    assert rc == 0, "ACPI S5 ends QEMU with status 0"


def test_refused_is_named(netns, tmp_path):
    vm = netns.boot(tmp_path / "vm", append=f"{APPEND} app=send send={HOST_IP}:{PORT + 1} bytes=1000")
    vm.expect(r"send: connect failed: ECONNREFUSED\r?\n", timeout=60)
    assert vm.wait_exit(30) == SEND_EXIT_FAILURE


def test_bad_target_word(netns, tmp_path):
    vm = netns.boot(tmp_path / "vm", append=f"{APPEND} app=send send=10.0.0.1 bytes=1000")
    vm.expect(r"cmdline: bad value '10\.0\.0\.1' for send", timeout=60)
    vm.expect(r"send: connect failed: EDESTADDRREQ\r?\n", timeout=60)
    assert vm.wait_exit(30) == SEND_EXIT_FAILURE
    assert vm.text.count("cmdline: ") == 1
