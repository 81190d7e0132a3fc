/* Socket buffers: one packet's metadata plus a pointer into a data buffer.
 *
 *   head              data              tail = data + len        end
 *    |<-- headroom -->|<----- len ------>|<----- tailroom ------>|
 *
 * The skb struct comes from its own cache; the data buffer from a buffer pool
 * (RX buffers straight from the NIC ring, so receive needs no copy). Headers are
 * pushed into the headroom on the way down, pulled off on the way up. Clones
 * share the data buffer and count it in `dataref` (TCP keeps the original on its
 * retransmit queue while a clone travels down the stack).
 *
 * Scatter-gather: len counts the linear bytes (head..tail) plus data_len bytes
 * in frags[], pieces of memory the skb points at but does not own. The only
 * frags the stack makes are a MSG_ZEROCOPY sender's own buffer (RAM is
 * identity-mapped, so a user pointer is its bus address and a contiguous range
 * is one frag); their owner is the ubuf_info every struct pointing at them
 * holds a reference to, and the sender learns from its error queue when the
 * last reference went (net/core/skb_zerocopy.c). Headers always stay linear.
 * Each struct has its own frag array (a clone copies it), so trimming one
 * struct's frags never changes what another sharer sees. */
#ifndef RINGOS_SKBUFF_H
#define RINGOS_SKBUFF_H

#include "kernel/compiler.h"
#include "kernel/dma.h"

struct net_device;
struct sk_buff;
struct sock;
struct rtable;
struct ubuf_info;

/* The owner of memory frags point at (Linux's ubuf_info): counted once per
 * struct whose frags use it; the last put calls complete (from wherever that
 * skb was freed: a softirq, or process context). */
struct ubuf_info {
	void (*complete)(struct ubuf_info *u);
	uint32_t refcnt;
	/* False once any of its bytes had to be copied after all (a device
	 * without scatter-gather): the sender is told SO_EE_CODE_ZEROCOPY_COPIED. */
	bool zerocopy;
};

static inline void ubuf_get(struct ubuf_info *u)
{
	__atomic_fetch_add(&u->refcnt, 1, __ATOMIC_RELAXED);
}

