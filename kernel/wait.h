/* Wait queues: a thread sleeps until a condition holds, woken by whoever makes
 * it hold (a softirq delivering a packet, a timer, another thread).
 *
 * No lost wake-up: wait_event evaluates the condition with interrupts off,
 * marks the thread sleeping and queues it in the same interrupts-off window,
 * then switches. A waker that runs after the check finds the thread queued and
 * makes it runnable again; the thread re-checks when it resumes.
 *
 * Sleeping with bottom halves disabled is a bug (the softirq that would wake
 * the thread could never run): it is refused with -EDEADLK and logged once. */
#ifndef RINGOS_WAIT_H
#define RINGOS_WAIT_H

#include "kernel/compiler.h"
#include "kernel/irqflags.h"
#include "kernel/list.h"

struct thread;

struct wait_queue_head {
	struct list_head head;
};

struct wait_queue_entry {
	struct list_head entry;
	struct thread *thread;
};

#define WAIT_QUEUE_HEAD_INIT(name) { .head = LIST_HEAD_INIT((name).head) }
void init_waitqueue_head(struct wait_queue_head *wq);
/* Wakes every thread waiting on wq; any context. */
void wake_up(struct wait_queue_head *wq);

/* The building blocks of the macros below, for code that needs its own loop. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
/* Sleeps until woken, the deadline (ktime ns, UINT64_MAX: none) passes, or a
 * signal arrives (interruptible). Call with interrupts off after prepare_to_wait
 * and a false condition check; returns with interrupts on: 0 when woken,
 * -ETIMEDOUT, -EINTR, or -EDEADLK (bottom halves disabled). */
int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible);
/* Names what the running thread is about to wait for (shown by `ps`). */
void wait_set_wchan(const char *what);

/* Waits until cond is true; 0, or -ETIMEDOUT / -EINTR / -EDEADLK. cond is
 * evaluated with interrupts off, so it must be quick and must not sleep. */
/* `ps` shows the function that waits, as Linux's wchan does. */
#define __wait_event(wq, cond, deadline_ns, intr) ({				\
	struct wait_queue_entry __w = { .thread = NULL };			\
	uint64_t __deadline = (deadline_ns);					\
	int __rc = 0;								\
	wait_set_wchan(__func__);						\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w);					\
		if (cond) {							\
			local_irq_enable();					\
			break;							\
		}								\
		__rc = wait_sleep_irqoff(__deadline, (intr));			\
		if (__rc && !(cond))						\
			break;							\
		__rc = 0;							\
	}									\
	finish_wait(&(wq), &__w);						\
	__rc;									\
})
#define wait_event(wq, cond) __wait_event(wq, cond, UINT64_MAX, false)
#define wait_event_interruptible(wq, cond) __wait_event(wq, cond, UINT64_MAX, true)
/* deadline_ns: absolute, ktime_get_ns() clock. */
#define wait_event_interruptible_deadline(wq, cond, deadline_ns) \
	__wait_event(wq, cond, deadline_ns, true)

#endif
