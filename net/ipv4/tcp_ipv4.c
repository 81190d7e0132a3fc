/* TCP over IPv4: the receive entry (tcp_v4_rcv: length, checksum, lookup,
 * dispatch by state), the three hash tables, port allocation, active open
 * (tcp_v4_connect), resets and bare ACKs sent without a socket, ICMP errors.
 *
 * Tables, all changed in softirq context or with bottom halves disabled:
 *   ehash  every socket with a 4-tuple (SYN_SENT .. TIME_WAIT, SYN_RECV
 *          children included), by a hash of the 4-tuple
 *   lhash  listeners, by local port
 *   bhash  every socket holding a local port (bind, autobind, children share
 *          their listener's), for conflicts and the ephemeral search */
#include <errno.h>
#include <string.h>
#include "kernel/initcall.h"
#include "kernel/ktimer.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/icmp_hdr.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/protocol.h"
#include "net/secure_seq.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"
#include "net/udp.h"
#include "kernel/trace.h"

#define TCP_EHASH_SIZE 4096
#define TCP_LHASH_SIZE 32
#define TCP_BHASH_SIZE 512

static struct tcp_sock *tcp_ehash[TCP_EHASH_SIZE];
static struct tcp_sock *tcp_lhash[TCP_LHASH_SIZE];
static struct tcp_sock *tcp_bhash[TCP_BHASH_SIZE];
static uint32_t tcp_hash_rnd = 0x6b43a9b5u;

static uint32_t tcp_ehashfn(be32 laddr, be16 lport, be32 faddr, be16 fport)
{
	uint32_t h = laddr ^ (faddr * 0x9e3779b1u) ^ ((uint32_t)lport << 16 | fport) ^ tcp_hash_rnd;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h & (TCP_EHASH_SIZE - 1);
}

static struct tcp_sock **tcp_ebucket(const struct tcp_sock *tp)
{
	const struct sock *sk = &tp->sk;

	return &tcp_ehash[tcp_ehashfn(sk->inet_saddr, sk->inet_sport, sk->inet_daddr,
				      sk->inet_dport)];
}

static struct tcp_sock **tcp_lbucket(be16 port)
{
	return &tcp_lhash[ntohs(port) & (TCP_LHASH_SIZE - 1)];
}

static struct tcp_sock **tcp_bbucket(be16 port)
{
	return &tcp_bhash[ntohs(port) & (TCP_BHASH_SIZE - 1)];
}

static void chain_remove(struct tcp_sock **head, struct tcp_sock *tp)
{
	for (struct tcp_sock **pp = head; *pp; pp = &(*pp)->ehash_next)
		if (*pp == tp) {
			*pp = tp->ehash_next;
			break;
		}
	tp->ehash_next = NULL;
}

void tcp_v4_hash(struct tcp_sock *tp)
{
	struct tcp_sock **b;

	if (tp->hashed)
		return;
	b = tcp_ebucket(tp);
	tp->ehash_next = *b;
	*b = tp;
	tp->hashed = true;
}

void tcp_listen_hash(struct tcp_sock *tp)
{
	struct tcp_sock **b = tcp_lbucket(tp->sk.inet_sport);

	tp->ehash_next = *b;
	*b = tp;
	tp->hashed = true;
}

void tcp_v4_unhash(struct tcp_sock *tp)
{
	if (!tp->hashed)
		return;
	if (tp->state == TCP_LISTEN)
		chain_remove(tcp_lbucket(tp->sk.inet_sport), tp);
	else
		chain_remove(tcp_ebucket(tp), tp);
	tp->hashed = false;
}

/* ---- ports ---------------------------------------------------------------- */

void tcp_put_port(struct tcp_sock *tp)
{
	struct tcp_sock **pp;

	if (!tp->sk.inet_sport)
		return;
	for (pp = tcp_bbucket(tp->sk.inet_sport); *pp; pp = &(*pp)->bhash_next)
		if (*pp == tp) {
			*pp = tp->bhash_next;
			break;
		}
	tp->bhash_next = NULL;
}

