"""The trace of one send (trace=send): app=send sends 64 KB, then 1 MB, in one
send() call to a host receiver in the namespace; the guest prints the trace
before it powers off. Checked: every step of the article's path appears, in
an order the path allows; times never go back; each step runs in the context
it must (tcp_sendmsg sys, igb_msix_ring hardirq, net_rx_action softirq ...);
entries and exits balance, with the depth the printer shows; the last skb
freed is one tcp_sendmsg queued; the summary's bytes are the send's."""
import re
import socket

import pytest

from netns import GUEST_IP, HOST_IP
# app=send's receiver on the host: counts and hashes to the guest's FIN.
from tcp_send.test_tcp_send import PORT, Receiver

pytestmark = pytest.mark.hard_timeout(240)

APPEND = "ip=10.0.0.2/24 gw=10.0.0.1"
BEGIN = re.compile(r"trace: begin send sport=(\d+) dport=(\d+) filter=(\d+) events=(\d+)")
SUMMARY = re.compile(r"trace: summary skbs=(\d+) bytes=(\d+) copies=(\d+) copy_bytes=(\d+) "
                     r"net_rx=(\d+) net_tx=(\d+) sys_us=([\d.]+) softirq_us=([\d.]+) "
                     r"hardirq_us=([\d.]+) total_us=([\d.]+) events=(\d+) lost=(\d+) "
                     r"live=(\d+) end=(\w+)\r?\n")
# <us> | <context> | <indent><name>() {   or  name();   or  } /* name */
EVENT = re.compile(r"^\s*(\d+\.\d{3}) \| (sys|softirq|hardirq)\s* \| ( *)"
                   r"(?:(\w+)\(\) \{(.*)|(\w+)\(\);(.*)|\} /\* (\w+) \*/(.*))$")

# The article's steps, each of which the trace must show.
STEPS = ["tcp_sendmsg", "tcp_write_xmit", "tcp_transmit_skb", "skb_clone", "ip_queue_xmit",
         "ip_local_out", "ip_output", "ip_finish_output", "ip_finish_output2", "neigh_output",
         "neigh_hh_output", "dev_queue_xmit", "__dev_xmit_skb", "dev_hard_start_xmit",
         "igb_xmit_frame", "igb_xmit_frame_ring", "igb_tx_map", "tail_write", "igb_msix_ring",
         "napi_schedule", "net_rx_action", "igb_poll", "igb_clean_tx_irq", "tcp_v4_rcv",
         "tcp_ack", "tcp_clean_rtx_queue", "kfree_skb", "__kfree_skb"]
# One of these is the qdisc step: the bypass of an empty qdisc, or a run.
QDISC_STEPS = {"sch_bypass_xmit", "sch_direct_xmit", "__qdisc_run"}
# Each step's caller on the way down: a step is entered only inside one of these
# (the open frame right around it), which fixes the order along the path.
PARENTS = {
    # None: shutdown()'s FIN after the send returned, or a timer.
    "tcp_write_xmit": {"tcp_sendmsg", "tcp_push", "tcp_ack", "tcp_v4_rcv", None},
    # A retransmission: from the ACK (fast retransmit) or the RTO timer (untraced).
    "tcp_transmit_skb": {"tcp_write_xmit", "tcp_ack", "tcp_v4_rcv", None},
    "ip_queue_xmit": {"tcp_transmit_skb"},
    "ip_local_out": {"ip_queue_xmit"},
    "ip_output": {"ip_local_out"},
    "ip_finish_output": {"ip_output"},
    "ip_finish_output2": {"ip_finish_output"},
    "neigh_output": {"ip_finish_output2"},
    "neigh_hh_output": {"neigh_output", "neigh_resolve_output"},
    "dev_queue_xmit": {"neigh_hh_output"},
    "__dev_xmit_skb": {"dev_queue_xmit"},
    "dev_hard_start_xmit": {"sch_bypass_xmit", "sch_direct_xmit"},
    "igb_xmit_frame": {"dev_hard_start_xmit"},
    "igb_xmit_frame_ring": {"igb_xmit_frame"},
    "igb_tx_map": {"igb_xmit_frame_ring"},
    "tail_write": {"igb_tx_map", "igb_xmit_frame_ring"},
    "igb_poll": {"net_rx_action"},
    "igb_clean_tx_irq": {"igb_poll"},
    "tcp_ack": {"tcp_v4_rcv"},
    "tcp_clean_rtx_queue": {"tcp_ack"},
}
# Contexts a step may run in.
CONTEXTS = {
    "tcp_sendmsg": {"sys"}, "skb_entail": {"sys"}, "igb_msix_ring": {"hardirq"},
    "napi_schedule": {"hardirq"}, "net_rx_action": {"softirq"}, "net_tx_action": {"softirq"},
    "igb_poll": {"softirq"}, "igb_clean_tx_irq": {"softirq"}, "tcp_v4_rcv": {"softirq"},
    "tcp_ack": {"softirq"},
}


