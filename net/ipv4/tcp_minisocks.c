/* Passive open and the end of a connection's life:
 *
 *   tcp_conn_request   a SYN to a listener: a child socket in SYN_RECV,
 *                      counted in the listener's SYN queue (bounded by
 *                      min(backlog, tcp_max_syn_backlog)); past that, a SYN
 *                      cookie (RFC 4987) answers without any state
 *   tcp_cookie_check   the ACK of a cookie SYN-ACK makes the child directly
 *   tcp_child_established  SYN queue -> accept queue
 *   tcp_time_wait / tcp_timewait_state_process  TIME_WAIT (60 s, RFC 9293
 *                      3.6.1; a new SYN above rcv_nxt may reuse the tuple,
 *                      as Linux allows)
 *
 * A child is a full tcp_sock without a descriptor until accept() takes it
 * (net/socket.c sk_alloc_child / sock_attach_fd). */
#include <errno.h>
#include <string.h>
#include "kernel/ktimer.h"
#include "kernel/time.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/secure_seq.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

unsigned int tcp_reqsk_count(const struct tcp_sock *listener)
{
	return listener->syn_qlen;
}

static bool tcp_acceptq_full(const struct tcp_sock *lp)
{
	return lp->accept_qlen >= MAX(lp->max_ack_backlog, 1u);
}

static uint32_t tcp_syn_backlog(const struct tcp_sock *lp)
{
	return MAX(MIN(lp->max_ack_backlog, (uint32_t)sysctl_tcp_max_syn_backlog), 8u);
}

/* The child's addresses, route and receive window from the SYN. */
static struct tcp_sock *tcp_create_child(struct tcp_sock *lp, const struct sk_buff *skb,
					 const struct tcp_options_received *peer)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct sock *csk = sk_alloc_child(&lp->sk);
	struct tcp_sock *tp;

	if (!csk) {
		TCP_INC_STATS(tcp_abort_on_memory);
		return NULL;
	}
	tp = tcp_sk(csk);
	csk->inet_rcv_saddr = iph->daddr;
	csk->inet_saddr = iph->daddr;
	csk->inet_daddr = iph->saddr;
	csk->inet_sport = th->dest;
	csk->inet_dport = th->source;
	csk->connected = true;
	if (ip_route_output(iph->saddr, iph->daddr, &csk->sk_dst)) {
		tp->orphan = true;
		tcp_done(tp);
		return NULL;
	}
	csk->dst_valid = true;
	tp->orphan = true;
	tp->nodelay = lp->nodelay;
	tp->keepalive = lp->keepalive;
	tp->keepalive_time = lp->keepalive_time;
	tp->keepalive_intvl = lp->keepalive_intvl;
	tp->keepalive_probes = lp->keepalive_probes;
	tp->user_mss = lp->user_mss;
	tp->linger2 = lp->linger2;
	tp->irs = TCP_SKB_CB(skb)->seq;
	tp->rcv_nxt = tp->irs + 1;
	tp->rcv_wup = tp->rcv_nxt;
	tp->copied_seq = tp->rcv_nxt;
	tcp_negotiate(tp, peer);
	tp->snd_wnd = ntohs(th->window);
	tp->snd_wl1 = tp->irs;
	tp->max_window = tp->snd_wnd;
	tcp_init_rcv_window(tp, tp->rx_opt.wscale_ok);
	tp->parent = lp;
	tcp_inherit_port(tp);
	return tp;
}

