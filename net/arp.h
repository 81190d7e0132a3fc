/* ARP (RFC 826) for the neighbour table. */
#ifndef RINGOS_NET_ARP_H
#define RINGOS_NET_ARP_H

#include "net/byteorder.h"

struct net_device;
struct sk_buff;
struct neighbour;

void arp_init(void);
/* The ETH_P_ARP handler; data at the ARP header. Consumes skb. */
int arp_rcv(struct sk_buff *skb);
/* A request for n's address: broadcast while INCOMPLETE, unicast to n->ha in PROBE. */
void arp_solicit(struct neighbour *n);
/* Gratuitous ARP announcing addr on dev (address added, link up). */
void arp_announce(struct net_device *dev, be32 addr);

#endif
