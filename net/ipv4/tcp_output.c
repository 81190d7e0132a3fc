/* TCP output: the article's send-side steps after tcp_sendmsg.
 *
 *   tcp_push / tcp_push_one -> tcp_write_xmit   cwnd test, receive-window test,
 *                              Nagle, the TSO split (tcp_mss_split_point,
 *                              tso_fragment)
 *   tcp_transmit_skb          clone the queued skb (the data is shared, not
 *                              copied), build the TCP header with its options
 *                              in the clone's headroom, checksum for offload,
 *                              ip_queue_xmit
 *
 * The original stays on sk_write_queue until the peer ACKs it; a clone in a
 * TX ring or qdisc is freed by the TX completion (igb_clean_tx_irq). Also
 * here: options, window selection, MSS, the retransmit timer's arming, and a
 * SYN cookie's SYN-ACK; the other control segments and retransmission are in
 * tcp_ctl.c. */
#include <errno.h>
#include <string.h>
#include "kernel/ktimer.h"
#include "kernel/time.h"
#include "net/checksum.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"
#include "net/secure_seq.h"
#include "kernel/trace.h"

/* ---- options --------------------------------------------------------------- */

struct tcp_out_options {
	uint16_t mss;		/* SYN: MSS option value, 0: none */
	uint8_t ws;		/* SYN: window scale, 0xFF: none */
	bool sack_perm, ts;
	uint32_t tsval, tsecr;
	uint8_t nsacks;
	const struct tcp_sack_block *sacks;	/* nsacks entries (D-SACK first) */
	struct tcp_sack_block dsack;
	bool has_dsack;
};

static unsigned int tcp_options_size(const struct tcp_out_options *o)
{
	unsigned int n = 0;
	unsigned int blocks = o->nsacks + o->has_dsack;

	if (o->mss)
		n += TCPOLEN_MSS;
	if (o->ts)
		n += TCPOLEN_TSTAMP_ALIGNED;	/* with SACK_PERM in place of the NOPs */
	else if (o->sack_perm)
		n += 4;
	if (o->ws != 0xFF)
		n += 4;
	if (blocks)
		n += 4 + 8 * blocks;
	return n;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	be32 b = htonl(v);

	memcpy(p, &b, 4);
	return p + 4;
}

/* Linux's option layout, so captures look alike: MSS; SACK_PERM + TS (or
 * NOP NOP TS, or NOP NOP SACK_PERM); NOP WS; NOP NOP SACK blocks. */
static void tcp_options_write(uint8_t *p, const struct tcp_out_options *o)
{
	unsigned int blocks = o->nsacks + o->has_dsack;

	if (o->mss) {
		*p++ = TCPOPT_MSS;
		*p++ = TCPOLEN_MSS;
		*p++ = (uint8_t)(o->mss >> 8);
		*p++ = (uint8_t)o->mss;
	}
	if (o->ts) {
		if (o->sack_perm) {
			*p++ = TCPOPT_SACK_PERM;
			*p++ = TCPOLEN_SACK_PERM;
		} else {
			*p++ = TCPOPT_NOP;
			*p++ = TCPOPT_NOP;
		}
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		p = put32(p, o->tsval);
		p = put32(p, o->tsecr);
	} else if (o->sack_perm) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK_PERM;
		*p++ = TCPOLEN_SACK_PERM;
	}
	if (o->ws != 0xFF) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_WINDOW;
		*p++ = TCPOLEN_WINDOW;
		*p++ = o->ws;
	}
	if (blocks) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK;
		*p++ = (uint8_t)(2 + 8 * blocks);
		if (o->has_dsack) {
			p = put32(p, o->dsack.start_seq);
			p = put32(p, o->dsack.end_seq);
		}
		for (unsigned int i = 0; i < o->nsacks; i++) {
			p = put32(p, o->sacks[i].start_seq);
			p = put32(p, o->sacks[i].end_seq);
		}
	}
}

static uint32_t tcp_tsval(const struct tcp_sock *tp)
{
	return tcp_jiffies32() + tp->tsoffset;
}

