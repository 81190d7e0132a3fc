/* igb TX and RX data paths on the host: real skbs, slab caches and DMA rings
 * on an arena, a calloc'd block standing in for BAR0 (readl/writel are plain
 * volatile accesses here), and the test playing the device by writing
 * descriptor write-backs itself.
 *
 * The page allocator and the skb caches are set up once for the whole group
 * (the skb caches are static); every test builds a fresh two-queue adapter and
 * teardown checks that every skb and every RX buffer came back. */
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "drivers/igb/igb.h"
#include "kernel/slab.h"
#include "kernel/dma.h"
#include "kernel/ktimer.h"
#include "net/skbuff.h"
#include "skb_arena.h"

#define REGS_SIZE   (128u << 10)
#define NQ          2
#define RING        64
#define MAX_CAPTURE 256

/* TX descriptor constants as the datasheet spells them. */
#define PLAIN_CMD   0x2B300000u	/* DEXT | RS | IFCS | EOP | DTYP=3 */
#define TSE         0x80000000u
#define TXSM        0x200u
#define IXSM        0x100u

/* ---- fakes for what the driver links against ---- */

static uint64_t fake_jiffies;
uint64_t jiffies(void)
{
	return fake_jiffies;
}

static unsigned int wait_reg_calls;
int igb_wait_reg(const struct igb_hw *hw, uint32_t reg, const char *reg_name,
		 uint32_t mask, uint32_t want, uint32_t timeout_us)
{
	(void)reg_name;
	(void)timeout_us;
	wait_reg_calls++;
	/* The fake register file keeps what was written: the poll must agree. */
	assert_int_equal(igb_rd32(hw, reg) & mask, want);
	return 0;
}

static unsigned int stops, wakes;
void netif_tx_stop_queue(struct netdev_queue *q)
{
	if (!(q->state & (1UL << __QUEUE_STATE_XOFF)))
		stops++;
	q->state |= 1UL << __QUEUE_STATE_XOFF;
}

void netif_tx_wake_queue(struct netdev_queue *q)
{
	if (q->state & (1UL << __QUEUE_STATE_XOFF))
		wakes++;
	q->state &= ~(1UL << __QUEUE_STATE_XOFF);
}

static struct sk_buff *captured[MAX_CAPTURE];
static unsigned int ncaptured;
void netif_receive_skb(struct sk_buff *skb)
{
	assert_true(ncaptured < MAX_CAPTURE);
	captured[ncaptured++] = skb;
}

/* ---- fixture ---- */

static struct igb_adapter *ad;
static uint8_t *regs;

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

static uint32_t reg(uint32_t off)
{
	return igb_rd32(&ad->hw, off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	igb_wr32(&ad->hw, off, v);
}

static int setup(void **state)
{
	(void)state;
	ad = calloc(1, sizeof(*ad));
	regs = calloc(1, REGS_SIZE);
	assert_non_null(ad);
	assert_non_null(regs);
	ad->hw.hw_addr = regs;
	ad->irq_mode = IGB_IRQ_MSIX;
	ad->num_queues = NQ;
	strcpy(ad->netdev.name, "eth0");
	ad->netdev.features = NETIF_F_RXCSUM | NETIF_F_RXHASH;
	ad->netdev.priv = ad;
	for (unsigned int q = 0; q < NQ; q++) {
		struct igb_ring *t = &ad->tx_ring[q], *r = &ad->rx_ring[q];
		struct igb_q_vector *v = &ad->q_vector[q];

		ad->netdev.tx_queue[q].dev = &ad->netdev;
		ad->netdev.tx_queue[q].index = q;
		t->netdev = r->netdev = &ad->netdev;
		t->queue_index = r->queue_index = (uint8_t)q;
		t->reg_idx = r->reg_idx = (uint8_t)q;
		t->count = r->count = RING;
		t->q_vector = r->q_vector = v;
		v->adapter = ad;
		v->tx_ring = t;
		v->rx_ring = r;
	}
	fake_jiffies = 1000;
	wait_reg_calls = stops = wakes = 0;
	ncaptured = 0;
	rx_alloc_fail = false;
	rx_allocs = 0;
	rx_frees = 0;
	alloc_watch = NULL;
	printk_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < ncaptured; i++)
		kfree_skb(captured[i]);
	for (unsigned int q = 0; q < NQ; q++) {
		struct igb_ring *t = &ad->tx_ring[q], *r = &ad->rx_ring[q];

		if (t->desc) {
			igb_clean_tx_ring(t);
			kfree(t->tx_buffer_info);
			dma_free_coherent(t->desc, t->size);
		}
		if (r->desc) {
			igb_clean_rx_ring(r);
			kfree(r->rx_buffer_info);
			dma_free_coherent(r->desc, r->size);
		}
	}
	/* Fails if any RX buffer was lost or is still held by an skb. */
	if (ad->rx_pool.priv)
		assert_int_equal(kmem_cache_destroy(ad->rx_pool.priv), 0);
	test_skb_assert_all_freed();
	test_arena_assert_all_returned();
	free(regs);
	free(ad);
	return 0;
}

