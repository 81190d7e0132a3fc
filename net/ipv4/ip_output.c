/* IPv4 transmit, the article's steps under Linux's names:
 *
 *   ip_queue_xmit     route (the socket's cached dst, or a lookup), IP header
 *   ip_local_out      NF LOCAL_OUT
 *   ip_output         NF POST_ROUTING, counted as sent
 *   ip_finish_output  fragment when larger than the path MTU and not GSO
 *   ip_finish_output2 next hop: broadcast/multicast MAC directly, unicast
 *                     through the neighbour (ARP) -> dev_queue_xmit
 *
 * Process context (a socket call with bottom halves disabled) or softirq
 * (ICMP replies, TCP timers). The transport's checksum offload is the
 * transport's business: it sets CHECKSUM_PARTIAL and csum_start/offset; this
 * layer only places network_header and transport_header for the driver. */
#include <errno.h>
#include <string.h>
#include "net/ip.h"
#include "net/checksum.h"
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "net/netfilter.h"
#include "net/sock.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"

/* IP IDs (RFC 6864): a counter per bucket of destinations, each bucket
 * starting from a secret offset, so IDs toward one host advance by one per
 * datagram while different hosts cannot read each other's sequence. Linux
 * does the same with its ip_idents hash. */
#define IP_IDENTS 256
static uint16_t ip_idents[IP_IDENTS];
static uint32_t ip_idents_secret = 0x9e3779b9u;

static uint32_t ip_ident_hash(be32 daddr, uint8_t proto)
{
	/* murmur3's finaliser: every input bit reaches the bucket bits. */
	uint32_t h = daddr ^ ip_idents_secret ^ ((uint32_t)proto << 24);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* segs IDs at once: a TSO packet's segments each take the next one (the NIC
 * increments the ID per segment). */
static uint16_t ip_select_ident(be32 daddr, uint8_t proto, unsigned int segs)
{
	uint32_t h = ip_ident_hash(daddr, proto);
	uint16_t *c = &ip_idents[h % IP_IDENTS];
	uint16_t id = (uint16_t)(*c + (h >> 16));

	*c = (uint16_t)(*c + segs);
	return id;
}

void ip_init(void)
{
	ip_idents_secret ^= (uint32_t)ktime_get_ns() * 0x2545F491u;
	ipfrag_init();
}

static void ip_eth_mc_map(be32 addr, uint8_t *mac)
{
	uint32_t a = ntohl(addr);

	/* RFC 1112 6.4: 01:00:5e and the group's low 23 bits. */
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (uint8_t)((a >> 16) & 0x7F);
	mac[4] = (uint8_t)(a >> 8);
	mac[5] = (uint8_t)a;
}

static int ip_out_drop(struct sk_buff *skb, uint64_t *reason, int err)
{
	IP_INC_STATS(out_discards);
	(*reason)++;
	kfree_skb(skb);
	return err;
}

/* dev_queue_xmit / neigh_output say NET_XMIT_DROP when the packet was lost
 * below us; a socket hears that as -ENOBUFS, as Linux's net_xmit_errno. */
static int xmit_errno(int rc)
{
	return rc > 0 ? -ENOBUFS : rc;
}

int ip_finish_output2(struct sk_buff *skb)
{
	TRACE_FUNC(TP_ip_finish_output2, skb);
	const struct rtable *rt = skb->rt;
	struct net_device *dev = rt->dev;
	struct neighbour *n;
	int rc;

	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		uint8_t mac[ETH_ALEN];

		if (rt->rt_flags & RTCF_BROADCAST) {
			memcpy(mac, bcast, ETH_ALEN);
			IP_INC_STATS(out_bcast_pkts);
		} else {
			ip_eth_mc_map(rt->rt_dst, mac);
			IP_INC_STATS(out_mcast_pkts);
		}
		/* The route may be a stack frame's: nothing below may keep it. */
		skb->rt = NULL;
		if (dev_hard_header(skb, dev, ETH_P_IP, mac, NULL) < 0)
			return ip_out_drop(skb, &ip_statistics.out_no_headroom, -ENOBUFS);
		return xmit_errno(dev_queue_xmit(skb));
	}
	/* No loopback device: a datagram to one of our own addresses would go
	 * on the wire to an ARP that nobody answers. */
	if (rt->rt_flags & RTCF_LOCAL)
		return ip_out_drop(skb, &ip_statistics.out_no_loopback, -ENETUNREACH);
	skb->rt = NULL;
	/* The entry may only be freed by a softirq (gc, link down): none may run
	 * between its lookup and its last use. */
	local_bh_disable();
	n = neigh_lookup_or_create(dev, rt->rt_gateway);
	rc = n ? xmit_errno(neigh_output(n, skb)) :
		 ip_out_drop(skb, &ip_statistics.out_no_neigh, -ENOBUFS);
	local_bh_enable();
	return rc;
}

