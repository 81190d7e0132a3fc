/* What the box uses, in one figure: pages allocated (with the page allocator's
 * own map), the part of the malloc heap handed out, and the kernel image.
 *
 * The heap is one block of pages reserved at boot (mm_init), so the page count
 * holds all of it; it is replaced by its sbrk extent, which is what malloc has
 * really taken. The first MiB, which the allocator never gets, is in neither. */
#include "kernel/bootinfo.h"
#include "kernel/meminfo.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "libc/libc.h"

extern char __image_start[], __image_end[];

void mem_usage_get(struct mem_usage *u)
{
	struct page_stats ps;
	struct libc_heap_stats hs;
	uint64_t pages_bytes;

	page_alloc_stats(&ps);
	libc_heap_stats(&hs);
	pages_bytes = (ps.total_pages - ps.free_pages + ps.meta_pages) * PAGE_SIZE;
	pages_bytes -= MIN(pages_bytes, (uint64_t)hs.size);
	u->total_kb = boot_ram_bytes() >> 10;
	u->pages_kb = pages_bytes >> 10;
	u->heap_kb = (uint64_t)hs.used >> 10;
	u->image_kb = (uint64_t)(uintptr_t)(__image_end - __image_start) >> 10;
	u->used_kb = u->pages_kb + u->heap_kb + u->image_kb;
}

void mem_print_line(void)
{
	struct mem_usage u;

	mem_usage_get(&u);
	kprintf("MEM total_kb=%llu used_kb=%llu\n", (unsigned long long)u.total_kb,
		(unsigned long long)u.used_kb);
}
