#include <stdlib.h>
#include <string.h>
#include "igb_fake.h"
#include "host_support.h"
#include "kernel/dma.h"
#include "kernel/ktimer.h"
#include "kernel/slab.h"

/* BAR0 as the 82576 and its successors decode it. */
#define IGB_FAKE_REGS_SIZE (128u << 10)

uint64_t fake_jiffies;
unsigned int igb_fake_wait_reg_calls;

uint64_t jiffies(void)
{
	return fake_jiffies;
}

int igb_wait_reg(const struct igb_hw *hw, uint32_t reg, const char *reg_name,
		 uint32_t mask, uint32_t want, uint32_t timeout_us)
{
	(void)timeout_us;
	igb_fake_wait_reg_calls++;
	/* The register file keeps what was written: the state polled for must
	 * already be there, or the driver waits for something it never asked. */
	if ((igb_rd32(hw, reg) & mask) != want)
		fail_msg("igb_wait_reg(%s): %08x & %08x != %08x", reg_name, igb_rd32(hw, reg),
			 mask, want);
	return 0;
}

struct igb_adapter *igb_fake_adapter(unsigned int nq, uint16_t tx_count, uint16_t rx_count)
{
	struct igb_adapter *ad = calloc(1, sizeof(*ad));
	uint8_t *regs = calloc(1, IGB_FAKE_REGS_SIZE);

	assert_non_null(ad);
	assert_non_null(regs);
	assert_true(nq >= 1 && nq <= IGB_MAX_QUEUES);
	ad->hw.hw_addr = regs;
	ad->irq_mode = IGB_IRQ_MSIX;
	ad->num_queues = nq;
	strcpy(ad->netdev.name, "eth0");
	ad->netdev.priv = ad;
	for (unsigned int q = 0; q < nq; q++) {
		struct igb_ring *t = &ad->tx_ring[q], *r = &ad->rx_ring[q];
		struct igb_q_vector *v = &ad->q_vector[q];

		ad->netdev.tx_queue[q].dev = &ad->netdev;
		ad->netdev.tx_queue[q].index = q;
		t->netdev = r->netdev = &ad->netdev;
		t->queue_index = r->queue_index = (uint8_t)q;
		t->reg_idx = r->reg_idx = (uint8_t)q;
		t->count = tx_count;
		r->count = rx_count;
		t->q_vector = r->q_vector = v;
		v->adapter = ad;
		v->tx_ring = t;
		v->rx_ring = r;
	}
	igb_fake_wait_reg_calls = 0;
	return ad;
}

void igb_fake_rings_free(struct igb_adapter *ad)
{
	/* Every slot, not num_queues: a test may have lowered that since. */
	for (unsigned int q = 0; q < IGB_MAX_QUEUES; q++) {
		struct igb_ring *t = &ad->tx_ring[q], *r = &ad->rx_ring[q];

		if (t->desc)
			igb_clean_tx_ring(t);
		if (r->desc)
			igb_clean_rx_ring(r);
		igb_ring_free(t);
		igb_ring_free(r);
	}
}

void igb_fake_adapter_free(struct igb_adapter *ad)
{
	igb_fake_rings_free(ad);
	if (ad->rx_pool.priv && kmem_cache_destroy(ad->rx_pool.priv))
		fail_msg("RX buffers still held by someone");
	free((void *)ad->hw.hw_addr);
	free(ad);
}
