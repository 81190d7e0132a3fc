/* igb RX data path on the host: real skbs, slab caches and DMA rings on an
 * arena, the adapter and its register file from igb_fake, and the test
 * playing the device by writing frames into posted buffers and write-backs
 * over their descriptors. Ring programming and refill, delivery with hash
 * and checksum flags, drops that keep their buffer, frames over several
 * descriptors, the poll budget, running out of buffers and close.
 * Fixture: igb_fixture.h. */
#include <string.h>
#include "igb_fixture.h"

/* ---- fixture ---- */

/* Wraps the driver's RX buffer allocator: can fail on demand, and records what
 * RDT held at each call to show when the tail was written. */
static void *(*real_rx_alloc)(struct skb_buf_pool *);
static bool rx_alloc_fail;
static unsigned int rx_allocs;
static uint32_t rdt_at_alloc[MAX_CAPTURE];
static struct igb_ring *alloc_watch;

static void *test_rx_alloc(struct skb_buf_pool *pool)
{
	if (alloc_watch && rx_allocs < MAX_CAPTURE)
		rdt_at_alloc[rx_allocs] = readl(alloc_watch->tail);
	if (rx_alloc_fail)
		return NULL;
	rx_allocs++;
	return real_rx_alloc(pool);
}

/* Wraps the driver's RX buffer free, to tell which buffers went back. */
static void (*real_rx_free)(struct skb_buf_pool *, void *);
static void *rx_freed[RING];
static unsigned int rx_frees;

static void test_rx_free(struct skb_buf_pool *pool, void *buf)
{
	assert_true(rx_frees < RING);
	rx_freed[rx_frees++] = buf;
	real_rx_free(pool, buf);
}

static int setup(void **state)
{
	rx_alloc_fail = false;
	rx_allocs = 0;
	rx_frees = 0;
	alloc_watch = NULL;
	return igb_fixture_setup(state);
}

/* ---- helpers ---- */

static void bring_up_rx(void)
{
	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(igb_setup_rx_resources(ad, &ad->rx_ring[q]), 0);
	real_rx_alloc = ad->rx_pool.alloc;
	ad->rx_pool.alloc = test_rx_alloc;
	igb_configure_rx(ad);
}

/* Plays the device: writes frame bytes into the posted buffer of slot i and
 * the write-back over its descriptor. */
static void rx_complete(struct igb_ring *r, unsigned int i, uint16_t len, uint32_t staterr,
			uint16_t pkt_info, uint32_t rss, uint8_t fill)
{
	union igb_adv_rx_desc *d = IGB_RX_DESC(r, i);
	uint8_t *buf = (uint8_t *)(uintptr_t)d->read.pkt_addr;

	assert_ptr_equal(buf, r->rx_buffer_info[i].buf);
	assert_int_equal(d->read.hdr_addr, 0);
	memset(buf, fill, MIN(len, (uint16_t)IGB_RX_BUFSZ));
	d->wb.pkt_info = pkt_info;
	d->wb.hdr_info = 0;
	d->wb.rss_or_csum = rss;
	d->wb.length = len;
	d->wb.vlan = 0;
	d->wb.status_error = staterr;
}

#define DD_EOP (IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP)
#define GOOD_TCP (DD_EOP | IGB_RXD_STAT_IPCS | IGB_RXD_STAT_L4CS)

/* ---- RX ---- */

