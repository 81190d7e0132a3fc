"""Address configuration at boot: DHCP under QEMU user networking (slirp's server
leases 10.0.2.15/24, router 10.0.2.2), a scripted server over the dgram netdev
(unicast OFFER before the client has an address, a NAK, then the lease), no
server at all (READY ip=none after 10 s, still trying), the static `ip= gw=`
words, bad values, raw apps (no DHCP), and `make iso CMDLINE=...`."""
import re
import struct
import subprocess
import time

import pytest

from ringos_qemu import ROOT

pytestmark = pytest.mark.hard_timeout(120)

MAC = bytes.fromhex("525400123456")
READY = r"^READY (.*)\r?\n"


def ready_line(vm, timeout=60.0):
    vm.wait_ready(timeout)
    return re.search(READY, vm.text, re.M).group(1)


def netstat(vm):
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\w+)\s+(\d+)", vm.command("netstat -s"), re.M)}


def check_mem_line(vm):
    """`MEM total_kb=<n> used_kb=<n>` comes right before READY."""
    m = re.search(r"^MEM total_kb=(\d+) used_kb=(\d+)\r?\n(READY .*)$", vm.text, re.M)
    assert m, "no MEM line right before READY"
    total, used = int(m.group(1)), int(m.group(2))
    assert 200 * 1024 < total < 300 * 1024, "QEMU has -m 256M"
    assert 0 < used < total


def test_lease_from_slirp(boot):
    vm = boot()
    line = ready_line(vm)
    assert re.fullmatch(r"ip=10\.0\.2\.15/24 mac=52:54:00:12:34:56 boot_us=\d+\r?", line), line
    check_mem_line(vm)
    assert "dhcp: eth0: leased 10.0.2.15/24 from 10.0.2.2, router 10.0.2.2, lease 86400 s" \
        in vm.text
    out = vm.command("dhcp")
    assert "eth0: state BOUND" in out
    assert "address 10.0.2.15/24, router 10.0.2.2, server 10.0.2.2, dns 10.0.2.3" in out
    m = re.search(r"lease 86400 s, obtained \d+ s ago; renew \(T1\) in (\d+) s, "
                  r"rebind \(T2\) in (\d+) s, expires in (\d+) s", out)
    assert m, out
    t1, t2, exp = (int(x) for x in m.groups())
    assert 43000 < t1 <= 43200 and 75400 < t2 <= 75600 and 86200 < exp <= 86400
    assert re.search(r"^default via 10\.0\.2\.2 dev eth0", vm.command("ip route"), re.M)
    assert re.search(r"inet 10\.0\.2\.15/24 .*dynamic", vm.command("ip addr"))
    c = netstat(vm)
    assert c["DhcpDiscovers"] >= 1 and c["DhcpOffers"] >= 1 and c["DhcpAcks"] == 1
    assert c["DhcpBadPackets"] == 0 and c["DhcpNaks"] == 0
    assert "cmdline:" not in vm.text


def test_static_config(boot):
    vm = boot(append="ip=10.0.0.2/24 gw=10.0.0.1")
    line = ready_line(vm)
    assert line.startswith("ip=10.0.0.2/24 mac=52:54:00:12:34:56 boot_us="), line
    check_mem_line(vm)
    assert "dhcp: eth0:" not in vm.text
    routes = vm.command("ip route")
    assert re.search(r"^default via 10\.0\.0\.1 dev eth0", routes, re.M), routes
    assert re.search(r"^10\.0\.0\.0/24 dev eth0", routes, re.M), routes
    assert "not running (ip=10.0.0.2/24)" in vm.command("dhcp")
    assert netstat(vm)["DhcpDiscovers"] == 0


def test_bad_values_warn_and_default_to_dhcp(boot):
    vm = boot(append="ip=10.0.0.0/24 gw=banana")
    line = ready_line(vm)
    assert line.startswith("ip=10.0.2.15/24 "), line
    text = vm.text
    assert "bad value '10.0.0.0/24' for ip" in text and "using default dhcp" in text
    assert "bad value 'banana' for gw" in text
    assert text.count("cmdline:") == 2


def test_gateway_off_subnet_ignored(boot):
    vm = boot(append="ip=10.0.0.2/24 gw=10.0.9.1")
    assert ready_line(vm).startswith("ip=10.0.0.2/24 ")
    assert "ipconfig: gw=10.0.9.1 is not a neighbour on 10.0.0.2/24; no default route" \
        in vm.text
    assert "default" not in vm.command("ip route")


def test_raw_app_no_dhcp(boot, l2peer):
    vm = boot(append="app=l2reflect", netdev=l2peer.netdev)
    line = ready_line(vm)
    assert re.fullmatch(r"mac=52:54:00:12:34:56 boot_us=\d+\r?", line), line
    check_mem_line(vm)
    assert "dhcp:" not in vm.text


# ---- a scripted server on the far end of the dgram netdev ---------------------------------
SERVER_MAC = bytes.fromhex("020000000001")
SERVER_IP = bytes([192, 168, 7, 1])
OFFER_IP = bytes([192, 168, 7, 50])


def ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def parse_dhcp(frame):
    """(xid, flags, ciaddr, {option: bytes}) of a client's DHCP frame, or None."""
    if len(frame) < 14 + 20 + 8 + 240 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    ihl = (frame[14] & 15) * 4
    udp = 14 + ihl
    sport, dport = struct.unpack("!HH", frame[udp:udp + 4])
    if (sport, dport) != (68, 67):
        return None
    d = frame[udp + 8:]
    assert d[0] == 1 and d[1] == 1 and d[2] == 6 and d[28:34] == MAC
    assert d[236:240] == b"\x63\x82\x53\x63"
    opts, i = {}, 240
    while i < len(d) and d[i] != 255:
        if d[i] == 0:
            i += 1
            continue
        opts[d[i]] = d[i + 2:i + 2 + d[i + 1]]
        i += 2 + d[i + 1]
    xid, = struct.unpack("!I", d[4:8])
    flags, = struct.unpack("!H", d[10:12])
    return xid, flags, d[12:16], frame[26:30], opts


