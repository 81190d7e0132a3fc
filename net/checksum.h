/* The Internet checksum (RFC 1071): one's-complement sums, folded to 16 bits.
 * Sums are kept unfolded in 32 bits while they are built (csum_partial can be
 * chained over pieces) and folded and complemented only at the end. All values
 * are in network byte order as they sit in memory: the one's-complement sum is
 * byte-order independent, so no swap is ever needed. */
#ifndef RINGOS_NET_CHECKSUM_H
#define RINGOS_NET_CHECKSUM_H

#include "net/byteorder.h"

/* Sum of len bytes at buf added to sum (unfolded). An odd length is padded
 * with a zero byte, so only the last piece of a chain may be odd. */
uint32_t csum_partial(const void *buf, uint32_t len, uint32_t sum);

static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IPv4 header checksum; 0 when a received header (check field included) is intact. */
static inline uint16_t ip_fast_csum(const void *iph, unsigned int ihl_words)
{
	return csum_fold(csum_partial(iph, ihl_words * 4, 0));
}

/* Pseudo-header sum (RFC 768 / RFC 9293 3.1), unfolded, added to sum. */
static inline uint32_t csum_tcpudp_nofold(be32 saddr, be32 daddr, uint32_t len,
					  uint8_t proto, uint32_t sum)
{
	uint64_t s = (uint64_t)sum + (saddr & 0xFFFF) + (saddr >> 16) + (daddr & 0xFFFF) +
		     (daddr >> 16) + htons((uint16_t)len) + htons(proto);

	s = (s & 0xFFFFFFFFu) + (s >> 32);
	return (uint32_t)((s & 0xFFFFFFFFu) + (s >> 32));
}

/* The final transport checksum of a segment whose own bytes sum to sum. */
static inline uint16_t csum_tcpudp_magic(be32 saddr, be32 daddr, uint32_t len,
					 uint8_t proto, uint32_t sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

/* The pseudo-header seed for CHECKSUM_PARTIAL: the folded sum, not
 * complemented, which the NIC (or skb_checksum_help) completes. */
static inline uint16_t csum_tcpudp_seed(be32 saddr, be32 daddr, uint32_t len, uint8_t proto)
{
	return (uint16_t)~csum_tcpudp_magic(saddr, daddr, len, proto, 0);
}

#endif
