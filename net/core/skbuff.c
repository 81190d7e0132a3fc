/* Socket buffers.
 *
 * Two reference counts, as in Linux: `users` counts holders of one skb struct,
 * `dataref` counts structs sharing one data buffer. Most skbs are never cloned,
 * so the data count lives outside the buffer and is only allocated by the first
 * clone; until then a NULL dataref means "this struct is the only one", and the
 * buffer never has to reserve room for shared state at its end (RX buffers are
 * exactly the size the NIC was told).
 *
 * Concurrency: one CPU, and hard IRQs never touch skbs, but a softirq can run
 * between any two instructions of process context. Counts that two holders may
 * change (users above one, dataref, the statistics, queues, the caches below)
 * are therefore updated with interrupts off; everything else about one skb
 * belongs to whoever holds it.
 *
 * The hot-path caches. Every packet takes a struct and, when built here, a data
 * buffer, and gives both back a moment later. The slab would cost a cache walk
 * and a page-map lookup per object, and an interrupts-off section for the object
 * and another for its count. So freed structs and small kmalloc'd buffers wait
 * on LIFO lists for the next packet (Linux keeps per-CPU caches of skb heads for
 * the same reason): taking one is a pop and giving it back a push, counted in
 * the same interrupts-off section. Each list holds at most SKB_CACHE_MAX, so the
 * memory of a burst goes back to the slab, and skb_cache_drain empties them.
 * Buffers are cached per kmalloc size class, 256 to 2048 bytes: a kmalloc'd head
 * always came from kmalloc(n) with n >= end, so its object is at least the class
 * of end and can serve any request of that class. */
#include <errno.h>
#include <string.h>
#include "net/skbuff.h"
#include "net/if_ether.h"
#include "net/ip.h"
#include "net/snmp.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/trace.h"

static struct kmem_cache *skb_head_cache;
static struct kmem_cache *skb_dataref_cache;
/* Clones count in `allocated` too: allocated - freed is the number of live structs. */
static struct skb_stats skb_stats;

#define SKB_DATA_CLASS_MIN 256u
#define SKB_DATA_CLASSES 4	/* 256, 512, 1024, 2048 */
_Static_assert(SKB_DATA_CLASS_MIN << (SKB_DATA_CLASSES - 1) == KMALLOC_MAX_CLASS,
	       "the largest cached class is the largest kmalloc class");

/* Free objects chained through their first word. */
struct skb_free_list {
	void *top;
	uint32_t count;
};

static struct skb_caches {
	struct skb_free_list heads;
	struct skb_free_list data[SKB_DATA_CLASSES];
} skb_caches;

/* Bytes copied, by kind, and what cloning saved (netstat -s, Copies). */
struct skb_copy_mib {
	uint64_t bytes[SKB_COPY_KINDS];
	uint64_t clones_made;
	uint64_t clone_bytes_shared;	/* data bytes a clone pointed at instead of copying */
	uint64_t app_sent, app_received;	/* bytes the socket calls moved */
	/* Derived at read: bytes copied on the way out per byte sent, and on
	 * the way in per byte received, in thousandths. */
	uint64_t per_sent_milli, per_received_milli;
};
static struct skb_copy_mib copy_mib;

static const struct snmp_field copy_fields[] = {
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_USER_TO_SKB], "CopyUserToSkb"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_SKB_TO_USER], "CopySkbToUser"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_FRAGMENT], "CopyFragment"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_LINEARIZE], "CopyLinearize"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_REASSEMBLY], "CopyReassembly"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_HEADER_COW], "CopyHeaderCow"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_EXPAND], "CopyExpandHead"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_GSO], "CopyGso"),
	SNMP_FIELD(struct skb_copy_mib, bytes[SKB_COPY_TCP_SPLIT], "CopyTcpSplit"),
	SNMP_FIELD(struct skb_copy_mib, clones_made, "ClonesMade"),
	SNMP_FIELD(struct skb_copy_mib, clone_bytes_shared, "CloneBytesShared"),
	SNMP_FIELD(struct skb_copy_mib, app_sent, "AppBytesSent"),
	SNMP_FIELD(struct skb_copy_mib, app_received, "AppBytesReceived"),
	SNMP_FIELD(struct skb_copy_mib, per_sent_milli, "CopiedPerByteSentMilli"),
	SNMP_FIELD(struct skb_copy_mib, per_received_milli, "CopiedPerByteReceivedMilli"),
};
_Static_assert(ARRAY_SIZE(copy_fields) == SKB_COPY_KINDS + 6, "a name for every copy kind");

