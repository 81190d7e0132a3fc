/* Softirq core. Everything that changes at run time sits in one per-CPU struct,
 * touched only by its own CPU, so a second CPU needs an array index and nothing
 * else. On one CPU the only concurrency is an interrupt arriving between two
 * instructions: the pending mask is therefore read-modify-written with interrupts
 * disabled, while the nesting counts need no such care because every interrupt
 * handler leaves them exactly as it found them. */
#include "kernel/softirq.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/time.h"

_Static_assert(NR_SOFTIRQS <= 32, "the pending mask is 32 bits wide");

struct softirq_cpu {
	uint32_t pending;
	unsigned int hardirq_depth;
	unsigned int bh_disable_depth;
	bool serving;			/* inside run_softirqs(), which never nests */
	int hardirq_prev_bucket;	/* CPU time bucket the outermost IRQ interrupted */
	/* Hard IRQ time taken while serving (handlers run with interrupts on),
	 * left out of the handlers' time_ns so that it is theirs alone. */
	uint64_t hardirq_start_ns, hardirq_in_softirq_ns;
	struct softirq_stats stats;
} __aligned(64);

static struct softirq_cpu softirq_cpu[1];

/* Handlers are set once at boot and are the same on every CPU. */
static void (*softirq_action[NR_SOFTIRQS])(void);

const char *const softirq_names[NR_SOFTIRQS] = {
	[HI_SOFTIRQ]     = "HI",
	[TIMER_SOFTIRQ]  = "TIMER",
	[NET_TX_SOFTIRQ] = "NET_TX",
	[NET_RX_SOFTIRQ] = "NET_RX",
	[SPARE4_SOFTIRQ] = "SPARE4",
	[SPARE5_SOFTIRQ] = "SPARE5",
};

static inline struct softirq_cpu *this_softirq_cpu(void)
{
	return &softirq_cpu[0];
}

void open_softirq(unsigned int nr, void (*action)(void))
{
	if (nr >= NR_SOFTIRQS) {
		pr_warn("softirq: open_softirq(%u) out of range, ignored\n", nr);
		return;
	}
	softirq_action[nr] = action;
}

void raise_softirq_irqoff(unsigned int nr)
{
	struct softirq_cpu *s = this_softirq_cpu();

	if (nr >= NR_SOFTIRQS) {
		pr_warn("softirq: raise_softirq(%u) out of range, ignored\n", nr);
		return;
	}
	s->pending |= 1U << nr;
	s->stats.raised[nr]++;
}

