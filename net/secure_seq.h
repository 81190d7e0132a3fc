/* Secrets for TCP (and IP IDs): initial sequence numbers per RFC 6528, the
 * SYN-cookie MACs, and the per-connection timestamp offset (RFC 7323 5.4).
 * One boot-time key from RDSEED / RDRAND when the CPU has them, else from TSC
 * jitter; the keyed function is SipHash-2-4. */
#ifndef RINGOS_NET_SECURE_SEQ_H
#define RINGOS_NET_SECURE_SEQ_H

#include "net/byteorder.h"

/* Draws the key (first call does it; callable early). Returns where it came
 * from: "rdseed", "rdrand" or "tsc". */
const char *net_secret_init(void);
/* RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * M a 4 microsecond clock (ktime_get_ns() / 4000). */
uint32_t secure_tcp_seq(be32 saddr, be32 daddr, be16 sport, be16 dport);
/* A random-looking TSval offset per address pair (Linux's ts_off). */
uint32_t secure_tcp_ts_off(be32 saddr, be32 daddr);
/* SipHash-2-4 of 4 words under the key selected by `which` (0: ISN,
 * 1: cookies, 2: ts offset, ...); for the SYN-cookie code. */
uint64_t net_secret_hash(unsigned int which, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
/* The raw SipHash-2-4 (test vectors). */
uint64_t siphash_2_4(const uint8_t key[16], const void *data, size_t len);

/* SYN cookies (syncookies.c), Linux's scheme: the ISN carries a MAC of the
 * 4-tuple and the peer's ISN, a 1-minute counter and an index into a small
 * MSS table; the TSval's low 6 bits carry window scale (4), SACK-permitted
 * (1) and ECN (1), only when the SYN had timestamps. */
/* The ISN for a SYN answered without state; *mss set to the table value used
 * (the largest entry <= the peer's MSS). */
uint32_t cookie_v4_init_sequence(be32 saddr, be32 daddr, be16 sport, be16 dport,
				 uint32_t peer_isn, uint16_t *mss);
/* The MSS encoded in the ACK's cookie (ack - 1), or 0 when the MAC fails or
 * it is older than 2 minutes. peer_isn is the ACK's seq - 1. */
uint16_t cookie_v4_check(be32 saddr, be32 daddr, be16 sport, be16 dport,
			 uint32_t peer_isn, uint32_t cookie);
/* TSval for the SYN-ACK carrying the options (at most now_tsval); and its
 * decoding from the TSecr of the ACK: false if the bits are invalid. */
uint32_t cookie_init_timestamp(uint32_t now_tsval, uint8_t wscale, bool wscale_ok,
			       bool sack_ok, bool ecn_ok);
bool cookie_timestamp_decode(uint32_t tsecr, uint8_t *wscale, bool *wscale_ok,
			     bool *sack_ok, bool *ecn_ok);

#endif
