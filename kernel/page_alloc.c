/* Binary buddy allocator over physical pages.
 *
 * State is one byte per page of the spanned physical range (the "map"),
 * indexed from a base rounded down to a max-order block, so index alignment
 * equals physical alignment and every buddy index lies inside the map. A byte
 * is either a block head (flag bits plus the block's order), a tail page of a
 * block, or a hole (not managed: firmware, MMIO gaps, the map itself).
 *
 * Free blocks below the largest order are linked through their own first
 * bytes, which costs no extra memory. Writing there is cheap enough: such a
 * block was split off a max-order block that was being handed out, whose
 * memory is touched then anyway, or is one of the few pieces at the ragged
 * ends of a RAM range. Free max-order blocks are never touched, because under
 * a hypervisor the first write to a guest page costs a host page fault and
 * host memory, and a list node in each one would fault in all of RAM at
 * boot. Instead they sit on a stack of block numbers kept next to the map,
 * with each block's slot in the stack, so that the adjacent blocks a long
 * contiguous run needs come out of the middle in O(1).
 *
 * Keeping the order of allocated blocks in the map is what lets free_pages
 * reject double frees and wrong orders, and lets kfree find a block from any
 * address inside it. */
#include <string.h>
#include "kernel/page_alloc.h"
#include "kernel/list.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"

#define PG_HEAD        0x80
#define PG_FREE        0x40
#define PG_OWNER_SHIFT 4
#define PG_OWNER_MASK  0x30
#define PG_ORDER_MASK  0x0f
#define PG_TAIL        0x00
#define PG_HOLE        0x01

#define MAX_BLOCK_PAGES  ((size_t)1 << PAGE_MAX_ORDER)
#define MAX_BLOCK_BYTES  ((uint64_t)MAX_BLOCK_PAGES << PAGE_SHIFT)

/* Only the first few bad frees are logged: a buggy loop must not drown the
 * console, and the counter keeps the full tally. */
#define BAD_FREE_REPORTS 8

_Static_assert(PAGE_MAX_ORDER <= PG_ORDER_MASK, "order must fit the map byte");
_Static_assert((PAGE_OWNER_KMALLOC << PG_OWNER_SHIFT) <= PG_OWNER_MASK,
	       "owner must fit the map byte");
/* Physical addresses are used as pointers directly. */
_Static_assert(sizeof(uintptr_t) == sizeof(uint64_t), "64-bit identity map");

struct free_block {
	struct list_head link;
};

static struct {
	uintptr_t base;            /* address of map index 0 */
	size_t npages;             /* map length, a multiple of MAX_BLOCK_PAGES */
	uint8_t *map;              /* NULL until init succeeds */
	struct list_head free_list[PAGE_MAX_ORDER];
	/* Free max-order blocks by block number (map index >> PAGE_MAX_ORDER),
	 * and for each free one its position in max_stack. */
	size_t *max_stack;
	size_t *max_slot;
	size_t max_depth;
	struct page_stats st;
} pa;

static inline void *idx_to_ptr(size_t idx)
{
	return (void *)(pa.base + ((uintptr_t)idx << PAGE_SHIFT));
}

static inline size_t ptr_to_idx(const void *p)
{
	return ((uintptr_t)p - pa.base) >> PAGE_SHIFT;
}

static inline bool ptr_in_map(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return pa.map && a >= pa.base && ((a - pa.base) >> PAGE_SHIFT) < pa.npages;
}

/* Bytes of allocator state for a map of npages: the map, then max_stack and
 * max_slot. A map length is a multiple of MAX_BLOCK_PAGES, which keeps the
 * two arrays aligned. */
static uint64_t meta_bytes(uint64_t npages)
{
	return npages + 2 * (npages >> PAGE_MAX_ORDER) * sizeof(size_t);
}

static void free_list_add(size_t idx, unsigned order)
{
	pa.map[idx] = PG_HEAD | PG_FREE | order;
	pa.st.free_blocks[order]++;
	if (order == PAGE_MAX_ORDER) {
		size_t blk = idx >> PAGE_MAX_ORDER;

		pa.max_slot[blk] = pa.max_depth;
		pa.max_stack[pa.max_depth++] = blk;
	} else {
		struct free_block *b = idx_to_ptr(idx);

		list_add(&b->link, &pa.free_list[order]);
	}
}

