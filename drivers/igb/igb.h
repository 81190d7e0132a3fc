/* igb: driver for the Intel 82576 family (QEMU's -device igb), I350, I210/I211.
 * Shaped like Linux's igb so the article's send path maps onto it:
 *   igb_xmit_frame -> igb_xmit_frame_ring -> igb_tx_map      (igb_tx.c)
 *   igb_msix_ring -> napi_schedule                            (igb_irq.c)
 *   igb_poll -> igb_clean_tx_irq + igb_clean_rx_irq           (igb_irq.c, igb_tx.c, igb_rx.c)
 * Bring-up and link: igb_hw.c. Probe, open, watchdog, options: igb_main.c.
 * Counters and shell commands: igb_ethtool.c. Registers: igb_regs.h. */
#ifndef RINGOS_IGB_H
#define RINGOS_IGB_H

#include "kernel/compiler.h"
#include "kernel/io.h"
#include "kernel/timer.h"
#include "net/netdevice.h"
#include "drivers/igb/igb_regs.h"

#define IGB_MAX_QUEUES      4	/* queue pairs we use (82576 has 16, I210 4, I211 2) */
#define IGB_MAX_MSIX        (IGB_MAX_QUEUES + 1)	/* one per pair + "other" */
#define IGB_DEFAULT_TXD     256
/* RX descriptors are cheap (16 B each); the 2 KiB buffers behind them are
 * not. A ring starts with IGB_RX_FILL_START buffers posted and fills all of
 * its descriptors once a poll finds a quarter of them used (igb_rx.c): under
 * QEMU a frame RSS steers to a ring with no free descriptor is dropped
 * silently while any other ring has one, and one TCP flow's window (up to
 * 1 MiB, about 720 frames) must fit its ring to never meet that. */
#define IGB_DEFAULT_RXD     1024
#define IGB_RX_FILL_START   256
#define IGB_RX_BUFSZ        2048
#define IGB_RX_BUFFER_WRITE 16	/* refill in batches: one RDT write per 16 buffers */
#define IGB_TX_QUEUE_WAKE   32	/* free descriptors needed before a stopped queue wakes */
#define IGB_TSO_MAX         65536
/* Worst case per packet: one context descriptor, the data descriptors (the
 * linear part and each frag cut at 32 KiB: at most one more than the bytes
 * need, per buffer) and a gap so next_to_use never meets next_to_clean.
 * Stop the queue below this many free descriptors. */
#define IGB_DESC_NEEDED     (1 + IGB_TSO_MAX / (1u << 15) + 1 + MAX_SKB_FRAGS + 1)
#define IGB_TX_HANG_MS      2000

enum igb_mac_type {
	igb_82576,
	igb_i350,
	igb_i210,
	igb_i211,
};

enum igb_irq_mode {
	IGB_IRQ_MSIX,
	IGB_IRQ_MSI,
	IGB_IRQ_INTX,
};

struct igb_hw {
	volatile uint8_t *hw_addr;	/* BAR0, mapped uncached */
	enum igb_mac_type mac_type;
	uint16_t device_id;
	uint8_t perm_addr[ETH_ALEN];
	unsigned int max_queues;	/* what this part has */
};

/* One slot of the TX ring as software sees it. For a packet, the slot of its
 * first descriptor holds the skb and next_to_watch = its last (EOP)
 * descriptor, whose DD bit says the whole packet is done. */
struct igb_tx_buffer {
	union igb_adv_tx_desc *next_to_watch;
	struct sk_buff *skb;
	uint64_t time_stamp;		/* jiffies when queued: hang detection */
	uint32_t bytecount;
	uint16_t gso_segs;
	dma_addr_t dma;
	uint32_t len;
};

struct igb_rx_buffer {
	void *buf;			/* IGB_RX_BUFSZ bytes, 2 KiB aligned */
	dma_addr_t dma;
};

struct igb_ring_stats {
	uint64_t packets, bytes;
	/* TX */
	uint64_t restart_queue;		/* wakes after a stop */
	uint64_t tx_busy;		/* frames refused: ring full */
	uint64_t tx_dropped;		/* frames dropped: bad or unsendable */
	uint64_t tx_hang;		/* hangs detected and the queue reset */
	uint64_t tso, csum_offload;
	/* RX */
	uint64_t alloc_failed;		/* buffer refill failures */
	uint64_t rx_dropped;		/* no skb / no buffer: frame dropped */
	uint64_t non_eop_descs;		/* frames spread over >1 descriptor (dropped) */
	uint64_t rx_errors;		/* RXE: CRC, symbol, ... */
	uint64_t csum_err;		/* L3/L4 checksum errors flagged by hardware */
	uint64_t csum_good;
	uint64_t runt, oversize;
	uint64_t rx_dry;		/* polls that found every posted buffer used */
};

