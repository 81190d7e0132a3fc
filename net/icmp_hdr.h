/* ICMP wire format (RFC 792): header, types and the codes we send or read. */
#ifndef RINGOS_NET_ICMP_HDR_H
#define RINGOS_NET_ICMP_HDR_H

#include "net/byteorder.h"

#define ICMP_ECHOREPLY      0
#define ICMP_DEST_UNREACH   3
#define ICMP_SOURCE_QUENCH  4
#define ICMP_REDIRECT       5
#define ICMP_ECHO           8
#define ICMP_TIME_EXCEEDED  11
#define ICMP_PARAMETERPROB  12
#define ICMP_TIMESTAMP      13
#define ICMP_TIMESTAMPREPLY 14
#define NR_ICMP_TYPES       18

/* ICMP_DEST_UNREACH codes */
#define ICMP_NET_UNREACH   0
#define ICMP_HOST_UNREACH  1
#define ICMP_PROT_UNREACH  2
#define ICMP_PORT_UNREACH  3
#define ICMP_FRAG_NEEDED   4
/* ICMP_TIME_EXCEEDED codes */
#define ICMP_EXC_TTL       0
#define ICMP_EXC_FRAGTIME  1

struct icmphdr {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	union {
		struct { be16 id, sequence; } __packed echo;
		be32 gateway;
		struct { be16 unused, mtu; } __packed frag;
	} un;
} __packed;
_Static_assert(sizeof(struct icmphdr) == 8, "ICMP header is 8 bytes");

#endif
