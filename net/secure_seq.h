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
/* The keys, one per purpose (net_secret_hash's `which`). */
enum net_secret_id {
	NET_SECRET_ISN = 0,		/* secure_tcp_seq */
	NET_SECRET_COOKIE = 1,		/* SYN cookie: MAC of the 4-tuple */
	NET_SECRET_TS_OFF = 2,		/* secure_tcp_ts_off */
	NET_SECRET_COOKIE_COUNT = 3,	/* SYN cookie: MAC of the 4-tuple and the minute */
	NET_SECRET_MAX
};
/* SipHash-2-4 of 4 words under the key selected by `which` (0: ISN,
 * 1: cookies, 2: ts offset, ...); for the SYN-cookie code. */
uint64_t net_secret_hash(unsigned int which, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
/* The raw SipHash-2-4 (test vectors). */
uint64_t siphash_2_4(const uint8_t key[16], const void *data, size_t len);

#ifdef RINGOS_HOST
/* Unit tests: a known key for one purpose (marks the secrets drawn, so no
 * lazy draw replaces it); one key drawn from "rdseed", "rdrand" or "tsc"
 * (false when the CPU lacks it); and back to "nothing drawn yet". */
void net_secret_set_for_test(unsigned int which, const uint8_t key[16]);
bool net_secret_draw_for_test(const char *source, uint8_t key[16]);
void net_secret_reset_for_test(void);
#endif

/* SYN cookies (syncookies.c), Linux's scheme: the ISN carries a MAC of the
 * 4-tuple and the peer's ISN, a 1-minute counter and an index into a small
 * MSS table; the TSval's low 6 bits carry window scale (4), SACK-permitted
 * (1) and ECN (1), only when the SYN had timestamps. */
#define MAX_SYNCOOKIE_AGE 2	/* minutes a cookie stays good after its own */
/* The ISN for a SYN answered without state; *mss set to the table value used
 * (the largest entry <= the peer's MSS). */
/* (*mss comes in as the peer's MSS, already clamped to ours; below the
 * smallest entry, 536, it still gets 536, as Linux does. Addresses and ports
 * as in the received segment, the peer's first, for both calls.) */
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
/* (A wscale above TCP_MAX_WSCALE is encoded as 14, RFC 7323 2.3. The decode
 * fails when the TSecr claims what we have turned off since: timestamps,
 * SACK or window scaling, by their sysctls, as Linux's does.) */

#endif
