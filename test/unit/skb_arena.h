/* The skb caches on a test arena, and the check that a test freed every skb
 * it made. The caches are static and live as long as the process, so one
 * group sets them up once and each test is judged against a mark. */
#ifndef RINGOS_TEST_SKB_ARENA_H
#define RINGOS_TEST_SKB_ARENA_H

#include <stdint.h>
#include "arena.h"

/* Room for every suite, including tests that run the page allocator dry. */
#define TEST_SKB_ARENA_BYTES (16UL << 20)

/* test_arena_setup and skb_init; the arena is marked after the caches
 * exist, so they do not count as pages a test kept. Then test_skb_mark(). */
void test_skb_arena_setup(void);
/* cmocka group fixtures: test_skb_arena_setup; at the end, every page back
 * (test_arena_assert_all_returned) and the arena gone. */
int test_skb_arena_group_setup(void **state);
int test_skb_arena_group_teardown(void **state);

/* skb structs not yet freed, clones included. */
uint64_t test_skb_live(void);
void test_skb_mark(void);
/* As many skbs live as at the mark. */
void test_skb_assert_all_freed(void);

#endif
