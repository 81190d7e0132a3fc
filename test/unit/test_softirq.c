/* Softirq core against a fake clock and a fake CPU-time accountant: ordering,
 * restart and time limits, and when irq_exit / local_bh_enable may run handlers. */
#include <string.h>
#include "host_support.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

static uint64_t fake_now;

uint64_t ktime_get_ns(void)
{
	return fake_now;
}

static int cur_bucket = CPU_SYS;

int cpu_account_enter(int bucket)
{
	int prev = cur_bucket;

	cur_bucket = bucket;
	return prev;
}

void cpu_account_exit(int prev)
{
	cur_bucket = prev;
}

/* What each handler saw, in the order they ran. */
struct run_record {
	unsigned int nr;
	bool in_irq, in_softirq, serving, in_interrupt, irqs_off;
	int bucket;
};

static struct run_record runs[256];
static size_t nr_runs;

/* Per-softirq behaviour knobs a test sets before raising. */
static unsigned int reraise_self[NR_SOFTIRQS];	/* raise itself this many more times */
static int raise_other[NR_SOFTIRQS];		/* raise this one once (-1: none) */
static uint64_t cost_ns[NR_SOFTIRQS];		/* advance the fake clock per run */
static bool nested_irq[NR_SOFTIRQS];		/* take a hard IRQ raising NET_RX */
static size_t runs_before_nested_exit;

static void record(unsigned int nr)
{
	struct run_record *r;

	assert_true(nr_runs < ARRAY_SIZE(runs));
	r = &runs[nr_runs++];
	r->nr = nr;
	r->in_irq = in_irq();
	r->in_softirq = in_softirq();
	r->serving = in_serving_softirq();
	r->in_interrupt = in_interrupt();
	r->irqs_off = irqs_disabled();
	r->bucket = cur_bucket;

	fake_now += cost_ns[nr];
	if (reraise_self[nr]) {
		reraise_self[nr]--;
		raise_softirq(nr);
	}
	if (raise_other[nr] >= 0) {
		raise_softirq((unsigned int)raise_other[nr]);
		raise_other[nr] = -1;
	}
	if (nested_irq[nr]) {
		nested_irq[nr] = false;
		local_irq_disable();
		irq_enter();
		assert_int_equal(cur_bucket, CPU_HARDIRQ);
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
		runs_before_nested_exit = nr_runs;
		irq_exit();
		/* Already serving softirqs: the nested exit must not recurse into them. */
		assert_int_equal(nr_runs, runs_before_nested_exit);
		assert_int_equal(cur_bucket, CPU_SOFTIRQ);
		local_irq_enable();
	}
}

static void act_hi(void)     { record(HI_SOFTIRQ); }
static void act_timer(void)  { record(TIMER_SOFTIRQ); }
static void act_net_tx(void) { record(NET_TX_SOFTIRQ); }
static void act_net_rx(void) { record(NET_RX_SOFTIRQ); }

static struct softirq_stats before;

static int setup(void **state)
{
	(void)state;
	open_softirq(HI_SOFTIRQ, act_hi);
	open_softirq(TIMER_SOFTIRQ, act_timer);
	open_softirq(NET_TX_SOFTIRQ, act_net_tx);
	open_softirq(NET_RX_SOFTIRQ, act_net_rx);
	nr_runs = 0;
	fake_now = 0;
	cur_bucket = CPU_SYS;
	host_irq_disabled = 0;
	for (unsigned int i = 0; i < NR_SOFTIRQS; i++) {
		reraise_self[i] = 0;
		raise_other[i] = -1;
		cost_ns[i] = 0;
		nested_irq[i] = false;
	}
	printk_capture_reset();
	softirq_get_stats(&before);
	return 0;
}

/* Every test must hand the next one a quiet CPU. */
static int teardown(void **state)
{
	(void)state;
	assert_false(softirq_pending());
	assert_false(in_interrupt());
	assert_int_equal(cur_bucket, CPU_SYS);
	return 0;
}

static uint64_t ran(unsigned int nr)
{
	struct softirq_stats now;

	softirq_get_stats(&now);
	return now.run[nr] - before.run[nr];
}

static uint64_t raised(unsigned int nr)
{
	struct softirq_stats now;

	softirq_get_stats(&now);
	return now.raised[nr] - before.raised[nr];
}

static void stop_deltas(uint64_t *budget, uint64_t *restart)
{
	struct softirq_stats now;

	softirq_get_stats(&now);
	*budget = now.budget_exhausted - before.budget_exhausted;
	*restart = now.restart_limited - before.restart_limited;
}

