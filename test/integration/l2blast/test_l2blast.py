"""app=l2blast sends exactly count frames of size bytes and reports its rate."""
import threading


def test_blast_count_and_report(boot, l2peer):
    vm = boot(append="app=l2blast count=5000 size=128", netdev=l2peer.netdev)
    frames = []
    done = threading.Event()

    def collect():
        # Reads for as long as the blast runs, then until the wire is quiet.
        while not done.is_set() or frames and len(frames) < 5000:
            f = l2peer.recv(1.0)
            if f is None and done.is_set():
                break
            if f is not None:
                frames.append(f)

    t = threading.Thread(target=collect, daemon=True)
    t.start()
    vm.wait_ready()
    line = vm.expect(r"^l2blast: (\d+) frames in [\d.]+ s: (\d+) frames/s, (\d+) Mbit/s\r?\n",
                     timeout=120)
    done.set()
    t.join(timeout=30)
    assert int(line.group(1)) == 5000
    blast = [f for f in frames if f[12:14] == b"\x88\xb5"]
    assert all(len(f) == 128 and f[0:6] == b"\xff" * 6 for f in blast)
    # Frames after READY must not be lost.
    assert len(blast) == 5000