static void test_rx_configure(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[1];

	set_reg(IGB_RXCSUM, IGB_RXCSUM_PCSD);	/* as if RSS had been set up first */
	set_reg(IGB_RCTL, IGB_RCTL_LPE | IGB_RCTL_UPE);
	bring_up_rx();
	assert_int_equal(r->count, RING);
	assert_int_equal(reg(IGB_RDBAL(1)), (uint32_t)r->dma);
	assert_int_equal(reg(IGB_RDBAH(1)), (uint32_t)(r->dma >> 32));
	assert_int_equal(reg(IGB_RDLEN(1)), RING * 16);
	/* 2 KiB buffers, advanced one-buffer, DROP_EN with two queues */
	assert_int_equal(reg(IGB_SRRCTL(1)), 0x82000002);
	assert_int_equal(reg(IGB_RDH(1)), 0);
	assert_int_equal(reg(IGB_RDT(1)), RING - 1);	/* N - 1 posted */
	assert_ptr_equal(r->tail, ad->hw.hw_addr + IGB_RDT(1));
	assert_int_equal(reg(IGB_RXDCTL(1)), 0x02010808);
	assert_int_equal(reg(IGB_RXCSUM), IGB_RXCSUM_PCSD | IGB_RXCSUM_IPOFLD | IGB_RXCSUM_TUOFLD);
	assert_int_equal(reg(IGB_RLPML), 1522);
	/* EN | BAM | SECRC, LPE cleared, the filter owner's UPE kept */
	assert_int_equal(reg(IGB_RCTL), 0x04008002 | IGB_RCTL_UPE);
	for (unsigned int i = 0; i < RING - 1; i++) {
		union igb_adv_rx_desc *d = IGB_RX_DESC(r, i);

		assert_non_null(r->rx_buffer_info[i].buf);
		assert_int_equal((uintptr_t)r->rx_buffer_info[i].buf % IGB_RX_BUFSZ, 0);
		assert_int_equal(d->read.pkt_addr, (uintptr_t)r->rx_buffer_info[i].buf);
		assert_int_equal(d->read.hdr_addr, 0);
	}
	assert_null(r->rx_buffer_info[RING - 1].buf);
	assert_int_equal(r->next_to_use, RING - 1);
	assert_int_equal(r->next_to_clean, 0);
	assert_int_equal(ad->rx_pool.buf_size, IGB_RX_BUFSZ);

	/* One queue: no DROP_EN; without MSI-X, WTHRESH 4. */
	ad->num_queues = 1;
	ad->irq_mode = IGB_IRQ_INTX;
	igb_configure_rx_ring(ad, &ad->rx_ring[0]);
	assert_int_equal(reg(IGB_SRRCTL(0)), 0x02000002);
	assert_int_equal(reg(IGB_RXDCTL(0)), 0x02040808);
	ad->num_queues = NQ;
}

static void test_rx_refill_batches(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];

	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(igb_setup_rx_resources(ad, &ad->rx_ring[q]), 0);
	real_rx_alloc = ad->rx_pool.alloc;
	ad->rx_pool.alloc = test_rx_alloc;
	alloc_watch = r;
	set_reg(IGB_RDT(0), 0xDEAD);
	igb_configure_rx_ring(ad, r);
	/* RDT moves once per 16 buffers, then once at the end. */
	assert_int_equal(rx_allocs, RING - 1);
	for (unsigned int k = 0; k < RING - 1; k++)
		assert_int_equal(rdt_at_alloc[k], k / IGB_RX_BUFFER_WRITE * IGB_RX_BUFFER_WRITE);
	assert_int_equal(reg(IGB_RDT(0)), RING - 1);
	alloc_watch = NULL;
	igb_configure_rx_ring(ad, &ad->rx_ring[1]);
}