static void free_list_del(size_t idx, unsigned order)
{
	pa.map[idx] = PG_TAIL;
	pa.st.free_blocks[order]--;
	if (order == PAGE_MAX_ORDER) {
		/* The top entry moves into the vacated slot, so taking a block
		 * from the middle costs the same as popping. */
		size_t slot = pa.max_slot[idx >> PAGE_MAX_ORDER];
		size_t last = pa.max_stack[--pa.max_depth];

		pa.max_stack[slot] = last;
		pa.max_slot[last] = slot;
	} else {
		struct free_block *b = idx_to_ptr(idx);

		list_del(&b->link);
	}
}

/* Puts a block on the free lists, merging with its buddy as long as the buddy
 * is a whole free block of the same order. Page counts are the caller's. */
static void free_block_merge(size_t idx, unsigned order)
{
	while (order < PAGE_MAX_ORDER) {
		size_t buddy = idx ^ ((size_t)1 << order);

		if (pa.map[buddy] != (PG_HEAD | PG_FREE | order))
			break;
		free_list_del(buddy, order);
		pa.map[idx] = PG_TAIL;
		idx &= ~((size_t)1 << order);
		order++;
	}
	free_list_add(idx, order);
}

/* Takes a block of exactly this order, splitting a larger one if needed.
 * Returns its index, or SIZE_MAX. Interrupts must be off. */
static size_t alloc_block(unsigned order)
{
	unsigned o = order;
	size_t idx;

	while (o < PAGE_MAX_ORDER && list_empty(&pa.free_list[o]))
		o++;
	if (o < PAGE_MAX_ORDER)
		idx = ptr_to_idx(pa.free_list[o].next);
	else if (pa.max_depth > 0)
		/* The most recently freed block first: its memory is the one
		 * most likely to be resident already. */
		idx = pa.max_stack[pa.max_depth - 1] << PAGE_MAX_ORDER;
	else
		return SIZE_MAX;

	free_list_del(idx, o);
	while (o > order) {
		o--;
		free_list_add(idx + ((size_t)1 << o), o);
	}
	pa.map[idx] = PG_HEAD | order;
	pa.st.free_pages -= (size_t)1 << order;
	pa.st.allocs++;
	return idx;
}

static bool is_alloc_head(size_t idx, unsigned order)
{
	return idx < pa.npages && (idx & (((size_t)1 << order) - 1)) == 0 &&
	       (pa.map[idx] & ~PG_OWNER_MASK) == (PG_HEAD | order);
}

static void bad_free(const void *p, size_t npages)
{
	pa.st.bad_frees++;
	if (pa.st.bad_frees <= BAD_FREE_REPORTS)
		pr_warn("page_alloc: bad free of %p (%lu pages)\n", p,
			(unsigned long)npages);
}

void *alloc_pages(unsigned order)
{
	unsigned long flags = local_irq_save();
	size_t idx = SIZE_MAX;

	if (pa.map && order <= PAGE_MAX_ORDER)
		idx = alloc_block(order);
	if (idx == SIZE_MAX)
		pa.st.alloc_failures++;
	local_irq_restore(flags);
	return idx == SIZE_MAX ? NULL : idx_to_ptr(idx);
}

void free_pages(void *p, unsigned order)
{
	unsigned long flags = local_irq_save();

	if (order > PAGE_MAX_ORDER || !ptr_in_map(p) ||
	    ((uintptr_t)p & (PAGE_SIZE - 1)) || !is_alloc_head(ptr_to_idx(p), order)) {
		bad_free(p, order <= PAGE_MAX_ORDER ? (size_t)1 << order : 0);
	} else {
		free_block_merge(ptr_to_idx(p), order);
		pa.st.free_pages += (size_t)1 << order;
		pa.st.frees++;
	}
	local_irq_restore(flags);
}

/* A contiguous run of n pages is kept as the blocks of n's binary expansion,
 * largest first (max-order blocks repeated while n is big). Starting from a
 * suitably aligned index, every piece is then naturally aligned, and the same
 * rule recomputed at free time finds the same pieces. */
