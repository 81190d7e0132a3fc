/* `cpu -w` (kernel/cpu_watch.c) against a fake clock: the accountant's
 * buckets, the socket-call cycles and the softirq handler times are script
 * values that each fake sleep advances, so every line's figures are exact.
 * 1000 TSC cycles make one second here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/cpu.h"
#include "kernel/ktimer.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

static struct cpu_sample fake;		/* what the samplers read now */
static struct cpu_sample step;		/* what each sleep adds */
static int sleeps, interrupt_at;	/* sleep number that returns -EINTR (0: none) */
static uint64_t slept_ms;

uint64_t tsc_to_ns(uint64_t cycles)
{
	return cycles * 1000000;
}

void cpu_account_snapshot(uint64_t out[NR_CPU_BUCKETS])
{
	memcpy(out, fake.cycles, sizeof(fake.cycles));
}

uint64_t cpu_net_sys_cycles(void)
{
	return fake.net_sys_cycles;
}

void softirq_get_stats(struct softirq_stats *out)
{
	memset(out, 0, sizeof(*out));
	/* Split unevenly, to show the two are added. */
	out->time_ns[NET_RX_SOFTIRQ] = fake.net_softirq_ns - fake.net_softirq_ns / 4;
	out->time_ns[NET_TX_SOFTIRQ] = fake.net_softirq_ns / 4;
	out->time_ns[TIMER_SOFTIRQ] = 123456789;	/* not network work */
}

int msleep_interruptible(uint64_t ms)
{
	if (++sleeps == interrupt_at)
		return -EINTR;
	slept_ms += ms;
	for (int i = 0; i < NR_CPU_BUCKETS; i++)
		fake.cycles[i] += step.cycles[i];
	fake.net_sys_cycles += step.net_sys_cycles;
	fake.net_softirq_ns += step.net_softirq_ns;
	return 0;
}

/* One second: sys 30%, softirq 50%, hardirq 10%, idle 10%; of the network
 * work 200 ms in socket calls and 300 ms in NET_RX/NET_TX. */
static const struct cpu_sample one_second = {
	.cycles = { [CPU_USER] = 0, [CPU_SYS] = 300, [CPU_SOFTIRQ] = 500,
		    [CPU_HARDIRQ] = 100, [CPU_IDLE] = 100 },
	.net_sys_cycles = 200,
	.net_softirq_ns = 300 * NSEC_PER_MSEC,
};

#define LINE1 "  1: 1.000 s user   0.0% sys  30.0% softirq  50.0% hardirq  10.0% idle  10.0%" \
	" | net sys  40.0% softirq  60.0% (sys 200.000 ms, softirq 300.000 ms)"

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	/* Since boot: not zero, so only differences can give the figures. */
	for (int i = 0; i < NR_CPU_BUCKETS; i++)
		fake.cycles[i] = 1000003 * (uint64_t)(i + 1);
	fake.net_sys_cycles = 777;
	fake.net_softirq_ns = 999999;
	step = one_second;
	sleeps = interrupt_at = 0;
	slept_ms = 0;
	printk_capture_reset();
	return 0;
}

static void test_format_exact(void **state)
{
	struct cpu_sample b = one_second;
	struct cpu_sample a = { 0 };
	char buf[256];

	(void)state;
	assert_int_equal(cpu_watch_format(buf, sizeof(buf), 1, &a, &b), (int)strlen(LINE1));
	assert_string_equal(buf, LINE1);
}

/* Shares are per mille of the interval, truncated: three thirds print as
 * 33.3% each, and an interval without network work splits nothing. */
static void test_format_thirds_and_no_network(void **state)
{
	struct cpu_sample a = { 0 }, b = { .cycles = { [CPU_USER] = 1, [CPU_SYS] = 1, [CPU_IDLE] = 1 } };
	char buf[256];

	(void)state;
	cpu_watch_format(buf, sizeof(buf), 42, &a, &b);
	assert_string_equal(buf, " 42: 0.003 s user  33.3% sys  33.3% softirq   0.0% hardirq   0.0%"
			    " idle  33.3% | net sys   0.0% softirq   0.0% (sys 0.000 ms, softirq 0.000 ms)");
	/* An empty interval (two samples in the same cycle) divides by nothing. */
	cpu_watch_format(buf, sizeof(buf), 1, &a, &a);
	assert_non_null(strstr(buf, "user   0.0% sys   0.0%"));
}

