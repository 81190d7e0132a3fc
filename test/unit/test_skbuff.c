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
#include <errno.h>
#include "net/checksum.h"
#include "net/if_ether.h"
#include "net/ip.h"
#include "net/snmp.h"
#include "net/udp_hdr.h"
#include "net/tcp_hdr.h"
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

/* ---- clones and the header split ---- */

static void test_two_clones_push_private_headers(void **state)
{
	struct sk_buff *orig = alloc_skb_tx(100), *c1, *c2;
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);
	uint8_t *h1, *h2;

	(void)state;
	memset(skb_put(orig, 100), 0x55, 100);
	/* TCP's queued original: payload only from now on. */
	skb_header_release(orig);
	skb_header_release(orig);	/* once per struct */
	c1 = skb_clone(orig);
	assert_int_equal(*orig->dataref, 2 | (1u << SKB_DATAREF_SHIFT));
	assert_true(skb_cloned(c1));
	assert_false(skb_header_cloned(c1));
	assert_int_equal(skb_cow_head(c1, MAX_HEADER), 0);

	/* The first clone writes its header into the promised headroom. */
	h1 = skb_push(c1, 20);
	assert_ptr_equal(c1->head, orig->head);
	memset(h1, 0x01, 20);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW), cow0);

	/* A retransmit while c1 is in flight: c2 must not write c1's header. */
	c2 = skb_clone(orig);
	assert_true(skb_header_cloned(c2));
	h2 = skb_push(c2, 20);
	assert_non_null(h2);
	assert_ptr_not_equal(c2->head, orig->head);
	memset(h2, 0x02, 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(h1[i], 0x01);
	for (int i = 20; i < 120; i++)
		assert_int_equal(h2[i], 0x55);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW) - cow0, MAX_HEADER + 100);
	assert_int_equal(*orig->dataref, 2 | (1u << SKB_DATAREF_SHIFT));

	/* The original itself may not write a header in place while shared. */
	assert_int_equal(skb_cow_head(orig, 0), 0);
	assert_ptr_not_equal(orig->head, c1->head);
	assert_null(orig->dataref);
	assert_false(orig->nohdr);
	assert_int_equal(*c1->dataref, 1);
	assert_false(skb_cloned(c1));

	kfree_skb(c2);
	kfree_skb(c1);
	kfree_skb(orig);
}

static void test_header_release_after_clone(void **state)
{
	struct sk_buff *orig = alloc_skb_tx(10), *c;

	(void)state;
	c = skb_clone(orig);
	assert_true(skb_header_cloned(c));
	skb_header_release(orig);
	assert_false(skb_header_cloned(c));
	kfree_skb(orig);
	/* The payload-only share went with the original. */
	assert_int_equal(*c->dataref, 1);
	assert_false(skb_header_cloned(c));
	kfree_skb(c);
}

static void test_clone_copies_cb_not_socket(void **state)
{
	struct sk_buff *skb = alloc_skb(64), *c;
	struct sock *fake_sk = (struct sock *)&fp;
	uint64_t made0, shared0;

	(void)state;
	assert_true(snmp_get("ClonesMade", &made0));
	assert_true(snmp_get("CloneBytesShared", &shared0));
	skb_put(skb, 40);
	memset(skb->cb, 0x7e, sizeof(skb->cb));
	skb->sk = fake_sk;
	skb->gso_size = 1448;
	c = skb_clone(skb);
	assert_memory_equal(c->cb, skb->cb, sizeof(skb->cb));
	assert_null(c->sk);
	assert_null(c->destructor);
	assert_int_equal(c->gso_size, 1448);
	assert_ptr_equal(skb->sk, fake_sk);
	assert_int_equal(c->truesize, sizeof(struct sk_buff));
	{
		uint64_t made, shared;

		assert_true(snmp_get("ClonesMade", &made));
		assert_true(snmp_get("CloneBytesShared", &shared));
		assert_int_equal(made - made0, 1);
		assert_int_equal(shared - shared0, 40);
	}
	skb->sk = NULL;
	kfree_skb(c);
	kfree_skb(skb);
}

static int destructed;
static struct sk_buff *destructed_skb;

static void count_destructor(struct sk_buff *skb)
{
	destructed++;
	destructed_skb = skb;
	/* The data is still there for the socket's accounting. */
	assert_int_equal(skb->data[0], 0x99);
}

static void test_destructor_on_last_user(void **state)
{
	struct sk_buff *skb = alloc_skb(64), *c;

	(void)state;
	destructed = 0;
	memset(skb_put(skb, 8), 0x99, 8);
	skb->destructor = count_destructor;
	c = skb_clone(skb);
	skb_get(skb);
	kfree_skb(skb);
	assert_int_equal(destructed, 0);
	kfree_skb(c);			/* a clone has none */
	assert_int_equal(destructed, 0);
	kfree_skb(skb);
	assert_int_equal(destructed, 1);
	assert_ptr_equal(destructed_skb, skb);
}

