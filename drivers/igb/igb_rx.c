/* igb receive: ring setup, buffer refill, and igb_clean_rx_irq, the RX half of
 * igb_poll.
 *
 * Buffers: 2 KiB, 2 KiB-aligned objects of one slab cache per adapter, wrapped
 * in adapter->rx_pool. The device writes a frame at the start of its buffer
 * (build_skb puts skb->data there), the skb takes the buffer over without a
 * copy, and kfree_skb hands it back to the cache through the pool.
 *
 * Ring ownership (see struct igb_ring): the device owns the posted slots
 * [next_to_clean, next_to_use) and RDT = next_to_use, so at most count - 1 are
 * ever posted and RDH == RDT only means "no buffers". Slots outside that range
 * belong to software. A slot keeps its buffer (rx_buffer_info[i].buf) until a
 * delivered frame takes it; refill re-posts a slot's own buffer when it still
 * has one (the frame there was dropped) and allocates only for empty slots.
 *
 * How many are posted: rx_fill, IGB_RX_FILL_START at every open, and the
 * whole ring (count - 1) from the first poll that finds the ring deep
 * (igb_rx_check_depth). A full ring is where QEMU drops: with several queues
 * it keeps taking frames from the backend while any ring has a free
 * descriptor, and a frame RSS steers to a full ring is dropped (ICR.RXO,
 * counted as rx_overruns in igb_irq.c, and nowhere else); with one queue it
 * stops reading the tap instead. Idle queues keep the small fill, so memory
 * at boot stays what rings of IGB_RX_FILL_START cost. */
#include "drivers/igb/igb.h"
#include "kernel/dma.h"
#include "kernel/printk.h"
#include "kernel/slab.h"

#define IGB_ETH_FCS_LEN 4
#define IGB_RCTL_DTYP_MASK  (3u << 10)
#define IGB_RCTL_MO_MASK    (3u << IGB_RCTL_MO_SHIFT)
#define IGB_RCTL_BSIZE_MASK (3u << 16)
#define IGB_RCTL_BSEX       (1u << 25)
/* Longest frame we accept: untagged MTU frame plus one VLAN tag (no LPE). */
#define IGB_RX_MAX_FRAME (ETH_FRAME_LEN + VLAN_HLEN)

/* Without LPE the device drops longer frames, so every accepted frame fits a
 * single 2 KiB buffer; a frame over several descriptors is an anomaly. */
_Static_assert(IGB_RX_MAX_FRAME + IGB_ETH_FCS_LEN <= IGB_RX_BUFSZ, "RX buffer too small");
_Static_assert(IGB_RX_BUFSZ % 1024 == 0, "SRRCTL.BSIZEPKT counts 1 KiB units");

static inline uint16_t igb_rx_next(const struct igb_ring *ring, uint16_t i)
{
	return (uint16_t)(i + 1 == ring->count ? 0 : i + 1);
}

static void *igb_rx_buf_alloc(struct skb_buf_pool *pool)
{
	return kmem_cache_alloc(pool->priv);
}

static void igb_rx_buf_free(struct skb_buf_pool *pool, void *buf)
{
	kmem_cache_free(pool->priv, buf);
}

static int igb_rx_pool_init(struct skb_buf_pool *pool)
{
	/* Aligned to their size, a buffer never crosses a 4 KiB page, and the
	 * low bits of the address the device gets stay clear. */
	struct kmem_cache *cache = kmem_cache_create("igb_rx_2k", IGB_RX_BUFSZ, IGB_RX_BUFSZ);

	if (!cache)
		return -1;
	pool->name = "igb_rx_2k";
	pool->alloc = igb_rx_buf_alloc;
	pool->free = igb_rx_buf_free;
	pool->buf_size = IGB_RX_BUFSZ;
	pool->priv = cache;
	return 0;
}

int igb_setup_rx_resources(struct igb_adapter *adapter, struct igb_ring *ring)
{
	if (!adapter->rx_pool.priv && igb_rx_pool_init(&adapter->rx_pool)) {
		pr_err("igb: cannot create the RX buffer cache\n");
		return -1;
	}
	if (igb_ring_alloc(ring, IGB_DEFAULT_RXD, sizeof(struct igb_rx_buffer), "rx"))
		return -1;
	ring->rx_discarding = false;
	return 0;
}

