/* What the loader told us, copied into kernel memory before anything allocates,
 * so the loader's structures need not be protected afterwards. */
#ifndef RINGOS_BOOTINFO_H
#define RINGOS_BOOTINFO_H

#include "kernel/compiler.h"

#define BOOT_CMDLINE_MAX 1024
#define BOOT_MMAP_MAX    64
#define BOOT_MODS_MAX    8

struct boot_region {
	uint64_t start, end;	/* [start, end) */
	uint32_t type;		/* 1 = available RAM, as in the E820 map */
};

struct boot_info {
	const char *loader;		/* "multiboot1" or "multiboot2" */
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	struct boot_region mmap[BOOT_MMAP_MAX];
	size_t mmap_count;
	struct boot_region mods[BOOT_MODS_MAX];
	size_t mods_count;
	uint64_t rsdp;			/* physical address of a copy of the RSDP, or 0 */
	uint8_t rsdp_copy[36];		/* multiboot2 hands the RSDP over inside a tag */
};

extern struct boot_info boot_info;

/* Returns false when the magic matches neither multiboot version. */
bool bootinfo_parse(uint32_t magic, uintptr_t info);
uint64_t boot_ram_bytes(void);

#endif