static void tcp_bind_hash(struct tcp_sock *tp)
{
	struct tcp_sock **b = tcp_bbucket(tp->sk.inet_sport);

	tp->bhash_next = *b;
	*b = tp;
}

/* Linux's bind conflict rule: another socket on the port whose address
 * overlaps conflicts, unless both set SO_REUSEADDR and the other is not
 * listening (a TIME_WAIT or closed-connection leftover is reusable then). */
static bool tcp_port_conflict(const struct tcp_sock *tp, be16 port, be32 addr)
{
	bool reuse = tp->sk.sk_flags & SOCK_REUSEADDR;

	for (const struct tcp_sock *o = *tcp_bbucket(port); o; o = o->bhash_next) {
		if (o == tp || o->sk.inet_sport != port)
			continue;
		if (o->sk.inet_rcv_saddr && addr && o->sk.inet_rcv_saddr != addr)
			continue;
		if (reuse && (o->sk.sk_flags & SOCK_REUSEADDR) && o->state != TCP_LISTEN)
			continue;
		return true;
	}
	return false;
}

static bool tcp_port_used(be16 port)
{
	for (const struct tcp_sock *o = *tcp_bbucket(port); o; o = o->bhash_next)
		if (o->sk.inet_sport == port)
			return true;
	return false;
}

static uint64_t tcp_port_rnd;

