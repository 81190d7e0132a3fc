/* igb transmit: ring setup, the article's igb_xmit_frame -> igb_xmit_frame_ring
 * -> igb_tx_map, and completion (igb_clean_tx_irq) from the NAPI poll.
 *
 * Ring ownership (see struct igb_ring): software fills slots at next_to_use,
 * the device owns [next_to_clean, next_to_use) once TDT moves past them, and
 * igb_clean_tx_irq gives slots back from next_to_clean when the DD bit of a
 * packet's last descriptor says the device is done with all of them.
 *
 * A packet takes, from next_to_use on: an optional context descriptor (offload
 * parameters), then one data descriptor per IGB_MAX_DATA_PER_TXD bytes of its
 * linear buffer and of each of its frags (NETIF_F_SG: the headers in the
 * linear part, a zero-copy sender's payload in the frags). The tx_buffer of the packet's first slot carries the skb and
 * next_to_watch (its EOP descriptor); every other slot's next_to_watch stays
 * NULL, which is how the cleaner knows where the in-flight packets end.
 *
 * Concurrency: one CPU; xmit runs with bottom halves disabled or in a softirq
 * and the cleaner in the NET_RX softirq, so the two never interleave. */
#include "drivers/igb/igb.h"
#include "net/checksum.h"
#include "net/if_ether.h"
#include "net/ip_hdr.h"
#include "net/tcp_hdr.h"
#include "net/udp_hdr.h"
#include "kernel/dma.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/trace.h"


/* One data descriptor carries at most this much: DTALEN is 16 bits, and a
 * power of two keeps the split of a TSO buffer simple. */
#define IGB_MAX_DATA_PER_TXD (1u << 15)
/* Longest frame we send without segmentation: an MTU-sized frame with one
 * VLAN tag. The peer would drop anything longer (no jumbo frames here). */
#define IGB_MAX_FRAME (ETH_FRAME_LEN + VLAN_HLEN)

_Static_assert(1 + IGB_TSO_MAX / IGB_MAX_DATA_PER_TXD + 1 + MAX_SKB_FRAGS < IGB_DESC_NEEDED,
	       "the largest packet must fit in IGB_DESC_NEEDED slots, with a gap");
_Static_assert(IGB_TSO_MAX < (1u << (32 - IGB_ADVTXD_PAYLEN_SHIFT)), "PAYLEN is 18 bits");

#define IGB_MACLEN_MAX    127	/* 7-bit MACLEN field */
#define IGB_IPLEN_MAX     511	/* 9-bit IPLEN field */

static inline uint16_t igb_tx_next(const struct igb_ring *ring, uint16_t i)
{
	return (uint16_t)(i + 1 == ring->count ? 0 : i + 1);
}

static inline struct netdev_queue *igb_txq(const struct igb_ring *ring)
{
	return netdev_get_tx_queue(ring->netdev, ring->queue_index);
}

int igb_setup_tx_resources(struct igb_ring *ring)
{
	return igb_ring_alloc(ring, IGB_DEFAULT_TXD, sizeof(struct igb_tx_buffer), "tx");
}

void igb_configure_tx_ring(struct igb_adapter *adapter, struct igb_ring *ring)
{
	const struct igb_hw *hw = &adapter->hw;
	uint8_t reg = ring->reg_idx;
	/* WTHRESH 1 with MSI-X: write back every descriptor at once, so a
	 * per-queue vector sees its completions without waiting for a batch. */
	uint32_t wthresh = adapter->irq_mode == IGB_IRQ_MSIX ? 1 : 16;
	uint32_t txdctl = 8u << IGB_XDCTL_PTHRESH_SHIFT | 1u << IGB_XDCTL_HTHRESH_SHIFT |
			  wthresh << IGB_XDCTL_WTHRESH_SHIFT | IGB_XDCTL_ENABLE;

	/* Queue 0 comes out of reset enabled; the base and length may only
	 * change while the queue is off. */
	igb_wr32(hw, IGB_TXDCTL(reg), 0);
	igb_wait_reg(hw, IGB_TXDCTL(reg), "TXDCTL", IGB_XDCTL_ENABLE, 0, 10000);

	igb_wr32(hw, IGB_TDBAL(reg), (uint32_t)ring->dma);
	igb_wr32(hw, IGB_TDBAH(reg), (uint32_t)(ring->dma >> 32));
	igb_wr32(hw, IGB_TDLEN(reg), ring->size);
	/* The head may only be written while the queue is disabled; the tail
	 * must equal next_to_use, which is 0 on a fresh or cleaned ring. */
	igb_wr32(hw, IGB_TDH(reg), 0);
	igb_wr32(hw, IGB_TDT(reg), 0);
	ring->tail = hw->hw_addr + IGB_TDT(reg);

	igb_wr32(hw, IGB_TXDCTL(reg), txdctl);
	/* Silicon ignores tail bumps until ENABLE reads back as set. */
	igb_wait_reg(hw, IGB_TXDCTL(reg), "TXDCTL", IGB_XDCTL_ENABLE, IGB_XDCTL_ENABLE, 10000);
}

