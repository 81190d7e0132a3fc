/* Page tables: RAM identity-mapped with 2 MiB pages (virtual == physical, so a
 * pointer is its own DMA address); device memory mapped uncached on request. */
#ifndef RINGOS_PAGING_H
#define RINGOS_PAGING_H

#include "kernel/compiler.h"

/* Maps all RAM the loader reported, including above 4 GiB. Needs the page allocator. */
void paging_init(void);
/* Makes [phys, phys+size) reachable and uncached; returns the (identity) pointer,
 * or NULL if a page table could not be allocated. */
void *ioremap(uint64_t phys, size_t size);

/* Unmaps (guard) or maps back the 4 KiB page at `page`, splitting its 2 MiB
 * mapping once; a touch of a guard page faults (stack overflow). 0 or -1. */
int paging_set_guard(void *page, bool guard);

#endif
