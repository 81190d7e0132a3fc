/* Coherent DMA memory on top of the page allocator.
 *
 * x86 keeps caches coherent with device DMA, so ordinary write-back RAM is
 * already "coherent": no uncached mapping or flushing is needed. And since
 * RAM is identity mapped (virtual == physical) with no IOMMU in between, the
 * bus address a device needs is just the pointer's value. */
#include <string.h>
#include "kernel/dma.h"
#include "kernel/page_alloc.h"

static size_t dma_pages(size_t size)
{
	return size / PAGE_SIZE + (size % PAGE_SIZE != 0);
}

void *dma_alloc_coherent(size_t size, size_t align, dma_addr_t *dma)
{
	if (size == 0 || (align & (align - 1)))
		return NULL;

	void *p = alloc_pages_contig(dma_pages(size), MAX(align, PAGE_SIZE));
	if (!p)
		return NULL;
	/* Rings start with all descriptors owned by software and no stale
	 * addresses a device could chase. */
	memset(p, 0, dma_pages(size) * PAGE_SIZE);
	if (dma)
		*dma = (dma_addr_t)(uintptr_t)p;
	return p;
}

void dma_free_coherent(void *p, size_t size)
{
	if (p)
		free_pages_contig(p, dma_pages(size));
}