void igb_disable_tx_ring(struct igb_adapter *adapter, struct igb_ring *ring)
{
	const struct igb_hw *hw = &adapter->hw;
	uint8_t reg = ring->reg_idx;

	igb_wr32(hw, IGB_TXDCTL(reg), 0);
	igb_wait_reg(hw, IGB_TXDCTL(reg), "TXDCTL", IGB_XDCTL_ENABLE, 0, 10000);
}

void igb_disable_tx(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	for (unsigned int q = 0; q < adapter->num_queues; q++)
		igb_disable_tx_ring(adapter, &adapter->tx_ring[q]);
	igb_wr32(hw, IGB_TCTL, igb_rd32(hw, IGB_TCTL) & ~IGB_TCTL_EN);
	igb_flush(hw);
}

void igb_configure_tx(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;
	uint32_t tctl;

	for (unsigned int q = 0; q < adapter->num_queues; q++)
		igb_configure_tx_ring(adapter, &adapter->tx_ring[q]);

	/* Read-modify-write keeps the reserved bits at their reset values. */
	tctl = igb_rd32(hw, IGB_TCTL);
	tctl &= ~(0xFFu << IGB_TCTL_CT_SHIFT | 0x3FFu << IGB_TCTL_COLD_SHIFT);
	tctl |= IGB_TCTL_EN | IGB_TCTL_PSP | IGB_TCTL_RTLC |
		15u << IGB_TCTL_CT_SHIFT | 63u << IGB_TCTL_COLD_SHIFT;
	igb_wr32(hw, IGB_TCTL, tctl);
}

/* Where the headers of an offloaded IPv4 packet are, from the offsets the
 * stack set (network_header, transport_header, csum_start/csum_offset, the
 * GSO type), checked against the packet and the field widths of the context
 * descriptor: silicon builds every segment and checksum from these lengths
 * (QEMU parses the frame itself and ignores them). The IPv4 header is only
 * read to confirm the stack's offsets describe it. */
struct igb_tx_hdrs {
	uint32_t maclen, iplen, l4len;
	bool tcp;			/* L4T: TCP, else UDP */
};

static bool igb_tx_parse(const struct sk_buff *skb, bool tso, struct igb_tx_hdrs *h)
{
	int32_t data_off = (int32_t)skb_headroom(skb);
	int32_t maclen = (int32_t)skb->network_header - data_off;
	int32_t iplen = (int32_t)skb->transport_header - (int32_t)skb->network_header;
	const struct iphdr *iph;

	if (skb->protocol != htons(ETH_P_IP))
		return false;
	uint32_t head = skb_headlen(skb);	/* the headers are all linear */

	if (maclen < ETH_HLEN || maclen > IGB_MACLEN_MAX ||
	    iplen < IP_MIN_HLEN || iplen > IGB_IPLEN_MAX || (uint32_t)(maclen + iplen) > head)
		return false;
	iph = (const struct iphdr *)skb_network_header(skb);
	if (ip_version(iph) != IPVERSION || ip_hdrlen(iph) != (uint32_t)iplen)
		return false;
	h->maclen = (uint32_t)maclen;
	h->iplen = (uint32_t)iplen;

	/* The device sums from the end of IPLEN and stores at the L4 type's
	 * checksum field: the stack's csum_start and csum_offset must say the
	 * same. Segmentation is TCP only and needs the TCP header's length. */
	if (tso) {
		h->tcp = (skb->gso_type & SKB_GSO_TCPV4) && iph->protocol == IPPROTO_TCP;
	} else {
		if (skb->csum_start != skb->transport_header)
			return false;
		if (skb->csum_offset == offsetof(struct tcphdr, check))
			h->tcp = true;
		else if (skb->csum_offset == offsetof(struct udphdr, check))
			h->tcp = false;
		else
			return false;
		if (iph->protocol != (h->tcp ? IPPROTO_TCP : IPPROTO_UDP))
			return false;
	}
	if (h->tcp) {
		if (h->maclen + h->iplen + sizeof(struct tcphdr) > head)
			return false;
		h->l4len = tcp_hdrlen((const struct tcphdr *)skb_transport_header(skb));
		if (h->l4len < TCP_MIN_HLEN)
			return false;
	} else if (tso) {
		return false;
	} else {
		h->l4len = sizeof(struct udphdr);
	}
	return h->maclen + h->iplen + h->l4len <= head;
}

