/* Softirqs: deferred work that a hard IRQ (or anyone) raises and that runs with
 * interrupts enabled soon after, at the outermost irq_exit(), at local_bh_enable(),
 * or from the idle loop. Also the interrupt-context bookkeeping that decides when
 * running them is allowed. */
#ifndef RINGOS_SOFTIRQ_H
#define RINGOS_SOFTIRQ_H

#include "kernel/compiler.h"

/* Lower number runs first within a pass. The spare slots keep the table, the
 * counters and the shell output stable when a new user claims one. */
enum {
	HI_SOFTIRQ,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	SPARE4_SOFTIRQ,
	SPARE5_SOFTIRQ,
	NR_SOFTIRQS,
};

/* One do_softirq() call runs at most this many passes over the pending mask... */
#define SOFTIRQ_MAX_PASSES	10
/* ...and starts no new pass after this long; the rest waits for the idle loop. */
#define SOFTIRQ_BUDGET_NS	(2 * 1000 * 1000ULL)

extern const char *const softirq_names[NR_SOFTIRQS];

/* Installs the handler for nr; meant for boot, before nr can be raised. */
void open_softirq(unsigned int nr, void (*action)(void));

/* Marks nr pending. raise_softirq() is safe from any context; the _irqoff variant
 * is for callers that already run with interrupts disabled (hard IRQ handlers). */
void raise_softirq(unsigned int nr);
void raise_softirq_irqoff(unsigned int nr);
bool softirq_pending(void);

/* Bracket every hard interrupt handler, with interrupts disabled. The outermost
 * irq_exit() runs pending softirqs unless the interrupted code was already in a
 * softirq or had bottom halves disabled. Hard IRQ time is charged to CPU_HARDIRQ. */
void irq_enter(void);
void irq_exit(void);

/* Bottom-half exclusion for state shared between process context and softirqs.
 * Nestable; the outermost enable runs what was raised meanwhile. */
void local_bh_disable(void);
void local_bh_enable(void);

/* Runs pending softirqs now if the current context allows it (process context,
 * bottom halves enabled); for the idle loop and blocking calls. */
void do_softirq(void);

/* in_irq: inside a hard IRQ handler. in_softirq: running a softirq or with bottom
 * halves disabled (either way softirqs cannot start here). in_interrupt: either. */
bool in_irq(void);
bool in_softirq(void);
bool in_serving_softirq(void);
bool in_interrupt(void);

struct softirq_stats {
	uint64_t run[NR_SOFTIRQS];	/* handler invocations */
	uint64_t raised[NR_SOFTIRQS];	/* raise calls, including already-pending ones */
	uint64_t time_ns[NR_SOFTIRQS];	/* inside each handler, less hard IRQs (`cpu -w`) */
	uint64_t budget_exhausted;	/* calls that stopped on SOFTIRQ_BUDGET_NS */
	uint64_t restart_limited;	/* calls that stopped on SOFTIRQ_MAX_PASSES */
};

void softirq_get_stats(struct softirq_stats *out);
/* The /proc/softirqs-like table for the shell `softirqs` command. */
void softirq_dump(void);

#endif
