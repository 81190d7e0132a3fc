/* Boot-time secrets and the keyed function over them (net/secure_seq.h).
 *
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF"):
 * four 64-bit words of state from the 128-bit key and "somepseudorandomlygeneratedbytes",
 * the message in little-endian 8-byte words, each absorbed by 2 SipRounds,
 * a last word holding the tail bytes and the length mod 256 in its top byte,
 * then 4 rounds after v2 ^= 0xff; the output is the xor of the four words.
 *
 * Keys: one per purpose (enum net_secret_id), so a value that leaks from one
 * use (an ISN, a timestamp offset) says nothing about another's key. Drawn
 * once, from the best source the CPU has:
 *   1. RDSEED (CPUID.07H:EBX[18]): the conditioner's output, full entropy;
 *   2. RDRAND (CPUID.01H:ECX[30]): the DRBG seeded from it;
 *   3. TSC jitter: the timing noise of short work, many samples folded
 *      through SipHash; the only thing a CPU without 1 and 2 (QEMU's default
 *      models under TCG) offers us before any packet arrives. */
#include <string.h>
#include "net/secure_seq.h"
#include "kernel/initcall.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/time.h"

/* ---- SipHash-2-4 ----------------------------------------------------------- */

static inline uint64_t rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1; s->v1 = rotl64(s->v1, 13); s->v1 ^= s->v0; s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3; s->v3 = rotl64(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = rotl64(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = rotl64(s->v1, 17); s->v1 ^= s->v2; s->v2 = rotl64(s->v2, 32);
}

/* The compression: c = 2 rounds per message word. */
static inline void sip_absorb(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

uint64_t siphash_2_4(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	struct sip_state s = {
		.v0 = k0 ^ 0x736f6d6570736575ULL,	/* "somepseu" */
		.v1 = k1 ^ 0x646f72616e646f6dULL,	/* "dorandom" */
		.v2 = k0 ^ 0x6c7967656e657261ULL,	/* "lygenera" */
		.v3 = k1 ^ 0x7465646279746573ULL,	/* "tedbytes" */
	};
	size_t left = len;
	uint64_t last;

	for (; left >= 8; left -= 8, p += 8)
		sip_absorb(&s, load_le64(p));
	/* The final word: the 0..7 tail bytes, the length's low byte on top. */
	last = (uint64_t)(len & 0xff) << 56;
	for (size_t i = 0; i < left; i++)
		last |= (uint64_t)p[i] << (8 * i);
	sip_absorb(&s, last);
	/* Finalisation: d = 4 rounds. */
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

/* ---- key sources ----------------------------------------------------------- */

/* Intel's DRNG guide: RDRAND fails only when the DRBG is momentarily drained,
 * so 10 retries mean a broken unit; RDSEED waits on the entropy source and
 * fails more often, retried with a pause between tries. */
#define RDRAND_RETRIES 10
#define RDSEED_RETRIES 100
/* Jitter samples folded into the pool: a few thousand short SipHash runs,
 * well under a millisecond on hardware, a few milliseconds under TCG. Each
 * delta carries a fraction of a bit; thousands of them fill the 128-bit pool. */
#define TSC_SAMPLES 4096

static uint8_t net_secret[NET_SECRET_MAX][16];
static const char *net_secret_source;	/* NULL until the keys are drawn */

static bool cpu_has_rdrand(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 30);
}

static bool cpu_has_rdseed(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return false;
	cpuid(7, 0, &a, &b, &c, &d);
	return b & (1u << 18);
}

/* An all-zero or all-one word is treated as a failure as well: some AMD
 * parts return ~0 with CF set after a resume (a documented erratum). */
static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		bool ok;

		__asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok && *v != 0 && *v != ~0ULL)
			return true;
	}
	return false;
}

static bool rdseed64(uint64_t *v)
{
	for (int i = 0; i < RDSEED_RETRIES; i++) {
		bool ok;

		__asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
		if (ok && *v != 0 && *v != ~0ULL)
			return true;
		cpu_relax();
	}
	return false;
}

static void store_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool key_from_insn(bool (*draw)(uint64_t *), uint8_t key[16])
{
	uint64_t lo, hi;

	if (!draw(&lo) || !draw(&hi))
		return false;
	store_le64(key, lo);
	store_le64(key + 8, hi);
	return true;
}

/* TSC jitter: each sample times one SipHash run over the pool, and the
 * delta (with the absolute count, which differs from boot to boot by
 * firmware and device timing) is hashed back into the pool under the pool
 * itself as key, so every bit of timing noise reaches every pool bit. */
