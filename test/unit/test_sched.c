/* Threads and wait queues on the host: the real scheduler, context switch
 * (kernel/switch.S runs unchanged in a Linux process) and softirq core, with
 * a fake clock, fake timers and a fake idle that plays the interrupts a test
 * scripts. Checks: run order, wake-ups from "interrupt" context, no lost
 * wake-up, signals, deadlines, refusal to sleep with bottom halves disabled,
 * thread exit and stack release. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"

/* ---- fakes -------------------------------------------------------------- */

static uint64_t fake_now;
uint64_t ktime_get_ns(void) { return fake_now; }
uint64_t tsc_to_ns(uint64_t c) { return c; }

static int cur_bucket = CPU_SYS;
int cpu_account_enter(int bucket)
{
	int prev = cur_bucket;

	cur_bucket = bucket;
	return prev;
}
void cpu_account_exit(int prev) { cur_bucket = prev; }

static int pages_live;
void *alloc_pages(unsigned order)
{
	pages_live++;
	return aligned_alloc(4096, 4096u << order);
}
void free_pages(void *p, unsigned order)
{
	(void)order;
	pages_live--;
	free(p);
}
static int guards_set;
int paging_set_guard(void *page, bool guard)
{
	(void)page;
	guards_set += guard ? 1 : -1;
	return 0;
}
void *kzalloc(size_t n) { return calloc(1, n); }
void kfree(void *p) { free(p); }
void panic(const char *fmt, ...)
{
	(void)fmt;
	fail_msg("panic");
	abort();
}

/* Timers: a handful armed at once is all a test needs. */
static struct timer_list *armed[8];
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	list_init(&t->entry);
	t->fn = fn;
}
void timer_mod(struct timer_list *t, uint64_t expires)
{
	t->expires = expires;
	for (size_t i = 0; i < ARRAY_SIZE(armed); i++)
		if (armed[i] == t)
			return;
	for (size_t i = 0; i < ARRAY_SIZE(armed); i++)
		if (!armed[i]) {
			armed[i] = t;
			return;
		}
	fail_msg("too many timers");
}
bool timer_del(struct timer_list *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(armed); i++)
		if (armed[i] == t) {
			armed[i] = NULL;
			return true;
		}
	return false;
}

/* What the "hardware" does when the CPU idles: the next scripted event (an
 * interrupt at a time) or the earliest timer, whichever comes first. */
static void (*irq_event)(void);
static uint64_t irq_event_at;
static int idles;

static void fire_timer_if_due(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(armed); i++) {
		struct timer_list *t = armed[i];

		if (t && t->expires * NSEC_PER_MSEC <= fake_now) {
			armed[i] = NULL;
			t->fn(t);
		}
	}
}

void cpu_idle_irqoff(void)
{
	uint64_t next = UINT64_MAX;

	idles++;
	assert_true(idles < 1000);
	for (size_t i = 0; i < ARRAY_SIZE(armed); i++)
		if (armed[i])
			next = MIN(next, armed[i]->expires * NSEC_PER_MSEC);
	if (irq_event && irq_event_at <= next) {
		void (*ev)(void) = irq_event;

		irq_event = NULL;
		fake_now = MAX(fake_now, irq_event_at);
		irq_enter();
		ev();
		irq_exit();
	} else if (next != UINT64_MAX) {
		fake_now = MAX(fake_now, next);
		fire_timer_if_due();
	} else {
		fail_msg("idle with nothing that could ever wake the CPU");
	}
	local_irq_enable();
}

/* ---- scenarios ---------------------------------------------------------- */

static char order[64];
static size_t order_len;
static void mark(char c)
{
	assert_true(order_len < sizeof(order) - 1);
	order[order_len++] = c;
	order[order_len] = '\0';
}

static struct wait_queue_head wq;
static volatile bool flag;
static int rc_seen;

static void setup_each(void)
{
	order_len = 0;
	order[0] = '\0';
	flag = false;
	rc_seen = 1;
	idles = 0;
	irq_event = NULL;
	init_waitqueue_head(&wq);
	memset(armed, 0, sizeof(armed));
}

/* The idle loop (sched_start's body) from the test's own thread, which is the
 * idle thread, until the threads have left `want` marks and none is runnable. */
static void idle_until(size_t want)
{
	for (int i = 0; i < 1000; i++) {
		local_irq_disable();
		if (sched_others_runnable()) {
			local_irq_enable();
			schedule();
			continue;
		}
		if (order_len >= want) {
			local_irq_enable();
			return;
		}
		cpu_idle_irqoff();
	}
	fail_msg("threads still not done: \"%s\"", order);
}

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		mark(*(const char *)arg);
		thread_yield();
	}
}

