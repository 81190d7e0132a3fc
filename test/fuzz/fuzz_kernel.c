/* The kernel around the code under test, as the fuzz harness provides it:
 * bottom halves and softirqs with the kernel's rules (the outermost
 * local_bh_enable runs what was raised; a softirq never interrupts one), the
 * millisecond clock of igb_fake.h with a real timer wheel under it
 * (test/unit/fake_timer.h), wait queues nobody sleeps on (the harness's
 * sockets never block) and system-call accounting. */
#include <stdio.h>
#include "fuzz.h"
#include "fake_timer.h"
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/netdevice.h"

int bh_depth;
static void (*actions[NR_SOFTIRQS])(void);
static uint32_t pending;
static bool serving;
/* The harness's NAPI poll and the timers run as the NET_RX and TIMER
 * softirqs do in the kernel. */
static int handler_depth;
/* Registered after every layer's own: its next is their list, which the
 * harness's NET_RX end runs as net_rx_action does. */
static void flush_nothing(void)
{
}
static struct net_rx_flush harness_flush = { .fn = flush_nothing };
static bool flush_registered;
static int syscall_depth;

void local_bh_disable(void)
{
	bh_depth++;
}

void local_bh_enable(void)
{
	if (--bh_depth < 0)
		die("local_bh_enable without local_bh_disable");
	if (!bh_depth)
		run_softirqs();
}

void raise_softirq_irqoff(unsigned int nr)
{
	if (!irqs_disabled())
		die("raise_softirq_irqoff(%u) with interrupts on", nr);
	if (nr >= NR_SOFTIRQS)
		die("raise_softirq_irqoff(%u): no such softirq", nr);
	pending |= 1u << nr;
}

/* Only net_dev_init opens any (stack mode): NET_RX and NET_TX. */
void open_softirq(unsigned int nr, void (*action)(void))
{
	if (nr >= NR_SOFTIRQS)
		die("open_softirq(%u): no such softirq", nr);
	actions[nr] = action;
}

/* As the kernel's do_softirq: a bounded number of passes, each handler with
 * bottom halves off. A bit nobody opened (l2reflect mode: the NAPI poll is
 * the harness's own) is simply cleared. */
void run_softirqs(void)
{
	if (serving || bh_depth)
		return;
	serving = true;
	for (unsigned int pass = 0; pass < SOFTIRQ_MAX_PASSES && pending; pass++) {
		unsigned long flags = local_irq_save();
		uint32_t now = pending;

		pending = 0;
		local_irq_restore(flags);
		for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++) {
			if (!(now & (1u << nr)) || !actions[nr])
				continue;
			bh_depth++;
			actions[nr]();
			bh_depth--;
		}
	}
	serving = false;
}

bool in_serving_softirq(void)
{
	return serving || handler_depth;
}

void net_rx_flushes_found(void)
{
	if (flush_registered)
		die("net_rx_flushes_found twice");
	net_rx_flush_register(&harness_flush);
	flush_registered = true;
}

void net_rx_begin(void)
{
	bh_depth++;
	handler_depth++;
}

/* The end of net_rx_action: the protocols' deferred work (TCP's ACK for a
 * batch of segments), then what the poll raised. */
void net_rx_end(void)
{
	for (struct net_rx_flush *f = harness_flush.next; f; f = f->next)
		f->fn();
	handler_depth--;
	local_bh_enable();
}

uint64_t ktime_get_ns(void)
{
	return fake_jiffies * NSEC_PER_MSEC;
}

/* The TIMER softirq, for every expiry in turn. */
void clock_advance(uint64_t ms)
{
	bh_depth++;
	handler_depth++;
	fake_timer_advance(&fake_jiffies, ms);
	handler_depth--;
	bh_depth--;
	run_softirqs();
}

void kernel_fakes_init(void)
{
	fake_timer_init(fake_jiffies);
}

void kernel_fakes_check_idle(void)
{
	if (bh_depth || serving || handler_depth || irqs_disabled())
		die("left with bottom halves (%d) or interrupts off", bh_depth);
	if (syscall_depth)
		die("a socket call left its system-call accounting at depth %d", syscall_depth);
}

/* ---- wait queues: nobody sleeps ------------------------------------------------ */

void init_waitqueue_head(struct wait_queue_head *wq)
{
	list_init(&wq->head);
}

void wake_up(struct wait_queue_head *wq)
{
	(void)wq;
}

void wait_set_wchan(const char *what)
{
	(void)what;
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	(void)wq;
	(void)w;
	die("a non-blocking socket call went to sleep");
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	(void)wq;
	(void)w;
	die("finish_wait without prepare_to_wait");
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	(void)deadline_ns;
	(void)interruptible;
	die("a non-blocking socket call went to sleep");
}

void syscall_enter(void)
{
	syscall_depth++;
}

void syscall_exit(void)
{
	if (--syscall_depth < 0)
		die("syscall_exit without syscall_enter");
}
