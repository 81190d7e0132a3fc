/* Kernel timers in milliseconds on top of the wheel (kernel/timer.h): one base,
 * driven by the TIMER softirq, with the LAPIC timer armed one-shot for the
 * earliest expiry: no periodic tick. */
#ifndef RINGOS_KTIMER_H
#define RINGOS_KTIMER_H

#include "kernel/timer.h"

/* Milliseconds since boot: the wheel's tick. */
uint64_t jiffies(void);
void timers_init(void);
/* Arms or moves t to fire at jiffies() >= expires. */
void timer_mod(struct timer_list *t, uint64_t expires);
bool timer_del(struct timer_list *t);
/* Process context: sleeps for at least ms while other threads run. With bottom
 * halves disabled the sleep is refused (logged) and returns at once. */
void msleep(uint64_t ms);
/* The same, ended early by a signal (Ctrl-C): 0, or -EINTR. */
int msleep_interruptible(uint64_t ms);

#endif