/* ---- helpers ---- */

static void bring_up_tx(void)
{
	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(igb_setup_tx_resources(&ad->tx_ring[q]), 0);
	igb_configure_tx(ad);
}

static void bring_up_rx(void)
{
	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(igb_setup_rx_resources(ad, &ad->rx_ring[q]), 0);
	real_rx_alloc = ad->rx_pool.alloc;
	ad->rx_pool.alloc = test_rx_alloc;
	igb_configure_rx(ad);
}

static struct sk_buff *frame_skb(uint32_t len, uint32_t room, uint8_t fill)
{
	struct sk_buff *skb = alloc_skb(room);

	assert_non_null(skb);
	assert_non_null(skb_put(skb, len));
	memset(skb->data, fill, len);
	return skb;
}

static const uint8_t saddr[4] = { 10, 0, 0, 1 }, daddr[4] = { 10, 0, 0, 2 };

/* Ethernet + IPv4 (20 bytes) + TCP (l4len bytes) or UDP, then payload. */
static struct sk_buff *l4_skb(uint32_t payload, uint32_t l4len, uint8_t proto)
{
	uint32_t len = ETH_HLEN + 20 + l4len + payload;
	struct sk_buff *skb = frame_skb(len, len + 64, 0x5A);
	uint8_t *eth = skb->data, *ip = eth + ETH_HLEN, *l4 = ip + 20;
	static const uint8_t ethertype[2] = { 0x08, 0x00 };

	eth[12] = 0x08;
	eth[13] = 0x00;
	memcpy(&skb->protocol, ethertype, 2);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - ETH_HLEN) >> 8);
	ip[3] = (uint8_t)(len - ETH_HLEN);
	ip[8] = 64;
	ip[9] = proto;
	ip[10] = 0xBE;
	ip[11] = 0xEF;
	memcpy(ip + 12, saddr, 4);
	memcpy(ip + 16, daddr, 4);
	memset(l4, 0, l4len);
	if (proto == 6) {
		l4[12] = (uint8_t)((l4len / 4) << 4);
		l4[16] = 0xAB;
		l4[17] = 0xCD;
	}
	skb->network_header = (uint16_t)(skb->data - skb->head + ETH_HLEN);
	skb->transport_header = (uint16_t)(skb->network_header + 20);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = proto == 6 ? 16 : 6;
	return skb;
}

static union igb_adv_tx_desc *txd(struct igb_ring *r, unsigned int i)
{
	return IGB_TX_DESC(r, i);
}

