/* Slab caches and kmalloc.
 *
 * A slab is one naturally aligned block from alloc_pages. Its header sits at
 * the start of the block: list link, owning cache, free list head, in-use
 * count and a bitmap with one bit per object. Free objects are chained
 * through their first word; the bitmap is what makes a double free or a
 * pointer into the middle of an object detectable in O(1).
 *
 * Finding the slab (and so the cache) of a pointer: the page map records
 * which allocated blocks belong to slabs and which to large kmalloc calls,
 * so kfree asks page_block_find for the block containing the pointer and
 * looks at its owner. No per-object header, no table of large allocations. */
#include <string.h>
#include "kernel/slab.h"
#include "kernel/page_alloc.h"
#include "kernel/list.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"

/* Slabs up to 32 KiB: large enough that objects of a few KiB waste little,
 * small enough to be found in a fragmented machine. */
#define SLAB_MAX_ORDER   3
/* Empty slabs kept per cache so an alloc/free ping-pong at a slab boundary
 * does not hit the page allocator every time. */
#define SLAB_RESERVE     1
#define BAD_FREE_REPORTS 8
#define KMALLOC_CLASSES  8
/* Bounds the walk in slab_dump; far more caches than the system creates. */
#define SLAB_MAX_CACHES  256

_Static_assert(KMALLOC_MIN_CLASS << (KMALLOC_CLASSES - 1) == KMALLOC_MAX_CLASS,
	       "size classes are the powers of two from min to max");

struct kmem_cache {
	char name[SLAB_NAME_LEN];
	size_t obj_size;
	size_t stride;
	size_t first_off;          /* offset of object 0 from the slab start */
	unsigned order;
	unsigned per_slab;
	struct list_head partial;  /* some objects free */
	struct list_head full;
	struct list_head empty;    /* the reserve: all objects free */
	struct list_head link;     /* on all_caches */
	uint64_t active, slabs, empty_slabs, allocs, frees, alloc_failures, bad_frees;
};

struct slab {
	struct list_head link;
	struct kmem_cache *cache;
	void *freelist;
	uint32_t inuse;
	uint8_t used[];            /* bit i set: object i is allocated */
};

struct layout {
	size_t stride, first_off;
	unsigned order, per_slab;
};

static struct list_head all_caches = LIST_HEAD_INIT(all_caches);
/* Built-in caches live in static storage: the one that holds every other
 * cache's descriptor, and the kmalloc size classes. */
static struct kmem_cache cache_cache;
static struct kmem_cache kmalloc_caches[KMALLOC_CLASSES];
static const char *const kmalloc_names[KMALLOC_CLASSES] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
	"kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static bool slab_ready;
static struct kmalloc_stats kstats;
static unsigned bad_reports;

/* How many objects fit in a block after the header and its bitmap, and
 * where the first one starts. The first guess ignores alignment padding, so
 * it can only be a little high; the loop trims it. */
static unsigned layout_count(size_t block, size_t stride, size_t align, size_t *off)
{
	size_t hdr = sizeof(struct slab);
	size_t n;

	if (block <= hdr)
		return 0;
	n = (block - hdr) * 8 / (stride * 8 + 1);
	while (n > 0) {
		*off = ALIGN_UP(hdr + (n + 7) / 8, align);
		if (*off + n * stride <= block)
			break;
		n--;
	}
	return (unsigned)n;
}

/* Picks the smallest slab order that wastes at most an eighth of the block,
 * or failing that the order that wastes the least. */
static bool cache_layout(size_t size, size_t align, struct layout *l)
{
	size_t best_waste = 0, best_block = 0;

	if (size == 0 || size > (PAGE_SIZE << SLAB_MAX_ORDER) ||
	    (align && (!IS_POW2(align) || align > PAGE_SIZE)))
		return false;
	align = MAX(align, sizeof(void *));
	l->stride = ALIGN_UP(MAX(size, sizeof(void *)), align);

	for (unsigned o = 0; o <= SLAB_MAX_ORDER; o++) {
		size_t block = PAGE_SIZE << o, off = 0;
		unsigned n = layout_count(block, l->stride, align, &off);

		if (n == 0)
			continue;
		size_t waste = block - n * l->stride;
		if (best_block == 0 || waste * best_block < best_waste * block) {
			best_waste = waste;
			best_block = block;
			l->order = o;
			l->per_slab = n;
			l->first_off = off;
		}
		if (waste * 8 <= block)
			break;
	}
	return best_block != 0;
}