/* Copies made while sending (into the skb, then whatever the way down
 * adds) against the bytes sent, and reassembly plus the copy to the user
 * against the bytes received. */
static void copy_ratios_refresh(void)
{
	static const enum skb_copy_kind out[] = {
		SKB_COPY_USER_TO_SKB, SKB_COPY_FRAGMENT, SKB_COPY_LINEARIZE, SKB_COPY_HEADER_COW,
		SKB_COPY_EXPAND, SKB_COPY_GSO, SKB_COPY_TCP_SPLIT,
	};
	uint64_t sent = READ_ONCE(copy_mib.app_sent), recv = READ_ONCE(copy_mib.app_received);
	uint64_t copied_out = 0, copied_in;

	for (size_t i = 0; i < ARRAY_SIZE(out); i++)
		copied_out += READ_ONCE(copy_mib.bytes[out[i]]);
	copied_in = READ_ONCE(copy_mib.bytes[SKB_COPY_SKB_TO_USER]) +
		    READ_ONCE(copy_mib.bytes[SKB_COPY_REASSEMBLY]);
	copy_mib.per_sent_milli = sent ? copied_out * 1000 / sent : 0;
	copy_mib.per_received_milli = recv ? copied_in * 1000 / recv : 0;
}
SNMP_MIB_REFRESH("Copies", &copy_mib, copy_fields, copy_ratios_refresh);

void skb_count_app_bytes(bool sent, uint32_t bytes)
{
	__atomic_fetch_add(sent ? &copy_mib.app_sent : &copy_mib.app_received, bytes,
			   __ATOMIC_RELAXED);
}

/* Callers copy from process context with bottom halves enabled as well as
 * from softirqs, so the add is one atomic instruction: nothing can come
 * between its read and its write, on this CPU or another, and it costs no
 * interrupts-off section. */
void skb_count_copy(enum skb_copy_kind kind, uint32_t bytes)
{
	if ((unsigned)kind >= SKB_COPY_KINDS)
		return;
	__atomic_fetch_add(&copy_mib.bytes[kind], bytes, __ATOMIC_RELAXED);
	TRACE_COPY(bytes);
}

uint64_t skb_copy_bytes(enum skb_copy_kind kind)
{
	return (unsigned)kind < SKB_COPY_KINDS ? READ_ONCE(copy_mib.bytes[kind]) : 0;
}

void skb_init(void)
{
	if (skb_head_cache)
		return;
	skb_head_cache = kmem_cache_create("skbuff_head", sizeof(struct sk_buff), 0);
	skb_dataref_cache = kmem_cache_create("skb_dataref", sizeof(uint32_t), 0);
	if (!skb_head_cache || !skb_dataref_cache)
		pr_err("skb: cannot create the skb caches; every allocation will fail\n");
}

static void count_failure(void)
{
	unsigned long flags = local_irq_save();

	skb_stats.alloc_failures++;
	local_irq_restore(flags);
}

/* ---- the hot-path caches ------------------------------------------------------ */

/* Interrupts off. */
static void *free_list_pop(struct skb_free_list *l)
{
	void **obj = l->top;

	if (obj) {
		l->top = *obj;
		l->count--;
	}
	return obj;
}

/* Interrupts off; false when the list is full and obj is the caller's to free. */
static bool free_list_push(struct skb_free_list *l, void *obj)
{
	if (l->count >= SKB_CACHE_MAX)
		return false;
	*(void **)obj = l->top;
	l->top = obj;
	l->count++;
	return true;
}

/* The cached class of a buffer of size bytes, or -1 for one the caches leave
 * to kmalloc (too small to be worth it, or too large for a class). */
static int skb_data_class(uint32_t size)
{
	int c = 0;

	if (size <= SKB_DATA_CLASS_MIN / 2 || size > KMALLOC_MAX_CLASS)
		return -1;
	while ((SKB_DATA_CLASS_MIN << c) < size)
		c++;
	return c;
}

static struct sk_buff *skb_head_alloc(void)
{
	unsigned long flags = local_irq_save();
	struct sk_buff *skb = free_list_pop(&skb_caches.heads);

