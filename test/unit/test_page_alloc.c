/* Buddy page allocator and coherent DMA memory, on a host arena that stands
 * in for physical RAM: 64 MiB, aligned to 16 MiB so that offsets into it have
 * the same alignment as addresses (up to the largest alignment tested), handed
 * to the allocator as several ranges with holes and unaligned ends. */
#include <string.h>
#include "host_support.h"
#include "kernel/page_alloc.h"
#include "kernel/dma.h"
#include "kernel/irqflags.h"
#include "arena.h"

#define ARENA_SIZE   (64UL << 20)
#define ARENA_ALIGN  (16UL << 20)
#define ARENA_PAGES  (ARENA_SIZE / PAGE_SIZE)
#define MAX_BLOCK    (PAGE_SIZE << PAGE_MAX_ORDER)

static uintptr_t A;
/* Which live allocation owns each arena page (0: none). */
static uint32_t shadow[ARENA_PAGES];
static struct page_stats initial;

/* Unsorted, unaligned at both ends, with holes between them. The first
 * range is where the allocator puts its map. */
static struct mem_range ranges[3];

static void set_ranges(void)
{
	ranges[0] = (struct mem_range){ A + 0x1234, A + (10UL << 20) + 0x777 };
	ranges[1] = (struct mem_range){ A + (32UL << 20) + 3 * PAGE_SIZE, A + ARENA_SIZE };
	ranges[2] = (struct mem_range){ A + (12UL << 20), A + (30UL << 20) - 100 };
}

static uint64_t range_pages(const struct mem_range *r)
{
	uint64_t s = ALIGN_UP(r->start, (uint64_t)PAGE_SIZE);
	uint64_t e = ALIGN_DOWN(r->end, (uint64_t)PAGE_SIZE);
	return e > s ? (e - s) / PAGE_SIZE : 0;
}

static bool in_ranges(uintptr_t a, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		if (a >= ranges[i].start && a + len <= ranges[i].end)
			return true;
	}
	return false;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	return test_rng(&rng_state);
}

static int setup(void **state)
{
	(void)state;
	A = (uintptr_t)test_arena_alloc(ARENA_SIZE, ARENA_ALIGN);
	memset(shadow, 0, sizeof(shadow));
	rng_state = 0x9e3779b97f4a7c15ULL;
	set_ranges();
	printk_capture_reset();
	assert_int_equal(page_alloc_init(ranges, ARRAY_SIZE(ranges)), 0);
	page_alloc_stats(&initial);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_arena_teardown();
	return 0;
}

/* Claims the pages of [p, p + npages) in the shadow map for owner id. */
static void claim(void *p, size_t npages, uint32_t id)
{
	uintptr_t a = (uintptr_t)p;

	assert_true(in_ranges(a, npages * PAGE_SIZE));
	for (size_t i = 0; i < npages; i++) {
		size_t pg = (a - A) / PAGE_SIZE + i;
		assert_int_equal(shadow[pg], 0);
		shadow[pg] = id;
	}
}

static void unclaim(void *p, size_t npages, uint32_t id)
{
	size_t first = ((uintptr_t)p - A) / PAGE_SIZE;

	for (size_t i = 0; i < npages; i++) {
		assert_int_equal(shadow[first + i], id);
		shadow[first + i] = 0;
	}
}

static void assert_same_free_blocks(const struct page_stats *a, const struct page_stats *b)
{
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		assert_int_equal(a->free_blocks[o], b->free_blocks[o]);
}

