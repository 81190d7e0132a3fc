/* Socket buffers over the real slab and page allocator on a host arena: bounds
 * of put/push/pull/pad, clone sharing and the two reference counts, buffers
 * going back to their pool exactly once, counted allocation failures, queues.
 *
 * The skb caches live as long as the process, so the arena is set up once and
 * every test must give back every skb it took (checked after each test); by
 * the end of the group every page is back too. */
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/page_alloc.h"
#include "kernel/slab.h"
#include "net/skbuff.h"
#include "skb_arena.h"

#define POOL_BUFS   8
#define POOL_BUFSZ  2048

/* A pool that records what comes back to it. */
struct fake_pool {
	struct skb_buf_pool pool;
	uint8_t bufs[POOL_BUFS][POOL_BUFSZ];
	int freed[POOL_BUFS];
	int bad_frees;
};

static struct fake_pool fp;

static void fake_pool_free(struct skb_buf_pool *pool, void *buf)
{
	struct fake_pool *f = container_of(pool, struct fake_pool, pool);

	for (int i = 0; i < POOL_BUFS; i++) {
		if (buf == f->bufs[i]) {
			f->freed[i]++;
			return;
		}
	}
	f->bad_frees++;
}

static int total_pool_frees(void)
{
	int n = 0;

	for (int i = 0; i < POOL_BUFS; i++)
		n += fp.freed[i];
	return n;
}

static struct skb_stats before;

static int setup(void **state)
{
	(void)state;
	memset(fp.freed, 0, sizeof(fp.freed));
	fp.bad_frees = 0;
	fp.pool.name = "fake";
	fp.pool.alloc = NULL;
	fp.pool.free = fake_pool_free;
	fp.pool.buf_size = POOL_BUFSZ;
	skb_get_stats(&before);
	test_skb_mark();
	printk_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(fp.bad_frees, 0);
	for (int i = 0; i < POOL_BUFS; i++)
		assert_true(fp.freed[i] <= 1);
	assert_int_equal(host_irq_disabled, 0);
	return 0;
}

static void test_alloc_layout(void **state)
{
	struct sk_buff *skb = alloc_skb(256);

	(void)state;
	assert_non_null(skb);
	assert_ptr_equal(skb->data, skb->head);
	assert_int_equal(skb->len, 0);
	assert_int_equal(skb->end, 256);
	assert_null(skb->pool);
	assert_null(skb->dataref);
	assert_int_equal(skb->users, 1);
	assert_int_equal(skb_headroom(skb), 0);
	assert_int_equal(skb_tailroom(skb), 256);
	/* The whole buffer is usable (ASan would object otherwise). */
	memset(skb->head, 0x5a, skb->end);
	skb_reserve(skb, NET_SKB_PAD);
	assert_int_equal(skb_headroom(skb), NET_SKB_PAD);
	assert_int_equal(skb_tailroom(skb), 256 - NET_SKB_PAD);
	kfree_skb(skb);
	kfree_skb(NULL);
}

static void test_alloc_zero_size(void **state)
{
	struct sk_buff *skb = alloc_skb(0);

	(void)state;
	assert_non_null(skb);
	assert_int_equal(skb->end, 0);
	assert_null(skb_put(skb, 1));
	assert_non_null(skb_put(skb, 0));
	kfree_skb(skb);
}

