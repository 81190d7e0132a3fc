/* SYN cookies (net/ipv4/syncookies.c): the ISN round trip for every MSS
 * table entry, rejection of any other 4-tuple, peer ISN, age or flipped bit,
 * the minute counter, and the options carried in the TSval. */
#include <string.h>
#include "host_support.h"
#include "kernel/time.h"
#include "net/secure_seq.h"
#include "net/tcp.h"

/* What syncookies.c reads from the TCP core. */
int sysctl_tcp_timestamps = 1, sysctl_tcp_sack = 1, sysctl_tcp_window_scaling = 1;

static uint64_t now_ns;
uint64_t ktime_get_ns(void) { return now_ns; }

#define MINUTE (60ULL * NSEC_PER_SEC)

/* The peer's SYN, as received: its address and port first. */
#define PADDR HTONL_C(0xc0a80102)
#define LADDR HTONL_C(0xc0a80101)
#define PPORT HTONS_C(40001)
#define LPORT HTONS_C(7)
#define PISN  0x8badf00du

static const uint16_t table[] = { 536, 1300, 1440, 1460 };

static int setup(void **state)
{
	uint8_t key[16];

	(void)state;
	net_secret_reset_for_test();
	for (unsigned int w = 0; w < NET_SECRET_MAX; w++) {
		for (int i = 0; i < 16; i++)
			key[i] = (uint8_t)(0x30 * w + 7 * i + 1);
		net_secret_set_for_test(w, key);
	}
	now_ns = 1000 * MINUTE + 17 * NSEC_PER_SEC;
	sysctl_tcp_timestamps = sysctl_tcp_sack = sysctl_tcp_window_scaling = 1;
	return 0;
}

static uint32_t make(uint16_t peer_mss, uint16_t *got)
{
	*got = peer_mss;
	return cookie_v4_init_sequence(PADDR, LADDR, PPORT, LPORT, PISN, got);
}

static uint16_t check(uint32_t cookie)
{
	return cookie_v4_check(PADDR, LADDR, PPORT, LPORT, PISN, cookie);
}

static void test_round_trip_every_entry(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		uint16_t mss;
		uint32_t c = make(table[i], &mss);

		assert_int_equal(mss, table[i]);
		assert_int_equal(check(c), table[i]);
	}
}

/* The largest entry at most the peer's MSS; below 536 still 536. */
static void test_mss_mapping(void **state)
{
	static const uint16_t map[][2] = {
		{ 65535, 1460 }, { 1500, 1460 }, { 1460, 1460 }, { 1459, 1440 },
		{ 1440, 1440 }, { 1439, 1300 }, { 1400, 1300 }, { 1300, 1300 },
		{ 1299, 536 }, { 536, 536 }, { 535, 536 }, { 100, 536 }, { 0, 536 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		uint16_t mss;
		uint32_t c = make(map[i][0], &mss);

		assert_int_equal(mss, map[i][1]);
		assert_int_equal(check(c), map[i][1]);
	}
}

static void test_other_tuple_or_isn_rejected(void **state)
{
	uint16_t mss;
	uint32_t c = make(1460, &mss);

	(void)state;
	assert_int_equal(cookie_v4_check(PADDR ^ HTONL_C(1), LADDR, PPORT, LPORT, PISN, c), 0);
	assert_int_equal(cookie_v4_check(PADDR, LADDR ^ HTONL_C(1), PPORT, LPORT, PISN, c), 0);
	assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT ^ HTONS_C(1), LPORT, PISN, c), 0);
	assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT, LPORT ^ HTONS_C(1), PISN, c), 0);
	/* Any other peer ISN, including those off by a table step (3) or by
	 * the whole data field: none decodes as another MSS. */
	for (uint32_t d = 1; d <= 64; d++) {
		assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT, LPORT, PISN + d, c), 0);
		assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT, LPORT, PISN - d, c), 0);
	}
	assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT, LPORT, PISN + (1u << 24), c), 0);
	assert_int_equal(cookie_v4_check(PADDR, LADDR, PPORT, LPORT, PISN ^ (1u << 31), c), 0);
	/* The two directions of the pair are not interchangeable. */
	assert_int_equal(cookie_v4_check(LADDR, PADDR, LPORT, PPORT, PISN, c), 0);
	assert_int_equal(check(c), 1460);
}