static void cache_init(struct kmem_cache *c, const char *name, size_t size,
		       const struct layout *l)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!name)
		name = "unnamed";
	for (i = 0; i < SLAB_NAME_LEN - 1 && name[i]; i++)
		c->name[i] = name[i];
	c->name[i] = '\0';
	c->obj_size = size;
	c->stride = l->stride;
	c->first_off = l->first_off;
	c->order = l->order;
	c->per_slab = l->per_slab;
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	list_add_tail(&c->link, &all_caches);
}

/* Interrupts off. The built-in layouts are constant and always valid. */
static void slab_init_once(void)
{
	struct layout l;

	if (slab_ready)
		return;
	cache_layout(sizeof(struct kmem_cache), 0, &l);
	cache_init(&cache_cache, "kmem_cache", sizeof(struct kmem_cache), &l);
	for (unsigned i = 0; i < KMALLOC_CLASSES; i++) {
		size_t size = (size_t)KMALLOC_MIN_CLASS << i;

		cache_layout(size, MIN(size, (size_t)64), &l);
		cache_init(&kmalloc_caches[i], kmalloc_names[i], size, &l);
	}
	slab_ready = true;
}

static struct slab *slab_grow(struct kmem_cache *c)
{
	struct slab *s = alloc_pages(c->order);

	if (!s)
		return NULL;
	page_block_tag(s, PAGE_OWNER_SLAB);
	s->cache = c;
	s->inuse = 0;
	s->freelist = NULL;
	memset(s->used, 0, (c->per_slab + 7) / 8);
	/* Chained back to front so objects go out in address order. */
	char *base = (char *)s + c->first_off;
	for (size_t i = c->per_slab; i-- > 0;) {
		void **obj = (void **)(base + i * c->stride);

		*obj = s->freelist;
		s->freelist = obj;
	}
	list_add(&s->link, &c->partial);
	c->slabs++;
	return s;
}

static void slab_release(struct kmem_cache *c, struct slab *s)
{
	list_del(&s->link);
	c->slabs--;
	free_pages(s, c->order);
}

static void *cache_alloc_locked(struct kmem_cache *c)
{
	struct slab *s;

	if (!list_empty(&c->partial)) {
		s = list_first_entry(&c->partial, struct slab, link);
	} else if (!list_empty(&c->empty)) {
		s = list_first_entry(&c->empty, struct slab, link);
		list_del(&s->link);
		list_add(&s->link, &c->partial);
		c->empty_slabs--;
	} else {
		s = slab_grow(c);
		if (!s) {
			c->alloc_failures++;
			return NULL;
		}
	}

	void **obj = s->freelist;
	size_t idx = (size_t)((char *)obj - ((char *)s + c->first_off)) / c->stride;

	s->freelist = *obj;
	s->used[idx / 8] |= (uint8_t)(1u << (idx % 8));
	s->inuse++;
	if (s->inuse == c->per_slab) {
		list_del(&s->link);
		list_add(&s->link, &c->full);
	}
	c->active++;
	c->allocs++;
	return obj;
}

/* Index of the allocated object p in slab s, or -1 if p is not the start of
 * an object that is currently allocated. */
static long obj_index(const struct kmem_cache *c, const struct slab *s, const void *p)
{
	uintptr_t start = (uintptr_t)s + c->first_off;
	uintptr_t a = (uintptr_t)p;

	if (a < start || (a - start) % c->stride)
		return -1;
	size_t idx = (a - start) / c->stride;
	if (idx >= c->per_slab || !(s->used[idx / 8] & (1u << (idx % 8))))
		return -1;
	return (long)idx;
}

