/* The receive queue (RFC 9293 3.10.7.4 seventh and eighth steps): in-order
 * data goes to the socket as the RX buffer it arrived in (header pulled, no
 * copy), out-of-order data waits in sequence order and is reported with SACK
 * blocks (RFC 2018) and D-SACK (RFC 2883); the receive buffer grows with what
 * the reader takes per round trip (Linux's tcp_rcv_space_adjust). */
#include <string.h>
#include "kernel/ktimer.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"

/* SACK blocks we report (RFC 2018 4): the block holding the newest
 * out-of-order segment first, then the others; blocks merge as holes fill. */
static void tcp_sack_maybe_coalesce(struct tcp_sock *tp)
{
	for (int i = 0; i < tp->num_sacks; i++)
		for (int j = i + 1; j < tp->num_sacks; j++) {
			struct tcp_sack_block *a = &tp->selective_acks[i], *b = &tp->selective_acks[j];

			if (!after(b->start_seq, a->end_seq) && !after(a->start_seq, b->end_seq)) {
				if (before(b->start_seq, a->start_seq))
					a->start_seq = b->start_seq;
				if (after(b->end_seq, a->end_seq))
					a->end_seq = b->end_seq;
				memmove(b, b + 1, (size_t)(tp->num_sacks - j - 1) * sizeof(*b));
				tp->num_sacks--;
				j--;
			}
		}
}

static void tcp_sack_new_ofo(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
	struct tcp_sack_block nb = { seq, end_seq };
	int i;

	for (i = 0; i < tp->num_sacks; i++) {
		struct tcp_sack_block *b = &tp->selective_acks[i];

		if (!after(seq, b->end_seq) && !after(b->start_seq, end_seq)) {
			nb.start_seq = before(b->start_seq, seq) ? b->start_seq : seq;
			nb.end_seq = after(b->end_seq, end_seq) ? b->end_seq : end_seq;
			memmove(b, b + 1, (size_t)(tp->num_sacks - i - 1) * sizeof(*b));
			tp->num_sacks--;
			break;
		}
	}
	if (tp->num_sacks == TCP_NUM_SACKS)
		tp->num_sacks--;	/* the oldest report goes */
	memmove(&tp->selective_acks[1], &tp->selective_acks[0],
		(size_t)tp->num_sacks * sizeof(nb));
	tp->selective_acks[0] = nb;
	tp->num_sacks++;
	tcp_sack_maybe_coalesce(tp);
}

/* Blocks now below rcv_nxt are gone from the report. */
static void tcp_sack_remove(struct tcp_sock *tp)
{
	int i = 0;

	if (skb_queue_empty(&tp->out_of_order_queue)) {
		tp->num_sacks = 0;
		return;
	}
	while (i < tp->num_sacks) {
		if (!after(tp->selective_acks[i].end_seq, tp->rcv_nxt)) {
			memmove(&tp->selective_acks[i], &tp->selective_acks[i + 1],
				(size_t)(tp->num_sacks - i - 1) * sizeof(tp->selective_acks[0]));
			tp->num_sacks--;
		} else {
			i++;
		}
	}
}

static void tcp_dsack_set(struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
	if (!tp->rx_opt.sack_ok)
		return;
	tp->duplicate_sack.start_seq = seq;
	tp->duplicate_sack.end_seq = end_seq;
	tp->dsack_pending = true;
	if (before(seq, tp->rcv_nxt))
		TCP_INC_STATS(tcp_dsack_old_sent);
	else
		TCP_INC_STATS(tcp_dsack_ofo_sent);
}

static void tcp_queue_rcv(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct sock *sk = &tp->sk;

	skb_set_owner_r(skb, sk);
	tcp_mem_charge(tp, skb_charge(skb));
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	tp->rcv_nxt = TCP_SKB_CB(skb)->end_seq;
	tp->bytes_received64 += skb->len;
}

void tcp_ofo_purge(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&tp->out_of_order_queue)) != NULL) {
		tcp_mem_charge(tp, -(int64_t)skb_charge(skb));
		kfree_skb(skb);
	}
	tp->ofo_mem = 0;
	tp->num_sacks = 0;
}