/* Context descriptors carry no skb: the packet's first tx_buffer (this slot)
 * is filled by the caller. Every offload uses context slot 0 (IDX 0): a
 * context descriptor precedes each offloaded packet, so a second slot would
 * save nothing. */
static void igb_tx_ctxtdesc(struct igb_ring *ring, const struct igb_tx_hdrs *h,
			    uint32_t mss_l4len)
{
	struct igb_adv_tx_context_desc *ctx = IGB_TX_CTXTDESC(ring, ring->next_to_use);
	uint32_t tucmd = IGB_ADVTXD_TUCMD_IPV4 |
			 (h->tcp ? IGB_ADVTXD_TUCMD_L4T_TCP : IGB_ADVTXD_TUCMD_L4T_UDP);

	ctx->vlan_macip_lens = h->maclen << IGB_ADVTXD_MACLEN_SHIFT | h->iplen;
	ctx->seqnum_seed = 0;
	ctx->type_tucmd_mlhl = tucmd | IGB_ADVTXD_DCMD_DEXT | IGB_ADVTXD_DTYP_CTXT;
	ctx->mss_l4len_idx = mss_l4len | h->l4len << IGB_ADVTXD_L4LEN_SHIFT;
	ring->next_to_use = igb_tx_next(ring, ring->next_to_use);
}

/* Returns 1 when the packet goes out segmented (context written), 0 when it
 * does not ask for TSO, -1 when it asks for something the device cannot do
 * (or its headers cannot be made private). */
static int igb_tso(struct igb_ring *ring, struct igb_tx_buffer *first,
		   uint32_t *cmd_type, uint32_t *olinfo)
{
	struct sk_buff *skb = first->skb;
	struct igb_tx_hdrs h;
	struct iphdr *iph;
	struct tcphdr *th;
	uint32_t hdr_len, paylen;

	if (!skb->gso_size)
		return 0;
	if (!igb_tx_parse(skb, true, &h))
		return -1;
	hdr_len = h.maclen + h.iplen + h.l4len;
	paylen = skb->len - hdr_len;
	if (!paylen)
		return -1;
	/* The headers are rewritten below: a clone sharing them (TCP's queued
	 * original, a retransmit) must not see that. */
	if (skb_cow_head(skb, 0))
		return -1;
	iph = (struct iphdr *)skb_network_header(skb);
	th = (struct tcphdr *)skb_transport_header(skb);

	/* The device writes each segment's total length and header checksum
	 * itself and expects zeroes there, and a length-free pseudo-header seed
	 * in the TCP checksum (it adds each segment's length). */
	iph->tot_len = 0;
	iph->check = 0;
	th->check = (uint16_t)~csum_tcpudp_magic(iph->saddr, iph->daddr, 0, IPPROTO_TCP, 0);

	igb_tx_ctxtdesc(ring, &h, (uint32_t)skb->gso_size << IGB_ADVTXD_MSS_SHIFT);

	first->gso_segs = skb->gso_segs ? skb->gso_segs :
			  (uint16_t)((paylen + skb->gso_size - 1) / skb->gso_size);
	/* Every segment after the first repeats the headers on the wire. */
	first->bytecount = skb->len + (uint32_t)(first->gso_segs - 1) * hdr_len;
	/* With TSE the device needs both checksums inserted (DS210 7.2.2.3). */
	*cmd_type |= IGB_ADVTXD_DCMD_TSE;
	*olinfo = paylen << IGB_ADVTXD_PAYLEN_SHIFT | IGB_ADVTXD_POPTS_TXSM |
		  IGB_ADVTXD_POPTS_IXSM;
	ring->stats.tso++;
	return 1;
}

/* CHECKSUM_PARTIAL promises only the L4 sum is missing (seeded by the stack
 * with the full pseudo-header); the IPv4 header sum is already final, so
 * only TXSM is asked for. Returns false when the packet cannot be offloaded. */