static void test_priority_order(void **state)
{
	(void)state;
	raise_softirq(NET_RX_SOFTIRQ);
	raise_softirq(HI_SOFTIRQ);
	raise_softirq(NET_TX_SOFTIRQ);
	raise_softirq(TIMER_SOFTIRQ);
	assert_true(softirq_pending());
	assert_int_equal(nr_runs, 0);

	do_softirq();
	assert_int_equal(nr_runs, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(runs[i].nr, i);
		assert_true(runs[i].serving);
		assert_true(runs[i].in_softirq);
		assert_true(runs[i].in_interrupt);
		assert_false(runs[i].in_irq);
		assert_false(runs[i].irqs_off);
		assert_int_equal(runs[i].bucket, CPU_SOFTIRQ);
	}
	assert_false(irqs_disabled());
	assert_false(in_serving_softirq());
}

static void test_raise_from_action_reruns(void **state)
{
	uint64_t budget, restart;

	(void)state;
	raise_other[NET_RX_SOFTIRQ] = HI_SOFTIRQ;
	reraise_self[TIMER_SOFTIRQ] = 3;
	raise_softirq(NET_RX_SOFTIRQ);
	raise_softirq(TIMER_SOFTIRQ);
	do_softirq();

	/* Pass 1: TIMER, NET_RX. Then HI (raised by NET_RX) before TIMER again. */
	assert_int_equal(nr_runs, 6);
	assert_int_equal(runs[0].nr, TIMER_SOFTIRQ);
	assert_int_equal(runs[1].nr, NET_RX_SOFTIRQ);
	assert_int_equal(runs[2].nr, HI_SOFTIRQ);
	assert_int_equal(runs[3].nr, TIMER_SOFTIRQ);
	assert_int_equal(runs[4].nr, TIMER_SOFTIRQ);
	assert_int_equal(runs[5].nr, TIMER_SOFTIRQ);
	assert_int_equal(ran(TIMER_SOFTIRQ), 4);
	stop_deltas(&budget, &restart);
	assert_int_equal(budget, 0);
	assert_int_equal(restart, 0);
}

static void test_restart_limit_leaves_pending(void **state)
{
	uint64_t budget, restart;

	(void)state;
	reraise_self[NET_RX_SOFTIRQ] = 1000;
	raise_softirq(NET_RX_SOFTIRQ);
	do_softirq();
	assert_int_equal(ran(NET_RX_SOFTIRQ), SOFTIRQ_MAX_PASSES);
	assert_true(softirq_pending());
	stop_deltas(&budget, &restart);
	assert_int_equal(restart, 1);
	assert_int_equal(budget, 0);
	printk_capture_reset();
	softirq_dump();
	assert_non_null(strstr(printk_capture, "NET_RX:"));
	assert_non_null(strstr(printk_capture, "pending"));

	/* The idle loop's later call picks up where the limit stopped. */
	reraise_self[NET_RX_SOFTIRQ] = 0;
	do_softirq();
	assert_int_equal(ran(NET_RX_SOFTIRQ), SOFTIRQ_MAX_PASSES + 1);
	assert_false(softirq_pending());
	stop_deltas(&budget, &restart);
	assert_int_equal(restart, 1);
}

static void test_time_budget_leaves_pending(void **state)
{
	uint64_t budget, restart;

	(void)state;
	cost_ns[NET_RX_SOFTIRQ] = SOFTIRQ_BUDGET_NS / 2;
	reraise_self[NET_RX_SOFTIRQ] = 1000;
	raise_softirq(NET_RX_SOFTIRQ);
	do_softirq();
	assert_int_equal(ran(NET_RX_SOFTIRQ), 2);
	assert_true(softirq_pending());
	stop_deltas(&budget, &restart);
	assert_int_equal(budget, 1);
	assert_int_equal(restart, 0);

	/* Slow but finished work is not a budget overrun. */
	reraise_self[NET_RX_SOFTIRQ] = 0;
	cost_ns[NET_RX_SOFTIRQ] = 10 * SOFTIRQ_BUDGET_NS;
	do_softirq();
	assert_false(softirq_pending());
	stop_deltas(&budget, &restart);
	assert_int_equal(budget, 1);
}

static void test_bh_disable_nesting(void **state)
{
	(void)state;
	local_bh_disable();
	local_bh_disable();
	assert_true(in_softirq());
	assert_true(in_interrupt());
	assert_false(in_serving_softirq());
	raise_softirq(TIMER_SOFTIRQ);
	do_softirq();
	assert_int_equal(nr_runs, 0);
	local_bh_enable();
	assert_int_equal(nr_runs, 0);
	assert_true(in_softirq());

	/* A hard IRQ while bottom halves are off must not run them on exit. */
	local_irq_disable();
	irq_enter();
	raise_softirq_irqoff(NET_RX_SOFTIRQ);
	irq_exit();
	local_irq_enable();
	assert_int_equal(nr_runs, 0);

	local_bh_enable();
	assert_false(in_softirq());
	assert_int_equal(nr_runs, 2);
	assert_int_equal(runs[0].nr, TIMER_SOFTIRQ);
	assert_int_equal(runs[1].nr, NET_RX_SOFTIRQ);
	assert_false(softirq_pending());
}