static void test_rx_good_frame(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[1];
	void *buf0;
	struct sk_buff *skb;

	bring_up_rx();
	buf0 = r->rx_buffer_info[0].buf;
	rx_complete(r, 0, 100, GOOD_TCP, 0x0111, 0x12345678, 0x77);
	rx_allocs = 0;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[1], 64), 1);
	assert_int_equal(ncaptured, 1);
	skb = captured[0];
	assert_ptr_equal(skb->head, buf0);		/* no copy */
	assert_ptr_equal(skb->data, buf0);
	assert_int_equal(skb->len, 100);
	assert_int_equal(skb->data[99], 0x77);
	assert_ptr_equal(skb->dev, &ad->netdev);
	assert_int_equal(skb->queue_mapping, 1);
	assert_int_equal(skb->hash, 0x12345678);
	assert_int_equal(skb->ip_summed, CHECKSUM_UNNECESSARY);
	assert_int_equal(r->stats.packets, 1);
	assert_int_equal(r->stats.bytes, 100);
	assert_int_equal(r->stats.csum_good, 1);
	/* The slot gave its buffer to the skb. Two unused slots are no batch:
	 * no refill and no tail write yet. */
	assert_null(r->rx_buffer_info[0].buf);
	assert_int_equal(rx_allocs, 0);
	assert_int_equal(r->next_to_clean, 1);
	assert_int_equal(r->next_to_use, RING - 1);
	assert_int_equal(reg(IGB_RDT(1)), RING - 1);

	/* No hash without RSS type, or with RXHASH off; UDP verified too. */
	rx_complete(r, 1, 60, DD_EOP | IGB_RXD_STAT_IPCS | IGB_RXD_STAT_UDPCS, 0x0210, 0x999, 1);
	ad->netdev.features &= ~NETIF_F_RXHASH;
	rx_complete(r, 2, 60, GOOD_TCP, 0x0111, 0x999, 2);
	/* IPv4 without a verified L4 sum (ICMP): the stack checks it. */
	rx_complete(r, 3, 60, DD_EOP | IGB_RXD_STAT_IPCS, 0x0010, 0, 3);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[1], 64), 3);
	assert_int_equal(captured[1]->hash, 0);
	assert_int_equal(captured[1]->ip_summed, CHECKSUM_UNNECESSARY);
	assert_int_equal(captured[2]->hash, 0);
	assert_int_equal(captured[3]->ip_summed, CHECKSUM_NONE);
	assert_int_equal(r->stats.csum_good, 3);
	assert_int_equal(r->stats.csum_err, 0);
}

static void test_rx_csum_errors(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];

	bring_up_rx();
	rx_complete(r, 0, 80, GOOD_TCP | IGB_RXD_ERR_L4E, 0x0110, 0, 1);
	rx_complete(r, 1, 80, GOOD_TCP | IGB_RXD_ERR_IPE, 0x0110, 0, 2);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 2);
	/* Delivered, unverified: the stack drops them after its own check. */
	assert_int_equal(ncaptured, 2);
	assert_int_equal(captured[0]->ip_summed, CHECKSUM_NONE);
	assert_int_equal(captured[1]->ip_summed, CHECKSUM_NONE);
	assert_int_equal(r->stats.csum_err, 2);
	assert_int_equal(r->stats.csum_good, 0);

	/* RXCSUM off: good frames are not claimed either. */
	ad->netdev.features &= ~NETIF_F_RXCSUM;
	rx_complete(r, 2, 80, GOOD_TCP, 0x0110, 0, 3);
	igb_clean_rx_irq(&ad->q_vector[0], 64);
	assert_int_equal(captured[2]->ip_summed, CHECKSUM_NONE);
	assert_int_equal(r->stats.csum_good, 0);
}

