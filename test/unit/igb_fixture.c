#include "igb_fixture.h"

struct igb_adapter *ad;
unsigned int stops, wakes;
struct sk_buff *captured[MAX_CAPTURE];
unsigned int ncaptured;

void netif_tx_stop_queue(struct netdev_queue *q)
{
	if (!(q->state & (1UL << __QUEUE_STATE_XOFF)))
		stops++;
	q->state |= 1UL << __QUEUE_STATE_XOFF;
}

void netif_tx_wake_queue(struct netdev_queue *q)
{
	if (q->state & (1UL << __QUEUE_STATE_XOFF))
		wakes++;
	q->state &= ~(1UL << __QUEUE_STATE_XOFF);
}

void netif_receive_skb(struct sk_buff *skb)
{
	assert_true(ncaptured < MAX_CAPTURE);
	captured[ncaptured++] = skb;
}

int igb_fixture_setup(void **state)
{
	(void)state;
	ad = igb_fake_adapter(NQ, RING, RING);
	ad->netdev.features = NETIF_F_RXCSUM | NETIF_F_RXHASH;
	fake_jiffies = 1000;
	stops = wakes = 0;
	ncaptured = 0;
	printk_capture_reset();
	return 0;
}

int igb_fixture_teardown(void **state)
{
	(void)state;
	/* The skbs first: they hold RX buffers the cache must get back. */
	for (unsigned int i = 0; i < ncaptured; i++)
		kfree_skb(captured[i]);
	igb_fake_adapter_free(ad);
	test_skb_assert_all_freed();
	test_arena_assert_all_returned();
	return 0;
}
