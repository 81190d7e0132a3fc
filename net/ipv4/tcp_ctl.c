/* TCP's control segments and recovery sends: bare and delayed ACKs, SYN and
 * SYN-ACK (queued, so they are retransmitted like data), FIN, RST,
 * retransmission of what recovery marked lost, and the persist and keepalive
 * probes. The data path (tcp_write_xmit, tcp_transmit_skb) is tcp_output.c. */
#include <errno.h>
#include <string.h>
#include "kernel/ktimer.h"
#include "net/ip.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

/* ---- control segments ------------------------------------------------------------------- */

static struct sk_buff *tcp_ctl_skb(uint32_t seq, uint8_t flags)
{
	struct sk_buff *skb = alloc_skb_tx(0);

	if (!skb) {
		TCP_INC_STATS(out_no_mem);
		return NULL;
	}
	TCP_SKB_CB(skb)->seq = seq;
	TCP_SKB_CB(skb)->end_seq = seq + !!(flags & (TCPHDR_SYN | TCPHDR_FIN));
	TCP_SKB_CB(skb)->tcp_flags = flags;
	TCP_SKB_CB(skb)->sacked = 0;
	TCP_SKB_CB(skb)->tso_segs = 1;
	return skb;
}

void tcp_send_ack(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	if (tp->state == TCP_CLOSE || tp->state == TCP_LISTEN)
		return;
	skb = tcp_ctl_skb(tp->snd_nxt, TCPHDR_ACK);
	if (!skb) {
		/* Try again from the delayed-ACK timer. */
		tcp_send_delayed_ack(tp);
		return;
	}
	(void)tcp_transmit_skb(tp, skb, false);
}

/* At most 40 ms after the first segment left unACKed. The wheel entry is
 * only ever moved earlier: an ACK sent meanwhile leaves it armed, and when
 * it fires early for a later segment it re-arms for that one's deadline —
 * no wheel operation per interactive exchange. */
void tcp_send_delayed_ack(struct tcp_sock *tp)
{
	uint64_t deadline = jiffies() + TCP_DELACK_MAX_MS;

	tp->ack_pending = true;
	if (tp->ack_sched)
		return;
	tp->ack_sched = true;
	tp->ato_deadline = deadline;
	if (!timer_pending(&tp->delack_timer) || tp->delack_timer.expires > deadline)
		timer_mod(&tp->delack_timer, deadline);
}

/* Queues a control skb (SYN, SYN-ACK, a lone FIN) so that it is
 * retransmitted like data. */
static void tcp_queue_ctl(struct tcp_sock *tp, struct sk_buff *skb)
{
	skb_header_release(skb);
	tp->sk_wmem_queued += skb->truesize;
	tcp_mem_charge(tp, skb->truesize);
	skb_queue_tail(&tp->sk_write_queue, skb);
	if (!tp->send_head)
		tp->send_head = skb;
	tp->write_seq = TCP_SKB_CB(skb)->end_seq;
}

int tcp_connect(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_ctl_skb(tp->iss, TCPHDR_SYN);

	if (!skb)
		return -ENOBUFS;
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	tp->write_seq = tp->iss;
	tp->pushed_seq = tp->iss;
	tp->rcv_nxt = 0;
	tp->rcv_wup = 0;
	tp->copied_seq = 0;
	tcp_init_rcv_window(tp, sysctl_tcp_window_scaling);
	tcp_queue_ctl(tp, skb);
	tp->snd_wnd = 1;	/* the SYN itself; the SYN-ACK tells the real window */
	(void)tcp_transmit_skb(tp, skb, true);
	tcp_event_new_data_sent(tp, skb);
	tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, TCP_TIMEOUT_INIT_MS);
	return 0;
}

int tcp_send_synack(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_ctl_skb(tp->iss, TCPHDR_SYN | TCPHDR_ACK);

	if (!skb)
		return -ENOBUFS;
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	tcp_queue_ctl(tp, skb);
	(void)tcp_transmit_skb(tp, skb, true);
	tcp_event_new_data_sent(tp, skb);
	tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, TCP_TIMEOUT_INIT_MS);
	return 0;
}

void tcp_send_fin(struct tcp_sock *tp)
{
	struct sk_buff *tail = tcp_write_queue_tail(tp);

	if (tail && tp->send_head && !(TCP_SKB_CB(tail)->tcp_flags & TCPHDR_FIN)) {
		/* Rides on the last unsent data. */
		TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
		TCP_SKB_CB(tail)->end_seq++;
		tp->write_seq++;
	} else {
		struct sk_buff *skb = tcp_ctl_skb(tp->write_seq, TCPHDR_FIN | TCPHDR_ACK);

		if (!skb) {
			/* Linux loops for memory here; we let the retransmit
			 * timer's next round (or close's RST) settle it. */
			return;
		}
		tcp_queue_ctl(tp, skb);
	}
	__tcp_push_pending_frames(tp, tcp_current_mss(tp), TCP_NAGLE_OFF);
}

void tcp_send_active_reset(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_ctl_skb(tp->snd_nxt, TCPHDR_RST | TCPHDR_ACK);

	if (!skb)
		return;
	TCP_INC_STATS(out_rsts);
	(void)tcp_transmit_skb(tp, skb, false);
}