void tcp_conn_request(struct tcp_sock *lp, struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct tcp_options_received peer = { 0 };
	struct tcp_sock *tp;

	if (tcp_hdrlen(th) > sizeof(*th) && !tcp_parse_options(th, &peer, true)) {
		TCP_INC_STATS(in_bad_opts);
		TCP_INC_STATS(in_errs);
		goto drop;
	}
	if (tcp_acceptq_full(lp)) {
		TCP_INC_STATS(listen_overflows);
		TCP_INC_STATS(listen_drops);
		goto drop;
	}
	if (tcp_under_memory_pressure()) {
		/* Every socket's queues together passed tcp_mem_max_kb: no new
		 * connection until they drain (counted; the peer retries). */
		TCP_INC_STATS(mem_refused_conns);
		TCP_INC_STATS(listen_drops);
		goto drop;
	}
	if (lp->syn_qlen >= tcp_syn_backlog(lp)) {
		if (!sysctl_tcp_syncookies) {
			TCP_INC_STATS(tcp_req_q_full_drop);
			TCP_INC_STATS(listen_drops);
			goto drop;
		}
		TCP_INC_STATS(tcp_req_q_full_do_cookies);
		tcp_v4_send_synack_cookie(lp, skb, &peer);
		TCP_INC_STATS(syncookies_sent);
		goto drop;
	}
	tp = tcp_create_child(lp, skb, &peer);
	if (!tp) {
		TCP_INC_STATS(listen_drops);
		goto drop;
	}
	tp->iss = secure_tcp_seq(iph->daddr, iph->saddr, th->dest, th->source);
	tp->tsoffset = secure_tcp_ts_off(iph->daddr, iph->saddr);
	lp->syn_qlen++;
	tcp_set_state(tp, TCP_SYN_RECV);
	tcp_v4_hash(tp);
	if (tcp_send_synack(tp)) {
		tcp_done(tp);
		TCP_INC_STATS(listen_drops);
	}
drop:
	kfree_skb(skb);
}

struct tcp_sock *tcp_cookie_check(struct tcp_sock *lp, struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received peer = { 0 };
	uint16_t mss;
	uint8_t wscale = 0;
	bool wscale_ok = false, sack_ok = false, ecn_ok = false;
	struct tcp_sock *tp;

	if (!sysctl_tcp_syncookies)
		return NULL;
	if (tcp_hdrlen(th) > sizeof(*th) && !tcp_parse_options(th, &peer, false))
		return NULL;
	mss = cookie_v4_check(iph->saddr, iph->daddr, th->source, th->dest, cb->seq - 1,
			      cb->ack_seq - 1);
	if (!mss) {
		TCP_INC_STATS(syncookies_failed);
		return NULL;
	}
	if (peer.saw_tstamp &&
	    !cookie_timestamp_decode(peer.rcv_tsecr, &wscale, &wscale_ok, &sack_ok, &ecn_ok)) {
		TCP_INC_STATS(syncookies_failed);
		return NULL;
	}
	if (tcp_acceptq_full(lp)) {
		TCP_INC_STATS(listen_overflows);
		TCP_INC_STATS(listen_drops);
		return NULL;
	}
	TCP_INC_STATS(syncookies_recv);
	peer.mss_clamp = mss;
	peer.wscale_ok = wscale_ok;
	peer.snd_wscale = wscale;
	peer.sack_ok = sack_ok;
	/* The SYN's TSval is gone; the ACK's stands in for TS.Recent. */
	tp = tcp_create_child(lp, skb, &peer);
	if (!tp)
		return NULL;
	tp->irs = cb->seq - 1;
	tp->rcv_nxt = cb->seq;
	tp->rcv_wup = cb->seq;
	tp->copied_seq = cb->seq;
	tp->iss = cb->ack_seq - 1;
	tp->snd_una = cb->ack_seq;
	tp->snd_nxt = cb->ack_seq;
	tp->write_seq = cb->ack_seq;
	tp->pushed_seq = cb->ack_seq;
	tp->snd_wnd = (uint32_t)ntohs(th->window) << tp->rx_opt.snd_wscale;
	tp->snd_wl1 = cb->seq;
	tp->snd_wl2 = cb->ack_seq;
	tp->max_window = tp->snd_wnd;
	/* The window scale we offered is the one the cookie's SYN-ACK
	 * carried: the same computation on the same buffer. */
	tp->tsoffset = secure_tcp_ts_off(iph->daddr, iph->saddr);
	lp->syn_qlen++;		/* tcp_child_established takes it off again */
	tcp_set_state(tp, TCP_ESTABLISHED);
	tcp_v4_hash(tp);
	tcp_init_transfer(tp);
	tcp_child_established(tp);
	return tp;
}

void tcp_child_established(struct tcp_sock *child)
{
	struct tcp_sock *lp = child->parent;

	if (!lp)
		return;
	lp->syn_qlen -= MIN(lp->syn_qlen, 1u);
	child->accept_next = NULL;
	if (lp->accept_tail)
		lp->accept_tail->accept_next = child;
	else
		lp->accept_head = child;
	lp->accept_tail = child;
	lp->accept_qlen++;
	TCP_INC_STATS(passive_opens);
	tcp_wake(lp);
}