/* A short buffer is never overrun; the return is the length it would take. */
static void test_format_short_buffer(void **state)
{
	struct cpu_sample a = { 0 }, b = one_second;
	char buf[20];

	(void)state;
	for (size_t n = 1; n <= sizeof(buf); n++) {
		char *p = malloc(n);

		assert_non_null(p);
		assert_int_equal(cpu_watch_format(p, n, 1, &a, &b), (int)strlen(LINE1));
		assert_int_equal(strlen(p), n - 1);
		assert_memory_equal(p, LINE1, n - 1);
		free(p);
	}
}

static int watch(const char *const *args, int n)
{
	char *argv[4];

	assert_true(n <= 4);
	for (int i = 0; i < n; i++)
		argv[i] = (char *)args[i];
	return cpu_watch_cmd(n, argv);
}

static void test_watch_three_lines(void **state)
{
	(void)state;
	assert_int_equal(watch((const char *const[]){ "1", "3" }, 2), 0);
	assert_int_equal(sleeps, 3);
	assert_int_equal(slept_ms, 3000);
	assert_int_equal(printk_capture_lines(), 4);
	assert_non_null(strstr(printk_capture, "cpu -w 1: shares of each 1 s"));
	assert_non_null(strstr(printk_capture, LINE1 "\n"));
	assert_non_null(strstr(printk_capture, "\n  3: 1.000 s user   0.0% sys  30.0%"));
}

/* SEC stretches the sleeps; the figures are of the whole interval. */
static void test_watch_interval_seconds(void **state)
{
	(void)state;
	assert_int_equal(watch((const char *const[]){ "5", "1" }, 2), 0);
	assert_int_equal(slept_ms, 5000);
	assert_non_null(strstr(printk_capture, "net sys  40.0% softirq  60.0%"));
}

/* Ctrl-C ends the watch at once, with the lines so far and status 0. */
static void test_watch_interrupted(void **state)
{
	(void)state;
	interrupt_at = 3;
	assert_int_equal(watch(NULL, 0), 0);
	assert_int_equal(sleeps, 3);
	assert_int_equal(printk_capture_lines(), 4);	/* header, 2 lines, interrupted */
	assert_non_null(strstr(printk_capture, "\n  2: "));
	assert_null(strstr(printk_capture, "\n  3: "));
	assert_non_null(strstr(printk_capture, "cpu -w: interrupted\n"));
}

/* Default: 1 s and at most 60 lines. */
static void test_watch_default_bounded(void **state)
{
	(void)state;
	assert_int_equal(watch(NULL, 0), 0);
	assert_int_equal(sleeps, 60);
	assert_int_equal(slept_ms, 60000);
	assert_int_equal(printk_capture_lines(), 61);
}

static void test_watch_bad_arguments(void **state)
{
	static const char *const bad[][3] = {
		{ "0" }, { "61" }, { "x" }, { "1x" }, { "-1" }, { "1", "0" }, { "1", "61" },
		{ "1", "2", "3" },
	};
	static const int argc[] = { 1, 1, 1, 1, 1, 2, 2, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(argc) / sizeof(argc[0]); i++) {
		printk_capture_reset();
		assert_int_equal(watch(bad[i], argc[i]), -1);
		assert_non_null(strstr(printk_capture, "usage: cpu -w"));
	}
	assert_int_equal(sleeps, 0);
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_format_exact),
		T(test_format_thirds_and_no_network),
		T(test_format_short_buffer),
		T(test_watch_three_lines),
		T(test_watch_interval_seconds),
		T(test_watch_interrupted),
		T(test_watch_default_bounded),
		T(test_watch_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