static void test_rx_drops_reuse_buffer(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];
	void *bufs[5];

	bring_up_rx();
	for (unsigned int i = 0; i < 5; i++)
		bufs[i] = r->rx_buffer_info[i].buf;
	rx_complete(r, 0, 100, DD_EOP | IGB_RXD_ERR_RXE, 0, 0, 1);
	rx_complete(r, 1, 10, DD_EOP, 0, 0, 2);			/* runt */
	rx_complete(r, 2, 1519, DD_EOP, 0, 0, 3);		/* oversize */
	rx_complete(r, 3, 1518, DD_EOP, 0, 0, 4);		/* longest allowed */
	rx_complete(r, 4, ETH_HLEN, DD_EOP, 0, 0, 5);		/* shortest allowed */
	rx_allocs = 0;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 5);
	assert_int_equal(r->stats.rx_errors, 1);
	assert_int_equal(r->stats.runt, 1);
	assert_int_equal(r->stats.oversize, 1);
	assert_int_equal(ncaptured, 2);
	assert_int_equal(captured[0]->len, 1518);
	assert_int_equal(captured[1]->len, ETH_HLEN);
	assert_int_equal(r->stats.packets, 2);
	/* Five unused slots wait for a whole batch; the refill, when it runs,
	 * (spare slot 63, then 0..3) re-posts slots 0..2 with the buffers their
	 * dropped frames kept and allocates only for 63 and 3. */
	assert_int_equal(rx_allocs, 0);
	assert_int_equal(r->next_to_use, RING - 1);
	igb_alloc_rx_buffers(r, igb_desc_unused(r));
	assert_int_equal(rx_allocs, 2);
	for (unsigned int i = 0; i < 3; i++) {
		assert_ptr_equal(r->rx_buffer_info[i].buf, bufs[i]);
		assert_int_equal(IGB_RX_DESC(r, i)->read.pkt_addr, (uintptr_t)bufs[i]);
		assert_int_equal(IGB_RX_DESC(r, i)->read.hdr_addr, 0);
	}
	assert_ptr_not_equal(r->rx_buffer_info[3].buf, bufs[3]);
	assert_null(r->rx_buffer_info[4].buf);
	assert_int_equal(r->next_to_use, 4);

	/* build_skb refusing (here: a pool without a free hook) drops and keeps
	 * the buffer. */
	void (*saved_free)(struct skb_buf_pool *, void *) = ad->rx_pool.free;
	ad->rx_pool.free = NULL;
	rx_complete(r, 5, 200, DD_EOP, 0, 0, 6);
	void *buf5 = r->rx_buffer_info[5].buf;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 1);
	ad->rx_pool.free = saved_free;
	assert_int_equal(r->stats.rx_dropped, 1);
	assert_ptr_equal(r->rx_buffer_info[5].buf, buf5);
	assert_int_equal(ncaptured, 2);

	/* Slot 5 sits in the unposted gap; the first refill walks round to it
	 * and re-posts its own buffer, allocating only for delivered frames
	 * (4, then 6..62; slot 63 is the new gap). */
	rx_allocs = 0;
	for (unsigned int i = 6; i < RING; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 7);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), RING - 6);
	assert_int_equal(r->next_to_clean, 0);
	assert_int_equal(ncaptured, 2 + RING - 6);
	/* Three batches inside the poll, 16 allocations each (the first also
	 * re-posts slot 5); the last 10 slots wait for the next batch. */
	assert_int_equal(rx_allocs, 3 * IGB_RX_BUFFER_WRITE);
	assert_int_equal(igb_desc_unused(r), 10);
	igb_alloc_rx_buffers(r, igb_desc_unused(r));
	assert_int_equal(rx_allocs, RING - 6);
	assert_null(r->rx_buffer_info[RING - 1].buf);
	assert_ptr_equal(r->rx_buffer_info[5].buf, buf5);
	assert_int_equal(IGB_RX_DESC(r, 5)->read.pkt_addr, (uintptr_t)buf5);
	assert_int_equal(IGB_RX_DESC(r, 5)->read.hdr_addr, 0);
	assert_int_equal(igb_desc_unused(r), 0);
}

