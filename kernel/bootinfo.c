#include <string.h>
#include "kernel/bootinfo.h"
#include "kernel/multiboot.h"

struct boot_info boot_info;

static void add_region(uint64_t addr, uint64_t len, uint32_t type)
{
	if (boot_info.mmap_count >= BOOT_MMAP_MAX || len == 0)
		return;
	boot_info.mmap[boot_info.mmap_count++] =
		(struct boot_region){ addr, addr + len, type };
}

static void add_module(uint64_t start, uint64_t end)
{
	if (boot_info.mods_count >= BOOT_MODS_MAX || end <= start)
		return;
	boot_info.mods[boot_info.mods_count++] =
		(struct boot_region){ start, end, 0 };
}

static void set_cmdline(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n >= sizeof(boot_info.cmdline)) {
		n = sizeof(boot_info.cmdline) - 1;
		boot_info.cmdline_truncated = true;
	}
	memcpy(boot_info.cmdline, s, n);
	boot_info.cmdline[n] = '\0';
}

/* QEMU's multiboot1 loader (and GRUB's mb1) put the image path first; GRUB's
 * multiboot2 does not. Drop a leading word that is not a key=value option. */
static void strip_image_name(void)
{
	char *c = boot_info.cmdline, *sp;

	while (*c == ' ')
		c++;
	sp = strchr(c, ' ');
	if (!sp)
		sp = c + strlen(c);
	if (memchr(c, '=', (size_t)(sp - c)) || sp == c)
		return;
	while (*sp == ' ')
		sp++;
	memmove(boot_info.cmdline, sp, strlen(sp) + 1);
}

static void parse_mb1(const struct mb1_info *mb)
{
	boot_info.loader = "multiboot1";
	if (mb->flags & MB1_INFO_CMDLINE) {
		set_cmdline((const char *)(uintptr_t)mb->cmdline, 4096);
		strip_image_name();
	}
	if (mb->flags & MB1_INFO_MMAP) {
		uintptr_t p = mb->mmap_addr, end = p + mb->mmap_length;

		while (p + sizeof(struct mb1_mmap_entry) <= end) {
			const struct mb1_mmap_entry *e = (const void *)p;

			add_region(e->addr, e->len, e->type);
			p += e->size + sizeof(e->size);
		}
	} else {
		/* Only the two classic sizes; mem_upper starts at 1 MiB. */
		add_region(0, (uint64_t)mb->mem_lower << 10, MMAP_AVAILABLE);
		add_region(1 << 20, (uint64_t)mb->mem_upper << 10, MMAP_AVAILABLE);
	}
	if (mb->flags & MB1_INFO_MODS) {
		const struct mb1_module *m = (const void *)(uintptr_t)mb->mods_addr;

		for (uint32_t i = 0; i < mb->mods_count && i < BOOT_MODS_MAX; i++)
			add_module(m[i].start, m[i].end);
	}
}

static void parse_mb2(uintptr_t info)
{
	const struct mb2_info *mb = (const void *)info;
	uintptr_t p = info + sizeof(*mb), end = info + mb->total_size;

	boot_info.loader = "multiboot2";
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;

		if (t->type == MB2_TAG_END || t->size < sizeof(*t))
			break;
		switch (t->type) {
		case MB2_TAG_CMDLINE:
			set_cmdline((const char *)(t + 1), t->size - sizeof(*t));
			break;
		case MB2_TAG_MMAP: {
			const struct mb2_tag_mmap *m = (const void *)t;
			uintptr_t e = p + sizeof(*m);

			if (m->entry_size < sizeof(struct mb2_mmap_entry))
				break;
			for (; e + m->entry_size <= p + t->size; e += m->entry_size) {
				const struct mb2_mmap_entry *me = (const void *)e;
				add_region(me->addr, me->len, me->type);
			}
			break;
		}
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)t;
			add_module(m->mod_start, m->mod_end);
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW: {
			size_t n = MIN(t->size - sizeof(*t), sizeof(boot_info.rsdp_copy));
			/* Prefer the ACPI 2.0 RSDP (it has the XSDT) over the 1.0 one. */
			if (!boot_info.rsdp || t->type == MB2_TAG_ACPI_NEW) {
				memcpy(boot_info.rsdp_copy, t + 1, n);
				boot_info.rsdp = (uintptr_t)boot_info.rsdp_copy;
			}
			break;
		}
		}
		p += ALIGN_UP((uintptr_t)t->size, 8);
	}
}

bool bootinfo_parse(uint32_t magic, uintptr_t info)
{
	if (magic == MB1_BOOT_MAGIC)
		parse_mb1((const struct mb1_info *)info);
	else if (magic == MB2_BOOT_MAGIC)
		parse_mb2(info);
	else
		return false;
	return true;
}

uint64_t boot_ram_bytes(void)
{
	uint64_t total = 0;

	for (size_t i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == MMAP_AVAILABLE)
			total += boot_info.mmap[i].end - boot_info.mmap[i].start;
	return total;
}
