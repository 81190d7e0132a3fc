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
 * change (users above one, dataref, the statistics, queues) are therefore
 * updated with interrupts off; everything else about one skb belongs to whoever
 * holds it. */
#include <string.h>
#include "net/skbuff.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/slab.h"

static struct kmem_cache *skb_head_cache;
static struct kmem_cache *skb_dataref_cache;
/* Clones count in `allocated` too: allocated - freed is the number of live structs. */
static struct skb_stats skb_stats;

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

static struct sk_buff *skb_head_alloc(void)
{
	struct sk_buff *skb = kmem_cache_alloc(skb_head_cache);
	unsigned long flags;

	if (!skb) {
		count_failure();
		return NULL;
	}
	flags = local_irq_save();
	skb_stats.allocated++;
	local_irq_restore(flags);
	return skb;
}

static void skb_head_free(struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();

	skb_stats.freed++;
	local_irq_restore(flags);
	kmem_cache_free(skb_head_cache, skb);
}

static void skb_init_fields(struct sk_buff *skb, uint8_t *buf, uint32_t size,
			    struct skb_buf_pool *pool)
{
	memset(skb, 0, sizeof(*skb));
	skb->head = buf;
	skb->data = buf;
	skb->end = size;
	skb->pool = pool;
	skb->users = 1;
}

struct sk_buff *alloc_skb(uint32_t size)
{
	struct sk_buff *skb = skb_head_alloc();
	uint8_t *buf;

	if (!skb)
		return NULL;
	/* kmalloc(0) fails by design; an empty skb is still a valid request. */
	buf = kmalloc(size ? size : 1);
	if (!buf) {
		skb_head_free(skb);
		count_failure();
		return NULL;
	}
	skb_init_fields(skb, buf, size, NULL);
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
		kfree(skb->head);
}

/* Drops this struct's share of the buffer; true if it was the last one. */
static bool skb_release_dataref(struct sk_buff *skb)
{
	uint32_t *ref = skb->dataref;
	unsigned long flags;
	uint32_t left;

	if (!ref)
		return true;
	flags = local_irq_save();
	left = --*ref;
	local_irq_restore(flags);
	if (left)
		return false;
	kmem_cache_free(skb_dataref_cache, ref);
	return true;
}

void kfree_skb(struct sk_buff *skb)
{
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
	if (skb_release_dataref(skb))
		skb_free_data(skb);
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
		 * exists, so setting it to one needs no interrupt exclusion. */
		*ref = 1;
		skb->dataref = ref;
	}
	n = skb_head_alloc();
	if (!n)
		return NULL;
	*n = *skb;
	n->next = NULL;
	n->prev = NULL;
	n->users = 1;
	flags = local_irq_save();
	++*skb->dataref;
	skb_stats.clones++;
	local_irq_restore(flags);
	return n;
}

uint8_t *skb_put(struct sk_buff *skb, uint32_t n)
{
	uint8_t *tail = skb_tail_pointer(skb);

	if (n > skb_tailroom(skb))
		return NULL;
	skb->len += n;
	return tail;
}

uint8_t *skb_push(struct sk_buff *skb, uint32_t n)
{
	if (n > skb_headroom(skb))
		return NULL;
	skb->data -= n;
	skb->len += n;
	return skb->data;
}

uint8_t *skb_pull(struct sk_buff *skb, uint32_t n)
{
	if (n > skb->len)
		return NULL;
	skb->data += n;
	skb->len -= n;
	return skb->data;
}

void skb_trim(struct sk_buff *skb, uint32_t len)
{
	if (len < skb->len)
		skb->len = len;
}

bool skb_pad_to(struct sk_buff *skb, uint32_t len)
{
	uint32_t need;

	if (skb->len >= len)
		return true;
	need = len - skb->len;
	if (need > skb_tailroom(skb))
		return false;
	memset(skb_tail_pointer(skb), 0, need);
	skb->len = len;
	return true;
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

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	unsigned long flags = local_irq_save();

	skb->next = NULL;
	skb->prev = q->prev;
	if (q->prev)
		q->prev->next = skb;
	else
		q->next = skb;
	q->prev = skb;
	q->qlen++;
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
