/* Wait queues and the one sleep primitive every blocking call goes through. */
#include <errno.h>
#include "kernel/wait.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/cpu.h"

static uint64_t deadlocks_refused;

void init_waitqueue_head(struct wait_queue_head *wq)
{
	list_init(&wq->head);
}

void wake_up(struct wait_queue_head *wq)
{
	unsigned long flags = local_irq_save();

	/* Entries stay queued until their owner's finish_wait: a thread woken
	 * twice before it runs is simply runnable. */
	for (struct list_head *p = wq->head.next; p != &wq->head; p = p->next)
		wake_up_thread(list_entry(p, struct wait_queue_entry, entry)->thread);
	local_irq_restore(flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	local_irq_disable();
	if (w->thread != current) {
		w->thread = current;
		list_add_tail(&w->entry, &wq->head);
	}
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags = local_irq_save();

	(void)wq;
	if (w->thread == current)
		list_del(&w->entry);
	w->thread = NULL;
	local_irq_restore(flags);
}

struct sleep_timer {
	struct timer_list timer;
	struct thread *thread;
};

static void sleep_timeout(struct timer_list *t)
{
	wake_up_thread(container_of(t, struct sleep_timer, timer)->thread);
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	struct sleep_timer st;
	bool timed = deadline_ns != UINT64_MAX;

	if (unlikely(in_interrupt())) {
		/* The softirq that would end the wait cannot run under us. */
		if (!deadlocks_refused++)
			pr_err("sched: %s tried to sleep with bottom halves disabled or in an interrupt; refused\n",
			       current->name);
		local_irq_enable();
		return -EDEADLK;
	}
	if (interruptible && signal_pending(current)) {
		local_irq_enable();
		return -EINTR;
	}
	if (timed && ktime_get_ns() >= deadline_ns) {
		local_irq_enable();
		return -ETIMEDOUT;
	}
	/* Pending softirqs first (they may be what we wait for); the caller
	 * re-checks its condition afterwards. */
	if (softirq_pending()) {
		local_irq_enable();
		do_softirq();
		return 0;
	}
	if (timed) {
		st.thread = current;
		timer_setup(&st.timer, sleep_timeout);
		/* Rounded up to the next whole ms: the timer never fires early. */
		timer_mod(&st.timer, (deadline_ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
	}
	if (current->state == THREAD_RUNNABLE && current != idle_thread_ptr()) {
		current->state = THREAD_SLEEPING;
		schedule();
		local_irq_enable();
	} else if (sched_others_runnable()) {
		/* The idle thread never sleeps: it lets the others run. */
		local_irq_enable();
		schedule();
	} else {
		cpu_idle_irqoff();
	}
	if (timed)
		timer_del(&st.timer);
	return 0;
}

uint64_t wait_deadlocks_refused(void)
{
	return deadlocks_refused;
}