	if (skb) {
		skb_stats.allocated++;
		skb_stats.cache_hits++;
	}
	local_irq_restore(flags);
	if (skb)
		return skb;
	skb = kmem_cache_alloc(skb_head_cache);
	if (!skb) {
		count_failure();
		return NULL;
	}
	flags = local_irq_save();
	skb_stats.allocated++;
	skb_stats.cache_misses++;
	local_irq_restore(flags);
	return skb;
}

static void skb_head_free(struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();
	bool kept;

	skb_stats.freed++;
	kept = free_list_push(&skb_caches.heads, skb);
	local_irq_restore(flags);
	if (!kept)
		kmem_cache_free(skb_head_cache, skb);
}

/* A data buffer of at least size bytes (kmalloc's, cached or not). */
static uint8_t *skb_data_alloc(uint32_t size)
{
	int c = skb_data_class(size);
	unsigned long flags;
	uint8_t *buf;

	if (c < 0)
		return kmalloc(size ? size : 1);	/* kmalloc(0) fails by design */
	flags = local_irq_save();
	buf = free_list_pop(&skb_caches.data[c]);
	if (buf)
		skb_stats.cache_hits++;
	else
		skb_stats.cache_misses++;
	local_irq_restore(flags);
	return buf ? buf : kmalloc(SKB_DATA_CLASS_MIN << c);
}

/* buf came from kmalloc(n) with n >= end. */
static void skb_data_free(uint8_t *buf, uint32_t end)
{
	int c = skb_data_class(end);
	unsigned long flags;
	bool kept;

	if (c < 0) {
		kfree(buf);
		return;
	}
	flags = local_irq_save();
	kept = free_list_push(&skb_caches.data[c], buf);
	local_irq_restore(flags);
	if (!kept)
		kfree(buf);
}

void skb_cache_drain(void)
{
	for (;;) {
		unsigned long flags = local_irq_save();
		void *obj = free_list_pop(&skb_caches.heads);
		int c = -1;

		for (int i = 0; !obj && i < SKB_DATA_CLASSES; i++) {
			obj = free_list_pop(&skb_caches.data[i]);
			c = i;
		}
		local_irq_restore(flags);
		if (!obj)
			return;
		if (c < 0)
			kmem_cache_free(skb_head_cache, obj);
		else
			kfree(obj);
	}
}

/* ---- allocation ------------------------------------------------------------------ */

#define SKB_CLEARED offsetof(struct sk_buff, frags)
_Static_assert(SKB_CLEARED % 8 == 0, "skb_init_fields clears whole words");

static void skb_init_fields(struct sk_buff *skb, uint8_t *buf, uint32_t size,
			    struct skb_buf_pool *pool)
{
	uint64_t *w = (uint64_t *)skb;

	/* Cleared in straight-line stores, not memset: its rep stos runs one
	 * translated block per word under TCG, twice per echoed datagram. */
#pragma GCC unroll 64
	for (size_t i = 0; i < SKB_CLEARED / 8; i++)
		w[i] = 0;
	skb->head = buf;
	skb->data = buf;
	skb->end = size;
	skb->pool = pool;
	skb->users = 1;
	skb->truesize = (uint32_t)sizeof(*skb) + size;
}

/* Both halves of a packet from the caches in one interrupts-off section,
 * when both are there. */
static struct sk_buff *skb_cache_pop_both(uint32_t size, uint8_t **buf)
{
	int c = skb_data_class(size);
	struct sk_buff *skb = NULL;
	unsigned long flags;

	if (c < 0)
		return NULL;
	flags = local_irq_save();
	if (skb_caches.heads.top && skb_caches.data[c].top) {
		skb = free_list_pop(&skb_caches.heads);
		*buf = free_list_pop(&skb_caches.data[c]);
		skb_stats.allocated++;
		skb_stats.cache_hits += 2;
	}
	local_irq_restore(flags);
	return skb;
}

/* kfree_skb's counterpart: a sole struct with a kmalloc'd buffer back to the
 * caches in one section; false (nothing done) when either list is full. */
static bool skb_cache_push_both(struct sk_buff *skb)
{
	int c = skb_data_class(skb->end);
	unsigned long flags;
	bool done = false;

	if (c < 0)
		return false;
	flags = local_irq_save();
	if (skb_caches.heads.count < SKB_CACHE_MAX && skb_caches.data[c].count < SKB_CACHE_MAX) {
		free_list_push(&skb_caches.data[c], skb->head);
		free_list_push(&skb_caches.heads, skb);
		skb_stats.freed++;
		done = true;
	}
	local_irq_restore(flags);
	return done;
}

