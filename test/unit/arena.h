/* A host arena standing in for RAM under the page allocator, and the check
 * that a test gave back every page it took.
 *
 * One arena at a time, kept in test_arena: the page allocator itself is a
 * singleton, so two arenas could not both be live anyway. */
#ifndef RINGOS_TEST_ARENA_H
#define RINGOS_TEST_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/page_alloc.h"

/* Whole max-order blocks: offsets into the arena then share the alignment
 * the buddy allocator gives physical addresses. */
#define TEST_ARENA_ALIGN  (PAGE_SIZE << PAGE_MAX_ORDER)
/* Fresh arena memory holds this, so a test can tell what was written since. */
#define TEST_ARENA_POISON 0xaa

extern uint8_t *test_arena;

/* bytes of poisoned memory aligned to align, not yet given to the page
 * allocator: for tests that lay out their own ranges. */
uint8_t *test_arena_alloc(size_t bytes, size_t align);
/* A fresh arena, [start_off, end_off) of it handed to the page allocator,
 * and test_arena_mark(). */
void test_arena_setup_range(size_t bytes, size_t start_off, size_t end_off);
/* The same with all of it handed over. */
void test_arena_setup(size_t bytes);
/* What counts as "all returned" from now on: allocations that outlive every
 * test (static caches) are made before this. */
void test_arena_mark(void);
/* Spare slabs go back first; then every page since the mark must be free
 * again, and nothing may have been freed twice or from outside. */
void test_arena_assert_all_returned(void);
void test_arena_teardown(void);

#endif
