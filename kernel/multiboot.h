/* Multiboot 1 and 2 boot-information wire formats (only the parts we read). */
#ifndef RINGOS_MULTIBOOT_H
#define RINGOS_MULTIBOOT_H

#include "kernel/compiler.h"

#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36D76289

/* Multiboot 1 information structure, section 3.3 of the specification. */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __packed;

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)

/* Each entry is preceded by its own size, which does not count itself. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __packed;

struct mb1_module {
	uint32_t start, end, string, reserved;
} __packed;

/* Multiboot 2: a fixed header then 8-byte aligned tags, ending with type 0. */
struct mb2_info {
	uint32_t total_size, reserved;
} __packed;

struct mb2_tag {
	uint32_t type, size;
} __packed;

#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_tag_mmap {
	uint32_t type, size, entry_size, entry_version;
} __packed;

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
} __packed;

struct mb2_tag_module {
	uint32_t type, size, mod_start, mod_end;
} __packed;

#define MMAP_AVAILABLE 1

_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "mb1 mmap entry");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2 mmap entry");

#endif
