/* ICMP (RFC 792; host requirements RFC 1122 3.2.2).
 *
 * Receive: icmp_rcv checks length and checksum, answers echo requests in the
 * request's own buffer when nobody else shares it, and hands errors to the
 * err_handler of the protocol whose header they quote (UDP now, TCP later).
 *
 * Send: icmp_send builds errors about received packets, never where RFC 1122
 * forbids one, and rate-limits them as Linux does: a global token bucket
 * (icmp_msgs_per_sec, icmp_msgs_burst) and a per-destination bucket
 * (icmp_ratelimit ms apart, bursts of XRLIM_BURST_FACTOR), both only for the
 * types in icmp_ratemask. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "kernel/initcall.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/protocol.h"
#include "net/route.h"
#include "net/skbuff.h"
#include "net/snmp.h"

struct icmp_mib icmp_mib;

int sysctl_icmp_msgs_per_sec = 1000;
int sysctl_icmp_msgs_burst = 50;
int sysctl_icmp_ratelimit = 1000;
int sysctl_icmp_ratemask = 6168;	/* dest unreach, source quench, time exceeded, param problem */
int sysctl_icmp_echo_ignore_broadcasts = 1;
SYSCTL_INT("net.ipv4.icmp_msgs_per_sec", sysctl_icmp_msgs_per_sec, 0, INT_MAX);
SYSCTL_INT("net.ipv4.icmp_msgs_burst", sysctl_icmp_msgs_burst, 0, INT_MAX);
SYSCTL_INT("net.ipv4.icmp_ratelimit", sysctl_icmp_ratelimit, 0, INT_MAX);
SYSCTL_INT("net.ipv4.icmp_ratemask", sysctl_icmp_ratemask, 0, INT_MAX);
SYSCTL_INT("net.ipv4.icmp_echo_ignore_broadcasts", sysctl_icmp_echo_ignore_broadcasts, 0, 1);

static const struct snmp_field icmp_fields[] = {
	SNMP_FIELD(struct icmp_mib, in_msgs, "IcmpInMsgs"),
	SNMP_FIELD(struct icmp_mib, in_errors, "IcmpInErrors"),
	SNMP_FIELD(struct icmp_mib, in_csum_errors, "IcmpInCsumErrors"),
	SNMP_FIELD(struct icmp_mib, in_dest_unreachs, "IcmpInDestUnreachs"),
	SNMP_FIELD(struct icmp_mib, in_time_excds, "IcmpInTimeExcds"),
	SNMP_FIELD(struct icmp_mib, in_parm_probs, "IcmpInParmProbs"),
	SNMP_FIELD(struct icmp_mib, in_src_quenchs, "IcmpInSrcQuenchs"),
	SNMP_FIELD(struct icmp_mib, in_redirects, "IcmpInRedirects"),
	SNMP_FIELD(struct icmp_mib, in_echos, "IcmpInEchos"),
	SNMP_FIELD(struct icmp_mib, in_echo_reps, "IcmpInEchoReps"),
	SNMP_FIELD(struct icmp_mib, in_timestamps, "IcmpInTimestamps"),
	SNMP_FIELD(struct icmp_mib, in_timestamp_reps, "IcmpInTimestampReps"),
	SNMP_FIELD(struct icmp_mib, out_msgs, "IcmpOutMsgs"),
	SNMP_FIELD(struct icmp_mib, out_errors, "IcmpOutErrors"),
	SNMP_FIELD(struct icmp_mib, out_rate_limit_global, "IcmpOutRateLimitGlobal"),
	SNMP_FIELD(struct icmp_mib, out_rate_limit_host, "IcmpOutRateLimitHost"),
	SNMP_FIELD(struct icmp_mib, out_dest_unreachs, "IcmpOutDestUnreachs"),
	SNMP_FIELD(struct icmp_mib, out_time_excds, "IcmpOutTimeExcds"),
	SNMP_FIELD(struct icmp_mib, out_parm_probs, "IcmpOutParmProbs"),
	SNMP_FIELD(struct icmp_mib, out_echos, "IcmpOutEchos"),
	SNMP_FIELD(struct icmp_mib, out_echo_reps, "IcmpOutEchoReps"),
	SNMP_FIELD(struct icmp_mib, in_bcast_ignored, "IcmpInBcastIgnored"),
	SNMP_FIELD(struct icmp_mib, in_bad_quote, "IcmpInBadQuote"),
	SNMP_FIELD(struct icmp_mib, in_unknown, "IcmpInUnknownTypes"),
	SNMP_FIELD(struct icmp_mib, out_suppressed, "IcmpOutSuppressed"),
	SNMP_FIELD(struct icmp_mib, out_nomem, "IcmpOutNoMem"),
};
SNMP_MIB("Icmp", &icmp_mib, icmp_fields);

