/* Congestion control: the registry of algorithms, the choice new connections
 * get (tcp_cc= on the command line, the `tcp_cc` shell command), the calls
 * the stack makes through optional hooks, and RFC 5681's building blocks with
 * NewReno made of them.
 *
 * Windows count segments, as Linux keeps them. The stack owns the loss
 * response itself (tcp_recovery.c): it asks the algorithm for ssthresh once
 * per loss event, stores prior_cwnd before it reduces snd_cwnd, and calls
 * cong_avoid only outside recovery and loss. */
#include <string.h>
#include "net/tcp_cong.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/shell.h"

/* ---- registry and the default ---------------------------------------------- */

/* Two arrays in one order: the command line's enum takes the names, the
 * stack the operations (test_tcp_cong checks the names agree). */
static const struct tcp_congestion_ops *const tcp_ca_list[] = { &cubictcp, &tcp_reno };
static const char *const tcp_ca_names[] = { "cubic", "newreno" };
_Static_assert(ARRAY_SIZE(tcp_ca_list) == ARRAY_SIZE(tcp_ca_names), "one name per algorithm");

/* Index into tcp_ca_list; CUBIC, as Linux's default. The command line
 * refuses a name not in tcp_ca_names with one warning and keeps this. */
static int tcp_ca_choice;
KPARAM_ENUM("tcp_cc", tcp_ca_choice, tcp_ca_names,
	    "congestion control for new TCP connections");

const struct tcp_congestion_ops *tcp_ca_default(void)
{
	return tcp_ca_list[tcp_ca_choice];
}

static int tcp_ca_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(tcp_ca_list); i++)
		if (!strcmp(tcp_ca_list[i]->name, name))
			return (int)i;
	return -1;
}

const struct tcp_congestion_ops *tcp_ca_find(const char *name)
{
	int i = tcp_ca_index(name);

	return i < 0 ? NULL : tcp_ca_list[i];
}

/* An algorithm already chosen (at socket creation, by TCP_CONGESTION before
 * connect, or copied from the listener) stays; none yet takes the default. */
void tcp_init_congestion_control(struct tcp_sock *tp)
{
	if (!tp->ca_ops)
		tp->ca_ops = tcp_ca_default();
	memset(tp->ca_priv, 0, sizeof(tp->ca_priv));
	/* A clamp of 0 would pin cwnd at 0: unset means none, as Linux's ~0. */
	if (!tp->snd_cwnd_clamp)
		tp->snd_cwnd_clamp = UINT32_MAX;
	if (tp->ca_ops->init)
		tp->ca_ops->init(tp);
}

void tcp_ca_event(struct tcp_sock *tp, enum tcp_ca_event ev)
{
	if (tp->ca_ops->cwnd_event)
		tp->ca_ops->cwnd_event(tp, ev);
}

void tcp_set_ca_state(struct tcp_sock *tp, uint8_t ca_state)
{
	/* The hook sees the old state in tp->ca_state and the new one as its
	 * argument, so it can act on a transition. */
	if (tp->ca_ops->set_state)
		tp->ca_ops->set_state(tp, ca_state);
	tp->ca_state = ca_state;
}

static void tcp_ca_show_available(void)
{
	kprintf("available:");
	for (size_t i = 0; i < ARRAY_SIZE(tcp_ca_list); i++)
		kprintf(" %s", tcp_ca_list[i]->name);
	kprintf("\n");
}

/* kernel/sysctl holds integers only, so the algorithm's name is set here
 * rather than as net.ipv4.tcp_congestion_control. Running connections keep
 * theirs, as on Linux. */
static int cmd_tcp_cc(int argc, char **argv)
{
	int i;

	if (argc > 2) {
		kprintf("usage: tcp_cc [NAME]\n");
		return -1;
	}
	if (argc == 2) {
		i = tcp_ca_index(argv[1]);
		if (i < 0) {
			kprintf("tcp_cc: unknown algorithm '%.40s', ", argv[1]);
			tcp_ca_show_available();
			return -1;
		}
		tcp_ca_choice = i;
	}
	kprintf("tcp_cc: %s for new connections, ", tcp_ca_default()->name);
	tcp_ca_show_available();
	return 0;
}
SHELL_COMMAND("tcp_cc", "[NAME]: show or set the congestion control of new TCP connections",
	      cmd_tcp_cc);