static uint32_t tcp_port_random(void)
{
	if (!tcp_port_rnd)
		tcp_port_rnd = ktime_get_ns() | 1;
	tcp_port_rnd ^= tcp_port_rnd >> 12;
	tcp_port_rnd ^= tcp_port_rnd << 25;
	tcp_port_rnd ^= tcp_port_rnd >> 27;
	return (uint32_t)((tcp_port_rnd * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Binds tp to port (0: a free ephemeral one, RFC 6056 random start).
 * Bottom halves disabled by the caller. */
int tcp_v4_get_port(struct tcp_sock *tp, be16 port, be32 addr)
{
	if (!port) {
		const uint32_t n = UDP_PORT_HIGH - UDP_PORT_LOW + 1;
		uint32_t start = tcp_port_random() % n, i;

		for (i = 0; i < n; i++) {
			be16 p = htons((uint16_t)(UDP_PORT_LOW + (start + i) % n));

			if (!tcp_port_used(p)) {
				port = p;
				break;
			}
		}
		if (i == n)
			return -EADDRNOTAVAIL;
	} else if (tcp_port_conflict(tp, port, addr)) {
		return -EADDRINUSE;
	}
	tp->sk.inet_rcv_saddr = addr;
	tp->sk.inet_saddr = addr;
	tp->sk.inet_sport = port;
	tcp_bind_hash(tp);
	return 0;
}

/* A child takes its listener's port in the bind table. */
void tcp_inherit_port(struct tcp_sock *child)
{
	tcp_bind_hash(child);
}

/* ---- lookup ------------------------------------------------------------------- */

static struct tcp_sock *tcp_lookup_established(be32 saddr, be16 sport, be32 daddr, be16 dport)
{
	for (struct tcp_sock *tp = tcp_ehash[tcp_ehashfn(daddr, dport, saddr, sport)]; tp;
	     tp = tp->ehash_next) {
		const struct sock *sk = &tp->sk;

		if (sk->inet_dport == sport && sk->inet_sport == dport &&
		    sk->inet_daddr == saddr && sk->inet_saddr == daddr)
			return tp;
	}
	return NULL;
}

static struct tcp_sock *tcp_lookup_listener(be32 daddr, be16 dport)
{
	struct tcp_sock *best = NULL;

	for (struct tcp_sock *tp = *tcp_lbucket(dport); tp; tp = tp->ehash_next) {
		if (tp->sk.inet_sport != dport)
			continue;
		if (tp->sk.inet_rcv_saddr == daddr)
			return tp;
		if (!tp->sk.inet_rcv_saddr && !best)
			best = tp;
	}
	return best;
}

/* A 4-tuple for an active open must not be in use (EADDRNOTAVAIL as Linux
 * when every ephemeral port toward that peer is taken). */
static bool tcp_tuple_used(be32 saddr, be16 sport, be32 daddr, be16 dport)
{
	return tcp_lookup_established(daddr, dport, saddr, sport) != NULL;
}

/* ---- checksums and control segments without a socket ---------------------------- */

void tcp_v4_send_check(struct sk_buff *skb, be32 saddr, be32 daddr)
{
	struct tcphdr *th = (struct tcphdr *)skb->data;
	const struct net_device *dev = first_netdev();

	if (dev && (dev->features & NETIF_F_IP_CSUM)) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = (uint16_t)(skb->data - skb->head);
		skb->csum_offset = offsetof(struct tcphdr, check);
		th->check = csum_tcpudp_seed(saddr, daddr, skb->len, IPPROTO_TCP);
	} else {
		th->check = 0;
		th->check = csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP,
					      skb_checksum(skb, 0, skb->len, 0));
		skb->ip_summed = CHECKSUM_NONE;
	}
}

static void tcp_v4_send_ctl(const struct sk_buff *rx, uint32_t seq, uint32_t ack, uint8_t flags,
			    uint32_t win, bool ts, uint32_t tsval, uint32_t tsecr)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(rx);
	const struct tcphdr *rth = (const struct tcphdr *)rx->data;
	unsigned int hlen = sizeof(struct tcphdr) + (ts ? TCPOLEN_TSTAMP_ALIGNED : 0);
	struct sk_buff *skb = alloc_skb_tx(hlen);
	struct flowi4 fl = { .saddr = iph->daddr, .daddr = iph->saddr, .proto = IPPROTO_TCP };
	struct tcphdr *th;

	if (!skb) {
		TCP_INC_STATS(out_no_mem);
		return;
	}
	th = (struct tcphdr *)skb_put(skb, hlen);
	memset(th, 0, hlen);
	th->source = rth->dest;
	th->dest = rth->source;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (uint8_t)((hlen / 4) << 4);
	th->flags = flags;
	th->window = htons((uint16_t)MIN(win, 65535u));
	if (ts) {
		uint8_t *o = (uint8_t *)(th + 1);
		be32 v;

		o[0] = TCPOPT_NOP;
		o[1] = TCPOPT_NOP;
		o[2] = TCPOPT_TIMESTAMP;
		o[3] = TCPOLEN_TIMESTAMP;
		v = htonl(tsval);
		memcpy(o + 4, &v, 4);
		v = htonl(tsecr);
		memcpy(o + 8, &v, 4);
	}
	tcp_v4_send_check(skb, fl.saddr, fl.daddr);
	TCP_INC_STATS(out_segs);
	if (flags & TCPHDR_RST)
		TCP_INC_STATS(out_rsts);
	(void)ip_queue_xmit(NULL, skb, &fl);
}

/* RFC 9293 3.10.7.1: to a segment with ACK, <SEQ=SEG.ACK><CTL=RST>; without,
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never in answer to a RST, and
 * never to a broadcast or multicast (the caller checked). */
void tcp_v4_send_reset(const struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	if (th->flags & TCPHDR_RST)
		return;
	if (th->flags & TCPHDR_ACK)
		tcp_v4_send_ctl(skb, ntohl(th->ack_seq), 0, TCPHDR_RST, 0, false, 0, 0);
	else
		tcp_v4_send_ctl(skb, 0, cb->end_seq, TCPHDR_RST | TCPHDR_ACK, 0, false, 0, 0);
}

void tcp_v4_send_ack(const struct sk_buff *skb, uint32_t seq, uint32_t ack, uint32_t win,
		     uint32_t tsval, uint32_t tsecr, bool ts)
{
	tcp_v4_send_ctl(skb, seq, ack, TCPHDR_ACK, win, ts, tsval, tsecr);
}

