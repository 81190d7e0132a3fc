/* NAPI on the device layer's fake softirq core (netdev_fixture.h):
 * scheduling, completion and disabling, and net_rx_action's weight, budget
 * and time limits, round robin and the order leftovers go in. Fake napis
 * poll from a script and log their tag, so the log shows the order the run
 * took. */
#include <string.h>
#include "netdev_fixture.h"

/* ---- fake NAPI --------------------------------------------------------------- */

struct fake_napi {
	struct napi_struct napi;
	char tag;
	int script[32];			/* what each poll returns; 0 after the end */
	int nscript;
	int calls;
	uint64_t cost_ns;		/* fake time each poll takes */
	bool reschedule;		/* complete and get rescheduled inside the poll */
};

static char poll_log[128];
static size_t nlog;

static int fake_poll(struct napi_struct *napi, int budget)
{
	struct fake_napi *f = container_of(napi, struct fake_napi, napi);
	int work = f->calls < f->nscript ? f->script[f->calls] : 0;

	assert_int_equal(budget, napi->weight);
	assert_true(nlog < sizeof(poll_log) - 1);
	poll_log[nlog++] = f->tag;
	f->calls++;
	fake_now += f->cost_ns;
	if (f->reschedule) {
		assert_true(napi_complete_done(napi, work));
		assert_true(napi_schedule(napi));
	} else if (work < budget) {
		assert_true(napi_complete_done(napi, work));
	}
	return work;
}

static void fake_napi_init(struct fake_napi *f, char tag, int weight)
{
	memset(f, 0, sizeof(*f));
	f->tag = tag;
	netif_napi_add(&fa.dev, &f->napi, fake_poll, weight);
}

static void script_fill(struct fake_napi *f, int value, int n)
{
	for (int i = 0; i < n; i++)
		f->script[f->nscript++] = value;
}

static bool napi_scheduled(const struct napi_struct *n)
{
	return n->state & (1UL << NAPI_STATE_SCHED);
}

static int setup(void **state)
{
	nlog = 0;
	memset(poll_log, 0, sizeof(poll_log));
	return netdev_setup(state);
}

/* ---- NAPI -------------------------------------------------------------------- */

static void test_napi_schedule_twice_one_entry(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', NAPI_POLL_WEIGHT);
	script_fill(&a, 5, 1);
	assert_true(napi_schedule(&a.napi));
	assert_false(napi_schedule(&a.napi));
	assert_true(napi_scheduled(&a.napi));
	assert_int_equal(raised[NET_RX_SOFTIRQ], 1);
	assert_true(net_rx_pending());

	run_net_rx();
	assert_string_equal(poll_log, "a");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(a.napi.polls, 1);
	assert_int_equal(a.napi.completes, 1);
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_action_runs, 1);

	/* Completed: the next interrupt schedules it again. */
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "aa");
}

static void test_napi_full_weight_is_polled_again(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 2);
	script_fill(&a, 10, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	/* 64 + 64 + 10 is under the run's budget: all in one run. */
	assert_string_equal(poll_log, "aaa");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(a.napi.completes, 1);
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_budget_exhausted, 0);
}

static void test_napi_run_budget(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 10);
	napi_schedule(&a.napi);

	/* 5 x 64 = 320 >= 300: the fifth poll ends the run. */
	run_net_rx();
	assert_int_equal(a.calls, 5);
	assert_true(napi_scheduled(&a.napi));
	assert_true(net_rx_pending());
	assert_int_equal(delta().rx_budget_exhausted, 1);
	assert_int_equal(delta().rx_time_squeeze, 0);

	run_net_rx();
	assert_int_equal(a.calls, 10);
	assert_int_equal(delta().rx_budget_exhausted, 2);

	/* The script is spent: the next poll does nothing and completes. */
	run_net_rx();
	assert_int_equal(a.calls, 11);
	assert_false(napi_scheduled(&a.napi));
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_action_runs, 3);
}

static void test_napi_small_weight_budget(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 16);
	script_fill(&a, 16, 30);
	napi_schedule(&a.napi);
	run_net_rx();
	/* ceil(300 / 16) polls. */
	assert_int_equal(a.calls, 19);
	assert_true(net_rx_pending());
	a.nscript = 0;
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static void test_napi_round_robin(void **state)
{
	struct fake_napi a, b, c;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	fake_napi_init(&b, 'b', 64);
	fake_napi_init(&c, 'c', 32);
	script_fill(&a, 64, 2);
	script_fill(&b, 3, 1);
	script_fill(&c, 32, 1);
	napi_schedule(&a.napi);
	napi_schedule(&b.napi);
	napi_schedule(&c.napi);
	run_net_rx();
	/* A napi that used its weight goes behind the others. */
	assert_string_equal(poll_log, "abcaca");
	assert_false(napi_scheduled(&a.napi));
	assert_false(napi_scheduled(&b.napi));
	assert_false(napi_scheduled(&c.napi));
	assert_false(net_rx_pending());
}

