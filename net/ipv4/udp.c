/* UDP (RFC 768; RFC 1122 4.1.3): receive demultiplexing, the send path
 * (udp_sendmsg -> ip_queue_xmit), ICMP errors for the sockets, and the port
 * table.
 *
 * The port table hashes sockets by local port; each chain is changed only
 * with bottom halves disabled (bind, connect, close) and read by the receive
 * softirq. A socket is in the table from bind (or autobind) until close. */
#include <errno.h>
#include <string.h>
#include "kernel/initcall.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/protocol.h"
#include "net/route.h"
#include "net/skbuff.h"
#include "net/snmp.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/udp.h"

struct udp_mib udp_mib;

static const struct snmp_field udp_fields[] = {
	SNMP_FIELD(struct udp_mib, in_datagrams, "UdpInDatagrams"),
	SNMP_FIELD(struct udp_mib, no_ports, "UdpNoPorts"),
	SNMP_FIELD(struct udp_mib, in_errors, "UdpInErrors"),
	SNMP_FIELD(struct udp_mib, out_datagrams, "UdpOutDatagrams"),
	SNMP_FIELD(struct udp_mib, rcvbuf_errors, "UdpRcvbufErrors"),
	SNMP_FIELD(struct udp_mib, sndbuf_errors, "UdpSndbufErrors"),
	SNMP_FIELD(struct udp_mib, in_csum_errors, "UdpInCsumErrors"),
	SNMP_FIELD(struct udp_mib, ignored_multi, "UdpIgnoredMulti"),
	SNMP_FIELD(struct udp_mib, in_short, "UdpInShort"),
};
SNMP_MIB("Udp", &udp_mib, udp_fields);

/* What the receive path keeps for recvfrom in skb->cb. */
struct udp_skb_cb {
	be32 saddr;
	be16 sport;
};
_Static_assert(sizeof(struct udp_skb_cb) <= sizeof(((struct sk_buff *)0)->cb), "udp cb fits");
#define UDP_SKB_CB(skb) ((struct udp_skb_cb *)(skb)->cb)

/* ---- the port table ---------------------------------------------------------- */

#define UDP_HTABLE_SIZE 128
static struct sock *udp_table[UDP_HTABLE_SIZE];

static struct sock **udp_bucket(be16 port)
{
	return &udp_table[ntohs(port) & (UDP_HTABLE_SIZE - 1)];
}

struct sock *udp_lib_lookup(be32 saddr, be16 sport, be32 daddr, be16 dport)
{
	struct sock *best = NULL;
	int best_score = -1;