def reply(xid, msg_type, broadcast):
    """An OFFER/ACK/NAK from SERVER_IP; unicast to the offered address unless broadcast."""
    opts = bytes([53, 1, msg_type, 54, 4]) + SERVER_IP
    if msg_type != 6:
        opts += bytes([1, 4, 255, 255, 255, 0, 3, 4]) + SERVER_IP
        opts += bytes([51, 4]) + struct.pack("!I", 600)
    else:
        opts += bytes([56, 9]) + b"try again"
    yiaddr = OFFER_IP if msg_type != 6 else bytes(4)
    dhcp = struct.pack("!BBBBIHH4s4s4s4s", 2, 1, 6, 0, xid, 0, 0, bytes(4), yiaddr,
                       bytes(4), bytes(4))
    dhcp += MAC + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63" + opts + b"\xff"
    udp = struct.pack("!HHHH", 67, 68, 8 + len(dhcp), 0) + dhcp
    dst_ip = b"\xff" * 4 if broadcast else OFFER_IP
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     SERVER_IP, dst_ip)
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    dst_mac = b"\xff" * 6 if broadcast else MAC
    return dst_mac + SERVER_MAC + b"\x08\x00" + ip + udp


def test_scripted_server_unicast_offer_nak_then_ack(boot, l2peer):
    vm = boot(append="", netdev=l2peer.netdev)
    seen, requests, deadline = [], 0, time.monotonic() + 60
    while time.monotonic() < deadline and "READY" not in vm.text:
        vm._pump(0)
        frame = l2peer.recv(0.2)
        msg = parse_dhcp(frame) if frame else None
        if not msg:
            continue
        xid, flags, ciaddr, src_ip, opts = msg
        seen.append(opts[53][0])
        assert src_ip == bytes(4) and ciaddr == bytes(4) and flags == 0x8000
        if opts[53] == b"\x01":
            # Unicast to an address the client does not have yet: accept_any_unicast.
            l2peer.send(reply(xid, 2, broadcast=False))
        elif opts[53] == b"\x03":
            assert opts[50] == OFFER_IP and opts[54] == SERVER_IP
            requests += 1
            l2peer.send(reply(xid, 6 if requests == 1 else 5, broadcast=requests == 1))
    line = ready_line(vm, 5)
    assert line.startswith("ip=192.168.7.50/24 "), line
    assert seen == [1, 3, 1, 3], seen
    assert "dhcp: eth0: NAK from 192.168.7.1: try again; starting over" in vm.text
    assert "leased 192.168.7.50/24 from 192.168.7.1, router 192.168.7.1, lease 600 s" in vm.text
    out = vm.command("dhcp")
    assert "state BOUND" in out and "lease 600 s" in out
    c = netstat(vm)
    assert c["DhcpNaks"] == 1 and c["DhcpAcks"] == 1 and c["DhcpOffers"] == 2


def test_no_server_ready_without_address(boot, l2peer):
    vm = boot(append="", netdev=l2peer.netdev)
    line = ready_line(vm, 40)
    assert re.fullmatch(r"ip=none mac=52:54:00:12:34:56 boot_us=(\d+)\r?", line), line
    assert int(line.split("boot_us=")[1]) >= 10_000_000
    assert "dhcp: eth0: no DHCP server answered in 10 s; continuing without an address, " \
        "still trying" in vm.text
    check_mem_line(vm)
    # It keeps discovering: every DISCOVER of the exchange has one xid.
    xids, deadline = [], time.monotonic() + 30
    while time.monotonic() < deadline and len(xids) < 2:
        vm._pump(0)
        frame = l2peer.recv(0.5)
        msg = parse_dhcp(frame) if frame else None
        if msg and msg[4][53] == b"\x01":
            xids.append(msg[0])
    assert len(xids) == 2 and xids[0] == xids[1]
    out = vm.command("dhcp")
    assert "state SELECTING" in out and "no lease" in out


# ---- make iso CMDLINE=... ----------------------------------------------------------------
def make(*args):
    r = subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.hard_timeout(400)
def test_iso_cmdline(boot):
    """The ISO carries CMDLINE in grub.cfg and is rebuilt when it changes."""
    grub = ROOT / "build" / "iso" / "boot" / "grub" / "grub.cfg"
    iso = ROOT / "build" / "ringos.iso"
    try:
        make("iso", "CMDLINE=ip=10.0.0.2/24 gw=10.0.0.1")
        assert "multiboot2 /boot/ringos.elf 'ip=10.0.0.2/24' 'gw=10.0.0.1'" in grub.read_text()
        built = iso.stat().st_mtime_ns
        make("iso", "CMDLINE=ip=10.0.0.2/24 gw=10.0.0.1")
        assert iso.stat().st_mtime_ns == built, "the same CMDLINE rebuilt the ISO"
        vm = boot(kernel=False)
        line = ready_line(vm, 90)
        assert line.startswith("ip=10.0.0.2/24 "), line
        assert "multiboot2" in vm.text
        assert re.search(r"^default via 10\.0\.0\.1 dev eth0", vm.command("ip route"), re.M)
        vm.close()
    finally:
        make("iso")
    assert "multiboot2 /boot/ringos.elf\n" in grub.read_text()
    assert iso.stat().st_mtime_ns != built
