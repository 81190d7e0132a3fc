/* TCP input (RFC 9293 3.10.7 "SEGMENT ARRIVES"): the checks in the RFC's
 * order for synchronized states — sequence (with PAWS, RFC 7323 5), RST (RFC
 * 5961 3), SYN (RFC 5961 4), ACK (RFC 5961 5, then tcp_ack), data, FIN —
 * plus the SYN_SENT and SYN_RECV steps.
 *
 * In-order data goes to the receive queue as the RX buffer it arrived in
 * (header pulled, no copy); out-of-order data waits in out_of_order_queue in
 * sequence order and is reported with SACK blocks. ACKs are delayed (at most
 * 40 ms, one per two full segments) except in quick-ACK mode, for
 * out-of-order data and for window updates. */
#include <errno.h>
#include <string.h>
#include "kernel/ktimer.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"
#include "kernel/trace.h"

/* ---- options ------------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool tcp_parse_options(const struct tcphdr *th, struct tcp_options_received *opt, bool syn)
{
	const uint8_t *p = (const uint8_t *)(th + 1);
	int left = (int)tcp_hdrlen(th) - (int)sizeof(*th);

	opt->saw_tstamp = false;
	opt->num_sacks = 0;
	while (left > 0) {
		uint8_t kind = *p, len;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2)
			return false;
		len = p[1];
		if (len < 2 || len > left)
			return false;
		switch (kind) {
		case TCPOPT_MSS:
			if (len == TCPOLEN_MSS && syn) {
				uint16_t mss = (uint16_t)(p[2] << 8 | p[3]);

				if (mss)
					opt->mss_clamp = mss;
			}
			break;
		case TCPOPT_WINDOW:
			if (len == TCPOLEN_WINDOW && syn) {
				opt->wscale_ok = true;
				/* RFC 7323 2.3: a shift above 14 is used as 14. */
				opt->snd_wscale = MIN(p[2], (uint8_t)TCP_MAX_WSCALE);
			}
			break;
		case TCPOPT_SACK_PERM:
			if (len == TCPOLEN_SACK_PERM && syn)
				opt->sack_ok = true;
			break;
		case TCPOPT_TIMESTAMP:
			if (len == TCPOLEN_TIMESTAMP) {
				opt->saw_tstamp = true;
				opt->rcv_tsval = get32(p + 2);
				opt->rcv_tsecr = get32(p + 6);
			}
			break;
		case TCPOPT_SACK:
			if ((len - 2) % 8 == 0 && len > 2) {
				unsigned int n = MIN((unsigned int)(len - 2) / 8, (unsigned int)TCP_NUM_SACKS);

				for (unsigned int i = 0; i < n; i++) {
					opt->sacks[i].start = get32(p + 2 + 8 * i);
					opt->sacks[i].end = get32(p + 6 + 8 * i);
				}
				opt->num_sacks = (uint8_t)n;
			}
			break;
		default:
			break;
		}
		p += len;
		left -= len;
	}
	return true;
}

/* ---- RTT and RTO (RFC 6298) ---------------------------------------------------------- */

uint32_t tcp_rto_ms(const struct tcp_sock *tp)
{
	/* Linux's form: srtt + max(4 * rttvar, 200 ms). */
	uint64_t srtt = tp->srtt_us >> 3;
	uint64_t var = MAX((uint64_t)tp->rttvar_us * 4, (uint64_t)TCP_RTO_MIN_MS * 1000);
	uint64_t rto = (srtt + var + 999) / 1000;

	return (uint32_t)MIN(rto, (uint64_t)TCP_RTO_MAX_MS);
}