struct sk_buff *alloc_skb(uint32_t size)
{
	uint8_t *buf = NULL;
	struct sk_buff *skb = skb_cache_pop_both(size, &buf);

	if (skb) {
		skb_init_fields(skb, buf, size, NULL);
		return skb;
	}
	skb = skb_head_alloc();
	if (!skb)
		return NULL;
	buf = skb_data_alloc(size);
	if (!buf) {
		skb_head_free(skb);
		count_failure();
		return NULL;
	}
	skb_init_fields(skb, buf, size, NULL);
	return skb;
}

struct sk_buff *alloc_skb_tx(uint32_t payload)
{
	struct sk_buff *skb;

	if (payload > UINT32_MAX - MAX_HEADER) {
		count_failure();
		return NULL;
	}
	/* At least ETH_ZLEN of data room: a short frame (ARP, a bare ACK) pads
	 * to the Ethernet minimum in its own tailroom instead of a copy. */
	skb = alloc_skb(MAX_HEADER + MAX(payload, (uint32_t)ETH_ZLEN));
	if (skb) {
		skb->data += MAX_HEADER;
		/* Until a layer sets its own, every header starts where data does. */
		skb_reset_mac_header(skb);
		skb_reset_network_header(skb);
		skb_reset_transport_header(skb);
	}
	return skb;
}

struct sk_buff *build_skb(void *buf, struct skb_buf_pool *pool)
{
	struct sk_buff *skb;

	/* Without a free hook the buffer could never go back: refuse it here
	 * rather than fail at the last kfree_skb. */
	if (!buf || !pool || !pool->free) {
		count_failure();
		return NULL;
	}
	skb = skb_head_alloc();
	if (!skb)
		return NULL;
	skb_init_fields(skb, buf, pool->buf_size, pool);
	return skb;
}

static void skb_free_data(struct sk_buff *skb)
{
	if (skb->pool)
		skb->pool->free(skb->pool, skb->head);
	else
		skb_data_free(skb->head, skb->end);
}

/* Drops this struct's share of the buffer (and its payload-only share, if it
 * released the header); true if it was the last one. */
static bool skb_release_dataref(struct sk_buff *skb)
{
	uint32_t *ref = skb->dataref;
	uint32_t drop = skb->nohdr ? (1u << SKB_DATAREF_SHIFT) + 1 : 1;
	unsigned long flags;
	uint32_t left;

	skb->dataref = NULL;
	skb->nohdr = false;
	if (!ref)
		return true;
	flags = local_irq_save();
	*ref -= drop;
	left = *ref & SKB_DATAREF_MASK;
	local_irq_restore(flags);
	if (left)
		return false;
	kmem_cache_free(skb_dataref_cache, ref);
	return true;
}

/* The buffer, or this struct's share of it, let go. */
static void skb_release_data(struct sk_buff *skb)
{
	if (skb_release_dataref(skb))
		skb_free_data(skb);
}

void kfree_skb(struct sk_buff *skb)
{
	TRACE_FUNC(TP_kfree_skb, skb);
	if (!skb)
		return;
	/* A sole holder cannot race with anyone over its own count. */
	if (skb->users != 1) {
		unsigned long flags = local_irq_save();
		uint16_t left = --skb->users;

		local_irq_restore(flags);
		if (left)
			return;
	}
	TRACE_SKB_FREE(skb);
	/* Before the data goes: a socket's accounting may look at the skb. */
	if (skb->destructor)
		skb->destructor(skb);
	if (skb->ubuf)
		ubuf_put(skb->ubuf);
	/* The common case, a struct alone with its kmalloc'd buffer (no clone
	 * ever shared it), goes back in one step. */
	if (!skb->dataref && !skb->pool && skb_cache_push_both(skb))
		return;
	skb_release_data(skb);
	skb_head_free(skb);
}

struct sk_buff *skb_get(struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();

	skb->users++;
	local_irq_restore(flags);
	return skb;
}

struct sk_buff *skb_clone(struct sk_buff *skb)
{
	struct sk_buff *n;
	unsigned long flags;