int ip_finish_output(struct sk_buff *skb)
{
	TRACE_FUNC(TP_ip_finish_output, skb);
	const struct rtable *rt = skb->rt;
	uint32_t mtu = MIN(rt->rt_pmtu, rt->dev->mtu);
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	if (skb->len <= mtu || skb->gso_size)
		return ip_finish_output2(skb);
	if (ntohs(iph->frag_off) & IP_DF) {
		/* The sender asked for path MTU discovery: it learns the size from
		 * the error (UDP returns it from sendmsg, as Linux; TCP sizes its
		 * segments from rt_pmtu and never gets here). */
		IP_INC_STATS(frag_fails);
		return ip_out_drop(skb, &ip_statistics.out_too_big, -EMSGSIZE);
	}
	return ip_fragment(skb, mtu, ip_finish_output2);
}

int ip_output(struct sk_buff *skb)
{
	TRACE_FUNC(TP_ip_output, skb);
	IP_INC_STATS(out_requests);
	IP_ADD_STATS(out_octets, skb->len);
	skb->dev = skb->rt->dev;
	skb->protocol = htons(ETH_P_IP);
	if (nf_hook(NF_INET_POST_ROUTING, skb) != NF_ACCEPT)
		return ip_out_drop(skb, &ip_statistics.out_filtered, -EPERM);
	return ip_finish_output(skb);
}

int ip_local_out(struct sk_buff *skb)
{
	TRACE_FUNC(TP_ip_local_out, skb);
	if (nf_hook(NF_INET_LOCAL_OUT, skb) != NF_ACCEPT)
		return ip_out_drop(skb, &ip_statistics.out_filtered, -EPERM);
	return ip_output(skb);
}

/* The cached route serves this packet: same destination, still current,
 * and a source the caller either leaves open or agrees with. */
static bool sk_dst_usable(const struct sock *sk, const struct flowi4 *fl)
{
	return sk->dst_valid && sk->sk_dst.rt_dst == fl->daddr && rt_valid(&sk->sk_dst) &&
	       (!fl->saddr || fl->saddr == sk->sk_dst.rt_src);
}

int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi4 *fl)
{
	TRACE_FUNC(TP_ip_queue_xmit, skb);
	struct rtable stack_rt;
	struct rtable *rt = sk ? &sk->sk_dst : &stack_rt;
	struct iphdr *iph;
	uint8_t ttl;
	bool df = sk && sk->pmtudisc;
	int err;

	if (!sk || !sk_dst_usable(sk, fl)) {
		if (sk)
			sk->dst_valid = false;
		err = ip_route_output(fl->daddr, fl->saddr, rt);
		if (err) {
			IP_INC_STATS(out_no_routes);
			kfree_skb(skb);
			return err;
		}
		if (sk)
			sk->dst_valid = true;
	}
	if (skb->len > IP_MAX_PACKET - sizeof(*iph))
		return ip_out_drop(skb, &ip_statistics.out_too_big, -EMSGSIZE);

	skb_reset_transport_header(skb);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	if (!iph)
		return ip_out_drop(skb, &ip_statistics.out_no_headroom, -ENOBUFS);
	skb_reset_network_header(skb);

	ttl = sk && sk->ttl ? sk->ttl : (uint8_t)sysctl_ip_default_ttl;
	/* Multicast stays on the link unless a socket says otherwise (Linux's
	 * IP_MULTICAST_TTL default of 1). */
	if ((rt->rt_flags & RTCF_MULTICAST) && !(sk && sk->ttl))
		ttl = 1;
	iph->ihl_version = (IPVERSION << 4) | (sizeof(*iph) / 4);
	iph->tos = fl->tos ? fl->tos : (sk ? sk->tos : 0);
	iph->tot_len = htons((uint16_t)skb->len);
	iph->id = htons(ip_select_ident(fl->daddr, fl->proto, MAX(1u, skb->gso_segs)));
	iph->frag_off = df ? htons(IP_DF) : 0;
	iph->ttl = ttl;
	iph->protocol = fl->proto;
	iph->saddr = fl->saddr ? fl->saddr : rt->rt_src;
	iph->daddr = fl->daddr;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, sizeof(*iph) / 4);

	skb->rt = rt;
	skb->dev = rt->dev;
	skb->protocol = htons(ETH_P_IP);
	return ip_local_out(skb);
}