/* A descriptor ring and its software mirror.
 *
 * Invariants (both directions):
 *  - next_to_use: the next slot software fills (TX: a new packet; RX: a new buffer).
 *  - next_to_clean: the oldest slot software has not yet reclaimed.
 *  - The ring is empty when next_to_use == next_to_clean; one slot always stays
 *    unused, so "full" is next_to_use + 1 == next_to_clean (mod count) and the
 *    two never meet from the other side.
 *  - TX: the device owns [next_to_clean, next_to_use); tail (TDT) = next_to_use.
 *  - RX: the device owns the buffers in [next_to_clean, next_to_use); tail
 *    (RDT) = next_to_use, so at most count - 1 buffers are ever posted. */
struct igb_ring {
	struct igb_q_vector *q_vector;
	struct net_device *netdev;
	void *desc;			/* descriptor array, DMA coherent */
	dma_addr_t dma;
	uint32_t size;			/* bytes */
	uint16_t count;			/* descriptors, a multiple of 8 */
	uint8_t queue_index;
	uint8_t reg_idx;
	volatile uint8_t *tail;		/* TDT or RDT of this queue */
	uint16_t next_to_use;
	uint16_t next_to_clean;
	union {
		struct igb_tx_buffer *tx_buffer_info;
		struct igb_rx_buffer *rx_buffer_info;
	};
	struct igb_ring_stats stats;
	uint64_t last_progress;		/* jiffies of the last cleaned descriptor (TX) */
	bool rx_discarding;		/* inside a multi-descriptor frame being dropped */
	uint16_t rx_fill;		/* RX: buffers kept posted, at most count - 1 */
};

static inline uint16_t igb_desc_unused(const struct igb_ring *r)
{
	return (uint16_t)((r->next_to_clean > r->next_to_use ? 0 : r->count) +
			  r->next_to_clean - r->next_to_use - 1);
}

/* RX: buffers the device holds now, and how many to post to reach rx_fill. */
static inline uint16_t igb_rx_posted(const struct igb_ring *r)
{
	return (uint16_t)(r->count - 1 - igb_desc_unused(r));
}

static inline uint16_t igb_rx_refill_count(const struct igb_ring *r)
{
	uint16_t posted = igb_rx_posted(r);

	return r->rx_fill > posted ? (uint16_t)(r->rx_fill - posted) : 0;
}

#define IGB_TX_DESC(R, i) (&((union igb_adv_tx_desc *)((R)->desc))[i])
#define IGB_RX_DESC(R, i) (&((union igb_adv_rx_desc *)((R)->desc))[i])
#define IGB_TX_CTXTDESC(R, i) (&((struct igb_adv_tx_context_desc *)((R)->desc))[i])

/* An interrupt vector's worth of work: one TX/RX queue pair and its NAPI. */
struct igb_q_vector {
	struct igb_adapter *adapter;
	struct napi_struct napi;
	unsigned int v_idx;		/* MSI-X table entry (0 is "other" in MSI-X mode) */
	int irq_vector;			/* IDT vector */
	uint32_t eims_value;		/* this vector's EIMS/EICR bit */
	struct igb_ring *tx_ring;
	struct igb_ring *rx_ring;
	uint32_t itr_val;		/* EITR value */
	uint64_t irqs;
	char name[16];
};

/* Hardware counters folded into 64-bit totals (the registers clear on read). */
struct igb_hw_stats {
	uint64_t crcerrs, algnerrc, rxerrc, mpc, ruc, rfc, roc, rjc, rnbc;
	uint64_t gprc, bprc, mprc, gptc, gorc, gotc, tor, tot, tpr, tpt;
	uint64_t mptc, bptc, tsctc;
	uint64_t rqdpc[IGB_MAX_QUEUES];
};