static void test_napi_leftovers_go_first(void **state)
{
	struct fake_napi a, b, c, d, e, late;

	(void)state;
	fake_napi_init(&a, 'a', 100);
	fake_napi_init(&b, 'b', 100);
	fake_napi_init(&c, 'c', 100);
	fake_napi_init(&d, 'd', 100);
	fake_napi_init(&e, 'e', 100);
	fake_napi_init(&late, 'L', 100);
	script_fill(&a, 100, 1);
	script_fill(&b, 100, 1);
	script_fill(&c, 100, 1);
	napi_schedule(&a.napi);
	napi_schedule(&b.napi);
	napi_schedule(&c.napi);
	napi_schedule(&d.napi);
	napi_schedule(&e.napi);
	run_net_rx();
	/* The budget ran out after c; d and e were not reached. */
	assert_string_equal(poll_log, "abc");
	assert_int_equal(delta().rx_budget_exhausted, 1);
	/* Scheduled after the run: waits behind d, e and the repolls. */
	napi_schedule(&late.napi);
	run_net_rx();
	assert_string_equal(poll_log, "abcdeabcL");
	assert_false(net_rx_pending());
}

static void test_napi_time_limit(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 10);
	a.cost_ns = NET_RX_TIME_LIMIT_NS / 2;
	napi_schedule(&a.napi);
	run_net_rx();
	assert_int_equal(a.calls, 2);
	assert_int_equal(delta().rx_time_squeeze, 1);
	assert_int_equal(delta().rx_budget_exhausted, 0);
	assert_true(net_rx_pending());
	a.nscript = 0;
	a.cost_ns = 0;
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static void test_napi_poll_over_budget(void **state)
{
	struct fake_napi a;
	size_t len;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 100, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	/* Taken as a full-weight poll: polled again, then done. */
	assert_string_equal(poll_log, "aa");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(delta().poll_bugs, 1);
	assert_non_null(strstr(printk_capture, "eth0 NAPI poll returned 100 with budget 64"));
	len = printk_capture_len;

	/* Warned once only, counted every time. */
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 1000, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	assert_int_equal(delta().poll_bugs, 2);
	assert_int_equal(printk_capture_len, len);
}

static void test_napi_without_poll(void **state)
{
	struct napi_struct n;

	(void)state;
	netif_napi_add(&fa.dev, &n, NULL, 0);
	assert_int_equal(n.weight, NAPI_POLL_WEIGHT);
	assert_true(napi_schedule(&n));
	run_net_rx();
	assert_false(napi_scheduled(&n));
	assert_int_equal(delta().poll_bugs, 1);
	assert_false(net_rx_pending());
}

static void test_napi_rescheduled_inside_poll(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 1);
	a.reschedule = true;
	napi_schedule(&a.napi);
	run_net_rx();
	/* Already back on the CPU's list: the run must not link it twice. */
	assert_string_equal(poll_log, "a");
	assert_true(napi_scheduled(&a.napi));
	assert_true(net_rx_pending());
	a.reschedule = false;
	run_net_rx();
	assert_string_equal(poll_log, "aa");
	assert_false(napi_scheduled(&a.napi));
	assert_false(net_rx_pending());
}

static void test_napi_complete_outside_poll(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	assert_true(napi_schedule(&a.napi));
	assert_true(napi_complete_done(&a.napi, 0));
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "a");
	assert_false(net_rx_pending());
}

static void test_napi_disable_scheduled(void **state)
{
	struct fake_napi a, b;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	fake_napi_init(&b, 'b', 64);
	assert_true(napi_schedule(&a.napi));
	assert_true(napi_schedule(&b.napi));
	/* Off the list before NET_RX runs: only b is polled. */
	napi_disable(&a.napi);
	assert_false(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "b");
	assert_int_equal(a.napi.polls, 0);
	assert_false(net_rx_pending());

	/* Enabled again: scheduled and polled as before. */
	napi_enable(&a.napi);
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "ba");
	assert_false(napi_scheduled(&a.napi));

	/* Enabling a napi that is not disabled changes nothing. */
	napi_enable(&a.napi);
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	napi_enable(&a.napi);
	assert_true(napi_scheduled(&a.napi));
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static struct napi_struct *disable_in_poll;

static int disabling_poll(struct napi_struct *napi, int budget)
{
	napi_disable(disable_in_poll);
	/* The driver's completion is refused: it must leave its interrupt off. */
	assert_false(napi_complete_done(napi, 0));
	return budget;
}

static void test_napi_disable_inside_poll(void **state)
{
	struct napi_struct n;

	(void)state;
	netif_napi_add(&fa.dev, &n, disabling_poll, 16);
	disable_in_poll = &n;
	assert_true(napi_schedule(&n));
	run_net_rx();
	/* A full-weight poll, but disabled meanwhile: not polled again. */
	assert_int_equal(n.polls, 1);
	assert_true(napi_scheduled(&n));
	assert_false(net_rx_pending());
	assert_false(napi_schedule(&n));
	napi_enable(&n);
	assert_false(napi_scheduled(&n));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, netdev_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_napi_schedule_twice_one_entry),
		T(test_napi_full_weight_is_polled_again),
		T(test_napi_run_budget),
		T(test_napi_small_weight_budget),
		T(test_napi_round_robin),
		T(test_napi_leftovers_go_first),
		T(test_napi_time_limit),
		T(test_napi_poll_over_budget),
		T(test_napi_without_poll),
		T(test_napi_rescheduled_inside_poll),
		T(test_napi_complete_outside_poll),
		T(test_napi_disable_scheduled),
		T(test_napi_disable_inside_poll),
	};
	return cmocka_run_group_tests(tests, netdev_group_setup, test_skb_arena_group_teardown);
}
