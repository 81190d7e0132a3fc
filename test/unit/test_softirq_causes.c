/* The cause counters behind `softirqs -v` (net/core/dev.c and
 * net/core/softirq_causes.c) on the device layer's fake softirq core
 * (netdev_fixture.h): NAPI polls and NET_RX runs split by what the driver
 * reported (napi_report: received frames, TX completions, both, nothing), and
 * NET_TX runs split by the reasons their qdiscs were queued for. */
#include <string.h>
#include "netdev_fixture.h"
#include "net/sch_generic.h"

/* softirqs -v prints the core's table first; its counts are not under test
 * here (test_softirq covers them), so the core is faked. */
void softirq_get_stats(struct softirq_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->time_ns[NET_RX_SOFTIRQ] = 2500000;
	out->time_ns[NET_TX_SOFTIRQ] = 7000;
}

void softirq_dump(void)
{
	printk(LOG_INFO, "(softirq table)\n");
}

/* ---- a fake driver poll that reports what it did --------------------------------- */

struct cause_napi {
	struct napi_struct napi;
	unsigned int rx[8], tx[8];	/* what poll i reports */
	bool silent;			/* polls without calling napi_report */
	int calls;
};

static int cause_poll(struct napi_struct *napi, int budget)
{
	struct cause_napi *c = container_of(napi, struct cause_napi, napi);
	unsigned int rx = c->rx[c->calls], tx = c->tx[c->calls];

	assert_true(c->calls < 8);
	c->calls++;
	if (!c->silent)
		napi_report(napi, rx, tx);
	assert_true(napi_complete_done(napi, (int)rx));
	assert_true((int)rx < budget);
	return (int)rx;
}

static void cause_init(struct cause_napi *c)
{
	memset(c, 0, sizeof(*c));
	netif_napi_add(&fa.dev, &c->napi, cause_poll, NAPI_POLL_WEIGHT);
}

/* Schedules c and runs NET_RX once: one poll, one run. */
static void poll_once(struct cause_napi *c)
{
	assert_true(napi_schedule(&c->napi));
	run_net_rx();
}

static void test_poll_causes_rx_tx_both_none(void **state)
{
	struct cause_napi c;

	(void)state;
	cause_init(&c);
	c.rx[0] = 5;			/* frames only */
	c.tx[1] = 3;			/* completions only */
	c.rx[2] = 1, c.tx[2] = 1;	/* both in one poll */
	/* poll 3 reports nothing: a spurious schedule */
	for (int i = 0; i < 4; i++)
		poll_once(&c);
	struct softnet_stats d = delta();

	assert_int_equal(d.rx_polls_by[NAPI_CAUSE_RX], 1);
	assert_int_equal(d.rx_polls_by[NAPI_CAUSE_TX], 1);
	assert_int_equal(d.rx_polls_by[NAPI_CAUSE_BOTH], 1);
	assert_int_equal(d.rx_polls_by[NAPI_CAUSE_NONE], 1);
	assert_int_equal(d.rx_runs_by[NAPI_CAUSE_RX], 1);
	assert_int_equal(d.rx_runs_by[NAPI_CAUSE_TX], 1);
	assert_int_equal(d.rx_runs_by[NAPI_CAUSE_BOTH], 1);
	assert_int_equal(d.rx_runs_by[NAPI_CAUSE_NONE], 1);
	assert_int_equal(d.rx_action_runs, 4);
}

/* The report of an earlier poll does not stick: a poll that says nothing is
 * counted as having done nothing. */
static void test_report_cleared_before_each_poll(void **state)
{
	struct cause_napi c;

	(void)state;
	cause_init(&c);
	c.rx[0] = 2, c.tx[0] = 2;
	poll_once(&c);
	c.silent = true;
	poll_once(&c);
	assert_int_equal(delta().rx_polls_by[NAPI_CAUSE_BOTH], 1);
	assert_int_equal(delta().rx_polls_by[NAPI_CAUSE_NONE], 1);
	assert_int_equal(c.napi.last_rx, 0);
	assert_int_equal(c.napi.last_tx_done, 0);
}

/* A run's cause is the union of its polls': one napi that received and one
 * that reaped completions make a "both" run of two single-cause polls. */
static void test_run_is_union_of_its_polls(void **state)
{
	struct cause_napi a, b;

	(void)state;
	cause_init(&a);
	cause_init(&b);
	a.rx[0] = 4;
	b.tx[0] = 9;
	assert_true(napi_schedule(&a.napi));
	assert_true(napi_schedule(&b.napi));
	run_net_rx();
	assert_int_equal(delta().rx_action_runs, 1);
	assert_int_equal(delta().rx_runs_by[NAPI_CAUSE_BOTH], 1);
	assert_int_equal(delta().rx_polls_by[NAPI_CAUSE_RX], 1);
	assert_int_equal(delta().rx_polls_by[NAPI_CAUSE_TX], 1);
}

/* ---- NET_TX by reason -------------------------------------------------------------- */

#define LEN0 100

