/* Memory shared with devices: descriptor rings, status blocks. */
#ifndef RINGOS_DMA_H
#define RINGOS_DMA_H

#include "kernel/compiler.h"

typedef uint64_t dma_addr_t;

/* size bytes of zeroed, physically contiguous memory aligned to
 * max(align, PAGE_SIZE) (align must be 0 or a power of two). Sets *dma to the
 * address the device uses. NULL on failure. */
void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma);
/* size must match the allocation. */
void dma_free_coherent(void *p, size_t size);

#endif