static void tcp_syn_options(const struct tcp_sock *tp, struct tcp_out_options *o, bool synack)
{
	memset(o, 0, sizeof(*o));
	o->ws = 0xFF;
	o->mss = tp->advmss;
	if (synack ? tp->rx_opt.tstamp_ok : sysctl_tcp_timestamps) {
		o->ts = true;
		o->tsval = tcp_tsval(tp);
		o->tsecr = synack ? tp->ts_recent : 0;
	}
	if (synack ? tp->rx_opt.wscale_ok : sysctl_tcp_window_scaling)
		o->ws = tp->rcv_wscale;
	if (synack ? tp->rx_opt.sack_ok : sysctl_tcp_sack)
		o->sack_perm = true;
}

static void tcp_established_options(struct tcp_sock *tp, struct tcp_out_options *o)
{
	unsigned int room;

	memset(o, 0, sizeof(*o));
	o->ws = 0xFF;
	if (tp->rx_opt.tstamp_ok) {
		o->ts = true;
		o->tsval = tcp_tsval(tp);
		o->tsecr = tp->ts_recent;
	}
	if (!tp->rx_opt.sack_ok)
		return;
	room = (TCP_MAX_HLEN - sizeof(struct tcphdr) - (o->ts ? TCPOLEN_TSTAMP_ALIGNED : 0) - 4) / 8;
	if (tp->dsack_pending && room) {
		o->has_dsack = true;
		o->dsack = tp->duplicate_sack;
		room--;
	}
	o->nsacks = (uint8_t)MIN((unsigned int)tp->num_sacks, room);
	o->sacks = tp->selective_acks;
}

/* ---- window ------------------------------------------------------------------ */

/* Receive space in payload bytes: the buffer not yet charged, halved for the
 * skb overhead (an RX buffer of 2 KiB plus its struct carries 1448 bytes),
 * Linux's tcp_adv_win_scale of 1. */
uint32_t tcp_space(const struct tcp_sock *tp)
{
	int64_t free = (int64_t)tp->sk.sk_rcvbuf - tp->sk.sk_rmem_alloc - tp->ofo_mem;

	if (free <= 0)
		return 0;
	return (uint32_t)MIN((uint64_t)free / 2, (uint64_t)tp->window_clamp);
}

static uint32_t tcp_full_space(const struct tcp_sock *tp)
{
	return MIN(tp->sk.sk_rcvbuf / 2, tp->window_clamp);
}

/* RFC 9293 3.8.6.2.2 receiver SWS avoidance, and never shrinking the window
 * already offered (RFC 7323 2.4 rounding kept). */
uint16_t tcp_select_window(struct tcp_sock *tp)
{
	uint32_t cur = tcp_receive_window(tp);
	uint32_t free = tcp_space(tp);
	uint32_t mss = MIN(MAX(tp->rcv_mss, TCP_MSS_DEFAULT), (uint32_t)tp->advmss);
	uint32_t unit = 1u << tp->rcv_wscale;
	uint32_t win;

	if (free < MIN(tcp_full_space(tp) / 2, mss)) {
		win = 0;
		if (tcp_under_memory_pressure())
			TCP_INC_STATS(tcp_want_zero_window_adv);
	} else {
		/* Whole segments only (RFC 1122 4.2.3.3), so the sender never
		 * fills a window with a sliver; then the scale's unit. */
		win = free / mss * mss;
		win &= ~(unit - 1);
	}
	if (win < cur)
		win = (cur + unit - 1) & ~(unit - 1);
	win = MIN(win, 65535u << tp->rcv_wscale);
	if (!win && tp->rcv_wnd)
		TCP_INC_STATS(tcp_to_zero_window_adv);
	else if (win && !tp->rcv_wnd)
		TCP_INC_STATS(tcp_from_zero_window_adv);
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return (uint16_t)(win >> tp->rcv_wscale);
}