static void test_put_push_pull_bounds(void **state)
{
	struct sk_buff *skb = alloc_skb(128);
	uint8_t *p;

	(void)state;
	assert_non_null(skb);
	skb_reserve(skb, 32);

	/* put: exactly the tailroom fits, one more byte does not. */
	assert_null(skb_put(skb, 97));
	assert_int_equal(skb->len, 0);
	p = skb_put(skb, 40);
	assert_ptr_equal(p, skb->head + 32);
	assert_int_equal(skb->len, 40);
	p = skb_put(skb, 56);
	assert_ptr_equal(p, skb->head + 72);
	assert_int_equal(skb_tailroom(skb), 0);
	assert_null(skb_put(skb, 1));
	assert_null(skb_put(skb, UINT32_MAX));
	assert_int_equal(skb->len, 96);

	/* push: within the headroom in place. */
	p = skb_push(skb, 14);
	assert_ptr_equal(p, skb->head + 18);
	assert_int_equal(skb->len, 110);
	assert_non_null(skb_push(skb, 18));
	assert_ptr_equal(skb->data, skb->head);
	assert_int_equal(skb->len, 128);
	assert_null(skb_push(skb, UINT32_MAX));
	assert_int_equal(skb->len, 128);

	/* pull: up to len, returning the new data pointer. */
	assert_null(skb_pull(skb, 129));
	assert_int_equal(skb->len, 128);
	p = skb_pull(skb, 14);
	assert_ptr_equal(p, skb->head + 14);
	assert_int_equal(skb->len, 114);
	p = skb_pull(skb, 114);
	assert_ptr_equal(p, skb->head + 128);
	assert_int_equal(skb->len, 0);
	assert_null(skb_pull(skb, 1));

	kfree_skb(skb);
}

static void test_trim_and_headers(void **state)
{
	struct sk_buff *skb = alloc_skb(200);

	(void)state;
	skb_reserve(skb, 50);
	skb_put(skb, 100);
	skb_trim(skb, 150);
	assert_int_equal(skb->len, 100);
	skb_trim(skb, 60);
	assert_int_equal(skb->len, 60);
	assert_int_equal(skb_tailroom(skb), 90);

	skb_reset_network_header(skb);
	skb_push(skb, 14);
	skb_reset_mac_header(skb);
	assert_int_equal(skb->mac_header, 36);
	assert_int_equal(skb->network_header, 50);
	assert_ptr_equal(skb_mac_header(skb), skb->data);
	assert_ptr_equal(skb_network_header(skb), skb->data + 14);
	assert_int_equal(skb_dma(skb), (dma_addr_t)(uintptr_t)skb->data);
	kfree_skb(skb);
}