/* The types a host sees or sends; /proc/net/snmp lists the same per-type rows. */
#define ICMP_MSG_FIELDS(t) \
	SNMP_FIELD(struct icmp_mib, in_type[t], "IcmpMsgInType" #t), \
	SNMP_FIELD(struct icmp_mib, out_type[t], "IcmpMsgOutType" #t)
static const struct snmp_field icmpmsg_fields[] = {
	ICMP_MSG_FIELDS(0), ICMP_MSG_FIELDS(3), ICMP_MSG_FIELDS(4), ICMP_MSG_FIELDS(5),
	ICMP_MSG_FIELDS(8), ICMP_MSG_FIELDS(11), ICMP_MSG_FIELDS(12), ICMP_MSG_FIELDS(13),
	ICMP_MSG_FIELDS(14),
};
SNMP_MIB("IcmpMsg", &icmp_mib, icmpmsg_fields);

/* RFC 1122 3.2.2: the types that are errors, about which no error is sent. */
static bool icmp_is_error(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
	       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

void icmp_out_count(uint8_t type)
{
	icmp_mib.out_msgs++;
	if (type <= NR_ICMP_TYPES)
		icmp_mib.out_type[type]++;
	switch (type) {
	case ICMP_DEST_UNREACH: icmp_mib.out_dest_unreachs++; break;
	case ICMP_TIME_EXCEEDED: icmp_mib.out_time_excds++; break;
	case ICMP_PARAMETERPROB: icmp_mib.out_parm_probs++; break;
	case ICMP_ECHO: icmp_mib.out_echos++; break;
	case ICMP_ECHOREPLY: icmp_mib.out_echo_reps++; break;
	default: break;
	}
}

/* ---- rate limits (Linux's icmp_global_allow and icmpv4_xrlim_allow) ---------- */

/* Types outside icmp_ratemask, and frag-needed (path MTU discovery must
 * not starve), are never limited. */
static bool icmpv4_mask_allow(uint8_t type, uint8_t code)
{
	if (type > NR_ICMP_TYPES)
		return true;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		return true;
	return !((1u << type) & (unsigned int)sysctl_icmp_ratemask);
}

static struct {
	uint32_t credit;
	uint64_t stamp;		/* jiffies of the last refill */
} icmp_global;

/* The bucket refills by msgs_per_sec per second up to msgs_burst; the time
 * of the last refill moves only when at least one token was added, so slow
 * trickles of errors still earn their fraction of a token. */
static bool icmp_global_allow(void)
{
	uint64_t now = jiffies();
	uint64_t delta = MIN(now - icmp_global.stamp, (uint64_t)1000);
	uint64_t incr = delta * (uint64_t)sysctl_icmp_msgs_per_sec / 1000;

	if (incr) {
		icmp_global.credit = (uint32_t)MIN((uint64_t)icmp_global.credit + incr,
						   (uint64_t)sysctl_icmp_msgs_burst);
		icmp_global.stamp = now;
	}
	if (!icmp_global.credit)
		return false;
	icmp_global.credit--;
	return true;
}

/* Per destination: a token bucket in ms, icmp_ratelimit per message, at most
 * XRLIM_BURST_FACTOR messages banked (Linux's inet_peer_xrlim_allow). The
 * peers live in a small direct-mapped table: a destination that loses its
 * slot to another starts again with a full bucket, which the global bucket
 * still bounds. */
#define XRLIM_BURST_FACTOR 6
#define ICMP_PEERS 256

static struct icmp_peer {
	be32 daddr;
	bool used;
	uint32_t tokens;	/* ms */
	uint64_t last;		/* jiffies */
} icmp_peers[ICMP_PEERS];

static struct icmp_peer *icmp_peer_get(be32 daddr, uint64_t now)
{
	struct icmp_peer *p = &icmp_peers[(ntohl(daddr) * 2654435761u) >> 24];

	if (!p->used || p->daddr != daddr) {
		p->daddr = daddr;
		p->used = true;
		p->tokens = (uint32_t)XRLIM_BURST_FACTOR * (uint32_t)sysctl_icmp_ratelimit;
		p->last = now;
	}
	return p;
}

static bool icmpv4_xrlim_allow(be32 daddr)
{
	uint64_t timeout = (uint64_t)sysctl_icmp_ratelimit;
	uint64_t now = jiffies();
	struct icmp_peer *p;
	uint64_t tokens;
	bool ok = false;

	if (!timeout)
		return true;
	p = icmp_peer_get(daddr, now);
	tokens = p->tokens + (now - p->last);
	p->last = now;
	if (tokens > XRLIM_BURST_FACTOR * timeout)
		tokens = XRLIM_BURST_FACTOR * timeout;
	if (tokens >= timeout) {
		tokens -= timeout;
		ok = true;
	}
	p->tokens = (uint32_t)tokens;
	return ok;
}

/* ---- sending errors ---------------------------------------------------------- */

/* RFC 1122 3.2.2: "An ICMP error message MUST NOT be sent as the result of
 * receiving" an ICMP error, a datagram to a broadcast or multicast address
 * (IP or link layer), a fragment other than the first, or a datagram whose
 * source is not one unicast host. */
static bool icmp_error_allowed(const struct sk_buff *skb, const struct iphdr *iph,
			       uint32_t avail)
{
	struct net_device *dev = skb->dev;
	unsigned int ihl = ip_hdrlen(iph);

	if (skb->pkt_type != PACKET_HOST)
		return false;
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    (dev && inet_addr_is_broadcast(dev, iph->daddr)))
		return false;
	if (ntohs(iph->frag_off) & IP_OFFMASK)
		return false;
	if (ipv4_is_zeronet(iph->saddr) || ipv4_is_multicast(iph->saddr) ||
	    ipv4_is_lbcast(iph->saddr) || ipv4_is_loopback(iph->saddr) ||
	    (dev && inet_addr_is_broadcast(dev, iph->saddr)))
		return false;
	if (iph->protocol == IPPROTO_ICMP) {
		uint8_t inner;

		/* Without the quoted type we cannot tell it is not an error. */
		if (avail < ihl + 1)
			return false;
		inner = ((const uint8_t *)iph)[ihl];
		if (inner > NR_ICMP_TYPES || icmp_is_error(inner))
			return false;
	}
	return true;
}

void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, be32 info)
{
	const uint8_t *nh = skb_network_header(skb_in);
	const uint8_t *tail = skb_tail_pointer(skb_in);
	const struct iphdr *iph = (const struct iphdr *)nh;
	struct flowi4 fl = { 0 };
	struct icmphdr *icmph;
	struct sk_buff *skb;
	uint32_t avail, quote;
	unsigned int ihl;

	/* The packet must hold the IP header it claims, or there is nothing to quote. */
	if (nh < skb_in->head || nh + sizeof(*iph) > tail || ip_version(iph) != IPVERSION ||
	    (ihl = ip_hdrlen(iph)) < IP_MIN_HLEN || nh + ihl > tail) {
		icmp_mib.out_suppressed++;
		return;
	}
	avail = (uint32_t)(tail - nh);
	if (!icmp_error_allowed(skb_in, iph, avail)) {
		icmp_mib.out_suppressed++;
		return;
	}
	if (!icmpv4_mask_allow(type, code)) {
		if (!icmp_global_allow()) {
			icmp_mib.out_rate_limit_global++;
			return;
		}
		if (!icmpv4_xrlim_allow(iph->saddr)) {
			icmp_mib.out_rate_limit_host++;
			return;
		}
	}
	/* RFC 792: the IP header and the first 64 bits of its payload. */
	quote = MIN(avail, ihl + 8);
	skb = alloc_skb_tx(sizeof(*icmph) + quote);
	if (!skb) {
		icmp_mib.out_nomem++;
		icmp_mib.out_errors++;
		return;
	}
	icmph = (struct icmphdr *)skb_put(skb, sizeof(*icmph) + quote);
	icmph->type = type;
	icmph->code = code;
	icmph->checksum = 0;
	icmph->un.gateway = info;	/* the MTU of frag-needed, the pointer of param problem */
	memcpy(icmph + 1, nh, quote);
	icmph->checksum = csum_fold(csum_partial(icmph, sizeof(*icmph) + quote, 0));

	/* From the address the packet came to when it is ours (it always is for
	 * unicast that reached a protocol), else the one toward its sender. */
	fl.daddr = iph->saddr;
	if (inet_addr_is_local(iph->daddr))
		fl.saddr = iph->daddr;
	else if (skb_in->dev)
		fl.saddr = inet_select_addr(skb_in->dev, iph->saddr);
	fl.proto = IPPROTO_ICMP;
	/* RFC 1812 4.3.2.5 / Linux: keep the TOS bits, precedence internetwork control. */
	fl.tos = (uint8_t)((iph->tos & 0x1E) | 0xC0);
	icmp_out_count(type);
	if (ip_queue_xmit(NULL, skb, &fl) < 0)
		icmp_mib.out_errors++;
}

/* ---- receiving --------------------------------------------------------------- */

static icmp_echo_reply_fn echo_reply_listener;

bool icmp_set_echo_reply_listener(icmp_echo_reply_fn fn)
{
	if (READ_ONCE(echo_reply_listener) && fn)
		return false;
	WRITE_ONCE(echo_reply_listener, fn);
	return true;
}

void icmp_clear_echo_reply_listener(icmp_echo_reply_fn fn)
{
	/* One CPU: a softirq either ran the listener to its end or has not
	 * started, so once this store is done the listener is not running. */
	if (READ_ONCE(echo_reply_listener) == fn)
		WRITE_ONCE(echo_reply_listener, NULL);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changed. Its
 * one's-complement sum never comes out +0, so a message of all-zero words
 * (an echo reply with id, sequence and data 0) would get 0x0000, which the
 * receiver's sum rejects; 0xFFFF is right for it and for every message whose
 * words sum to -0, the only other case that yields 0. */
static uint16_t csum_replace2(uint16_t check, uint16_t old, uint16_t new)
{
	uint16_t c = csum_fold((uint32_t)(uint16_t)~check + (uint16_t)~old + new);

	return c ? c : 0xFFFF;
}

/* An skb the reply may be written into: nobody else holds the struct or shares
 * the buffer, and the room in front takes the new IP and Ethernet headers. */
static bool icmp_reply_in_place(const struct sk_buff *skb)
{
	return skb->users == 1 && !skb_cloned(skb) &&
	       skb_headroom(skb) >= IP_MIN_HLEN + ETH_HLEN;
}

/* The received skb becomes an outgoing one: nothing of its receive state
 * (checksum verdict, RSS hash, queue, VLAN tag) may steer its transmission. */
static void icmp_reset_for_output(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_NONE;
	skb->csum_start = 0;
	skb->csum_offset = 0;
	skb->gso_size = 0;
	skb->gso_segs = 0;
	skb->gso_type = 0;
	skb->hash = 0;
	skb->queue_mapping = 0;
	skb->vlan_tci = 0;
	skb->pkt_type = PACKET_OUTGOING;
	skb->rt = NULL;
	skb->xmit_more = false;
}

static void icmp_echo(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	struct icmphdr *icmph = (struct icmphdr *)skb->data;
	struct flowi4 fl = { .proto = IPPROTO_ICMP };
	uint16_t old_word, new_word;
	bool bcast;

	bcast = skb->pkt_type != PACKET_HOST || ipv4_is_multicast(iph->daddr) ||
		ipv4_is_lbcast(iph->daddr) || (skb->dev && inet_addr_is_broadcast(skb->dev, iph->daddr));
	if (bcast && sysctl_icmp_echo_ignore_broadcasts) {
		/* RFC 1122 3.2.2.6: MAY be silently discarded; Linux counts an error. */
		icmp_mib.in_bcast_ignored++;
		icmp_mib.in_errors++;
		kfree_skb(skb);
		return;
	}
	/* Read before the IP header is overwritten by the reply's. */
	fl.daddr = iph->saddr;
	fl.saddr = iph->daddr;
	if (bcast || !inet_addr_is_local(iph->daddr))
		fl.saddr = skb->dev ? inet_select_addr(skb->dev, iph->saddr) : 0;
	fl.tos = iph->tos;

	if (!icmp_reply_in_place(skb)) {
		struct sk_buff *n = alloc_skb_tx(skb->len);

		if (!n) {
			icmp_mib.out_nomem++;
			icmp_mib.out_errors++;
			kfree_skb(skb);
			return;
		}
		memcpy(skb_put(n, skb->len), skb->data, skb->len);
		kfree_skb(skb);
		skb = n;
		icmph = (struct icmphdr *)skb->data;
	} else {
		icmp_reset_for_output(skb);
	}
	/* Same id, sequence and data: only the type changes (RFC 792), so the
	 * checksum is updated for that one word instead of summed again. */
	memcpy(&old_word, icmph, sizeof(old_word));
	icmph->type = ICMP_ECHOREPLY;
	memcpy(&new_word, icmph, sizeof(new_word));
	icmph->checksum = csum_replace2(icmph->checksum, old_word, new_word);
	skb_reset_transport_header(skb);
	icmp_out_count(ICMP_ECHOREPLY);
	if (ip_queue_xmit(NULL, skb, &fl) < 0)
		icmp_mib.out_errors++;
}

/* An error about a packet we sent: the quoted IP header must be whole and be
 * followed by the 8 transport bytes the protocol needs to find its socket. */
static void icmp_unreach(struct sk_buff *skb)
{
	const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
	const struct iphdr *qiph;
	const struct net_protocol *prot;
	uint32_t info = 0;
	unsigned int ihl;

	if (skb->len < sizeof(*icmph) + IP_MIN_HLEN)
		goto bad;
	qiph = (const struct iphdr *)(skb->data + sizeof(*icmph));
	ihl = ip_hdrlen(qiph);
	if (ip_version(qiph) != IPVERSION || ihl < IP_MIN_HLEN ||
	    skb->len < sizeof(*icmph) + ihl + 8)
		goto bad;
	if (icmph->type == ICMP_DEST_UNREACH && icmph->code == ICMP_FRAG_NEEDED) {
		info = ntohs(icmph->un.frag.mtu);
		/* RFC 1191 plateaus for an MTU of 0 are not guessed: ignored. */
		if (info)
			ip_rt_update_pmtu(qiph->daddr, info);
	} else if (icmph->type == ICMP_PARAMETERPROB) {
		info = ntohl(icmph->un.gateway) >> 24;
	}
	prot = inet_get_protocol(qiph->protocol);
	if (prot && prot->err_handler) {
		uint8_t type = icmph->type, code = icmph->code;

		skb_pull(skb, sizeof(*icmph));
		prot->err_handler(skb, type, code, info);
	}
	kfree_skb(skb);
	return;
bad:
	icmp_mib.in_bad_quote++;
	icmp_mib.in_errors++;
	kfree_skb(skb);
}

int icmp_rcv(struct sk_buff *skb)
{
	const struct icmphdr *icmph;
	icmp_echo_reply_fn listener;

	icmp_mib.in_msgs++;
	if (skb->len < sizeof(*icmph))
		goto error;
	/* The NIC does not check ICMP; a CHECKSUM_UNNECESSARY verdict is taken
	 * as given, as Linux does. */
	if (skb->ip_summed != CHECKSUM_UNNECESSARY &&
	    csum_fold(csum_partial(skb->data, skb->len, 0)) != 0) {
		icmp_mib.in_csum_errors++;
		goto error;
	}
	icmph = (const struct icmphdr *)skb->data;
	skb_reset_transport_header(skb);
	if (icmph->type <= NR_ICMP_TYPES)
		icmp_mib.in_type[icmph->type]++;
	switch (icmph->type) {
	case ICMP_ECHO:
		icmp_mib.in_echos++;
		icmp_echo(skb);
		return 0;
	case ICMP_ECHOREPLY:
		icmp_mib.in_echo_reps++;
		listener = READ_ONCE(echo_reply_listener);
		if (listener)
			listener(skb, (const struct iphdr *)skb_network_header(skb), icmph);
		break;
	case ICMP_DEST_UNREACH:
		icmp_mib.in_dest_unreachs++;
		icmp_unreach(skb);
		return 0;
	case ICMP_TIME_EXCEEDED:
		icmp_mib.in_time_excds++;
		icmp_unreach(skb);
		return 0;
	case ICMP_PARAMETERPROB:
		icmp_mib.in_parm_probs++;
		icmp_unreach(skb);
		return 0;
	case ICMP_SOURCE_QUENCH:
		/* RFC 6633: ignored, only counted. */
		icmp_mib.in_src_quenchs++;
		break;
	case ICMP_REDIRECT:
		/* Routes are configured, not learnt: redirects are counted only. */
		icmp_mib.in_redirects++;
		break;
	case ICMP_TIMESTAMP:
		/* RFC 1122 3.2.2.8 makes answering optional; we do not. */
		icmp_mib.in_timestamps++;
		break;
	case ICMP_TIMESTAMPREPLY:
		icmp_mib.in_timestamp_reps++;
		break;
	default:
		icmp_mib.in_unknown++;
		if (icmph->type > NR_ICMP_TYPES)
			goto error;
		break;
	}
	kfree_skb(skb);
	return 0;
error:
	icmp_mib.in_errors++;
	kfree_skb(skb);
	return 0;
}

static const struct net_protocol icmp_protocol = {
	.handler = icmp_rcv,
	/* ICMP messages we sent that cause errors (echo requests) need no socket
	 * told: ping sees the loss. */
	.err_handler = NULL,
};

void icmp_init(void)
{
	icmp_global.credit = (uint32_t)sysctl_icmp_msgs_burst;
	icmp_global.stamp = jiffies();
	memset(icmp_peers, 0, sizeof(icmp_peers));
	if (inet_add_protocol(&icmp_protocol, IPPROTO_ICMP) < 0)
		pr_err("icmp: cannot register protocol %d\n", IPPROTO_ICMP);
}
net_initcall(NET_INIT_L4, icmp_init);