static void test_rx_multi_descriptor_frame(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];
	void *buf4;

	bring_up_rx();
	/* A 3000-byte frame over two buffers (first without EOP), then a good one. */
	rx_complete(r, 0, 2048, IGB_RXD_STAT_DD, 0, 0, 1);
	rx_complete(r, 1, 952, DD_EOP, 0, 0, 2);
	rx_complete(r, 2, 64, DD_EOP, 0, 0, 3);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 3);
	assert_int_equal(r->stats.non_eop_descs, 1);
	assert_int_equal(ncaptured, 1);
	assert_int_equal(captured[0]->len, 64);
	assert_int_equal(captured[0]->data[0], 3);
	assert_false(r->rx_discarding);

	/* The same across polls of one descriptor each: the tail piece is still
	 * dropped, never taken for a frame of its own. */
	buf4 = r->rx_buffer_info[4].buf;
	rx_complete(r, 3, 2048, IGB_RXD_STAT_DD, 0, 0, 4);
	rx_complete(r, 4, 2048, IGB_RXD_STAT_DD, 0, 0, 5);
	rx_complete(r, 5, 100, DD_EOP | IGB_RXD_STAT_IPCS, 0, 0, 6);
	rx_complete(r, 6, 70, DD_EOP, 0, 0, 7);
	for (unsigned int k = 0; k < 3; k++) {
		assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 1), 1);
		assert_int_equal(ncaptured, 1);
		assert_int_equal(r->rx_discarding, k < 2);
	}
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 1), 1);
	assert_int_equal(ncaptured, 2);
	assert_int_equal(captured[1]->len, 70);
	assert_int_equal(r->stats.non_eop_descs, 2);
	assert_ptr_equal(r->rx_buffer_info[4].buf, buf4);
	assert_int_equal(r->stats.packets, 2);
}

static void test_rx_budget(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];

	bring_up_rx();
	for (unsigned int i = 0; i < 10; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, (uint8_t)i);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 4), 4);
	assert_int_equal(ncaptured, 4);
	assert_int_equal(r->next_to_clean, 4);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 6);
	assert_int_equal(ncaptured, 10);
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(captured[i]->data[0], i);
	/* Nothing more: no work, and ten unused slots are no batch yet. */
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 0);
	assert_int_equal(igb_desc_unused(r), 10);
	assert_int_equal(reg(IGB_RDT(0)), RING - 1);
	/* Six more make one: the poll that takes them fills the ring again
	 * with a single tail write. */
	for (unsigned int i = 10; i < IGB_RX_BUFFER_WRITE; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, (uint8_t)i);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 6);
	assert_int_equal(igb_desc_unused(r), 0);
	assert_int_equal(reg(IGB_RDT(0)), IGB_RX_BUFFER_WRITE - 1);
}

static void test_rx_alloc_failure_recovers(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];

	bring_up_rx();
	for (unsigned int i = 0; i < RING - 1; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 1);
	rx_alloc_fail = true;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], RING), RING - 1);
	assert_int_equal(ncaptured, RING - 1);
	/* Refill tried after every 16 and at the end, failing each time. */
	assert_int_equal(r->stats.alloc_failed, (RING - 1) / IGB_RX_BUFFER_WRITE + 1);
	/* Nothing posted now: the stale write-backs must not be read again. */
	assert_int_equal(r->next_to_use, r->next_to_clean);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], RING), 0);
	assert_int_equal(ncaptured, RING - 1);

	/* Memory back: the next poll refills the whole ring, even with no frames. */
	rx_alloc_fail = false;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], RING), 0);
	assert_int_equal(igb_desc_unused(r), 0);
	assert_int_equal(reg(IGB_RDT(0)), r->next_to_use);
	for (unsigned int i = 0; i < RING; i++) {
		if (i == r->next_to_use)
			continue;
		assert_int_equal(IGB_RX_DESC(r, i)->read.hdr_addr, 0);
		assert_int_equal(IGB_RX_DESC(r, i)->read.pkt_addr,
				 (uintptr_t)r->rx_buffer_info[i].buf);
	}
	rx_complete(r, r->next_to_clean, 90, DD_EOP, 0, 0, 9);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], RING), 1);
	assert_int_equal(captured[RING - 1]->len, 90);

	/* Partial failure: some slots refilled, the rest later. */
	for (unsigned int n = 0, i = r->next_to_clean; n < 20; n++, i = (i + 1) % RING)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 2);
	rx_alloc_fail = true;
	igb_clean_rx_irq(&ad->q_vector[0], RING);
	/* The one-frame poll before left its slot for the next batch. */
	assert_int_equal(igb_desc_unused(r), 21);
	rx_alloc_fail = false;
	igb_alloc_rx_buffers(r, igb_desc_unused(r));
	assert_int_equal(igb_desc_unused(r), 0);
}

