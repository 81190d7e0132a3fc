/* Memory bring-up: free RAM from the boot map, minus the first MiB, the kernel
 * image and any modules, goes to the page allocator; then page tables for the
 * rest of RAM and the bounded newlib heap. */
#include "kernel/mm.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "libc/libc.h"

#define MAX_RANGES (BOOT_MMAP_MAX * 4)
#define LOW_MEMORY_END (1ULL << 20)

extern char __image_start[], __image_end[];

static unsigned int heap_kib = 1024;
KPARAM_UINT("heap", heap_kib, 64, 1048576, "newlib malloc heap size in KiB");

static struct mem_range ranges[MAX_RANGES];
static size_t nranges;

/* Cuts [lo, hi) out of every range, splitting one in two where needed. */
static void reserve(uint64_t lo, uint64_t hi)
{
	size_t count = nranges;

	for (size_t i = 0; i < count; i++) {
		struct mem_range *r = &ranges[i];

		if (hi <= r->start || lo >= r->end)
			continue;
		if (lo > r->start && hi < r->end && nranges < MAX_RANGES) {
			ranges[nranges++] = (struct mem_range){ hi, r->end };
			r->end = lo;
		} else if (lo <= r->start) {
			r->start = MIN(hi, r->end);
		} else {
			r->end = lo;
		}
	}
}

void mm_init(void)
{
	void *heap;

	for (size_t i = 0; i < boot_info.mmap_count && nranges < MAX_RANGES; i++)
		if (boot_info.mmap[i].type == 1)
			ranges[nranges++] = (struct mem_range){ boot_info.mmap[i].start,
								boot_info.mmap[i].end };
	reserve(0, LOW_MEMORY_END);
	reserve((uintptr_t)__image_start, (uintptr_t)__image_end);
	for (size_t i = 0; i < boot_info.mods_count; i++)
		reserve(boot_info.mods[i].start, boot_info.mods[i].end);
	if (page_alloc_init(ranges, nranges) < 0)
		panic("mm: no usable RAM in the boot memory map");
	paging_init();

	heap = alloc_pages_contig(heap_kib / 4, PAGE_SIZE);
	if (!heap)
		panic("mm: cannot reserve a %u KiB heap", heap_kib);
	libc_heap_init(heap, (size_t)heap_kib * 1024);
}

void mm_report(void)
{
	struct page_stats st;

	page_alloc_stats(&st);
	kprintf("mem: %llu MiB RAM, kernel image %llu KiB, %llu MiB free, heap %u KiB\n",
		(unsigned long long)(boot_ram_bytes() >> 20),
		(unsigned long long)((uintptr_t)(__image_end - __image_start) >> 10),
		(unsigned long long)(st.free_pages * PAGE_SIZE >> 20), heap_kib);
}

static int cmd_mem(int argc, char **argv)
{
	struct libc_heap_stats hs;

	(void)argc;
	(void)argv;
	mm_report();
	page_alloc_dump();
	libc_heap_stats(&hs);
	kprintf("heap: %zu of %zu bytes used\n", hs.used, hs.size);
	slab_dump();
	return 0;
}
SHELL_COMMAND("mem", "memory: pages, heap, object caches", cmd_mem);