static void tx_done(struct igb_ring *r, unsigned int i)
{
	txd(r, i)->wb.status |= IGB_TXD_STAT_DD;
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

/* ---- ring arithmetic ---- */

static void test_desc_unused(void **state)
{
	(void)state;
	struct igb_ring r = { .count = 64 };

	r.next_to_use = r.next_to_clean = 0;
	assert_int_equal(igb_desc_unused(&r), 63);		/* empty: one slot always kept */
	r.next_to_use = 63;
	assert_int_equal(igb_desc_unused(&r), 0);		/* full */
	r.next_to_use = 10;
	r.next_to_clean = 11;
	assert_int_equal(igb_desc_unused(&r), 0);		/* full, wrapped */
	r.next_to_use = 5;
	r.next_to_clean = 60;
	assert_int_equal(igb_desc_unused(&r), 54);
	r.next_to_use = 60;
	r.next_to_clean = 5;
	assert_int_equal(igb_desc_unused(&r), 8);		/* wrap: 60..63, 0..3 */
	r.next_to_use = r.next_to_clean = 37;
	assert_int_equal(igb_desc_unused(&r), 63);
}

/* ---- TX ---- */

static void test_tx_setup_and_configure(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[1];

	ad->tx_ring[0].count = 100;	/* rounded up to a multiple of 8 */
	ad->tx_ring[1].count = 10;	/* raised to the minimum */
	set_reg(IGB_TCTL, 0xA40400F8);	/* QEMU's reset value */
	bring_up_tx();
	assert_int_equal(ad->tx_ring[0].count, 104);
	assert_int_equal(ad->tx_ring[0].size % 128, 0);
	assert_int_equal(t->count, 64);
	assert_int_equal(t->dma % 128, 0);
	assert_int_equal(t->dma, (uintptr_t)t->desc);

	assert_int_equal(reg(IGB_TDBAL(1)), (uint32_t)t->dma);
	assert_int_equal(reg(IGB_TDBAH(1)), (uint32_t)(t->dma >> 32));
	assert_int_equal(reg(IGB_TDLEN(1)), 64 * 16);
	assert_int_equal(reg(IGB_TDH(1)), 0);
	assert_int_equal(reg(IGB_TDT(1)), 0);
	assert_ptr_equal(t->tail, regs + IGB_TDT(1));
	/* 8/1/1 with MSI-X, then ENABLE */
	assert_int_equal(reg(IGB_TXDCTL(1)), 0x02010108);
	/* EN | PSP | CT 15 | COLD 63 | RTLC, reserved bits kept */
	assert_int_equal(reg(IGB_TCTL) & 0x01FFFFFF, 0x0103F0FA);
	assert_int_equal(reg(IGB_TCTL) & 0xFE000000, 0xA4000000);
	assert_int_equal(wait_reg_calls, 2 * NQ);

	/* Without MSI-X, write-back is batched by 16. */
	ad->irq_mode = IGB_IRQ_MSI;
	igb_configure_tx_ring(ad, t);
	assert_int_equal(reg(IGB_TXDCTL(1)), 0x02100108);
}

static void test_tx_plain_frame(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb;

	bring_up_tx();
	skb = frame_skb(100, 128, 0x11);
	fake_jiffies = 4242;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);

	assert_int_equal(txd(t, 0)->read.buffer_addr, (uintptr_t)skb->data);
	assert_int_equal(txd(t, 0)->read.cmd_type_len, 100 | PLAIN_CMD);
	assert_int_equal(txd(t, 0)->read.olinfo_status, 100u << 14);
	assert_int_equal(t->next_to_use, 1);
	assert_int_equal(reg(IGB_TDT(0)), 1);
	assert_ptr_equal(t->tx_buffer_info[0].skb, skb);
	assert_ptr_equal(t->tx_buffer_info[0].next_to_watch, txd(t, 0));
	assert_int_equal(t->tx_buffer_info[0].bytecount, 100);
	assert_int_equal(t->tx_buffer_info[0].gso_segs, 1);
	assert_int_equal(t->tx_buffer_info[0].time_stamp, 4242);

	/* Not done yet: nothing reclaimed. */
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(t->next_to_clean, 0);
	assert_int_equal(test_skb_live(), 1);

	tx_done(t, 0);
	fake_jiffies = 5000;
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(t->next_to_clean, 1);
	assert_int_equal(test_skb_live(), 0);
	assert_null(t->tx_buffer_info[0].skb);
	assert_null(t->tx_buffer_info[0].next_to_watch);
	assert_int_equal(t->stats.packets, 1);
	assert_int_equal(t->stats.bytes, 100);
	assert_int_equal(t->last_progress, 5000);

	/* The stack's queue number picks the ring; out of range is clamped. */
	skb = frame_skb(64, 64, 0x22);
	skb->queue_mapping = 7;
	assert_int_equal(igb_xmit_frame(skb, &ad->netdev), NETDEV_TX_OK);
	assert_ptr_equal(ad->tx_ring[1].tx_buffer_info[0].skb, skb);
	assert_int_equal(reg(IGB_TDT(1)), 1);
}