void tcp_update_rtt(struct tcp_sock *tp, int64_t rtt_us)
{
	uint32_t m;

	if (rtt_us <= 0)
		rtt_us = 1;
	m = (uint32_t)MIN(rtt_us, (int64_t)TCP_RTO_MAX_MS * 1000);
	if (!tp->min_rtt_us || m < tp->min_rtt_us)
		tp->min_rtt_us = m;
	if (!tp->srtt_us) {
		tp->srtt_us = m << 3;
		tp->rttvar_us = m / 2;
	} else {
		uint32_t srtt = tp->srtt_us >> 3;
		uint32_t err = m > srtt ? m - srtt : srtt - m;

		/* rttvar = 3/4 rttvar + 1/4 |err|; srtt = 7/8 srtt + 1/8 m. */
		tp->rttvar_us = (tp->rttvar_us * 3 + err) / 4;
		tp->srtt_us = tp->srtt_us - (tp->srtt_us >> 3) + m;
	}
	tp->mdev_us = tp->rttvar_us;
	tp->rto_ms = tcp_rto_ms(tp);
}

/* ---- small helpers ------------------------------------------------------------------- */

void tcp_enter_quickack_mode(struct tcp_sock *tp)
{
	tp->quick_acks = 16;
}

static bool tcp_in_quickack_mode(const struct tcp_sock *tp)
{
	return tp->quick_acks > 0;
}

void tcp_send_dupack(struct tcp_sock *tp)
{
	tcp_enter_quickack_mode(tp);
	tcp_send_ack(tp);
}

static uint32_t challenge_ack_second, challenge_ack_count;

/* RFC 5961 7: at most sysctl_tcp_challenge_ack_limit per second for the box. */
bool tcp_send_challenge_ack(struct tcp_sock *tp)
{
	uint32_t now = tcp_jiffies32() / 1000;

	if (now != challenge_ack_second) {
		challenge_ack_second = now;
		challenge_ack_count = 0;
	}
	if (challenge_ack_count >= (uint32_t)sysctl_tcp_challenge_ack_limit) {
		TCP_INC_STATS(tcp_ack_skipped_challenge);
		return false;
	}
	challenge_ack_count++;
	TCP_INC_STATS(tcp_challenge_ack);
	tcp_send_ack(tp);
	return true;
}

bool tcp_paws_reject(const struct tcp_sock *tp, const struct tcp_options_received *opt, bool rst)
{
	if (!opt->saw_tstamp || !tp->rx_opt.tstamp_ok || !tp->ts_recent_stamp)
		return false;
	if ((int32_t)(opt->rcv_tsval - tp->ts_recent) >= 0)
		return false;
	/* RFC 7323 5.5: TS.Recent older than 24 days is invalid. */
	if ((uint32_t)(ktime_get_ns() / NSEC_PER_SEC) >= tp->ts_recent_stamp + TCP_PAWS_24DAYS)
		return false;
	/* Linux lets an RST through; its sequence check follows. */
	return !rst;
}

static void tcp_store_ts_recent(struct tcp_sock *tp)
{
	tp->ts_recent = tp->rx_opt.rcv_tsval;
	tp->ts_recent_stamp = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
}

/* RFC 7323 4.3: TS.Recent from a segment that covers Last.ACK.sent. */
static void tcp_replace_ts_recent(struct tcp_sock *tp, uint32_t seq)
{
	if (tp->rx_opt.saw_tstamp && !after(seq, tp->rcv_wup) &&
	    (int32_t)(tp->rx_opt.rcv_tsval - tp->ts_recent) >= 0)
		tcp_store_ts_recent(tp);
}

/* RFC 9293 3.10.7.4, first check: some part of the segment in the window. */
static bool tcp_sequence(const struct tcp_sock *tp, uint32_t seq, uint32_t end_seq)
{
	return !before(end_seq, tp->rcv_wup) &&
	       !after(seq, tp->rcv_nxt + tcp_receive_window(tp));
}

void tcp_reset(struct tcp_sock *tp)
{
	switch (tp->state) {
	case TCP_SYN_SENT:
		tp->sk.sk_err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		tp->sk.sk_err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		tp->sk.sk_err = ECONNRESET;
		break;
	}
	if (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT)
		TCP_INC_STATS(estab_resets);
	tcp_wake(tp);
	tcp_done(tp);
}