static bool igb_tx_csum(struct igb_ring *ring, struct igb_tx_buffer *first,
			uint32_t *olinfo)
{
	struct sk_buff *skb = first->skb;
	struct igb_tx_hdrs h;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return true;
	if (!igb_tx_parse(skb, false, &h))
		return false;
	igb_tx_ctxtdesc(ring, &h, 0);
	*olinfo |= IGB_ADVTXD_POPTS_TXSM;
	ring->stats.csum_offload++;
	return true;
}

/* Stops the queue while fewer than size descriptors are free. No re-check
 * after the stop: on one CPU the cleaner cannot run between the test and the
 * stop (bottom halves are off here), so a wake cannot be missed. */
static bool igb_maybe_stop_tx(struct igb_ring *ring, uint16_t size)
{
	if (likely(igb_desc_unused(ring) >= size))
		return false;
	netif_tx_stop_queue(igb_txq(ring));
	return true;
}

/* The tail (TDT) is written once per batch: when the stack has no more
 * packets for us right now (!xmit_more), or when the queue is stopped, by us
 * (ring full) or by anyone else (link down, close), since then no later
 * packet of the batch will come to write it (Linux: netif_xmit_stopped). */
static void igb_tx_kick(struct igb_ring *ring, bool xmit_more)
{
	if (!xmit_more || netif_tx_queue_stopped(igb_txq(ring))) {
		TRACE_LEAF_VAL(TP_tail_write, ring->next_to_use);
		writel(ring->next_to_use, ring->tail);
	}
}

/* Writes the data descriptors from next_to_use and publishes them: the
 * linear part first, then each frag, every buffer cut at
 * IGB_MAX_DATA_PER_TXD; EOP and RS go on the last descriptor only. */
static void igb_tx_map(struct igb_ring *ring, struct igb_tx_buffer *first,
		       uint32_t cmd_type, uint32_t olinfo)
{
	TRACE_FUNC(TP_igb_tx_map, first->skb);
	struct sk_buff *skb = first->skb;
	/* Read before the packet is published: once it is, the cleaner owns it. */
	bool xmit_more = skb->xmit_more;
	dma_addr_t dma = skb_dma(skb);
	uint32_t left = skb_headlen(skb), total = skb->len;
	uint16_t i = ring->next_to_use;
	union igb_adv_tx_desc *desc = NULL;
	uint8_t f = 0;

	/* Bounded: one turn per descriptor, at most IGB_DESC_NEEDED - 2 (the
	 * static assert above); total >= ETH_ZLEN, and empty buffers (a frag
	 * of 0 bytes, headers-only linear part) are skipped. */
	while (total) {
		uint32_t size;
		struct igb_tx_buffer *buf;

		if (!left) {
			/* The linear part or a frag is done: the next frag. */
			dma = skb_frag_dma(&skb->frags[f]);
			left = skb->frags[f++].len;
			continue;
		}
		if (desc)
			i = igb_tx_next(ring, i);
		size = MIN(left, IGB_MAX_DATA_PER_TXD);
		buf = &ring->tx_buffer_info[i];
		desc = IGB_TX_DESC(ring, i);
		buf->dma = dma;
		buf->len = size;
		desc->read.buffer_addr = dma;
		/* Offloads and PAYLEN are read from a packet's first descriptor only. */
		desc->read.olinfo_status = olinfo;
		olinfo = 0;
		left -= size;
		total -= size;
		dma += size;
		desc->read.cmd_type_len = cmd_type | size |
					  (total ? 0 : IGB_ADVTXD_DCMD_EOP | IGB_ADVTXD_DCMD_RS);
	}

	first->time_stamp = jiffies();
	/* Descriptors complete in memory before the cleaner may look at the EOP
	 * descriptor and before the device may fetch them. */
	wmb();
	first->next_to_watch = desc;
	ring->next_to_use = igb_tx_next(ring, i);

	igb_maybe_stop_tx(ring, IGB_DESC_NEEDED);
	igb_tx_kick(ring, xmit_more);
}