/* ---- active open ------------------------------------------------------------------ */

int tcp_v4_connect(struct tcp_sock *tp, be32 daddr, be16 dport)
{
	struct sock *sk = &tp->sk;
	struct rtable rt;
	be32 saddr;
	int err;

	if (!daddr || ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr))
		return -ENETUNREACH;
	err = ip_route_output(daddr, sk->inet_rcv_saddr, &rt);
	if (err)
		return err;
	if (rt.rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return -ENETUNREACH;
	saddr = sk->inet_rcv_saddr ? sk->inet_rcv_saddr : rt.rt_src;
	if (!sk->inet_sport) {
		/* Ephemeral port: free in the bind table and for this 4-tuple. */
		const uint32_t n = UDP_PORT_HIGH - UDP_PORT_LOW + 1;
		uint32_t start = tcp_port_random() % n, i;

		for (i = 0; i < n; i++) {
			be16 p = htons((uint16_t)(UDP_PORT_LOW + (start + i) % n));

			if (!tcp_port_used(p) && !tcp_tuple_used(saddr, p, daddr, dport))
				break;
		}
		if (i == n)
			return -EADDRNOTAVAIL;
		err = tcp_v4_get_port(tp, htons((uint16_t)(UDP_PORT_LOW + (start + i) % n)),
				      sk->inet_rcv_saddr);
		if (err)
			return err;
	} else if (tcp_tuple_used(saddr, sk->inet_sport, daddr, dport)) {
		return -EADDRNOTAVAIL;
	}
	sk->inet_saddr = saddr;
	sk->inet_daddr = daddr;
	sk->inet_dport = dport;
	sk->sk_dst = rt;
	sk->dst_valid = true;
	sk->connected = true;
	tp->iss = secure_tcp_seq(saddr, daddr, sk->inet_sport, dport);
	tp->tsoffset = secure_tcp_ts_off(saddr, daddr);
	tcp_set_state(tp, TCP_SYN_SENT);
	tcp_v4_hash(tp);
	err = tcp_connect(tp);
	if (err) {
		tcp_set_state(tp, TCP_CLOSE);
		tcp_v4_unhash(tp);
		sk->connected = false;
		sk->inet_daddr = 0;
		sk->inet_dport = 0;
		return err;
	}
	TCP_INC_STATS(active_opens);
	return 0;
}

/* ---- receive ------------------------------------------------------------------------ */

static int tcp_v4_drop(struct sk_buff *skb, uint64_t *reason)
{
	(*reason)++;
	TCP_INC_STATS(in_errs);
	kfree_skb(skb);
	return 0;
}

static void tcp_v4_listen_rcv(struct tcp_sock *lp, struct sk_buff *skb)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	uint8_t f = th->flags;

	if (f & TCPHDR_RST) {
		kfree_skb(skb);
		return;
	}
	if (f & TCPHDR_ACK) {
		/* Nothing of ours to acknowledge, unless it carries a cookie. */
		if (!(f & TCPHDR_SYN) && tcp_cookie_check(lp, skb)) {
			/* The child handles the rest of this segment (data, FIN). */
			struct tcp_sock *child = tcp_lookup_established(
				((const struct iphdr *)skb_network_header(skb))->saddr, th->source,
				((const struct iphdr *)skb_network_header(skb))->daddr, th->dest);

			if (child) {
				tcp_hold(child);
				tcp_rcv_established(child, skb);
				tcp_unhold(child);
				return;
			}
		}
		tcp_v4_send_reset(skb);
		kfree_skb(skb);
		return;
	}
	if (f & TCPHDR_SYN) {
		tcp_conn_request(lp, skb);
		return;
	}
	/* Neither SYN, ACK nor RST: nothing a listener can take (RFC 9293
	 * 3.10.7.2 "any other control or text-bearing segment"). */
	TCP_INC_STATS(in_bad_flags);
	kfree_skb(skb);
}

