/* IPv4 wire format (RFC 791): the header, its flags and protocol numbers. */
#ifndef RINGOS_NET_IP_HDR_H
#define RINGOS_NET_IP_HDR_H

#include "net/byteorder.h"

#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

#define IPVERSION   4
#define IP_MIN_HLEN 20
#define IP_MAX_HLEN 60
#define IP_MAX_PACKET 65535
#define IPDEFTTL    64

/* frag_off, host order after ntohs. */
#define IP_CE      0x8000	/* reserved ("evil") bit */
#define IP_DF      0x4000
#define IP_MF      0x2000
#define IP_OFFMASK 0x1FFF	/* in units of 8 bytes */

/* Options (RFC 791 3.1): kinds that take no length byte. */
#define IPOPT_END 0
#define IPOPT_NOOP 1

struct iphdr {
	uint8_t ihl_version;	/* version in the high nibble, IHL (32-bit words) low */
	uint8_t tos;
	be16 tot_len;
	be16 id;
	be16 frag_off;
	uint8_t ttl;
	uint8_t protocol;
	uint16_t check;
	be32 saddr;
	be32 daddr;
} __packed;
_Static_assert(sizeof(struct iphdr) == IP_MIN_HLEN, "IPv4 header is 20 bytes");

static inline unsigned int ip_version(const struct iphdr *iph) { return iph->ihl_version >> 4; }
static inline unsigned int ip_hdrlen(const struct iphdr *iph) { return (iph->ihl_version & 0xFu) * 4; }

static inline bool ipv4_is_multicast(be32 a) { return (ntohl(a) & 0xF0000000u) == 0xE0000000u; }
static inline bool ipv4_is_lbcast(be32 a) { return a == 0xFFFFFFFFu; }
static inline bool ipv4_is_zeronet(be32 a) { return (ntohl(a) & 0xFF000000u) == 0; }
static inline bool ipv4_is_loopback(be32 a) { return (ntohl(a) & 0xFF000000u) == 0x7F000000u; }

#endif