static void test_init_with_holes(void **state)
{
	(void)state;
	uint64_t usable = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		usable += range_pages(&ranges[i]);

	/* 64 MiB span / 4 KiB = 16384 map bytes, plus 16 bytes for each of the
	 * 16 max-order slots in the free-block stack and its slot array: 5 pages. */
	assert_int_equal(initial.meta_pages, 5);
	assert_int_equal(initial.total_pages, usable - initial.meta_pages);
	assert_int_equal(initial.free_pages, initial.total_pages);

	uint64_t sum = 0;
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		sum += initial.free_blocks[o] << o;
	assert_int_equal(sum, initial.free_pages);
	/* 36..64 MiB and 12..28 MiB hold whole max-order blocks; 4..8 MiB too. */
	assert_int_equal(initial.free_blocks[PAGE_MAX_ORDER], 7 + 4 + 1);
	assert_non_null(strstr(printk_capture, "page_alloc:"));
}

static void test_exhaustion_and_refill(void **state)
{
	(void)state;
	static void *pages[ARENA_PAGES];
	size_t n = 0;

	while (n < ARENA_PAGES) {
		void *p = alloc_pages(0);
		if (!p)
			break;
		claim(p, 1, 1);
		pages[n++] = p;
	}
	assert_int_equal(n, initial.total_pages);

	struct page_stats st;
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, 0);
	assert_int_equal(st.alloc_failures, 1);
	assert_null(alloc_pages(0));
	assert_null(alloc_pages(3));
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, 3);

	/* Free in a shuffled order: merging must not depend on it. */
	for (size_t i = n; i > 1; i--) {
		size_t j = rng() % i;
		void *t = pages[i - 1];
		pages[i - 1] = pages[j];
		pages[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		unclaim(pages[i], 1, 1);
		free_pages(pages[i], 0);
	}
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_int_equal(st.bad_frees, 0);
	/* Everything merged back into the blocks the allocator started with. */
	assert_same_free_blocks(&st, &initial);
}

static void test_fragmentation(void **state)
{
	(void)state;
	static void *pages[ARENA_PAGES];
	size_t n = 0;

	while (n < ARENA_PAGES && (pages[n] = alloc_pages(0)) != NULL)
		n++;
	assert_int_equal(n, initial.total_pages);

	/* Free one page of every buddy pair: lots of free memory, no pair. */
	for (size_t i = 0; i < n; i++) {
		if (!(((uintptr_t)pages[i] >> PAGE_SHIFT) & 1))
			free_pages(pages[i], 0);
	}
	struct page_stats st;
	page_alloc_stats(&st);
	assert_true(st.free_pages >= n / 2 - 8);
	assert_int_equal(st.free_blocks[0], st.free_pages);
	uint64_t fails = st.alloc_failures;
	assert_null(alloc_pages(1));
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, fails + 1);

	for (size_t i = 0; i < n; i++) {
		if (((uintptr_t)pages[i] >> PAGE_SHIFT) & 1)
			free_pages(pages[i], 0);
	}
	void *p = alloc_pages(1);
	assert_non_null(p);
	free_pages(p, 1);
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_same_free_blocks(&st, &initial);
}

static void test_alignment_every_order(void **state)
{
	(void)state;
	void *held[PAGE_MAX_ORDER + 1][3];

	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		for (int k = 0; k < 3; k++) {
			void *p = alloc_pages(o);
			assert_non_null(p);
			assert_int_equal((uintptr_t)p % (PAGE_SIZE << o), 0);
			claim(p, (size_t)1 << o, o * 3 + k + 1);
			memset(p, o, PAGE_SIZE << o);
			held[o][k] = p;
		}
	}
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		for (int k = 0; k < 3; k++) {
			unclaim(held[o][k], (size_t)1 << o, o * 3 + k + 1);
			free_pages(held[o][k], o);
		}
	}
	struct page_stats st;
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_same_free_blocks(&st, &initial);

	assert_null(alloc_pages(PAGE_MAX_ORDER + 1));
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, 1);
}