static void test_pad_on_clone_copies(void **state)
{
	struct sk_buff *skb = alloc_skb(128), *c;
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);

	(void)state;
	memset(skb_put(skb, 20), 0x10, 20);
	memset(skb_tail_pointer(skb), 0xcc, skb_tailroom(skb));
	c = skb_clone(skb);
	assert_true(skb_pad_to(c, ETH_ZLEN));
	assert_int_equal(c->len, ETH_ZLEN);
	assert_ptr_not_equal(c->head, skb->head);
	for (int i = 20; i < ETH_ZLEN; i++)
		assert_int_equal(c->data[i], 0);
	/* The owner's tailroom is untouched: it may skb_put there later. */
	for (int i = 20; i < 128; i++)
		assert_int_equal(skb->data[i], 0xcc);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW) - cow0, 20);
	kfree_skb(c);

	/* A clone with too little tailroom gets what it needs in the copy. */
	c = skb_clone(skb);
	assert_true(skb_pad_to(c, 200));
	assert_int_equal(c->len, 200);
	kfree_skb(c);
	kfree_skb(skb);
}

/* ---- checksum completion ---- */

static struct sk_buff *udp_partial(uint32_t payload)
{
	struct sk_buff *skb = alloc_skb_tx(payload + sizeof(struct udphdr));
	struct udphdr *uh;
	struct iphdr *iph;
	uint8_t *p = skb_put(skb, payload);

	for (uint32_t i = 0; i < payload; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	uh = (struct udphdr *)skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = htons(1234);
	uh->dest = htons(7);
	uh->len = htons((uint16_t)(payload + 8));
	uh->check = csum_tcpudp_seed(htonl(0x0a000002), htonl(0x0a000001), payload + 8, IPPROTO_UDP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct udphdr, check);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(iph, 0, sizeof(*iph));
	return skb;
}

static bool udp_sum_ok(struct sk_buff *skb, uint32_t len)
{
	const uint8_t *uh = skb_transport_header(skb);

	return csum_tcpudp_magic(htonl(0x0a000002), htonl(0x0a000001), len, IPPROTO_UDP,
				 csum_partial(uh, len, 0)) == 0;
}

static void test_checksum_help(void **state)
{
	struct sk_buff *skb = udp_partial(101), *c;
	const struct udphdr *uh;

	(void)state;
	assert_int_equal(skb_checksum_help(skb), 0);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	assert_true(udp_sum_ok(skb, 109));
	uh = (const struct udphdr *)skb_transport_header(skb);
	assert_int_not_equal(uh->check, 0);
	/* Nothing to do the second time. */
	assert_int_equal(skb_checksum_help(skb), 0);
	kfree_skb(skb);

	/* A shared header is copied before the field is written. */
	skb = udp_partial(30);
	c = skb_clone(skb);
	assert_int_equal(skb_checksum_help(c), 0);
	assert_ptr_not_equal(c->head, skb->head);
	assert_true(udp_sum_ok(c, 38));
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	assert_false(udp_sum_ok(skb, 38));
	kfree_skb(c);

	/* Offsets outside the data change nothing. */
	skb->csum_offset = (uint16_t)(skb->len);
	assert_int_equal(skb_checksum_help(skb), -EINVAL);
	skb->csum_offset = 6;
	skb->csum_start = 2;
	assert_int_equal(skb_checksum_help(skb), -EINVAL);
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

static void test_checksum_help_tcp(void **state)
{
	struct sk_buff *skb = alloc_skb_tx(60);
	struct tcphdr *th;
	uint8_t *p = skb_put(skb, 33);
	be32 s = htonl(0xc0a80001), d = htonl(0xc0a80002);

	(void)state;
	memset(p, 0xab, 33);
	th = (struct tcphdr *)skb_push(skb, sizeof(*th));
	memset(th, 0, sizeof(*th));
	th->doff_res = 5 << 4;
	th->check = csum_tcpudp_seed(s, d, 53, IPPROTO_TCP);
	skb_reset_transport_header(skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct tcphdr, check);
	assert_int_equal(skb_checksum_help(skb), 0);
	assert_int_equal(csum_tcpudp_magic(s, d, 53, IPPROTO_TCP, csum_partial(th, 53, 0)), 0);
	kfree_skb(skb);
}

/* ---- copy counters ---- */

static void test_copy_counters(void **state)
{
	static const char *const names[] = {
		"CopyUserToSkb", "CopySkbToUser", "CopyFragment", "CopyLinearize",
		"CopyReassembly", "CopyHeaderCow", "CopyExpandHead",
	};
	uint64_t v0[ARRAY_SIZE(names)], v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_true(snmp_get(names[i], &v0[i]));
	for (int k = 0; k < SKB_COPY_KINDS; k++)
		skb_count_copy((enum skb_copy_kind)k, 100u + (uint32_t)k);
	skb_count_copy(SKB_COPY_KINDS, 5);	/* not a kind: ignored */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_true(snmp_get(names[i], &v));
		assert_int_equal(v - v0[i], 100 + i);
		assert_int_equal(skb_copy_bytes((enum skb_copy_kind)i), v);
	}
	assert_int_equal(skb_copy_bytes(SKB_COPY_KINDS), 0);
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
		cmocka_unit_test_setup_teardown(test_two_clones_push_private_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_release_after_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_copies_cb_not_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destructor_on_last_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pad_on_clone_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_help_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_ops, setup, teardown),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
