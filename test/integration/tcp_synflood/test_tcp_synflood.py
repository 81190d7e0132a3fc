"""A bounded SYN flood (hping3: 20,000 SYNs to port 7 from random source
addresses and ports) while an echo session exchanges data: the session keeps
working during and after the flood, a new connection succeeds while the flood
runs and after it, and the guest answered the overflow of its SYN queue with SYN
cookies (RFC 4987) rather than by refusing."""
import socket
import threading
import time

import pytest

from netns import GUEST_IP, counter_delta, guest_netstat, ping_summary

pytestmark = pytest.mark.hard_timeout(120)
FLOOD = ["hping3", "-S", "-p", "7", "--rand-source", "-c", "20000", "-i", "u50", "-q",
         GUEST_IP]


def connect(ns, timeout=10):
    s = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((GUEST_IP, 7))
    return s


def one_echo(s, data):
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = s.recv(len(data) - len(got))
        if not chunk:
            break
        got += chunk
    return got == data


def new_connection_echoes(ns, tag):
    s = connect(ns)
    try:
        return one_echo(s, f"new connection {tag}".encode())
    finally:
        s.close()


class Session(threading.Thread):
    """An established echo session: 1 KB round trips every 10 ms until stopped,
    counting the good ones and keeping the first failure."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock = sock
        self.ok = 0
        self.error = None
        self.stop = threading.Event()
        self.worst = 0.0

    def run(self):
        i = 0
        while not self.stop.is_set():
            data = bytes([i & 0xFF]) * 1024
            t0 = time.monotonic()
            try:
                good = one_echo(self.sock, data)
            except OSError as e:
                self.error = repr(e)
                return
            if not good:
                self.error = f"echo #{i} differs"
                return
            self.worst = max(self.worst, time.monotonic() - t0)
            self.ok += 1
            i += 1
            self.stop.wait(0.01)


def test_syn_flood_while_serving(tap):
    before = guest_netstat(tap.vm)
    s = connect(tap.ns)
    session = Session(s)
    flood = None
    try:
        assert one_echo(s, b"before the flood")
        session.start()
        flood = tap.ns.popen(FLOOD)
        time.sleep(0.3)
        ok_before = session.ok
        assert new_connection_echoes(tap.ns, "during the flood")
        during = flood.poll() is None
        out, _ = flood.communicate(timeout=60)
        flood = None
        ok_during = session.ok - ok_before
        time.sleep(0.5)
        session.stop.set()
        session.join(10)
        assert session.error is None, session.error
        assert one_echo(s, b"after the flood")
    finally:
        session.stop.set()
        if flood is not None:
            flood.kill()
        s.close()
    text = out.decode(errors="replace")
    after = guest_netstat(tap.vm)
    cookies = {n: counter_delta(before, after, n) for n in (
        "TcpExtSyncookiesSent", "TcpExtListenOverflows", "TcpExtTCPReqQFullDoCookies",
        "TcpExtTCPReqQFullDrop", "TcpExtListenDrops", "TcpExtSyncookiesRecv")}
    print(f"hping3: {text.strip()}\nsession: {session.ok} echoes, {ok_during} during the "
          f"flood, slowest {session.worst * 1000:.0f} ms; new connection during: {during}; "
          f"guest: {cookies}")
    assert "packets transmitted" in text, text
    assert during, "the flood was over before the new connection was made"
    assert ok_during > 0, "the session made no progress during the flood"
    assert cookies["TcpExtSyncookiesSent"] > 0 or cookies["TcpExtListenOverflows"] > 0 \
        or cookies["TcpExtTCPReqQFullDoCookies"] > 0, cookies
    assert new_connection_echoes(tap.ns, "after the flood")
    r = tap.ns.run(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP], timeout=20)
    assert ping_summary(r.stdout) == (3, 3, 0.0), r.stdout