/* ---- ACK processing -------------------------------------------------------------------- */

static void tcp_ack_update_window(struct tcp_sock *tp, const struct tcphdr *th, uint32_t ack,
				  uint32_t seq)
{
	uint32_t nwin = (uint32_t)ntohs(th->window);

	if (!(th->flags & TCPHDR_SYN))
		nwin <<= tp->rx_opt.snd_wscale;
	/* RFC 9293 3.10.7.4: only from a newer segment (SND.WL1/WL2). */
	if (after(ack, tp->snd_una) || after(seq, tp->snd_wl1) ||
	    (seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin))) {
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
		if (tp->snd_wnd != nwin) {
			tp->snd_wnd = nwin;
			if (nwin > tp->max_window)
				tp->max_window = nwin;
		}
	}
}

/* Frees what the ACK covers; returns the segments ACKed, the RTT sample
 * from the oldest never-retransmitted skb (Karn) in *rtt_us. */
static uint32_t tcp_clean_rtx_queue(struct tcp_sock *tp, uint32_t ack, int64_t *rtt_us)
{
	TRACE_FUNC_SK(TP_tcp_clean_rtx_queue, &tp->sk);
	uint64_t now = ktime_get_ns();
	uint32_t acked = 0;
	struct sk_buff *skb;
	unsigned int n = 0;

	*rtt_us = -1;
	while ((skb = tcp_write_queue_head(tp)) != NULL && skb != tp->send_head && n++ < 100000) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		uint32_t segs = tcp_skb_pcount(skb);

		if (after(cb->end_seq, ack)) {
			/* Partly ACKed super-packet: count the whole segments. */
			uint32_t done = ack - cb->seq;
			uint32_t mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;

			if (!before(ack, cb->seq + mss) && skb->len > done && segs > 1) {
				uint32_t left = (skb->len - done + mss - 1) / mss;

				if (left < segs) {
					acked += segs - left;
					tp->packets_out -= segs - left;
					if (cb->sacked & TCPCB_SACKED_RETRANS)
						tp->retrans_out -= MIN(tp->retrans_out, segs - left);
					if (cb->sacked & TCPCB_LOST)
						tp->lost_out -= MIN(tp->lost_out, segs - left);
					(void)pskb_pull(skb, done);
					cb->seq = ack;
					cb->tso_segs = (uint16_t)left;
				}
			}
			break;
		}
		if (cb->sacked & TCPCB_SACKED_RETRANS)
			tp->retrans_out -= MIN(tp->retrans_out, segs);
		if (cb->sacked & TCPCB_SACKED_ACKED)
			tp->sacked_out -= MIN(tp->sacked_out, segs);
		if (cb->sacked & TCPCB_LOST)
			tp->lost_out -= MIN(tp->lost_out, segs);
		if (!(cb->sacked & TCPCB_EVER_RETRANS) && *rtt_us < 0 && cb->tx_ns)
			*rtt_us = (int64_t)(now - cb->tx_ns) / 1000;
		tp->packets_out -= MIN(tp->packets_out, segs);
		acked += segs;
		__skb_unlink(skb, &tp->sk_write_queue);
		tcp_wmem_free_skb(tp, skb);
	}
	return acked;
}

static void tcp_rate_sample(struct tcp_sock *tp, uint32_t delivered_bytes)
{
	uint64_t now = ktime_get_ns();

	if (tp->delivered_ns && now > tp->delivered_ns) {
		uint64_t dt = now - tp->delivered_ns;
		uint64_t rate = (uint64_t)delivered_bytes * NSEC_PER_SEC / dt;

		/* A sample per ACK is noisy: keep an EWMA over ~8 ACKs. */
		tp->rate_bps = tp->rate_bps ? tp->rate_bps - (tp->rate_bps >> 3) + (rate >> 3) : rate;
	}
	tp->delivered_ns = now;
}