static void test_contiguous(void **state)
{
	(void)state;
	/* Runs of several max-order blocks first, while the arena still has
	 * enough adjacent ones; then the rest, which fit anywhere. */
	static const struct { size_t npages, align; } req[] = {
		{ 2000, 8UL << 20 }, { 1025, 0 }, { 3000, 0 },
		{ 1, 0 }, { 3, 0 }, { 5, PAGE_SIZE }, { 7, 0 }, { 13, 65536 },
		{ 100, 0 }, { 1000, 1UL << 20 }, { 1023, 0 }, { 2, 1UL << 20 },
	};
	void *p[ARRAY_SIZE(req)];
	struct page_stats st;
	uint64_t used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		p[i] = alloc_pages_contig(req[i].npages, req[i].align);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % MAX(req[i].align, PAGE_SIZE), 0);
		claim(p[i], req[i].npages, (uint32_t)i + 1);
		memset(p[i], 0x55, req[i].npages * PAGE_SIZE);
		used += req[i].npages;
		/* The unused tail of a rounded-up block went back at once. */
		page_alloc_stats(&st);
		assert_int_equal(st.free_pages, initial.free_pages - used);
	}
	for (size_t i = 0; i < ARRAY_SIZE(req); i++) {
		const uint8_t *b = p[i];
		for (size_t k = 0; k < req[i].npages * PAGE_SIZE; k += 997)
			assert_int_equal(b[k], 0x55);
		unclaim(p[i], req[i].npages, (uint32_t)i + 1);
		free_pages_contig(p[i], req[i].npages);
	}
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_int_equal(st.bad_frees, 0);
	assert_same_free_blocks(&st, &initial);
}

static void test_contiguous_limits(void **state)
{
	(void)state;
	struct page_stats st;

	/* The longest run of whole max-order blocks is 36..64 MiB: 7 blocks. */
	void *p = alloc_pages_contig(7 * 1024, 0);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p, A + (36UL << 20));
	free_pages_contig(p, 7 * 1024);
	assert_null(alloc_pages_contig(7 * 1024 + 1, 0));
	assert_null(alloc_pages_contig(0, 0));
	assert_null(alloc_pages_contig(1, 3 * PAGE_SIZE));
	assert_null(alloc_pages_contig(1, 1UL << 40));
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, 4);
	assert_int_equal(st.free_pages, initial.free_pages);
}

static void test_random_workload(void **state)
{
	(void)state;
	enum { SLOTS = 512, ROUNDS = 30000 };
	static struct { void *p; size_t npages; unsigned order; bool contig; uint32_t id; } live[SLOTS];
	uint32_t next_id = 1;
	uint64_t fails = 0;

	memset(live, 0, sizeof(live));
	for (int r = 0; r < ROUNDS; r++) {
		size_t s = rng() % SLOTS;

		if (live[s].p) {
			const uint32_t *w = live[s].p;
			size_t words = live[s].npages * PAGE_SIZE / sizeof(uint32_t);
			/* Nothing else wrote into a block while it was handed out. */
			assert_int_equal(w[0], live[s].id);
			assert_int_equal(w[words - 1], live[s].id);
			unclaim(live[s].p, live[s].npages, live[s].id);
			if (live[s].contig)
				free_pages_contig(live[s].p, live[s].npages);
			else
				free_pages(live[s].p, live[s].order);
			live[s].p = NULL;
			continue;
		}

		bool contig = rng() % 4 == 0;
		size_t npages;
		unsigned order = 0;
		void *p;
		if (contig) {
			npages = 1 + rng() % 300;
			p = alloc_pages_contig(npages, (size_t)PAGE_SIZE << (rng() % 6));
		} else {
			order = (unsigned)(rng() % 7);
			npages = (size_t)1 << order;
			p = alloc_pages(order);
		}
		if (!p) {
			fails++;
			continue;
		}
		uint32_t id = next_id++;
		claim(p, npages, id);
		uint32_t *w = p;
		w[0] = id;
		w[npages * PAGE_SIZE / sizeof(uint32_t) - 1] = id;
		live[s] = (__typeof__(live[s])){ p, npages, order, contig, id };
	}
	for (size_t s = 0; s < SLOTS; s++) {
		if (!live[s].p)
			continue;
		unclaim(live[s].p, live[s].npages, live[s].id);
		if (live[s].contig)
			free_pages_contig(live[s].p, live[s].npages);
		else
			free_pages(live[s].p, live[s].order);
	}

	struct page_stats st;
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, fails);
	assert_int_equal(st.bad_frees, 0);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_same_free_blocks(&st, &initial);
}

