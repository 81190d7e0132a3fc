/* Ethernet wire format (IEEE 802.3): the header and the ethertypes we know. */
#ifndef RINGOS_NET_IF_ETHER_H
#define RINGOS_NET_IF_ETHER_H

#include "net/byteorder.h"

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_ZLEN 60		/* shortest frame without FCS */
#define ETH_DATA_LEN 1500
#define ETH_FRAME_LEN 1514	/* longest untagged frame without FCS */
#define VLAN_HLEN 4

#define ETH_P_IP    0x0800
#define ETH_P_ARP   0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_IPV6  0x86DD

struct ethhdr {
	uint8_t h_dest[ETH_ALEN];
	uint8_t h_source[ETH_ALEN];
	be16 h_proto;
} __packed;
_Static_assert(sizeof(struct ethhdr) == ETH_HLEN, "Ethernet header is 14 bytes");

/* skb->pkt_type, set by eth_type_trans from the destination address. */
enum {
	PACKET_HOST,		/* to us */
	PACKET_BROADCAST,
	PACKET_MULTICAST,
	PACKET_OTHERHOST,	/* unicast to somebody else (promiscuous) */
	PACKET_OUTGOING,
};

static inline bool is_broadcast_ether_addr(const uint8_t *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xFF;
}
static inline bool is_multicast_ether_addr(const uint8_t *a) { return a[0] & 1; }
static inline bool is_zero_ether_addr(const uint8_t *a)
{
	return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5]) == 0;
}
/* Two loads a side and one test, as Linux's: every received frame asks. */
static inline bool ether_addr_equal(const uint8_t *a, const uint8_t *b)
{
	uint32_t a0, b0;
	uint16_t a1, b1;

	__builtin_memcpy(&a0, a, 4);
	__builtin_memcpy(&b0, b, 4);
	__builtin_memcpy(&a1, a + 4, 2);
	__builtin_memcpy(&b1, b + 4, 2);
	return ((a0 ^ b0) | (uint32_t)(a1 ^ b1)) == 0;
}

#endif