static void tcp_cong_control(struct tcp_sock *tp, uint32_t ack, uint32_t acked)
{
	if (tp->ca_state == TCP_CA_Recovery || tp->ca_state == TCP_CA_CWR)
		return;		/* PRR sets the cwnd in tcp_fastretrans_alert */
	if (acked && tcp_is_cwnd_limited(tp))
		tp->ca_ops->cong_avoid(tp, ack, acked);
}

/* Returns the segments newly ACKed; -1 when the segment must be dropped
 * (RFC 5961 5.2: an ACK outside SND.UNA - MAX.SND.WND .. SND.NXT, after a
 * challenge ACK). */
static int tcp_ack(struct tcp_sock *tp, const struct sk_buff *skb)
{
	TRACE_FUNC_SK(TP_tcp_ack, &tp->sk);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint32_t ack = cb->ack_seq, prior_snd_una = tp->snd_una;
	uint32_t prior_wnd = tp->snd_wnd, newly_sacked = 0, acked;
	bool is_dupack;
	int64_t rtt_us = -1;

	if (before(ack, prior_snd_una)) {
		if (before(ack, prior_snd_una - tp->max_window)) {
			tcp_send_challenge_ack(tp);
			return -1;
		}
		TCP_INC_STATS(in_old_ack);
		if (tp->rx_opt.num_sacks && tp->rx_opt.sack_ok)
			(void)tcp_sacktag_write_queue(tp, &tp->rx_opt, ack);
		return 0;
	}
	if (after(ack, tp->snd_nxt)) {
		tcp_send_challenge_ack(tp);
		return -1;
	}
	tp->probes_out = 0;	/* the peer answers: persist and keepalive start over */
	tcp_ack_update_window(tp, th, ack, cb->seq);
	if (tp->rx_opt.num_sacks && tp->rx_opt.sack_ok)
		newly_sacked = tcp_sacktag_write_queue(tp, &tp->rx_opt, ack);
	tp->snd_una = ack;
	acked = tcp_clean_rtx_queue(tp, ack, &rtt_us);
	if (tp->snd_una == tp->snd_nxt) {
		/* Nothing in flight: whatever the counts say. */
		tp->packets_out = 0;
		tp->sacked_out = 0;
		tp->lost_out = 0;
		tp->retrans_out = 0;
	}
	if (after(ack, prior_snd_una)) {
		uint32_t bytes = ack - prior_snd_una;

		tp->bytes_acked64 += bytes;
		tp->bytes_acked = (uint32_t)tp->bytes_acked64;
		tp->backoff = 0;
		tp->retransmits = 0;
		tp->retrans_stamp = 0;
		tcp_rate_sample(tp, bytes);
		/* RFC 7323 4.1: RTTM from the echoed timestamp. */
		if (tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr) {
			int64_t ts_rtt = (int64_t)(uint32_t)(tcp_jiffies32() + tp->tsoffset -
							     tp->rx_opt.rcv_tsecr) * 1000;

			/* The ms clock gives whole milliseconds; the skb's ns
			 * stamp is finer when Karn allows it. */
			if (rtt_us < 0 || ts_rtt > rtt_us + 1000)
				rtt_us = ts_rtt;
		}
		if (rtt_us >= 0)
			tcp_update_rtt(tp, rtt_us);
		if (tp->ca_ops->pkts_acked)
			tp->ca_ops->pkts_acked(tp, acked, rtt_us);
	}
	tp->delivered += acked + newly_sacked;
	is_dupack = ack == prior_snd_una && skb->len == tcp_hdrlen(th) &&
		    !(th->flags & (TCPHDR_SYN | TCPHDR_FIN)) && tp->snd_wnd == prior_wnd &&
		    tp->packets_out;
	if (tp->packets_out && (is_dupack || newly_sacked || tp->ca_state != TCP_CA_Open || acked))
		tcp_fastretrans_alert(tp, prior_snd_una, acked, is_dupack, newly_sacked);
	tcp_cong_control(tp, ack, acked);
	if (after(ack, prior_snd_una)) {
		tcp_rearm_rto(tp);
		tcp_wake(tp);
	}
	if (!tp->packets_out && tp->send_head && tp->snd_wnd == 0)
		tcp_check_probe_timer(tp);
	return (int)acked;
}

