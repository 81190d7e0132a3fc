/* 32-bit protected-mode entry from either multiboot loader -> 64-bit long mode.
 * In: EAX = loader magic, EBX = physical address of the boot information.
 * Builds an identity map of the first 4 GiB with 2 MiB pages (the kernel maps
 * more RAM and MMIO later), loads a minimal GDT and calls kmain(magic, info). */

#define CR0_MP      (1 << 1)
#define CR0_EM      (1 << 2)
#define CR0_WP      (1 << 16)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define CR4_OSFXSR  (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER    0xC0000080
#define EFER_LME    (1 << 8)
#define PTE_P       0x1
#define PTE_RW      0x2
#define PTE_PS      0x80

#define BOOT_STACK_SIZE 65536
#define COM1        0x3F8

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	movl %eax, %edi
	movl %ebx, %esi
	/* boot_us counts from here, the first instruction we own. */
	rdtsc
	movl %eax, boot_tsc
	movl %edx, boot_tsc + 4
	movl $boot_stack_top, %esp

	/* Long mode present? CPUID 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories covering 4 GiB. */
	movl $boot_pdpt, %eax
	orl $(PTE_P | PTE_RW), %eax
	movl %eax, boot_pml4
	movl $boot_pd, %eax
	orl $(PTE_P | PTE_RW), %eax
	movl $boot_pdpt, %ebx
	movl $4, %ecx
1:	movl %eax, (%ebx)
	addl $4096, %eax
	addl $8, %ebx
	loop 1b

	/* 2048 entries of 2 MiB each; the high dword stays 0 (bss). */
	movl $boot_pd, %ebx
	movl $(PTE_P | PTE_RW | PTE_PS), %eax
	movl $2048, %ecx
2:	movl %eax, (%ebx)
	addl $0x200000, %eax
	addl $8, %ebx
	loop 2b

	/* SSE on (newlib and compiled C use it), PAE for long mode. */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	andl $~CR0_EM, %eax
	orl $(CR0_PG | CR0_WP | CR0_MP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry

no_long_mode:
	movl $no_lm_msg, %esi
3:	lodsb
	testb %al, %al
	jz 4f
	movw $COM1, %dx
	outb %al, %dx
	jmp 3b
4:	hlt
	jmp 4b

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorq %rbp, %rbp
	fninit
	/* kmain(magic, info): both arrive zero-extended from the 32-bit registers. */
	movl %edi, %edi
	movl %esi, %esi
	call kmain
5:	cli
	hlt
	jmp 5b

	.section .rodata
no_lm_msg:
	.asciz "PANIC: CPU has no long mode (x86_64 required)\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code, ring 0 */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096

	.section .bss
	.balign 16
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