static void test_pad_to(void **state)
{
	struct sk_buff *skb = alloc_skb(64);
	uint8_t *p;

	(void)state;
	skb_reserve(skb, 2);
	p = skb_put(skb, 10);
	memset(p, 0xee, 10);
	memset(p + 10, 0xcc, 52);	/* stale bytes in the tailroom */

	assert_true(skb_pad_to(skb, 8));
	assert_int_equal(skb->len, 10);
	assert_true(skb_pad_to(skb, 60));
	assert_int_equal(skb->len, 60);
	assert_int_equal(p[9], 0xee);
	for (int i = 10; i < 60; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(p[60], 0xcc);

	/* 62 bytes of room from data: 63 is refused and nothing changes. */
	assert_false(skb_pad_to(skb, 63));
	assert_int_equal(skb->len, 60);
	assert_int_equal(p[60], 0xcc);
	assert_true(skb_pad_to(skb, 62));
	assert_int_equal(skb_tailroom(skb), 0);
	kfree_skb(skb);
}

static void test_build_skb_returns_to_pool(void **state)
{
	struct sk_buff *skb = build_skb(fp.bufs[3], &fp.pool);

	(void)state;
	assert_non_null(skb);
	assert_ptr_equal(skb->head, fp.bufs[3]);
	assert_ptr_equal(skb->data, fp.bufs[3]);
	assert_int_equal(skb->end, POOL_BUFSZ);
	assert_ptr_equal(skb->pool, &fp.pool);
	skb_reserve(skb, NET_SKB_PAD);
	assert_non_null(skb_put(skb, 1514));
	kfree_skb(skb);
	assert_int_equal(fp.freed[3], 1);
	assert_int_equal(total_pool_frees(), 1);
}

static void test_build_skb_refusals_counted(void **state)
{
	struct skb_buf_pool nofree = { .name = "nofree", .buf_size = 64 };
	struct skb_stats st;

	(void)state;
	assert_null(build_skb(NULL, &fp.pool));
	assert_null(build_skb(fp.bufs[0], NULL));
	assert_null(build_skb(fp.bufs[0], &nofree));
	skb_get_stats(&st);
	assert_int_equal(st.alloc_failures - before.alloc_failures, 3);
	assert_int_equal(st.allocated, before.allocated);
	assert_int_equal(total_pool_frees(), 0);
}

static void test_alloc_failure_counted(void **state)
{
	struct skb_stats st;

	(void)state;
	/* Larger than the biggest page block: the buffer cannot be had. */
	assert_null(alloc_skb(64u << 20));
	skb_get_stats(&st);
	assert_int_equal(st.alloc_failures - before.alloc_failures, 1);
	/* The struct taken before the buffer failed went back. */
	assert_int_equal(st.allocated - st.freed, before.allocated - before.freed);
}

static void test_clone_shares_and_frees_once(void **state)
{
	struct sk_buff *skb = build_skb(fp.bufs[1], &fp.pool), *c1, *c2, *c3;
	struct skb_stats st;

	(void)state;
	skb_reserve(skb, 64);
	memset(skb_put(skb, 100), 0x11, 100);
	skb->protocol = 0x0008;
	skb->hash = 77;

	c1 = skb_clone(skb);
	assert_non_null(c1);
	assert_ptr_not_equal(c1, skb);
	assert_non_null(skb->dataref);
	assert_ptr_equal(c1->dataref, skb->dataref);
	assert_int_equal(*skb->dataref, 2);
	assert_ptr_equal(c1->head, skb->head);
	assert_ptr_equal(c1->data, skb->data);
	assert_int_equal(c1->len, 100);
	assert_int_equal(c1->hash, 77);
	assert_int_equal(c1->protocol, 0x0008);
	assert_ptr_equal(c1->pool, &fp.pool);
	assert_int_equal(c1->users, 1);
	assert_null(c1->next);

	/* Nobody released the header, so c1 shares it: its push copies the
	 * linear area first and leaves the original's bytes alone. */
	memset(skb->head, 0xaa, 64);
	assert_true(skb_header_cloned(c1));
	assert_non_null(skb_push(c1, 20));
	memset(c1->data, 0x33, 20);
	assert_ptr_not_equal(c1->head, skb->head);
	assert_null(c1->dataref);
	assert_null(c1->pool);
	assert_int_equal(skb->len, 100);
	assert_ptr_equal(skb->data, skb->head + 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(skb->head[i], 0xaa);
	assert_int_equal(*skb->dataref, 1);
	assert_false(skb_cloned(skb));

	c2 = skb_clone(c1);
	c3 = skb_clone(skb);
	assert_non_null(c2);
	assert_non_null(c3);
	assert_int_equal(*skb->dataref, 2);
	assert_int_equal(*c1->dataref, 2);
	assert_int_equal(c2->len, 120);

	skb_get_stats(&st);
	assert_int_equal(st.clones - before.clones, 3);
	assert_int_equal(st.allocated - before.allocated, 4);

	/* Each buffer goes back with its last struct, whichever that is. */
	kfree_skb(skb);
	kfree_skb(c2);
	assert_int_equal(total_pool_frees(), 0);
	assert_int_equal(*c1->dataref, 1);
	kfree_skb(c3);
	assert_int_equal(fp.freed[1], 1);
	kfree_skb(c1);
	assert_int_equal(total_pool_frees(), 1);
}

static void test_clone_of_kmalloc_buffer(void **state)
{
	struct sk_buff *skb = alloc_skb(100), *c;

	(void)state;
	memset(skb_put(skb, 100), 0x22, 100);
	c = skb_clone(skb);
	kfree_skb(skb);
	/* Still readable through the clone: ASan would catch a premature kfree. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(c->data[i], 0x22);
	kfree_skb(c);
}

static void test_users_refcount(void **state)
{
	struct sk_buff *skb = build_skb(fp.bufs[2], &fp.pool), *c;

	(void)state;
	assert_ptr_equal(skb_get(skb), skb);
	assert_int_equal(skb->users, 2);
	c = skb_clone(skb);
	kfree_skb(skb);
	assert_int_equal(skb->users, 1);
	kfree_skb(c);
	assert_int_equal(total_pool_frees(), 0);
	kfree_skb(skb);
	assert_int_equal(fp.freed[2], 1);
}

/* Takes every free page; returns how many it took. */
static size_t exhaust_pages(void **pages, size_t max)
{
	size_t n = 0;

	while (n < max && (pages[n] = alloc_pages(0)) != NULL)
		n++;
	return n;
}

static void release_pages(void **pages, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free_pages(pages[i], 0);
}

static void test_clone_failures_counted(void **state)
{
	const size_t max = TEST_SKB_ARENA_BYTES / PAGE_SIZE;
	void **pages = calloc(max, sizeof(*pages));
	struct sk_buff *skb, *c, *clones[4096];
	struct skb_stats st;
	size_t npages, nclones = 0;

	(void)state;
	assert_non_null(pages);
	/* No spare slabs anywhere: the counter cache must grow for a first clone. */
	slab_shrink();
	skb = build_skb(fp.bufs[4], &fp.pool);
	npages = exhaust_pages(pages, max);
	assert_true(npages > 0);

	/* The struct would come from the half-used skb slab; the counter cannot. */
	assert_null(skb_clone(skb));
	assert_null(skb->dataref);
	skb_get_stats(&st);
	assert_int_equal(st.alloc_failures - before.alloc_failures, 1);
	assert_int_equal(st.clones, before.clones);
	assert_int_equal(st.allocated - before.allocated, 1);

	release_pages(pages, npages);
	c = skb_clone(skb);
	assert_non_null(c);
	assert_int_equal(*skb->dataref, 2);

	/* Now the counter exists; run the struct cache dry instead. */
	npages = exhaust_pages(pages, max);
	while (nclones < ARRAY_SIZE(clones) && (clones[nclones] = skb_clone(skb)) != NULL)
		nclones++;
	assert_true(nclones < ARRAY_SIZE(clones));
	assert_int_equal(*skb->dataref, 2 + nclones);
	skb_get_stats(&st);
	assert_int_equal(st.alloc_failures - before.alloc_failures, 2);
	release_pages(pages, npages);

	for (size_t i = 0; i < nclones; i++)
		kfree_skb(clones[i]);
	kfree_skb(c);
	assert_int_equal(total_pool_frees(), 0);
	kfree_skb(skb);
	assert_int_equal(fp.freed[4], 1);
	free(pages);
}

static void test_queue_fifo(void **state)
{
	struct sk_buff_head q;
	struct sk_buff *s[3];

	(void)state;
	skb_queue_head_init(&q);
	assert_null(skb_dequeue(&q));
	assert_int_equal(q.qlen, 0);
	for (int i = 0; i < 3; i++) {
		s[i] = alloc_skb(32);
		skb_queue_tail(&q, s[i]);
	}
	assert_int_equal(q.qlen, 3);
	assert_ptr_equal(q.next, s[0]);
	assert_ptr_equal(q.prev, s[2]);
	assert_ptr_equal(skb_dequeue(&q), s[0]);
	assert_null(s[0]->next);
	assert_int_equal(q.qlen, 2);
	/* Refilling after a partial drain keeps the order. */
	skb_queue_tail(&q, s[0]);
	assert_ptr_equal(skb_dequeue(&q), s[1]);
	assert_ptr_equal(skb_dequeue(&q), s[2]);
	assert_ptr_equal(skb_dequeue(&q), s[0]);
	assert_null(skb_dequeue(&q));
	assert_int_equal(q.qlen, 0);
	assert_null(q.next);
	assert_null(q.prev);
	for (int i = 0; i < 3; i++)
		kfree_skb(s[i]);
}

static void test_queue_purge(void **state)
{
	struct sk_buff_head q;

	(void)state;
	skb_queue_head_init(&q);
	skb_queue_purge(&q);
	for (int i = 0; i < POOL_BUFS; i++)
		skb_queue_tail(&q, build_skb(fp.bufs[i], &fp.pool));
	assert_int_equal(q.qlen, POOL_BUFS);
	skb_queue_purge(&q);
	assert_int_equal(q.qlen, 0);
	assert_null(q.next);
	for (int i = 0; i < POOL_BUFS; i++)
		assert_int_equal(fp.freed[i], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_zero_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_push_pull_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim_and_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pad_to, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_skb_returns_to_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_skb_refusals_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failure_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_shares_and_frees_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_of_kmalloc_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_refcount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_failures_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