static unsigned piece_order(size_t remaining)
{
	unsigned o = 0;

	while (o < PAGE_MAX_ORDER && ((size_t)2 << o) <= remaining)
		o++;
	return o;
}

static void mark_pieces(size_t start, size_t n)
{
	size_t off = 0;

	while (off < n) {
		unsigned o = piece_order(n - off);

		pa.map[start + off] = PG_HEAD | o;
		off += (size_t)1 << o;
	}
}

/* Frees [from, to) in the largest aligned blocks that fit. */
static void release_range(size_t from, size_t to)
{
	size_t pos = from;

	while (pos < to) {
		unsigned o = PAGE_MAX_ORDER;

		while (o > 0 && ((pos & (((size_t)1 << o) - 1)) ||
				 to - pos < ((size_t)1 << o)))
			o--;
		free_block_merge(pos, o);
		pa.st.free_pages += (size_t)1 << o;
		pos += (size_t)1 << o;
	}
}

/* Runs longer than a max-order block: look for adjacent free max-order
 * blocks, starting at indexes that meet the physical alignment. After a miss
 * the scan resumes past the block that broke the run, so the walk is linear
 * in the number of max-order slots. */
static size_t find_max_run(size_t nblocks, size_t align_pages)
{
	size_t step = MAX(align_pages, MAX_BLOCK_PAGES);
	size_t base_pfn = pa.base >> PAGE_SHIFT;
	size_t first = (step - base_pfn % step) % step;
	size_t need = nblocks * MAX_BLOCK_PAGES;
	size_t c = first;

	while (c < pa.npages && pa.npages - c >= need) {
		size_t j = 0;

		while (j < nblocks &&
		       pa.map[c + j * MAX_BLOCK_PAGES] ==
			       (PG_HEAD | PG_FREE | PAGE_MAX_ORDER))
			j++;
		if (j == nblocks)
			return c;
		c = first + ALIGN_UP(c - first + (j + 1) * MAX_BLOCK_PAGES, step);
	}
	return SIZE_MAX;
}

void *alloc_pages_contig(size_t npages, size_t align_bytes)
{
	unsigned long flags = local_irq_save();
	size_t align_pages = align_bytes > PAGE_SIZE ? align_bytes >> PAGE_SHIFT : 1;
	size_t idx = SIZE_MAX;

	if (!pa.map || npages == 0 || npages > pa.npages ||
	    (align_bytes && !IS_POW2(align_bytes)) || align_pages > pa.npages)
		goto out;

	unsigned order = 0;
	while (((size_t)1 << order) < npages || ((size_t)1 << order) < align_pages)
		order++;

	if (order <= PAGE_MAX_ORDER) {
		idx = alloc_block(order);
		if (idx == SIZE_MAX)
			goto out;
		mark_pieces(idx, npages);
		release_range(idx + npages, idx + ((size_t)1 << order));
		goto out;
	}

	size_t nblocks = (npages + MAX_BLOCK_PAGES - 1) / MAX_BLOCK_PAGES;
	idx = find_max_run(nblocks, align_pages);
	if (idx == SIZE_MAX)
		goto out;
	for (size_t j = 0; j < nblocks; j++)
		free_list_del(idx + j * MAX_BLOCK_PAGES, PAGE_MAX_ORDER);
	pa.st.free_pages -= nblocks * MAX_BLOCK_PAGES;
	pa.st.allocs++;
	mark_pieces(idx, npages);
	release_range(idx + npages, idx + nblocks * MAX_BLOCK_PAGES);
out:
	if (idx == SIZE_MAX)
		pa.st.alloc_failures++;
	local_irq_restore(flags);
	return idx == SIZE_MAX ? NULL : idx_to_ptr(idx);
}

void free_pages_contig(void *p, size_t npages)
{
	unsigned long flags = local_irq_save();
	bool ok = npages > 0 && ptr_in_map(p) && !((uintptr_t)p & (PAGE_SIZE - 1)) &&
		  npages <= pa.npages - ptr_to_idx(p);

	/* Check every piece before touching any, so a wrong length frees nothing. */
	size_t idx = ok ? ptr_to_idx(p) : 0;
	size_t off = 0;
	while (ok && off < npages) {
		unsigned o = piece_order(npages - off);

		ok = is_alloc_head(idx + off, o);
		off += (size_t)1 << o;
	}

	if (!ok) {
		bad_free(p, npages);
	} else {
		for (off = 0; off < npages;) {
			unsigned o = piece_order(npages - off);

			free_block_merge(idx + off, o);
			off += (size_t)1 << o;
		}
		pa.st.free_pages += npages;
		pa.st.frees++;
	}
	local_irq_restore(flags);
}

