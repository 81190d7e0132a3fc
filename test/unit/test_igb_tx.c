/* igb TX data path on the host: real skbs, slab caches and DMA rings on an
 * arena, the adapter and its register file from igb_fake, and the test
 * playing the device by setting DD in the descriptors it has "sent".
 * Ring setup and programming, plain frames, padding and length drops,
 * checksum offload and TSO context descriptors, tail writes per batch,
 * queue stop and wake, in-order reclaim, the hang check and close.
 * Fixture: igb_fixture.h. */
#include <string.h>
#include "igb_fixture.h"
#include "net/checksum.h"

/* TX descriptor constants as the datasheet spells them. */
#define PLAIN_CMD   0x2B300000u	/* DEXT | RS | IFCS | EOP | DTYP=3 */
#define TSE         0x80000000u
#define TXSM        0x200u
#define IXSM        0x100u

/* ---- helpers ---- */

static void bring_up_tx(void)
{
	for (unsigned int q = 0; q < NQ; q++)
		assert_int_equal(igb_setup_tx_resources(&ad->tx_ring[q]), 0);
	igb_configure_tx(ad);
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

/* A MAC header of maclen bytes (14, or 18 with a VLAN tag) + IPv4 (20
 * bytes) + TCP (l4len bytes) or UDP, then payload; the stack's offsets set
 * as the IP layer sets them. */
static struct sk_buff *l4_skb_mac(uint32_t maclen, uint32_t payload, uint32_t l4len, uint8_t proto)
{
	uint32_t len = maclen + 20 + l4len + payload;
	struct sk_buff *skb = frame_skb(len, len + 64, 0x5A);
	uint8_t *eth = skb->data, *ip = eth + maclen, *l4 = ip + 20;
	static const uint8_t ethertype[2] = { 0x08, 0x00 };

	eth[maclen - 2] = 0x08;
	eth[maclen - 1] = 0x00;
	memcpy(&skb->protocol, ethertype, 2);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - maclen) >> 8);
	ip[3] = (uint8_t)(len - maclen);
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
	skb->network_header = (uint16_t)(skb->data - skb->head + maclen);
	skb->transport_header = (uint16_t)(skb->network_header + 20);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = proto == 6 ? 16 : 6;
	return skb;
}

static struct sk_buff *l4_skb(uint32_t payload, uint32_t l4len, uint8_t proto)
{
	return l4_skb_mac(ETH_HLEN, payload, l4len, proto);
}

static union igb_adv_tx_desc *txd(struct igb_ring *r, unsigned int i)
{
	return IGB_TX_DESC(r, i);
}

static void tx_done(struct igb_ring *r, unsigned int i)
{
	txd(r, i)->wb.status |= IGB_TXD_STAT_DD;
}

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
	assert_ptr_equal(t->tail, ad->hw.hw_addr + IGB_TDT(1));
	/* 8/1/1 with MSI-X, then ENABLE */
	assert_int_equal(reg(IGB_TXDCTL(1)), 0x02010108);
	/* EN | PSP | CT 15 | COLD 63 | RTLC, reserved bits kept */
	assert_int_equal(reg(IGB_TCTL) & 0x01FFFFFF, 0x0103F0FA);
	assert_int_equal(reg(IGB_TCTL) & 0xFE000000, 0xA4000000);
	assert_int_equal(igb_fake_wait_reg_calls, 2 * NQ);

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

	/* No tailroom to pad: the buffer grows and the frame still goes out. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(42, 42, 0x33), t), NETDEV_TX_OK);
	assert_int_equal(txd(t, 1)->read.cmd_type_len, ETH_ZLEN | PLAIN_CMD);
	/* Shorter than an Ethernet header. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(10, 128, 0x33), t), NETDEV_TX_OK);
	/* Longer than a tagged MTU frame without TSO. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(1519, 2048, 0x33), t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 2);
	assert_int_equal(t->next_to_use, 2);
	assert_int_equal(test_skb_live(), 2);

	/* 1518 is fine. */
	assert_int_equal(igb_xmit_frame_ring(frame_skb(1518, 2048, 0x33), t), NETDEV_TX_OK);
	assert_int_equal(txd(t, 2)->read.cmd_type_len, 1518 | PLAIN_CMD);
	assert_int_equal(t->stats.tx_dropped, 2);
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

/* A short frame with checksum offload: the sum is finished in software
 * before the zero padding (QEMU's user/dgram checksum would count the pad
 * in the pseudo-header length), and the frame goes without a context. */
