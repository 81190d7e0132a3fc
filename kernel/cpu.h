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
void cpu_account_snapshot(uint64_t cycles[NR_CPU_BUCKETS]);

extern char cpu_brand[49];
void cpu_init(void);
/* One pass of the idle loop: run pending softirqs, or sleep until an interrupt. */
void cpu_idle(void);

#endif
