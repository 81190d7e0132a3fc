/* Physical page allocator: a binary buddy system over 4 KiB pages.
 *
 * RAM is identity mapped, so the pointers handed out are also physical (and
 * DMA) addresses. Every block of order k is 2^k pages long and aligned to its
 * own size in physical address terms. All entry points are safe with
 * interrupts on or off. */
#ifndef RINGOS_PAGE_ALLOC_H
#define RINGOS_PAGE_ALLOC_H

#include "kernel/compiler.h"

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
/* Largest buddy block: 2^10 pages = 4 MiB. */
#define PAGE_MAX_ORDER  10

/* [start, end) in bytes. */
struct mem_range {
	uint64_t start, end;
};

struct page_stats {
	uint64_t total_pages;      /* pages handed to the buddy lists at init */
	uint64_t free_pages;
	uint64_t meta_pages;       /* pages used by the map and max-order stack */
	uint64_t free_blocks[PAGE_MAX_ORDER + 1];
	uint64_t allocs;           /* successful block allocations */
	uint64_t frees;            /* successful block frees */
	uint64_t alloc_failures;
	uint64_t bad_frees;        /* double frees, wrong order, foreign addresses */
};

/* Takes the free RAM ranges (already excluding the kernel image, boot data and
 * the first MiB). Ranges may be unaligned, unsorted, overlapping or leave
 * holes. Carves the allocator's map (one byte per page of the spanned
 * address range, plus 16 bytes per 4 MiB of it) out of them and frees the
 * rest, without writing to any of the free max-order blocks. Returns 0, or -1
 * if nothing usable is left. Calling it again discards all previous state. */
int page_alloc_init(const struct mem_range *free, size_t n);

/* 2^order contiguous pages, or NULL. */
void *alloc_pages(unsigned order);
/* Gives a block back and merges it with its free buddies. A pointer or order
 * that does not name an allocated block is counted and ignored. */
void free_pages(void *p, unsigned order);

/* npages contiguous pages aligned to align_bytes (a power of two, or 0 for a
 * page), for descriptor rings and buffers that are not a power of two long.
 * The unused tail of the underlying block goes straight back to the free
 * lists; runs longer than a max-order block are assembled from adjacent ones.
 * Release with free_pages_contig and the same npages. */
void *alloc_pages_contig(size_t npages, size_t align_bytes);
void free_pages_contig(void *p, size_t npages);

/* Who holds an allocated block, recorded in the page map so kfree can tell
 * slab pages from page-sized kmalloc blocks (and from blocks it never gave
 * out) without a header in any of them. */
enum page_owner {
	PAGE_OWNER_NONE = 0,
	PAGE_OWNER_SLAB = 1,
	PAGE_OWNER_KMALLOC = 2,
};

/* Records the owner of an allocated block; no effect on anything else. */
void page_block_tag(void *block, enum page_owner owner);
/* Finds the allocated block containing p: returns its first byte and sets
 * *order and *owner, or returns NULL if p is not inside an allocated block. */
void *page_block_find(const void *p, unsigned *order, enum page_owner *owner);

void page_alloc_stats(struct page_stats *st);
/* Summary for the shell `mem` command. */
void page_alloc_dump(void);

#endif
