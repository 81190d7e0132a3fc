/* Cooperative kernel threads on the one CPU. Each service, the shell and the
 * application is a thread with its own stack (a guard page below it) that runs
 * until it blocks or yields: no preemption, so process context is never
 * interrupted by another thread, only by hard IRQs and the softirqs run at
 * their exit. Softirqs also run whenever a thread blocks or yields; with no
 * thread runnable the CPU runs pending softirqs, then sleeps (sti; hlt) until
 * an interrupt, and looks again.
 *
 * Process context is the article's "sy" time (CPU_SYS, or CPU_USER for the
 * application's own code); softirq is its "si". */
#ifndef RINGOS_SCHED_H
#define RINGOS_SCHED_H

#include "kernel/compiler.h"
#include "kernel/list.h"

#define THREAD_NAME_LEN 16
#define THREAD_STACK_DEFAULT (32 * 1024)

enum thread_state {
	THREAD_RUNNABLE,
	THREAD_SLEEPING,	/* on a wait queue or a timer */
	THREAD_DEAD,
};

struct thread {
	char name[THREAD_NAME_LEN];
	int tid;
	enum thread_state state;
	void *stack;			/* lowest byte, the guard page included */
	size_t stack_size;
	uintptr_t rsp;			/* saved while switched out */
	struct list_head run_list;	/* on the run queue while RUNNABLE */
	struct list_head threads;	/* every thread, for `ps` */
	unsigned long pending_signal;	/* bit 0: interrupt (Ctrl-C) */
	int bucket;			/* CPU bucket its process context is charged to */
	uint64_t cpu_cycles;		/* time it ran, for `ps` */
	uint64_t switches;
	int syscall_depth, syscall_prev;	/* syscall_enter nesting and the bucket to return to */
	const char *wchan;		/* what it waits for, for `ps` */
};

/* The thread now running; the boot thread (kmain) until the scheduler starts. */
extern struct thread *current;

void sched_init(void);
/* A runnable thread that will run fn(arg) the next time the CPU is free;
 * NULL (logged) when no memory. The thread ends when fn returns. bucket is
 * the CPU bucket its time is charged to (CPU_SYS for services and the shell,
 * CPU_USER for the application). */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int bucket);
/* Runs the other runnable threads and pending softirqs, then returns. */
void thread_yield(void);
/* Switches away; the caller has set current->state first (with interrupts
 * off, after re-checking its condition), so a wake-up cannot be lost. */
void schedule(void);
/* Makes t runnable; any context, hard IRQ included. */
void wake_up_thread(struct thread *t);
/* Never returns: the boot thread becomes the idle loop. */
__noreturn void sched_start(void);

/* For the wait primitive: the idle thread never sleeps, it runs the others. */
struct thread *idle_thread_ptr(void);
bool sched_others_runnable(void);
struct thread *foreground_thread(void);

/* Ctrl-C on the console: the foreground thread gets SIGINT and is woken. */
#define SIGINT_PENDING 1UL
static inline bool signal_pending(const struct thread *t) { return READ_ONCE(t->pending_signal) != 0; }
void send_sigint(struct thread *t);
void clear_signal(struct thread *t);
/* The thread Ctrl-C goes to (the shell). */
void set_foreground_thread(struct thread *t);

#endif
