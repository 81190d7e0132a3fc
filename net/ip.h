/* IPv4: receive (ip_rcv -> NF PRE_ROUTING -> ip_rcv_finish -> ip_local_deliver
 * -> reassembly -> NF LOCAL_IN -> the protocol handler) and transmit, the
 * article's path:
 *
 *   ip_queue_xmit -> ip_local_out (NF LOCAL_OUT) -> ip_output (NF POST_ROUTING)
 *   -> ip_finish_output (ip_fragment when larger than the MTU and not GSO)
 *   -> ip_finish_output2 -> neigh_output -> dev_queue_xmit
 *
 * Counters: struct ip_mib (netstat -s, section Ip and IpExt). */
#ifndef RINGOS_NET_IP_H
#define RINGOS_NET_IP_H

#include "net/byteorder.h"
#include "net/if_ether.h"
#include "net/ip_hdr.h"
#include "net/route.h"
#include "net/skbuff.h"

struct sock;

/* Headroom every locally built skb reserves: Ethernet + a VLAN tag + IPv4 with
 * options + TCP with options, rounded up (Linux's MAX_HEADER + MAX_TCP_HEADER). */
#define MAX_HEADER ALIGN_UP(ETH_HLEN + VLAN_HLEN + IP_MAX_HLEN + 60, 16)

/* The flow a packet belongs to (Linux's flowi4). */
struct flowi4 {
	be32 saddr, daddr;
	be16 sport, dport;
	uint8_t proto;
	uint8_t tos;
};

/* What IP input leaves in skb->cb for the layers above (Linux's IPCB): the
 * input route's RTCF_* flags, so ICMP and UDP know a packet came to a
 * broadcast or multicast address. The rest of cb[] is the holder's; IP
 * reassembly keeps its per-fragment state right after this. */
struct inet_skb_parm {
	uint32_t flags;		/* RTCF_LOCAL / RTCF_BROADCAST / RTCF_MULTICAST */
	uint16_t opt_len;	/* bytes of IP options in the header (ignored) */
	uint16_t reserved;
};
#define IPCB(skb) ((struct inet_skb_parm *)((skb)->cb))
_Static_assert(sizeof(struct inet_skb_parm) <= 16, "IPCB leaves cb[] room for reassembly");

/* The ETH_P_IP handler; data at the IP header. Consumes skb. */
int ip_rcv(struct sk_buff *skb);
/* Local delivery of a packet routed to us (data at the IP header): reassembly,
 * NF LOCAL_IN, then the protocol's handler. Consumes skb. */
int ip_local_deliver(struct sk_buff *skb);

/* Sends skb, data at the transport header (headroom MAX_HEADER), to fl->daddr:
 * routes it (through sk's cached dst when sk is connected to that address,
 * else a fresh lookup), pushes and fills the IP header (ID, TTL from sk or 64,
 * DF if sk->pmtudisc, protocol fl->proto, source fl->saddr or the route's),
 * then ip_local_out. sk may be NULL (ICMP replies). Consumes skb; returns 0 or
 * a negative errno (-ENETUNREACH, -EMSGSIZE, -ENOBUFS, -EPERM: filtered). */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi4 *fl);
int ip_local_out(struct sk_buff *skb);
int ip_output(struct sk_buff *skb);
/* The two last steps, data at the IP header, skb->rt set. */
int ip_finish_output(struct sk_buff *skb);
int ip_finish_output2(struct sk_buff *skb);

/* Reassembly (ip_fragment.c): returns the whole datagram when skb completes
 * one, NULL when it was queued or dropped (counted). */
struct sk_buff *ip_defrag(struct sk_buff *skb);
/* Splits skb (data at the IP header) into fragments of at most mtu bytes and
 * hands each to output; consumes skb. */
int ip_fragment(struct sk_buff *skb, uint32_t mtu, int (*output)(struct sk_buff *));
/* Reassembly state in use (`ip frag` in tests and the shell): datagrams and
 * bytes (truesize) held. */
void ip_frag_usage(unsigned int *queues, uint32_t *mem);
/* Limits (Linux's ipfrag_high_thresh, ipfrag_time, and our queue bound). */
#define IPFRAG_MAX_QUEUES 64
#define IPFRAG_HIGH_THRESH (4u << 20)
#define IPFRAG_TIME_MS 30000u
extern int sysctl_ipfrag_high_thresh;
extern int sysctl_ipfrag_time;		/* seconds */

/* Walks the options of a received header (RFC 791 3.1) with every length
 * checked against the header: true if well formed. The options are then
 * ignored (no source routing, no record route). */
bool ip_options_valid(const struct iphdr *iph);

/* Boot: the ID secret, the reassembly timers. */
void ip_init(void);
void ipfrag_init(void);

/* Default TTL (sysctl net.ipv4.ip_default_ttl). */
extern int sysctl_ip_default_ttl;

/* netstat -s: section Ip (RFC 4293 names as Linux shows them), IpExt, and our
 * own names in the same style for the drop reasons Linux does not name. */
struct ip_mib {
	/* Ip */
	uint64_t forwarding;		/* 2: not a router */
	uint64_t default_ttl;
	uint64_t in_receives, in_hdr_errors, in_addr_errors, forw_datagrams;
	uint64_t in_unknown_protos, in_discards, in_delivers;
	uint64_t out_requests, out_discards, out_no_routes;
	uint64_t reasm_timeout, reasm_reqds, reasm_oks, reasm_fails;
	uint64_t frag_oks, frag_fails, frag_creates;
	/* ours, each also counted under the Linux name above it belongs to */
	uint64_t in_bad_version, in_bad_hdr_len, in_bad_length, in_bad_options;
	uint64_t in_martian_source, in_other_host;
	uint64_t reasm_overlaps, reasm_duplicates, reasm_oversize, reasm_mem_limit;
	uint64_t reasm_queue_limit, reasm_malformed, reasm_inconsistent, reasm_no_mem;
	uint64_t out_no_neigh, out_no_headroom, out_too_big, out_filtered, out_no_loopback;
	uint64_t in_filtered;
	/* IpExt */
	uint64_t in_no_routes, in_truncated_pkts, in_mcast_pkts, out_mcast_pkts;
	uint64_t in_bcast_pkts, out_bcast_pkts, in_octets, out_octets;
	uint64_t in_csum_errors;
};
extern struct ip_mib ip_statistics;
#define IP_INC_STATS(field) (ip_statistics.field++)
#define IP_ADD_STATS(field, n) (ip_statistics.field += (n))

#endif
