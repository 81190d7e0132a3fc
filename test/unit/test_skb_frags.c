/* skb frags (scatter-gather payload, what a zero-copy send builds): adding
 * and merging, reading across them (skb_copy_bits, skb_checksum against a
 * linear twin), trimming and pulling without a copy, splitting, linearizing
 * (counted, and the owner told its bytes were copied), and the owner's
 * reference per struct through clones and frees. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "net/checksum.h"
#include "net/skbuff.h"
#include "skb_arena.h"

static uint8_t user[9000];

struct owner {
	struct ubuf_info u;
	int completions;
};

static void owner_complete(struct ubuf_info *u)
{
	((struct owner *)u)->completions++;
}

static struct owner owner_make(void)
{
	return (struct owner){ .u = { .complete = owner_complete, .refcnt = 1, .zerocopy = true } };
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(user); i++)
		user[i] = (uint8_t)(i * 7 + (i >> 5));
	test_skb_mark();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	return 0;
}

/* 40 header bytes, then user[0..n) as frags of the given sizes. */
static struct sk_buff *frag_skb(const uint32_t *sizes, unsigned int n, struct owner *o)
{
	struct sk_buff *skb = alloc_skb_tx(0);
	uint32_t off = 0;

	assert_non_null(skb);
	memset(skb_put(skb, 40), 0xAB, 40);
	for (unsigned int i = 0; i < n; i++) {
		/* A gap of one byte keeps neighbours from merging. */
		assert_true(skb_add_frag(skb, user + off, sizes[i]));
		off += sizes[i] + 1;
	}
	if (o) {
		skb->ubuf = &o->u;
		ubuf_get(&o->u);
	}
	return skb;
}

static void test_add_frag_merges_contiguous(void **state)
{
	struct sk_buff *skb = alloc_skb_tx(0);

	(void)state;
	assert_true(skb_add_frag(skb, user, 100));
	assert_true(skb_add_frag(skb, user + 100, 50));	/* the next bytes: same frag */
	assert_int_equal(skb->nr_frags, 1);
	assert_int_equal(skb->frags[0].len, 150);
	for (int i = 0; i < MAX_SKB_FRAGS - 1; i++)
		assert_true(skb_add_frag(skb, user + 200 + 10 * i, 5));
	assert_int_equal(skb->nr_frags, MAX_SKB_FRAGS);
	assert_false(skb_add_frag(skb, user + 1000, 5));	/* full: nothing changed */
	assert_int_equal(skb->len, 150 + 5 * (MAX_SKB_FRAGS - 1));
	assert_int_equal(skb->data_len, skb->len);
	assert_int_equal(skb_headlen(skb), 0);
	/* Nothing may go after the frags in the linear part. */
	assert_int_equal(skb_tailroom(skb), 0);
	assert_null(skb_put(skb, 1));
	kfree_skb(skb);
}

static void test_copy_bits_and_checksum_across_frags(void **state)
{
	static const uint32_t sizes[] = { 1, 333, 1000, 2 };
	struct sk_buff *skb = frag_skb(sizes, 4, NULL);
	uint8_t flat[40 + 1336];
	uint32_t off = 40;

	(void)state;
	memset(flat, 0xAB, 40);
	for (unsigned int i = 0, u = 0; i < 4; i++) {
		memcpy(flat + off, user + u, sizes[i]);
		off += sizes[i];
		u += sizes[i] + 1;
	}
	assert_int_equal(skb->len, sizeof(flat));
	for (uint32_t a = 0; a < sizeof(flat); a += 37) {
		uint8_t out[sizeof(flat)];
		uint32_t n = (uint32_t)sizeof(flat) - a;

		assert_int_equal(skb_copy_bits(skb, a, out, n), 0);
		assert_memory_equal(out, flat + a, n);
		/* Odd and even starts, odd-sized pieces: the same sum as linear. */
		assert_int_equal(csum_fold(skb_checksum(skb, a, n, 0)),
				 csum_fold(csum_partial(flat + a, n, 0)));
	}
	assert_int_equal(skb_copy_bits(skb, 10, flat, sizeof(flat)), -EINVAL);
	kfree_skb(skb);
}

static void test_trim_and_pull_without_copy(void **state)
{
	static const uint32_t sizes[] = { 100, 200, 300 };
	struct owner o = owner_make();
	struct sk_buff *skb = frag_skb(sizes, 3, &o);
	uint64_t copies = skb_copy_bytes(SKB_COPY_LINEARIZE);

	(void)state;
	skb_trim(skb, 40 + 100 + 50);		/* into the second frag */
	assert_int_equal(skb->nr_frags, 2);
	assert_int_equal(skb->frags[1].len, 50);
	assert_int_equal(skb->data_len, 150);
	/* Past the headers and the first frag, into the second. */
	assert_true(pskb_pull(skb, 40 + 120));
	assert_int_equal(skb->len, 30);
	assert_int_equal(skb->nr_frags, 1);
	assert_ptr_equal(skb->frags[0].addr, user + 101 + 20);
	assert_false(pskb_pull(skb, 31));
	assert_int_equal(skb->len, 30);
	/* The last frag gone: the owner's reference goes with it. */
	assert_true(pskb_pull(skb, 30));
	assert_int_equal(skb->nr_frags, 0);
	assert_null(skb->ubuf);
	assert_int_equal(skb_copy_bytes(SKB_COPY_LINEARIZE), copies);
	kfree_skb(skb);
	assert_int_equal(o.completions, 0);	/* ours is still held */
	ubuf_put(&o.u);
	assert_int_equal(o.completions, 1);
}