struct igb_adapter {
	struct net_device netdev;
	struct igb_hw hw;
	struct pci_dev *pdev;
	enum igb_irq_mode irq_mode;
	unsigned int num_queues;	/* TX = RX = queue pairs */
	unsigned int num_q_vectors;
	struct igb_ring tx_ring[IGB_MAX_QUEUES];
	struct igb_ring rx_ring[IGB_MAX_QUEUES];
	struct igb_q_vector q_vector[IGB_MAX_QUEUES];
	int other_vector;		/* IDT vector for link and other causes (MSI-X) */
	uint32_t eims_enable_mask;	/* every queue vector's EIMS bit */
	uint32_t eims_other;		/* the "other" vector's EIMS bit */
	uint32_t itr_us;		/* interrupt moderation, microseconds; 0 off */
	struct timer_list watchdog_timer;
	bool link_up;
	uint16_t link_speed;
	bool full_duplex;
	uint64_t link_changes;
	uint64_t tx_timeout_count;
	uint64_t other_irqs, intx_irqs, spurious_irqs;
	uint64_t rx_refill_kicks;	/* watchdog-raised polls for starved RX rings */
	uint64_t tx_clean_kicks;	/* watchdog-raised polls for unreclaimed TX rings */
	/* ICR.RXO reports: the device dropped frames for want of a free
	 * descriptor on their queue (QEMU counts them nowhere else); the drops
	 * between two reports count once. */
	uint64_t rx_overruns;
	struct igb_hw_stats stats;
	struct skb_buf_pool rx_pool;	/* 2 KiB RX buffers */
};

static inline struct igb_adapter *netdev_to_adapter(struct net_device *dev)
{
	return container_of(dev, struct igb_adapter, netdev);
}

/* MMIO: every access 32 bits; a STATUS read flushes posted writes. */
static inline uint32_t igb_rd32(const struct igb_hw *hw, uint32_t reg)
{
	return readl(hw->hw_addr + reg);
}

static inline void igb_wr32(const struct igb_hw *hw, uint32_t reg, uint32_t v)
{
	writel(v, hw->hw_addr + reg);
}

static inline void igb_flush(const struct igb_hw *hw)
{
	(void)igb_rd32(hw, IGB_STATUS);
}

/* igb_hw.c: bring-up in the datasheet's order, PHY, link, filters, RSS. */
/* Polls reg until (value & mask) == want, for at most timeout_us; on timeout it
 * prints which register and bits never got there and returns -1. */
int igb_wait_reg(const struct igb_hw *hw, uint32_t reg, const char *reg_name,
		 uint32_t mask, uint32_t want, uint32_t timeout_us);
/* Also restarts autonegotiation (igb_start_link): every reset drops the link. */
int igb_reset_hw(struct igb_adapter *adapter);
void igb_read_mac_addr(struct igb_adapter *adapter);
void igb_init_filters(struct igb_adapter *adapter);
int igb_phy_read(struct igb_hw *hw, uint32_t reg, uint16_t *val);
int igb_phy_write(struct igb_hw *hw, uint32_t reg, uint16_t val);
/* Starts autonegotiation and returns at once: the link comes up later (LSC). */
int igb_start_link(struct igb_adapter *adapter);
/* Reads STATUS; on a change prints the link line and sets carrier. */
void igb_check_link(struct igb_adapter *adapter);
void igb_setup_rss(struct igb_adapter *adapter);
void igb_update_stats(struct igb_adapter *adapter);
/* Failed hardware handshakes, all igb ports together (ethtool -S). */
struct igb_hw_errors {
	uint64_t reg_timeouts;		/* igb_wait_reg gave up */
	uint64_t phy_errors;		/* MDIC timeout or ERROR */
	uint64_t nvm_errors;		/* EERD never completed */
};
extern struct igb_hw_errors igb_hw_errors;

/* igb_ring.c: descriptor array (count rounded to a multiple of 8 within
 * 64..4096; 0 means default_count) and the zeroed buffer-info mirror. */
int igb_ring_alloc(struct igb_ring *ring, uint32_t default_count, size_t info_size,
		   const char *dir);
/* Gives back a cleaned ring's memory (count kept); a ring without any is fine. */
void igb_ring_free(struct igb_ring *ring);

/* igb_tx.c */
int igb_setup_tx_resources(struct igb_ring *ring);
void igb_configure_tx_ring(struct igb_adapter *adapter, struct igb_ring *ring);
void igb_configure_tx(struct igb_adapter *adapter);
netdev_tx_t igb_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
netdev_tx_t igb_xmit_frame_ring(struct sk_buff *skb, struct igb_ring *tx_ring);
/* Reclaims completed descriptors; true when all work fit in the budget. */
bool igb_clean_tx_irq(struct igb_q_vector *q_vector, int budget);
/* Called by the watchdog: detects a stuck queue, dumps it, resets it. */
void igb_check_tx_hang(struct igb_adapter *adapter, struct igb_ring *ring);
/* Frees every skb still on the ring (counted sent if done, else dropped)
 * and empties it; the queue must be disabled. */