/* Out-of-order skbs that rcv_nxt has reached move to the receive queue. */
static void tcp_ofo_queue(struct tcp_sock *tp)
{
	struct sk_buff *skb;
	bool fin = false;

	while ((skb = skb_peek(&tp->out_of_order_queue)) != NULL) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (after(cb->seq, tp->rcv_nxt))
			break;
		skb_unlink(skb, &tp->out_of_order_queue);
		tp->ofo_mem -= MIN(tp->ofo_mem, skb_charge(skb));
		tcp_mem_charge(tp, -(int64_t)skb_charge(skb));
		if (!after(cb->end_seq, tp->rcv_nxt)) {
			tcp_dsack_set(tp, cb->seq, cb->end_seq);
			kfree_skb(skb);
			continue;
		}
		if (before(cb->seq, tp->rcv_nxt)) {
			uint32_t dup = tp->rcv_nxt - cb->seq;

			skb_pull(skb, MIN(dup, skb->len));
			cb->seq = tp->rcv_nxt;
		}
		fin = cb->tcp_flags & TCPHDR_FIN;
		tcp_queue_rcv(tp, skb);
		if (fin) {
			tcp_fin(tp);
			break;
		}
	}
}

/* Room for one more skb, after pruning the out-of-order queue (Linux's
 * tcp_prune_queue, simplified: out-of-order data is the first to go). The
 * window was offered from the buffer, but a window never shrinks and rounds
 * up to its scale, so in-window data may pass the buffer by a little: an
 * eighth more is allowed rather than dropping what we promised. */
static bool tcp_try_rmem_schedule(struct tcp_sock *tp, uint32_t size)
{
	struct sock *sk = &tp->sk;
	uint64_t limit = (uint64_t)sk->sk_rcvbuf + sk->sk_rcvbuf / 8;

	if ((uint64_t)sk->sk_rmem_alloc + tp->ofo_mem + size <= limit &&
	    !tcp_under_memory_pressure())
		return true;
	TCP_INC_STATS(prune_called);
	if (!skb_queue_empty(&tp->out_of_order_queue)) {
		tcp_ofo_purge(tp);
		TCP_INC_STATS(ofo_pruned);
	}
	if ((uint64_t)sk->sk_rmem_alloc + size <= limit)
		return true;
	TCP_INC_STATS(rcv_pruned);
	return false;
}

static void tcp_data_queue_ofo(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct sk_buff *p, *prev = NULL;
	uint32_t size = skb_charge(skb);

	TCP_INC_STATS(tcp_ofo_queue);
	tp->rcv_ooopack++;
	tcp_enter_quickack_mode(tp);
	if (tp->ofo_mem + size > tp->sk.sk_rcvbuf / 2 || !tcp_try_rmem_schedule(tp, size)) {
		TCP_INC_STATS(tcp_ofo_drop);
		kfree_skb(skb);
		return;
	}
	/* Find the last skb starting at or before this one. */
	skb_queue_walk(&tp->out_of_order_queue, p) {
		if (after(TCP_SKB_CB(p)->seq, cb->seq))
			break;
		prev = p;
	}
	if (prev) {
		struct tcp_skb_cb *pc = TCP_SKB_CB(prev);

		if (!after(cb->end_seq, pc->end_seq)) {
			/* Entirely a duplicate of what waits already. */
			tcp_dsack_set(tp, cb->seq, cb->end_seq);
			TCP_INC_STATS(tcp_ofo_merge);
			kfree_skb(skb);
			return;
		}
		if (before(cb->seq, pc->end_seq)) {
			uint32_t dup = pc->end_seq - cb->seq;

			tcp_dsack_set(tp, cb->seq, pc->end_seq);
			skb_pull(skb, MIN(dup, skb->len));
			cb->seq = pc->end_seq;
		}
	}
	/* Later skbs this one covers entirely are dropped. */
	while ((p = prev ? prev->next : skb_peek(&tp->out_of_order_queue)) != NULL &&
	       !after(TCP_SKB_CB(p)->end_seq, cb->end_seq)) {
		tcp_dsack_set(tp, TCP_SKB_CB(p)->seq, TCP_SKB_CB(p)->end_seq);
		skb_unlink(p, &tp->out_of_order_queue);
		tp->ofo_mem -= MIN(tp->ofo_mem, skb_charge(p));
		tcp_mem_charge(tp, -(int64_t)skb_charge(p));
		kfree_skb(p);
	}
	if (prev)
		__skb_queue_after(&tp->out_of_order_queue, prev, skb);
	else if (skb_peek(&tp->out_of_order_queue))
		__skb_queue_before(&tp->out_of_order_queue, skb_peek(&tp->out_of_order_queue), skb);
	else
		skb_queue_tail(&tp->out_of_order_queue, skb);
	tp->ofo_mem += size;
	tcp_mem_charge(tp, size);
	tcp_sack_new_ofo(tp, cb->seq, cb->end_seq);
}