	for (struct sock *sk = *udp_bucket(dport); sk; sk = sk->hash_next) {
		int score = 0;

		if (sk->inet_sport != dport)
			continue;
		if (sk->inet_rcv_saddr) {
			if (sk->inet_rcv_saddr != daddr)
				continue;
			score += 1;
		}
		if (sk->connected) {
			if (sk->inet_daddr != saddr || sk->inet_dport != sport)
				continue;
			score += 2;
		}
		/* The first of equals wins: the newest bind is at the chain's head. */
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

/* Two sockets may share a port when their local addresses cannot both match
 * one datagram, or when both asked for SO_REUSEADDR. */
static bool udp_port_conflict(const struct sock *sk, be16 port, be32 addr)
{
	for (const struct sock *o = *udp_bucket(port); o; o = o->hash_next) {
		if (o == sk || o->inet_sport != port)
			continue;
		if (o->inet_rcv_saddr && addr && o->inet_rcv_saddr != addr)
			continue;
		if ((o->sk_flags & SOCK_REUSEADDR) && (sk->sk_flags & SOCK_REUSEADDR))
			continue;
		return true;
	}
	return false;
}

static bool udp_port_used(be16 port)
{
	for (const struct sock *o = *udp_bucket(port); o; o = o->hash_next)
		if (o->inet_sport == port)
			return true;
	return false;
}

static uint64_t udp_port_rnd;

/* A pseudo-random start in the ephemeral range (xorshift64*), so port
 * numbers are not predictable from one socket to the next (RFC 6056 3.2). */
static uint32_t udp_port_random(void)
{
	if (!udp_port_rnd)
		udp_port_rnd = ktime_get_ns() | 1;
	udp_port_rnd ^= udp_port_rnd >> 12;
	udp_port_rnd ^= udp_port_rnd << 25;
	udp_port_rnd ^= udp_port_rnd >> 27;
	return (uint32_t)((udp_port_rnd * 0x2545F4914F6CDD1DULL) >> 32);
}

/* Binds sk to port (network order; 0 picks a free ephemeral one) and hashes
 * it. Bottom halves disabled by the caller. */
static int udp_lib_get_port(struct sock *sk, be16 port, be32 addr)
{
	struct sock **b;

	if (!port) {
		const uint32_t n = UDP_PORT_HIGH - UDP_PORT_LOW + 1;
		uint32_t start = udp_port_random() % n;
		uint32_t i;

		for (i = 0; i < n; i++) {
			be16 p = htons((uint16_t)(UDP_PORT_LOW + (start + i) % n));

			if (!udp_port_used(p)) {
				port = p;
				break;
			}
		}
		if (i == n)
			return -EADDRINUSE;
	} else if (udp_port_conflict(sk, port, addr)) {
		return -EADDRINUSE;
	}
	sk->inet_rcv_saddr = addr;
	sk->inet_saddr = addr;
	sk->inet_sport = port;
	b = udp_bucket(port);
	sk->hash_next = *b;
	*b = sk;
	return 0;
}

static void udp_unhash(struct sock *sk)
{
	if (!sk->inet_sport)
		return;
	for (struct sock **pp = udp_bucket(sk->inet_sport); *pp; pp = &(*pp)->hash_next)
		if (*pp == sk) {
			*pp = sk->hash_next;
			break;
		}
	sk->hash_next = NULL;
}

/* ---- struct proto ------------------------------------------------------------ */

static bool udp_addr_bindable(be32 addr)
{
	struct net_device *dev = first_netdev();

	return addr == INADDR_ANY || ipv4_is_lbcast(addr) || ipv4_is_multicast(addr) ||
	       inet_addr_is_local(addr) || (dev && inet_addr_is_broadcast(dev, addr));
}

static int udp_bind(struct sock *sk, be32 addr, be16 port)
{
	int err;

	if (sk->inet_sport)
		return -EINVAL;
	if (!udp_addr_bindable(addr))
		return -EADDRNOTAVAIL;
	local_bh_disable();
	err = udp_lib_get_port(sk, port, addr);
	local_bh_enable();
	return err;
}

static int udp_autobind(struct sock *sk)
{
	int err = 0;

	local_bh_disable();
	if (!sk->inet_sport)
		err = udp_lib_get_port(sk, 0, sk->inet_rcv_saddr);
	local_bh_enable();
	/* Linux's inet_autobind reports an exhausted range as EAGAIN. */
	return err == -EADDRINUSE ? -EAGAIN : err;
}

static void udp_disconnect(struct sock *sk)
{
	local_bh_disable();
	sk->inet_daddr = 0;
	sk->inet_dport = 0;
	sk->connected = false;
	sk->dst_valid = false;
	sk->sk_hash = 0;
	sk->sk_tx_queue_mapping = -1;
	local_bh_enable();
}

/* addr INADDR_ANY with port 0 stands for AF_UNSPEC: dissolve the association. */
static int udp_connect(struct sock *sk, be32 addr, be16 port)
{
	struct rtable rt;
	int err;

	if (!addr && !port) {
		udp_disconnect(sk);
		return 0;
	}
	err = ip_route_output(addr, sk->inet_rcv_saddr, &rt);
	if (err)
		return err;
	if (((rt.rt_flags & RTCF_BROADCAST) || ipv4_is_lbcast(addr)) &&
	    !(sk->sk_flags & SOCK_BROADCAST))
		return -EACCES;
	err = udp_autobind(sk);
	if (err)
		return err;
	local_bh_disable();
	/* As Linux's ip4_datagram_connect: an unbound socket takes the route's
	 * source, so replies from the peer to that address find it. */
	if (!sk->inet_rcv_saddr)
		sk->inet_rcv_saddr = rt.rt_src;
	sk->inet_saddr = sk->inet_rcv_saddr;
	sk->inet_daddr = addr;
	sk->inet_dport = port;
	sk->connected = true;
	sk->sk_dst = rt;
	sk->dst_valid = true;
	sk->sk_hash = 0;
	sk->sk_tx_queue_mapping = -1;
	local_bh_enable();
	return 0;
}

/* The route for this datagram: the socket's cached one when it is for the
 * same destination and still valid (ip_queue_xmit keeps it the same way),
 * else a fresh lookup into *tmp, which ip_queue_xmit caches in turn. */
static const struct rtable *udp_route(struct sock *sk, be32 daddr, struct rtable *tmp, int *err)
{
	if (sk->dst_valid && sk->sk_dst.rt_dst == daddr && rt_valid(&sk->sk_dst))
		return &sk->sk_dst;
	*err = ip_route_output(daddr, sk->inet_rcv_saddr, tmp);
	return *err ? NULL : tmp;
}

static int udp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
		       be32 daddr, be16 dport, bool has_dest)
{
	bool nonblock = (flags & MSG_DONTWAIT) || (sk->sk_flags & SOCK_NONBLOCK_F);
	struct flowi4 fl = { .proto = IPPROTO_UDP };
	const struct rtable *rt;
	struct rtable tmp;
	struct sk_buff *skb;
	struct udphdr *uh;
	uint32_t ulen, truesize;
	int err;

	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (has_dest) {
		if (!dport)
			return -EINVAL;
	} else {
		if (!sk->connected)
			return -EDESTADDRREQ;
		daddr = sk->inet_daddr;
		dport = sk->inet_dport;
	}
	err = sock_error(sk);
	if (err)
		return err;
	if (ipv4_is_lbcast(daddr) && !(sk->sk_flags & SOCK_BROADCAST))
		return -EACCES;
	err = udp_autobind(sk);
	if (err)
		return err;
	rt = udp_route(sk, daddr, &tmp, &err);
	if (!rt)
		return err;
	if ((rt->rt_flags & RTCF_BROADCAST) && !(sk->sk_flags & SOCK_BROADCAST))
		return -EACCES;

	ulen = (uint32_t)len + sizeof(*uh);
	skb = alloc_skb_tx(ulen);
	if (!skb) {
		udp_mib.sndbuf_errors++;
		return -ENOBUFS;
	}
	truesize = skb_charge(skb);
	err = sk_wait_wmem(sk, truesize, nonblock);
	if (err) {
		if (err == -EAGAIN)
			udp_mib.sndbuf_errors++;
		kfree_skb(skb);
		return err;
	}
	/* The wait may have let the routes change: look again if so. */
	if (!rt_valid(rt)) {
		rt = udp_route(sk, daddr, &tmp, &err);
		if (!rt) {
			kfree_skb(skb);
			return err;
		}
	}
	skb_set_owner_w(skb, sk);

	fl.saddr = sk->inet_rcv_saddr && !ipv4_is_multicast(sk->inet_rcv_saddr) &&
		   !ipv4_is_lbcast(sk->inet_rcv_saddr) ? sk->inet_rcv_saddr : rt->rt_src;
	fl.daddr = daddr;
	fl.sport = sk->inet_sport;
	fl.dport = dport;
	fl.tos = sk->tos;

	skb_reset_transport_header(skb);
	uh = (struct udphdr *)skb_put(skb, ulen);
	uh->source = sk->inet_sport;
	uh->dest = dport;
	uh->len = htons((uint16_t)ulen);
	uh->check = 0;
	memcpy(uh + 1, buf, len);	/* copy #1: the only one on the way down */
	skb_count_copy(SKB_COPY_USER_TO_SKB, (uint32_t)len);

	/* The NIC completes the sum when it can and the datagram leaves in one
	 * piece; a datagram IP will fragment is summed here, since each fragment
	 * carries only part of it. */
	if (rt->dev && (rt->dev->features & NETIF_F_IP_CSUM) &&
	    ulen + IP_MIN_HLEN <= rt->rt_pmtu) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = (uint16_t)(skb->data - skb->head);
		skb->csum_offset = offsetof(struct udphdr, check);
		uh->check = csum_tcpudp_seed(fl.saddr, daddr, ulen, IPPROTO_UDP);
	} else {
		uint16_t c = csum_tcpudp_magic(fl.saddr, daddr, ulen, IPPROTO_UDP,
					       csum_partial(uh, ulen, 0));

		/* RFC 768: a computed zero is sent as all ones; zero means "none". */
		uh->check = c ? c : 0xFFFF;
		skb->ip_summed = CHECKSUM_NONE;
	}
	err = ip_queue_xmit(sk, skb, &fl);
	if (err) {
		if (err == -ENOBUFS)
			udp_mib.sndbuf_errors++;
		return err;
	}
	udp_mib.out_datagrams++;
	return (int)len;
}