void tcp_select_initial_window(uint32_t space, uint32_t mss, uint32_t *rcv_wnd,
			       uint32_t *window_clamp, bool wscale_ok, uint8_t *rcv_wscale)
{
	uint32_t max = (uint32_t)sysctl_tcp_rmem[2] / 2;

	if (!*window_clamp)
		*window_clamp = 65535u << TCP_MAX_WSCALE;
	space = MIN(*window_clamp, space);
	if (space > mss)
		space = space / mss * mss;
	*rcv_wscale = 0;
	if (wscale_ok) {
		/* Room for the largest buffer auto-tuning may reach. */
		uint32_t s = MAX(space, max);

		while (s > 65535u && *rcv_wscale < TCP_MAX_WSCALE) {
			s >>= 1;
			(*rcv_wscale)++;
		}
	}
	/* RFC 6928 10 segments at least, what the buffer allows at most. */
	*rcv_wnd = MIN(space, wscale_ok ? space : 65535u);
	*window_clamp = MIN(65535u << *rcv_wscale, *window_clamp);
}

void tcp_init_rcv_window(struct tcp_sock *tp, bool wscale_ok)
{
	uint32_t pmtu = tp->sk.dst_valid && tp->sk.sk_dst.rt_pmtu ? tp->sk.sk_dst.rt_pmtu : 1500;
	uint32_t advmss = pmtu - IP_MIN_HLEN - sizeof(struct tcphdr);
	/* Before the peer answered, what we offer; after, what was agreed. */
	bool tstamps = tp->state == TCP_SYN_SENT ? sysctl_tcp_timestamps : tp->rx_opt.tstamp_ok;
	unsigned int ts = tstamps ? TCPOLEN_TSTAMP_ALIGNED : 0;

	if (tp->user_mss && advmss > tp->user_mss)
		advmss = tp->user_mss;
	tp->advmss = (uint16_t)advmss;
	tp->window_clamp = 0;
	tcp_select_initial_window(tp->sk.sk_rcvbuf / 2, advmss - ts, &tp->rcv_wnd,
				  &tp->window_clamp, wscale_ok, &tp->rcv_wscale);
}

/* ---- MSS ----------------------------------------------------------------------- */

static unsigned int tcp_ts_len(const struct tcp_sock *tp)
{
	return tp->rx_opt.tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0;
}

/* The send MSS for a path MTU: IP and TCP headers and the timestamp option
 * off, the peer's MSS (which excludes options, RFC 6691) and TCP_MAXSEG on top. */
uint32_t tcp_sync_mss(struct tcp_sock *tp, uint32_t pmtu)
{
	int32_t mss = (int32_t)pmtu - IP_MIN_HLEN - (int32_t)sizeof(struct tcphdr);

	if (tp->rx_opt.mss_clamp && mss > tp->rx_opt.mss_clamp)
		mss = tp->rx_opt.mss_clamp;
	if (tp->user_mss && mss > tp->user_mss)
		mss = tp->user_mss;
	mss -= (int32_t)tcp_ts_len(tp);
	if (mss < 48)
		mss = 48;
	tp->mss_cache = (uint16_t)mss;
	return (uint32_t)mss;
}

unsigned int tcp_current_mss(struct tcp_sock *tp)
{
	unsigned int mss = tp->mss_cache;
	unsigned int blocks = tp->num_sacks + tp->dsack_pending;

	if (tp->sk.dst_valid && tp->sk.sk_dst.rt_pmtu &&
	    tp->sk.sk_dst.rt_pmtu - IP_MIN_HLEN - sizeof(struct tcphdr) - tcp_ts_len(tp) < mss)
		mss = tcp_sync_mss(tp, tp->sk.sk_dst.rt_pmtu);
	/* SACK blocks ride on data segments too and take payload room. */
	if (blocks && tp->rx_opt.sack_ok)
		mss -= 4 + 8 * MIN(blocks, tcp_ts_len(tp) ? 3u : 4u);
	return mss;
}

static bool tcp_tso_ok(const struct tcp_sock *tp)
{
	const struct net_device *dev = tp->sk.dst_valid ? tp->sk.sk_dst.dev : NULL;

	/* Without NIC TSO the GSO layer cuts the super-packet in software:
	 * still one trip down the stack for many segments. */
	return dev != NULL;
}

/* How much tcp_sendmsg puts in one skb: whole segments, up to a 64 KB
 * super-packet, and no more than about half the cwnd, so slow start does not
 * split (copy) large skbs to fit the window. */
