#include "kernel/ktimer.h"
#include "kernel/irq.h"
#include "kernel/irqflags.h"
#include "kernel/lapic.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include <errno.h>
#include <stdlib.h>

static struct timer_base timers;
/* The tick the LAPIC timer is armed for; UINT64_MAX when disarmed. */
static uint64_t armed_for = UINT64_MAX;
static uint64_t timer_irqs;

uint64_t jiffies(void)
{
	return ktime_get_ns() / NSEC_PER_MSEC;
}

/* Called with interrupts off. */
static void rearm(void)
{
	uint64_t next = timer_base_next_expiry(&timers), now;

	if (next == armed_for)
		return;
	armed_for = next;
	if (next == UINT64_MAX) {
		lapic_timer_arm_ns(0);
		return;
	}
	now = ktime_get_ns();
	lapic_timer_arm_ns(next * NSEC_PER_MSEC > now ? next * NSEC_PER_MSEC - now : 1);
}

static void lapic_timer_interrupt(void *data)
{
	(void)data;
	timer_irqs++;
	armed_for = UINT64_MAX;
	raise_softirq_irqoff(TIMER_SOFTIRQ);
}

static void run_timers(void)
{
	unsigned long flags;

	timer_base_run(&timers, jiffies());
	flags = local_irq_save();
	rearm();
	local_irq_restore(flags);
}

void timers_init(void)
{
	timer_base_init(&timers, jiffies());
	irq_set_handler(VECTOR_LAPIC_TIMER, lapic_timer_interrupt, NULL, "lapic-timer");
	open_softirq(TIMER_SOFTIRQ, run_timers);
}

void timer_mod(struct timer_list *t, uint64_t expires)
{
	unsigned long flags = local_irq_save();

	timer_base_forward(&timers, jiffies());
	mod_timer(&timers, t, expires);
	if (timer_base_next_expiry(&timers) < armed_for)
		rearm();
	local_irq_restore(flags);
}

/* A cancelled timer may leave the LAPIC armed early; the spurious run finds
 * nothing due and re-arms for the real next expiry. */
bool timer_del(struct timer_list *t)
{
	return del_timer(&timers, t);
}

static int cmd_timers(int argc, char **argv)
{
	struct timer_stats st;

	(void)argc;
	(void)argv;
	timer_base_stats(&timers, &st);
	kprintf("timers: pending %llu fired %llu cancelled %llu requeued %llu; "
		"lapic %s, irqs %llu, next %lld ms\n",
		(unsigned long long)st.pending, (unsigned long long)st.fired,
		(unsigned long long)st.cancelled, (unsigned long long)st.requeued,
		lapic_timer_mode(), (unsigned long long)timer_irqs,
		timer_base_next_expiry(&timers) == UINT64_MAX ? -1LL :
		(long long)(timer_base_next_expiry(&timers) - jiffies()));
	return 0;
}
SHELL_COMMAND("timers", "timer wheel counters", cmd_timers);

static int cmd_sleep(int argc, char **argv)
{
	char *end = NULL;
	unsigned long sec = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

	if (argc != 2 || end == argv[1] || *end || sec > 86400) {
		kprintf("usage: sleep SECONDS (0..86400)\n");
		return -1;
	}
	if (msleep_interruptible(sec * 1000) == -EINTR) {
		kprintf("sleep: interrupted\n");
		return -1;
	}
	return 0;
}
SHELL_COMMAND("sleep", "SECONDS: wait (Ctrl-C interrupts)", cmd_sleep);