/* ---- RFC 5681 building blocks ------------------------------------------------ */

/* RFC 5681 3.1: cwnd grows by the segments ACKed while below ssthresh.
 * Every ACKed segment counts (appropriate byte counting, RFC 3465, without
 * its per-ACK limit, as Linux): the stack coalesces ACKs and the peer's
 * stretch ACKs would otherwise slow the start. */
uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked)
{
	uint32_t room = tp->snd_ssthresh > tp->snd_cwnd ? tp->snd_ssthresh - tp->snd_cwnd : 0;
	uint32_t grow = MIN(acked, room);

	tp->snd_cwnd = MIN(tp->snd_cwnd + grow, tp->snd_cwnd_clamp);
	return acked - grow;
}

/* cwnd += 1 for every w segments ACKed; snd_cwnd_cnt carries the rest from
 * one ACK to the next. A carry left from a larger w (cwnd was cut since) is
 * turned into at most one segment, not a jump. */
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked)
{
	uint32_t cwnd = tp->snd_cwnd;

	if (!w)
		w = 1;
	if (tp->snd_cwnd_cnt >= w) {
		tp->snd_cwnd_cnt = 0;
		cwnd++;
	}
	tp->snd_cwnd_cnt = acked > UINT32_MAX - tp->snd_cwnd_cnt ? UINT32_MAX
								   : tp->snd_cwnd_cnt + acked;
	if (tp->snd_cwnd_cnt >= w) {
		uint32_t inc = tp->snd_cwnd_cnt / w;

		tp->snd_cwnd_cnt -= inc * w;
		cwnd = cwnd + inc < cwnd ? UINT32_MAX : cwnd + inc;
	}
	tp->snd_cwnd = MIN(cwnd, tp->snd_cwnd_clamp);
}

/* Growth only when the window is what holds the sender back (RFC 7661's
 * concern: an application-limited sender must not build a cwnd it never
 * used). Asked while the stack handles an ACK, after the ACKed segments left
 * packets_out, so a full window shows as one of:
 *  - every segment the window allows is in flight;
 *  - at least a full segment of written data waits unsent while the peer's
 *    window would take it: only the cwnd kept it back (a sub-MSS tail held
 *    by Nagle or TCP_CORK does not count);
 *  - in slow start, at least half the window is in flight (Linux lets slow
 *    start grow up to twice what was last in flight). */
bool tcp_is_cwnd_limited(const struct tcp_sock *tp)
{
	uint32_t in_flight = tcp_packets_in_flight(tp);

	if (in_flight >= tp->snd_cwnd)
		return true;
	if (tp->write_seq - tp->snd_nxt >= tp->mss_cache &&
	    !after(tp->snd_nxt + tp->mss_cache, tcp_wnd_end(tp)))
		return true;
	return tcp_in_slow_start(tp) && 2 * (uint64_t)in_flight >= tp->snd_cwnd;
}

/* ---- NewReno (RFC 5681 3.1, RFC 6582 for the recovery the stack runs) ------ */

/* RFC 5681 (4): half the window, at least two segments. Linux halves cwnd
 * rather than FlightSize; after an idle or app-limited period cwnd is
 * already validated down, so the two agree where it matters. */
uint32_t tcp_reno_ssthresh(struct tcp_sock *tp)
{
	return MAX(tp->snd_cwnd >> 1, 2u);
}

/* Slow start to ssthresh, then one segment per window of ACKed segments
 * (RFC 5681 (3), counted in segments). */
void tcp_reno_cong_avoid(struct tcp_sock *tp, uint32_t ack, uint32_t acked)
{
	(void)ack;
	if (!tcp_is_cwnd_limited(tp))
		return;
	if (tcp_in_slow_start(tp)) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

/* A spurious loss gives back the window from before the reduction. */
uint32_t tcp_reno_undo_cwnd(struct tcp_sock *tp)
{
	return MAX(tp->snd_cwnd, tp->prior_cwnd);
}

const struct tcp_congestion_ops tcp_reno = {
	.name = "newreno",
	.ssthresh = tcp_reno_ssthresh,
	.cong_avoid = tcp_reno_cong_avoid,
	.undo_cwnd = tcp_reno_undo_cwnd,
};
