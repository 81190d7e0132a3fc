/* The benchmark floor: a multiboot1 guest that exits QEMU at its first
 * instruction, so QEMU's own start-up and tear-down can be measured alone. */
	.section .text
	.code32
	.balign 4
	.long 0x1BADB002
	.long 0
	.long -0x1BADB002
	.globl _start
_start:
	movw $0xF4, %dx
	xorl %eax, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b
