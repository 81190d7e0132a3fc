/* Descriptor ring memory, the same for both directions: a DMA-coherent array
 * of 16-byte descriptors and the software mirror beside it. */
#include "drivers/igb/igb.h"
#include "kernel/dma.h"
#include "kernel/printk.h"
#include "kernel/slab.h"

#define IGB_MIN_DESC 64		/* must exceed IGB_TX_QUEUE_WAKE + IGB_DESC_NEEDED */
#define IGB_MAX_DESC 4096
#define IGB_RING_ALIGN 128	/* silicon ignores the low 7 bits of xDBAL */

_Static_assert(IGB_MIN_DESC > IGB_TX_QUEUE_WAKE + IGB_DESC_NEEDED,
	       "a minimal TX ring must be able to wake a stopped queue");
_Static_assert(sizeof(union igb_adv_tx_desc) == sizeof(union igb_adv_rx_desc),
	       "one descriptor size for both rings");

int igb_ring_alloc(struct igb_ring *ring, uint32_t default_count, size_t info_size,
		   const char *dir)
{
	uint32_t count = ring->count ? ring->count : default_count;

	/* xDLEN must be a multiple of 128 bytes on silicon: 8 descriptors. */
	count = MIN(MAX(ALIGN_UP(count, 8u), (uint32_t)IGB_MIN_DESC), (uint32_t)IGB_MAX_DESC);
	ring->count = (uint16_t)count;
	ring->size = count * sizeof(union igb_adv_tx_desc);
	ring->desc = dma_alloc_coherent(ring->size, IGB_RING_ALIGN, &ring->dma);
	if (!ring->desc) {
		pr_err("igb: %s queue %u: no memory for %u descriptors\n", dir,
		       ring->queue_index, count);
		return -1;
	}
	/* tx_buffer_info and rx_buffer_info share the union: one pointer. */
	ring->tx_buffer_info = kzalloc(count * info_size);
	if (!ring->tx_buffer_info) {
		pr_err("igb: %s queue %u: no memory for the buffer info\n", dir,
		       ring->queue_index);
		dma_free_coherent(ring->desc, ring->size);
		ring->desc = NULL;
		return -1;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	return 0;
}

void igb_ring_free(struct igb_ring *ring)
{
	if (!ring->desc)
		return;
	kfree(ring->tx_buffer_info);
	dma_free_coherent(ring->desc, ring->size);
	ring->tx_buffer_info = NULL;
	ring->desc = NULL;
	ring->dma = 0;
	ring->size = 0;
	ring->tail = NULL;
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
}