int tcp_v4_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct tcphdr *th;
	struct tcp_skb_cb *cb;
	struct tcp_sock *tp;
	unsigned int doff;

	TCP_INC_STATS(in_segs);
	if (IPCB(skb)->flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		kfree_skb(skb);		/* TCP is unicast only (RFC 1122 4.2.3.10) */
		return 0;
	}
	if (skb->len < sizeof(*th))
		return tcp_v4_drop(skb, &tcp_mib.in_short);
	th = (struct tcphdr *)skb->data;
	doff = tcp_hdrlen(th);
	if (doff < sizeof(*th) || doff > skb->len)
		return tcp_v4_drop(skb, &tcp_mib.in_bad_doff);
	if (skb->ip_summed != CHECKSUM_UNNECESSARY &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
			      csum_partial(th, skb->len, 0)) != 0)
		return tcp_v4_drop(skb, &tcp_mib.in_csum_errors);
	/* Port 0 is reserved (RFC 6335 6): no connection has it, and an
	 * answer would go to a port nobody can listen on. */
	if (!th->source || !th->dest)
		return tcp_v4_drop(skb, &tcp_mib.in_port_zero);
	/* RFC 9293 3.10.7: SYN+FIN and SYN+RST name no sensible event. */
	if ((th->flags & TCPHDR_SYN) && (th->flags & (TCPHDR_FIN | TCPHDR_RST)))
		return tcp_v4_drop(skb, &tcp_mib.in_bad_flags);
	cb = TCP_SKB_CB(skb);
	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + !!(th->flags & TCPHDR_SYN) + !!(th->flags & TCPHDR_FIN) +
		      (skb->len - doff);
	cb->ack_seq = ntohl(th->ack_seq);
	cb->tcp_flags = th->flags;
	cb->sacked = 0;
	cb->has_ts = false;

	tp = tcp_lookup_established(iph->saddr, th->source, iph->daddr, th->dest);
	if (!tp) {
		tp = tcp_lookup_listener(iph->daddr, th->dest);
		if (!tp) {
			TCP_INC_STATS(in_no_socket);
			tcp_v4_send_reset(skb);
			kfree_skb(skb);
			return 0;
		}
		tcp_v4_listen_rcv(tp, skb);
		return 0;
	}
	tcp_hold(tp);
	/* Here, not at the top: only the segment's socket says whether it is
	 * the traced send's ACK. */
	TRACE_FUNC_SK(TP_tcp_v4_rcv, &tp->sk);
	switch (tp->state) {
	case TCP_ESTABLISHED:
		tcp_rcv_established(tp, skb);
		break;
	case TCP_TIME_WAIT:
		if (tcp_timewait_state_process(tp, skb)) {
			/* A new SYN ended the TIME_WAIT: to the listener. */
			struct tcp_sock *lp = tcp_lookup_listener(iph->daddr, th->dest);

			if (lp)
				tcp_v4_listen_rcv(lp, skb);
			else
				kfree_skb(skb);
		}
		break;
	default:
		tcp_rcv_state_process(tp, skb);
		break;
	}
	tcp_unhold(tp);
	return 0;
}

/* ICMP errors (RFC 1122 4.2.3.9, RFC 5927): hard errors abort a connection
 * in SYN_SENT; otherwise they are soft and reported when it times out. Frag
 * needed lowers the MSS (PMTU discovery). */
