/* ICMP (RFC 792, RFC 1122 3.2.2): echo replies, errors sent (rate-limited as
 * Linux does) and errors received, passed to the protocol they concern. */
#ifndef RINGOS_NET_ICMP_H
#define RINGOS_NET_ICMP_H

#include "net/byteorder.h"
#include "net/icmp_hdr.h"

struct sk_buff;

void icmp_init(void);
/* Sends an error of type/code about skb_in (a received packet, network header
 * set), quoting its IP header and first 8 payload bytes, unless the rules of
 * RFC 1122 3.2.2 forbid it (about an ICMP error, a broadcast, a non-first
 * fragment...) or the rate limit says no. info: the MTU for frag-needed.
 * Does not consume skb_in. */
void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, be32 info);

#endif
