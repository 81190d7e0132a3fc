"""Frames for the raw-frame scenarios, and the checks on what comes back."""
import random
import re
import struct

GUEST_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("020000000001")
ETHERTYPE_TEST = 0x88B5


def make_frame(seq, size, rng):
    """A frame of `size` bytes (no FCS) carrying its sequence number."""
    head = GUEST_MAC + PEER_MAC + struct.pack("!HI", ETHERTYPE_TEST, seq)
    return head + rng.randbytes(size - len(head))


def swapped(frame):
    return frame[6:12] + frame[0:6] + frame[12:]


def mixed_sizes(n, seed):
    rng = random.Random(seed)
    sizes = [60, 61, 64, 127, 128, 512, 1000, 1513, 1514]
    return [rng.choice(sizes) if i % 3 == 0 else rng.randint(60, 1514) for i in range(n)], rng


def reflect_all(peer, frames, window=32, timeout=5.0):
    """Sends frames keeping at most `window` unanswered; returns the replies in
    arrival order. Stops early (returning fewer) if a reply is overdue."""
    replies = []
    sent = 0
    while len(replies) < len(frames):
        while sent < len(frames) and sent - len(replies) < window:
            peer.send(frames[sent])
            sent += 1
        r = peer.recv(timeout)
        if r is None:
            break
        replies.append(r)
    return replies


def ethtool_stats(vm):
    """`ethtool -S` as a dict of counter name -> value."""
    out = vm.command("ethtool -S eth0")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^\s*([A-Za-z0-9_]+):\s+(\d+)\s*$", out, re.M)}