void igb_configure_rx_ring(struct igb_adapter *adapter, struct igb_ring *ring)
{
	const struct igb_hw *hw = &adapter->hw;
	uint8_t reg = ring->reg_idx;
	uint32_t wthresh = adapter->irq_mode == IGB_IRQ_MSIX ? 1 : 4;
	uint32_t srrctl = (IGB_RX_BUFSZ / 1024) << IGB_SRRCTL_BSIZEPKT_SHIFT |
			  IGB_SRRCTL_DESCTYPE_ADV_ONEBUF;

	/* Base, length and head may only change while the queue is off. */
	igb_wr32(hw, IGB_RXDCTL(reg), 0);
	igb_wait_reg(hw, IGB_RXDCTL(reg), "RXDCTL", IGB_XDCTL_ENABLE, 0, 10000);

	igb_wr32(hw, IGB_RDBAL(reg), (uint32_t)ring->dma);
	igb_wr32(hw, IGB_RDBAH(reg), (uint32_t)(ring->dma >> 32));
	igb_wr32(hw, IGB_RDLEN(reg), ring->size);
	/* One full queue must not hold back the others (silicon; QEMU ignores it). */
	if (adapter->num_queues > 1)
		srrctl |= IGB_SRRCTL_DROP_EN;
	igb_wr32(hw, IGB_SRRCTL(reg), srrctl);
	igb_wr32(hw, IGB_RDH(reg), 0);
	igb_wr32(hw, IGB_RDT(reg), 0);
	ring->tail = hw->hw_addr + IGB_RDT(reg);
	/* The device head restarts at 0; slots keep their buffers and are
	 * re-posted from 0 by the refill below. */
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->rx_discarding = false;
	ring->rx_fill = MIN((uint16_t)IGB_RX_FILL_START, (uint16_t)(ring->count - 1));

	igb_wr32(hw, IGB_RXDCTL(reg), 8u << IGB_XDCTL_PTHRESH_SHIFT |
		 8u << IGB_XDCTL_HTHRESH_SHIFT | wthresh << IGB_XDCTL_WTHRESH_SHIFT |
		 IGB_XDCTL_ENABLE);
	igb_wait_reg(hw, IGB_RXDCTL(reg), "RXDCTL", IGB_XDCTL_ENABLE, IGB_XDCTL_ENABLE, 10000);

	/* RDT only after ENABLE reads back: silicon ignores earlier tail writes. */
	igb_alloc_rx_buffers(ring, igb_rx_refill_count(ring));
}

void igb_configure_rx_rings(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	/* Read-modify-write: PCSD belongs to igb_setup_rss, which may run later
	 * or may already have run. */
	igb_wr32(hw, IGB_RXCSUM, igb_rd32(hw, IGB_RXCSUM) | IGB_RXCSUM_IPOFLD | IGB_RXCSUM_TUOFLD);
	/* Only consulted with LPE; set anyway so turning LPE on cannot admit
	 * frames larger than a buffer. */
	igb_wr32(hw, IGB_RLPML, IGB_RX_MAX_FRAME + IGB_ETH_FCS_LEN);

	for (unsigned int q = 0; q < adapter->num_queues; q++)
		igb_configure_rx_ring(adapter, &adapter->rx_ring[q]);
}

void igb_enable_rx(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;
	uint32_t rctl;

	/* No LPE: the device drops frames over 1518 bytes (1522 tagged), so no
	 * frame ever needs a second buffer. DTYP stays 0 (QEMU insists), MO 0,
	 * legacy BSIZE unused since SRRCTL sets the size. UPE/MPE/VFE are left
	 * to whoever owns the filters. */
	rctl = igb_rd32(hw, IGB_RCTL);
	rctl &= ~(IGB_RCTL_LPE | IGB_RCTL_SBP | IGB_RCTL_DTYP_MASK | IGB_RCTL_MO_MASK |
		  IGB_RCTL_LBM_MAC | IGB_RCTL_BSIZE_MASK | IGB_RCTL_BSEX);
	rctl |= IGB_RCTL_EN | IGB_RCTL_BAM | IGB_RCTL_SECRC;
	igb_wr32(hw, IGB_RCTL, rctl);
}

void igb_configure_rx(struct igb_adapter *adapter)
{
	igb_configure_rx_rings(adapter);
	igb_enable_rx(adapter);
}

void igb_disable_rx(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	/* The receiver first, so no queue gets a frame while the next is
	 * being turned off. */
	igb_wr32(hw, IGB_RCTL, igb_rd32(hw, IGB_RCTL) & ~IGB_RCTL_EN);
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		uint8_t reg = adapter->rx_ring[q].reg_idx;

		igb_wr32(hw, IGB_RXDCTL(reg), igb_rd32(hw, IGB_RXDCTL(reg)) & ~IGB_XDCTL_ENABLE);
		igb_wait_reg(hw, IGB_RXDCTL(reg), "RXDCTL", IGB_XDCTL_ENABLE, 0, 10000);
	}
	igb_flush(hw);
}