def parse(text):
    """(events, begin match, summary match): events as dicts, in order."""
    begin = BEGIN.search(text)
    summary = SUMMARY.search(text)
    assert begin and summary, "no trace begin/summary line"
    events = []
    for line in text[begin.end():summary.start()].splitlines():
        m = EVENT.match(line.strip("\r"))
        if not m:
            continue
        us, ctx, indent = float(m.group(1)), m.group(2), len(m.group(3))
        if m.group(4):
            kind, name, rest = "entry", m.group(4), m.group(5)
        elif m.group(6):
            kind, name, rest = "leaf", m.group(6), m.group(7)
        else:
            kind, name, rest = "exit", m.group(8), m.group(9)
        attrs = dict(re.findall(r"(\w+)=(\d+)", rest))
        events.append({"us": us, "ctx": ctx, "depth": indent // 2, "kind": kind,
                       "name": name, "attrs": {k: int(v) for k, v in attrs.items()},
                       "line": line})
    return events, begin, summary


def check_trace(text, nbytes, port=PORT):
    events, begin, summary = parse(text)
    assert summary.group(14) == "freed", summary.group(0)
    assert int(summary.group(12)) == 0, "events lost: " + summary.group(0)
    assert int(summary.group(2)) == nbytes, summary.group(0)
    assert int(summary.group(13)) == 0, "skbs left alive"
    assert port in (int(begin.group(1)), int(begin.group(2)))
    # Printed lines: one per event, a folded leaf standing for two.
    folded = sum(1 for e in events if e["kind"] == "leaf" and e["name"] not in
                 ("skb_entail", "skb_clone", "tso_fragment", "tail_write", "__kfree_skb"))
    assert len(events) + folded == int(begin.group(4))

    names = {e["name"] for e in events}
    missing = [s for s in STEPS if s not in names]
    assert not missing, f"steps missing: {missing}"
    assert names & QDISC_STEPS, "no qdisc step (bypass or run)"
    assert events[0]["name"] == "tcp_sendmsg" and events[0]["ctx"] == "sys"

    # Times never go back; entries and exits nest; each step inside its caller.
    stack, queued, freed, parent = [], set(), [], {}
    # What tso_fragment cuts off a queued skb is an original too, not a clone.
    splits = {e["attrs"]["new"] for e in events if e["name"] == "tso_fragment"}
    last = 0.0
    for e in events:
        assert e["us"] >= last, e["line"]
        last = e["us"]
        open_around = len(stack) - (e["kind"] == "exit")
        assert e["depth"] == open_around, f"depth {e['depth']}, {open_around} open: {e['line']}"
        assert e["ctx"] in CONTEXTS.get(e["name"], {e["ctx"]}), e["line"]
        if e["kind"] in ("entry", "leaf") and e["name"] in PARENTS:
            assert (stack[-1] if stack else None) in PARENTS[e["name"]], \
                f"{e['name']} inside {stack[-1:] or 'nothing'}: {e['line']}"
        if e["name"] == "skb_entail":
            queued.add(e["attrs"]["skb"])
        if e["name"] in ("skb_clone", "tso_fragment"):
            child = e["attrs"]["clone" if e["name"] == "skb_clone" else "new"]
            parent[child] = e["attrs"]["skb"]
        if e["name"] == "__kfree_skb":
            freed.append(e["attrs"]["skb"])
            # An original (queued or split off) goes when the ACK cleans it.
            if e["attrs"]["skb"] not in parent or e["attrs"]["skb"] in splits:
                assert stack[-2:] == ["tcp_clean_rtx_queue", "kfree_skb"], e["line"]
        if e["kind"] == "entry":
            stack.append(e["name"])
        elif e["kind"] == "exit":
            assert stack and stack[-1] == e["name"], f"exit of {e['name']} with {stack}"
            stack.pop()
    assert not stack, f"left open: {stack}"
    assert queued, "tcp_sendmsg queued no skb"
    # The last free lets go of data tcp_sendmsg queued: the skb itself, or a
    # clone the TX completion reaped after the ACK freed its original.
    assert freed, "no skb freed"
    root = freed[-1]
    while root in parent:
        root = parent[root]
    assert root in queued, f"last freed skb {freed[-1]} comes from {root}, not one of {queued}"
    assert len(set(freed)) == int(summary.group(1)), "every traced skb freed once"
    return events, summary