static inline void ubuf_put(struct ubuf_info *u)
{
	if (__atomic_sub_fetch(&u->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		u->complete(u);
}

/* One piece of payload outside the linear buffer. */
struct skb_frag {
	uint8_t *addr;
	uint32_t len;
};
/* One frag per zero-copy send fits every skb TCP makes; the rest is room
 * for splits and tests. */
#define MAX_SKB_FRAGS 4

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
	/* Structs sharing the buffer, once cloned (else NULL: this one alone).
	 * Low 16 bits: all of them; high 16: those that promised, by
	 * skb_header_release, to use only the payload (Linux's dataref split). */
	uint32_t *dataref;

	uint16_t protocol;		/* ethertype, network order */
	uint16_t queue_mapping;		/* TX queue; on RX the queue it arrived on */
	uint32_t hash;			/* flow hash (RSS on RX) */
	uint32_t trace_id;		/* send trace (kernel/trace.h); 0: untraced */
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
	bool nohdr;			/* counted in dataref's payload-only half */
	uint16_t users;			/* references to this skb struct */
	uint64_t tstamp;		/* ns, when timestamps are asked for */
	uint32_t data_len;		/* bytes of len in frags[] */
	uint8_t nr_frags;
	/* Owner of the frags' memory (zero-copy send): one reference per
	 * struct, dropped when the struct is freed. NULL: no frags, or frags
	 * the skb may keep forever. */
	struct ubuf_info *ubuf;
	/* Last, and only frags[0..nr_frags) are meaningful: allocation clears
	 * the fields above and leaves these alone. */
	struct skb_frag frags[MAX_SKB_FRAGS];
};

/* The unit headroom grows by when an skb has to be expanded (pskb_expand_head
 * through skb_push or skb_cow_head). Locally built skbs get their headroom
 * from alloc_skb_tx (MAX_HEADER, net/ip.h); received skbs have none in front
 * of the MAC header, since the NIC writes at the buffer's start. */
#define NET_SKB_PAD 64

#define SKB_DATAREF_SHIFT 16
#define SKB_DATAREF_MASK ((1u << SKB_DATAREF_SHIFT) - 1)

void skb_init(void);
/* A new skb with a kmalloc'd buffer of at least size bytes; NULL (counted) on
 * failure. cb[] is zeroed, truesize set (struct + buffer). */
struct sk_buff *alloc_skb(uint32_t size);
/* The one allocator for packets the stack builds: MAX_HEADER of headroom
 * reserved in front of room for payload bytes, so every header down to
 * Ethernet is pushed without a copy. */
struct sk_buff *alloc_skb_tx(uint32_t payload);
/* Wraps an existing buffer of pool; no copy. */
struct sk_buff *build_skb(void *buf, struct skb_buf_pool *pool);
/* Drops one reference. The last one runs the destructor, then frees the
 * struct and (if last of its sharers) the buffer. NULL is fine. */
void kfree_skb(struct sk_buff *skb);
/* A new struct pointing at the same data (no byte copied): cb[] and the
 * offload fields copied, sk and destructor not (the original keeps the
 * socket's charge). */
struct sk_buff *skb_clone(struct sk_buff *skb);
/* One more reference to the same struct (users); each needs its own kfree_skb. */
struct sk_buff *skb_get(struct sk_buff *skb);

/* Bytes in the linear buffer (headers, and all the payload without frags). */
static inline uint32_t skb_headlen(const struct sk_buff *skb) { return skb->len - skb->data_len; }
static inline bool skb_is_nonlinear(const struct sk_buff *skb) { return skb->data_len != 0; }
static inline uint8_t *skb_tail_pointer(const struct sk_buff *skb) { return skb->data + skb_headlen(skb); }
static inline uint32_t skb_headroom(const struct sk_buff *skb) { return (uint32_t)(skb->data - skb->head); }
/* None once payload sits in frags: linear bytes go before them, never after. */
static inline uint32_t skb_tailroom(const struct sk_buff *skb)
{
	return skb->data_len ? 0 : skb->end - skb_headroom(skb) - skb->len;
}
/* Another struct shares the buffer. */
static inline bool skb_cloned(const struct sk_buff *skb)
{
	return skb->dataref && (*skb->dataref & SKB_DATAREF_MASK) != 1;
}
/* Someone besides skb may read or write the header area (headroom and
 * linear data): every sharer but those that released the header. */
static inline bool skb_header_cloned(const struct sk_buff *skb)
{
	uint32_t d;

	if (!skb->dataref)
		return false;
	d = *skb->dataref;
	return (d & SKB_DATAREF_MASK) - (d >> SKB_DATAREF_SHIFT) != 1;
}
/* skb's holder promises to touch only its payload from now on (TCP's queued
 * original), so one clone of it may push headers into the headroom without a
 * copy. Call it before cloning; done once per struct. */
void skb_header_release(struct sk_buff *skb);

/* Moves data and tail n bytes on, in an empty skb; false (counted, nothing
 * changed) if it holds data or n passes the end. */
bool skb_reserve(struct sk_buff *skb, uint32_t n);

/* skb_put, skb_pull and skb_trim are inline: each layer of every packet
 * calls them, and under TCG a call and its return cost more than the body. */

/* NULL (nothing changed) when the room is not there. */
static inline uint8_t *skb_put(struct sk_buff *skb, uint32_t n)
{
	uint8_t *tail = skb_tail_pointer(skb);

	if (n > skb_tailroom(skb))
		return NULL;
	skb->len += n;
	return tail;
}
/* Headers go in front. When the headroom is short, or the header area is
 * shared with another clone, the buffer is first made private and larger by
 * pskb_expand_head (counted); NULL only if that fails or n is absurd. */
uint8_t *skb_push(struct sk_buff *skb, uint32_t n);
/* NULL (nothing changed) when fewer than n linear bytes are there. */
static inline uint8_t *skb_pull(struct sk_buff *skb, uint32_t n)
{
	if (n > skb_headlen(skb))
		return NULL;
	skb->data += n;
	skb->len -= n;
	return skb->data;
}
void __skb_trim_frags(struct sk_buff *skb, uint32_t len);
static inline void skb_trim(struct sk_buff *skb, uint32_t len)
{
	if (len >= skb->len)
		return;
	if (unlikely(skb->data_len))
		__skb_trim_frags(skb, len);
	else
		skb->len = len;
}
/* Drops the first n bytes, linear ones first, then from the frags, without
 * copying (TCP's partly ACKed head); false (nothing changed) if fewer. */
bool pskb_pull(struct sk_buff *skb, uint32_t n);
/* Appends len bytes at addr as a frag; false (nothing changed) when the
 * frags are full. The caller sets ubuf, if the memory has an owner. */
bool skb_add_frag(struct sk_buff *skb, uint8_t *addr, uint32_t len);
/* Moves the bytes after len (len >= skb_headlen) to the empty skb buff,
 * as frags pointing at the same memory, with a reference to skb's ubuf:
 * nothing is copied. */
void skb_split_frags(struct sk_buff *skb, struct sk_buff *buff, uint32_t len);
/* Copies len bytes from offset off of the packet (linear, then frags) to
 * to; -EINVAL (nothing copied) when they are not all there. */
int skb_copy_bits(const struct sk_buff *skb, uint32_t off, void *to, uint32_t len);
/* Gathers the frags into a new linear buffer (counted as SKB_COPY_LINEARIZE;
 * a zero-copy owner learns its data was copied) and lets go of them: for a
 * device without scatter-gather, and before anything that writes past the
 * headers. 0, or -ENOMEM / -EINVAL (shared struct) with nothing changed. */
int skb_linearize(struct sk_buff *skb);
/* Pads with zeroes to at least len bytes (short Ethernet frames); false if no
 * room. A cloned skb gets a private copy first: its tailroom may be where the
 * owner of the buffer puts its next bytes. */
bool skb_pad_to(struct sk_buff *skb, uint32_t len);

/* Moves skb to a new private kmalloc'd buffer with nhead more bytes of
 * headroom and ntail more of tailroom, copying head..tail; header offsets
 * follow. The struct must not be shared (users 1). The copy is counted as
 * SKB_COPY_HEADER_COW when the old buffer was shared, else SKB_COPY_EXPAND.
 * 0, -ENOMEM or -EINVAL (shared struct, size out of range). */
int pskb_expand_head(struct sk_buff *skb, uint32_t nhead, uint32_t ntail);
/* Makes the header area private and at least headroom bytes long: a no-op
 * when it already is (the common case), else pskb_expand_head. Needed before
 * writing headers in place (TSO, NAT, checksum completion). Without
 * scatter-gather the linear area is the whole packet, so the copy takes the
 * payload too; sharing payload through page frags comes with SG. */
int skb_cow_head(struct sk_buff *skb, uint32_t headroom);

static inline dma_addr_t skb_dma(const struct sk_buff *skb)
{
	/* RAM is identity-mapped: a pointer is its bus address. */
	return (dma_addr_t)(uintptr_t)skb->data;
}
static inline dma_addr_t skb_frag_dma(const struct skb_frag *f) { return (dma_addr_t)(uintptr_t)f->addr; }

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

/* Pointer to the first skb, or NULL; the queue keeps it. */
static inline struct sk_buff *skb_peek(const struct sk_buff_head *q) { return q->next; }
static inline struct sk_buff *skb_peek_tail(const struct sk_buff_head *q) { return q->prev; }
static inline bool skb_queue_empty(const struct sk_buff_head *q) { return q->next == NULL; }
static inline uint32_t skb_queue_len(const struct sk_buff_head *q) { return q->qlen; }
/* Walks a queue the caller keeps still (bottom halves disabled, or a queue
 * only it touches); the _safe form allows unlinking the current skb. */
#define skb_queue_walk(q, skb) for ((skb) = (q)->next; (skb); (skb) = (skb)->next)
#define skb_queue_walk_safe(q, skb, tmp)				\
	for ((skb) = (q)->next, (tmp) = (skb) ? (skb)->next : NULL; (skb);	\
	     (skb) = (tmp), (tmp) = (skb) ? (skb)->next : NULL)

/* Pushes skb at the front (a requeue, a retransmit going first). */
void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb);
/* Takes skb, which must be on q, off it. */
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
/* The same without the interrupt exclusion (Linux's unlocked forms): for a
 * queue no hard IRQ touches, with the caller keeping softirqs out (bottom
 * halves disabled, or running in the softirq). A socket's receive queue is
 * one: filled by NET_RX, emptied by its reader with bottom halves off. */
