/* Socket buffers over the real slab and page allocator on a host arena: bounds
 * of put/push/pull/pad, clone sharing and the two reference counts, buffers
 * going back to their pool exactly once, counted allocation failures, queues;
 * headroom for locally built packets, reserve bounds and expansion. Sharing
 * (header split, cow, padding a clone, destructor, checksum completion, copy
 * counters) is in test_skbuff_share.c.
 *
 * The skb caches live as long as the process, so the arena is set up once and
 * every test must give back every skb it took (checked after each test); by
 * the end of the group every page is back too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/page_alloc.h"
#include "kernel/slab.h"
#include "net/if_ether.h"
#include "net/ip.h"
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

	assert_true(skb_pad_to(skb, 62));
	assert_int_equal(skb_tailroom(skb), 0);
	/* Past the end the buffer grows (as Linux's skb_pad): the bytes so far
	 * move along, the new ones are zero. */
	assert_true(skb_pad_to(skb, 70));
	assert_int_equal(skb->len, 70);
	p = skb->data;
	assert_int_equal(p[9], 0xee);
	for (int i = 10; i < 70; i++)
		assert_int_equal(p[i], 0);
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

/* ---- headroom, reserve, expand ---- */

static void test_alloc_skb_tx_headroom(void **state)
{
	struct sk_buff *skb = alloc_skb_tx(1000);

	(void)state;
	assert_non_null(skb);
	assert_int_equal(skb_headroom(skb), MAX_HEADER);
	assert_true(MAX_HEADER >= ETH_HLEN + 4 + 60 + 60);
	assert_int_equal(skb_tailroom(skb), 1000);
	assert_int_equal(skb->truesize, sizeof(struct sk_buff) + MAX_HEADER + 1000);
	assert_int_equal(skb->transport_header, MAX_HEADER);
	for (size_t i = 0; i < sizeof(skb->cb); i++)
		assert_int_equal(skb->cb[i], 0);
	/* Ethernet + IPv4 with options + TCP with options: no copy needed. */
	assert_non_null(skb_push(skb, 60));
	assert_non_null(skb_push(skb, 60));
	assert_non_null(skb_push(skb, ETH_HLEN + 4));
	assert_null(alloc_skb_tx(UINT32_MAX));
	kfree_skb(skb);
}

static void test_truesize_on_build(void **state)
{
	struct sk_buff *skb = build_skb(fp.bufs[0], &fp.pool);

	(void)state;
	assert_int_equal(skb->truesize, sizeof(struct sk_buff) + POOL_BUFSZ);
	kfree_skb(skb);
}

static void test_reserve_bounds(void **state)
{
	struct sk_buff *skb = alloc_skb(100);
	struct skb_stats st;

	(void)state;
	assert_false(skb_reserve(skb, 101));
	assert_ptr_equal(skb->data, skb->head);
	assert_true(skb_reserve(skb, 100));
	assert_int_equal(skb_tailroom(skb), 0);
	assert_false(skb_reserve(skb, UINT32_MAX));
	kfree_skb(skb);
	skb = alloc_skb(100);
	skb_put(skb, 10);
	/* Data in the skb: moving data would move the window over it. */
	assert_false(skb_reserve(skb, 1));
	assert_ptr_equal(skb->data, skb->head);
	skb_get_stats(&st);
	assert_int_equal(st.bounds_refused - before.bounds_refused, 3);
	kfree_skb(skb);
}

static void test_push_expands_when_short(void **state)
{
	struct sk_buff *skb = build_skb(fp.bufs[5], &fp.pool);
	uint64_t expand0 = skb_copy_bytes(SKB_COPY_EXPAND);
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);
	struct skb_stats st;
	uint8_t *p;

	(void)state;
	skb_reserve(skb, 10);
	memset(skb_put(skb, 50), 0x44, 50);
	skb_reset_network_header(skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = 30;
	skb->csum_offset = 6;

	p = skb_push(skb, 14);		/* 10 bytes of headroom: expand */
	assert_non_null(p);
	assert_ptr_not_equal(skb->head, fp.bufs[5]);
	assert_int_equal(fp.freed[5], 1);	/* the old buffer went back */
	assert_null(skb->pool);
	assert_int_equal(skb->len, 64);
	assert_int_equal(skb_headroom(skb), NET_SKB_PAD + 10 - 14);
	for (int i = 14; i < 64; i++)
		assert_int_equal(skb->data[i], 0x44);
	/* Offsets from head moved with the data. */
	assert_ptr_equal(skb_network_header(skb), skb->data + 14);
	assert_int_equal(skb->csum_start, 30 + NET_SKB_PAD);
	assert_int_equal(skb->end, POOL_BUFSZ + NET_SKB_PAD);
	assert_int_equal(skb->truesize, sizeof(struct sk_buff) + skb->end);
	memset(skb->head, 0, skb->end);	/* all of it is ours (ASan) */
	assert_int_equal(skb_copy_bytes(SKB_COPY_EXPAND) - expand0, 60);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW), cow0);
	skb_get_stats(&st);
	assert_int_equal(st.expands - before.expands, 1);

	/* Room now: in place. */
	p = skb->data;
	assert_ptr_equal(skb_push(skb, 4), p - 4);
	assert_int_equal(st.expands - before.expands, 1);
	kfree_skb(skb);
}