static struct sk_buff *pkt(uint32_t len, uint32_t q)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len);
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, NET_SKB_PAD);
	p = skb_put(skb, len);
	memset(p, 0, len);
	p[12] = 0x88;
	p[13] = 0xb5;
	skb->dev = &fa.dev;
	skb->hash = q + 4;	/* hash % 4 == q */
	return skb;
}

static struct netdev_queue *txq(unsigned int q)
{
	return netdev_get_tx_queue(&fa.dev, q);
}

static void backlog(unsigned int q, unsigned int n)
{
	netif_tx_stop_queue(txq(q));
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(dev_queue_xmit(pkt(LEN0 + i, q)), NET_XMIT_SUCCESS);
}

static int weight_saved;

static int setup_tx(void **state)
{
	weight_saved = weight_p;
	return netdev_setup(state);
}

static int teardown_tx(void **state)
{
	weight_p = weight_saved;
	return netdev_teardown(state);
}

/* A stopped queue requeues (one run, requeue), the wake sends (one run,
 * queue-wake), and a quota of 4 over 10 packets adds quota runs. */
static void test_net_tx_runs_by_reason(void **state)
{
	(void)state;
	weight_p = 4;
	backlog(0, 10);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(delta().tx_runs_by[SCHED_REQUEUE], 1);
	netif_tx_wake_queue(txq(0));
	assert_int_equal(drain_net_tx(8), 3);
	assert_int_equal(fa.xmits, 10);
	struct softnet_stats d = delta();

	assert_int_equal(d.tx_action_runs, 4);
	assert_int_equal(d.tx_runs_by[SCHED_REQUEUE], 1);
	assert_int_equal(d.tx_runs_by[SCHED_WAKE], 1);
	assert_int_equal(d.tx_runs_by[SCHED_QUOTA], 2);
	assert_int_equal(d.tx_runs_by[SCHED_BUSY], 0);
	assert_int_equal(d.tx_runs_by[SCHED_REASONS], 0);
	/* Raises and runs agree when each run had one reason. */
	assert_int_equal(d.tx_sched[SCHED_QUOTA], 2);
	assert_int_equal(d.tx_sched[SCHED_WAKE], 1);
}

/* Two qdiscs queued for different reasons before one run: the run counts
 * under both; a run with nothing queued counts as no-qdisc. */
static void test_net_tx_run_with_two_reasons_and_none(void **state)
{
	(void)state;
	backlog(1, 2);			/* requeue on queue 1 */
	backlog(2, 2);			/* requeue on queue 2 ... */
	assert_int_equal(drain_net_tx(4), 1);
	netif_tx_wake_queue(txq(1));	/* wake on queue 1 */
	__netif_schedule(txq(2)->qdisc, SCHED_BUSY);	/* busy on queue 2 (still stopped) */
	run_net_tx();
	assert_int_equal(delta().tx_runs_by[SCHED_WAKE], 1);
	assert_int_equal(delta().tx_runs_by[SCHED_BUSY], 1);
	/* queue 2 stayed stopped: requeued again; drain it after a wake. */
	netif_tx_wake_queue(txq(2));
	drain_net_tx(4);
	assert_int_equal(fa.xmits, 4);

	raise_softirq(NET_TX_SOFTIRQ);
	run_net_tx();
	assert_int_equal(delta().tx_runs_by[SCHED_REASONS], 1);
}

/* ---- the shell table ---------------------------------------------------------------- */

static void test_softirqs_verbose_output(void **state)
{
	struct cause_napi c;

	(void)state;
	cause_init(&c);
	c.tx[0] = 1;
	c.rx[1] = 3, c.tx[1] = 1;
	c.tx[2] = 2;
	for (int i = 0; i < 3; i++)
		poll_once(&c);
	printk_capture_reset();
	assert_int_equal(softirqs_verbose(), 0);
	assert_non_null(strstr(printk_capture, "(softirq table)\n"));
	assert_non_null(strstr(printk_capture, "NET_RX runs by what their polls did (net_rx_action "));
	assert_non_null(strstr(printk_capture, "NET_TX runs by why they were raised (net_tx_action "));
	assert_non_null(strstr(printk_capture, "NET_TX raises by reason ("));
	assert_non_null(strstr(printk_capture, "softirq time: NET_RX 2500 us  NET_TX 7 us"));
	/* Counters are since boot, so only the rows' form is fixed here; the
	 * values behind them are the tests above. */
	const char *rx = strstr(printk_capture, "NET_RX runs");
	const char *tx_only = strstr(rx, "  tx-only      ");

	assert_non_null(tx_only);
	assert_non_null(strchr(tx_only, '%'));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, netdev_setup, netdev_teardown)
#define TX(fn) cmocka_unit_test_setup_teardown(fn, setup_tx, teardown_tx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_poll_causes_rx_tx_both_none),
		T(test_report_cleared_before_each_poll),
		T(test_run_is_union_of_its_polls),
		TX(test_net_tx_runs_by_reason),
		TX(test_net_tx_run_with_two_reasons_and_none),
		T(test_softirqs_verbose_output),
	};
	return cmocka_run_group_tests(tests, netdev_group_setup, test_skb_arena_group_teardown);
}