static void cache_free_locked(struct kmem_cache *c, struct slab *s, void *p, size_t idx)
{
	bool was_full = s->inuse == c->per_slab;

	s->used[idx / 8] &= (uint8_t)~(1u << (idx % 8));
	*(void **)p = s->freelist;
	s->freelist = p;
	s->inuse--;
	c->active--;
	c->frees++;

	if (s->inuse == 0) {
		if (c->empty_slabs < SLAB_RESERVE) {
			list_del(&s->link);
			list_add(&s->link, &c->empty);
			c->empty_slabs++;
		} else {
			slab_release(c, s);
		}
	} else if (was_full) {
		list_del(&s->link);
		list_add(&s->link, &c->partial);
	}
}

static struct slab *slab_of(const void *p)
{
	unsigned order;
	enum page_owner owner;
	void *head = page_block_find(p, &order, &owner);

	return head && owner == PAGE_OWNER_SLAB ? head : NULL;
}

static void report_bad_free(const void *p, const char *where)
{
	if (++bad_reports <= BAD_FREE_REPORTS)
		pr_warn("slab: bad free of %p (%s)\n", p, where);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct layout l;
	struct kmem_cache *c = NULL;

	if (!cache_layout(size, align, &l))
		return NULL;

	unsigned long flags = local_irq_save();
	slab_init_once();
	c = cache_alloc_locked(&cache_cache);
	if (c)
		cache_init(c, name, size, &l);
	local_irq_restore(flags);
	return c;
}

static bool cache_is_builtin(const struct kmem_cache *c)
{
	if (c == &cache_cache)
		return true;
	for (unsigned i = 0; i < KMALLOC_CLASSES; i++) {
		if (c == &kmalloc_caches[i])
			return true;
	}
	return false;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	struct list_head *pos, *tmp;
	int ret = -1;

	if (!c)
		return -1;

	unsigned long flags = local_irq_save();
	if (cache_is_builtin(c))
		goto out;
	if (c->active) {
		pr_warn("slab: %s not destroyed, %lu objects in use\n", c->name,
			(unsigned long)c->active);
		goto out;
	}
	list_for_each_safe(pos, tmp, &c->empty)
		slab_release(c, list_entry(pos, struct slab, link));
	list_del(&c->link);

	struct slab *s = slab_of(c);
	long idx = s ? obj_index(&cache_cache, s, c) : -1;
	if (idx < 0)
		report_bad_free(c, cache_cache.name);
	else
		cache_free_locked(&cache_cache, s, c, (size_t)idx);
	ret = 0;
out:
	local_irq_restore(flags);
	return ret;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	void *p;

	if (!c)
		return NULL;
	unsigned long flags = local_irq_save();
	p = cache_alloc_locked(c);
	local_irq_restore(flags);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	if (!p)
		return;

	unsigned long flags = local_irq_save();
	struct slab *s = slab_of(p);
	long idx = s && c && s->cache == c ? obj_index(c, s, p) : -1;

	if (idx >= 0) {
		cache_free_locked(c, s, p, (size_t)idx);
	} else {
		if (c)
			c->bad_frees++;
		else
			kstats.bad_frees++;
		report_bad_free(p, c ? c->name : "no cache");
	}
	local_irq_restore(flags);
}

static void fill_stats(const struct kmem_cache *c, struct slab_stats *st)
{
	memcpy(st->name, c->name, sizeof(st->name));
	st->obj_size = c->obj_size;
	st->stride = c->stride;
	st->order = c->order;
	st->objs_per_slab = c->per_slab;
	st->active_objs = c->active;
	st->total_objs = c->slabs * c->per_slab;
	st->slabs = c->slabs;
	st->empty_slabs = c->empty_slabs;
	st->allocs = c->allocs;
	st->frees = c->frees;
	st->alloc_failures = c->alloc_failures;
	st->bad_frees = c->bad_frees;
}

void kmem_cache_stats(const struct kmem_cache *c, struct slab_stats *st)
{
	unsigned long flags = local_irq_save();

	fill_stats(c, st);
	local_irq_restore(flags);
}

static struct kmem_cache *class_for(size_t size)
{
	unsigned i = 0;

	while (((size_t)KMALLOC_MIN_CLASS << i) < size)
		i++;
	return &kmalloc_caches[i];
}

struct kmem_cache *kmalloc_cache(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_CLASS)
		return NULL;

	unsigned long flags = local_irq_save();
	slab_init_once();
	local_irq_restore(flags);
	return class_for(size);
}