/* ---- ACK sending decisions ------------------------------------------------------------------ */

/* ACKs owed "now" for in-order data wait for the end of the NET_RX run, so
 * a batch of segments from one poll gets one ACK (each ACK costs a trip
 * through the driver, and the peer's ACK clock counts segments, not ACKs). */
static struct tcp_sock *tcp_ack_defer_list;

static void tcp_ack_defer(struct tcp_sock *tp)
{
	if (tp->ack_deferred)
		return;
	tcp_hold(tp);
	tp->ack_deferred = true;
	tp->ack_defer_next = tcp_ack_defer_list;
	tcp_ack_defer_list = tp;
}

static void tcp_flush_deferred_acks(void)
{
	struct tcp_sock *tp;

	while ((tp = tcp_ack_defer_list) != NULL) {
		tcp_ack_defer_list = tp->ack_defer_next;
		tp->ack_defer_next = NULL;
		tp->ack_deferred = false;
		if (tp->ack_pending && tp->state != TCP_CLOSE) {
			TCP_INC_STATS(tcp_batch_acks);
			tcp_send_ack(tp);
		}
		tcp_unhold(tp);
	}
}

static struct net_rx_flush tcp_ack_flush = { .fn = tcp_flush_deferred_acks };

void tcp_input_init(void)
{
	net_rx_flush_register(&tcp_ack_flush);
}

/* Linux's __tcp_ack_snd_check: due for two full segments unACKed, in
 * quick-ACK mode, or with holes (those at once: the peer's fast retransmit
 * counts them); else delayed. */
static void tcp_ack_snd_check(struct tcp_sock *tp)
{
	if (!tp->ack_pending)
		return;
	if (!skb_queue_empty(&tp->out_of_order_queue)) {
		tcp_send_ack(tp);
		return;
	}
	if ((tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss && tp->rcv_segs_unacked >= 2) ||
	    tcp_in_quickack_mode(tp)) {
		if (tp->quick_acks)
			tp->quick_acks--;
		if (in_serving_softirq())
			tcp_ack_defer(tp);
		else
			tcp_send_ack(tp);
		return;
	}
	tcp_send_delayed_ack(tp);
}

static void tcp_data_snd_check(struct tcp_sock *tp)
{
	if (tp->send_head)
		__tcp_push_pending_frames(tp, tcp_current_mss(tp), tp->nodelay ? TCP_NAGLE_OFF : 0);
}

/* ---- synchronized states ------------------------------------------------------------------ */

/* The checks every synchronized state shares (RFC 9293 3.10.7.4 first to
 * fifth); false when the segment was dropped (skb consumed). */
