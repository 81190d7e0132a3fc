/* Layer-4 handlers above IPv4 (Linux's inet_protos): ip_local_deliver calls
 * handler for the packet's protocol; icmp_rcv calls err_handler of the
 * protocol an ICMP error quotes, so the socket that sent it learns of it. */
#ifndef RINGOS_NET_PROTOCOL_H
#define RINGOS_NET_PROTOCOL_H

#include "kernel/compiler.h"

struct sk_buff;

struct net_protocol {
	/* data at the transport header, network header set; consumes skb. */
	int (*handler)(struct sk_buff *skb);
	/* skb: the ICMP message with data at the quoted IP header (its first 8
	 * transport bytes present); type/code from the ICMP header; info is the
	 * next-hop MTU for frag-needed. Does not consume skb. */
	void (*err_handler)(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info);
};

int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol);
const struct net_protocol *inet_get_protocol(uint8_t protocol);

#endif