unsigned int tcp_send_size_goal(struct tcp_sock *tp, unsigned int mss_now)
{
	unsigned int segs = TCP_MAX_TSO_BYTES / mss_now;

	if (!tcp_tso_ok(tp))
		return mss_now;
	segs = MIN(segs, MAX(tp->snd_cwnd / 2, 1u));
	segs = MIN(segs, MAX((tp->max_window / 2) / mss_now, 1u));
	return MAX(segs, 1u) * mss_now;
}

/* ---- the retransmit timer (lazy: the wheel entry is only moved earlier) -------- */

void tcp_reset_xmit_timer(struct tcp_sock *tp, int what, uint32_t when_ms)
{
	uint64_t deadline = jiffies() + MIN(when_ms, TCP_RTO_MAX_MS);

	tp->pending = (uint8_t)what;
	tp->rtx_deadline = deadline;
	if (!timer_pending(&tp->retransmit_timer) || tp->retransmit_timer.expires > deadline)
		timer_mod(&tp->retransmit_timer, deadline);
}

void tcp_clear_xmit_timers(struct tcp_sock *tp)
{
	tp->pending = 0;
	tp->ack_sched = false;
	timer_del(&tp->retransmit_timer);
	timer_del(&tp->delack_timer);
	timer_del(&tp->keepalive_timer);
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
	if (!tp->packets_out) {
		if (tp->pending == ICSK_TIME_RETRANS)
			tp->pending = 0;
		return;
	}
	tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp->rto_ms);
}

void tcp_check_probe_timer(struct tcp_sock *tp)
{
	if (!tp->packets_out && !tp->pending)
		tcp_reset_xmit_timer(tp, ICSK_TIME_PROBE0, tp->rto_ms);
}

/* ---- tcp_transmit_skb ------------------------------------------------------------- */

static void tcp_event_ack_sent(struct tcp_sock *tp)
{
	tp->ack_pending = false;
	tp->rcv_segs_unacked = 0;
	tp->dsack_pending = false;
	tp->ack_sched = false;	/* the timer stays armed; it finds nothing owed */
}

static uint16_t tcp_syn_window(struct tcp_sock *tp)
{
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	tp->rcv_wup = tp->rcv_nxt;
	return (uint16_t)MIN(tp->rcv_wnd, 65535u);
}

/* Sends skb (data at the payload, TCP_SKB_CB filled) with a header built in
 * its headroom. clone: skb stays on the write queue and a clone travels;
 * else skb itself goes (a bare ACK, a RST). Returns 0 or a negative errno. */