static int udp_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
		       be32 *saddr, be16 *sport)
{
	bool nonblock = (flags & MSG_DONTWAIT) || (sk->sk_flags & SOCK_NONBLOCK_F);
	struct sk_buff *skb;
	uint32_t copied, dlen;
	int err;

	/* Bounded: each pass either returns or sleeps until the queue changed. */
	for (;;) {
		err = sock_error(sk);
		if (err)
			return err;
		local_bh_disable();
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			break;
		local_bh_enable();
		if (sk->shutdown_rd)
			return 0;
		err = sk_wait_data(sk, nonblock);
		if (err)
			return err;
	}
	/* Bottom halves stay off from the peek to the unlink: the skb cannot
	 * go anywhere under us. */
	dlen = skb->len;
	copied = (uint32_t)MIN((size_t)dlen, len);
	memcpy(buf, skb->data, copied);
	skb_count_copy(SKB_COPY_SKB_TO_USER, copied);
	if (saddr)
		*saddr = UDP_SKB_CB(skb)->saddr;
	if (sport)
		*sport = UDP_SKB_CB(skb)->sport;
	if (!(flags & MSG_PEEK)) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		udp_mib.in_datagrams++;
		kfree_skb(skb);
	}
	local_bh_enable();
	/* MSG_TRUNC: the datagram's real length, even when the buffer was shorter. */
	return (int)((flags & MSG_TRUNC) ? dlen : copied);
}

