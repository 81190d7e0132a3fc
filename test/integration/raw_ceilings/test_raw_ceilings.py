"""The raw ceilings over a tap, the Linux host as the peer: app=tsoblast's
super-frames reach the host with every byte sent, and app=l2sink counts
exactly the frames the host sent it."""
import re
import socket
import threading
import time

import pytest

from netns import wait_for

pytestmark = pytest.mark.hard_timeout(120)

TSO_COUNT = 50
TSO_LEN = 65226              # 14 + 20 + 32 (TCP with timestamps) + 45 x 1448
HDR_LEN = 14 + 20 + 32
MSS = 1448
SINK_FRAMES = 1000
SO_RCVBUFFORCE = 33         # Linux; the socket module does not name it
ETHERTYPE_TEST = b"\x88\xb5"
GUEST_MAC = bytes.fromhex("525400123456")
TSO_LINE = r"^tsoblast: (\d+) frames of (\d+) B in [\d.]+ s: \d+ frames/s, \d+ Mbit/s\r?\n"
SINK_LINE = re.compile(r"^l2sink: (\d+) frames, (\d+) bytes, (\d+) test frames", re.M)


def tso_frames(frames):
    """The guest's TCP frames: 10.0.0.2:5001 -> 10.0.0.1:5001."""
    return [f for f in frames if len(f) >= HDR_LEN and f[12:14] == b"\x08\x00"
            and f[23] == 6 and f[26:30] == bytes([10, 0, 0, 2]) and f[34:38] == b"\x13\x89\x13\x89"]


def test_tsoblast_reaches_the_host(netns, tmp_path):
    s = netns.packet_socket()
    # Each super-frame is 64 KB: the default buffer would hold three.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    frames, done = [], threading.Event()

    def collect():
        s.settimeout(0.5)
        quiet_since = None
        while True:
            try:
                frames.append(s.recv(70000))
                quiet_since = None
            except socket.timeout:
                if not done.is_set():
                    continue
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 1.0:
                    return

    t = threading.Thread(target=collect, daemon=True)
    t.start()
    vm = netns.boot(tmp_path / "vm", append=f"app=tsoblast tsoblast.count={TSO_COUNT}")
    m = vm.expect(TSO_LINE, timeout=60)
    done.set()
    t.join(timeout=30)
    s.close()
    assert (int(m.group(1)), int(m.group(2))) == (TSO_COUNT, TSO_LEN), m.group(0)
    got = tso_frames(frames)
    assert all(f[0:6] == b"\xff" * 6 and f[6:12] == GUEST_MAC for f in got)
    # Over a tap with a vnet header the host sees whole super-frames; any
    # segmentation on the way would show as MSS-sized frames instead. Either
    # way every payload byte sent must have arrived, and once.
    sizes = {len(f) for f in got}
    assert sizes <= {TSO_LEN, HDR_LEN + MSS}, sorted(sizes)
    assert sum(len(f) - HDR_LEN for f in got) == TSO_COUNT * 45 * MSS
    assert sizes == {TSO_LEN}, "expected whole super-frames at the tap"


def test_l2sink_counts_every_host_frame(netns, tmp_path):
    vm = netns.boot(tmp_path / "vm", append="app=l2sink")
    vm.wait_ready()
    netns.wait_carrier()
    s = netns.packet_socket()
    sizes = [60 + (i * 37) % (1514 - 60 + 1) for i in range(SINK_FRAMES)]
    for i, size in enumerate(sizes):
        frame = GUEST_MAC + bytes.fromhex(netns.mac.replace(":", "")) + ETHERTYPE_TEST
        s.send(frame + bytes([i & 0xFF]) * (size - len(frame)))
        # Paced below what the tap queue holds, so the host drops nothing.
        if i % 50 == 49:
            time.sleep(0.005)
    s.close()

    def counted():
        m = SINK_LINE.search(vm.command("l2sink"))
        return m if m and int(m.group(3)) >= SINK_FRAMES else None
    m = wait_for(counted, 10, interval=0.2, what="l2sink counting the host's frames")
    frames, nbytes, test_frames = (int(g) for g in m.groups())
    assert test_frames == SINK_FRAMES
    # Anything else the host sent would be counted too; it sends nothing else here.
    assert frames == SINK_FRAMES and nbytes == sum(sizes), m.group(0)
    assert "rx queue 0: %d frames" % SINK_FRAMES in vm.command("l2sink")
    out = vm.command("l2sink reset")
    assert SINK_LINE.search(out)
    assert SINK_LINE.search(vm.command("l2sink")).group(1) == "0"