void page_block_tag(void *block, enum page_owner owner)
{
	unsigned long flags = local_irq_save();

	if (ptr_in_map(block) && !((uintptr_t)block & (PAGE_SIZE - 1))) {
		size_t idx = ptr_to_idx(block);
		uint8_t m = pa.map[idx];

		if ((m & (PG_HEAD | PG_FREE)) == PG_HEAD)
			pa.map[idx] = (uint8_t)((m & ~PG_OWNER_MASK) |
				((owner << PG_OWNER_SHIFT) & PG_OWNER_MASK));
	}
	local_irq_restore(flags);
}

void *page_block_find(const void *p, unsigned *order, enum page_owner *owner)
{
	unsigned long flags = local_irq_save();
	void *head = NULL;

	if (!ptr_in_map(p))
		goto out;

	/* A block of order k starts at p's page index rounded down to 2^k, and
	 * every page between that head and p is a tail. So trying the eleven
	 * alignments from the smallest up, the first head byte met is the head
	 * of the block holding p; a hole on the way means p is in no block. */
	size_t idx = ptr_to_idx(p);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		size_t h = idx & ~(((size_t)1 << o) - 1);
		uint8_t m = pa.map[h];

		if (m == PG_HOLE)
			break;
		if (!(m & PG_HEAD))
			continue;
		if (!(m & PG_FREE)) {
			head = idx_to_ptr(h);
			*order = m & PG_ORDER_MASK;
			*owner = (enum page_owner)((m & PG_OWNER_MASK) >> PG_OWNER_SHIFT);
		}
		break;
	}
out:
	local_irq_restore(flags);
	return head;
}

/* Page-rounds a range inward and clips it below limit; false if empty. */
static bool clip_range(const struct mem_range *r, uint64_t limit,
		       uint64_t *s, uint64_t *e)
{
	if (r->start > UINT64_MAX - (PAGE_SIZE - 1) || r->start >= r->end)
		return false;
	*s = ALIGN_UP(r->start, (uint64_t)PAGE_SIZE);
	*e = ALIGN_DOWN(MIN(r->end, limit), (uint64_t)PAGE_SIZE);
	return *s < *e;
}

/* Chooses the span the map covers and where the map lives. A range far above
 * the rest could make the map too big for any range; then the topmost range
 * is dropped (with a warning) and the rest tried again. */
static bool plan_map(const struct mem_range *r, size_t n, uint64_t *lo_out,
		     uint64_t *hi_out, uint64_t *map_at, size_t *map_pages)
{
	uint64_t hi = UINT64_MAX, s, e;

	for (size_t attempt = 0; attempt <= n; attempt++) {
		uint64_t lo = UINT64_MAX, top = 0, top_start = 0;

		for (size_t i = 0; i < n; i++) {
			if (!clip_range(&r[i], hi, &s, &e))
				continue;
			lo = MIN(lo, s);
			top = MAX(top, e);
			top_start = MAX(top_start, s);
		}
		if (lo == UINT64_MAX)
			return false;

		uint64_t base = ALIGN_DOWN(lo, MAX_BLOCK_BYTES);
		uint64_t span = (ALIGN_UP(top - base, MAX_BLOCK_BYTES)) >> PAGE_SHIFT;
		size_t need = (size_t)((meta_bytes(span) + PAGE_SIZE - 1) >> PAGE_SHIFT);

		for (size_t i = 0; i < n; i++) {
			if (clip_range(&r[i], top, &s, &e) &&
			    (e - s) >> PAGE_SHIFT >= need) {
				*lo_out = base;
				*hi_out = top;
				*map_at = s;
				*map_pages = need;
				return true;
			}
		}
		pr_warn("page_alloc: no room for the page map, dropping RAM above %#lx\n",
			(unsigned long)top_start);
		hi = top_start;
	}
	return false;
}

