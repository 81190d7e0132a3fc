/* `softirqs -v`: the article's question "why is NET_RX so much larger than
 * NET_TX?" answered from this box's own counters. NET_RX runs are split by
 * what their NAPI polls found to do (igb's one vector per queue pair reaps TX
 * completions in the same poll as it receives, so a sender's NET_RX count is
 * mostly TX completions); NET_TX runs by why a qdisc was queued for them
 * (quota spent, driver queue woken, driver busy/requeue, re-entered qdisc). */
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "net/netdevice.h"
#include "net/sch_generic.h"

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* Per mille of part in whole, printed as "12.3%"; 0 of 0 is 0. */
static void pct(const char *name, uint64_t part, uint64_t whole)
{
	uint64_t pm = whole ? part * 1000 / whole : 0;

	kprintf("  %-12s %12llu  %3llu.%llu%%\n", name, ull(part), ull(pm / 10), ull(pm % 10));
}

/* One line per enum napi_cause, in the order a reader expects. */
static void napi_split(const uint64_t *by, uint64_t total)
{
	pct("rx-only", by[NAPI_CAUSE_RX], total);
	pct("tx-only", by[NAPI_CAUSE_TX], total);
	pct("both", by[NAPI_CAUSE_BOTH], total);
	pct("none", by[NAPI_CAUSE_NONE], total);
}

int softirqs_verbose(void)
{
	struct softirq_stats st;
	struct softnet_stats sn;
	uint64_t polls = 0, tx_raises = 0;

	/* One snapshot each, read back to back: the two agree to within the
	 * softirqs that ran in between, which on one CPU is none. */
	softirq_get_stats(&st);
	softnet_get_stats(&sn);
	softirq_dump();
	for (int c = 0; c < NAPI_CAUSES; c++)
		polls += sn.rx_polls_by[c];
	for (int r = 0; r < SCHED_REASONS; r++)
		tx_raises += sn.tx_sched[r];

	kprintf("NET_RX runs by what their polls did (net_rx_action %llu):\n",
		ull(sn.rx_action_runs));
	napi_split(sn.rx_runs_by, sn.rx_action_runs);
	kprintf("NAPI polls by what they did (%llu):\n", ull(polls));
	napi_split(sn.rx_polls_by, polls);
	/* A run that served qdiscs queued for two reasons counts under both, so
	 * these may add up to more than the runs. */
	kprintf("NET_TX runs by why they were raised (net_tx_action %llu):\n",
		ull(sn.tx_action_runs));
	pct("quota", sn.tx_runs_by[SCHED_QUOTA], sn.tx_action_runs);
	pct("queue-wake", sn.tx_runs_by[SCHED_WAKE], sn.tx_action_runs);
	pct("requeue", sn.tx_runs_by[SCHED_REQUEUE], sn.tx_action_runs);
	pct("qdisc-busy", sn.tx_runs_by[SCHED_BUSY], sn.tx_action_runs);
	pct("no-qdisc", sn.tx_runs_by[SCHED_REASONS], sn.tx_action_runs);
	kprintf("NET_TX raises by reason (%llu):\n", ull(tx_raises));
	pct("quota", sn.tx_sched[SCHED_QUOTA], tx_raises);
	pct("queue-wake", sn.tx_sched[SCHED_WAKE], tx_raises);
	pct("requeue", sn.tx_sched[SCHED_REQUEUE], tx_raises);
	pct("qdisc-busy", sn.tx_sched[SCHED_BUSY], tx_raises);
	kprintf("softirq time: NET_RX %llu us  NET_TX %llu us  TIMER %llu us\n",
		ull(st.time_ns[NET_RX_SOFTIRQ] / 1000), ull(st.time_ns[NET_TX_SOFTIRQ] / 1000),
		ull(st.time_ns[TIMER_SOFTIRQ] / 1000));
	return 0;
}