/* A dropped packet may end a batch whose tail write was deferred. */
static netdev_tx_t igb_tx_drop(struct igb_ring *ring, struct sk_buff *skb)
{
	igb_tx_kick(ring, skb->xmit_more);
	ring->stats.tx_dropped++;
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

netdev_tx_t igb_xmit_frame_ring(struct sk_buff *skb, struct igb_ring *tx_ring)
{
	TRACE_FUNC(TP_igb_xmit_frame_ring, skb);
	uint32_t max_len = skb->gso_size ? IGB_TSO_MAX : IGB_MAX_FRAME;
	uint32_t cmd_type = IGB_ADVTXD_DTYP_DATA | IGB_ADVTXD_DCMD_DEXT | IGB_ADVTXD_DCMD_IFCS;
	struct igb_tx_buffer *first;
	uint16_t first_idx;
	uint32_t olinfo;
	int tso;

	/* The device does not pad (QEMU ignores TCTL.PSP): short frames get
	 * zeroes up to the Ethernet minimum here. QEMU's software checksum
	 * (user and dgram backends) then takes the padded length for the
	 * pseudo-header, so a short frame's checksum is finished first: a
	 * few dozen bytes. */
	if (skb->len < ETH_ZLEN && skb->ip_summed == CHECKSUM_PARTIAL && !skb->gso_size &&
	    skb_checksum_help(skb))
		return igb_tx_drop(tx_ring, skb);
	if (skb->len < ETH_HLEN || skb->len > max_len || !skb_pad_to(skb, ETH_ZLEN))
		return igb_tx_drop(tx_ring, skb);

	/* Frags only from a stack that saw NETIF_F_SG; a frag of more than
	 * IGB_TSO_MAX would not fit the ring's worst case. */
	if (unlikely(skb->nr_frags > MAX_SKB_FRAGS || skb->data_len > IGB_TSO_MAX))
		return igb_tx_drop(tx_ring, skb);
	/* Normally unreachable: the queue is stopped after the packet that
	 * leaves fewer than IGB_DESC_NEEDED free. */
	if (igb_maybe_stop_tx(tx_ring, IGB_DESC_NEEDED)) {
		tx_ring->stats.tx_busy++;
		/* The packets before this one may still wait for their tail. */
		igb_tx_kick(tx_ring, true);
		return NETDEV_TX_BUSY;
	}

	first_idx = tx_ring->next_to_use;
	first = &tx_ring->tx_buffer_info[first_idx];
	first->skb = skb;
	first->bytecount = skb->len;
	first->gso_segs = 1;
	olinfo = skb->len << IGB_ADVTXD_PAYLEN_SHIFT;

	tso = igb_tso(tx_ring, first, &cmd_type, &olinfo);
	if (tso < 0 || (!tso && !igb_tx_csum(tx_ring, first, &olinfo))) {
		/* Nothing was written for this packet: the ring is as it was. */
		first->skb = NULL;
		return igb_tx_drop(tx_ring, skb);
	}
	igb_tx_map(tx_ring, first, cmd_type, olinfo);
	return NETDEV_TX_OK;
}

netdev_tx_t igb_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	TRACE_FUNC(TP_igb_xmit_frame, skb);
	struct igb_adapter *adapter = netdev_to_adapter(netdev);
	unsigned int q = skb->queue_mapping;

	/* The stack may know more queues than this part has. */
	if (unlikely(q >= adapter->num_queues))
		q = adapter->num_queues - 1;
	return igb_xmit_frame_ring(skb, &adapter->tx_ring[q]);
}

bool igb_clean_tx_irq(struct igb_q_vector *q_vector, int budget)
{
	TRACE_FUNC_CTX(TP_igb_clean_tx_irq);
	struct igb_ring *ring = q_vector->tx_ring;
	struct netdev_queue *txq;
	uint16_t i = ring->next_to_clean;
	uint64_t packets = 0, bytes = 0;
	int done = 0;

	while (done < budget) {
		struct igb_tx_buffer *first = &ring->tx_buffer_info[i];
		union igb_adv_tx_desc *eop = first->next_to_watch;

		/* No next_to_watch: i == next_to_use, nothing more in flight. */
		if (!eop)
			break;
		/* Only DD is reliable (never TDH on silicon); with RS on the EOP
		 * descriptor alone, its DD covers the whole packet. */
		if (!(((const volatile union igb_adv_tx_desc *)eop)->wb.status & IGB_TXD_STAT_DD))
			break;

		packets += first->gso_segs;
		bytes += first->bytecount;
		kfree_skb(first->skb);

		/* Bounded by the ring: eop lies within it. */
		for (uint16_t n = 0; n < ring->count; n++) {
			bool last = IGB_TX_DESC(ring, i) == eop;

			ring->tx_buffer_info[i] = (struct igb_tx_buffer){ 0 };
			i = igb_tx_next(ring, i);
			if (last)
				break;
		}
		done++;
	}
	ring->next_to_clean = i;

	if (done) {
		ring->stats.packets += packets;
		ring->stats.bytes += bytes;
		ring->last_progress = jiffies();
	}

	/* Wake only with real headroom, so the queue does not flap on every
	 * completion while the ring runs nearly full. */
	txq = igb_txq(ring);
	if (unlikely(netif_tx_queue_stopped(txq)) &&
	    igb_desc_unused(ring) >= IGB_TX_QUEUE_WAKE) {
		netif_tx_wake_queue(txq);
		ring->stats.restart_queue++;
	}
	return done < budget;
}