	if (!skb->dataref) {
		uint32_t *ref = kmem_cache_alloc(skb_dataref_cache);

		if (!ref) {
			count_failure();
			return NULL;
		}
		/* Nobody else can see the buffer's count before the first clone
		 * exists, so setting it needs no interrupt exclusion. A header
		 * released before then is counted now. */
		*ref = 1 + (skb->nohdr ? 1u << SKB_DATAREF_SHIFT : 0);
		skb->dataref = ref;
	}
	if ((*skb->dataref & SKB_DATAREF_MASK) == SKB_DATAREF_MASK) {
		count_failure();	/* the count would carry into the payload half */
		return NULL;
	}
	n = skb_head_alloc();
	if (!n)
		return NULL;
	*n = *skb;
	n->next = NULL;
	n->prev = NULL;
	n->users = 1;
	n->nohdr = false;
	/* The socket charge and its release stay with the original. */
	n->sk = NULL;
	n->destructor = NULL;
	n->truesize = (uint32_t)sizeof(*n);
	if (n->ubuf)
		ubuf_get(n->ubuf);
	flags = local_irq_save();
	++*skb->dataref;
	skb_stats.clones++;
	copy_mib.clones_made++;
	copy_mib.clone_bytes_shared += skb->len;
	local_irq_restore(flags);
	TRACE_SKB_NEW(TP_skb_clone, skb, n);
	return n;
}

void skb_header_release(struct sk_buff *skb)
{
	unsigned long flags;

	if (skb->nohdr)
		return;
	skb->nohdr = true;
	if (!skb->dataref)
		return;		/* counted by the first clone */
	flags = local_irq_save();
	*skb->dataref += 1u << SKB_DATAREF_SHIFT;
	local_irq_restore(flags);
}

bool skb_reserve(struct sk_buff *skb, uint32_t n)
{
	if (skb->len || n > skb_tailroom(skb)) {
		unsigned long flags = local_irq_save();

		skb_stats.bounds_refused++;
		local_irq_restore(flags);
		return false;
	}
	skb->data += n;
	return true;
}

int pskb_expand_head(struct sk_buff *skb, uint32_t nhead, uint32_t ntail)
{
	uint32_t headroom = skb_headroom(skb);
	uint32_t used = headroom + skb_headlen(skb);	/* head..tail: what is copied */
	bool shared = skb_cloned(skb);
	uint64_t size = (uint64_t)skb->end + nhead + ntail;
	uint8_t *buf;
	unsigned long flags;

	/* Header offsets are 16 bits from head: a buffer past that could not
	 * be described. Another holder of this struct would see its data move. */
	if (skb->users != 1 || size > UINT16_MAX || headroom + nhead > UINT16_MAX)
		return -EINVAL;
	buf = skb_data_alloc((uint32_t)size);
	if (!buf) {
		count_failure();
		return -ENOMEM;
	}
	memcpy(buf + nhead, skb->head, used);
	skb_count_copy(shared ? SKB_COPY_HEADER_COW : SKB_COPY_EXPAND, used);
	skb_release_data(skb);
	skb->head = buf;
	skb->data = buf + nhead + headroom;
	skb->end = (uint32_t)size;
	skb->pool = NULL;
	skb->mac_header += nhead;
	skb->network_header += nhead;
	skb->transport_header += nhead;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->csum_start += nhead;
	/* A socket's skb keeps the truesize it was charged at: its destructor
	 * gives back exactly that (Linux's rule for owned skbs). */
	if (!skb->sk)
		skb->truesize = (uint32_t)sizeof(*skb) + skb->end + skb->data_len;
	flags = local_irq_save();
	skb_stats.expands++;
	local_irq_restore(flags);
	return 0;
}

int skb_cow_head(struct sk_buff *skb, uint32_t headroom)
{
	uint32_t have = skb_headroom(skb);
	uint32_t delta = headroom > have ? headroom - have : 0;

	/* A holder that released its header promised to stay out of it, so it
	 * must not write there in place while anyone shares the buffer. */
	bool shared = skb->nohdr ? skb_cloned(skb) : skb_header_cloned(skb);

	if (!delta && !shared)
		return 0;
	return pskb_expand_head(skb, ALIGN_UP(delta, NET_SKB_PAD), 0);
}

uint8_t *skb_push(struct sk_buff *skb, uint32_t n)
{
	/* No header is that long: a wrapped length, not a request to honour. */
	if (n > UINT16_MAX)
		return NULL;
	if (skb_cow_head(skb, n))
		return NULL;
	skb->data -= n;
	skb->len += n;
	return skb->data;
}