static void test_tx_short_and_bad_lengths(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb = frame_skb(42, 128, 0x33);

	bring_up_tx();
	memset(skb->data + 42, 0xEE, 30);	/* stale bytes beyond the frame */
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(skb->len, ETH_ZLEN);
	for (unsigned int k = 42; k < ETH_ZLEN; k++)
		assert_int_equal(skb->data[k], 0);
	assert_int_equal(txd(t, 0)->read.cmd_type_len, ETH_ZLEN | PLAIN_CMD);
	assert_int_equal(txd(t, 0)->read.olinfo_status, (uint32_t)ETH_ZLEN << 14);

	/* No room to pad: dropped and counted, the ring untouched. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(42, 42, 0x33), t), NETDEV_TX_OK);
	/* Shorter than an Ethernet header. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(10, 128, 0x33), t), NETDEV_TX_OK);
	/* Longer than a tagged MTU frame without TSO. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(1519, 2048, 0x33), t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 3);
	assert_int_equal(t->next_to_use, 1);
	assert_int_equal(test_skb_live(), 1);

	/* 1518 is fine. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(1518, 2048, 0x33), t), NETDEV_TX_OK);
	assert_int_equal(txd(t, 1)->read.cmd_type_len, 1518 | PLAIN_CMD);
	assert_int_equal(t->stats.tx_dropped, 3);
}

static void test_tx_csum_offload(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct igb_adv_tx_context_desc *ctx;
	struct sk_buff *skb = l4_skb(100, 20, 6);
	uint32_t len = skb->len;

	bring_up_tx();
	ctx = IGB_TX_CTXTDESC(t, 0);
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* Context in slot 0: MACLEN 14, IPLEN 20; IPv4, L4T TCP, DTYP 2, DEXT; L4LEN 20, IDX 0. */
	assert_int_equal(ctx->vlan_macip_lens, 14u << 9 | 20);
	assert_int_equal(ctx->seqnum_seed, 0);
	assert_int_equal(ctx->type_tucmd_mlhl, 0x20200C00);
	assert_int_equal(ctx->mss_l4len_idx, 20u << 8);
	/* Data in slot 1: PAYLEN = whole frame, TXSM only (the IPv4 sum is the stack's). */
	assert_int_equal(txd(t, 1)->read.cmd_type_len, len | PLAIN_CMD);
	assert_int_equal(txd(t, 1)->read.olinfo_status, len << 14 | TXSM);
	assert_int_equal((txd(t, 1)->read.olinfo_status >> 4) & 7, (ctx->mss_l4len_idx >> 4) & 7);
	/* The stack's seed and IP header are left alone. */
	assert_int_equal(skb->data[ETH_HLEN + 20 + 16], 0xAB);
	assert_int_equal(skb->data[ETH_HLEN + 10], 0xBE);
	assert_ptr_equal(t->tx_buffer_info[0].skb, skb);
	assert_ptr_equal(t->tx_buffer_info[0].next_to_watch, txd(t, 1));
	assert_null(t->tx_buffer_info[1].skb);
	assert_int_equal(reg(IGB_TDT(0)), 2);
	assert_int_equal(t->stats.csum_offload, 1);

	/* UDP: L4T 00, L4LEN 8. */
	skb = l4_skb(30, 8, 17);
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	ctx = IGB_TX_CTXTDESC(t, 2);
	assert_int_equal(ctx->type_tucmd_mlhl, 0x20200400);
	assert_int_equal(ctx->mss_l4len_idx, 8u << 8);
	assert_int_equal(txd(t, 3)->read.olinfo_status, skb->len << 14 | TXSM);

	/* Done: the EOP descriptor's DD frees the packet and both its slots. */
	tx_done(t, 1);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 2);
	assert_int_equal(test_skb_live(), 1);
	tx_done(t, 3);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 4);
	assert_int_equal(test_skb_live(), 0);

	/* Offload requested for something that is not IPv4 TCP/UDP: dropped. */
	skb = l4_skb(30, 8, 17);
	skb->data[ETH_HLEN + 9] = 1;	/* ICMP */
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	skb = l4_skb(30, 20, 6);
	skb->protocol = 0;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 2);
	assert_int_equal(t->next_to_use, 4);
}

