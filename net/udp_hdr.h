/* UDP wire format (RFC 768). */
#ifndef RINGOS_NET_UDP_HDR_H
#define RINGOS_NET_UDP_HDR_H

#include "net/byteorder.h"

struct udphdr {
	be16 source;
	be16 dest;
	be16 len;
	uint16_t check;		/* 0: not computed (IPv4 only) */
} __packed;
_Static_assert(sizeof(struct udphdr) == 8, "UDP header is 8 bytes");

#endif
