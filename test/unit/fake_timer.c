/* See fake_timer.h. */
#include "fake_timer.h"
#include "host_support.h"
#include "kernel/ktimer.h"
#include "kernel/timer.h"

/* A callback that keeps re-arming itself at once would never let time pass. */
#define FAKE_TIMER_MAX_STEPS 1000000

static struct timer_base base;

void fake_timer_init(uint64_t now)
{
	timer_base_init(&base, now);
}

/* Measured from the fixture's now, as the kernel's timer_mod forwards the
 * wheel to jiffies() after the CPU idled. */
void timer_mod(struct timer_list *t, uint64_t expires)
{
	timer_base_forward(&base, jiffies());
	mod_timer(&base, t, expires);
}

bool timer_del(struct timer_list *t)
{
	return del_timer(&base, t);
}

uint64_t fake_timer_next(void)
{
	return timer_base_next_expiry(&base);
}

void fake_timer_run(uint64_t now)
{
	timer_base_run(&base, now);
}

void fake_timer_advance(uint64_t *clock, uint64_t ms)
{
	uint64_t target = *clock + ms;

	for (unsigned int steps = 0;; steps++) {
		uint64_t next = fake_timer_next();

		assert_true(steps < FAKE_TIMER_MAX_STEPS);
		if (next > target)
			break;
		if (next > *clock)
			*clock = next;
		fake_timer_run(*clock);
	}
	*clock = target;
	fake_timer_run(*clock);
}
