/* Loss recovery: the SACK scoreboard (RFC 2018, RFC 6675), fast retransmit
 * and fast recovery (RFC 5681 3.2; NewReno partial ACKs, RFC 6582), the cwnd
 * during recovery by Proportional Rate Reduction (RFC 6937), and the loss
 * state after a retransmission timeout.
 *
 * The scoreboard lives in the write queue's skbs (TCPCB_SACKED_ACKED,
 * TCPCB_LOST, TCPCB_SACKED_RETRANS) with the counts sacked_out, lost_out and
 * retrans_out, so the pipe is tcp_packets_in_flight(). */
#include "net/skbuff.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

#define TCP_DUPTHRESH 3

/* A SACK block is believable (RFC 2883 / RFC 6675): inside what we sent, not
 * too old. */
static bool tcp_sack_block_valid(const struct tcp_sock *tp, uint32_t start, uint32_t end)
{
	if (!before(start, end) || after(end, tp->snd_nxt))
		return false;
	return !before(start, tp->snd_una - tp->max_window);
}

/* Cuts skb at a SACK edge inside it, on a segment boundary only: the part
 * before the edge (the part after follows it), or NULL when it cannot. */
static struct sk_buff *tcp_sack_split(struct tcp_sock *tp, struct sk_buff *skb, uint32_t edge)
{
	uint32_t off = edge - TCP_SKB_CB(skb)->seq;
	uint32_t mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;

	if (!off || off >= skb->len || off % mss)
		return NULL;
	return tcp_fragment_at(tp, skb, off);
}

uint32_t tcp_sacktag_write_queue(struct tcp_sock *tp, const struct tcp_options_received *opt,
				 uint32_t ack)
{
	uint32_t newly = 0;

	for (unsigned int i = 0; i < opt->num_sacks; i++) {
		uint32_t start = opt->sacks[i].start, end = opt->sacks[i].end;
		struct sk_buff *skb;
		unsigned int n = 0;

		/* RFC 2883: a first block below the ACK, or inside the second,
		 * reports a duplicate. */
		if (i == 0 && (!after(end, ack) ||
			       (opt->num_sacks > 1 && !before(start, opt->sacks[1].start) &&
				!after(end, opt->sacks[1].end)))) {
			TCP_INC_STATS(tcp_dsack_recv);
			continue;
		}
		if (!tcp_sack_block_valid(tp, start, end)) {
			TCP_INC_STATS(tcp_sack_discard);
			continue;
		}
		for (skb = skb_peek(&tp->sk_write_queue); skb; skb = skb->next) {
			struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
			uint32_t segs;

			if (skb == tp->send_head || n++ > 100000)
				break;
			if (!after(cb->end_seq, start))
				continue;
			if (!before(cb->seq, end))
				break;
			if (before(cb->seq, start)) {
				struct sk_buff *first = tcp_sack_split(tp, skb, start);

				if (!first)
					continue;	/* not on a boundary: left untagged */
				skb = first->next;
				cb = TCP_SKB_CB(skb);
			}
			if (after(cb->end_seq, end)) {
				skb = tcp_sack_split(tp, skb, end);
				if (!skb)
					break;
				cb = TCP_SKB_CB(skb);
			}
			if (cb->sacked & TCPCB_SACKED_ACKED)
				continue;
			segs = tcp_skb_pcount(skb);
			if (cb->sacked & TCPCB_SACKED_RETRANS) {
				tp->retrans_out -= MIN(tp->retrans_out, segs);
				cb->sacked &= (uint8_t)~TCPCB_SACKED_RETRANS;
			}
			if (cb->sacked & TCPCB_LOST) {
				tp->lost_out -= MIN(tp->lost_out, segs);
				cb->sacked &= (uint8_t)~TCPCB_LOST;
			}
			cb->sacked |= TCPCB_SACKED_ACKED;
			tp->sacked_out += segs;
			newly += segs;
			if (after(cb->end_seq, tp->highest_sack))
				tp->highest_sack = cb->end_seq;
		}
	}
	return newly;
}

static void tcp_mark_lost(struct tcp_sock *tp, struct sk_buff *skb)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	if (cb->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))
		return;
	cb->sacked |= TCPCB_LOST;
	tp->lost_out += tcp_skb_pcount(skb);
}

/* NewReno: the first segs segments at the head are lost — segments, not
 * skbs: a super-packet is cut so that only its first ones are marked
 * (RFC 6582 retransmits one segment per partial ACK). */
