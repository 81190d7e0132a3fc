#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "host_support.h"
#include "kernel/slab.h"

uint8_t *test_arena;
static struct page_stats marked;

/* net/core/skbuff.c's, in the suites that link it: the free structs and
 * buffers its hot-path caches keep are memory the slab lent out. */
void skb_cache_drain(void) __attribute__((weak));

uint8_t *test_arena_alloc(size_t bytes, size_t align)
{
	test_arena = aligned_alloc(align, bytes);
	assert_non_null(test_arena);
	memset(test_arena, TEST_ARENA_POISON, bytes);
	return test_arena;
}

void test_arena_setup_range(size_t bytes, size_t start_off, size_t end_off)
{
	struct mem_range r;

	assert_true(start_off < end_off && end_off <= bytes);
	r.start = (uintptr_t)test_arena_alloc(bytes, TEST_ARENA_ALIGN) + start_off;
	r.end = (uintptr_t)test_arena + end_off;
	assert_int_equal(page_alloc_init(&r, 1), 0);
	test_arena_mark();
}

void test_arena_setup(size_t bytes)
{
	test_arena_setup_range(bytes, 0, bytes);
}

void test_arena_mark(void)
{
	/* Marked as it is checked: with the caches empty and their slabs
	 * released. */
	if (skb_cache_drain) {
		skb_cache_drain();
		slab_shrink();
	}
	page_alloc_stats(&marked);
}

void test_arena_assert_all_returned(void)
{
	struct page_stats now;

	if (skb_cache_drain)
		skb_cache_drain();
	slab_shrink();
	page_alloc_stats(&now);
	assert_int_equal(now.free_pages, marked.free_pages);
	assert_int_equal(now.bad_frees, 0);
}

void test_arena_teardown(void)
{
	free(test_arena);
	test_arena = NULL;
}
