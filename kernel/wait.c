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

static bool deadlock_logged;

void init_waitqueue_head(struct wait_queue_head *wq)
{
	list_init(&wq->head);
}

void wake_up(struct wait_queue_head *wq)
{
	unsigned long flags;

	/* Nobody waiting: nothing to do, and no interrupts-off section for it
	 * (Linux's wq_has_sleeper). A waiter joins the queue and then tests its
	 * condition in one interrupts-off stretch, so a waker that found the
	 * queue empty ran wholly before that stretch, and the waiter sees what
	 * the waker changed; the fence keeps that order between CPUs too. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (list_empty(&wq->head))
		return;
	flags = local_irq_save();

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
	current->wchan = NULL;
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

void wait_set_wchan(const char *what)
{
	current->wchan = what;
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	struct sleep_timer st;
	bool timed = deadline_ns != UINT64_MAX;

	if (unlikely(in_interrupt())) {
		/* The softirq that would end the wait cannot run under us. */
		if (!deadlock_logged) {
			deadlock_logged = true;
			pr_err("sched: %s tried to sleep with bottom halves disabled or in an interrupt; refused\n",
			       current->name);
		}
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

/* Sleeps on a wait queue nobody else knows: only the deadline ends the wait
 * (or, when interruptible, a signal). The deadline is in ns, and the wait's
 * timer is rounded up to the next whole ms, so the sleep is never short. */
static int sleep_until(uint64_t deadline, bool interruptible)
{
	struct wait_queue_head wq;
	int rc;

	init_waitqueue_head(&wq);
	rc = __wait_event(wq, ktime_get_ns() >= deadline, deadline, interruptible);
	if (rc == -EDEADLK)
		return rc;
	return ktime_get_ns() >= deadline ? 0 : rc;
}

void msleep(uint64_t ms)
{
	sleep_until(ktime_get_ns() + ms * NSEC_PER_MSEC, false);
}

int msleep_interruptible(uint64_t ms)
{
	return sleep_until(ktime_get_ns() + ms * NSEC_PER_MSEC, true);
}

