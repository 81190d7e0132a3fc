/* Secrets (net/core/secure_seq.c): SipHash-2-4 against the reference
 * vectors, the key sources and their boot line, RFC 6528 ISNs and the
 * timestamp offset. */
#include <stdio.h>
#include <string.h>
#include "host_support.h"
#include "kernel/time.h"
#include "net/secure_seq.h"

static uint64_t now_ns;
uint64_t ktime_get_ns(void) { return now_ns; }

/* The reference implementation's vectors_sip64: key 00 01 .. 0f, message
 * 00 01 .. (i-1) for i = 0..63, each output read as a little-endian word. */
static const uint64_t sip64_vectors[64] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL,
	0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
	0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
	0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL,
	0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL,
	0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
	0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL,
	0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
	0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL,
	0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
	0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL,
	0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
	0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL,
	0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
	0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL,
	0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
	0x314dffbe0815a3b4ULL, 0x027990f029623981ULL,
	0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
	0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL,
	0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
	0xf935451de4f21df2ULL, 0xa9538f0419755787ULL,
	0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
	0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL,
	0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
	0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL,
	0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
	0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL,
	0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
	0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL,
	0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
};

static const uint8_t key_isn[16] = { 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
				     0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t key_ts[16] = { 0xa5, 0x5a, 0xc3, 0x3c, 0x0f, 0xf0, 0x96, 0x69,
				    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

static int setup_keys(void **state)
{
	(void)state;
	net_secret_reset_for_test();
	net_secret_set_for_test(NET_SECRET_ISN, key_isn);
	net_secret_set_for_test(NET_SECRET_TS_OFF, key_ts);
	now_ns = 123456789012ULL;
	return 0;
}

static void test_siphash_reference_vectors(void **state)
{
	uint8_t key[16], msg[64];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (size_t len = 0; len < 64; len++)
		assert_int_equal(siphash_2_4(key, msg, len), sip64_vectors[len]);
}

/* The loads are bytewise: a message at any alignment hashes the same. */
static void test_siphash_unaligned(void **state)
{
	uint8_t key[16], buf[64 + 8];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (size_t off = 1; off < 8; off++) {
		for (int i = 0; i < 64; i++)
			buf[off + i] = (uint8_t)i;
		for (size_t len = 0; len < 64; len++)
			assert_int_equal(siphash_2_4(key, buf + off, len), sip64_vectors[len]);
	}
}

static bool is_source(const char *s)
{
	return !strcmp(s, "rdseed") || !strcmp(s, "rdrand") || !strcmp(s, "tsc");
}

/* The first call draws and says so once; later calls return the same. */
static void test_init_logs_source_once(void **state)
{
	char line[64];
	const char *src;

	(void)state;
	net_secret_reset_for_test();
	printk_capture_reset();
	src = net_secret_init();
	assert_true(is_source(src));
	snprintf(line, sizeof(line), "net: secrets from %s\n", src);
	assert_string_equal(printk_capture, line);
	assert_ptr_equal(net_secret_init(), src);
	assert_int_equal(printk_capture_lines(), 1);
	/* Each purpose has its own key. */
	assert_int_not_equal(net_secret_hash(NET_SECRET_ISN, 1, 2, 3, 4),
			     net_secret_hash(NET_SECRET_COOKIE, 1, 2, 3, 4));
	assert_int_not_equal(net_secret_hash(NET_SECRET_TS_OFF, 1, 2, 3, 4),
			     net_secret_hash(NET_SECRET_COOKIE_COUNT, 1, 2, 3, 4));
}

/* Nobody called net_secret_init: the first hash draws the keys itself. */
static void test_lazy_draw(void **state)
{
	uint32_t a, b;

	(void)state;
	net_secret_reset_for_test();
	printk_capture_reset();
	a = secure_tcp_ts_off(HTONL_C(0x0a000001), HTONL_C(0x0a000002));
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "net: secrets from "));
	b = secure_tcp_ts_off(HTONL_C(0x0a000001), HTONL_C(0x0a000002));
	assert_int_equal(a, b);
	assert_int_equal(printk_capture_lines(), 1);
}

static bool key_is_trivial(const uint8_t k[16])
{
	static const uint8_t zero[16];
	uint8_t ones[16];

	memset(ones, 0xff, sizeof(ones));
	return !memcmp(k, zero, 16) || !memcmp(k, ones, 16);
}

/* Every source the CPU has gives distinct keys on each draw; the TSC one is
 * always there. An unknown name is refused. */
static void test_sources_draw_distinct_keys(void **state)
{
	static const char *const sources[] = { "rdseed", "rdrand", "tsc" };
	uint8_t k1[16], k2[16];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		if (!net_secret_draw_for_test(sources[i], k1)) {
			assert_string_not_equal(sources[i], "tsc");
			continue;
		}
		assert_true(net_secret_draw_for_test(sources[i], k2));
		assert_false(key_is_trivial(k1));
		assert_false(key_is_trivial(k2));
		assert_memory_not_equal(k1, k2, 16);
	}
	assert_false(net_secret_draw_for_test("urandom", k1));
}