void __skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
/* Inserts newsk into q just before next / just after prev, both on q (the
 * out-of-order queue keeps sequence order). Interrupt-safe, unlike the two
 * above: here the underscores only keep Linux's names. */
void __skb_queue_before(struct sk_buff_head *q, struct sk_buff *next, struct sk_buff *newsk);
void __skb_queue_after(struct sk_buff_head *q, struct sk_buff *prev, struct sk_buff *newsk);
/* Moves every skb of list to the tail of head, in order; list is left empty. */
void skb_queue_splice_tail_init(struct sk_buff_head *list, struct sk_buff_head *head);

/* Completes a CHECKSUM_PARTIAL packet in software: sums from csum_start to the
 * end (the check field holds the pseudo-header seed) and stores the folded sum
 * at csum_start + csum_offset; then CHECKSUM_NONE. A shared header is copied
 * first. 0, or -EINVAL (offsets outside the data), -ENOMEM (no copy). */
int skb_checksum_help(struct sk_buff *skb);
/* The unfolded sum of len bytes from offset off (linear, then frags), added
 * to sum; the bytes must be there. */
uint32_t skb_checksum(const struct sk_buff *skb, uint32_t off, uint32_t len, uint32_t sum);

/* Every byte the stack copies, by why (`netstat -s`, section Copies). */
enum skb_copy_kind {
	SKB_COPY_USER_TO_SKB,	/* send: application data into an skb */
	SKB_COPY_SKB_TO_USER,	/* receive: skb data to the application */
	SKB_COPY_FRAGMENT,	/* IP fragmentation: payload into each fragment */
	SKB_COPY_LINEARIZE,	/* pieces gathered into one linear buffer */
	SKB_COPY_REASSEMBLY,	/* IP reassembly: fragments into one datagram */
	SKB_COPY_HEADER_COW,	/* a shared buffer copied to write its header or tail */
	SKB_COPY_EXPAND,	/* a private buffer moved to a bigger one (headroom) */
	SKB_COPY_GSO,		/* software GSO: headers and payload into each segment */
	SKB_COPY_TCP_SPLIT,	/* TCP: the tail of a queued skb cut off (tso_fragment) */
	SKB_COPY_KINDS
};
void skb_count_copy(enum skb_copy_kind kind, uint32_t bytes);
/* The byte count of one kind (tests, benchmarks). */
uint64_t skb_copy_bytes(enum skb_copy_kind kind);
/* Bytes the socket calls sent or received (the base of the copy ratios
 * `netstat -s` shows under Copies). */
void skb_count_app_bytes(bool sent, uint32_t bytes);

struct skb_stats {
	uint64_t allocated, freed, alloc_failures, clones;
	uint64_t expands;		/* pskb_expand_head calls that succeeded */
	uint64_t bounds_refused;	/* skb_reserve past the end or on data */
	/* Structs and kmalloc'd buffers served by the hot-path caches, and
	 * those that had to come from the slab. */
	uint64_t cache_hits, cache_misses;
};
void skb_get_stats(struct skb_stats *st);
/* The hot-path caches (skbuff.c) keep at most this many free structs, and
 * as many kmalloc'd data buffers of each size class from 256 to 2048 bytes. */
#define SKB_CACHE_MAX 32
/* Gives every cached free struct and buffer back to the slab. */
void skb_cache_drain(void);

#endif