static void test_tx_tso(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct igb_adv_tx_context_desc *ctx;
	struct sk_buff *skb = l4_skb(3000, 32, 6);	/* TCP with 12 bytes of options */
	uint32_t len = skb->len, hdr = ETH_HLEN + 20 + 32;
	uint8_t *ip = skb->data + ETH_HLEN, *tcp = ip + 20;

	bring_up_tx();
	ctx = IGB_TX_CTXTDESC(t, 0);
	skb->gso_size = 1448;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(ctx->vlan_macip_lens, 14u << 9 | 20);
	assert_int_equal(ctx->type_tucmd_mlhl, 0x20200C00);
	assert_int_equal(ctx->mss_l4len_idx, 1448u << 16 | 32u << 8);
	assert_int_equal(txd(t, 1)->read.cmd_type_len, len | PLAIN_CMD | TSE);
	/* PAYLEN is the TCP payload only. */
	assert_int_equal(txd(t, 1)->read.olinfo_status, (len - hdr) << 14 | TXSM | IXSM);
	assert_int_equal(txd(t, 1)->read.olinfo_status >> 14, 3000);
	/* Total length and header checksum zeroed; the TCP checksum holds the
	 * pseudo-header sum without length: 0a00+0001+0a00+0002+0006 = 0x1409. */
	assert_int_equal(ip[2] | ip[3] | ip[10] | ip[11], 0);
	assert_int_equal(tcp[16], 0x14);
	assert_int_equal(tcp[17], 0x09);
	assert_int_equal(t->tx_buffer_info[0].gso_segs, 3);
	assert_int_equal(t->tx_buffer_info[0].bytecount, len + 2 * hdr);
	assert_int_equal(t->stats.tso, 1);

	/* A buffer over 32 KiB is split: no EOP/RS and no olinfo on the first part. */
	skb = l4_skb(40000, 20, 6);
	skb->gso_size = 1460;
	skb->gso_segs = 28;
	len = skb->len;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(txd(t, 3)->read.buffer_addr, (uintptr_t)skb->data);
	assert_int_equal(txd(t, 3)->read.cmd_type_len, 32768u | 0x22300000u | TSE);
	assert_int_equal(txd(t, 3)->read.olinfo_status, (len - 54) << 14 | TXSM | IXSM);
	assert_int_equal(txd(t, 4)->read.buffer_addr, (uintptr_t)skb->data + 32768);
	assert_int_equal(txd(t, 4)->read.cmd_type_len, (len - 32768) | PLAIN_CMD | TSE);
	assert_int_equal(txd(t, 4)->read.olinfo_status, 0);
	assert_ptr_equal(t->tx_buffer_info[2].next_to_watch, txd(t, 4));
	assert_int_equal(t->tx_buffer_info[2].gso_segs, 28);
	assert_int_equal(t->next_to_use, 5);

	/* Only the EOP descriptor's DD counts. */
	tx_done(t, 1);
	tx_done(t, 3);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 2);
	tx_done(t, 4);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 5);
	assert_int_equal(t->stats.packets, 3 + 28);
	assert_int_equal(test_skb_live(), 0);

	/* UDP cannot be segmented; more than IGB_TSO_MAX cannot either. */
	skb = l4_skb(3000, 8, 17);
	skb->gso_size = 1400;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	skb = l4_skb(IGB_TSO_MAX, 20, 6);
	skb->gso_size = 1460;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 2);
	assert_int_equal(t->next_to_use, 5);
}