static void test_expand_refuses_shared_struct(void **state)
{
	struct sk_buff *skb = alloc_skb(32);

	(void)state;
	skb_get(skb);
	assert_int_equal(pskb_expand_head(skb, 16, 0), -EINVAL);
	assert_int_equal(pskb_expand_head(skb, 0, 0), -EINVAL);
	/* Nobody holding skb expects its head to move under them. */
	assert_null(skb_push(skb, 1));
	kfree_skb(skb);
	assert_int_equal(pskb_expand_head(skb, 70000, 0), -EINVAL);
	assert_int_equal(pskb_expand_head(skb, 16, 16), 0);
	assert_int_equal(skb_headroom(skb), 16);
	assert_int_equal(skb_tailroom(skb), 48);
	kfree_skb(skb);
}

/* ---- queue operations ---- */

static void assert_queue(struct sk_buff_head *q, struct sk_buff **want, uint32_t n)
{
	struct sk_buff *skb, *prev = NULL;
	uint32_t i = 0;

	assert_int_equal(skb_queue_len(q), n);
	skb_queue_walk(q, skb) {
		assert_true(i < n);
		assert_ptr_equal(skb, want[i]);
		assert_ptr_equal(skb->prev, prev);
		prev = skb;
		i++;
	}
	assert_int_equal(i, n);
	assert_ptr_equal(skb_peek_tail(q), prev);
	assert_ptr_equal(skb_peek(q), n ? want[0] : NULL);
	assert_true(skb_queue_empty(q) == (n == 0));
}

static void test_queue_ops(void **state)
{
	struct sk_buff_head q, other;
	struct sk_buff *s[6], *skb, *tmp;

	(void)state;
	skb_queue_head_init(&q);
	skb_queue_head_init(&other);
	assert_queue(&q, NULL, 0);
	for (int i = 0; i < 6; i++)
		s[i] = alloc_skb(16);

	skb_queue_head(&q, s[2]);			/* 2 */
	assert_queue(&q, (struct sk_buff *[]){ s[2] }, 1);
	skb_queue_head(&q, s[0]);			/* 0 2 */
	__skb_queue_after(&q, s[0], s[1]);		/* 0 1 2 */
	__skb_queue_after(&q, s[2], s[4]);		/* 0 1 2 4 */
	__skb_queue_before(&q, s[4], s[3]);		/* 0 1 2 3 4 */
	assert_queue(&q, s, 5);
	skb_unlink(s[0], &q);				/* first */
	assert_null(s[0]->next);
	skb_unlink(s[4], &q);				/* last */
	skb_unlink(s[2], &q);				/* middle */
	assert_queue(&q, (struct sk_buff *[]){ s[1], s[3] }, 2);
	__skb_queue_before(&q, s[1], s[0]);		/* at the front */
	assert_queue(&q, (struct sk_buff *[]){ s[0], s[1], s[3] }, 3);

	/* Splice onto an empty queue, then onto a full one. */
	skb_queue_tail(&other, s[4]);
	skb_queue_tail(&other, s[5]);
	skb_queue_splice_tail_init(&other, &q);
	assert_queue(&other, NULL, 0);
	assert_queue(&q, (struct sk_buff *[]){ s[0], s[1], s[3], s[4], s[5] }, 5);
	skb_queue_splice_tail_init(&other, &q);		/* empty list: nothing */
	assert_int_equal(skb_queue_len(&q), 5);
	skb_queue_splice_tail_init(&q, &other);
	assert_queue(&q, NULL, 0);
	assert_queue(&other, (struct sk_buff *[]){ s[0], s[1], s[3], s[4], s[5] }, 5);

	/* Unlinking while walking. */
	skb_queue_walk_safe(&other, skb, tmp)
		if (skb != s[3])
			skb_unlink(skb, &other);
	assert_queue(&other, (struct sk_buff *[]){ s[3] }, 1);
	skb_queue_tail(&other, s[2]);
	assert_ptr_equal(skb_dequeue(&other), s[3]);
	assert_ptr_equal(skb_dequeue(&other), s[2]);
	assert_queue(&other, NULL, 0);
	for (int i = 0; i < 6; i++)
		kfree_skb(s[i]);
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
		cmocka_unit_test_setup_teardown(test_alloc_skb_tx_headroom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truesize_on_build, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_expands_when_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_refuses_shared_struct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_ops, setup, teardown),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