void igb_clean_tx_ring(struct igb_ring *ring)
{
	uint16_t i = ring->next_to_clean;

	if (!ring->tx_buffer_info)
		return;
	/* Bounded: next_to_use is reached within count steps. */
	for (uint16_t n = 0; n < ring->count && i != ring->next_to_use; n++) {
		struct igb_tx_buffer *buf = &ring->tx_buffer_info[i];

		if (buf->skb) {
			/* A done EOP descriptor means the packet left and only the
			 * poll has not reclaimed it (on close under QEMU, which sends
			 * inside the TDT write, that is most of them): sent, not
			 * dropped. */
			if (buf->next_to_watch &&
			    (((const volatile union igb_adv_tx_desc *)buf->next_to_watch)->wb.status &
			     IGB_TXD_STAT_DD)) {
				ring->stats.packets += buf->gso_segs;
				ring->stats.bytes += buf->bytecount;
			} else {
				ring->stats.tx_dropped++;
			}
			kfree_skb(buf->skb);
		}
		*buf = (struct igb_tx_buffer){ 0 };
		i = igb_tx_next(ring, i);
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
}

void igb_check_tx_hang(struct igb_adapter *adapter, struct igb_ring *ring)
{
	const struct igb_hw *hw = &adapter->hw;
	struct igb_tx_buffer *oldest;
	uint64_t now, since;
	uint32_t status;
	uint8_t reg = ring->reg_idx;

	if (ring->next_to_clean == ring->next_to_use)
		return;
	oldest = &ring->tx_buffer_info[ring->next_to_clean];
	now = jiffies();
	/* Stalled means: nothing completed since the oldest packet was queued
	 * (a ring idle for a while must not look hung the moment it is used). */
	since = MAX(ring->last_progress, oldest->time_stamp);
	if (now - since < IGB_TX_HANG_MS)
		return;
	/* Done but not yet reclaimed (a late poll) is not a hang. */
	if (oldest->next_to_watch &&
	    (((const volatile union igb_adv_tx_desc *)oldest->next_to_watch)->wb.status &
	     IGB_TXD_STAT_DD))
		return;
	/* Without link, or paused by flow control, the device rightly waits. */
	status = igb_rd32(hw, IGB_STATUS);
	if (!(status & IGB_STATUS_LU) || (status & IGB_STATUS_TXOFF))
		return;

	pr_err("igb: %s tx queue %u hung: no completion for %llu ms with link up; resetting the queue\n",
	       ring->netdev->name, ring->queue_index, (unsigned long long)(now - since));
	pr_err("igb:   ntu %u ntc %u TDH %u TDT %u TXDCTL %08x oldest queued at %llu ms, now %llu ms\n",
	       ring->next_to_use, ring->next_to_clean, igb_rd32(hw, IGB_TDH(reg)),
	       igb_rd32(hw, IGB_TDT(reg)), igb_rd32(hw, IGB_TXDCTL(reg)),
	       (unsigned long long)oldest->time_stamp, (unsigned long long)now);
	pr_err("igb:   CTRL %08x STATUS %08x TCTL %08x TDBAL %08x TDLEN %u\n",
	       igb_rd32(hw, IGB_CTRL), status, igb_rd32(hw, IGB_TCTL),
	       igb_rd32(hw, IGB_TDBAL(reg)), igb_rd32(hw, IGB_TDLEN(reg)));
	ring->stats.tx_hang++;

	/* Stop the queue's DMA before its buffers go back to the allocator. */
	igb_disable_tx_ring(adapter, ring);
	igb_clean_tx_ring(ring);
	igb_configure_tx_ring(adapter, ring);
	if (netif_tx_queue_stopped(igb_txq(ring))) {
		netif_tx_wake_queue(igb_txq(ring));
		ring->stats.restart_queue++;
	}
}