int tcp_transmit_skb(struct tcp_sock *tp, struct sk_buff *skb, bool clone)
{
	TRACE_FUNC(TP_tcp_transmit_skb, skb);
	struct sock *sk = &tp->sk;
	struct tcp_skb_cb *tcb = TCP_SKB_CB(skb);
	struct tcp_out_options opts;
	struct flowi4 fl = {
		.saddr = sk->inet_saddr, .daddr = sk->inet_daddr,
		.sport = sk->inet_sport, .dport = sk->inet_dport, .proto = IPPROTO_TCP,
	};
	unsigned int hlen, payload = skb->len, segs = tcp_skb_pcount(skb);
	struct tcphdr *th;
	int err;

	if (clone) {
		uint64_t now = ktime_get_ns();

		tcb->when = tcp_jiffies32();
		tcb->tx_ns = now;
		skb = skb_clone(skb);
		if (!skb) {
			TCP_INC_STATS(out_no_mem);
			return -ENOBUFS;
		}
	}
	if (tcb->tcp_flags & TCPHDR_SYN)
		tcp_syn_options(tp, &opts, tcb->tcp_flags & TCPHDR_ACK);
	else
		tcp_established_options(tp, &opts);
	hlen = sizeof(*th) + tcp_options_size(&opts);
	th = (struct tcphdr *)skb_push(skb, hlen);
	if (!th) {
		kfree_skb(skb);
		TCP_INC_STATS(out_no_mem);
		return -ENOBUFS;
	}
	skb_reset_transport_header(skb);
	th->source = sk->inet_sport;
	th->dest = sk->inet_dport;
	th->seq = htonl(tcb->seq);
	th->ack_seq = htonl(tp->rcv_nxt);
	th->doff_res = (uint8_t)((hlen / 4) << 4);
	th->flags = tcb->tcp_flags;
	th->window = htons(tcb->tcp_flags & TCPHDR_SYN ? tcp_syn_window(tp) : tcp_select_window(tp));
	th->urg_ptr = 0;
	tcp_options_write((uint8_t *)(th + 1), &opts);

	skb->gso_size = 0;
	skb->gso_segs = 0;
	skb->gso_type = 0;
	if (segs > 1) {
		skb->gso_size = (uint16_t)tcp_current_mss(tp);
		skb->gso_segs = (uint16_t)segs;
		skb->gso_type = SKB_GSO_TCPV4;
	}
	tcp_v4_send_check(skb, fl.saddr, fl.daddr);
	/* Data soon after data came in: the peer talks and we answer, so the
	 * answers carry the ACKs and reads stop sending their own (Linux's
	 * pingpong mode, left when the delayed-ACK timer has to fire). */
	if (payload && tp->data_segs_in && jiffies() - tp->lrcvtime < TCP_DELACK_MAX_MS)
		tp->pingpong = true;
	if (tcb->tcp_flags & TCPHDR_ACK)
		tcp_event_ack_sent(tp);
	if (payload) {
		tp->data_segs_out += segs;
		tp->lsndtime = jiffies();
	}
	tp->segs_out += segs;
	TCP_ADD_STATS(out_segs, segs);
	skb_set_owner_w(skb, sk);
	err = ip_queue_xmit(sk, skb, &fl);
	if (err && err != -ENOBUFS)
		TCP_INC_STATS(out_err);
	return err;
}

/* ---- queueing and splitting --------------------------------------------------------- */

void tcp_set_skb_tso_segs(struct sk_buff *skb, unsigned int mss_now)
{
	uint32_t len = skb->len;

	TCP_SKB_CB(skb)->tso_segs = (uint16_t)(len <= mss_now ? 1 : (len + mss_now - 1) / mss_now);
}

/* A sent skb's segment count changed (a split, or a new MSS): the counts of
 * segments in flight, SACKed, lost and retransmitted follow (Linux's
 * tcp_adjust_pcount), so the pipe stays exact. */
static void tcp_adjust_pcount(struct tcp_sock *tp, const struct sk_buff *skb, int delta)
{
	uint8_t sacked = TCP_SKB_CB(skb)->sacked;

	if (!delta || !before(TCP_SKB_CB(skb)->seq, tp->snd_nxt))
		return;
	tp->packets_out = (uint32_t)MAX((int64_t)tp->packets_out + delta, 0);
	if (sacked & TCPCB_SACKED_ACKED)
		tp->sacked_out = (uint32_t)MAX((int64_t)tp->sacked_out + delta, 0);
	if (sacked & TCPCB_LOST)
		tp->lost_out = (uint32_t)MAX((int64_t)tp->lost_out + delta, 0);
	if (sacked & TCPCB_SACKED_RETRANS)
		tp->retrans_out = (uint32_t)MAX((int64_t)tp->retrans_out + delta, 0);
}

/* Re-counts skb's segments at mss_now, keeping the flight counts right. */
void tcp_resegment(struct tcp_sock *tp, struct sk_buff *skb, unsigned int mss_now)
{
	int old = (int)tcp_skb_pcount(skb);

	tcp_set_skb_tso_segs(skb, mss_now);
	tcp_adjust_pcount(tp, skb, (int)tcp_skb_pcount(skb) - old);
}

/* Cuts skb after len payload bytes into two skbs next to each other on the
 * write queue and returns the first. A zero-copy skb (payload in frags) is
 * cut without a copy: the second gets frags pointing further into the same
 * user buffer. Otherwise one side's bytes are copied (counted): the shorter one. A short head is copied out and the
 * original keeps the rest by moving its data pointer (safe even while a clone
 * of it is in flight: the clone has its own pointers, and no header is pushed
 * into the freed head before the clone is gone — tcp_retransmit_skb waits
 * for it). tcp_send_size_goal keeps splits of fresh data rare. */