#define REGIONS (ARENA_SIZE / MAX_BLOCK)

/* Region r is the r-th max-aligned 4 MiB of the arena. Only regions wholly
 * inside the ranges can be max-order blocks; region 0, which holds the map,
 * is not one, since the first range starts part way into it. */
static bool whole_region(size_t r)
{
	return in_ranges(A + r * MAX_BLOCK, MAX_BLOCK);
}

static bool region_unclaimed(size_t r)
{
	for (size_t pg = 0; pg < MAX_BLOCK / PAGE_SIZE; pg++) {
		if (shadow[r * (MAX_BLOCK / PAGE_SIZE) + pg])
			return false;
	}
	return true;
}

/* Whether the first len bytes of every page of region r are all fill. The
 * allocator's list nodes go at the start of a page, so a short prefix is
 * enough to catch one; len = PAGE_SIZE checks every byte. */
static bool region_holds(size_t r, uint8_t fill, size_t len)
{
	static uint8_t pattern[PAGE_SIZE];
	const uint8_t *b = test_arena + r * MAX_BLOCK;

	memset(pattern, fill, len);
	for (size_t pg = 0; pg < MAX_BLOCK / PAGE_SIZE; pg++) {
		if (memcmp(b + pg * PAGE_SIZE, pattern, len))
			return false;
	}
	return true;
}

/* Under a hypervisor the first write to a guest page costs a host page fault
 * and host memory, so neither init nor keeping a block on the free lists may
 * write to a free max-order block. */
static void test_max_blocks_untouched(void **state)
{
	(void)state;
	size_t region[REGIONS], nfree = 0;
	void *got[REGIONS];
	struct page_stats st;

	/* A fill unlike setup's poison, laid down just before a fresh init. */
	memset(test_arena, 0x5c, ARENA_SIZE);
	assert_int_equal(page_alloc_init(ranges, ARRAY_SIZE(ranges)), 0);
	page_alloc_stats(&st);
	assert_same_free_blocks(&st, &initial);
	for (size_t r = 0; r < REGIONS; r++) {
		if (!whole_region(r))
			continue;
		assert_true(region_holds(r, 0x5c, PAGE_SIZE));
		region[nfree++] = r;
	}
	assert_int_equal(nfree, st.free_blocks[PAGE_MAX_ORDER]);

	/* A fresh allocator hands them out lowest first. */
	for (size_t k = 0; k < nfree; k++) {
		got[k] = alloc_pages(PAGE_MAX_ORDER);
		assert_ptr_equal(got[k], test_arena + region[k] * MAX_BLOCK);
	}
	assert_null(alloc_pages(PAGE_MAX_ORDER));
	for (size_t i = nfree; i > 1; i--) {
		size_t j = rng() % i;
		void *t = got[i - 1];
		got[i - 1] = got[j];
		got[j] = t;
	}
	for (size_t k = 0; k < nfree; k++)
		free_pages(got[k], PAGE_MAX_ORDER);

	/* Whole-block runs take blocks out of the middle of the free set and
	 * leave no tail to give back, so they write nothing either. */
	static const struct { size_t npages, align; } runs[] = {
		{ 7 * 1024, 0 }, { 4 * 1024, 0 }, { 2 * 1024, 2 * MAX_BLOCK },
		{ 3 * 1024, 4 * MAX_BLOCK }, { 1024, MAX_BLOCK },
	};
	void *run[ARRAY_SIZE(runs)];
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		run[i] = alloc_pages_contig(runs[i].npages, runs[i].align);
		assert_non_null(run[i]);
		assert_int_equal((uintptr_t)run[i] % MAX(runs[i].align, PAGE_SIZE), 0);
		free_pages_contig(run[i], runs[i].npages);
	}
	void *both[2] = { alloc_pages_contig(4 * 1024, 0), alloc_pages_contig(7 * 1024, 0) };
	assert_non_null(both[0]);
	assert_non_null(both[1]);
	free_pages_contig(both[1], 7 * 1024);
	free_pages_contig(both[0], 4 * 1024);

	for (size_t k = 0; k < nfree; k++)
		assert_true(region_holds(region[k], 0x5c, PAGE_SIZE));
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_int_equal(st.bad_frees, 0);
	assert_int_equal(st.alloc_failures, 1);
	assert_same_free_blocks(&st, &initial);

	/* The tail of a run that ends inside a block goes back to the lists:
	 * that block is written, no other, and it merges back whole. */
	uint8_t *p = alloc_pages_contig(MAX_BLOCK / PAGE_SIZE + 1, 0);
	assert_non_null(p);
	free_pages_contig(p, MAX_BLOCK / PAGE_SIZE + 1);
	size_t touched = 0;
	for (size_t k = 0; k < nfree; k++) {
		if (!region_holds(region[k], 0x5c, PAGE_SIZE)) {
			touched++;
			assert_ptr_equal(p + MAX_BLOCK, test_arena + region[k] * MAX_BLOCK);
		}
	}
	assert_int_equal(touched, 1);
	page_alloc_stats(&st);
	assert_same_free_blocks(&st, &initial);
}

