/* ARP wire format (RFC 826) for Ethernet and IPv4, the only pairing we speak. */
#ifndef RINGOS_NET_ARP_HDR_H
#define RINGOS_NET_ARP_HDR_H

#include "net/if_ether.h"

#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY   2

struct arphdr {
	be16 ar_hrd;
	be16 ar_pro;
	uint8_t ar_hln;
	uint8_t ar_pln;
	be16 ar_op;
} __packed;

/* The Ethernet/IPv4 body that follows struct arphdr. */
struct arp_eth_ipv4 {
	uint8_t ar_sha[ETH_ALEN];
	be32 ar_sip;
	uint8_t ar_tha[ETH_ALEN];
	be32 ar_tip;
} __packed;
_Static_assert(sizeof(struct arphdr) + sizeof(struct arp_eth_ipv4) == 28, "ARP for IPv4 is 28 bytes");

#endif
