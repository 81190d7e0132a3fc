/* Cooperative threads: the run queue, the context switch, thread creation and
 * exit, the idle loop and `ps`.
 *
 * The boot thread becomes the idle thread. It is never on the run queue:
 * schedule() falls back to it when the queue is empty, and it runs softirqs
 * and halts until an interrupt makes someone runnable. Before sched_start()
 * the boot thread is the only one running kernel init; its waits (msleep, the
 * link wait) run the other threads, if any, and otherwise idle.
 *
 * Run queue rules: a thread is on runq exactly when it is RUNNABLE, is not
 * current and is not the idle thread. Everything here runs with interrupts off
 * while it touches runq or a thread's state, because wake_up_thread may be
 * called from a hard IRQ. */
#include <string.h>
#include "kernel/sched.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/page_alloc.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

#define STACK_ORDER 4			/* 64 KiB, the lowest page the guard */
#define STACK_BYTES (4096u << STACK_ORDER)

static struct thread idle_thread = {
	.name = "idle",
	.tid = 0,
	.state = THREAD_RUNNABLE,
	.bucket = CPU_SYS,
};
struct thread *current = &idle_thread;

static struct list_head runq = LIST_HEAD_INIT(runq);
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static struct thread *zombie;		/* exited; its stack is freed by the next switch */
static struct thread *foreground;
static uint64_t last_switch_tsc;
static int next_tid = 1;
static uint64_t total_switches;

void switch_to(uintptr_t *prev_rsp, uintptr_t next_rsp);
void thread_start(void);
__noreturn void thread_main(void (*fn)(void *), void *arg);

void sched_init(void)
{
	list_init(&idle_thread.run_list);
	list_add_tail(&idle_thread.threads, &all_threads);
	last_switch_tsc = rdtsc();
}

static void free_zombie(void)
{
	struct thread *t = zombie;

	if (!t || t == current)
		return;
	zombie = NULL;
	list_del(&t->threads);
	paging_set_guard(t->stack, false);
	free_pages(t->stack, STACK_ORDER);
	kfree(t);
}

/* Interrupts are off. prev's bucket is whatever it was in (user, or sys
 * inside a system call) and is given back when it runs again. */
static void context_switch(struct thread *prev, struct thread *next)
{
	uint64_t now = rdtsc();

	prev->cpu_cycles += now - last_switch_tsc;
	last_switch_tsc = now;
	prev->bucket = cpu_account_enter(next->bucket);
	next->switches++;
	total_switches++;
	current = next;
	switch_to(&prev->rsp, next->rsp);
	/* Back in prev, switched to by someone else. */
	free_zombie();
}

void schedule(void)
{
	unsigned long flags = local_irq_save();
	struct thread *prev = current, *next;

	if (prev != &idle_thread && prev->state == THREAD_RUNNABLE && list_empty(&prev->run_list))
		list_add_tail(&prev->run_list, &runq);
	if (list_empty(&runq)) {
		next = &idle_thread;
	} else {
		next = list_first_entry(&runq, struct thread, run_list);
		list_del(&next->run_list);
		list_init(&next->run_list);
	}
	if (next != prev)
		context_switch(prev, next);
	local_irq_restore(flags);
}

void wake_up_thread(struct thread *t)
{
	unsigned long flags = local_irq_save();

	if (t->state == THREAD_SLEEPING) {
		t->state = THREAD_RUNNABLE;
		t->wchan = NULL;
		if (t != current && t != &idle_thread && list_empty(&t->run_list))
			list_add_tail(&t->run_list, &runq);
	}
	local_irq_restore(flags);
}

struct thread *idle_thread_ptr(void)
{
	return &idle_thread;
}

bool sched_others_runnable(void)
{
	return !list_empty(&runq);
}

void thread_yield(void)
{
	if (!in_interrupt())
		do_softirq();
	schedule();
}

