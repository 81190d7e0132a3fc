/* TCP timers, three per socket on the kernel's timer wheel (O(1) to arm,
 * move and cancel), all run from the TIMER softirq:
 *
 *   retransmit_timer  RTO (RFC 6298) or the persist timer (zero-window
 *                     probes, RFC 9293 3.8.6.1), by tp->pending; armed
 *                     lazily: an ACK only moves tp->rtx_deadline later, and
 *                     the timer, firing early, re-arms itself for it — no
 *                     wheel operation per ACK
 *   delack_timer      the delayed ACK (at most 40 ms)
 *   keepalive_timer   keepalive (RFC 1122 4.2.3.6), the FIN_WAIT_2 bound of
 *                     an orphan (tcp_fin_timeout), and TIME_WAIT's 60 s */
#include <errno.h>
#include "kernel/ktimer.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

static struct tcp_sock *timer_tp(struct timer_list *t, size_t off)
{
	return (struct tcp_sock *)((char *)t - off);
}

/* The connection gives up (RFC 1122 4.2.3.5 R2): the last ICMP error, else
 * ETIMEDOUT. */
static void tcp_write_err(struct tcp_sock *tp)
{
	tp->sk.sk_err = tp->sk_err_soft ? tp->sk_err_soft : ETIMEDOUT;
	TCP_INC_STATS(tcp_abort_on_timeout);
	tcp_wake(tp);
	tcp_done(tp);
}

/* How long `retries` backed-off RTOs from base_ms take (Linux's
 * retransmits_timed_out): a connection gives up after that much time even
 * when its retransmissions could not leave (a dead link keeps the last copy
 * in a queue, and a copy still queued is not sent twice). */
static uint64_t tcp_backoff_time_ms(unsigned int retries, uint32_t base_ms)
{
	uint64_t total = 0, rto = base_ms;

	for (unsigned int i = 0; i <= retries; i++) {
		total += MIN(rto, (uint64_t)TCP_RTO_MAX_MS);
		rto *= 2;
	}
	return total;
}

static void tcp_retransmit_timer(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_write_queue_head(tp);
	uint64_t now = jiffies();
	unsigned int limit;
	uint32_t base;

	if (!tp->packets_out || !skb)
		return;
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV) {
		limit = tp->state == TCP_SYN_SENT ? TCP_SYN_RETRIES : TCP_SYNACK_RETRIES;
		base = TCP_TIMEOUT_INIT_MS;
	} else {
		limit = TCP_RETRIES2;
		base = TCP_RTO_MIN_MS;
	}
	if (!tp->retrans_stamp)
		tp->retrans_stamp = now;
	if (tp->retransmits >= limit || now - tp->retrans_stamp > tcp_backoff_time_ms(limit, base)) {
		if (tp->state == TCP_SYN_RECV && tp->parent) {
			tcp_done(tp);		/* an unanswered SYN-ACK: no error to tell */
			return;
		}
		tcp_write_err(tp);
		return;
	}
	TCP_INC_STATS(tcp_timeouts);
	if (tp->state != TCP_SYN_SENT && tp->state != TCP_SYN_RECV)
		tcp_enter_loss(tp);
	if (tcp_retransmit_skb(tp, skb) == -EBUSY) {
		/* Still in the TX ring: look again soon, without backing off. */
		tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, 10);
		return;
	}
	tp->retransmits++;
	if (tp->backoff < 15)
		tp->backoff++;
	/* RFC 6298 5.5: back off the timer. */
	tp->rto_ms = MIN(tp->rto_ms * 2, TCP_RTO_MAX_MS);
	tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp->rto_ms);
}

/* Persist: the window is zero and nothing is in flight. Probes go on as long
 * as the peer answers them (RFC 9293 3.8.6.1: any ACK resets probes_out);
 * TCP_RETRIES2 unanswered ones in a row end the connection, as on Linux. */
static void tcp_probe_timer(struct tcp_sock *tp)
{
	if (tp->packets_out || !tp->send_head) {
		tp->probes_out = 0;
		return;
	}
	if (tp->probes_out >= TCP_RETRIES2) {
		tcp_write_err(tp);
		return;
	}
	tcp_send_probe0(tp);
}

static void tcp_write_timer_fire(struct tcp_sock *tp, struct timer_list *t)
{
	uint64_t now = jiffies();

	if (tp->state == TCP_CLOSE || tp->state == TCP_LISTEN || !tp->pending)
		return;
	if (tp->rtx_deadline > now) {
		timer_mod(t, tp->rtx_deadline);
		return;
	}
	switch (tp->pending) {
	case ICSK_TIME_RETRANS:
		tp->pending = 0;
		tcp_retransmit_timer(tp);
		break;
	case ICSK_TIME_PROBE0:
		tp->pending = 0;
		tcp_probe_timer(tp);
		break;
	default:
		tp->pending = 0;
		break;
	}
}