static void test_tx_short_frame_csum_finished_before_pad(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb = l4_skb(0, 20, 6);
	uint8_t *l4 = skb->data + ETH_HLEN + 20;
	uint16_t expect = csum_fold(csum_partial(l4, 20, 0)), got;

	assert_true(skb->len < ETH_ZLEN);
	bring_up_tx();
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	assert_int_equal(skb->len, ETH_ZLEN);
	l4 = skb->data + ETH_HLEN + 20;
	memcpy(&got, l4 + 16, sizeof(got));
	assert_int_equal(got, expect);
	assert_int_not_equal(got, 0xCDAB);	/* the seed the helper wrote */
	/* One plain data descriptor, no TXSM: nothing left for the device. */
	assert_int_equal(txd(t, 0)->read.cmd_type_len, ETH_ZLEN | PLAIN_CMD);
	assert_int_equal(txd(t, 0)->read.olinfo_status & TXSM, 0);
	assert_int_equal(t->stats.csum_offload, 0);
	tx_done(t, 0);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(test_skb_live(), 0);
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
	skb->gso_type = SKB_GSO_TCPV4;
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
	skb->gso_type = SKB_GSO_TCPV4;
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
	skb->gso_type = SKB_GSO_UDP;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	skb = l4_skb(IGB_TSO_MAX, 20, 6);
	skb->gso_size = 1460;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* TCP bytes, but the stack did not ask for TCPv4 segmentation. */
	skb = l4_skb(3000, 20, 6);
	skb->gso_size = 1460;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 3);
	assert_int_equal(t->next_to_use, 5);
}

/* Scatter-gather: headers in the linear part, payload in frags (a zero-copy
 * send); each buffer gets its own descriptors, a frag over 32 KiB two, and
 * only the last carries EOP and RS. The frags' memory is never copied. */
static void test_tx_sg_frags(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	static uint8_t user[50000];
	struct sk_buff *skb = l4_skb(0, 20, 6);
	uint32_t hdr = skb->len, total;
	uint64_t copied0 = skb_copy_bytes(SKB_COPY_LINEARIZE);

	bring_up_tx();
	assert_true(skb_add_frag(skb, user, 40000));
	assert_true(skb_add_frag(skb, user + 45000, 5000));
	total = skb->len;
	assert_int_equal(total, hdr + 45000);
	skb->gso_size = 1460;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* 0: context; 1: the headers; 2, 3: the first frag; 4: the second. */
	assert_int_equal(txd(t, 1)->read.buffer_addr, (uintptr_t)skb->data);
	assert_int_equal(txd(t, 1)->read.cmd_type_len, hdr | 0x22300000u | TSE);
	assert_int_equal(txd(t, 1)->read.olinfo_status, 45000u << 14 | TXSM | IXSM);
	assert_int_equal(txd(t, 2)->read.buffer_addr, (uintptr_t)user);
	assert_int_equal(txd(t, 2)->read.cmd_type_len, 32768u | 0x22300000u | TSE);
	assert_int_equal(txd(t, 2)->read.olinfo_status, 0);
	assert_int_equal(txd(t, 3)->read.buffer_addr, (uintptr_t)user + 32768);
	assert_int_equal(txd(t, 3)->read.cmd_type_len, (40000u - 32768u) | 0x22300000u | TSE);
	assert_int_equal(txd(t, 4)->read.buffer_addr, (uintptr_t)user + 45000);
	assert_int_equal(txd(t, 4)->read.cmd_type_len, 5000u | PLAIN_CMD | TSE);
	assert_ptr_equal(t->tx_buffer_info[0].next_to_watch, txd(t, 4));
	assert_int_equal(t->tx_buffer_info[0].gso_segs, (45000 + 1459) / 1460);
	assert_int_equal(t->next_to_use, 5);
	assert_int_equal(skb_copy_bytes(SKB_COPY_LINEARIZE), copied0);
	tx_done(t, 4);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	assert_int_equal(t->next_to_clean, 5);
	assert_int_equal(test_skb_live(), 0);
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

	/* Enough done for one short of the wake mark: still stopped. */
	const unsigned int k1 = IGB_TX_QUEUE_WAKE - IGB_DESC_NEEDED, k2 = k1 + 10;

	for (unsigned int k = 0; k < k1; k++)
		tx_done(t, k);
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(igb_desc_unused(t), IGB_TX_QUEUE_WAKE - 1);
	assert_true(netif_tx_queue_stopped(txq));
	/* Budget: 10 more done, 4 reclaimed per call. */
	for (unsigned int k = k1; k < k2; k++)
		tx_done(t, k);
	assert_false(igb_clean_tx_irq(&ad->q_vector[0], 4));
	assert_int_equal(t->next_to_clean, k1 + 4);
	assert_false(netif_tx_queue_stopped(txq));
	assert_int_equal(wakes, 1);
	assert_int_equal(t->stats.restart_queue, 1);
	assert_true(igb_clean_tx_irq(&ad->q_vector[0], 64));
	assert_int_equal(t->next_to_clean, k2);
	assert_int_equal(t->stats.packets, k2);
	assert_int_equal(test_skb_live(), sent - k2);
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
	skb->gso_type = SKB_GSO_TCPV4;
	igb_xmit_frame_ring(skb, t);
	tx_done(t, 1);
	tx_done(t, 3);
	/* Not done: a plain frame (4), and a split TSO packet (context 5, data
	 * 6 and 7) whose first data descriptor is done but not its EOP. */
	igb_xmit_frame_ring(frame_skb(80, 128, 2), t);
	skb = l4_skb(40000, 20, 6);
	skb->gso_size = 1460;
	skb->gso_type = SKB_GSO_TCPV4;
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

/* The context descriptor comes from the stack's offsets, not from parsing. */
static void test_tx_offload_from_stack_offsets(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct igb_adv_tx_context_desc *ctx;
	struct sk_buff *skb;

	bring_up_tx();
	/* A tagged frame: MACLEN 18 because the IP header starts there. */
	skb = l4_skb_mac(18, 100, 32, 6);
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	ctx = IGB_TX_CTXTDESC(t, 0);
	assert_int_equal(ctx->vlan_macip_lens, 18u << 9 | 20);
	assert_int_equal(ctx->mss_l4len_idx, 32u << 8);
	assert_int_equal(ctx->type_tucmd_mlhl, 0x20200C00);

	/* A checksum field the device cannot fill (neither TCP's 16 nor UDP's 6). */
	skb = l4_skb(30, 8, 17);
	skb->csum_offset = 10;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* Summing from somewhere else than the end of the IP header. */
	skb = l4_skb(30, 8, 17);
	skb->csum_start += 2;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* The TCP offset on a UDP packet. */
	skb = l4_skb(30, 8, 17);
	skb->csum_offset = 16;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* IPLEN that disagrees with the header's IHL. */
	skb = l4_skb(30, 8, 17);
	skb->transport_header += 4;
	skb->csum_start += 4;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	/* A network header in front of data. */
	skb = l4_skb(30, 8, 17);
	skb->network_header = 0;
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(t->stats.tx_dropped, 5);
	assert_int_equal(t->next_to_use, 2);
	assert_int_equal(t->stats.csum_offload, 1);
}

/* TSO rewrites the IP and TCP headers: a clone that shares them (TCP's
 * retransmit queue keeps the original) gets its own copy first. */
static void test_tx_tso_on_clone_keeps_original(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb = l4_skb(3000, 20, 6), *c;
	uint8_t before_hdr[ETH_HLEN + 40];
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);

	bring_up_tx();
	skb->gso_size = 1460;
	skb->gso_type = SKB_GSO_TCPV4;
	memcpy(before_hdr, skb->data, sizeof(before_hdr));
	c = skb_clone(skb);
	assert_int_equal(igb_xmit_frame_ring(c, t), NETDEV_TX_OK);
	assert_memory_equal(skb->data, before_hdr, sizeof(before_hdr));
	assert_ptr_not_equal(c->head, skb->head);
	assert_ptr_equal(txd(t, 1)->read.buffer_addr, (uintptr_t)c->data);
	/* The copy's headers were rewritten for the device. */
	assert_int_equal(c->data[ETH_HLEN + 2] | c->data[ETH_HLEN + 3], 0);
	assert_int_equal(c->data[ETH_HLEN + 20 + 16], 0x14);
	assert_true(skb_copy_bytes(SKB_COPY_HEADER_COW) - cow0 >= skb->len);
	tx_done(t, 1);
	igb_clean_tx_irq(&ad->q_vector[0], 64);
	kfree_skb(skb);
}

