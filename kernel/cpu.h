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
/* TSC cycles of sys spent inside socket calls since boot: network work in
 * process context (the rest of sys is the shell, services' own code, boot). */
uint64_t cpu_net_sys_cycles(void);

/* `cpu -w [SEC [COUNT]]` (kernel/cpu_watch.c): argv after the -w. */
int cpu_watch_cmd(int argc, char **argv);
/* One interval's counters, as cpu -w samples them. */
struct cpu_sample {
	uint64_t cycles[NR_CPU_BUCKETS];
	uint64_t net_sys_cycles;	/* cpu_net_sys_cycles() */
	uint64_t net_softirq_ns;	/* time inside NET_RX and NET_TX handlers */
};
/* The line for the interval from a to b: the five buckets' shares of it and
 * the network work's split between sys and softirq. Returns snprintf's count. */
int cpu_watch_format(char *buf, unsigned long size, unsigned int index,
		     const struct cpu_sample *a, const struct cpu_sample *b);

extern char cpu_brand[49];
void cpu_init(void);
/* One pass of a wait: run pending softirqs, or sleep until an interrupt.
 * Call it with interrupts disabled, right after finding (with them still
 * disabled) that the awaited condition is false: an interrupt that arrives in
 * between is then taken once hlt starts and ends it, so no wake-up is lost.
 * Returns with interrupts enabled; the caller re-checks its condition. */
void cpu_idle_irqoff(void);

#endif