bool skb_pad_to(struct sk_buff *skb, uint32_t len)
{
	uint32_t need;

	if (skb->len >= len)
		return true;
	if (skb->data_len && skb_linearize(skb))
		return false;
	need = len - skb->len;
	/* A clone's tailroom belongs to the owner, who may append there. */
	if ((skb_cloned(skb) || need > skb_tailroom(skb)) &&
	    pskb_expand_head(skb, 0, need > skb_tailroom(skb) ? need - skb_tailroom(skb) : 0))
		return false;
	memset(skb_tail_pointer(skb), 0, need);
	skb->len = len;
	return true;
}

/* ---- frags ------------------------------------------------------------------------ */

bool skb_add_frag(struct sk_buff *skb, uint8_t *addr, uint32_t len)
{
	struct skb_frag *last = skb->nr_frags ? &skb->frags[skb->nr_frags - 1] : NULL;

	if (last && last->addr + last->len == addr) {
		last->len += len;	/* the next bytes of the same buffer */
	} else {
		if (skb->nr_frags == MAX_SKB_FRAGS)
			return false;
		skb->frags[skb->nr_frags++] = (struct skb_frag){ addr, len };
	}
	skb->len += len;
	skb->data_len += len;
	return true;
}

/* Keeps the first keep bytes of the frags. */
static void skb_frags_keep(struct sk_buff *skb, uint32_t keep)
{
	uint32_t seen = 0;
	uint8_t i;

	for (i = 0; i < skb->nr_frags && seen < keep; i++) {
		if (seen + skb->frags[i].len > keep)
			skb->frags[i].len = keep - seen;
		seen += skb->frags[i].len;
	}
	skb->nr_frags = i;
	skb->len -= skb->data_len - keep;
	skb->data_len = keep;
}

static void skb_drop_ubuf(struct sk_buff *skb)
{
	if (!skb->nr_frags && skb->ubuf) {
		ubuf_put(skb->ubuf);
		skb->ubuf = NULL;
	}
}

void __skb_trim_frags(struct sk_buff *skb, uint32_t len)
{
	uint32_t head = skb_headlen(skb);

	if (len <= head) {
		skb->nr_frags = 0;
		skb->data_len = 0;
		skb->len = len;
	} else {
		skb_frags_keep(skb, len - head);
	}
	skb_drop_ubuf(skb);
}

bool pskb_pull(struct sk_buff *skb, uint32_t n)
{
	uint32_t lin = MIN(n, skb_headlen(skb));
	uint8_t i = 0, k = 0;

	if (n > skb->len)
		return false;
	skb->data += lin;
	skb->len -= lin;
	n -= lin;
	skb->len -= n;
	skb->data_len -= n;
	/* Whole frags first, then into the next one. */
	for (; i < skb->nr_frags && n >= skb->frags[i].len; i++)
		n -= skb->frags[i].len;
	for (; i < skb->nr_frags; i++, k++) {
		skb->frags[k] = skb->frags[i];
		skb->frags[k].addr += n;
		skb->frags[k].len -= n;
		n = 0;
	}
	skb->nr_frags = k;
	skb_drop_ubuf(skb);
	return true;
}

void skb_split_frags(struct sk_buff *skb, struct sk_buff *buff, uint32_t len)
{
	uint32_t off = skb_headlen(skb);

	for (uint8_t i = 0; i < skb->nr_frags; i++) {
		const struct skb_frag *f = &skb->frags[i];

		if (off + f->len > len) {
			uint32_t skip = len > off ? len - off : 0;

			skb_add_frag(buff, f->addr + skip, f->len - skip);
		}
		off += f->len;
	}
	buff->ubuf = skb->ubuf;
	if (buff->ubuf)
		ubuf_get(buff->ubuf);
	skb_frags_keep(skb, len - skb_headlen(skb));
	skb_drop_ubuf(skb);
}

int skb_copy_bits(const struct sk_buff *skb, uint32_t off, void *to, uint32_t len)
{
	uint32_t head = skb_headlen(skb), pos;
	uint8_t *out = to;

	if (off > skb->len || len > skb->len - off)
		return -EINVAL;
	if (off < head) {
		uint32_t n = MIN(len, head - off);

		memcpy(out, skb->data + off, n);
		out += n;
		len -= n;
		off += n;
	}
	pos = head;
	for (uint8_t i = 0; i < skb->nr_frags && len; i++) {
		const struct skb_frag *f = &skb->frags[i];

		if (off < pos + f->len) {
			uint32_t n = MIN(len, pos + f->len - off);

			memcpy(out, f->addr + (off - pos), n);
			out += n;
			len -= n;
			off += n;
		}
		pos += f->len;
	}
	return 0;
}