void tcp_mark_head_lost(struct tcp_sock *tp, uint32_t segs)
{
	uint32_t mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	struct sk_buff *skb;
	uint32_t n = 0;

	for (skb = skb_peek(&tp->sk_write_queue); skb && skb != tp->send_head && n < segs;
	     skb = skb->next) {
		uint32_t pc = tcp_skb_pcount(skb);

		if (TCP_SKB_CB(skb)->sacked & TCPCB_SACKED_RETRANS) {
			n += pc;
			continue;
		}
		if (n + pc > segs && skb->len > (segs - n) * mss) {
			struct sk_buff *first = tcp_fragment_at(tp, skb, (segs - n) * mss);

			if (first)
				skb = first;
			pc = tcp_skb_pcount(skb);
		}
		tcp_mark_lost(tp, skb);
		n += pc;
	}
}

/* RFC 6675 IsLost: an un-SACKed segment with DupThresh segments SACKed
 * above it (counted in sequence space from highest_sack). */
static void tcp_sack_mark_lost(struct tcp_sock *tp)
{
	uint32_t mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	uint32_t limit = tp->highest_sack - (TCP_DUPTHRESH - 1) * mss;
	struct sk_buff *skb;
	unsigned int n = 0;

	skb_queue_walk(&tp->sk_write_queue, skb) {
		if (skb == tp->send_head || n++ > 100000)
			break;
		if (after(TCP_SKB_CB(skb)->end_seq, limit))
			break;
		if (!(TCP_SKB_CB(skb)->sacked & TCPCB_SACKED_RETRANS))
			tcp_mark_lost(tp, skb);
	}
}

void tcp_clear_retrans(struct tcp_sock *tp)
{
	tp->retrans_out = 0;
	tp->lost_out = 0;
	tp->sacked_out = 0;
	tp->dup_acks = 0;
	tp->highest_sack = tp->snd_una;
}

static void tcp_enter_recovery(struct tcp_sock *tp)
{
	tp->prior_cwnd = tp->snd_cwnd;
	tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
	tp->high_seq = tp->snd_nxt;
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	tp->lost_events++;
	if (tp->rx_opt.sack_ok)
		TCP_INC_STATS(tcp_sack_recovery);
	else
		TCP_INC_STATS(tcp_reno_recovery);
	tcp_set_ca_state(tp, TCP_CA_Recovery);
}

/* RFC 6937 PRR-SSRB: cwnd follows what the ACKs deliver, ending at ssthresh. */
static void tcp_cwnd_reduction(struct tcp_sock *tp, uint32_t delivered)
{
	uint32_t pipe = tcp_packets_in_flight(tp);
	int64_t sndcnt;

	tp->prr_delivered += delivered;
	if (pipe > tp->snd_ssthresh) {
		uint64_t recover_fs = MAX(tp->prior_cwnd, 1u);

		sndcnt = (int64_t)(((uint64_t)tp->prr_delivered * tp->snd_ssthresh + recover_fs - 1) /
				   recover_fs) - tp->prr_out;
	} else {
		int64_t lim = MAX((int64_t)tp->prr_delivered - tp->prr_out, (int64_t)delivered) + 1;

		sndcnt = MIN((int64_t)tp->snd_ssthresh - pipe, lim);
	}
	if (sndcnt < 0)
		sndcnt = 0;
	/* One retransmission at least when entering (RFC 6937 fast retransmit). */
	if (!tp->prr_out && !sndcnt)
		sndcnt = 1;
	tp->snd_cwnd = pipe + (uint32_t)sndcnt;
}

static void tcp_end_recovery(struct tcp_sock *tp)
{
	if (!tp->rx_opt.sack_ok)
		tp->sacked_out = 0;
	tp->snd_cwnd = MAX(MIN(tp->snd_cwnd, tp->snd_ssthresh), 2u);
	if (tp->snd_ssthresh < 0x7FFFFFFF)
		tp->snd_cwnd = MAX(tp->snd_ssthresh, 2u);
	tp->dup_acks = 0;
	tcp_set_ca_state(tp, TCP_CA_Open);
	tcp_ca_event(tp, CA_EVENT_COMPLETE_CWR);
}

