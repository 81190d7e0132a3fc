/* `cpu -w [SEC [COUNT]]`: the article's "is sending charged to sy or si?"
 * watched live. Every SEC seconds a line gives the interval's user / sys /
 * softirq / hardirq / idle shares, then the network work alone split between
 * process context (sys inside socket calls: the send path down to the driver's
 * tail write) and softirq (the NET_RX and NET_TX handlers). Ctrl-C stops it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/ktimer.h"

#define CPU_WATCH_MAX_SEC	60
#define CPU_WATCH_MAX_LINES	60

static const char *const watch_names[NR_CPU_BUCKETS] = {
	"user", "sys", "softirq", "hardirq", "idle",
};

static unsigned long long pm_int(uint64_t part, uint64_t whole)
{
	return (unsigned long long)(whole ? part * 1000 / whole : 0);
}

int cpu_watch_format(char *buf, unsigned long size, unsigned int index,
		     const struct cpu_sample *a, const struct cpu_sample *b)
{
	uint64_t d[NR_CPU_BUCKETS], total = 0, net_sys_ns, net_si_ns, net;
	unsigned long long pm;
	int n, len = 0;

	for (int i = 0; i < NR_CPU_BUCKETS; i++) {
		d[i] = b->cycles[i] - a->cycles[i];
		total += d[i];
	}
	net_sys_ns = tsc_to_ns(b->net_sys_cycles - a->net_sys_cycles);
	net_si_ns = b->net_softirq_ns - a->net_softirq_ns;
	net = net_sys_ns + net_si_ns;

	/* The interval as measured: under load the watcher, a thread like any
	 * other, may wake later than SEC asked. */
	n = snprintf(buf, size, "%3u: %llu.%03llu s", index,
		     (unsigned long long)(tsc_to_ns(total) / NSEC_PER_SEC),
		     (unsigned long long)(tsc_to_ns(total) % NSEC_PER_SEC / NSEC_PER_MSEC));
	for (int i = 0; i < NR_CPU_BUCKETS && n >= 0; i++) {
		len += n;
		pm = pm_int(d[i], total);
		n = snprintf(buf + MIN((unsigned long)len, size), size - MIN((unsigned long)len, size),
			     " %s %3llu.%llu%%", watch_names[i], pm / 10, pm % 10);
	}
	if (n < 0)
		return n;
	len += n;
	pm = pm_int(net_sys_ns, net);
	n = snprintf(buf + MIN((unsigned long)len, size), size - MIN((unsigned long)len, size),
		     " | net sys %3llu.%llu%% softirq %3llu.%llu%% (sys %llu.%03llu ms, softirq %llu.%03llu ms)",
		     pm / 10, pm % 10, net ? (1000 - pm) / 10 : 0, net ? (1000 - pm) % 10 : 0,
		     (unsigned long long)(net_sys_ns / NSEC_PER_MSEC),
		     (unsigned long long)(net_sys_ns % NSEC_PER_MSEC / NSEC_PER_USEC),
		     (unsigned long long)(net_si_ns / NSEC_PER_MSEC),
		     (unsigned long long)(net_si_ns % NSEC_PER_MSEC / NSEC_PER_USEC));
	return n < 0 ? n : len + n;
}

static void cpu_watch_sample(struct cpu_sample *s)
{
	struct softirq_stats st;

	cpu_account_snapshot(s->cycles);
	s->net_sys_cycles = cpu_net_sys_cycles();
	softirq_get_stats(&st);
	s->net_softirq_ns = st.time_ns[NET_RX_SOFTIRQ] + st.time_ns[NET_TX_SOFTIRQ];
}

/* A positive decimal no larger than max, or 0. */
static unsigned long parse_count(const char *s, unsigned long max)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);

	return (end == s || *end || v > max) ? 0 : v;
}

int cpu_watch_cmd(int argc, char **argv)
{
	unsigned long sec = 1, count = CPU_WATCH_MAX_LINES;
	struct cpu_sample prev, now;
	char line[256];

	if (argc > 2 ||
	    (argc >= 1 && (sec = parse_count(argv[0], CPU_WATCH_MAX_SEC)) == 0) ||
	    (argc == 2 && (count = parse_count(argv[1], CPU_WATCH_MAX_LINES)) == 0)) {
		kprintf("usage: cpu -w [SEC (1..%d) [COUNT (1..%d)]]\n", CPU_WATCH_MAX_SEC,
			CPU_WATCH_MAX_LINES);
		return -1;
	}
	kprintf("cpu -w %lu: shares of each %lu s; net: network work in sys (socket calls) "
		"vs softirq (NET_RX+NET_TX)\n", sec, sec);
	cpu_watch_sample(&prev);
	for (unsigned long i = 1; i <= count; i++) {
		if (msleep_interruptible(sec * 1000) == -EINTR) {
			kprintf("cpu -w: interrupted\n");
			return 0;
		}
		cpu_watch_sample(&now);
		cpu_watch_format(line, sizeof(line), (unsigned int)i, &prev, &now);
		kprintf("%s\n", line);
		prev = now;
	}
	return 0;
}