static void test_tx_tail_once_per_batch(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb;

	bring_up_tx();
	/* A value the driver never writes shows whether TDT was written. */
	set_reg(IGB_TDT(0), 0xDEAD);
	for (unsigned int k = 0; k < 3; k++) {
		skb = frame_skb(60, 64, (uint8_t)k);
		skb->xmit_more = k < 2;
		assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
		assert_int_equal(reg(IGB_TDT(0)), k < 2 ? 0xDEAD : 3);
	}
	/* A batch that ends in a dropped frame still gets its tail. */
	set_reg(IGB_TDT(0), 0xDEAD);
	skb = frame_skb(60, 64, 7);
	skb->xmit_more = true;
	igb_xmit_frame_ring(skb, t);
	assert_int_equal(reg(IGB_TDT(0)), 0xDEAD);
	igb_xmit_frame_ring(frame_skb(5, 64, 7), t);
	assert_int_equal(reg(IGB_TDT(0)), 4);
	assert_int_equal(t->stats.tx_dropped, 1);
}

static void test_tx_stop_and_wake(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct netdev_queue *txq = &ad->netdev.tx_queue[0];
	struct sk_buff *skb;
	unsigned int sent = 0;

	bring_up_tx();
	set_reg(IGB_TDT(0), 0xDEAD);
	/* A batch that never ends: the stop itself must publish the tail. */
	while (!netif_tx_queue_stopped(txq) && sent < RING) {
		skb = frame_skb(60, 64, 1);
		skb->xmit_more = true;
		assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
		sent++;
	}
	/* Stopped after the packet that left fewer than IGB_DESC_NEEDED free. */
	assert_int_equal(sent, RING - IGB_DESC_NEEDED);
	assert_int_equal(igb_desc_unused(t), IGB_DESC_NEEDED - 1);
	assert_int_equal(reg(IGB_TDT(0)), sent);
	assert_int_equal(stops, 1);

	/* BUSY leaves the skb with the caller and the ring as it was. */
	skb = frame_skb(60, 64, 2);
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_BUSY);
	assert_int_equal(t->stats.tx_busy, 1);
	assert_int_equal(t->next_to_use, sent);
	kfree_skb(skb);

	/* 28 done: 31 free, still below the wake mark. */
	for (unsigned int k = 0; k < 28; k++)
		tx_done(t, k);
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(igb_desc_unused(t), 31);
	assert_true(netif_tx_queue_stopped(txq));
	/* Budget: 10 more done, 4 reclaimed per call. */
	for (unsigned int k = 28; k < 38; k++)
		tx_done(t, k);
	assert_false(igb_clean_tx_irq(&ad->q_vector[0], 4));
	assert_int_equal(t->next_to_clean, 32);
	assert_false(netif_tx_queue_stopped(txq));
	assert_int_equal(wakes, 1);
	assert_int_equal(t->stats.restart_queue, 1);
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(t->next_to_clean, 38);
	assert_int_equal(t->stats.packets, 38);
	assert_int_equal(test_skb_live(), sent - 38);
}

static void test_tx_clean_exact(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];

	bring_up_tx();
	for (unsigned int k = 0; k < 5; k++)
		igb_xmit_frame_ring(frame_skb(60, 64, (uint8_t)k), t);
	tx_done(t, 0);
	tx_done(t, 1);
	tx_done(t, 3);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	/* In order: packet 3 waits for packet 2. */
	assert_int_equal(t->next_to_clean, 2);
	assert_int_equal(test_skb_live(), 3);
	assert_non_null(t->tx_buffer_info[3].skb);
	tx_done(t, 2);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 4);
	assert_int_equal(test_skb_live(), 1);
	assert_int_equal(t->stats.packets, 4);
	assert_int_equal(t->stats.bytes, 4 * 60);
}