static void test_round_robin(void **state)
{
	(void)state;
	setup_each();
	int live = pages_live;

	assert_non_null(thread_create("a", yielder, "a", CPU_SYS));
	assert_non_null(thread_create("b", yielder, "b", CPU_USER));
	idle_until(6);
	assert_string_equal(order, "ababab");
	/* Both exited; their stacks and guard pages are gone. */
	assert_int_equal(pages_live, live);
	assert_int_equal(guards_set, 0);
}

static void waiter(void *arg)
{
	(void)arg;
	mark('w');
	rc_seen = wait_event_interruptible(wq, flag);
	mark('W');
}

static void wake_from_irq(void)
{
	flag = true;
	wake_up(&wq);
}

static void test_wake_from_interrupt(void **state)
{
	(void)state;
	setup_each();
	assert_non_null(thread_create("w", waiter, NULL, CPU_SYS));
	irq_event = wake_from_irq;
	irq_event_at = 5 * NSEC_PER_MSEC;
	idle_until(2);
	/* The waiter slept: the idle ran, the interrupt woke it. */
	assert_true(idles > 0);
	assert_string_equal(order, "wW");
	assert_int_equal(rc_seen, 0);
}

static void raiser_softirq(void)
{
	flag = true;
	wake_up(&wq);
}

static void test_softirq_runs_before_sleep(void **state)
{
	(void)state;
	setup_each();
	/* A pending softirq that makes the condition true: the waiter runs it
	 * instead of sleeping, and never idles. */
	open_softirq(SPARE4_SOFTIRQ, raiser_softirq);
	raise_softirq(SPARE4_SOFTIRQ);
	assert_non_null(thread_create("w", waiter, NULL, CPU_SYS));
	idle_until(2);
	assert_string_equal(order, "wW");
	assert_int_equal(idles, 0);
}

static void test_condition_true_never_sleeps(void **state)
{
	(void)state;
	setup_each();
	flag = true;
	assert_non_null(thread_create("w", waiter, NULL, CPU_SYS));
	idle_until(2);
	assert_string_equal(order, "wW");
	assert_int_equal(idles, 0);
}

static struct thread *sig_target;
static void interrupt_it(void)
{
	send_sigint(sig_target);
}

static void test_signal_interrupts(void **state)
{
	(void)state;
	setup_each();
	sig_target = thread_create("w", waiter, NULL, CPU_SYS);
	assert_non_null(sig_target);
	irq_event = interrupt_it;
	irq_event_at = NSEC_PER_MSEC;
	idle_until(2);
	assert_int_equal(rc_seen, -EINTR);
}

static void deadline_waiter(void *arg)
{
	(void)arg;
	rc_seen = wait_event_interruptible_deadline(wq, flag, fake_now + 3 * NSEC_PER_MSEC + 1);
	mark('T');
}

static void test_deadline(void **state)
{
	(void)state;
	setup_each();
	fake_now = 1000 * NSEC_PER_MSEC;
	uint64_t t0 = fake_now;

	assert_non_null(thread_create("t", deadline_waiter, NULL, CPU_SYS));
	idle_until(1);
	assert_int_equal(rc_seen, -ETIMEDOUT);
	/* Not a moment early: the timer was rounded up to a whole ms. */
	assert_true(fake_now >= t0 + 3 * NSEC_PER_MSEC + 1);
	assert_string_equal(order, "T");
}

static void bh_waiter(void *arg)
{
	(void)arg;
	local_bh_disable();
	rc_seen = wait_event(wq, flag);
	local_bh_enable();
	mark('B');
}

static void test_refuses_sleep_with_bh_disabled(void **state)
{
	(void)state;
	setup_each();
	printk_capture_reset();
	assert_non_null(thread_create("bh", bh_waiter, NULL, CPU_SYS));
	idle_until(1);
	assert_int_equal(rc_seen, -EDEADLK);
	assert_non_null(strstr(printk_capture, "bottom halves disabled"));
	assert_int_equal(idles, 0);
}

static void sleeper(void *arg)
{
	(void)arg;
	msleep(7);
	mark('s');
}

static void test_msleep_not_short(void **state)
{
	(void)state;
	setup_each();
	/* Half-way into a millisecond: a sleep built on truncated jiffies would
	 * end 0.5 ms early. */
	fake_now = 2000 * NSEC_PER_MSEC + NSEC_PER_MSEC / 2;
	uint64_t t0 = fake_now;

	assert_non_null(thread_create("s", sleeper, NULL, CPU_SYS));
	idle_until(1);
	assert_string_equal(order, "s");
	assert_true(fake_now - t0 >= 7 * NSEC_PER_MSEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_condition_true_never_sleeps),
		cmocka_unit_test(test_wake_from_interrupt),
		cmocka_unit_test(test_softirq_runs_before_sleep),
		cmocka_unit_test(test_signal_interrupts),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_refuses_sleep_with_bh_disabled),
		cmocka_unit_test(test_msleep_not_short),
	};

	sched_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
