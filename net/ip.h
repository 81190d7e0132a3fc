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

/* The ETH_P_IP handler; data at the IP header. Consumes skb. */
int ip_rcv(struct sk_buff *skb);

/* Sends skb, data at the transport header (headroom MAX_HEADER), to fl->daddr:
 * routes it (through sk's cached dst when sk is connected to that address,
 * else a fresh lookup), pushes and fills the IP header (ID, TTL from sk or 64,
 * DF if sk->pmtudisc, protocol fl->proto, source fl->saddr or the route's),
 * then ip_local_out. sk may be NULL (ICMP replies). Consumes skb; returns 0 or
 * a negative errno (-ENETUNREACH, -EMSGSIZE, -ENOBUFS). */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi4 *fl);
int ip_local_out(struct sk_buff *skb);
int ip_output(struct sk_buff *skb);

/* Reassembly (ip_fragment.c): returns the whole datagram when skb completes
 * one, NULL when it was queued or dropped (counted). */
struct sk_buff *ip_defrag(struct sk_buff *skb);
/* Splits skb (data at the IP header) into fragments of at most mtu bytes and
 * hands each to output; consumes skb. */
int ip_fragment(struct sk_buff *skb, uint32_t mtu, int (*output)(struct sk_buff *));

void ip_init(void);

/* Default TTL (sysctl net.ipv4.ip_default_ttl). */
extern int sysctl_ip_default_ttl;

#endif