/* A link-down interrupt stops the queue between two packets of a batch: the
 * stack sends nothing more, so the driver must announce what it has. */
static void test_tx_tail_when_stopped_by_other(void **state)
{
	(void)state;
	struct igb_ring *t = &ad->tx_ring[0];
	struct netdev_queue *txq = &ad->netdev.tx_queue[0];
	struct sk_buff *skb;

	bring_up_tx();
	set_reg(IGB_TDT(0), 0xDEAD);
	skb = frame_skb(60, 64, 1);
	skb->xmit_more = true;
	igb_xmit_frame_ring(skb, t);
	assert_int_equal(reg(IGB_TDT(0)), 0xDEAD);
	netif_tx_stop_queue(txq);	/* the link-down IRQ */
	skb = frame_skb(60, 64, 2);
	skb->xmit_more = true;		/* the stack meant to send more */
	igb_xmit_frame_ring(skb, t);
	assert_int_equal(reg(IGB_TDT(0)), 2);
	assert_int_equal(igb_desc_unused(t), RING - 3);

	/* The same for a batch whose next packet is dropped. */
	netif_tx_wake_queue(txq);
	set_reg(IGB_TDT(0), 0xDEAD);
	skb = frame_skb(60, 64, 3);
	skb->xmit_more = true;
	igb_xmit_frame_ring(skb, t);
	netif_tx_stop_queue(txq);
	skb = frame_skb(5, 64, 4);
	skb->xmit_more = true;
	igb_xmit_frame_ring(skb, t);
	assert_int_equal(reg(IGB_TDT(0)), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, igb_fixture_setup, igb_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_unused),
		T(test_tx_setup_and_configure),
		T(test_tx_plain_frame),
		T(test_tx_short_and_bad_lengths),
		T(test_tx_csum_offload),
		T(test_tx_short_frame_csum_finished_before_pad),
		T(test_tx_tso),
		T(test_tx_sg_frags),
		T(test_tx_tail_once_per_batch),
		T(test_tx_stop_and_wake),
		T(test_tx_clean_exact),
		T(test_tx_hang),
		T(test_tx_clean_ring),
		T(test_tx_offload_from_stack_offsets),
		T(test_tx_tso_on_clone_keeps_original),
		T(test_tx_tail_when_stopped_by_other),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