void *kmalloc(size_t size)
{
	void *p = NULL;

	if (size == 0)
		return NULL;

	unsigned long flags = local_irq_save();
	slab_init_once();
	if (size <= KMALLOC_MAX_CLASS) {
		p = cache_alloc_locked(class_for(size));
	} else {
		size_t pages = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
		unsigned order = 0;

		while (order <= PAGE_MAX_ORDER && ((size_t)1 << order) < pages)
			order++;
		p = order <= PAGE_MAX_ORDER ? alloc_pages(order) : NULL;
		if (p) {
			page_block_tag(p, PAGE_OWNER_KMALLOC);
			kstats.large_active++;
			kstats.large_pages += (size_t)1 << order;
		} else {
			kstats.large_failures++;
		}
	}
	local_irq_restore(flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	unsigned order;
	enum page_owner owner;

	if (!p)
		return;

	unsigned long flags = local_irq_save();
	void *head = page_block_find(p, &order, &owner);

	if (head && owner == PAGE_OWNER_SLAB) {
		struct slab *s = head;
		long idx = obj_index(s->cache, s, p);

		if (idx >= 0) {
			cache_free_locked(s->cache, s, p, (size_t)idx);
		} else {
			s->cache->bad_frees++;
			report_bad_free(p, s->cache->name);
		}
	} else if (head == p && owner == PAGE_OWNER_KMALLOC) {
		free_pages(p, order);
		kstats.large_active--;
		kstats.large_pages -= (size_t)1 << order;
	} else {
		kstats.bad_frees++;
		report_bad_free(p, "kfree");
	}
	local_irq_restore(flags);
}

void kmalloc_stats(struct kmalloc_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = kstats;
	local_irq_restore(flags);
}

size_t slab_shrink(void)
{
	struct list_head *cpos, *ctmp, *pos, *tmp;
	size_t pages = 0;
	unsigned long flags = local_irq_save();

	list_for_each_safe(cpos, ctmp, &all_caches) {
		struct kmem_cache *c = list_entry(cpos, struct kmem_cache, link);

		list_for_each_safe(pos, tmp, &c->empty) {
			slab_release(c, list_entry(pos, struct slab, link));
			c->empty_slabs--;
			pages += (size_t)1 << c->order;
		}
	}
	local_irq_restore(flags);
	return pages;
}

/* Copies the stats of the i-th cache. The shell prints one line at a time
 * with interrupts on, since a serial line is slow; so each line re-finds its
 * cache instead of holding a pointer across the print. */
static bool cache_stats_at(size_t i, struct slab_stats *st)
{
	struct list_head *pos = all_caches.next;
	bool found = false;
	unsigned long flags = local_irq_save();

	for (size_t k = 0; k < i && pos != &all_caches; k++)
		pos = pos->next;
	if (pos != &all_caches) {
		fill_stats(list_entry(pos, struct kmem_cache, link), st);
		found = true;
	}
	local_irq_restore(flags);
	return found;
}

void slab_dump(void)
{
	struct slab_stats st;
	struct kmalloc_stats ks;
	unsigned long flags = local_irq_save();

	slab_init_once();
	local_irq_restore(flags);

	pr_info("slab: %-16s %7s %8s %8s %6s %5s %6s %6s\n", "cache", "objsize",
		"active", "total", "slabs", "order", "fails", "badfree");
	for (size_t i = 0; i < SLAB_MAX_CACHES && cache_stats_at(i, &st); i++)
		pr_info("slab: %-16s %7lu %8lu %8lu %6lu %5u %6lu %6lu\n", st.name,
			(unsigned long)st.obj_size, (unsigned long)st.active_objs,
			(unsigned long)st.total_objs, (unsigned long)st.slabs, st.order,
			(unsigned long)st.alloc_failures, (unsigned long)st.bad_frees);
	kmalloc_stats(&ks);
	pr_info("slab: kmalloc large: %lu active in %lu pages, %lu failures, %lu bad frees\n",
		(unsigned long)ks.large_active, (unsigned long)ks.large_pages,
		(unsigned long)ks.large_failures, (unsigned long)ks.bad_frees);
}