static void test_split_shares_owner(void **state)
{
	static const uint32_t sizes[] = { 1000, 1000 };
	struct owner o = owner_make();
	struct sk_buff *skb = frag_skb(sizes, 2, &o), *buff = alloc_skb_tx(0);
	uint8_t a[2040], b[2040];

	(void)state;
	assert_int_equal(skb_copy_bits(skb, 0, a, skb->len), 0);
	skb_split_frags(skb, buff, 40 + 1500);
	assert_int_equal(skb->len, 1540);
	assert_int_equal(buff->len, 500);
	assert_int_equal(skb_headlen(buff), 0);
	assert_ptr_equal(buff->frags[0].addr, user + 1001 + 500);
	assert_ptr_equal(buff->ubuf, &o.u);
	assert_int_equal(o.u.refcnt, 3);	/* ours, skb's, buff's */
	assert_int_equal(skb_copy_bits(skb, 0, b, 1540), 0);
	assert_int_equal(skb_copy_bits(buff, 0, b + 1540, 500), 0);
	assert_memory_equal(a, b, 2040);
	ubuf_put(&o.u);
	kfree_skb(skb);
	assert_int_equal(o.completions, 0);
	kfree_skb(buff);
	assert_int_equal(o.completions, 1);
}

/* A clone holds its own reference: the owner completes only when the last
 * struct pointing at its memory is freed, whichever goes last. */
static void test_clone_holds_owner(void **state)
{
	static const uint32_t sizes[] = { 500 };
	struct owner o = owner_make();
	struct sk_buff *skb = frag_skb(sizes, 1, &o), *c;

	(void)state;
	ubuf_put(&o.u);				/* the sender is done building */
	c = skb_clone(skb);
	assert_int_equal(o.u.refcnt, 2);
	assert_int_equal(c->nr_frags, 1);
	kfree_skb(skb);
	assert_int_equal(o.completions, 0);
	kfree_skb(c);
	assert_int_equal(o.completions, 1);
}

/* Linearizing (a device without SG) copies the frags behind the headers,
 * counts it, tells the owner and lets go of its memory. */
static void test_linearize_copies_and_reports(void **state)
{
	static const uint32_t sizes[] = { 700, 300 };
	struct owner o = owner_make();
	struct sk_buff *skb = frag_skb(sizes, 2, &o);
	uint64_t copies = skb_copy_bytes(SKB_COPY_LINEARIZE);
	uint8_t want[1040];

	(void)state;
	ubuf_put(&o.u);
	assert_int_equal(skb_copy_bits(skb, 0, want, sizeof(want)), 0);
	assert_int_equal(skb_linearize(skb), 0);
	assert_int_equal(skb->data_len, 0);
	assert_int_equal(skb->nr_frags, 0);
	assert_int_equal(skb->len, sizeof(want));
	assert_memory_equal(skb->data, want, sizeof(want));
	assert_int_equal(skb_copy_bytes(SKB_COPY_LINEARIZE) - copies, 1000);
	assert_false(o.u.zerocopy);
	assert_int_equal(o.completions, 1);
	assert_int_equal(skb_linearize(skb), 0);	/* already linear: nothing */
	kfree_skb(skb);
}

/* Checksum completion in software sums the frags too. */
static void test_checksum_help_over_frags(void **state)
{
	static const uint32_t sizes[] = { 333, 77 };
	struct sk_buff *skb = frag_skb(sizes, 2, NULL);
	uint8_t flat[40 + 410];
	uint16_t seed = 0x1234, got;

	(void)state;
	memcpy(skb->data + 16, &seed, 2);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (uint16_t)skb_headroom(skb);
	skb->csum_offset = 16;
	assert_int_equal(skb_copy_bits(skb, 0, flat, sizeof(flat)), 0);
	assert_int_equal(skb_checksum_help(skb), 0);
	memcpy(&got, skb->data + 16, 2);
	assert_int_equal(got, csum_fold(csum_partial(flat, sizeof(flat), 0)));
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	kfree_skb(skb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_frag_merges_contiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_bits_and_checksum_across_frags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim_and_pull_without_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_shares_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_holds_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linearize_copies_and_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_help_over_frags, setup, teardown),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup, test_skb_arena_group_teardown);
}