static unsigned int udp_poll(struct sock *sk)
{
	unsigned int mask = 0;

	if (sk->sk_err)
		mask |= POLLERR;
	if (!skb_queue_empty(&sk->sk_receive_queue) || sk->shutdown_rd)
		mask |= POLLIN;
	/* Linux's sock_writeable: less than half the send buffer in flight. */
	if (sk->sk_wmem_alloc < sk->sk_sndbuf / 2)
		mask |= POLLOUT;
	if (sk->shutdown_rd && sk->shutdown_wr)
		mask |= POLLHUP;
	return mask;
}

static void udp_close(struct sock *sk)
{
	local_bh_disable();
	udp_unhash(sk);
	sk->inet_sport = 0;
	local_bh_enable();
	skb_queue_purge(&sk->sk_receive_queue);
}

static void udp_err_report(struct sock *sk, int err)
{
	sk->sk_err = err;
	wake_up(&sk->sk_wq);
}

const struct proto udp_prot = {
	.name = "UDP",
	.bind = udp_bind,
	.connect = udp_connect,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.poll = udp_poll,
	.close = udp_close,
	.err = udp_err_report,
};

/* ---- receive ----------------------------------------------------------------- */

static bool udp_is_broadcast(const struct sk_buff *skb, be32 daddr)
{
	return skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST ||
	       ipv4_is_lbcast(daddr) || ipv4_is_multicast(daddr) ||
	       (skb->dev && inet_addr_is_broadcast(skb->dev, daddr));
}

static int udp_queue_rcv_skb(struct sock *sk, struct sk_buff *skb, be32 saddr, be16 sport)
{
	UDP_SKB_CB(skb)->saddr = saddr;
	UDP_SKB_CB(skb)->sport = sport;
	skb_pull(skb, sizeof(struct udphdr));
	if (!sock_rmem_room(sk, skb_charge(skb))) {
		udp_mib.rcvbuf_errors++;
		udp_mib.in_errors++;
		sk->sk_drops++;
		kfree_skb(skb);
		return 0;
	}
	skb_set_owner_r(skb, sk);
	/* NET_RX: the reader keeps bottom halves off around its own access. */
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	wake_up(&sk->sk_wq);
	return 0;
}

