/* The long-mode GDT and a TSS. The TSS matters only for its interrupt stack
 * table: a double fault (often a kernel stack overflow) and NMI/#MC must run on
 * a known-good stack, or a broken stack turns into a silent triple fault. */
#include "kernel/gdt.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM vol. 3, 8.7)");

#define IST_STACK_SIZE 16384

static uint8_t ist_stacks[2][IST_STACK_SIZE] __aligned(16);
static struct tss tss;
static uint64_t gdt[5];

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

uintptr_t ist_stack_bottom(int ist, size_t *size)
{
	*size = IST_STACK_SIZE;
	return (uintptr_t)ist_stacks[ist - 1];
}

void gdt_init(void)
{
	uint64_t base = (uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct gdt_ptr p = { sizeof(gdt) - 1, (uintptr_t)gdt };

	tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)&ist_stacks[0][IST_STACK_SIZE];
	tss.ist[IST_NMI - 1] = (uintptr_t)&ist_stacks[1][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);

	gdt[0] = 0;
	gdt[GDT_KERNEL_CS >> 3] = 0x00AF9A000000FFFFULL;
	gdt[GDT_KERNEL_DS >> 3] = 0x00CF92000000FFFFULL;
	/* 64-bit available TSS descriptor: 16 bytes, type 9, present. */
	gdt[GDT_TSS >> 3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			    (0x89ULL << 40) | (((limit >> 16) & 0xF) << 48) |
			    (((base >> 24) & 0xFF) << 56);
	gdt[(GDT_TSS >> 3) + 1] = base >> 32;

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"ltr %w3"
		:: "m"(p), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"((uint16_t)GDT_TSS)
		: "rax", "memory");
}
