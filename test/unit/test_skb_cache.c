/* The skb hot-path caches (net/core/skbuff.c): a freed struct and a freed
 * kmalloc'd buffer serve the next allocation without the slab, per buffer
 * size class; what is too small or too large is left to kmalloc; each list
 * is bounded; a reused struct starts clean; drain gives everything back.
 * Counted in skb_stats cache_hits / cache_misses. */
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/slab.h"
#include "net/ip.h"
#include "net/skbuff.h"
#include "skb_arena.h"

static struct skb_stats before;

static int setup(void **state)
{
	(void)state;
	/* Every test starts from empty caches. */
	skb_cache_drain();
	skb_get_stats(&before);
	test_skb_mark();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(host_irq_disabled, 0);
	return 0;
}

static uint64_t hits(void)
{
	struct skb_stats st;

	skb_get_stats(&st);
	return st.cache_hits - before.cache_hits;
}

static uint64_t misses(void)
{
	struct skb_stats st;

	skb_get_stats(&st);
	return st.cache_misses - before.cache_misses;
}

static void test_reuse_struct_and_buffer(void **state)
{
	struct sk_buff *skb = alloc_skb_tx(64), *again;
	void *head;

	(void)state;
	assert_non_null(skb);
	/* Empty caches: both from the slab. */
	assert_int_equal(hits(), 0);
	assert_int_equal(misses(), 2);
	head = skb->head;
	memset(skb_put(skb, 64), 0xAB, 64);
	skb->hash = 7;
	skb->protocol = 0x0008;
	kfree_skb(skb);

	again = alloc_skb_tx(64);
	assert_ptr_equal(again, skb);
	assert_ptr_equal(again->head, head);
	assert_int_equal(hits(), 2);
	assert_int_equal(misses(), 2);
	/* A reused struct starts as a fresh one does. */
	assert_int_equal(again->len, 0);
	assert_int_equal(again->hash, 0);
	assert_int_equal(again->protocol, 0);
	assert_int_equal(again->users, 1);
	assert_null(again->pool);
	assert_null(again->dataref);
	assert_int_equal(skb_headroom(again), MAX_HEADER);
	assert_int_equal(again->end, MAX_HEADER + 64 > MAX_HEADER + ETH_ZLEN ?
			 MAX_HEADER + 64 : MAX_HEADER + ETH_ZLEN);
	assert_int_equal(again->truesize, sizeof(*again) + again->end);
	kfree_skb(again);
}

static void test_classes(void **state)
{
	struct sk_buff *a = alloc_skb(300), *b, *c;
	void *head;

	(void)state;
	head = a->head;
	kfree_skb(a);
	/* 300 and 500 share the 512 class: the buffer serves the second. */
	b = alloc_skb(500);
	assert_ptr_equal(b->head, head);
	assert_int_equal(b->end, 500);
	/* 200 is the 256 class: another buffer. */
	c = alloc_skb(200);
	assert_ptr_not_equal(c->head, head);
	memset(skb_put(b, 500), 1, 500);	/* the whole object is there (ASan) */
	memset(skb_put(c, 200), 2, 200);
	kfree_skb(b);
	kfree_skb(c);
}

static void test_small_and_large_buffers_not_cached(void **state)
{
	struct sk_buff *small = alloc_skb(100), *large = alloc_skb(4096);

	(void)state;
	assert_non_null(small);
	assert_non_null(large);
	/* Only the structs went through the cache (misses, then hits). */
	assert_int_equal(misses(), 2);
	kfree_skb(small);
	kfree_skb(large);
	small = alloc_skb(100);
	large = alloc_skb(3000);
	assert_int_equal(hits(), 2);
	assert_int_equal(misses(), 2);
	kfree_skb(small);
	kfree_skb(large);
}

static void test_bounded(void **state)
{
	enum { N = SKB_CACHE_MAX + 8 };
	struct sk_buff *skbs[N];

	(void)state;
	for (int i = 0; i < N; i++)
		assert_non_null(skbs[i] = alloc_skb(1000));
	assert_int_equal(misses(), 2 * N);
	for (int i = 0; i < N; i++)
		kfree_skb(skbs[i]);
	/* Only SKB_CACHE_MAX structs and buffers were kept; the rest went back. */
	for (int i = 0; i < N; i++)
		assert_non_null(skbs[i] = alloc_skb(1000));
	assert_int_equal(hits(), 2 * SKB_CACHE_MAX);
	assert_int_equal(misses(), 2 * N + 2 * (N - SKB_CACHE_MAX));
	for (int i = 0; i < N; i++)
		kfree_skb(skbs[i]);
}

static void test_expand_buffers_cached(void **state)
{
	struct sk_buff *skb = alloc_skb(200), *again;
	void *head;

	(void)state;
	skb_reserve(skb, 16);
	memset(skb_put(skb, 100), 0x5A, 100);
	/* 200 + 400: a 1024-class buffer, copied into. */
	assert_int_equal(pskb_expand_head(skb, 400, 0), 0);
	assert_int_equal(skb->end, 600);
	assert_int_equal(skb->data[99], 0x5A);
	head = skb->head;
	kfree_skb(skb);
	again = alloc_skb(1024);
	assert_ptr_equal(again->head, head);
	kfree_skb(again);
}

static void test_drain(void **state)
{
	struct sk_buff *skb = alloc_skb(700);

	(void)state;
	kfree_skb(skb);
	skb_cache_drain();
	skb = alloc_skb(700);
	assert_int_equal(hits(), 0);
	assert_int_equal(misses(), 4);
	kfree_skb(skb);
	/* And the slab has every page back (checked by the group teardown). */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reuse_struct_and_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_and_large_buffers_not_cached, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_buffers_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