void tcp_fastretrans_alert(struct tcp_sock *tp, uint32_t prior_snd_una, uint32_t acked_segs,
			   bool is_dupack, uint32_t newly_sacked)
{
	bool sack = tp->rx_opt.sack_ok;
	uint32_t delivered = acked_segs + newly_sacked;

	if (is_dupack)
		tp->dup_acks++;
	if (!sack) {
		/* Without SACK each duplicate ACK stands for one segment that
		 * left the network (Linux's tcp_add_reno_sack): it leaves the
		 * pipe, so RFC 3042 limited transmit and recovery can send. */
		if (after(tp->snd_una, prior_snd_una)) {
			tp->sacked_out -= MIN(tp->sacked_out, acked_segs);
			if (tp->ca_state != TCP_CA_Recovery)
				tp->dup_acks = 0;
		}
		if (is_dupack && tp->packets_out > tp->sacked_out + 1)
			tp->sacked_out++;
	}

	switch (tp->ca_state) {
	case TCP_CA_Recovery:
		if (!before(tp->snd_una, tp->high_seq)) {
			tcp_end_recovery(tp);
			return;
		}
		if (!sack && after(tp->snd_una, prior_snd_una)) {
			/* RFC 6582 partial ACK: the next hole is lost too. */
			tcp_mark_head_lost(tp, 1);
			tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp->rto_ms);
		}
		if (sack)
			tcp_sack_mark_lost(tp);
		tcp_cwnd_reduction(tp, delivered ? delivered : (is_dupack ? 1 : 0));
		tcp_xmit_retransmit_queue(tp);
		return;
	case TCP_CA_Loss:
		if (!before(tp->snd_una, tp->high_seq)) {
			tcp_set_ca_state(tp, TCP_CA_Open);
			return;
		}
		if (sack)
			tcp_sack_mark_lost(tp);
		tcp_xmit_retransmit_queue(tp);
		return;
	default:
		break;
	}
	/* Open or Disorder: is this loss? */
	if ((sack && tp->sacked_out >= TCP_DUPTHRESH) ||
	    (sack && tp->sacked_out && after(tp->highest_sack,
					    tp->snd_una + TCP_DUPTHRESH * tp->mss_cache)) ||
	    (!sack && tp->dup_acks >= TCP_DUPTHRESH)) {
		tcp_enter_recovery(tp);
		if (sack)
			tcp_sack_mark_lost(tp);
		tcp_mark_head_lost(tp, 1);
		tcp_cwnd_reduction(tp, delivered ? delivered : 1);
		tcp_xmit_retransmit_queue(tp);
		return;
	}
	if (tp->sacked_out || tp->dup_acks) {
		if (tp->ca_state != TCP_CA_Disorder)
			tcp_set_ca_state(tp, TCP_CA_Disorder);
		/* RFC 3042 limited transmit: new data the dupacks make room for. */
		return;
	}
	if (tp->ca_state == TCP_CA_Disorder)
		tcp_set_ca_state(tp, TCP_CA_Open);
}

/* RTO (RFC 5681 3.1, RFC 6298 5.5): everything in flight is presumed lost,
 * cwnd to one segment; SACKed data stays SACKed. */
void tcp_enter_loss(struct tcp_sock *tp)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	if (tp->ca_state != TCP_CA_Loss) {
		tp->prior_cwnd = tp->snd_cwnd;
		tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
		tcp_ca_event(tp, CA_EVENT_LOSS);
		tp->lost_events++;
	}
	tp->snd_cwnd = 1;
	tp->snd_cwnd_cnt = 0;
	tp->retrans_out = 0;
	tp->lost_out = 0;
	if (!tp->rx_opt.sack_ok)
		tp->sacked_out = 0;	/* the dupacks' stand-ins go with the pipe */
	skb_queue_walk(&tp->sk_write_queue, skb) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (skb == tp->send_head || n++ > 100000)
			break;
		cb->sacked &= (uint8_t)~(TCPCB_SACKED_RETRANS | TCPCB_LOST);
		if (!(cb->sacked & TCPCB_SACKED_ACKED))
			tcp_mark_lost(tp, skb);
	}
	tp->high_seq = tp->snd_nxt;
	tp->dup_acks = 0;
	tcp_set_ca_state(tp, TCP_CA_Loss);
}

void tcp_enter_cwr(struct tcp_sock *tp)
{
	if (tp->ca_state >= TCP_CA_CWR)
		return;
	tp->prior_cwnd = tp->snd_cwnd;
	tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
	tp->high_seq = tp->snd_nxt;
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	tcp_set_ca_state(tp, TCP_CA_CWR);
}