int page_alloc_init(const struct mem_range *r, size_t n)
{
	unsigned long flags = local_irq_save();
	uint64_t base, top, map_at, s, e;
	size_t map_pages;
	int ret = -1;

	memset(&pa, 0, sizeof(pa));
	for (unsigned o = 0; o < PAGE_MAX_ORDER; o++)
		list_init(&pa.free_list[o]);
	if (!r || !plan_map(r, n, &base, &top, &map_at, &map_pages))
		goto out;

	pa.base = (uintptr_t)base;
	pa.npages = (size_t)(ALIGN_UP(top - base, MAX_BLOCK_BYTES) >> PAGE_SHIFT);
	pa.map = (uint8_t *)(uintptr_t)map_at;
	pa.max_stack = (size_t *)(pa.map + pa.npages);
	pa.max_slot = pa.max_stack + (pa.npages >> PAGE_MAX_ORDER);

	/* Usable pages are first marked as tails; runs of them then become
	 * blocks. Marking before building makes overlapping or touching input
	 * ranges harmless. */
	memset(pa.map, PG_HOLE, pa.npages);
	for (size_t i = 0; i < n; i++) {
		if (clip_range(&r[i], top, &s, &e))
			memset(pa.map + ((s - base) >> PAGE_SHIFT), PG_TAIL,
			       (size_t)((e - s) >> PAGE_SHIFT));
	}
	memset(pa.map + ((map_at - base) >> PAGE_SHIFT), PG_HOLE, map_pages);

	size_t i = 0;
	while (i < pa.npages) {
		if (pa.map[i] == PG_HOLE) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < pa.npages && pa.map[j] != PG_HOLE)
			j++;
		release_range(i, j);
		i = j;
	}
	/* The blocks went on in rising address order. Turned over, the lowest
	 * comes off first and a fresh system fills RAM from the bottom up. */
	for (size_t k = 0; k < pa.max_depth / 2; k++) {
		size_t t = pa.max_stack[k];

		pa.max_stack[k] = pa.max_stack[pa.max_depth - 1 - k];
		pa.max_stack[pa.max_depth - 1 - k] = t;
	}
	for (size_t k = 0; k < pa.max_depth; k++)
		pa.max_slot[pa.max_stack[k]] = k;

	pa.st.total_pages = pa.st.free_pages;
	pa.st.meta_pages = map_pages;
	if (pa.st.total_pages == 0) {
		pa.map = NULL;
		goto out;
	}
	ret = 0;
	pr_info("page_alloc: %lu MiB free in %lu pages, map %lu KiB\n",
		(unsigned long)(pa.st.total_pages >> (20 - PAGE_SHIFT)),
		(unsigned long)pa.st.total_pages,
		(unsigned long)(map_pages << (PAGE_SHIFT - 10)));
out:
	if (ret)
		pr_err("page_alloc: no usable memory\n");
	local_irq_restore(flags);
	return ret;
}

void page_alloc_stats(struct page_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = pa.st;
	local_irq_restore(flags);
}

void page_alloc_dump(void)
{
	struct page_stats st;
	unsigned long f[PAGE_MAX_ORDER + 1];

	page_alloc_stats(&st);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		f[o] = (unsigned long)st.free_blocks[o];
	_Static_assert(PAGE_MAX_ORDER == 10, "the free block line lists 11 orders");
	pr_info("mem: total %lu MiB, free %lu MiB (%lu of %lu pages), map %lu KiB\n",
		(unsigned long)(st.total_pages >> (20 - PAGE_SHIFT)),
		(unsigned long)(st.free_pages >> (20 - PAGE_SHIFT)),
		(unsigned long)st.free_pages, (unsigned long)st.total_pages,
		(unsigned long)(st.meta_pages << (PAGE_SHIFT - 10)));
	pr_info("mem: free blocks by order 0:%lu 1:%lu 2:%lu 3:%lu 4:%lu 5:%lu "
		"6:%lu 7:%lu 8:%lu 9:%lu 10:%lu\n",
		f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]);
	pr_info("mem: allocs %lu, frees %lu, alloc failures %lu, bad frees %lu\n",
		(unsigned long)st.allocs, (unsigned long)st.frees,
		(unsigned long)st.alloc_failures, (unsigned long)st.bad_frees);
}