static void tsc_pool(uint8_t pool[16])
{
	uint64_t p[2] = { rdtsc(), 0 };
	uint64_t prev = rdtsc();

	for (uint32_t i = 0; i < TSC_SAMPLES; i++) {
		uint8_t k[16];
		uint64_t t, m[2];

		store_le64(k, p[0]);
		store_le64(k + 8, p[1]);
		t = rdtsc();
		m[0] = t - prev;
		m[1] = t ^ ((uint64_t)i << 48);
		prev = t;
		p[i & 1] ^= siphash_2_4(k, m, sizeof(m));
	}
	store_le64(pool, p[0]);
	store_le64(pool + 8, p[1]);
}

/* One collection serves every key: key[which] = SipHash(pool, which, half),
 * keys independent as far as anyone without the pool can tell. */
static void key_from_pool(const uint8_t pool[16], unsigned int which, uint8_t key[16])
{
	for (uint64_t half = 0; half < 2; half++) {
		uint64_t m[2] = { which, half };

		store_le64(key + 8 * half, siphash_2_4(pool, m, sizeof(m)));
	}
}

/* Every key from `source`; false when the CPU lacks it or it fails part way
 * (RDSEED starved), and the next source then supplies all of them. */
static bool keys_from(const char *source, uint8_t (*keys)[16], unsigned int n)
{
	bool (*draw)(uint64_t *);

	if (!strcmp(source, "tsc")) {
		uint8_t pool[16];

		tsc_pool(pool);
		for (unsigned int which = 0; which < n; which++)
			key_from_pool(pool, which, keys[which]);
		return true;
	}
	if (!strcmp(source, "rdseed") && cpu_has_rdseed())
		draw = rdseed64;
	else if (!strcmp(source, "rdrand") && cpu_has_rdrand())
		draw = rdrand64;
	else
		return false;
	for (unsigned int which = 0; which < n; which++)
		if (!key_from_insn(draw, keys[which]))
			return false;
	return true;
}

const char *net_secret_init(void)
{
	static const char *const sources[] = { "rdseed", "rdrand", "tsc" };

	if (net_secret_source)
		return net_secret_source;
	for (size_t s = 0; s < ARRAY_SIZE(sources) && !net_secret_source; s++)
		if (keys_from(sources[s], net_secret, NET_SECRET_MAX))
			net_secret_source = sources[s];
	pr_info("net: secrets from %s\n", net_secret_source);
	return net_secret_source;
}

/* Core level: before TCP (L4) can pick an ISN. */
static void net_secret_boot(void)
{
	net_secret_init();
}
net_initcall(NET_INIT_CORE, net_secret_boot);

/* ---- keyed hashes ---------------------------------------------------------- */

uint64_t net_secret_hash(unsigned int which, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint8_t m[16];

	if (unlikely(!net_secret_source))
		net_secret_init();
	store_le64(m, (uint64_t)a | (uint64_t)b << 32);
	store_le64(m + 8, (uint64_t)c | (uint64_t)d << 32);
	/* `which` is a constant of the caller's; an out-of-range one still
	 * names a key rather than reading past the table. */
	return siphash_2_4(net_secret[which % NET_SECRET_MAX], m, sizeof(m));
}

static inline uint32_t ports(be16 sport, be16 dport)
{
	return (uint32_t)sport << 16 | dport;
}

/* RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport, key).
 * M is RFC 793's 4 us clock (a cycle of 4.77 hours), so a new incarnation of
 * a 4-tuple starts ahead of the old one's sequence numbers; F, a keyed hash
 * of the 4-tuple, hides M's phase from anyone outside it. Ours first. */
uint32_t secure_tcp_seq(be32 saddr, be32 daddr, be16 sport, be16 dport)
{
	uint32_t f = (uint32_t)net_secret_hash(NET_SECRET_ISN, saddr, daddr,
					       ports(sport, dport), 0);

	return f + (uint32_t)(ktime_get_ns() / 4000);
}

/* RFC 7323 5.4: a per-pair offset hides our clock (uptime) from the peer
 * and keeps TSvals monotonic towards the same host across connections. */
uint32_t secure_tcp_ts_off(be32 saddr, be32 daddr)
{
	return (uint32_t)net_secret_hash(NET_SECRET_TS_OFF, saddr, daddr, 0, 0);
}

#ifdef RINGOS_HOST
void net_secret_set_for_test(unsigned int which, const uint8_t key[16])
{
	if (!net_secret_source)
		net_secret_source = "test";
	memcpy(net_secret[which % NET_SECRET_MAX], key, 16);
}

bool net_secret_draw_for_test(const char *source, uint8_t key[16])
{
	return keys_from(source, (uint8_t (*)[16])key, 1);
}

void net_secret_reset_for_test(void)
{
	memset(net_secret, 0, sizeof(net_secret));
	net_secret_source = NULL;
}
#endif
