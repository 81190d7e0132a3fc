/* The wait-queue calls for host suites whose socket calls never really
 * sleep: queues are joined and left as the kernel does, wake-ups do nothing
 * (each suite's wait_sleep_irqoff decides what a sleep means). */
#include "kernel/irqflags.h"
#include "kernel/list.h"
#include "kernel/sched.h"
#include "kernel/wait.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
	list_init(&wq->head);
}

void wake_up(struct wait_queue_head *wq)
{
	(void)wq;
}

void wait_set_wchan(const char *what)
{
	(void)what;
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
	(void)wq;
	if (w->thread == current)
		list_del(&w->entry);
	w->thread = NULL;
}
