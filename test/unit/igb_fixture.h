/* What the igb TX and RX tests share: a fresh two-queue adapter for every
 * test (igb_fake.h), the stack around the driver faked so that queue stops
 * and wakes are counted and every received skb is kept, and at teardown the
 * check that every skb and every RX buffer came back.
 *
 * The page allocator and the skb caches are set up once for the whole group
 * (the skb caches are static): run the tests with
 * test_skb_arena_group_setup and test_skb_arena_group_teardown. */
#ifndef RINGOS_TEST_IGB_FIXTURE_H
#define RINGOS_TEST_IGB_FIXTURE_H

#include "host_support.h"
#include "igb_fake.h"
#include "skb_arena.h"
#include "net/skbuff.h"

#define NQ          2
#define RING        64
#define MAX_CAPTURE 256

extern struct igb_adapter *ad;
/* Real transitions only: stopping a stopped queue is no new stop. */
extern unsigned int stops, wakes;
/* What the driver handed the stack, in order; freed at teardown. */
extern struct sk_buff *captured[MAX_CAPTURE];
extern unsigned int ncaptured;

int igb_fixture_setup(void **state);
int igb_fixture_teardown(void **state);

static inline uint32_t reg(uint32_t off)
{
	return igb_rd32(&ad->hw, off);
}

static inline void set_reg(uint32_t off, uint32_t v)
{
	igb_wr32(&ad->hw, off, v);
}

#endif