void igb_clean_tx_ring(struct igb_ring *ring);
/* TXDCTL.ENABLE off, waiting (bounded) until the queue reports stopped. */
void igb_disable_tx_ring(struct igb_adapter *adapter, struct igb_ring *ring);
/* Every queue in use, then the transmitter (TCTL.EN). */
void igb_disable_tx(struct igb_adapter *adapter);

/* igb_rx.c */
int igb_setup_rx_resources(struct igb_adapter *adapter, struct igb_ring *ring);
void igb_configure_rx_ring(struct igb_adapter *adapter, struct igb_ring *ring);
/* Every queue in use configured and its buffers posted (RDT written); the
 * receiver itself (RCTL.EN) is left as it is. A poll may run on the rings
 * from then on: igb_open calls this before it enables NAPI and interrupts. */
void igb_configure_rx_rings(struct igb_adapter *adapter);
/* The receiver on (RCTL.EN): frames start landing in the rings. */
void igb_enable_rx(struct igb_adapter *adapter);
/* Both at once, for a port brought up in one step (the unit tests and the
 * fuzz harness play the device that way). */
void igb_configure_rx(struct igb_adapter *adapter);
void igb_alloc_rx_buffers(struct igb_ring *ring, uint16_t count);
/* Receives up to budget frames; returns how many. */
int igb_clean_rx_irq(struct igb_q_vector *q_vector, int budget);
/* The receiver (RCTL.EN), then every queue in use, waiting (bounded) for each. */
void igb_disable_rx(struct igb_adapter *adapter);
/* Frees every buffer of a disabled queue; frames received but never polled
 * count as dropped. igb_configure_rx_ring posts new ones. */
void igb_clean_rx_ring(struct igb_ring *ring);

/* igb_irq.c: MSI-X, then MSI, then INTx; NAPI poll. */
int igb_request_irq(struct igb_adapter *adapter);
void igb_configure_irq(struct igb_adapter *adapter);
void igb_irq_enable(struct igb_adapter *adapter);
void igb_irq_disable(struct igb_adapter *adapter);
void igb_irq_kick(struct igb_q_vector *q);
/* The watchdog's net for lost interrupts (Linux raises EICS for its vectors
 * there too): raises, in one EICS (MSI-X) or ICS write, every vector whose
 * TX ring has descriptors not yet reclaimed or whose RX ring is short of
 * buffers. Returns how many vectors it raised. */
unsigned int igb_kick_pending(struct igb_adapter *adapter);
int igb_poll(struct napi_struct *napi, int budget);
/* IVAR placement of a queue's entry: register index and bit shift, per part. */
void igb_ivar_location(enum igb_mac_type mac, unsigned int queue, bool tx,
		       unsigned int *reg, unsigned int *shift);

/* EITR from microseconds, in silicon's units (1 us on bits 14:2). QEMU
 * counts (EITR & 0x7FFE) x 1024 ns instead (igb-notes 8), so there the same
 * value waits about 4x longer; 0 is no moderation on both. */
#define IGB_ITR_US_MAX	(IGB_EITR_INTERVAL_MASK >> IGB_EITR_INTERVAL_SHIFT)
static inline uint32_t igb_itr_to_eitr(uint32_t usecs)
{
	return MIN(usecs, (uint32_t)IGB_ITR_US_MAX) << IGB_EITR_INTERVAL_SHIFT;
}

/* igb_settings.c: ethtool -k/-K, -g/-G, -c/-C. Returns the shell status, or
 * -1 when opt is none of these. argv holds what follows the device name. */
int igb_ethtool_settings(struct igb_adapter *adapter, const char *opt, int argc, char **argv);
/* New ring sizes (already valid) for every queue; an open port is closed and
 * reopened around the change (link and PHY stay up). 0, or -1 when the new
 * rings could not be had (the old sizes are back). */
int igb_set_ringparam(struct igb_adapter *adapter, uint16_t tx, uint16_t rx);
/* Interrupt moderation for every vector, written live in MSI-X mode. */
void igb_set_itr(struct igb_adapter *adapter, uint32_t usecs);

/* igb_main.c */
void igb_init(void);
extern struct igb_adapter *igb_adapters[];
extern unsigned int igb_adapter_count;
/* Process context: idles until eth0 has link or timeout_ms pass; true on link. */
bool igb_wait_for_link(unsigned timeout_ms);
/* igb.irq= spellings, indexed by enum igb_irq_mode: "msix", "msi", "intx". */
extern const char *const igb_irq_modes[3];
/* "82576", "I350", "I210", "I211", indexed by enum igb_mac_type. */
extern const char *const igb_part_names[4];

/* igb_ethtool.c */
void igb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *st);

#endif