static void tcp_delack_timer_fire(struct tcp_sock *tp)
{
	if (!tp->ack_sched || !tp->ack_pending || tp->state == TCP_CLOSE ||
	    tp->state == TCP_LISTEN)
		return;
	if (tp->ato_deadline > jiffies()) {
		/* Armed for an earlier ACK that went out meanwhile. */
		timer_mod(&tp->delack_timer, tp->ato_deadline);
		return;
	}
	tp->ack_sched = false;
	TCP_INC_STATS(delayed_acks);
	tp->pingpong = false;
	tcp_send_ack(tp);
}

uint32_t tcp_keepalive_time_ms(const struct tcp_sock *tp)
{
	return (tp->keepalive_time ? tp->keepalive_time : (uint32_t)sysctl_tcp_keepalive_time) * 1000u;
}

static uint32_t tcp_keepalive_intvl_ms(const struct tcp_sock *tp)
{
	return (tp->keepalive_intvl ? tp->keepalive_intvl : (uint32_t)sysctl_tcp_keepalive_intvl) * 1000u;
}

static uint32_t tcp_keepalive_probes(const struct tcp_sock *tp)
{
	return tp->keepalive_probes ? tp->keepalive_probes : (uint32_t)sysctl_tcp_keepalive_probes;
}

void tcp_reset_keepalive_timer(struct tcp_sock *tp, uint32_t ms)
{
	timer_mod(&tp->keepalive_timer, jiffies() + ms);
}

void tcp_delete_keepalive_timer(struct tcp_sock *tp)
{
	timer_del(&tp->keepalive_timer);
}

void tcp_set_keepalive(struct tcp_sock *tp, bool on)
{
	tp->keepalive = on;
	if (tp->state == TCP_CLOSE || tp->state == TCP_LISTEN || tp->state == TCP_TIME_WAIT)
		return;
	if (on)
		tcp_reset_keepalive_timer(tp, tcp_keepalive_time_ms(tp));
	else if (tp->state != TCP_FIN_WAIT2)
		tcp_delete_keepalive_timer(tp);
}

static void tcp_keepalive_timer_fire(struct tcp_sock *tp)
{
	uint64_t now = jiffies(), idle;
	uint32_t keep;

	switch (tp->state) {
	case TCP_TIME_WAIT:
		tcp_done(tp);
		return;
	case TCP_FIN_WAIT2:
		if (tp->orphan) {
			/* tcp_fin_timeout ran out (Linux resets, then forgets). */
			tcp_send_active_reset(tp);
			tcp_done(tp);
			return;
		}
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT1:
		break;
	default:
		return;
	}
	if (!tp->keepalive)
		return;
	keep = tcp_keepalive_time_ms(tp);
	/* Data in flight or waiting: the retransmit timer watches the peer. */
	if (tp->packets_out || tp->send_head) {
		tcp_reset_keepalive_timer(tp, keep);
		return;
	}
	idle = now - tp->lrcvtime;
	if (idle >= keep) {
		if (tp->probes_out >= tcp_keepalive_probes(tp)) {
			tcp_send_active_reset(tp);
			tcp_write_err(tp);
			return;
		}
		if (tcp_write_wakeup(tp) >= 0) {
			tp->probes_out++;
			TCP_INC_STATS(tcp_keep_alive);
		}
		tcp_reset_keepalive_timer(tp, tcp_keepalive_intvl_ms(tp));
		return;
	}
	tp->probes_out = 0;
	tcp_reset_keepalive_timer(tp, (uint32_t)(keep - idle));
}

/* Each callback may end the connection: held, so the release comes last. */
static void tcp_write_timer(struct timer_list *t)
{
	struct tcp_sock *tp = timer_tp(t, offsetof(struct tcp_sock, retransmit_timer));

	tcp_hold(tp);
	tcp_write_timer_fire(tp, t);
	tcp_unhold(tp);
}

static void tcp_delack_timer(struct timer_list *t)
{
	struct tcp_sock *tp = timer_tp(t, offsetof(struct tcp_sock, delack_timer));

	tcp_hold(tp);
	tcp_delack_timer_fire(tp);
	tcp_unhold(tp);
}

static void tcp_keepalive_timer(struct timer_list *t)
{
	struct tcp_sock *tp = timer_tp(t, offsetof(struct tcp_sock, keepalive_timer));

	tcp_hold(tp);
	tcp_keepalive_timer_fire(tp);
	tcp_unhold(tp);
}

void tcp_init_xmit_timers(struct tcp_sock *tp)
{
	timer_setup(&tp->retransmit_timer, tcp_write_timer);
	timer_setup(&tp->delack_timer, tcp_delack_timer);
	timer_setup(&tp->keepalive_timer, tcp_keepalive_timer);
}
