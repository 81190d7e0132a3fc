#include "skb_arena.h"
#include "host_support.h"
#include "net/skbuff.h"

static uint64_t live_at_mark;

void test_skb_arena_setup(void)
{
	test_arena_setup(TEST_SKB_ARENA_BYTES);
	skb_init();
	test_arena_mark();
	test_skb_mark();
}

int test_skb_arena_group_setup(void **state)
{
	(void)state;
	test_skb_arena_setup();
	return 0;
}

int test_skb_arena_group_teardown(void **state)
{
	(void)state;
	test_arena_assert_all_returned();
	test_arena_teardown();
	return 0;
}

uint64_t test_skb_live(void)
{
	struct skb_stats st;

	skb_get_stats(&st);
	return st.allocated - st.freed;
}

void test_skb_mark(void)
{
	live_at_mark = test_skb_live();
}

void test_skb_assert_all_freed(void)
{
	assert_int_equal(test_skb_live(), live_at_mark);
}