/* Close: buffers inside and outside the posted range, frames the device
 * wrote that no poll saw, a multi-descriptor frame half discarded. */
static void test_rx_clean_ring(void **state)
{
	(void)state;
	struct igb_ring *r = &ad->rx_ring[0];
	void *held[RING];
	bool back[RING] = { false };
	unsigned int nheld = 0;

	bring_up_rx();
	/* 0 and 2 delivered: their buffers belong to skbs now. 1 (a runt) and
	 * 3 (no EOP) keep theirs. With no memory the refill stops at empty
	 * slot 63, so 1 and 3 stay outside the posted range [4, 63). */
	rx_complete(r, 0, 60, DD_EOP, 0, 0, 1);
	rx_complete(r, 1, 10, DD_EOP, 0, 0, 2);
	rx_complete(r, 2, 60, DD_EOP, 0, 0, 3);
	rx_complete(r, 3, 2048, IGB_RXD_STAT_DD, 0, 0, 4);
	rx_alloc_fail = true;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 4);
	assert_int_equal(ncaptured, 2);
	assert_true(r->rx_discarding);
	assert_int_equal(r->next_to_clean, 4);
	assert_int_equal(r->next_to_use, RING - 1);
	/* Never polled: the rest of slot 3's frame (4, 5), and a frame (6). */
	rx_complete(r, 4, 2048, IGB_RXD_STAT_DD, 0, 0, 5);
	rx_complete(r, 5, 100, DD_EOP, 0, 0, 6);
	rx_complete(r, 6, 60, DD_EOP, 0, 0, 7);
	for (unsigned int i = 0; i < RING; i++)
		if (r->rx_buffer_info[i].buf)
			held[nheld++] = r->rx_buffer_info[i].buf;
	assert_int_equal(nheld, 2 + (RING - 1 - 4));

	igb_disable_rx(ad);
	real_rx_free = ad->rx_pool.free;
	ad->rx_pool.free = test_rx_free;
	igb_clean_rx_ring(r);
	/* Nothing is freed or counted twice. */
	igb_clean_rx_ring(r);
	ad->rx_pool.free = real_rx_free;

	/* Each buffer a slot held went back exactly once, and only those. */
	assert_int_equal(rx_frees, nheld);
	for (unsigned int k = 0; k < rx_frees; k++) {
		unsigned int h = 0;

		while (h < nheld && held[h] != rx_freed[k])
			h++;
		assert_true(h < nheld);
		assert_false(back[h]);
		back[h] = true;
	}
	/* One per EOP in the posted range; the stale write-backs left in slots
	 * 0-3 lie outside it. */
	assert_int_equal(r->stats.rx_dropped, 2);
	for (unsigned int i = 0; i < RING; i++) {
		assert_null(r->rx_buffer_info[i].buf);
		assert_int_equal(r->rx_buffer_info[i].dma, 0);
	}
	assert_int_equal(r->next_to_use, 0);
	assert_int_equal(r->next_to_clean, 0);
	assert_false(r->rx_discarding);

	/* Reopen: fresh buffers from slot 0, and no stale write-back taken
	 * for a frame. */
	rx_alloc_fail = false;
	rx_allocs = 0;
	igb_configure_rx_ring(ad, r);
	assert_int_equal(rx_allocs, RING - 1);
	assert_int_equal(r->next_to_use, RING - 1);
	assert_int_equal(reg(IGB_RDT(0)), RING - 1);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 0);
	assert_int_equal(ncaptured, 2);
}

