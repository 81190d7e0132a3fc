/* Small-object caches (skbs, sockets, timers...) and kmalloc on top of them.
 *
 * A cache hands out fixed-size objects carved from slabs: naturally aligned
 * page blocks from alloc_pages with a small header in front. Every entry
 * point is safe with interrupts on or off; every allocation can return NULL,
 * and each failure is counted on the cache it hit. */
#ifndef RINGOS_SLAB_H
#define RINGOS_SLAB_H

#include "kernel/compiler.h"

#define SLAB_NAME_LEN 24

struct kmem_cache;

struct slab_stats {
	char name[SLAB_NAME_LEN];
	size_t obj_size;           /* as requested */
	size_t stride;             /* object size after alignment */
	unsigned order;            /* page order of one slab */
	unsigned objs_per_slab;
	uint64_t active_objs;
	uint64_t total_objs;
	uint64_t slabs;
	uint64_t empty_slabs;      /* kept in reserve, counted in slabs */
	uint64_t allocs, frees;
	uint64_t alloc_failures;
	uint64_t bad_frees;        /* double frees, foreign or misaligned pointers */
};

struct kmalloc_stats {
	uint64_t large_active;     /* allocations above the biggest size class */
	uint64_t large_pages;
	uint64_t large_failures;
	uint64_t bad_frees;        /* kfree of a pointer no cache or kmalloc gave out */
};

/* align: 0 for pointer alignment, else a power of two up to PAGE_SIZE.
 * Objects up to a few tens of KiB; larger ones belong in alloc_pages.
 * The name is copied (and cut to SLAB_NAME_LEN - 1 characters). */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
/* Fails (-1) while objects are still allocated, and for built-in caches. */
int kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c);
/* NULL is a no-op; a pointer not allocated from c is counted and ignored. */
void kmem_cache_free(struct kmem_cache *c, void *p);
void kmem_cache_stats(const struct kmem_cache *c, struct slab_stats *st);

/* Sizes up to KMALLOC_MAX_CLASS come from power-of-two caches (16-byte
 * aligned at least, cache-line aligned from 64 bytes up); bigger ones are
 * whole page blocks, so they are page aligned and rounded up to a power of
 * two pages, at most a max-order block. kmalloc(0) returns NULL. */
#define KMALLOC_MIN_CLASS 16
#define KMALLOC_MAX_CLASS 2048
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* Works for every size and for objects of any cache; NULL is a no-op. */
void kfree(void *p);
/* The cache serving kmalloc(size), or NULL when size takes whole pages. */
struct kmem_cache *kmalloc_cache(size_t size);
void kmalloc_stats(struct kmalloc_stats *st);

/* Gives every cache's reserve of empty slabs back to the page allocator;
 * returns the number of pages released. */
size_t slab_shrink(void);
/* One line per cache for the shell. */
void slab_dump(void);

#endif