/* net_secret_hash is SipHash-2-4 of the four words, little-endian, in order. */
static void test_hash_is_siphash_of_words(void **state)
{
	const uint8_t msg[16] = { 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05,
				  0x0c, 0x0b, 0x0a, 0x09, 0x10, 0x0f, 0x0e, 0x0d };

	(void)state;
	assert_int_equal(net_secret_hash(NET_SECRET_ISN, 0x01020304, 0x05060708,
					 0x090a0b0c, 0x0d0e0f10),
			 siphash_2_4(key_isn, msg, sizeof(msg)));
	/* A `which` past the table still names a key. */
	assert_int_equal(net_secret_hash(NET_SECRET_MAX + NET_SECRET_TS_OFF, 1, 2, 3, 4),
			 net_secret_hash(NET_SECRET_TS_OFF, 1, 2, 3, 4));
}

#define LADDR HTONL_C(0xc0a80101)
#define RADDR HTONL_C(0xc0a80102)
#define LPORT HTONS_C(7)
#define RPORT HTONS_C(40000)

static void test_isn_depends_on_every_field(void **state)
{
	uint32_t base = secure_tcp_seq(LADDR, RADDR, LPORT, RPORT);

	(void)state;
	assert_int_equal(secure_tcp_seq(LADDR, RADDR, LPORT, RPORT), base);
	assert_int_not_equal(secure_tcp_seq(LADDR ^ HTONL_C(1), RADDR, LPORT, RPORT), base);
	assert_int_not_equal(secure_tcp_seq(LADDR, RADDR ^ HTONL_C(1), LPORT, RPORT), base);
	assert_int_not_equal(secure_tcp_seq(LADDR, RADDR, LPORT ^ HTONS_C(1), RPORT), base);
	assert_int_not_equal(secure_tcp_seq(LADDR, RADDR, LPORT, RPORT ^ HTONS_C(1)), base);
	/* The other direction of the same pair is another 4-tuple. */
	assert_int_not_equal(secure_tcp_seq(RADDR, LADDR, RPORT, LPORT), base);
	/* F is the ISN key's hash of the tuple; M the 4 us clock. */
	assert_int_equal(base, (uint32_t)net_secret_hash(NET_SECRET_ISN, LADDR, RADDR,
							 (uint32_t)LPORT << 16 | RPORT, 0) +
			       (uint32_t)(now_ns / 4000));
}

/* RFC 6528's M: 250 000 ticks a second, one per 4 us, wrapping mod 2^32. */
static void test_isn_advances_with_clock(void **state)
{
	uint32_t t0, t1;

	(void)state;
	now_ns = 1000 * NSEC_PER_SEC;	/* a multiple of 4 us */
	t0 = secure_tcp_seq(LADDR, RADDR, LPORT, RPORT);
	now_ns += NSEC_PER_SEC;
	t1 = secure_tcp_seq(LADDR, RADDR, LPORT, RPORT);
	assert_int_equal(t1 - t0, 250000);
	now_ns += 3999;
	assert_int_equal(secure_tcp_seq(LADDR, RADDR, LPORT, RPORT), t1);
	now_ns += 1;
	assert_int_equal(secure_tcp_seq(LADDR, RADDR, LPORT, RPORT), t1 + 1);
	/* 2^32 ticks later (4.77 hours) the same ISN comes round. */
	now_ns += (1ULL << 32) * 4000;
	assert_int_equal(secure_tcp_seq(LADDR, RADDR, LPORT, RPORT), t1 + 1);
}

/* The timestamp offset: per address pair, not per port, not on the clock,
 * and under a key of its own. */
static void test_ts_off(void **state)
{
	uint32_t off = secure_tcp_ts_off(LADDR, RADDR);

	(void)state;
	now_ns += 17 * NSEC_PER_SEC;
	assert_int_equal(secure_tcp_ts_off(LADDR, RADDR), off);
	assert_int_not_equal(secure_tcp_ts_off(LADDR ^ HTONL_C(1), RADDR), off);
	assert_int_not_equal(secure_tcp_ts_off(LADDR, RADDR ^ HTONL_C(1)), off);
	assert_int_equal(off, (uint32_t)net_secret_hash(NET_SECRET_TS_OFF, LADDR, RADDR, 0, 0));
	assert_int_not_equal(off, (uint32_t)net_secret_hash(NET_SECRET_ISN, LADDR, RADDR, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vectors),
		cmocka_unit_test(test_siphash_unaligned),
		cmocka_unit_test(test_init_logs_source_once),
		cmocka_unit_test(test_lazy_draw),
		cmocka_unit_test(test_sources_draw_distinct_keys),
		cmocka_unit_test_setup(test_hash_is_siphash_of_words, setup_keys),
		cmocka_unit_test_setup(test_isn_depends_on_every_field, setup_keys),
		cmocka_unit_test_setup(test_isn_advances_with_clock, setup_keys),
		cmocka_unit_test_setup(test_ts_off, setup_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