int udp_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct udphdr *uh = (const struct udphdr *)skb->data;
	struct sock *sk;
	uint32_t ulen;

	skb_reset_transport_header(skb);
	if (skb->len < sizeof(*uh))
		goto short_packet;
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len)
		goto short_packet;
	skb_trim(skb, ulen);
	/* A zero checksum means the sender computed none (RFC 768). */
	if (uh->check && skb->ip_summed != CHECKSUM_UNNECESSARY &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
			      csum_partial(uh, ulen, 0)) != 0) {
		udp_mib.in_csum_errors++;
		udp_mib.in_errors++;
		kfree_skb(skb);
		return 0;
	}
	sk = udp_lib_lookup(iph->saddr, uh->source, iph->daddr, uh->dest);
	if (sk)
		return udp_queue_rcv_skb(sk, skb, iph->saddr, uh->source);
	if (udp_is_broadcast(skb, iph->daddr)) {
		/* RFC 1122 3.2.2: no port unreachable about a broadcast. */
		udp_mib.ignored_multi++;
	} else {
		udp_mib.no_ports++;
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	}
	kfree_skb(skb);
	return 0;

short_packet:
	udp_mib.in_short++;
	udp_mib.in_errors++;
	kfree_skb(skb);
	return 0;
}

/* ICMP destination-unreachable codes as errno, and whether they are hard
 * errors a connected socket reports (Linux's icmp_err_convert, RFC 1122
 * 4.1.3.3: pass them to the application). */
static const struct { int err; bool fatal; } icmp_unreach_err[] = {
	{ ENETUNREACH, false },	/* net unreachable */
	{ EHOSTUNREACH, false },	/* host unreachable */
	{ ENOPROTOOPT, true },	/* protocol unreachable */
	{ ECONNREFUSED, true },	/* port unreachable */
	{ EMSGSIZE, false },	/* fragmentation needed */
	{ EOPNOTSUPP, false },	/* source route failed */
	{ ENETUNREACH, true },	/* destination net unknown */
	{ EHOSTDOWN, true },	/* destination host unknown */
	{ EHOSTUNREACH, true },	/* source host isolated (Linux: ENONET, not in newlib) */
	{ ENETUNREACH, true },	/* net administratively prohibited */
	{ EHOSTUNREACH, true },	/* host administratively prohibited */
	{ ENETUNREACH, false },	/* net unreachable for TOS */
	{ EHOSTUNREACH, false },	/* host unreachable for TOS */
	{ EHOSTUNREACH, true },	/* communication administratively prohibited */
	{ EHOSTUNREACH, true },	/* host precedence violation */
	{ EHOSTUNREACH, true },	/* precedence cutoff */
};

void udp_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct udphdr *uh = (const struct udphdr *)(skb->data + ip_hdrlen(iph));
	bool harderr = false;
	struct sock *sk;
	int err;

	(void)info;	/* the path MTU was already lowered by icmp.c */
	/* The quoted datagram went from us (saddr) to the peer (daddr). */
	sk = udp_lib_lookup(iph->daddr, uh->dest, iph->saddr, uh->source);
	if (!sk) {
		icmp_mib.in_errors++;	/* Linux: an error for no socket */
		return;
	}
	switch (type) {
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		harderr = true;
		break;
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			if (!sk->pmtudisc)
				return;
			err = EMSGSIZE;
			harderr = true;
			break;
		}
		err = EHOSTUNREACH;
		if (code < ARRAY_SIZE(icmp_unreach_err)) {
			err = icmp_unreach_err[code].err;
			harderr = icmp_unreach_err[code].fatal;
		}
		break;
	default:
		return;
	}
	/* Without IP_RECVERR only connected sockets hear of hard errors. */
	if (!harderr || !sk->connected)
		return;
	sk->sk_prot->err(sk, err);
}

static const struct net_protocol udp_protocol = {
	.handler = udp_rcv,
	.err_handler = udp_err,
};

void udp_init(void)
{
	if (inet_add_protocol(&udp_protocol, IPPROTO_UDP) < 0)
		pr_err("udp: cannot register protocol %d\n", IPPROTO_UDP);
}
net_initcall(NET_INIT_L4, udp_init);
