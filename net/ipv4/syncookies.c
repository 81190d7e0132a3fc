/* SYN cookies (RFC 4987 3.6), the scheme Linux uses: when the SYN queue is
 * full the listener answers without keeping state, and everything it must
 * remember rides in the SYN-ACK's ISN and, when the SYN had timestamps, in
 * the TSval the peer echoes.
 *
 * The ISN (the peer returns it + 1 in the ACK):
 *
 *   cookie = H1(4-tuple, peer_isn) + (count << 24)
 *            + ((H2(4-tuple, count) + data) mod 2^24)
 *
 * count is a minute counter; H1 and H2 are SipHash under two keys of their
 * own (NET_SECRET_COOKIE, NET_SECRET_COOKIE_COUNT). The check subtracts H1,
 * reads the count from the top byte, refuses it when more than
 * MAX_SYNCOOKIE_AGE minutes old, subtracts H2 of that count and must find a
 * valid `data`. Two departures from Linux, both to make a near miss fail
 * instead of decoding as a neighbouring MSS:
 *  - Linux adds the peer's ISN to H1(4-tuple); then an ACK whose seq is off
 *    by d shifts the data by -d. Here the ISN is hashed into H1.
 *  - Linux puts the bare table index in data; here it is the index times 3.
 *    A flipped bit below bit 24 moves the decoded data by a power of two
 *    (mod 2^24), and the valid values 0, 3, 6, 9 lie 3, 6 or 9 apart, none a
 *    power of two (a flip that carries into the count meets H2 of another
 *    minute instead).
 *
 * The TSval's low 6 bits: bits 0-3 the peer's window scale (15: none),
 * bit 4 SACK-permitted, bit 5 ECN. */
#include "net/secure_seq.h"
#include "net/tcp.h"
#include "kernel/time.h"

#define COOKIEBITS 24			/* bits for H2 + data; count above */
#define COOKIEMASK ((1u << COOKIEBITS) - 1)
#define COOKIE_DATA_STRIDE 3		/* data = index * 3, see above */
#define SYNCOOKIE_PERIOD_NS (60ULL * NSEC_PER_SEC)

#define TSBITS 6
#define TSMASK ((1u << TSBITS) - 1)
#define TS_OPT_WSCALE_MASK 0xfu
#define TS_OPT_SACK (1u << 4)
#define TS_OPT_ECN  (1u << 5)

/* Linux's IPv4 table: the MSS of the common paths. 536 is the RFC 9293
 * default, 1300 fits most tunnels, 1440 PPPoE and 1460 plain Ethernet. */
static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };

/* The clock the counter and its age come from: minutes since boot (the unit
 * tests set ktime_get_ns). */
static uint32_t tcp_cookie_time(void)
{
	return (uint32_t)(ktime_get_ns() / SYNCOOKIE_PERIOD_NS);
}

/* H1 with w = the peer's ISN, H2 with w = the minute. */
static uint32_t cookie_hash(unsigned int which, be32 saddr, be32 daddr, be16 sport,
			    be16 dport, uint32_t w)
{
	return (uint32_t)net_secret_hash(which, saddr, daddr,
					 (uint32_t)sport << 16 | dport, w);
}

static uint32_t secure_tcp_syn_cookie(be32 saddr, be32 daddr, be16 sport, be16 dport,
				      uint32_t sseq, uint32_t data)
{
	uint32_t count = tcp_cookie_time();

	return cookie_hash(NET_SECRET_COOKIE, saddr, daddr, sport, dport, sseq) +
	       (count << COOKIEBITS) +
	       ((cookie_hash(NET_SECRET_COOKIE_COUNT, saddr, daddr, sport, dport, count) + data) &
		COOKIEMASK);
}

/* The data of a good cookie, or UINT32_MAX. */
static uint32_t check_tcp_syn_cookie(uint32_t cookie, be32 saddr, be32 daddr, be16 sport,
				     be16 dport, uint32_t sseq)
{
	uint32_t count = tcp_cookie_time();
	uint32_t diff;

	cookie -= cookie_hash(NET_SECRET_COOKIE, saddr, daddr, sport, dport, sseq);
	/* Age in minutes, modulo the 8 bits the cookie keeps: a cookie from
	 * the future (or 256 minutes old) lands far from 0..2. */
	diff = (count - (cookie >> COOKIEBITS)) & (UINT32_MAX >> COOKIEBITS);
	if (diff > MAX_SYNCOOKIE_AGE)
		return UINT32_MAX;
	return (cookie - cookie_hash(NET_SECRET_COOKIE_COUNT, saddr, daddr, sport, dport,
				     count - diff)) & COOKIEMASK;
}

uint32_t cookie_v4_init_sequence(be32 saddr, be32 daddr, be16 sport, be16 dport,
				 uint32_t peer_isn, uint16_t *mss)
{
	uint32_t idx;

	/* The largest entry the peer can take; the smallest when none fits. */
	for (idx = ARRAY_SIZE(msstab) - 1; idx > 0; idx--)
		if (*mss >= msstab[idx])
			break;
	*mss = msstab[idx];
	return secure_tcp_syn_cookie(saddr, daddr, sport, dport, peer_isn,
				     idx * COOKIE_DATA_STRIDE);
}

uint16_t cookie_v4_check(be32 saddr, be32 daddr, be16 sport, be16 dport,
			 uint32_t peer_isn, uint32_t cookie)
{
	uint32_t data = check_tcp_syn_cookie(cookie, saddr, daddr, sport, dport, peer_isn);

	if (data % COOKIE_DATA_STRIDE || data / COOKIE_DATA_STRIDE >= ARRAY_SIZE(msstab))
		return 0;
	return msstab[data / COOKIE_DATA_STRIDE];
}

/* The options in the low bits of a TSval at most now_tsval: the peer's PAWS
 * check (RFC 7323 5) and our RTT sample from the echo both want a TSval that
 * does not run ahead of our clock, so when the bits would make it larger the
 * value steps back one 64-tick period. */
uint32_t cookie_init_timestamp(uint32_t now_tsval, uint8_t wscale, bool wscale_ok,
			       bool sack_ok, bool ecn_ok)
{
	uint32_t options, ts;

	if (wscale_ok)
		options = wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : wscale;	/* RFC 7323 2.3 */
	else
		options = TS_OPT_WSCALE_MASK;
	if (sack_ok)
		options |= TS_OPT_SACK;
	if (ecn_ok)
		options |= TS_OPT_ECN;
	ts = (now_tsval & ~TSMASK) | options;
	if (after(ts, now_tsval))
		ts -= 1u << TSBITS;
	return ts;
}

/* The echo can be forged as freely as the cookie's MAC allows the ACK to be:
 * a claim of what we no longer offer fails the connection rather than
 * switching it on. */
bool cookie_timestamp_decode(uint32_t tsecr, uint8_t *wscale, bool *wscale_ok,
			     bool *sack_ok, bool *ecn_ok)
{
	uint32_t options = tsecr & TSMASK;

	if (!sysctl_tcp_timestamps)
		return false;
	*sack_ok = options & TS_OPT_SACK;
	*ecn_ok = options & TS_OPT_ECN;
	if (*sack_ok && !sysctl_tcp_sack)
		return false;
	if ((options & TS_OPT_WSCALE_MASK) == TS_OPT_WSCALE_MASK) {
		*wscale_ok = false;
		*wscale = 0;
		return true;
	}
	*wscale_ok = true;
	*wscale = (uint8_t)(options & TS_OPT_WSCALE_MASK);
	return sysctl_tcp_window_scaling != 0;
}
