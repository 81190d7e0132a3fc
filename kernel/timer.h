/* Kernel timers: a hierarchical hashed timing wheel, O(1) to arm, re-arm and
 * cancel, cheap to ask for the next expiry (the kernel is tickless and programs
 * a one-shot LAPIC timer for it).
 *
 * Time is in abstract ticks (the kernel uses 1 tick = 1 ms). The base keeps a
 * clock, clk: the `now` of the last timer_base_run() or timer_base_forward().
 * A timer is hashed once, by its distance d = expires - clk, into the lowest
 * level that reaches that far, and is never moved between levels:
 *
 *   level  granularity g   holds d up to        (at 1 ms a tick)
 *     0          1                 63 ticks      63 ms
 *     1          8                504            0.5 s
 *     2         64              4 032            4 s
 *     3        512             32 256           32 s
 *     4      4 096            258 048          4.3 min
 *     5     32 768          2 064 384           34 min
 *     6    262 144         16 515 072          4.6 h
 *     7  2 097 152        132 120 576           37 h
 *     8 16 777 216      1 056 964 608          12.2 days (TIMER_HORIZON)
 *
 * Lateness bound. A timer never fires early. Its expiry is rounded up to its
 * level's granularity, so it becomes due at most g - 1 ticks late. Level 0 is
 * exact (d < 64 fires on the very tick). A timer lands on level n >= 1 only
 * when d > 63 * g / 8, so the lateness is < 8 * d / 63, i.e. less than
 * d/8 + d/504 (12.7%). Up to level 2 (d <= 4032) that is also <= d/8 + 1;
 * a flat d/8 + 1 everywhere would need more than 64 slots per level. d is
 * measured from clk, so arm timers after timer_base_forward() (or from a
 * callback) to have the bound hold against the real delay.
 *
 * Beyond the horizon. A timer further than TIMER_HORIZON away is parked at
 * clk + TIMER_HORIZON (rounded up to the top level's granularity like
 * any other expiry); when that point is reached run() re-queues it
 * without calling it (stats.requeued), until it is within reach. Its final
 * lateness obeys the bound for the last, shorter, hop. "now" must stay below
 * 2^63; any expires works, UINT64_MAX included, so it can stand for "never".
 *
 * Interrupts. Every entry point may be called from any context, with interrupts
 * on or off, hard IRQ included: each one holds local_irq_save() only for the
 * few instructions that touch the base. run() drops it around each callback,
 * so callbacks run with interrupts in whatever state run()'s caller had. run()
 * must not be re-entered on the same base (call it from one softirq at a time,
 * never from a callback). A timer must go through timer_setup() before its
 * first use.
 */
#ifndef RINGOS_TIMER_H
#define RINGOS_TIMER_H

#include "kernel/compiler.h"
#include "kernel/list.h"

#define TIMER_LVL_BITS   6
#define TIMER_LVL_SIZE   (1U << TIMER_LVL_BITS)
#define TIMER_LVL_SHIFT  3
#define TIMER_LEVELS     9
#define TIMER_TOP_GRANULARITY (1ULL << ((TIMER_LEVELS - 1) * TIMER_LVL_SHIFT))
#define TIMER_HORIZON    ((uint64_t)(TIMER_LVL_SIZE - 1) * TIMER_TOP_GRANULARITY)

struct timer_list {
	struct list_head entry;
	uint64_t expires;
	void (*fn)(struct timer_list *);
	/* Private: where the timer is queued, so cancel can clear the bitmap. */
	uint32_t slot;
};

struct timer_stats {
	uint64_t pending;	/* armed and not yet fired or cancelled */
	uint64_t fired;		/* callbacks called */
	uint64_t cancelled;	/* del_timer() calls that stopped a pending timer */
	uint64_t requeued;	/* beyond-horizon timers moved on without firing */
};

/* Contents are private. Statically allocatable; about 9.1 KiB. */
struct timer_base {
	uint64_t clk;
	uint64_t next;				/* earliest occupied bucket */
	uint64_t occupied[TIMER_LEVELS];	/* one bit per non-empty slot */
	struct timer_stats stats;
	struct list_head slots[TIMER_LEVELS * TIMER_LVL_SIZE];
};

void timer_base_init(struct timer_base *b, uint64_t now);
void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *));

/* Arms t, or moves it if pending. expires <= clk makes it due at once:
 * next_expiry() reports clk and the next run() calls it. */
void mod_timer(struct timer_base *b, struct timer_list *t, uint64_t expires);
/* True if t was pending (it will now not fire). */
bool del_timer(struct timer_base *b, struct timer_list *t);

static inline bool timer_pending(const struct timer_list *t)
{
	return !list_empty(&t->entry);
}

/* Calls every timer that has become due by `now`, in the order their
 * (rounded) expiries come due; within one bucket finer levels first, then
 * first armed first. Each callback gets its timer detached (not pending) and
 * may arm or cancel any timer of the base. Whatever a callback arms waits for
 * a later call, even when due at once, so a call does work bounded by the
 * timers due when it starts, however far `now` jumped. */
void timer_base_run(struct timer_base *b, uint64_t now);

/* Moves clk up to now without calling anything (stopping at the earliest
 * due timer, which run() must see first). Cheap: use it before arming a timer
 * from process context after the CPU idled, so the delay is measured from the
 * real time. */
void timer_base_forward(struct timer_base *b, uint64_t now);

/* The earliest `now` at which run() calls something; UINT64_MAX if nothing
 * is pending. A value <= the current time means "due now". For a parked
 * beyond-horizon timer it is the parking point, where run() only re-queues.
 * O(1). */
static inline uint64_t timer_base_next_expiry(const struct timer_base *b)
{
	return READ_ONCE(b->next);
}

void timer_base_stats(const struct timer_base *b, struct timer_stats *out);

#endif
