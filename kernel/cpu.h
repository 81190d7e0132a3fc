/* CPU time accounting: every TSC cycle is charged to exactly one bucket. */
#ifndef RINGOS_CPU_H
#define RINGOS_CPU_H

#include "kernel/compiler.h"

enum cpu_bucket {
	CPU_USER,	/* the application */
	CPU_SYS,	/* kernel work on the application's behalf (socket calls, shell) */
	CPU_SOFTIRQ,
	CPU_HARDIRQ,
	CPU_IDLE,
	NR_CPU_BUCKETS,
};

/* Charges the cycles since the last switch to the current bucket, makes `bucket`
 * current, and returns the previous one for cpu_account_exit(). */
int cpu_account_enter(int bucket);
void cpu_account_exit(int prev);
/* Brackets a thread's system call (the socket API): its time is sys, whatever
 * the thread's own bucket (the application runs as user). Nestable. */
void syscall_enter(void);
void syscall_exit(void);
void cpu_account_snapshot(uint64_t cycles[NR_CPU_BUCKETS]);

extern char cpu_brand[49];
void cpu_init(void);
/* One pass of a wait: run pending softirqs, or sleep until an interrupt.
 * Call it with interrupts disabled, right after finding (with them still
 * disabled) that the awaited condition is false: an interrupt that arrives in
 * between is then taken once hlt starts and ends it, so no wake-up is lost.
 * Returns with interrupts enabled; the caller re-checks its condition. */
void cpu_idle_irqoff(void);

#endif