void tcp_v4_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th;
	struct tcp_sock *tp;
	uint32_t seq;
	int err;

	if (skb->len < ip_hdrlen(iph) + 8)
		return;
	th = (const struct tcphdr *)(skb->data + ip_hdrlen(iph));
	tp = tcp_lookup_established(iph->daddr, th->dest, iph->saddr, th->source);
	if (!tp || tp->state == TCP_TIME_WAIT)
		return;
	seq = ntohl(th->seq);
	/* RFC 5927 4.1: only for data in flight. */
	if (tp->state != TCP_SYN_SENT && !between(seq, tp->snd_una, tp->snd_nxt))
		return;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		if (info >= 68 && tp->sk.sk_dst.rt_pmtu > info) {
			tp->sk.sk_dst.rt_pmtu = info;
			tcp_sync_mss(tp, info);
			tcp_xmit_retransmit_queue(tp);
		}
		return;
	}
	if (type == ICMP_DEST_UNREACH)
		err = code == ICMP_PORT_UNREACH || code == ICMP_PROT_UNREACH ? ECONNREFUSED :
		      EHOSTUNREACH;
	else if (type == ICMP_TIME_EXCEEDED)
		err = EHOSTUNREACH;
	else
		return;
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV) {
		if (tp->state == TCP_SYN_SENT) {
			tp->sk.sk_err = err;
			tcp_wake(tp);
			tcp_done(tp);
		}
		return;
	}
	tp->sk_err_soft = err;
}

void tcp_v4_kill_children(struct tcp_sock *lp)
{
	for (unsigned int i = 0; i < TCP_EHASH_SIZE; i++) {
		unsigned int guard = 0;
		struct tcp_sock *tp = tcp_ehash[i];

		/* tcp_done unhashes: start the chain over after each one. */
		while (tp && guard++ < 100000) {
			if (tp->parent == lp) {
				tcp_done(tp);
				tp = tcp_ehash[i];
			} else {
				tp = tp->ehash_next;
			}
		}
	}
}

/* ---- every socket, for ss ---------------------------------------------------------- */

static bool tcp_ss_one(const struct tcp_sock *tp,
		       bool (*fn)(const struct tcp_ss_entry *e, void *arg), void *arg)
{
	struct tcp_ss_entry e = {
		.state = tp->state,
		.laddr = tp->sk.inet_rcv_saddr ? tp->sk.inet_rcv_saddr : tp->sk.inet_saddr,
		.raddr = tp->sk.inet_daddr,
		.lport = tp->sk.inet_sport,
		.rport = tp->sk.inet_dport,
		.tp = tp,
	};

	if (tp->state == TCP_LISTEN) {
		e.laddr = tp->sk.inet_rcv_saddr;
		e.recv_q = tp->accept_qlen;
		e.send_q = tp->max_ack_backlog;
	} else {
		e.recv_q = tp->rcv_nxt - tp->copied_seq;
		e.send_q = tp->write_seq - tp->snd_una;
		if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV || tp->state == TCP_TIME_WAIT)
			e.recv_q = e.send_q = 0;
		if (tp->state == TCP_TIME_WAIT && timer_pending(&tp->keepalive_timer)) {
			uint64_t now = jiffies();

			e.timer_ms = tp->keepalive_timer.expires > now ?
				     (uint32_t)(tp->keepalive_timer.expires - now) : 0;
		}
	}
	return fn(&e, arg);
}

void tcp_for_each_socket(bool (*fn)(const struct tcp_ss_entry *e, void *arg), void *arg)
{
	local_bh_disable();
	for (unsigned int i = 0; i < TCP_LHASH_SIZE; i++)
		for (const struct tcp_sock *tp = tcp_lhash[i]; tp; tp = tp->ehash_next)
			if (!tcp_ss_one(tp, fn, arg))
				goto out;
	for (unsigned int i = 0; i < TCP_EHASH_SIZE; i++)
		for (const struct tcp_sock *tp = tcp_ehash[i]; tp; tp = tp->ehash_next)
			if (!tcp_ss_one(tp, fn, arg))
				goto out;
out:
	local_bh_enable();
}

static const struct net_protocol tcp_protocol = {
	.handler = tcp_v4_rcv,
	.err_handler = tcp_v4_err,
};

static void tcp_v4_init(void)
{
	tcp_hash_rnd ^= (uint32_t)ktime_get_ns() * 0x2545F491u;
	tcp_init();
	if (inet_add_protocol(&tcp_protocol, IPPROTO_TCP) < 0)
		pr_err("tcp: cannot register protocol %d\n", IPPROTO_TCP);
}
net_initcall(NET_INIT_L4, tcp_v4_init);