static struct sk_buff *tso_fragment(struct tcp_sock *tp, struct sk_buff *skb, unsigned int len,
				    unsigned int mss_now)
{
	unsigned int rest = skb->len - len;
	bool frags = skb_is_nonlinear(skb) && len >= skb_headlen(skb);
	bool copy_head = !frags && len < rest;
	struct sk_buff *buff = alloc_skb_tx(frags ? 0 : copy_head ? len : rest);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *bcb;
	uint8_t flags = cb->tcp_flags;
	int old = (int)tcp_skb_pcount(skb);
	struct sk_buff *first, *second;

	if (!buff) {
		TCP_INC_STATS(out_no_mem);
		return NULL;
	}
	bcb = TCP_SKB_CB(buff);
	*bcb = *cb;
	if (frags) {
		skb_split_frags(skb, buff, len);
		first = skb;
		second = buff;
		__skb_queue_after(&tp->sk_write_queue, skb, buff);
	} else if (copy_head) {
		memcpy(skb_put(buff, len), skb->data, len);
		skb_pull(skb, len);
		first = buff;
		second = skb;
		__skb_queue_before(&tp->sk_write_queue, skb, buff);
		if (tp->send_head == skb)
			tp->send_head = buff;
	} else {
		memcpy(skb_put(buff, rest), skb->data + len, rest);
		skb_trim(skb, len);
		first = skb;
		second = buff;
		__skb_queue_after(&tp->sk_write_queue, skb, buff);
	}
	if (!frags)
		skb_count_copy(SKB_COPY_TCP_SPLIT, copy_head ? len : rest);
	TRACE_SKB_NEW(TP_tso_fragment, skb, buff);
	TCP_INC_STATS(tcp_tso_split);
	skb_header_release(buff);
	tp->sk_wmem_queued += buff->truesize;
	tcp_mem_charge(tp, buff->truesize);

	/* Both structs still carry the original seq and end_seq here. */
	TCP_SKB_CB(second)->seq = TCP_SKB_CB(first)->seq + len;
	TCP_SKB_CB(first)->end_seq = TCP_SKB_CB(second)->seq;
	TCP_SKB_CB(first)->tcp_flags = flags & (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
	TCP_SKB_CB(second)->tcp_flags = flags;
	tcp_set_skb_tso_segs(first, mss_now);
	tcp_set_skb_tso_segs(second, mss_now);
	tcp_adjust_pcount(tp, first, (int)(tcp_skb_pcount(first) + tcp_skb_pcount(second)) - old);
	return first;
}

struct sk_buff *tcp_fragment_at(struct tcp_sock *tp, struct sk_buff *skb, uint32_t len)
{
	return tso_fragment(tp, skb, len, tcp_current_mss(tp));
}

/* Nagle (RFC 1122 4.2.3.4) as Linux has it, with Minshall's refinement: a
 * short segment waits only while another short one is unACKed (snd_sml),
 * and always while corked; TCP_NODELAY, a forced push or a FIN send it. */
static bool tcp_nagle_holds(const struct tcp_sock *tp, const struct sk_buff *skb, int nonagle)
{
	if (nonagle & TCP_NAGLE_PUSH)
		return false;
	if (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
		return false;
	if (nonagle & TCP_NAGLE_CORK)
		return true;
	return !(nonagle & TCP_NAGLE_OFF) && tp->packets_out && after(tp->snd_sml, tp->snd_una);
}

/* How much of skb to send now: whole segments up to the receive window and
 * the cwnd quota; a short last segment only at the queue's end and only if
 * Nagle lets it go (Linux's rule). */
static unsigned int tcp_mss_split_point(const struct tcp_sock *tp, const struct sk_buff *skb,
					unsigned int mss_now, unsigned int max_segs, int nonagle)
{
	uint32_t window = tcp_wnd_end(tp) - TCP_SKB_CB(skb)->seq;
	uint32_t max_len = mss_now * max_segs;
	bool tail = skb == tcp_write_queue_tail(tp);
	uint32_t needed, partial;

	if (max_len <= window && !tail)
		return max_len;
	needed = MIN(skb->len, window);
	if (max_len <= needed)
		return max_len;
	partial = needed % mss_now;
	if (partial && (!tail || needed < skb->len || tcp_nagle_holds(tp, skb, nonagle)))
		return needed - partial;
	return needed;
}

static unsigned int tcp_cwnd_test(const struct tcp_sock *tp, const struct sk_buff *skb)
{
	uint32_t in_flight, cwnd = tp->snd_cwnd;

	/* A FIN alone is not held back by the cwnd. */
	if ((TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN) && tcp_skb_pcount(skb) == 1 && !skb->len)
		return 1;
	in_flight = tcp_packets_in_flight(tp);
	return in_flight < cwnd ? cwnd - in_flight : 0;
}

static bool tcp_snd_wnd_test(const struct tcp_sock *tp, const struct sk_buff *skb,
			     unsigned int mss_now)
{
	uint32_t end = TCP_SKB_CB(skb)->end_seq;

	if (skb->len > mss_now)
		end = TCP_SKB_CB(skb)->seq + mss_now;
	return !after(end, tcp_wnd_end(tp));
}

static bool tcp_nagle_test(const struct tcp_sock *tp, const struct sk_buff *skb,
			   unsigned int mss_now, int nonagle)
{
	return skb->len >= mss_now || !tcp_nagle_holds(tp, skb, nonagle);
}

void tcp_event_new_data_sent(struct tcp_sock *tp, struct sk_buff *skb)
{
	uint32_t prior_packets = tp->packets_out;

	tp->send_head = skb->next;
	tp->snd_nxt = TCP_SKB_CB(skb)->end_seq;
	/* Minshall: remember the end of the last short segment sent. */
	if (skb->len < tcp_skb_pcount(skb) * (uint32_t)tp->mss_cache)
		tp->snd_sml = TCP_SKB_CB(skb)->end_seq;
	tp->packets_out += tcp_skb_pcount(skb);
	tp->bytes_sent64 += skb->len;
	if (tp->ca_state == TCP_CA_Recovery)
		tp->prr_out += tcp_skb_pcount(skb);
	TCP_INC_STATS(tcp_orig_data_sent);
	if (!prior_packets || tp->pending == ICSK_TIME_PROBE0)
		tcp_rearm_rto(tp);
}

/* Returns true when data waits but nothing could be sent and nothing is in
 * flight (the window is closed: the caller arms the persist timer). */
bool tcp_write_xmit(struct tcp_sock *tp, unsigned int mss_now, int nonagle, bool push_one)
{
	TRACE_FUNC_SK(TP_tcp_write_xmit, &tp->sk);
	struct sk_buff *skb;
	unsigned int sent = 0;

	if (!tp->packets_out && tp->ca_ops)
		tcp_ca_event(tp, CA_EVENT_TX_START);
	while ((skb = tp->send_head) != NULL) {
		unsigned int quota, limit, segs;

		tcp_set_skb_tso_segs(skb, mss_now);
		segs = tcp_skb_pcount(skb);
		quota = tcp_cwnd_test(tp, skb);
		if (!quota)
			break;
		if (!tcp_snd_wnd_test(tp, skb, mss_now))
			break;
		if (segs == 1) {
			if (!tcp_nagle_test(tp, skb, mss_now,
					    skb == tcp_write_queue_tail(tp) ? nonagle : TCP_NAGLE_PUSH))
				break;
			limit = skb->len;
		} else {
			limit = tcp_mss_split_point(tp, skb, mss_now, MIN(quota, segs),
						    skb == tcp_write_queue_tail(tp) ? nonagle :
						    TCP_NAGLE_PUSH);
		}
		if (skb->len > limit) {
			if (!limit)
				break;	/* less than a segment of window left */
			skb = tso_fragment(tp, skb, limit, mss_now);
			if (!skb)
				break;
		}
		if (tcp_transmit_skb(tp, skb, true) == -ENOBUFS && !sent)
			break;
		tcp_event_new_data_sent(tp, skb);
		sent++;
		if (push_one)
			break;
	}
	return !tp->packets_out && tp->send_head;
}

void __tcp_push_pending_frames(struct tcp_sock *tp, unsigned int cur_mss, int nonagle)
{
	if (tp->state == TCP_CLOSE || !tp->send_head)
		return;
	if (tcp_write_xmit(tp, cur_mss, nonagle, false))
		tcp_check_probe_timer(tp);
}

/* The end of a send call: MSG_MORE holds a small tail back like TCP_CORK. */
void tcp_push(struct tcp_sock *tp, int flags, unsigned int mss_now, int nonagle)
{
	TRACE_FUNC_SK(TP_tcp_push, &tp->sk);
	if (!tp->send_head)
		return;
	if (flags & MSG_MORE)
		nonagle = TCP_NAGLE_CORK;
	__tcp_push_pending_frames(tp, mss_now, nonagle);
}

void tcp_push_one(struct tcp_sock *tp, unsigned int mss_now)
{
	if (tp->send_head)
		(void)tcp_write_xmit(tp, mss_now, TCP_NAGLE_PUSH, true);
}

/* ---- the SYN-ACK of a SYN cookie ------------------------------------------------- */

void tcp_v4_send_synack_cookie(const struct tcp_sock *lp, const struct sk_buff *syn,
			       const struct tcp_options_received *peer)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(syn);
	const struct tcphdr *rth = (const struct tcphdr *)syn->data;
	struct tcp_out_options o = { .ws = 0xFF };
	struct flowi4 fl = { .saddr = iph->daddr, .daddr = iph->saddr, .proto = IPPROTO_TCP };
	uint32_t rcv_wnd, clamp = 0, isn;
	uint16_t mss = peer->mss_clamp ? peer->mss_clamp : TCP_MSS_DEFAULT;
	uint8_t wscale = 0;
	bool wscale_ok = peer->wscale_ok && sysctl_tcp_window_scaling;
	unsigned int hlen;
	struct sk_buff *skb;
	struct tcphdr *th;

	isn = cookie_v4_init_sequence(iph->saddr, iph->daddr, rth->source, rth->dest,
				      TCP_SKB_CB(syn)->seq, &mss);
	tcp_select_initial_window(lp->sk.sk_rcvbuf / 2, 1460, &rcv_wnd, &clamp, wscale_ok, &wscale);
	o.mss = 1460;
	if (lp->sk.dst_valid && lp->sk.sk_dst.rt_pmtu)
		o.mss = (uint16_t)(lp->sk.sk_dst.rt_pmtu - IP_MIN_HLEN - sizeof(struct tcphdr));
	o.sack_perm = peer->sack_ok && sysctl_tcp_sack;
	if (wscale_ok)
		o.ws = wscale;
	if (peer->saw_tstamp && sysctl_tcp_timestamps) {
		o.ts = true;
		/* The TSval keeps the PEER's shift; ours the child recomputes
		 * from the same buffer. */
		o.tsval = cookie_init_timestamp(tcp_jiffies32() + secure_tcp_ts_off(iph->daddr, iph->saddr),
						peer->snd_wscale, wscale_ok, o.sack_perm, false);
		o.tsecr = peer->rcv_tsval;
	} else {
		/* Without timestamps the cookie carries only the MSS. */
		o.sack_perm = false;
		o.ws = 0xFF;
	}
	hlen = sizeof(*th) + tcp_options_size(&o);
	skb = alloc_skb_tx(hlen);
	if (!skb) {
		TCP_INC_STATS(out_no_mem);
		return;
	}
	th = (struct tcphdr *)skb_put(skb, hlen);
	memset(th, 0, sizeof(*th));
	th->source = rth->dest;
	th->dest = rth->source;
	th->seq = htonl(isn);
	th->ack_seq = htonl(TCP_SKB_CB(syn)->seq + 1);
	th->doff_res = (uint8_t)((hlen / 4) << 4);
	th->flags = TCPHDR_SYN | TCPHDR_ACK;
	th->window = htons((uint16_t)MIN(rcv_wnd, 65535u));
	tcp_options_write((uint8_t *)(th + 1), &o);
	tcp_v4_send_check(skb, fl.saddr, fl.daddr);
	TCP_INC_STATS(out_segs);
	(void)ip_queue_xmit(NULL, skb, &fl);
}