static bool tcp_validate_incoming(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	if (tcp_hdrlen(th) > sizeof(*th) && !tcp_parse_options(th, &tp->rx_opt, false)) {
		TCP_INC_STATS(in_bad_opts);
		TCP_INC_STATS(in_errs);
		goto drop;
	}
	if (tcp_hdrlen(th) == sizeof(*th)) {
		tp->rx_opt.saw_tstamp = false;
		tp->rx_opt.num_sacks = 0;
	}
	if (tcp_paws_reject(tp, &tp->rx_opt, th->flags & TCPHDR_RST)) {
		TCP_INC_STATS(paws_estab);
		tcp_send_dupack(tp);
		goto drop;
	}
	if (!tcp_sequence(tp, cb->seq, cb->end_seq)) {
		TCP_INC_STATS(in_out_of_window);
		if (!(th->flags & TCPHDR_RST))
			tcp_send_dupack(tp);
		goto drop;
	}
	if (th->flags & TCPHDR_RST) {
		/* RFC 5961 3.2: exactly rcv_nxt resets; elsewhere in the window
		 * earns a challenge ACK. */
		if (cb->seq == tp->rcv_nxt) {
			TCP_INC_STATS(in_rst_accepted);
			tcp_reset(tp);
		} else {
			TCP_INC_STATS(in_rst_ignored);
			tcp_send_challenge_ack(tp);
		}
		goto drop;
	}
	if ((th->flags & TCPHDR_SYN) && tp->state == TCP_SYN_RECV && !tp->parent &&
	    (th->flags & TCPHDR_ACK) && cb->seq + 1 == tp->rcv_nxt && cb->ack_seq == tp->snd_nxt) {
		/* Simultaneous open (RFC 9293 3.5 figure 7): the peer's SYN-ACK
		 * acknowledges our SYN; it completes the handshake. */
		return true;
	}
	if (th->flags & TCPHDR_SYN) {
		/* RFC 5961 4.2. */
		TCP_INC_STATS(in_syn_on_estab);
		TCP_INC_STATS(tcp_syn_challenge);
		tcp_send_challenge_ack(tp);
		goto drop;
	}
	if (!(th->flags & TCPHDR_ACK)) {
		TCP_INC_STATS(in_bad_flags);
		goto drop;
	}
	return true;
drop:
	kfree_skb(skb);
	return false;
}

void tcp_rcv_established(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	uint32_t seq = TCP_SKB_CB(skb)->seq;

	tp->segs_in++;
	if (!tcp_validate_incoming(tp, skb))
		return;
	tp->lrcvtime = jiffies();
	if (tcp_ack(tp, skb) < 0) {
		kfree_skb(skb);
		return;
	}
	tcp_replace_ts_recent(tp, seq);
	if (tp->state == TCP_CLOSE) {
		kfree_skb(skb);
		return;
	}
	if (skb->len > tcp_hdrlen(th) || (th->flags & TCPHDR_FIN)) {
		skb_pull(skb, tcp_hdrlen(th));
		tcp_data_queue(tp, skb);
		if (tp->state == TCP_CLOSE)
			return;
	} else {
		TCP_INC_STATS(tcp_pure_acks);
		kfree_skb(skb);
	}
	tcp_data_snd_check(tp);
	tcp_ack_snd_check(tp);
}

void tcp_negotiate(struct tcp_sock *tp, const struct tcp_options_received *peer)
{
	tp->rx_opt.tstamp_ok = peer->saw_tstamp && sysctl_tcp_timestamps;
	tp->rx_opt.sack_ok = peer->sack_ok && sysctl_tcp_sack;
	tp->rx_opt.wscale_ok = peer->wscale_ok && sysctl_tcp_window_scaling;
	tp->rx_opt.snd_wscale = tp->rx_opt.wscale_ok ? peer->snd_wscale : 0;
	if (!tp->rx_opt.wscale_ok)
		tp->rcv_wscale = 0;
	tp->rx_opt.mss_clamp = peer->mss_clamp ? peer->mss_clamp : TCP_MSS_DEFAULT;
	if (tp->rx_opt.tstamp_ok) {
		tp->ts_recent = peer->rcv_tsval;
		tp->ts_recent_stamp = (uint32_t)(ktime_get_ns() / NSEC_PER_SEC);
	}
}