void igb_clean_rx_ring(struct igb_ring *ring)
{
	struct skb_buf_pool *pool = &netdev_to_adapter(ring->netdev)->rx_pool;
	uint16_t i = ring->next_to_clean;

	if (!ring->rx_buffer_info)
		return;
	/* Frames the device wrote that no poll will see now. Bounded:
	 * next_to_use is reached within count steps. */
	for (uint16_t n = 0; n < ring->count && i != ring->next_to_use; n++) {
		const volatile union igb_adv_rx_desc *vdesc = IGB_RX_DESC(ring, i);
		uint32_t staterr = vdesc->wb.status_error;

		if ((staterr & (IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP)) ==
		    (IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP))
			ring->stats.rx_dropped++;
		i = igb_rx_next(ring, i);
	}
	/* Every slot, posted or not: a slot outside the posted range keeps the
	 * buffer of a frame that was dropped. */
	for (uint16_t k = 0; k < ring->count; k++) {
		struct igb_rx_buffer *bi = &ring->rx_buffer_info[k];

		if (bi->buf)
			pool->free(pool, bi->buf);
		*bi = (struct igb_rx_buffer){ 0 };
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->rx_discarding = false;
}

void igb_alloc_rx_buffers(struct igb_ring *ring, uint16_t count)
{
	struct skb_buf_pool *pool = &netdev_to_adapter(ring->netdev)->rx_pool;
	uint16_t i = ring->next_to_use;
	uint16_t unannounced = 0;

	/* Bounded by count, which callers take from igb_rx_refill_count (at
	 * most igb_desc_unused). */
	for (uint16_t n = 0; n < count; n++) {
		struct igb_rx_buffer *bi = &ring->rx_buffer_info[i];
		union igb_adv_rx_desc *desc = IGB_RX_DESC(ring, i);

		if (!bi->buf) {
			bi->buf = pool->alloc(pool);
			if (!bi->buf) {
				/* Retried on the next refill; the ring keeps what it has. */
				ring->stats.alloc_failed++;
				break;
			}
			bi->dma = (dma_addr_t)(uintptr_t)bi->buf;
		}
		/* Both quadwords: hdr_addr = 0 also wipes the DD bit and length the
		 * last write-back left here. */
		desc->read.pkt_addr = bi->dma;
		desc->read.hdr_addr = 0;
		i = igb_rx_next(ring, i);
		/* Hand buffers over in batches so a long refill feeds the device
		 * early without one RDT write per buffer. */
		if (++unannounced == IGB_RX_BUFFER_WRITE) {
			ring->next_to_use = i;
			wmb();
			writel(i, ring->tail);
			unannounced = 0;
		}
	}
	if (unannounced) {
		ring->next_to_use = i;
		wmb();
		writel(i, ring->tail);
	}
}

/* RSS type 0 means the device did not hash this frame. */
static void igb_rx_hash(const struct igb_ring *ring, const union igb_adv_rx_desc *desc,
			struct sk_buff *skb)
{
	if ((ring->netdev->features & NETIF_F_RXHASH) &&
	    (desc->wb.pkt_info & IGB_RXD_RSSTYPE_MASK))
		skb->hash = desc->wb.rss_or_csum;
}

/* CHECKSUM_UNNECESSARY tells the stack L3 and L4 are both verified, so it
 * needs both the IPv4 header sum and the TCP/UDP sum checked (ICMP, fragments
 * and non-IPv4 frames stay with the stack). A flagged error leaves
 * CHECKSUM_NONE: the stack re-verifies and drops. */
static void igb_rx_checksum(struct igb_ring *ring, uint32_t staterr, struct sk_buff *skb)
{
	bool l4_ok = staterr & (IGB_RXD_STAT_L4CS | IGB_RXD_STAT_UDPCS);
	bool l3_ok = staterr & IGB_RXD_STAT_IPCS;

	skb->ip_summed = CHECKSUM_NONE;
	if (!(ring->netdev->features & NETIF_F_RXCSUM))
		return;
	if (staterr & (IGB_RXD_ERR_IPE | IGB_RXD_ERR_L4E)) {
		ring->stats.csum_err++;
		return;
	}
	if (l4_ok && l3_ok) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		ring->stats.csum_good++;
	}
}

/* Judges one completed descriptor and hands a good frame up the stack. A
 * frame that is dropped leaves its buffer in the slot for re-posting. */