/* A ring of 1024 descriptors posts IGB_RX_FILL_START buffers; a poll that
 * finds less than a quarter of them written leaves it so, one that finds the
 * slot a quarter in written posts the whole ring, and a reconfigure starts
 * small again. */
static void test_rx_fill_grows_when_deep(void **state)
{
	struct igb_ring *r = &ad->rx_ring[0];
	unsigned int i, n;
	uint16_t posted;

	(void)state;
	r->count = 1024;
	bring_up_rx();
	assert_int_equal(r->rx_fill, IGB_RX_FILL_START);
	assert_int_equal(igb_rx_posted(r), IGB_RX_FILL_START);
	assert_int_equal(reg(IGB_RDT(0)), IGB_RX_FILL_START);
	assert_null(r->rx_buffer_info[IGB_RX_FILL_START].buf);
	/* A small ring's fill is all of it. */
	assert_int_equal(ad->rx_ring[1].rx_fill, RING - 1);

	/* 63 written: the slot at 256 / 4 = 64 is not. */
	for (i = 0; i < 63; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 1);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 63);
	assert_int_equal(r->rx_fill, IGB_RX_FILL_START);
	assert_true(igb_rx_posted(r) <= IGB_RX_FILL_START);
	assert_true(igb_rx_refill_count(r) < IGB_RX_BUFFER_WRITE);

	/* Now the slot a quarter into what is posted is written too. */
	posted = igb_rx_posted(r);
	n = posted / 4u + 1u;
	for (i = 0; i < n; i++)
		rx_complete(r, (r->next_to_clean + i) % r->count, 60, DD_EOP, 0, 0, 2);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), (int)n);
	assert_int_equal(r->rx_fill, 1023);
	assert_int_equal(r->stats.rx_dry, 0);
	assert_true(igb_rx_refill_count(r) < IGB_RX_BUFFER_WRITE);
	assert_true(igb_rx_posted(r) > 1023 - IGB_RX_BUFFER_WRITE);
	assert_int_equal(reg(IGB_RDT(0)), r->next_to_use);
	assert_int_equal(r->stats.packets, 63 + n);

	igb_disable_rx(ad);
	igb_clean_rx_ring(r);
	igb_configure_rx_ring(ad, r);
	assert_int_equal(r->rx_fill, IGB_RX_FILL_START);
	assert_int_equal(igb_rx_posted(r), IGB_RX_FILL_START);
}

/* Every posted buffer written at once (the device had none left): counted
 * as a dry poll, and the ring is filled whole even though the poll did not
 * look a quarter in first. */
static void test_rx_dry_ring_fills_whole(void **state)
{
	struct igb_ring *r = &ad->rx_ring[0];

	(void)state;
	r->count = 512;
	bring_up_rx();
	for (unsigned int i = 0; i < IGB_RX_FILL_START; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 3);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 32), 32);
	assert_int_equal(r->stats.rx_dry, 1);
	assert_int_equal(r->rx_fill, 511);
	/* The rest is read by later polls; none of them is dry again. */
	for (unsigned int k = 0; k < 8; k++)
		assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64),
				 k < 3 ? 64 : (k == 3 ? IGB_RX_FILL_START - 32 - 192 : 0));
	assert_int_equal(r->stats.rx_dry, 1);
	assert_int_equal(r->stats.packets, IGB_RX_FILL_START);
	assert_true(igb_rx_posted(r) > 511 - IGB_RX_BUFFER_WRITE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, igb_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rx_configure),
		T(test_rx_refill_batches),
		T(test_rx_good_frame),
		T(test_rx_csum_errors),
		T(test_rx_drops_reuse_buffer),
		T(test_rx_multi_descriptor_frame),
		T(test_rx_budget),
		T(test_rx_alloc_failure_recovers),
		T(test_rx_clean_ring),
		T(test_rx_fill_grows_when_deep),
		T(test_rx_dry_ring_fills_whole),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
