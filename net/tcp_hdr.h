/* TCP wire format (RFC 9293 3.1): the header and its flag bits. Options and the
 * module API come with TCP. */
#ifndef RINGOS_NET_TCP_HDR_H
#define RINGOS_NET_TCP_HDR_H

#include "net/byteorder.h"

#define TCP_MIN_HLEN 20
#define TCP_MAX_HLEN 60

#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20
#define TCPHDR_ECE 0x40
#define TCPHDR_CWR 0x80

struct tcphdr {
	be16 source;
	be16 dest;
	be32 seq;
	be32 ack_seq;
	uint8_t doff_res;	/* data offset (32-bit words) in the high nibble */
	uint8_t flags;		/* TCPHDR_* */
	be16 window;
	uint16_t check;
	be16 urg_ptr;
} __packed;
_Static_assert(sizeof(struct tcphdr) == TCP_MIN_HLEN, "TCP header is 20 bytes");

static inline unsigned int tcp_hdrlen(const struct tcphdr *th) { return (th->doff_res >> 4) * 4u; }

#endif