/* Every wholly free region is exactly one free max-order block, and one no
 * allocation ever overlapped still holds setup's poison. */
static void check_max_blocks(const bool *dirty, size_t len)
{
	struct page_stats st;
	uint64_t whole_free = 0, sum = 0;

	page_alloc_stats(&st);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		sum += st.free_blocks[o] << o;
	assert_int_equal(sum, st.free_pages);
	for (size_t r = 0; r < REGIONS; r++) {
		if (!whole_region(r) || !region_unclaimed(r))
			continue;
		whole_free++;
		if (!dirty[r])
			assert_true(region_holds(r, TEST_ARENA_POISON, len));
	}
	assert_int_equal(whole_free, st.free_blocks[PAGE_MAX_ORDER]);
}

static void test_random_workload_large(void **state)
{
	(void)state;
	enum { SLOTS = 20, ROUNDS = 8000, CHECK_EVERY = 64 };
	static struct { void *p; size_t npages; unsigned order; bool contig; uint32_t id; } live[SLOTS];
	bool dirty[REGIONS] = { false };
	uint32_t next_id = 1;
	uint64_t fails = 0, max_allocs = 0, long_runs = 0;
	struct page_stats st;

	memset(live, 0, sizeof(live));
	for (int r = 0; r < ROUNDS; r++) {
		size_t s = rng() % SLOTS;

		if (r % CHECK_EVERY == 0)
			check_max_blocks(dirty, 64);
		if (live[s].p) {
			const uint32_t *w = live[s].p;
			/* No list node landed in any page of a live block. */
			for (size_t pg = 0; pg < live[s].npages; pg++)
				assert_int_equal(w[pg * (PAGE_SIZE / sizeof(*w))], live[s].id);
			unclaim(live[s].p, live[s].npages, live[s].id);
			if (live[s].contig)
				free_pages_contig(live[s].p, live[s].npages);
			else
				free_pages(live[s].p, live[s].order);
			live[s].p = NULL;
			continue;
		}

		static const size_t aligns[] = { 0, PAGE_SIZE, 64 * PAGE_SIZE, MAX_BLOCK,
						 2 * MAX_BLOCK, 4 * MAX_BLOCK };
		unsigned kind = (unsigned)(rng() % 4);
		bool contig = kind == 1 || kind == 2;
		unsigned order = 0;
		size_t npages, align = 0;
		void *p;

		page_alloc_stats(&st);
		if (contig) {
			npages = kind == 1 ? 1025 + rng() % (3 * 1024) : 1 + rng() % 1500;
			align = aligns[rng() % ARRAY_SIZE(aligns)];
			p = alloc_pages_contig(npages, align);
			long_runs += p && npages > 1024;
		} else {
			order = kind == 0 ? PAGE_MAX_ORDER : (unsigned)(rng() % PAGE_MAX_ORDER);
			npages = (size_t)1 << order;
			p = alloc_pages(order);
			max_allocs += p && order == PAGE_MAX_ORDER;
			/* A plain block is refused only when no free block is big enough. */
			bool fits = false;
			for (unsigned o = order; o <= PAGE_MAX_ORDER; o++)
				fits |= st.free_blocks[o] > 0;
			assert_int_equal(p != NULL, fits);
		}
		if (!p) {
			fails++;
			continue;
		}
		assert_int_equal((uintptr_t)p % MAX(align, PAGE_SIZE << order), 0);
		uint32_t id = next_id++;
		claim(p, npages, id);
		for (size_t pg = 0; pg < npages; pg++) {
			dirty[((uintptr_t)p - A) / MAX_BLOCK + pg / (MAX_BLOCK / PAGE_SIZE)] = true;
			((uint32_t *)p)[pg * (PAGE_SIZE / sizeof(uint32_t))] = id;
		}
		live[s] = (__typeof__(live[s])){ p, npages, order, contig, id };
	}
	for (size_t s = 0; s < SLOTS; s++) {
		if (!live[s].p)
			continue;
		unclaim(live[s].p, live[s].npages, live[s].id);
		if (live[s].contig)
			free_pages_contig(live[s].p, live[s].npages);
		else
			free_pages(live[s].p, live[s].order);
	}

	check_max_blocks(dirty, PAGE_SIZE);
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, fails);
	assert_int_equal(st.bad_frees, 0);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_same_free_blocks(&st, &initial);
	/* The workload did exercise the max-order paths. */
	assert_true(max_allocs >= 100);
	assert_true(long_runs >= 100);
}