void tcp_init_transfer(struct tcp_sock *tp)
{
	uint32_t pmtu = tp->sk.dst_valid && tp->sk.sk_dst.rt_pmtu ? tp->sk.sk_dst.rt_pmtu : 1500;

	tcp_sync_mss(tp, pmtu);
	tp->snd_cwnd = TCP_INIT_CWND;
	tp->snd_ssthresh = 0x7FFFFFFF;
	tp->snd_cwnd_clamp = 0xFFFF;
	tp->snd_cwnd_cnt = 0;
	tp->ca_state = TCP_CA_Open;
	tp->rcv_mss = MIN((uint32_t)tp->advmss, (uint32_t)tp->mss_cache);
	tp->rcvq_space = 10u * tp->advmss;
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_time = jiffies();
	tp->lrcvtime = jiffies();
	tp->max_window = MAX(tp->max_window, tp->snd_wnd);
	tcp_enter_quickack_mode(tp);
	tcp_init_congestion_control(tp);
	if (tp->keepalive)
		tcp_reset_keepalive_timer(tp, tcp_keepalive_time_ms(tp));
}

/* Our SYN (or SYN-ACK) is ACKed: ESTABLISHED, with the handshake's RTT
 * sample when Karn allows one (else the initial RTO stays). */
static void tcp_finish_handshake(struct tcp_sock *tp, uint32_t ack)
{
	int64_t rtt_us;

	(void)tcp_clean_rtx_queue(tp, ack, &rtt_us);
	tp->packets_out = 0;
	tcp_clear_retrans(tp);
	tcp_set_state(tp, TCP_ESTABLISHED);
	tcp_init_transfer(tp);
	if (rtt_us >= 0)
		tcp_update_rtt(tp, rtt_us);
	else
		tp->rto_ms = TCP_TIMEOUT_INIT_MS;
	tp->pending = 0;
}

static void tcp_rcv_synsent_state_process(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received peer = { 0 };

	if (tcp_hdrlen(th) > sizeof(*th) && !tcp_parse_options(th, &peer, true)) {
		TCP_INC_STATS(in_bad_opts);
		TCP_INC_STATS(in_errs);
		goto drop;
	}
	if (th->flags & TCPHDR_ACK) {
		/* RFC 9293 3.10.7.3: an ACK for something we did not send. */
		if (!after(cb->ack_seq, tp->iss) || after(cb->ack_seq, tp->snd_nxt)) {
			if (!(th->flags & TCPHDR_RST))
				tcp_v4_send_reset(skb);
			goto drop;
		}
		if (th->flags & TCPHDR_RST) {
			tcp_reset(tp);
			goto drop;
		}
		if (!(th->flags & TCPHDR_SYN))
			goto drop;
		tp->irs = cb->seq;
		tp->rcv_nxt = cb->seq + 1;
		tp->rcv_wup = tp->rcv_nxt;
		tp->copied_seq = tp->rcv_nxt;
		tcp_negotiate(tp, &peer);
		tp->snd_wnd = ntohs(th->window);	/* RFC 7323: not scaled in a SYN */
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = cb->ack_seq;
		tp->max_window = tp->snd_wnd;
		tp->snd_una = cb->ack_seq;
		tcp_finish_handshake(tp, cb->ack_seq);
		tcp_send_ack(tp);
		tcp_wake(tp);
		/* Data on a SYN-ACK is rare; it would be queued here. */
		if (skb->len > tcp_hdrlen(th)) {
			skb_pull(skb, tcp_hdrlen(th));
			cb->seq++;
			tcp_data_queue(tp, skb);
			return;
		}
		tcp_data_snd_check(tp);
		goto drop;
	}
	if (th->flags & TCPHDR_RST)
		goto drop;
	if (th->flags & TCPHDR_SYN) {
		/* Simultaneous open (RFC 9293 3.5 figure 7): SYN-ACK our SYN. */
		struct sk_buff *syn = tcp_write_queue_head(tp);

		tp->irs = cb->seq;
		tp->rcv_nxt = cb->seq + 1;
		tp->rcv_wup = tp->rcv_nxt;
		tp->copied_seq = tp->rcv_nxt;
		tcp_negotiate(tp, &peer);
		tp->snd_wnd = ntohs(th->window);
		tp->snd_wl1 = cb->seq;
		tp->max_window = tp->snd_wnd;
		tcp_set_state(tp, TCP_SYN_RECV);
		if (syn) {
			TCP_SKB_CB(syn)->tcp_flags |= TCPHDR_ACK;
			(void)tcp_retransmit_skb(tp, syn);
		}
	}
drop:
	kfree_skb(skb);
}

