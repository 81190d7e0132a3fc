/* The boot code identity-maps the first 4 GiB with 2 MiB pages. Here: RAM above
 * that, uncached windows for device registers anywhere in the 48-bit space, and
 * an unmapped page 0 so a NULL dereference faults instead of reading the BIOS. */
#include <string.h>
#include "kernel/paging.h"
#include "kernel/bootinfo.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/irqflags.h"

#define PTE_P   (1ULL << 0)
#define PTE_RW  (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS  (1ULL << 7)	/* in a PD entry: this is a 2 MiB page */
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define PAGE_2M (1ULL << 21)

extern uint64_t boot_pml4[512];

static uint64_t low_pt[512] __aligned(4096);
uint64_t paging_tables_allocated;

static uint64_t *table_next(uint64_t *entry)
{
	if (!(*entry & PTE_P)) {
		uint64_t *t = alloc_pages(0);

		if (!t)
			return NULL;
		memset(t, 0, 4096);
		paging_tables_allocated++;
		*entry = (uintptr_t)t | PTE_P | PTE_RW;
	}
	return (uint64_t *)(uintptr_t)(*entry & PTE_ADDR_MASK);
}

static void invlpg(uint64_t va)
{
	__asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory");
}

/* Identity-maps the 2 MiB page at `pa` with `flags`, replacing any old entry. */
static bool map_2m(uint64_t pa, uint64_t flags)
{
	uint64_t *pdpt, *pd;

	pdpt = table_next(&boot_pml4[(pa >> 39) & 511]);
	if (!pdpt)
		return false;
	pd = table_next(&pdpt[(pa >> 30) & 511]);
	if (!pd)
		return false;
	/* The first 2 MiB are split into 4 KiB pages; keep that table. */
	if (pa == 0)
		return true;
	pd[(pa >> 21) & 511] = pa | PTE_P | PTE_RW | PTE_PS | flags;
	invlpg(pa);
	return true;
}

void *ioremap(uint64_t phys, size_t size)
{
	unsigned long flags = local_irq_save();
	bool ok = true;

	for (uint64_t pa = ALIGN_DOWN(phys, PAGE_2M); pa < phys + size && ok; pa += PAGE_2M)
		ok = map_2m(pa, PTE_PCD | PTE_PWT);
	local_irq_restore(flags);
	return ok ? (void *)(uintptr_t)phys : NULL;
}

void paging_init(void)
{
	uint64_t *pd = (uint64_t *)(uintptr_t)(((uint64_t *)(uintptr_t)
			(boot_pml4[0] & PTE_ADDR_MASK))[0] & PTE_ADDR_MASK);

	/* 4 KiB pages for the first 2 MiB, with page 0 left out. */
	for (int i = 1; i < 512; i++)
		low_pt[i] = ((uint64_t)i << 12) | PTE_P | PTE_RW;
	pd[0] = (uintptr_t)low_pt | PTE_P | PTE_RW;
	__asm__ __volatile__("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");

	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_region *r = &boot_info.mmap[i];

		if (r->type != 1 || r->end <= (1ULL << 32))
			continue;
		for (uint64_t pa = ALIGN_DOWN(MAX(r->start, 1ULL << 32), PAGE_2M); pa < r->end;
		     pa += PAGE_2M)
			if (!map_2m(pa, 0)) {
				pr_warn("paging: out of memory mapping RAM at 0x%llx\n",
					(unsigned long long)pa);
				return;
			}
	}
}

/* The 4 KiB table under the 2 MiB page holding va, made by splitting that
 * page (same flags for every 4 KiB piece) the first time. */
static uint64_t *split_2m(uint64_t va)
{
	uint64_t *pdpt, *pd, *pt, pde;

	if (!(boot_pml4[(va >> 39) & 511] & PTE_P))
		return NULL;
	pdpt = (uint64_t *)(uintptr_t)(boot_pml4[(va >> 39) & 511] & PTE_ADDR_MASK);
	if (!(pdpt[(va >> 30) & 511] & PTE_P))
		return NULL;
	pd = (uint64_t *)(uintptr_t)(pdpt[(va >> 30) & 511] & PTE_ADDR_MASK);
	pde = pd[(va >> 21) & 511];
	if (!(pde & PTE_P))
		return NULL;
	if (!(pde & PTE_PS))
		return (uint64_t *)(uintptr_t)(pde & PTE_ADDR_MASK);
	pt = alloc_pages(0);
	if (!pt)
		return NULL;
	paging_tables_allocated++;
	for (int i = 0; i < 512; i++)
		pt[i] = ((pde & PTE_ADDR_MASK) + ((uint64_t)i << 12)) | (pde & (PTE_RW | PTE_PWT | PTE_PCD)) | PTE_P;
	pd[(va >> 21) & 511] = (uintptr_t)pt | PTE_P | PTE_RW;
	invlpg(ALIGN_DOWN(va, PAGE_2M));
	return pt;
}

int paging_set_guard(void *page, bool guard)
{
	uint64_t va = (uintptr_t)page;
	unsigned long flags = local_irq_save();
	uint64_t *pt = split_2m(va);

	if (pt) {
		uint64_t *pte = &pt[(va >> 12) & 511];

		*pte = guard ? *pte & ~PTE_P : *pte | PTE_P;
		invlpg(va);
	}
	local_irq_restore(flags);
	return pt ? 0 : -1;
}