static void test_bad_frees(void **state)
{
	(void)state;
	struct page_stats st;
	int on_stack;

	void *p = alloc_pages(2);
	assert_non_null(p);
	free_pages(p, 1);                       /* wrong order */
	page_alloc_stats(&st);
	assert_int_equal(st.bad_frees, 1);
	assert_int_equal(st.free_pages, initial.free_pages - 4);

	free_pages((char *)p + PAGE_SIZE, 0);   /* a tail page */
	free_pages((char *)p + 8, 2);           /* not page aligned */
	free_pages(p, 2);
	free_pages(p, 2);                       /* double free */
	free_pages(&on_stack, 0);               /* not managed memory */
	free_pages((void *)(A + (11UL << 20)), 0); /* a hole */
	free_pages((void *)(A + 0x2000), 0);    /* the allocator's own map */
	free_pages(NULL, 0);
	free_pages(p, PAGE_MAX_ORDER + 3);
	page_alloc_stats(&st);
	assert_int_equal(st.bad_frees, 9);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_same_free_blocks(&st, &initial);
	assert_non_null(strstr(printk_capture, "bad free"));

	/* A wrong length frees nothing, not even the pieces that match. */
	void *c = alloc_pages_contig(6, 0);
	assert_non_null(c);
	free_pages_contig(c, 5);
	free_pages_contig(c, 7);
	page_alloc_stats(&st);
	assert_int_equal(st.bad_frees, 11);
	assert_int_equal(st.free_pages, initial.free_pages - 6);
	free_pages_contig(c, 6);
	free_pages_contig(c, 6);
	page_alloc_stats(&st);
	assert_int_equal(st.bad_frees, 12);
	assert_int_equal(st.free_pages, initial.free_pages);
}