/* Good in its own minute and the two after; not in the third or before it. */
static void test_age(void **state)
{
	uint64_t t0 = now_ns;
	uint16_t mss;
	uint32_t c = make(1440, &mss);

	(void)state;
	for (uint64_t m = 0; m <= MAX_SYNCOOKIE_AGE; m++) {
		now_ns = t0 + m * MINUTE;
		assert_int_equal(check(c), 1440);
	}
	now_ns = t0 + 3 * MINUTE;
	assert_int_equal(check(c), 0);
	now_ns = t0 + 10 * MINUTE;
	assert_int_equal(check(c), 0);
	/* 256 minutes on, the cookie's 8-bit count reads as current; the MAC
	 * of the real minute refuses it. */
	now_ns = t0 + 256 * MINUTE;
	assert_int_equal(check(c), 0);
	/* Checked in the minute before it was made: no "future" cookies. */
	now_ns = t0 - MINUTE;
	assert_int_equal(check(c), 0);
	/* Made in the last second of a minute, refused at the start of the
	 * third minute after: the counter is whole minutes. */
	now_ns = 1000 * MINUTE + MINUTE - 1;
	c = make(536, &mss);
	now_ns = 1003 * MINUTE;
	assert_int_equal(check(c), 0);
	now_ns = 1003 * MINUTE - 1;
	assert_int_equal(check(c), 536);
}

/* The counter's top byte wraps (minute 255 -> 256) without harm. */
static void test_count_wraps(void **state)
{
	uint16_t mss;
	uint32_t c;

	(void)state;
	now_ns = 255 * MINUTE + 30 * NSEC_PER_SEC;
	c = make(1300, &mss);
	now_ns += MINUTE;
	assert_int_equal(check(c), 1300);
	now_ns += MINUTE;
	assert_int_equal(check(c), 1300);
	now_ns += MINUTE;
	assert_int_equal(check(c), 0);
}

/* Any single flipped bit, for every entry. */
static void test_flipped_bit_rejected(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		uint16_t mss;
		uint32_t c = make(table[i], &mss);

		for (int b = 0; b < 32; b++)
			assert_int_equal(check(c ^ (1u << b)), 0);
		assert_int_equal(check(c + 1), 0);
		assert_int_equal(check(c - 1), 0);
	}
}

/* Many tuples round trip; random ACK numbers from a flood do not pass. */
static void test_random_tuples_and_forgeries(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	unsigned int accepted = 0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		be32 s = (be32)test_rng(&rng), d = (be32)test_rng(&rng);
		be16 sp = (be16)test_rng(&rng), dp = (be16)test_rng(&rng);
		uint32_t isn = (uint32_t)test_rng(&rng);
		uint16_t mss = (uint16_t)test_rng(&rng);
		uint32_t c = cookie_v4_init_sequence(s, d, sp, dp, isn, &mss);

		assert_int_equal(cookie_v4_check(s, d, sp, dp, isn, c), mss);
	}
	for (int i = 0; i < 200000; i++)
		accepted += check((uint32_t)test_rng(&rng)) != 0;
	assert_int_equal(accepted, 0);
}

/* ---- timestamps --------------------------------------------------------------- */

static const uint32_t nows[] = { 0, 1, 5, 63, 64, 100, 0x1000, 0x12345678,
				 0x7fffffff, 0x80000000, 0xffffffc0, 0xffffffff };

static void expect_decode(uint32_t ts, uint8_t wscale, bool wscale_ok, bool sack, bool ecn)
{
	uint8_t w = 0xaa;
	bool wok, sok, eok;

	assert_true(cookie_timestamp_decode(ts, &w, &wok, &sok, &eok));
	assert_int_equal(wok, wscale_ok);
	assert_int_equal(w, wscale_ok ? wscale : 0);
	assert_int_equal(sok, sack);
	assert_int_equal(eok, ecn);
}

/* Every wscale 0..14 and none, with each SACK / ECN combination, at clocks
 * that make the low bits fit and ones that make them step back: decodes to
 * what went in and never runs ahead of now (by sequence arithmetic), by at
 * most one 64-tick period. */