static void test_bh_enable_with_irqs_off_defers(void **state)
{
	(void)state;
	local_bh_disable();
	raise_softirq(HI_SOFTIRQ);
	local_irq_disable();
	local_bh_enable();
	assert_true(irqs_disabled());
	assert_int_equal(nr_runs, 0);
	assert_true(softirq_pending());
	local_irq_enable();
	do_softirq();
	assert_int_equal(nr_runs, 1);
}

static void test_irq_nesting_runs_at_outermost_exit(void **state)
{
	(void)state;
	local_irq_disable();
	irq_enter();
	assert_true(in_irq());
	assert_true(in_interrupt());
	assert_false(in_softirq());
	assert_int_equal(cur_bucket, CPU_HARDIRQ);
	raise_softirq_irqoff(NET_RX_SOFTIRQ);
	do_softirq();
	assert_int_equal(nr_runs, 0);

	irq_enter();
	raise_softirq_irqoff(HI_SOFTIRQ);
	irq_exit();
	assert_int_equal(nr_runs, 0);
	assert_true(in_irq());
	assert_int_equal(cur_bucket, CPU_HARDIRQ);

	irq_exit();
	assert_false(in_irq());
	assert_true(irqs_disabled());
	assert_int_equal(cur_bucket, CPU_SYS);
	local_irq_enable();

	assert_int_equal(nr_runs, 2);
	assert_int_equal(runs[0].nr, HI_SOFTIRQ);
	assert_int_equal(runs[1].nr, NET_RX_SOFTIRQ);
	for (size_t i = 0; i < nr_runs; i++) {
		assert_false(runs[i].in_irq);
		assert_false(runs[i].irqs_off);
		assert_int_equal(runs[i].bucket, CPU_SOFTIRQ);
	}
}

static void test_irq_inside_softirq_defers_to_next_pass(void **state)
{
	(void)state;
	nested_irq[TIMER_SOFTIRQ] = true;
	raise_softirq(TIMER_SOFTIRQ);
	do_softirq();
	assert_int_equal(nr_runs, 2);
	assert_int_equal(runs[0].nr, TIMER_SOFTIRQ);
	assert_int_equal(runs[1].nr, NET_RX_SOFTIRQ);
	assert_int_equal(runs_before_nested_exit, 1);
}

static void test_irq_exit_with_nothing_pending(void **state)
{
	(void)state;
	local_irq_disable();
	irq_enter();
	irq_exit();
	local_irq_enable();
	assert_int_equal(nr_runs, 0);
	assert_int_equal(cur_bucket, CPU_SYS);
}

static void test_counters(void **state)
{
	(void)state;
	raise_softirq(NET_TX_SOFTIRQ);
	raise_softirq(NET_TX_SOFTIRQ);
	raise_softirq(TIMER_SOFTIRQ);
	assert_int_equal(raised(NET_TX_SOFTIRQ), 2);
	assert_int_equal(ran(NET_TX_SOFTIRQ), 0);
	do_softirq();
	assert_int_equal(ran(NET_TX_SOFTIRQ), 1);
	assert_int_equal(ran(TIMER_SOFTIRQ), 1);
	assert_int_equal(ran(HI_SOFTIRQ), 0);
	assert_int_equal(raised(HI_SOFTIRQ), 0);

	printk_capture_reset();
	softirq_dump();
	assert_int_equal(printk_capture_lines(), 1 + NR_SOFTIRQS + 1);
	for (unsigned int i = 0; i < NR_SOFTIRQS; i++)
		assert_non_null(strstr(printk_capture, softirq_names[i]));
	assert_null(strstr(printk_capture, "pending"));
}

static void test_unopened_and_misuse(void **state)
{
	(void)state;
	raise_softirq(SPARE5_SOFTIRQ);
	do_softirq();
	assert_false(softirq_pending());
	assert_int_equal(ran(SPARE5_SOFTIRQ), 0);
	assert_int_equal(raised(SPARE5_SOFTIRQ), 1);

	raise_softirq(NR_SOFTIRQS);
	open_softirq(NR_SOFTIRQS + 5, act_hi);
	assert_false(softirq_pending());
	irq_exit();
	local_bh_enable();
	assert_int_equal(printk_capture_lines(), 4);
	assert_false(in_interrupt());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raise_from_action_reruns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_limit_leaves_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_budget_leaves_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bh_disable_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bh_enable_with_irqs_off_defers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_nesting_runs_at_outermost_exit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_irq_inside_softirq_defers_to_next_pass, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_irq_exit_with_nothing_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unopened_and_misuse, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