static void test_block_find_and_tag(void **state)
{
	(void)state;
	unsigned order = 99;
	enum page_owner owner = PAGE_OWNER_KMALLOC;

	void *p = alloc_pages(3);
	assert_non_null(p);
	for (size_t off = 0; off < (PAGE_SIZE << 3); off += 1000) {
		assert_ptr_equal(page_block_find((char *)p + off, &order, &owner), p);
		assert_int_equal(order, 3);
		assert_int_equal(owner, PAGE_OWNER_NONE);
	}
	assert_null(page_block_find((char *)p + (PAGE_SIZE << 3), &order, &owner));
	page_block_tag(p, PAGE_OWNER_SLAB);
	assert_ptr_equal(page_block_find((char *)p + 5000, &order, &owner), p);
	assert_int_equal(owner, PAGE_OWNER_SLAB);
	/* Tagging a tail page or free memory changes nothing. */
	page_block_tag((char *)p + PAGE_SIZE, PAGE_OWNER_KMALLOC);
	assert_ptr_equal(page_block_find((char *)p + PAGE_SIZE, &order, &owner), p);
	assert_int_equal(owner, PAGE_OWNER_SLAB);
	free_pages(p, 3);
	page_block_tag(p, PAGE_OWNER_KMALLOC);
	assert_null(page_block_find(p, &order, &owner));

	/* Pieces of a contiguous run are found individually. */
	void *c = alloc_pages_contig(6, 0);
	assert_ptr_equal(page_block_find((char *)c + 5 * PAGE_SIZE, &order, &owner),
			 (char *)c + 4 * PAGE_SIZE);
	assert_int_equal(order, 1);
	free_pages_contig(c, 6);

	assert_null(page_block_find((void *)(A + (11UL << 20)), &order, &owner));
	assert_null(page_block_find(&order, &order, &owner));
	struct page_stats st;
	page_alloc_stats(&st);
	assert_int_equal(st.bad_frees, 0);
	assert_int_equal(st.free_pages, initial.free_pages);
}

static void test_overlapping_unsorted_ranges(void **state)
{
	(void)state;
	const struct mem_range r[] = {
		{ A + (20UL << 20), A + (24UL << 20) },
		{ A + (8UL << 20) + 1, A + (16UL << 20) },
		{ A + (10UL << 20), A + (20UL << 20) },      /* overlaps, touches */
		{ A + (22UL << 20), A + (23UL << 20) },      /* contained */
		{ A + (40UL << 20), A + (40UL << 20) + 4095 }, /* less than a page */
		{ A + (50UL << 20), A + (40UL << 20) },      /* empty */
	};
	struct page_stats st;

	assert_int_equal(page_alloc_init(r, ARRAY_SIZE(r)), 0);
	page_alloc_stats(&st);
	uint64_t span = ((24UL << 20) - (8UL << 20) - PAGE_SIZE) / PAGE_SIZE;
	assert_int_equal(st.total_pages, span - st.meta_pages);
	/* Touching ranges form one run; the map took the first page of the
	 * first range (20 MiB), leaving 12..20 MiB as whole max blocks. */
	assert_int_equal(st.free_blocks[PAGE_MAX_ORDER], 2);
}

static void test_init_failures(void **state)
{
	(void)state;
	const struct mem_range tiny = { A + 100, A + PAGE_SIZE + 100 };
	const struct mem_range one = { A, A + PAGE_SIZE };
	struct page_stats st;

	assert_int_equal(page_alloc_init(NULL, 0), -1);
	assert_int_equal(page_alloc_init(&tiny, 1), -1);
	/* One page holds just the map: nothing left to hand out. */
	assert_int_equal(page_alloc_init(&one, 1), -1);
	assert_null(alloc_pages(0));
	assert_null(alloc_pages_contig(1, 0));
	free_pages(test_arena, 0);
	page_alloc_stats(&st);
	assert_int_equal(st.alloc_failures, 2);
	assert_int_equal(st.bad_frees, 1);
	assert_non_null(strstr(printk_capture, "no usable memory"));
}