static void test_ts_round_trip(void **state)
{
	(void)state;
	for (size_t n = 0; n < ARRAY_SIZE(nows); n++)
		for (int w = 0; w <= TCP_MAX_WSCALE + 1; w++)
			for (int combo = 0; combo < 4; combo++) {
				bool wok = w <= TCP_MAX_WSCALE, sack = combo & 1, ecn = combo & 2;
				uint32_t ts = cookie_init_timestamp(nows[n], (uint8_t)w, wok,
								    sack, ecn);

				assert_false(after(ts, nows[n]));
				assert_true(nows[n] - ts < 64);
				expect_decode(ts, (uint8_t)w, wok, sack, ecn);
			}
}

static void test_ts_exact_bits(void **state)
{
	(void)state;
	/* wscale 7 | SACK = 0x17 fits under 0x1234567f's low bits (0x3f). */
	assert_int_equal(cookie_init_timestamp(0x1234567f, 7, true, true, false), 0x12345657);
	/* At 0x1000 the low bits are 0: step back to 0x0fc0 | 0x17. */
	assert_int_equal(cookie_init_timestamp(0x1000, 7, true, true, false), 0x0fd7);
	/* No wscale: 0xf; with ECN: 0x2f. */
	assert_int_equal(cookie_init_timestamp(0x1000003f, 3, false, false, true), 0x1000002f);
	/* Near zero the step back wraps, still "before" now. */
	assert_int_equal(cookie_init_timestamp(2, 0, true, true, true), 0xfffffff0);
}

/* A wscale past 14 (or 15, which would read as "none") is sent as 14. */
static void test_ts_wscale_too_large(void **state)
{
	(void)state;
	expect_decode(cookie_init_timestamp(5000, 15, true, false, false), 14, true, false, false);
	expect_decode(cookie_init_timestamp(5000, 200, true, true, false), 14, true, true, false);
	/* Without wscale_ok the value is ignored. */
	expect_decode(cookie_init_timestamp(5000, 200, false, false, false), 0, false, false, false);
}

/* An echo claiming what the sysctls have since switched off is refused. */
static void test_ts_decode_refuses_disabled(void **state)
{
	uint32_t ws = cookie_init_timestamp(5000, 7, true, false, false);
	uint32_t sack = cookie_init_timestamp(5000, 0, false, true, false);
	uint32_t plain = cookie_init_timestamp(5000, 0, false, false, false);
	uint8_t w;
	bool wok, sok, eok;

	(void)state;
	sysctl_tcp_window_scaling = 0;
	assert_false(cookie_timestamp_decode(ws, &w, &wok, &sok, &eok));
	assert_true(cookie_timestamp_decode(sack, &w, &wok, &sok, &eok));
	sysctl_tcp_window_scaling = 1;
	sysctl_tcp_sack = 0;
	assert_false(cookie_timestamp_decode(sack, &w, &wok, &sok, &eok));
	assert_true(cookie_timestamp_decode(ws, &w, &wok, &sok, &eok));
	sysctl_tcp_sack = 1;
	sysctl_tcp_timestamps = 0;
	assert_false(cookie_timestamp_decode(plain, &w, &wok, &sok, &eok));
	sysctl_tcp_timestamps = 1;
	assert_true(cookie_timestamp_decode(plain, &w, &wok, &sok, &eok));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip_every_entry, setup),
		cmocka_unit_test_setup(test_mss_mapping, setup),
		cmocka_unit_test_setup(test_other_tuple_or_isn_rejected, setup),
		cmocka_unit_test_setup(test_age, setup),
		cmocka_unit_test_setup(test_count_wraps, setup),
		cmocka_unit_test_setup(test_flipped_bit_rejected, setup),
		cmocka_unit_test_setup(test_random_tuples_and_forgeries, setup),
		cmocka_unit_test_setup(test_ts_round_trip, setup),
		cmocka_unit_test_setup(test_ts_exact_bits, setup),
		cmocka_unit_test_setup(test_ts_wscale_too_large, setup),
		cmocka_unit_test_setup(test_ts_decode_refuses_disabled, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