void raise_softirq(unsigned int nr)
{
	unsigned long flags = local_irq_save();

	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

bool softirq_pending(void)
{
	return READ_ONCE(this_softirq_cpu()->pending) != 0;
}

/* Entered and left with interrupts disabled; handlers run with them enabled so a
 * long NET_RX pass cannot delay the next hard interrupt. Each pass takes the whole
 * mask at once, so a bit raised during the pass waits for the next one and a
 * handler that keeps raising itself cannot starve the others. */
static void run_softirqs(struct softirq_cpu *s)
{
	uint64_t start = ktime_get_ns();
	int prev = cpu_account_enter(CPU_SOFTIRQ);
	unsigned int passes = 0;

	s->serving = true;
	for (;;) {
		uint32_t pending = s->pending;

		s->pending = 0;
		passes++;
		local_irq_enable();
		while (pending) {
			unsigned int nr = (unsigned int)__builtin_ctz(pending);

			pending &= pending - 1;
			if (softirq_action[nr]) {
				/* Clock first and IRQ sum second at the start, the
				 * other way round at the end: an interrupt between
				 * two reads then only adds to the handler's time,
				 * and the difference cannot go below zero. */
				uint64_t t0 = ktime_get_ns();
				uint64_t irq = READ_ONCE(s->hardirq_in_softirq_ns);

				softirq_action[nr]();
				s->stats.run[nr]++;
				irq = READ_ONCE(s->hardirq_in_softirq_ns) - irq;
				s->stats.time_ns[nr] += ktime_get_ns() - t0 - irq;
			}
		}
		local_irq_disable();

		if (!s->pending)
			break;
		if (ktime_get_ns() - start >= SOFTIRQ_BUDGET_NS) {
			s->stats.budget_exhausted++;
			break;
		}
		if (passes >= SOFTIRQ_MAX_PASSES) {
			s->stats.restart_limited++;
			break;
		}
	}
	s->serving = false;
	cpu_account_exit(prev);
}

bool in_irq(void)
{
	return READ_ONCE(this_softirq_cpu()->hardirq_depth) != 0;
}

bool in_serving_softirq(void)
{
	return READ_ONCE(this_softirq_cpu()->serving);
}

bool in_softirq(void)
{
	struct softirq_cpu *s = this_softirq_cpu();

	return READ_ONCE(s->serving) || READ_ONCE(s->bh_disable_depth) != 0;
}

bool in_interrupt(void)
{
	return in_irq() || in_softirq();
}

void do_softirq(void)
{
	struct softirq_cpu *s = this_softirq_cpu();
	unsigned long flags;

	if (in_interrupt() || !softirq_pending())
		return;
	flags = local_irq_save();
	if (s->pending)
		run_softirqs(s);
	local_irq_restore(flags);
}

void irq_enter(void)
{
	struct softirq_cpu *s = this_softirq_cpu();

	if (s->hardirq_depth++ == 0) {
		s->hardirq_prev_bucket = cpu_account_enter(CPU_HARDIRQ);
		if (s->serving)
			s->hardirq_start_ns = ktime_get_ns();
	}
	barrier();
}

void irq_exit(void)
{
	struct softirq_cpu *s = this_softirq_cpu();
	unsigned long flags;

	barrier();
	if (s->hardirq_depth == 0) {
		pr_warn("softirq: irq_exit without irq_enter\n");
		return;
	}
	/* Normally already off; saving makes a misuse return in the state it came. */
	flags = local_irq_save();
	if (--s->hardirq_depth == 0) {
		if (s->serving)
			s->hardirq_in_softirq_ns += ktime_get_ns() - s->hardirq_start_ns;
		cpu_account_exit(s->hardirq_prev_bucket);
		if (s->pending && !s->serving && s->bh_disable_depth == 0)
			run_softirqs(s);
	}
	local_irq_restore(flags);
}

void local_bh_disable(void)
{
	this_softirq_cpu()->bh_disable_depth++;
	barrier();
}

void local_bh_enable(void)
{
	struct softirq_cpu *s = this_softirq_cpu();

	barrier();
	if (s->bh_disable_depth == 0) {
		pr_warn("softirq: local_bh_enable without local_bh_disable\n");
		return;
	}
	/* With interrupts off the caller expects them to stay off, and running
	 * handlers would turn them on: leave the work to the next opportunity. */
	if (--s->bh_disable_depth == 0 && !irqs_disabled())
		do_softirq();
}

void softirq_get_stats(struct softirq_stats *out)
{
	unsigned long flags = local_irq_save();

	*out = this_softirq_cpu()->stats;
	local_irq_restore(flags);
}

void softirq_dump(void)
{
	struct softirq_stats st;
	uint32_t pending;
	unsigned long flags = local_irq_save();

	st = this_softirq_cpu()->stats;
	pending = this_softirq_cpu()->pending;
	local_irq_restore(flags);

	printk(LOG_INFO, "%10s %14s %14s\n", "", "CPU0 run", "CPU0 raised");
	for (unsigned int nr = 0; nr < NR_SOFTIRQS; nr++)
		printk(LOG_INFO, "%9s: %14llu %14llu%s\n", softirq_names[nr],
		       (unsigned long long)st.run[nr], (unsigned long long)st.raised[nr],
		       (pending & (1U << nr)) ? "  pending" : "");
	printk(LOG_INFO, "budget exhausted: %llu  restart limit: %llu\n",
	       (unsigned long long)st.budget_exhausted,
	       (unsigned long long)st.restart_limited);
}
