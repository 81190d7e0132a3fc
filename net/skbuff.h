/* Socket buffers: one packet's metadata plus a pointer into a data buffer.
 *
 *   head              data              tail = data + len        end
 *    |<-- headroom -->|<----- len ------>|<----- tailroom ------>|
 *
 * The skb struct comes from its own cache; the data buffer from a buffer pool
 * (RX buffers straight from the NIC ring, so receive needs no copy). Headers are
 * pushed into the headroom on the way down, pulled off on the way up. Clones
 * share the data buffer and count it in `dataref` (TCP keeps the original on its
 * retransmit queue while a clone travels down the stack). */
#ifndef RINGOS_SKBUFF_H
#define RINGOS_SKBUFF_H

#include "kernel/compiler.h"
#include "kernel/dma.h"

struct net_device;
struct sk_buff;
struct sock;
struct rtable;

/* Where a data buffer goes back to when its last user lets go. */
struct skb_buf_pool {
	const char *name;
	void *(*alloc)(struct skb_buf_pool *pool);
	void (*free)(struct skb_buf_pool *pool, void *buf);
	uint32_t buf_size;
	void *priv;
};

/* ip_summed, as in Linux. */
enum {
	CHECKSUM_NONE,		/* RX: not verified; TX: already complete */
	CHECKSUM_UNNECESSARY,	/* RX: hardware verified L3/L4 */
	CHECKSUM_COMPLETE,
	CHECKSUM_PARTIAL,	/* TX: hardware fills the L4 sum at csum_start + csum_offset */
};

/* gso_type bits */
#define SKB_GSO_TCPV4 (1u << 0)
#define SKB_GSO_UDP   (1u << 1)

struct sk_buff {
	struct sk_buff *next, *prev;	/* queue linkage */
	struct net_device *dev;
	struct sock *sk;		/* owning socket on output, NULL otherwise */
	/* Called by the last kfree_skb of this struct, before the data is let go
	 * (socket memory accounting, zero-copy completions). */
	void (*destructor)(struct sk_buff *skb);
	/* Route on output, borrowed: valid only down to dev_queue_xmit or the
	 * neighbour queue (its owner, a socket or a stack frame, outlives that). */
	const struct rtable *rt;
	uint32_t truesize;		/* memory charged for this skb: struct + buffer */
	/* Per-layer scratch (IP options and fragment state, TCP sequence numbers):
	 * the layer holding the skb owns it. */
	uint8_t cb[48] __aligned(8);

	uint8_t *head;			/* start of the data buffer */
	uint8_t *data;
	uint32_t len;			/* bytes from data */
	uint32_t end;			/* buffer size: head + end is one past the last byte */
	struct skb_buf_pool *pool;	/* owner of head; NULL: head came from kmalloc */
	uint32_t *dataref;		/* shared-buffer count once cloned, else NULL */

	uint16_t protocol;		/* ethertype, network order */
	uint16_t queue_mapping;		/* TX queue; on RX the queue it arrived on */
	uint32_t hash;			/* flow hash (RSS on RX) */
	uint16_t mac_header, network_header, transport_header;	/* offsets from head */
	uint8_t ip_summed;
	uint8_t csum_level;
	uint16_t csum_start;		/* offset from head */
	uint16_t csum_offset;		/* from csum_start */
	uint16_t gso_size;		/* MSS for TSO, 0 if none */
	uint16_t gso_segs;
	uint16_t gso_type;
	uint16_t vlan_tci;
	bool xmit_more;			/* more packets follow at once: the driver may defer the tail write */
	uint8_t pkt_type;
	uint16_t users;			/* references to this skb struct */
	uint64_t tstamp;		/* ns, when timestamps are asked for */
};

/* Bytes reserved in front of received and allocated data, for headers pushed later. */
#define NET_SKB_PAD 64

void skb_init(void);
/* A new skb with a kmalloc'd buffer of at least size bytes; NULL (counted) on failure. */
struct sk_buff *alloc_skb(uint32_t size);
/* Wraps an existing buffer of pool; no copy. */
struct sk_buff *build_skb(void *buf, struct skb_buf_pool *pool);
/* Drops one reference; frees the struct and (if last) the buffer. NULL is fine. */
void kfree_skb(struct sk_buff *skb);
/* A new struct pointing at the same data. */
struct sk_buff *skb_clone(struct sk_buff *skb);
/* One more reference to the same struct (users); each needs its own kfree_skb. */
struct sk_buff *skb_get(struct sk_buff *skb);

static inline uint8_t *skb_tail_pointer(const struct sk_buff *skb) { return skb->data + skb->len; }
static inline uint32_t skb_headroom(const struct sk_buff *skb) { return (uint32_t)(skb->data - skb->head); }
static inline uint32_t skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - skb_headroom(skb) - skb->len;
}
static inline void skb_reserve(struct sk_buff *skb, uint32_t n) { skb->data += n; }

/* Each returns NULL (and changes nothing) when the room is not there. */
uint8_t *skb_put(struct sk_buff *skb, uint32_t n);
uint8_t *skb_push(struct sk_buff *skb, uint32_t n);
uint8_t *skb_pull(struct sk_buff *skb, uint32_t n);
void skb_trim(struct sk_buff *skb, uint32_t len);
/* Pads with zeroes to at least len bytes (short Ethernet frames); false if no room. */
bool skb_pad_to(struct sk_buff *skb, uint32_t len);

static inline dma_addr_t skb_dma(const struct sk_buff *skb)
{
	/* RAM is identity-mapped: a pointer is its bus address. */
	return (dma_addr_t)(uintptr_t)skb->data;
}

static inline void skb_reset_mac_header(struct sk_buff *skb) { skb->mac_header = (uint16_t)(skb->data - skb->head); }
static inline void skb_reset_network_header(struct sk_buff *skb) { skb->network_header = (uint16_t)(skb->data - skb->head); }
static inline void skb_reset_transport_header(struct sk_buff *skb) { skb->transport_header = (uint16_t)(skb->data - skb->head); }
static inline uint8_t *skb_mac_header(const struct sk_buff *skb) { return skb->head + skb->mac_header; }
static inline uint8_t *skb_network_header(const struct sk_buff *skb) { return skb->head + skb->network_header; }
static inline uint8_t *skb_transport_header(const struct sk_buff *skb) { return skb->head + skb->transport_header; }

/* A FIFO of skbs (qdiscs, socket queues, driver backlogs). */
struct sk_buff_head {
	struct sk_buff *next, *prev;
	uint32_t qlen;
};

void skb_queue_head_init(struct sk_buff_head *q);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
void skb_queue_purge(struct sk_buff_head *q);

struct skb_stats {
	uint64_t allocated, freed, alloc_failures, clones;
};
void skb_get_stats(struct skb_stats *st);

#endif