int skb_linearize(struct sk_buff *skb)
{
	uint32_t frag_bytes = skb->data_len;
	uint32_t at;
	int err;

	if (!frag_bytes)
		return 0;
	at = skb_headlen(skb);
	err = pskb_expand_head(skb, 0, frag_bytes);
	if (err)
		return err;
	(void)skb_copy_bits(skb, at, skb->data + at, frag_bytes);
	skb_count_copy(SKB_COPY_LINEARIZE, frag_bytes);
	skb->nr_frags = 0;
	skb->data_len = 0;
	if (skb->ubuf) {
		skb->ubuf->zerocopy = false;
		ubuf_put(skb->ubuf);
		skb->ubuf = NULL;
	}
	return 0;
}

/* The queue is a NULL-terminated chain: head->next is the first skb, head->prev
 * the last. Queues are shared between process context and softirqs (socket
 * queues, backlogs), hence the interrupt exclusion in every operation. */
void skb_queue_head_init(struct sk_buff_head *q)
{
	q->next = NULL;
	q->prev = NULL;
	q->qlen = 0;
}

void __skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	skb->next = NULL;
	skb->prev = q->prev;
	if (q->prev)
		q->prev->next = skb;
	else
		q->next = skb;
	q->prev = skb;
	q->qlen++;
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();

	__skb_queue_tail(q, skb);
	local_irq_restore(flags);
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	unsigned long flags = local_irq_save();
	struct sk_buff *skb = q->next;

	if (skb) {
		q->next = skb->next;
		if (q->next)
			q->next->prev = NULL;
		else
			q->prev = NULL;
		q->qlen--;
		skb->next = NULL;
		skb->prev = NULL;
	}
	local_irq_restore(flags);
	return skb;
}

void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();

	skb->prev = NULL;
	skb->next = q->next;
	if (q->next)
		q->next->prev = skb;
	else
		q->prev = skb;
	q->next = skb;
	q->qlen++;
	local_irq_restore(flags);
}

/* Links newsk between prev and next (either NULL at an end of q). */
static void skb_link_between(struct sk_buff_head *q, struct sk_buff *prev,
			     struct sk_buff *next, struct sk_buff *newsk)
{
	newsk->prev = prev;
	newsk->next = next;
	if (prev)
		prev->next = newsk;
	else
		q->next = newsk;
	if (next)
		next->prev = newsk;
	else
		q->prev = newsk;
	q->qlen++;
}

void __skb_queue_before(struct sk_buff_head *q, struct sk_buff *next, struct sk_buff *newsk)
{
	unsigned long flags = local_irq_save();

	skb_link_between(q, next->prev, next, newsk);
	local_irq_restore(flags);
}

void __skb_queue_after(struct sk_buff_head *q, struct sk_buff *prev, struct sk_buff *newsk)
{
	unsigned long flags = local_irq_save();

	skb_link_between(q, prev, prev->next, newsk);
	local_irq_restore(flags);
}

void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	if (skb->prev)
		skb->prev->next = skb->next;
	else
		q->next = skb->next;
	if (skb->next)
		skb->next->prev = skb->prev;
	else
		q->prev = skb->prev;
	q->qlen--;
	skb->next = NULL;
	skb->prev = NULL;
}

void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	unsigned long flags = local_irq_save();

	__skb_unlink(skb, q);
	local_irq_restore(flags);
}

void skb_queue_splice_tail_init(struct sk_buff_head *list, struct sk_buff_head *head)
{
	unsigned long flags = local_irq_save();

	if (list->next) {
		list->next->prev = head->prev;
		if (head->prev)
			head->prev->next = list->next;
		else
			head->next = list->next;
		head->prev = list->prev;
		head->qlen += list->qlen;
		skb_queue_head_init(list);
	}
	local_irq_restore(flags);
}

void skb_queue_purge(struct sk_buff_head *q)
{
	/* What a softirq queues meanwhile is left for the next purge. */
	for (uint32_t n = READ_ONCE(q->qlen); n > 0; n--) {
		struct sk_buff *skb = skb_dequeue(q);

		if (!skb)
			break;
		kfree_skb(skb);
	}
}

void skb_get_stats(struct skb_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = skb_stats;
	local_irq_restore(flags);
}