static void igb_rx_frame(struct igb_ring *ring, struct igb_rx_buffer *bi,
			 const union igb_adv_rx_desc *desc, uint32_t staterr)
{
	struct igb_adapter *adapter = netdev_to_adapter(ring->netdev);
	uint16_t len = desc->wb.length;
	struct sk_buff *skb;

	/* Frames never need two buffers here (no LPE), so a descriptor without
	 * EOP starts an anomaly: drop every piece up to and including the EOP
	 * one, counted once, rather than risk assembling pieces of two frames. */
	if (!(staterr & IGB_RXD_STAT_EOP)) {
		if (!ring->rx_discarding)
			ring->stats.non_eop_descs++;
		ring->rx_discarding = true;
		return;
	}
	if (ring->rx_discarding) {
		ring->rx_discarding = false;
		return;
	}
	if (staterr & IGB_RXD_ERR_RXE) {
		ring->stats.rx_errors++;
		return;
	}
	if (len < ETH_HLEN) {
		ring->stats.runt++;
		return;
	}
	if (len > IGB_RX_MAX_FRAME) {
		ring->stats.oversize++;
		return;
	}

	skb = build_skb(bi->buf, &adapter->rx_pool);
	if (!skb) {
		ring->stats.rx_dropped++;
		return;
	}
	bi->buf = NULL;
	skb_put(skb, len);
	skb->dev = ring->netdev;
	skb->queue_mapping = ring->queue_index;
	igb_rx_hash(ring, desc, skb);
	igb_rx_checksum(ring, staterr, skb);
	ring->stats.packets++;
	ring->stats.bytes += len;
	netif_receive_skb(skb);
}

/* How far the device got since the last poll, from two descriptor reads and
 * no register (slots are written in order, and refill wiped every posted
 * one):
 *  - the last posted slot has DD: the device had no buffer left (rx_dry);
 *  - the slot a quarter into the posted range has DD: more than one poll's
 *    budget waits.
 * Either way the ring keeps every descriptor posted from now on. A quarter,
 * not later: between two polls the device takes as many frames as the
 * threads in between (and, under QEMU, the host's scheduler) leave it time
 * for, and a ring that runs full is where frames are lost. */
static void igb_rx_check_depth(struct igb_ring *ring)
{
	uint16_t posted = igb_rx_posted(ring);
	uint16_t last = (uint16_t)((ring->next_to_use + ring->count - 1u) % ring->count);
	uint16_t quarter = (uint16_t)((ring->next_to_clean + posted / 4u) % ring->count);
	const volatile union igb_adv_rx_desc *vdesc;

	if (!posted)
		return;
	vdesc = IGB_RX_DESC(ring, last);
	if (vdesc->wb.status_error & IGB_RXD_STAT_DD) {
		ring->stats.rx_dry++;
		ring->rx_fill = (uint16_t)(ring->count - 1);
		return;
	}
	/* Below 4 posted the quarter slot is the first one: any waiting frame. */
	vdesc = IGB_RX_DESC(ring, quarter);
	if (posted >= 4 && (vdesc->wb.status_error & IGB_RXD_STAT_DD))
		ring->rx_fill = (uint16_t)(ring->count - 1);
}

int igb_clean_rx_irq(struct igb_q_vector *q_vector, int budget)
{
	struct igb_ring *ring = q_vector->rx_ring;
	uint16_t freed = 0;
	int work = 0;

	igb_rx_check_depth(ring);
	/* Every descriptor consumed is one unit of work: frames here are one
	 * descriptor each, and a dropped multi-descriptor chain cannot keep the
	 * poll going past its budget. Only posted slots are examined: one
	 * outside [next_to_clean, next_to_use) may hold a stale DD. */
	while (work < budget && ring->next_to_clean != ring->next_to_use) {
		uint16_t i = ring->next_to_clean;
		const volatile union igb_adv_rx_desc *vdesc = IGB_RX_DESC(ring, i);
		/* Volatile: the device writes it behind the compiler's back. */
		uint32_t staterr = vdesc->wb.status_error;

		if (!(staterr & IGB_RXD_STAT_DD))
			break;
		/* The rest of the write-back only after DD was seen. */
		rmb();
		igb_rx_frame(ring, &ring->rx_buffer_info[i], IGB_RX_DESC(ring, i), staterr);
		ring->next_to_clean = igb_rx_next(ring, i);
		work++;
		if (++freed >= IGB_RX_BUFFER_WRITE) {
			igb_alloc_rx_buffers(ring, igb_rx_refill_count(ring));
			freed = 0;
		}
	}
	/* The end of a poll refills only a whole batch too, never one buffer per
	 * frame: the tail write is the dearest step of a one-frame poll under
	 * QEMU (its RDT handler flushes the backend's queue and wakes the I/O
	 * thread: 5-9 us measured, the rest of the poll about 1 us), and on
	 * silicon a posted write per frame for nothing. The ring keeps at least
	 * rx_fill - IGB_RX_BUFFER_WRITE buffers posted (rx_fill >= 63). This
	 * also retries a refill that failed earlier, even if nothing arrived,
	 * and posts what a fill just raised asks for; a ring left short is what
	 * the watchdog kicks (igb_rx_starved). */
	if (igb_rx_refill_count(ring) >= IGB_RX_BUFFER_WRITE)
		igb_alloc_rx_buffers(ring, igb_rx_refill_count(ring));
	return work;
}