@pytest.mark.parametrize("nbytes", [65536, 1048576])
def test_trace_of_one_send(netns, tmp_path, nbytes):
    rx = Receiver(netns)
    rx.start()
    vm = netns.boot(tmp_path / "vm", append=f"{APPEND} app=send send={HOST_IP}:{PORT} "
                    f"bytes={nbytes} chunk={nbytes} trace=send")
    vm.expect(r"trace: armed for the next send\(\) port=0", timeout=60)
    vm.expect(SUMMARY.pattern, timeout=150)
    rc = vm.wait_exit(60)
    rx.join(timeout=30)
    assert rx.error is None, rx.error
    assert rx.nbytes == nbytes
    assert rc == 0
    events, summary = check_trace(vm.text, nbytes)
    # The send's own copy: every byte once, user -> skb, inside tcp_sendmsg.
    assert int(summary.group(4)) >= nbytes
    send_exit = next(e for e in events if e["kind"] == "exit" and e["name"] == "tcp_sendmsg")
    assert send_exit["attrs"].get("copy") == nbytes
    assert int(summary.group(5)) >= 1, "no NET_RX run"


def test_shell_traces_the_echo_reply(netns, tmp_path):
    """`trace send 7` catches the echo service's reply (local port 7), printed
    by the trace thread while the shell stays usable; `trace off` disarms."""
    vm = netns.boot(tmp_path / "vm", append=APPEND)
    vm.wait_ready(60)
    netns.wait_carrier()
    assert "state=off" in vm.command("trace")
    assert "trace: armed for the next send() port=7" in vm.command("trace send 7")
    assert "state=armed port=7" in vm.command("trace")
    assert "bad port" in vm.command("trace send 70000")
    start = len(vm.log)
    s = netns.socket(socket.AF_INET, socket.SOCK_STREAM)
    with s:
        s.settimeout(10)
        s.connect((GUEST_IP, 7))
        s.sendall(b"x" * 1000)
        got = b""
        while len(got) < 1000:
            data = s.recv(4096)
            assert data, "echo closed early"
            got += data
        m = vm.expect(SUMMARY.pattern, timeout=30, start=start)
    events, summary = check_trace(vm.text[vm.text.index("trace: begin", start):], 1000, 7)
    assert int(BEGIN.search(vm.text, start).group(1)) == 7
    assert "state=off" in vm.command("trace")
    # Armed, then off: nothing is traced.
    vm.command("trace send")
    assert "trace: off" in vm.command("trace off")
    assert "state=off" in vm.command("trace")
    assert m


def test_bad_trace_word(netns, tmp_path):
    vm = netns.boot(tmp_path / "vm", append=f"{APPEND} trace=sned")
    vm.wait_ready(60)
    assert vm.text.count("cmdline: bad value 'sned' for trace") == 1
    out = vm.command("trace")
    assert "state=off" in out