/* ---- retransmission ----------------------------------------------------------------------- */

/* Drops the first len bytes of a partly ACKed skb (they are ours: no clone
 * may be reading them, tcp_retransmit_skb checked). */
static void tcp_trim_head(struct sk_buff *skb, uint32_t len)
{
	(void)pskb_pull(skb, MIN(len, skb->len));
	TCP_SKB_CB(skb)->seq += len;
}

int tcp_retransmit_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	unsigned int cur_mss = tcp_current_mss(tp);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	int err;

	/* The last copy is still in the TX ring or a qdisc: sending another
	 * would only queue behind it (Linux's skb_still_in_host_queue). */
	if (skb_cloned(skb))
		return -EBUSY;
	if (before(cb->seq, tp->snd_una)) {
		if (!after(cb->end_seq, tp->snd_una))
			return -EINVAL;
		tcp_trim_head(skb, tp->snd_una - cb->seq);
	}
	if (skb->len > cur_mss) {
		skb = tcp_fragment_at(tp, skb, cur_mss);
		if (!skb)
			return -ENOMEM;
		cb = TCP_SKB_CB(skb);
	}
	tcp_resegment(tp, skb, cur_mss);
	err = tcp_transmit_skb(tp, skb, true);
	if (err)
		return err;
	if (tp->ca_state == TCP_CA_Recovery)
		tp->prr_out += tcp_skb_pcount(skb);
	if (!(cb->sacked & TCPCB_SACKED_RETRANS)) {
		cb->sacked |= TCPCB_SACKED_RETRANS;
		tp->retrans_out += tcp_skb_pcount(skb);
	}
	cb->sacked |= TCPCB_EVER_RETRANS;
	tp->total_retrans++;
	tp->bytes_retrans64 += skb->len;
	TCP_INC_STATS(retrans_segs);
	if (cb->tcp_flags & TCPHDR_SYN)
		TCP_INC_STATS(tcp_syn_retrans);
	return 0;
}

/* Resends what recovery marked lost, in order, while the cwnd allows. */
void tcp_xmit_retransmit_queue(struct tcp_sock *tp)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	skb_queue_walk(&tp->sk_write_queue, skb) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (skb == tp->send_head || n++ > 4096)
			break;
		if (tcp_packets_in_flight(tp) >= tp->snd_cwnd)
			break;
		if (!(cb->sacked & TCPCB_LOST) || (cb->sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)))
			continue;
		if (tcp_retransmit_skb(tp, skb))
			break;
		if (tp->ca_state != TCP_CA_Loss)
			TCP_INC_STATS(tcp_fast_retrans);
		else
			TCP_INC_STATS(tcp_slow_start_retrans);
		if (skb == tcp_write_queue_head(tp))
			tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp->rto_ms);
	}
}

/* A segment the peer has to answer with an ACK: one byte below snd_una
 * (old data), for zero-window probes and keepalives. */
static int tcp_xmit_probe_skb(struct tcp_sock *tp)
{
	struct sk_buff *skb = tcp_ctl_skb(tp->snd_una - 1, TCPHDR_ACK);

	if (!skb)
		return -ENOBUFS;
	return tcp_transmit_skb(tp, skb, false);
}

/* Persist / keepalive probe: new data when the window has room, else the
 * old-sequence probe. */
int tcp_write_wakeup(struct tcp_sock *tp)
{
	struct sk_buff *skb = tp->send_head;

	if (tp->state == TCP_CLOSE)
		return -1;
	if (skb && before(TCP_SKB_CB(skb)->seq, tcp_wnd_end(tp))) {
		unsigned int mss = tcp_current_mss(tp);
		uint32_t room = tcp_wnd_end(tp) - TCP_SKB_CB(skb)->seq;
		int err;

		room = MIN(room, mss);
		if (skb->len > room) {
			skb = tcp_fragment_at(tp, skb, room);
			if (!skb)
				return -ENOMEM;
		}
		tcp_set_skb_tso_segs(skb, mss);
		err = tcp_transmit_skb(tp, skb, true);
		if (!err)
			tcp_event_new_data_sent(tp, skb);
		return err;
	}
	return tcp_xmit_probe_skb(tp);
}

void tcp_send_probe0(struct tcp_sock *tp)
{
	int err = tcp_write_wakeup(tp);

	TCP_INC_STATS(tcp_win_probe);
	if (tp->packets_out || !tp->send_head) {
		/* The window opened (or nothing waits): normal clocking again. */
		tp->probes_out = 0;
		tp->backoff = 0;
		return;
	}
	/* A probe that could not even leave (no route, device down) counts
	 * too: otherwise a dead link would be probed for ever. */
	(void)err;
	if (tp->backoff < 15)
		tp->backoff++;
	tp->probes_out++;
	tcp_reset_xmit_timer(tp, ICSK_TIME_PROBE0,
			     MIN(tp->rto_ms << tp->backoff, TCP_RTO_MAX_MS));
}

void tcp_send_window_probe(struct tcp_sock *tp)
{
	(void)tcp_xmit_probe_skb(tp);
}