/* Data and FIN of an acceptable segment, header already pulled. Consumes skb. */
void tcp_data_queue(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	bool fin = cb->tcp_flags & TCPHDR_FIN;

	if (cb->seq == cb->end_seq) {
		kfree_skb(skb);
		return;
	}
	if (tp->sk.shutdown_rd && tp->orphan && skb->len) {
		/* RFC 9293 3.10.7.4 / Linux: new data for a closed socket. */
		TCP_INC_STATS(tcp_abort_on_data);
		tcp_send_active_reset(tp);
		kfree_skb(skb);
		tcp_done(tp);
		return;
	}
	if (cb->seq == tp->rcv_nxt) {
		bool had_ofo = !skb_queue_empty(&tp->out_of_order_queue);

		if (!tcp_receive_window(tp)) {
			TCP_INC_STATS(tcp_zero_window_drop);
			goto out_of_window;
		}
		if (!tcp_try_rmem_schedule(tp, skb_charge(skb))) {
			TCP_INC_STATS(tcp_rcv_q_drop);
			kfree_skb(skb);
			tcp_send_ack(tp);
			return;
		}
		tp->data_segs_in++;
		if (skb->len >= tp->rcv_mss || !tp->rcv_mss)
			tp->rcv_mss = MAX(tp->rcv_mss, skb->len);
		tp->rcv_segs_unacked += (uint16_t)MAX(1u, skb->len / MAX(tp->rcv_mss, 1u));
		tcp_queue_rcv(tp, skb);
		if (fin)
			tcp_fin(tp);
		if (had_ofo) {
			tcp_ofo_queue(tp);
			tcp_sack_remove(tp);
			/* RFC 5681 4.2: ACK at once when a hole fills. */
			tcp_enter_quickack_mode(tp);
		}
		tp->ack_pending = true;
		tcp_wake(tp);
		return;
	}
	if (!after(cb->end_seq, tp->rcv_nxt)) {
		/* A retransmission of what we have: D-SACK it, ACK at once. */
		tcp_dsack_set(tp, cb->seq, cb->end_seq);
		TCP_INC_STATS(delayed_ack_lost);
		tcp_send_dupack(tp);
		kfree_skb(skb);
		return;
	}
	if (!before(cb->seq, tp->rcv_nxt + tcp_receive_window(tp)))
		goto out_of_window;
	if (before(cb->seq, tp->rcv_nxt)) {
		/* Partly old: keep the new part. */
		uint32_t dup = tp->rcv_nxt - cb->seq;

		tcp_dsack_set(tp, cb->seq, tp->rcv_nxt);
		skb_pull(skb, MIN(dup, skb->len));
		cb->seq = tp->rcv_nxt;
		tcp_data_queue(tp, skb);
		return;
	}
	tp->data_segs_in++;
	tcp_data_queue_ofo(tp, skb);
	tcp_send_ack(tp);
	return;

out_of_window:
	TCP_INC_STATS(in_out_of_window);
	tcp_enter_quickack_mode(tp);
	tcp_send_ack(tp);
	kfree_skb(skb);
}

/* RFC 9293 3.10.7.4 eighth step. */
void tcp_fin(struct tcp_sock *tp)
{
	struct sock *sk = &tp->sk;

	sk->shutdown_rd = true;
	tcp_enter_quickack_mode(tp);
	tp->ack_pending = true;
	switch (tp->state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(tp, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN not yet ACKed: simultaneous close. */
		tcp_set_state(tp, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		tcp_send_ack(tp);
		tcp_time_wait(tp, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN_MS);
		break;
	default:
		break;
	}
	tcp_ofo_purge(tp);
	tcp_wake(tp);
}

/* Receive-buffer auto-tuning. */
void tcp_rcv_space_adjust(struct tcp_sock *tp)
{
	uint64_t now = jiffies();
	uint32_t rtt_ms = MAX(tp->srtt_us >> 3, tp->min_rtt_us) / 1000;
	uint32_t copied;

	if (now < tp->rcvq_time + MAX(rtt_ms, 1u))
		return;
	copied = tp->copied_seq - tp->rcvq_seq;
	if (copied > tp->rcvq_space && sysctl_tcp_moderate_rcvbuf) {
		/* Room for twice what the application read in an RTT, with the
		 * skb overhead (the window is half the buffer). */
		uint64_t want = (uint64_t)copied * 2 * 2;

		tp->rcvq_space = copied;
		if (want > tp->sk.sk_rcvbuf) {
			tp->sk.sk_rcvbuf = (uint32_t)MIN(want, (uint64_t)sysctl_tcp_rmem[2]);
			tp->window_clamp = MAX(tp->window_clamp, tp->sk.sk_rcvbuf / 2);
		}
	}
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_time = now;
}
