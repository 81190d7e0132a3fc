/* switch_to(&prev->rsp, next->rsp): the cooperative context switch. Only the
 * callee-saved registers need saving: the switch is an ordinary call, so the
 * compiler already assumes every other register (XMM included) is clobbered.
 * A new thread's stack is prepared so that the first switch to it "returns"
 * into thread_start with fn in r12 and arg in r13. */
	.text
	.code64
	.globl switch_to
switch_to:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.globl thread_start
thread_start:
	/* A zero frame pointer ends the panic backtrace here. */
	xorl %ebp, %ebp
	movq %r12, %rdi
	movq %r13, %rsi
	call thread_main
	ud2

	.section .note.GNU-stack, "", @progbits