static void test_tx_hang(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[1];
	struct netdev_queue *txq = &ad->netdev.tx_queue[1];

	bring_up_tx();
	set_reg(IGB_STATUS, IGB_STATUS_LU);
	igb_check_tx_hang(ad, t);	/* empty ring: never hung */
	fake_jiffies = 10000;
	igb_xmit_frame_ring(frame_skb(60, 64, 1), t);
	igb_xmit_frame_ring(frame_skb(60, 64, 2), t);
	netif_tx_stop_queue(txq);

	fake_jiffies = 10000 + IGB_TX_HANG_MS - 1;
	igb_check_tx_hang(ad, t);
	assert_int_equal(t->stats.tx_hang, 0);

	fake_jiffies = 10000 + IGB_TX_HANG_MS;
	set_reg(IGB_STATUS, 0);			/* link down: the device rightly waits */
	igb_check_tx_hang(ad, t);
	set_reg(IGB_STATUS, IGB_STATUS_LU | IGB_STATUS_TXOFF);	/* flow-control pause */
	igb_check_tx_hang(ad, t);
	set_reg(IGB_STATUS, IGB_STATUS_LU);
	tx_done(t, 0);				/* done, just not reclaimed yet */
	igb_check_tx_hang(ad, t);
	assert_int_equal(t->stats.tx_hang, 0);
	igb_clean_tx_irq(&ad->q_vector[1], 64);
	netif_tx_stop_queue(txq);
	/* Progress restarts the clock for the packet behind. */
	fake_jiffies += IGB_TX_HANG_MS - 1;
	igb_check_tx_hang(ad, t);
	assert_int_equal(t->stats.tx_hang, 0);
	assert_int_equal(printk_capture_len, 0);

	fake_jiffies += 1;
	set_reg(IGB_TDH(1), 1);
	igb_check_tx_hang(ad, t);
	assert_int_equal(t->stats.tx_hang, 1);
	assert_non_null(strstr(printk_capture, "tx queue 1 hung"));
	assert_non_null(strstr(printk_capture, "ntu 2 ntc 1 TDH 1 TDT 2"));
	assert_non_null(strstr(printk_capture, "TXDCTL 02010108"));
	/* The queue was reset: pending skb freed and counted, ring empty and
	 * programmed again, queue running. */
	assert_int_equal(test_skb_live(), 0);
	assert_int_equal(t->stats.tx_dropped, 1);
	assert_int_equal(t->next_to_use, 0);
	assert_int_equal(t->next_to_clean, 0);
	assert_int_equal(reg(IGB_TDH(1)), 0);
	assert_int_equal(reg(IGB_TDT(1)), 0);
	assert_int_equal(reg(IGB_TXDCTL(1)), 0x02010108);
	assert_false(netif_tx_queue_stopped(txq));
	assert_int_equal(t->stats.restart_queue, 2);	/* the clean's wake, then the reset's */

	/* And it works afterwards. */
	igb_xmit_frame_ring(frame_skb(60, 64, 3), t);
	assert_int_equal(reg(IGB_TDT(1)), 1);
	tx_done(t, 0);
	igb_clean_tx_irq(&ad->q_vector[1], 64);
	assert_int_equal(test_skb_live(), 0);
}