/* tcp_done of a child still owned by its listener. */
void tcp_unlink_from_parent(struct tcp_sock *child)
{
	struct tcp_sock *lp = child->parent;
	struct tcp_sock **pp, *prev = NULL;

	if (!lp)
		return;
	child->parent = NULL;
	for (pp = &lp->accept_head; *pp; prev = *pp, pp = &(*pp)->accept_next)
		if (*pp == child) {
			*pp = child->accept_next;
			if (lp->accept_tail == child)
				lp->accept_tail = prev;
			lp->accept_qlen--;
			return;
		}
	lp->syn_qlen -= MIN(lp->syn_qlen, 1u);
}

struct tcp_sock *tcp_accept_dequeue(struct tcp_sock *lp)
{
	struct tcp_sock *child = lp->accept_head;

	if (!child)
		return NULL;
	lp->accept_head = child->accept_next;
	if (!lp->accept_head)
		lp->accept_tail = NULL;
	lp->accept_qlen--;
	child->accept_next = NULL;
	child->parent = NULL;
	return child;
}

void tcp_listen_stop(struct tcp_sock *lp)
{
	struct tcp_sock *child;

	/* Connections nobody accepted are reset (RFC 9293 3.10.4, as Linux). */
	while ((child = tcp_accept_dequeue(lp)) != NULL) {
		TCP_INC_STATS(tcp_abort_on_close);
		tcp_send_active_reset(child);
		tcp_done(child);
	}
	tcp_v4_kill_children(lp);
	lp->syn_qlen = 0;
}

/* ---- TIME_WAIT --------------------------------------------------------------------- */

void tcp_time_wait(struct tcp_sock *tp, int state, uint32_t timeo_ms)
{
	struct sk_buff *skb;

	(void)state;
	tcp_set_state(tp, TCP_TIME_WAIT);
	tp->pending = 0;
	tp->ack_sched = false;
	timer_del(&tp->retransmit_timer);
	timer_del(&tp->delack_timer);
	while ((skb = skb_dequeue(&tp->sk_write_queue)) != NULL)
		tcp_wmem_free_skb(tp, skb);
	tp->send_head = NULL;
	tp->packets_out = 0;
	tcp_ofo_purge(tp);
	tcp_reset_keepalive_timer(tp, timeo_ms);
	tcp_wake(tp);
}

bool tcp_timewait_state_process(struct tcp_sock *tp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct tcp_options_received opt = tp->rx_opt;

	if (tcp_hdrlen(th) > sizeof(*th) && !tcp_parse_options(th, &opt, false)) {
		TCP_INC_STATS(in_bad_opts);
		TCP_INC_STATS(in_errs);
		kfree_skb(skb);
		return false;
	}
	if (th->flags & TCPHDR_RST) {
		/* Linux's default (tcp_rfc1337 = 0): an in-window RST ends it. */
		if (cb->seq == tp->rcv_nxt) {
			TCP_INC_STATS(tw_killed);
			tcp_done(tp);
		}
		kfree_skb(skb);
		return false;
	}
	if ((th->flags & TCPHDR_SYN) && !(th->flags & TCPHDR_ACK) && after(cb->seq, tp->rcv_nxt) &&
	    (!opt.saw_tstamp || !tp->rx_opt.tstamp_ok ||
	     (int32_t)(opt.rcv_tsval - tp->ts_recent) > 0)) {
		/* A new incarnation (RFC 6191 with timestamps). */
		TCP_INC_STATS(tw_recycled);
		tcp_done(tp);
		return true;
	}
	if (opt.saw_tstamp && tcp_paws_reject(tp, &opt, false)) {
		TCP_INC_STATS(paws_active);
		tcp_send_ack(tp);
		kfree_skb(skb);
		return false;
	}
	/* RFC 9293 3.10.7.4: a retransmitted FIN is ACKed and restarts the
	 * 2 MSL timer; other segments get an ACK. */
	if ((th->flags & TCPHDR_FIN) && cb->end_seq == tp->rcv_nxt)
		tcp_reset_keepalive_timer(tp, TCP_TIMEWAIT_LEN_MS);
	if (!(th->flags & TCPHDR_ACK) || cb->seq != cb->end_seq || (th->flags & TCPHDR_FIN))
		tcp_send_ack(tp);
	kfree_skb(skb);
	return false;
}
