/* Memory in use, as the benchmark harness reads it from the `MEM` line before
 * READY (kernel/meminfo.c). */
#ifndef RINGOS_MEMINFO_H
#define RINGOS_MEMINFO_H

#include "kernel/compiler.h"

struct mem_usage {
	uint64_t total_kb;	/* RAM in the boot memory map */
	uint64_t pages_kb;	/* allocated pages and the allocator's map, the heap region excluded */
	uint64_t heap_kb;	/* malloc heap taken (its sbrk extent) */
	uint64_t image_kb;	/* the kernel image, text to bss */
	uint64_t used_kb;	/* pages + heap + image */
};

void mem_usage_get(struct mem_usage *u);
/* Prints `MEM total_kb=<n> used_kb=<n>`. */
void mem_print_line(void);

#endif