/* Close: the poll has not reclaimed everything the device finished. */
static void test_tx_clean_ring(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb;

	bring_up_tx();
	/* Slot 0 sent and reclaimed, so what is left starts at slot 1. */
	igb_xmit_frame_ring(frame_skb(60, 64, 0), t);
	tx_done(t, 0);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	/* Done but not reclaimed: a plain frame (1), a TSO packet of three
	 * segments (context 2, data 3). */
	igb_xmit_frame_ring(frame_skb(100, 128, 1), t);
	skb = l4_skb(3000, 32, 6);
	skb->gso_size = 1448;
	igb_xmit_frame_ring(skb, t);
	tx_done(t, 1);
	tx_done(t, 3);
	/* Not done: a plain frame (4), and a split TSO packet (context 5, data
	 * 6 and 7) whose first data descriptor is done but not its EOP. */
	igb_xmit_frame_ring(frame_skb(80, 128, 2), t);
	skb = l4_skb(40000, 20, 6);
	skb->gso_size = 1460;
	igb_xmit_frame_ring(skb, t);
	tx_done(t, 6);
	assert_int_equal(t->next_to_clean, 1);
	assert_int_equal(t->next_to_use, 8);
	assert_int_equal(test_skb_live(), 4);

	igb_disable_tx(ad);
	igb_clean_tx_ring(t);
	assert_int_equal(test_skb_live(), 0);
	assert_int_equal(t->stats.packets, 1 + 1 + 3);
	assert_int_equal(t->stats.bytes, 60 + 100 + 3066 + 2 * 66);
	assert_int_equal(t->stats.tx_dropped, 2);
	assert_int_equal(t->next_to_use, 0);
	assert_int_equal(t->next_to_clean, 0);
	for (unsigned int i = 0; i < RING; i++) {
		assert_null(t->tx_buffer_info[i].skb);
		assert_null(t->tx_buffer_info[i].next_to_watch);
	}
	/* Nothing is counted or freed twice. */
	igb_clean_tx_ring(t);
	assert_int_equal(t->stats.packets, 5);
	assert_int_equal(t->stats.tx_dropped, 2);

	/* Reopen: the ring fills from slot 0 again. */
	igb_configure_tx(ad);
	skb = frame_skb(60, 64, 3);
	igb_xmit_frame_ring(skb, t);
	assert_ptr_equal(t->tx_buffer_info[0].skb, skb);
	assert_int_equal(reg(IGB_TDT(0)), 1);
	tx_done(t, 0);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->stats.packets, 6);
	assert_int_equal(test_skb_live(), 0);
}

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
	assert_ptr_equal(r->tail, regs + IGB_RDT(1));
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
	/* The slot gave its buffer to the skb; the refill posted the spare slot
	 * with a fresh buffer, both quadwords written. */
	assert_null(r->rx_buffer_info[0].buf);
	assert_int_equal(rx_allocs, 1);
	assert_int_equal(r->next_to_clean, 1);
	assert_int_equal(r->next_to_use, 0);
	assert_int_equal(reg(IGB_RDT(1)), 0);
	assert_int_equal(IGB_RX_DESC(r, RING - 1)->read.pkt_addr,
			 (uintptr_t)r->rx_buffer_info[RING - 1].buf);
	assert_int_equal(IGB_RX_DESC(r, RING - 1)->read.hdr_addr, 0);

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
	/* Dropped frames keep their buffers: the refill (spare slot 63, then 0..3)
	 * re-posts slots 0..2 with them and allocates only for 63 and 3. */
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

	/* Slot 5 sits in the unposted gap; the refill walks round to it and
	 * re-posts its own buffer, allocating only for delivered frames (all but
	 * slot 63, the new gap). */
	rx_allocs = 0;
	for (unsigned int i = 6; i < RING; i++)
		rx_complete(r, i, 60, DD_EOP, 0, 0, 7);
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), RING - 6);
	assert_int_equal(r->next_to_clean, 0);
	assert_int_equal(ncaptured, 2 + RING - 6);
	assert_int_equal(rx_allocs, RING - 7);
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
	/* Nothing more: no work, and the ring is full again. */
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 0);
	assert_int_equal(igb_desc_unused(r), 0);
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
	assert_int_equal(igb_desc_unused(r), 20);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_unused),
		cmocka_unit_test_setup_teardown(test_tx_setup_and_configure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_plain_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_short_and_bad_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_csum_offload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_tso, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_tail_once_per_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_stop_and_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_clean_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_clean_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_configure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_refill_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_good_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_csum_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_drops_reuse_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_multi_descriptor_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_alloc_failure_recovers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_clean_ring, setup, teardown),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