__noreturn void thread_main(void (*fn)(void *), void *arg)
{
	/* A new thread starts from schedule()'s switch with interrupts off. */
	free_zombie();
	local_irq_enable();
	fn(arg);
	local_irq_disable();
	current->state = THREAD_DEAD;
	if (foreground == current)
		foreground = NULL;
	zombie = current;
	schedule();
	panic("sched: dead thread %s was scheduled again", current->name);
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int bucket)
{
	struct thread *t = kzalloc(sizeof(*t));
	uint64_t *sp;
	unsigned long flags;

	if (t)
		t->stack = alloc_pages(STACK_ORDER);
	if (!t || !t->stack) {
		pr_err("sched: no memory for thread %s\n", name);
		kfree(t);
		return NULL;
	}
	/* Guarding is best effort: without a page table for the split the
	 * thread still runs, only an overflow goes unnoticed. */
	if (paging_set_guard(t->stack, true) < 0)
		pr_warn("sched: no guard page for thread %s\n", name);
	strncpy(t->name, name, THREAD_NAME_LEN - 1);
	t->stack_size = STACK_BYTES;
	t->bucket = bucket;
	t->state = THREAD_RUNNABLE;
	list_init(&t->run_list);

	/* What switch_to pops: r15 r14 r13 r12 rbx rbp, then the return address.
	 * Its ret leaves rsp at the 16-byte aligned top, so thread_start's call
	 * enters thread_main with rsp + 8 aligned, as the ABI wants. */
	sp = (uint64_t *)((uintptr_t)t->stack + STACK_BYTES);
	*--sp = (uintptr_t)thread_start;
	*--sp = 0;			/* rbp */
	*--sp = 0;			/* rbx */
	*--sp = (uintptr_t)fn;		/* r12 */
	*--sp = (uintptr_t)arg;		/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	t->rsp = (uintptr_t)sp;

	flags = local_irq_save();
	t->tid = next_tid++;
	list_add_tail(&t->threads, &all_threads);
	list_add_tail(&t->run_list, &runq);
	local_irq_restore(flags);
	return t;
}

__noreturn void sched_start(void)
{
	for (;;) {
		local_irq_disable();
		/* schedule() keeps interrupts off and gives back the state it got:
		 * no need to turn them on just for it to turn them off again. */
		if (!list_empty(&runq)) {
			schedule();
			continue;
		}
		cpu_idle_irqoff();
	}
}

void send_sigint(struct thread *t)
{
	unsigned long flags = local_irq_save();

	t->pending_signal |= SIGINT_PENDING;
	wake_up_thread(t);
	local_irq_restore(flags);
}

void clear_signal(struct thread *t)
{
	WRITE_ONCE(t->pending_signal, 0);
}

void set_foreground_thread(struct thread *t)
{
	foreground = t;
}

struct thread *foreground_thread(void)
{
	return foreground;
}

static const char state_letter[] = { [THREAD_RUNNABLE] = 'R', [THREAD_SLEEPING] = 'S',
				     [THREAD_DEAD] = 'Z' };

static int cmd_ps(int argc, char **argv)
{
	unsigned long flags;
	uint64_t now;

	(void)argc;
	(void)argv;
	kprintf("  TID S      TIME(ms)   SWITCHES STACK  NAME             WCHAN\n");
	flags = local_irq_save();
	/* The running thread's time includes the slice it is in now. */
	now = rdtsc();
	current->cpu_cycles += now - last_switch_tsc;
	last_switch_tsc = now;
	local_irq_restore(flags);
	for (struct list_head *p = all_threads.next; p != &all_threads; p = p->next) {
		struct thread *t = list_entry(p, struct thread, threads);
		uint64_t ms = tsc_to_ns(t->cpu_cycles) / 1000000;

		kprintf("%5d %c %13llu %10llu %4uK  %-16s %s\n", t->tid,
			t == current ? 'R' : state_letter[t->state], (unsigned long long)ms,
			(unsigned long long)t->switches, (unsigned)(t->stack_size / 1024),
			t->name, t->wchan ? t->wchan : "-");
	}
	kprintf("context switches: %llu\n", (unsigned long long)total_switches);
	return 0;
}
SHELL_COMMAND("ps", "threads: state, CPU time, switches, what they wait for", cmd_ps);