/* A range far above the rest would need a map bigger than any range; it is
 * dropped (never touched: it does not exist on the host) and the rest used. */
static void test_far_range_dropped(void **state)
{
	(void)state;
	const struct mem_range r[] = {
		{ A + (1UL << 40), A + (1UL << 40) + (16UL << 20) },
		{ A, A + ARENA_SIZE },
	};
	struct page_stats st;

	printk_capture_reset();
	assert_int_equal(page_alloc_init(r, ARRAY_SIZE(r)), 0);
	page_alloc_stats(&st);
	assert_int_equal(st.meta_pages, 5);
	assert_int_equal(st.total_pages, ARENA_PAGES - 5);
	assert_non_null(strstr(printk_capture, "dropping RAM"));
	void *p = alloc_pages(PAGE_MAX_ORDER);
	assert_non_null(p);
	assert_true((uintptr_t)p >= A && (uintptr_t)p < A + ARENA_SIZE);
	free_pages(p, PAGE_MAX_ORDER);
}

static void test_dma_coherent(void **state)
{
	(void)state;
	dma_addr_t dma = 0;
	struct page_stats st;

	uint8_t *p = dma_alloc_coherent(10000, 0, &dma);
	assert_non_null(p);
	assert_int_equal(dma, (uintptr_t)p);
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);

	uint8_t *q = dma_alloc_coherent(64, 65536, &dma);
	assert_non_null(q);
	assert_int_equal(dma, (uintptr_t)q);
	assert_int_equal((uintptr_t)q % 65536, 0);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(q[i], 0);

	uint8_t *r = dma_alloc_coherent(5 * MAX_BLOCK / 2, 2 * MAX_BLOCK, NULL);
	assert_non_null(r);
	assert_int_equal((uintptr_t)r % (2 * MAX_BLOCK), 0);
	size_t nonzero = 0;
	for (size_t i = 0; i < 5 * MAX_BLOCK / 2; i++)
		nonzero += r[i] != 0;
	assert_int_equal(nonzero, 0);

	assert_null(dma_alloc_coherent(0, 0, &dma));
	assert_null(dma_alloc_coherent(4096, 100, &dma));

	dma_free_coherent(p, 10000);
	dma_free_coherent(q, 64);
	dma_free_coherent(r, 5 * MAX_BLOCK / 2);
	dma_free_coherent(NULL, 4096);
	page_alloc_stats(&st);
	assert_int_equal(st.free_pages, initial.free_pages);
	assert_int_equal(st.bad_frees, 0);
}

static void test_irq_state_preserved(void **state)
{
	(void)state;
	host_irq_disabled = 1;
	void *p = alloc_pages(0);
	assert_int_equal(host_irq_disabled, 1);
	free_pages(p, 0);
	assert_int_equal(host_irq_disabled, 1);
	host_irq_disabled = 0;
	p = alloc_pages_contig(3, 0);
	assert_int_equal(host_irq_disabled, 0);
	free_pages_contig(p, 3);
	assert_int_equal(host_irq_disabled, 0);
}

static void test_dump(void **state)
{
	(void)state;
	void *p = alloc_pages(0);
	assert_null(alloc_pages(PAGE_MAX_ORDER + 1));
	printk_capture_reset();
	page_alloc_dump();
	assert_int_equal(printk_capture_lines(), 3);
	assert_non_null(strstr(printk_capture, "mem: total"));
	assert_non_null(strstr(printk_capture, "free blocks by order 0:"));
	assert_non_null(strstr(printk_capture, "alloc failures 1"));
	free_pages(p, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_with_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_and_refill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragmentation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_every_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contiguous_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_workload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_blocks_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_workload_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_find_and_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_unsorted_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_far_range_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_coherent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_state_preserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