static bool tcp_fin_acked(const struct tcp_sock *tp)
{
	return tp->snd_una == tp->write_seq && !tp->send_head;
}

void tcp_rcv_state_process(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint32_t seq = cb->seq;

	tp->segs_in++;
	switch (tp->state) {
	case TCP_CLOSE:
		TCP_INC_STATS(in_closed_data);
		tcp_v4_send_reset(skb);
		kfree_skb(skb);
		return;
	case TCP_SYN_SENT:
		tcp_rcv_synsent_state_process(tp, skb);
		return;
	default:
		break;
	}
	if (!tcp_validate_incoming(tp, skb))
		return;
	tp->lrcvtime = jiffies();
	if (tp->state == TCP_SYN_RECV) {
		/* RFC 9293 3.10.7.4 fifth check, SYN-RECEIVED. */
		if (before(cb->ack_seq, tp->snd_una) || after(cb->ack_seq, tp->snd_nxt)) {
			tcp_v4_send_reset(skb);
			kfree_skb(skb);
			return;
		}
		tp->snd_una = cb->ack_seq;
		tp->snd_wnd = (uint32_t)ntohs(th->window) << tp->rx_opt.snd_wscale;
		tp->snd_wl1 = cb->seq;
		tp->snd_wl2 = cb->ack_seq;
		tp->max_window = tp->snd_wnd;
		tcp_finish_handshake(tp, cb->ack_seq);
		if (tp->parent)
			tcp_child_established(tp);
		tcp_wake(tp);
	}
	if (tcp_ack(tp, skb) < 0) {
		kfree_skb(skb);
		return;
	}
	tcp_replace_ts_recent(tp, seq);
	switch (tp->state) {
	case TCP_FIN_WAIT1:
		if (tcp_fin_acked(tp)) {
			tcp_set_state(tp, TCP_FIN_WAIT2);
			tp->sk.shutdown_wr = true;
			if (tp->orphan) {
				/* Bounded by tcp_fin_timeout (linger2), whatever this
				 * segment carries (a FIN moves on to TIME_WAIT's timer). */
				uint32_t tmo = (tp->linger2 ? tp->linger2 : (uint32_t)sysctl_tcp_fin_timeout) * 1000u;

				tcp_reset_keepalive_timer(tp, tmo);
			}
			tcp_wake(tp);
		}
		break;
	case TCP_CLOSING:
		if (tcp_fin_acked(tp)) {
			kfree_skb(skb);
			tcp_time_wait(tp, TCP_TIME_WAIT, TCP_TIMEWAIT_LEN_MS);
			return;
		}
		break;
	case TCP_LAST_ACK:
		if (tcp_fin_acked(tp)) {
			kfree_skb(skb);
			tcp_done(tp);
			return;
		}
		break;
	default:
		break;
	}
	switch (tp->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		if (skb->len > tcp_hdrlen(th) || (th->flags & TCPHDR_FIN)) {
			skb_pull(skb, tcp_hdrlen(th));
			tcp_data_queue(tp, skb);
			if (tp->state == TCP_CLOSE || tp->state == TCP_TIME_WAIT)
				return;
			skb = NULL;
		}
		break;
	default:
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came already;
		 * anything more is ignored (RFC 9293 seventh step). */
		break;
	}
	kfree_skb(skb);
	tcp_data_snd_check(tp);
	tcp_ack_snd_check(tp);
}
