/* Interrupt and exception entry. Every vector gets a stub that pushes an error
 * code (a zero when the CPU pushes none) and its number, then joins one common
 * path that saves the general registers and the SSE state (compiled C and
 * newlib use XMM registers, so the interrupted code's must survive), calls
 * irq_dispatch(frame) and returns with iretq. */


	.text
	.code64

	.altmacro
	.macro isr_stub v
	.balign 16
isr_stub_\v:
	/* The CPU pushes an error code itself for these (SDM vol. 3, 6.13). */
	.if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
	pushq $0
	.endif
	pushq $\v
	jmp isr_common
	.endm

	.set vec, 0
	.rept 256
	isr_stub %vec
	.set vec, vec + 1
	.endr

isr_common:
	cld
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	/* A frame-pointer link so a backtrace from the handler reaches the
	 * interrupted code: fake frame {rbp, rip} of the interrupted context. */
	movq %rsp, %r12
	andq $~15, %rsp
	subq $512, %rsp
	fxsave (%rsp)
	pushq 17*8(%rdi)		/* interrupted RIP */
	pushq 8*8(%rdi)			/* interrupted RBP */
	movq %rsp, %rbp
	call irq_dispatch
	addq $16, %rsp
	fxrstor (%rsp)
	movq %r12, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
	.macro isr_entry v
	.quad isr_stub_\v
	.endm
	.set vec, 0
	.rept 256
	isr_entry %vec
	.set vec, vec + 1
	.endr

	.section .note.GNU-stack, "", @progbits
