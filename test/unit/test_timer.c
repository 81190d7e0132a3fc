/* Timer wheel: firing order, never early, the documented lateness bound,
 * next_expiry() against brute force, cancel/modify from anywhere, big jumps
 * of time and expiries beyond the horizon. Deterministic (fixed-seed PRNG). */
#include <stdint.h>
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/timer.h"
#include "kernel/time.h"

struct tt {
	struct timer_list t;
	uint64_t want;		/* expiry asked for */
	uint64_t armed_clk;	/* wheel clock when armed: the bound's origin */
	uint64_t fired_at;
	unsigned fired;
	unsigned rearms;	/* left, for callbacks that re-arm themselves */
	unsigned id;
	struct tt *victim;	/* for callbacks acting on another timer */
};

static struct timer_base base;
static uint64_t now;
static uint64_t last_fire;
static unsigned nfired;
static bool check_bound;

#define LOG_MAX 32768
static struct tt *fire_log[LOG_MAX];

static uint64_t rng;

static uint64_t rnd(void)
{
	return test_rng(&rng);
}

/* Log-uniform below 2^max_bits, so every level of the wheel gets traffic. */
static uint64_t rnd_delay(unsigned max_bits)
{
	unsigned bits = (unsigned)(rnd() % (max_bits + 1));

	return bits ? rnd() & ((1ULL << bits) - 1) : 0;
}

/* The documented bound: exact below 64 ticks, else late < 8 * d / 63. */
static uint64_t max_late(const struct tt *x)
{
	uint64_t d = x->want > x->armed_clk ? x->want - x->armed_clk : 0;

	if (d > TIMER_HORIZON)
		d = TIMER_HORIZON;
	return d < 64 ? 0 : (8 * d - 1) / 63;
}

static void reset(uint64_t start, uint64_t seed)
{
	timer_base_init(&base, start);
	now = start;
	last_fire = 0;
	nfired = 0;
	check_bound = false;
	rng = seed;
	host_irq_disabled = 0;
}

/* Every test arms at a moment the wheel clock equals `now`. */
static void arm(struct tt *x, uint64_t want)
{
	x->want = want;
	x->armed_clk = now;
	mod_timer(&base, &x->t, want);
}

static void record(struct tt *x)
{
	assert_false(timer_pending(&x->t));
	assert_true(now >= x->want);
	assert_true(now >= last_fire);
	if (check_bound)
		assert_true(now - x->want <= max_late(x));
	last_fire = now;
	x->fired_at = now;
	x->fired++;
	if (nfired < LOG_MAX)
		fire_log[nfired] = x;
	nfired++;
}

static void on_fire(struct timer_list *t)
{
	record(container_of(t, struct tt, t));
}

static void init_tt(struct tt *x, unsigned id, void (*fn)(struct timer_list *))
{
	memset(x, 0, sizeof(*x));
	x->id = id;
	timer_setup(&x->t, fn);
}

static struct timer_stats stats(void)
{
	struct timer_stats s;

	timer_base_stats(&base, &s);
	return s;
}

/* Advances like the tickless kernel: straight to the next expiry. */
static void run_to_next(void)
{
	uint64_t ne = timer_base_next_expiry(&base);

	assert_true(ne != UINT64_MAX);
	if (ne > now)
		now = ne;
	timer_base_run(&base, now);
}

static void test_empty_base(void **state)
{
	(void)state;
	reset(777, 1);
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	timer_base_run(&base, 1000000);
	assert_int_equal(nfired, 0);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().fired, 0);
}

static void test_short_delay_exact(void **state)
{
	struct tt a;

	(void)state;
	reset(1000, 1);
	init_tt(&a, 0, on_fire);
	arm(&a, 1037);
	assert_true(timer_pending(&a.t));
	assert_int_equal(timer_base_next_expiry(&base), 1037);
	now = 1036;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 0);
	now = 1037;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
	assert_false(timer_pending(&a.t));
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
}

static void test_level_rounding(void **state)
{
	struct tt a, b;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	init_tt(&b, 1, on_fire);
	/* 100 ticks out is level 1 (8-tick slots): due at 104. */
	arm(&a, 100);
	assert_int_equal(timer_base_next_expiry(&base), 104);
	/* 63 is the last exact distance, 64 the first rounded one. */
	arm(&b, 63);
	assert_int_equal(timer_base_next_expiry(&base), 63);
	arm(&b, 65);
	assert_int_equal(timer_base_next_expiry(&base), 72);
	now = 103;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 0);
	assert_int_equal(b.fired, 1);
	now = 104;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
}

static void rearm_random(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	if (x->rearms) {
		x->rearms--;
		arm(x, now + rnd_delay(26));
	}
}

static void test_random_order_and_bound(void **state)
{
	enum { N = 4000, REARMS = 3 };
	static struct tt tt[N];
	unsigned steps;

	(void)state;
	reset((1ULL << 44) + 12345, 0x9E3779B97F4A7C15ULL);
	check_bound = true;
	for (unsigned i = 0; i < N; i++) {
		init_tt(&tt[i], i, rearm_random);
		tt[i].rearms = REARMS;
		arm(&tt[i], now + rnd_delay(26));
	}
	assert_int_equal(stats().pending, N);
	for (steps = 0; steps <= N * (REARMS + 1) &&
	     timer_base_next_expiry(&base) != UINT64_MAX; steps++) {
		unsigned before = nfired;

		run_to_next();
		/* next_expiry() never announces an empty bucket. */
		assert_true(nfired > before);
	}
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	assert_int_equal(nfired, N * (REARMS + 1));
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(tt[i].fired, REARMS + 1);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().fired, N * (REARMS + 1));
}

static void test_next_expiry_brute_force(void **state)
{
	enum { POOL = 256, OPS = 20000 };
	static struct tt tt[POOL];

	(void)state;
	reset(5000, 42);
	for (unsigned i = 0; i < POOL; i++)
		init_tt(&tt[i], i, on_fire);
	for (unsigned op = 0; op < OPS; op++) {
		struct tt *x = &tt[rnd() % POOL];
		uint64_t lo = UINT64_MAX, hi = UINT64_MAX, ne;
		unsigned r = (unsigned)(rnd() % 8);

		if (r < 4) {
			arm(x, now + rnd_delay(22));
		} else if (r == 4) {
			bool was = timer_pending(&x->t);

			assert_int_equal(del_timer(&base, &x->t), was);
		} else {
			/* Brute force: the earliest bucket lies between the
			 * earliest expiry and the earliest latest-firing time. */
			for (unsigned i = 0; i < POOL; i++) {
				if (!timer_pending(&tt[i].t))
					continue;
				lo = MIN(lo, tt[i].want);
				hi = MIN(hi, tt[i].want + max_late(&tt[i]));
			}
			ne = timer_base_next_expiry(&base);
			if (lo == UINT64_MAX) {
				assert_int_equal(ne, UINT64_MAX);
				continue;
			}
			assert_true(ne >= lo && ne <= hi && ne >= now);
			if (r == 5 && ne > now) {
				/* Exactness: nothing at ne - 1, something at ne. */
				unsigned before = nfired;

				now = ne - 1;
				timer_base_run(&base, now);
				assert_int_equal(nfired, before);
				now = ne;
				check_bound = true;
				timer_base_run(&base, now);
				check_bound = false;
				assert_true(nfired > before);
			} else {
				now += rnd_delay(14);
				timer_base_run(&base, now);
				/* Everything whose bound has passed is gone. */
				for (unsigned i = 0; i < POOL; i++)
					if (timer_pending(&tt[i].t))
						assert_true(tt[i].want + max_late(&tt[i]) > now);
			}
		}
	}
}

static void rearm_plus_one(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	mod_timer(&base, t, t->expires + 1);
}

static void test_big_jump(void **state)
{
	enum { N = 2000 };
	static struct tt tt[N];
	struct tt per, late;

	(void)state;
	reset(100, 7);
	for (unsigned i = 0; i < N; i++) {
		init_tt(&tt[i], i, on_fire);
		arm(&tt[i], now + rnd_delay(20));
	}
	init_tt(&per, N, rearm_plus_one);
	arm(&per, now + 1);
	now += 1000000000ULL;
	timer_base_run(&base, now);
	/* Every timer once; the self re-arming one only once, though its new
	 * expiry is long past: the run is bounded by what was due at entry. */
	assert_int_equal(nfired, N + 1);
	assert_int_equal(per.fired, 1);
	for (unsigned i = 0; i < N; i++)
		assert_int_equal(tt[i].fired, 1);
	/* In bucket order: each fired no earlier than the previous one's
	 * expiry allows, given its own rounding. */
	for (unsigned i = 1; i < nfired; i++) {
		struct tt *p = fire_log[i - 1], *q = fire_log[i];

		assert_true(q->want + max_late(q) >= p->want);
	}
	assert_true(timer_base_next_expiry(&base) <= now);
	timer_base_run(&base, now);
	assert_int_equal(per.fired, 2);
	assert_int_equal(nfired, N + 2);
	del_timer(&base, &per.t);

	/* The clock followed the jump: short timers are exact again. */
	init_tt(&late, N + 1, on_fire);
	arm(&late, now + 5);
	assert_int_equal(timer_base_next_expiry(&base), now + 5);
	now += 5;
	timer_base_run(&base, now);
	assert_int_equal(late.fired, 1);
	assert_int_equal(stats().pending, 0);
}

static void test_cancel_before_fire(void **state)
{
	static const uint64_t delays[] = { 0, 5, 100, 5000, 1000000, 1ULL << 40 };
	struct tt tt[ARRAY_SIZE(delays)], s1, s2;

	(void)state;
	reset(3, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(delays); i++) {
		init_tt(&tt[i], i, on_fire);
		arm(&tt[i], now + delays[i]);
	}
	assert_int_equal(stats().pending, ARRAY_SIZE(delays));
	for (unsigned i = 0; i < ARRAY_SIZE(delays); i++) {
		assert_true(del_timer(&base, &tt[i].t));
		assert_false(timer_pending(&tt[i].t));
		assert_false(del_timer(&base, &tt[i].t));
	}
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	now += 1ULL << 41;
	timer_base_run(&base, now);
	assert_int_equal(nfired, 0);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().cancelled, ARRAY_SIZE(delays));

	/* Cancelling one of a slot's two timers leaves the other armed. */
	init_tt(&s1, 10, on_fire);
	init_tt(&s2, 11, on_fire);
	arm(&s1, now + 200);
	arm(&s2, now + 201);
	assert_true(del_timer(&base, &s1.t));
	assert_int_equal(ALIGN_UP(now + 200, 8), ALIGN_UP(now + 201, 8));
	assert_int_equal(timer_base_next_expiry(&base), ALIGN_UP(now + 201, 8));
	now = ALIGN_UP(now + 201, 8);
	timer_base_run(&base, now);
	assert_int_equal(s1.fired, 0);
	assert_int_equal(s2.fired, 1);
}

static void test_modify_pending(void **state)
{
	struct tt a;

	(void)state;
	reset(0, 1);
	check_bound = true;
	init_tt(&a, 0, on_fire);

	/* Later: the old time passes silently. */
	arm(&a, 10);
	arm(&a, 5000);
	assert_int_equal(stats().pending, 1);
	now = 10;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 0);
	run_to_next();
	assert_int_equal(a.fired, 1);
	assert_true(a.fired_at >= 5000);

	/* Earlier: fires at the new time, and not again at the old one. */
	arm(&a, now + 5000);
	arm(&a, now + 10);
	assert_int_equal(timer_base_next_expiry(&base), now + 10);
	run_to_next();
	assert_int_equal(a.fired, 2);
	now += 10000;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 2);

	/* Within one bucket: still a single firing, with the new expiry. */
	now = 1ULL << 20;
	timer_base_forward(&base, now);
	arm(&a, now + 1000);
	arm(&a, now + 1010);
	assert_int_equal(a.t.expires, now + 1010);
	run_to_next();
	assert_int_equal(a.fired, 3);
	assert_true(a.fired_at >= a.want);
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().fired, 3);
}

static void periodic(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	assert_false(del_timer(&base, t));
	if (x->rearms) {
		x->rearms--;
		arm(x, x->want + 10);
		assert_true(timer_pending(t));
	}
}

static void test_callback_rearms_self(void **state)
{
	struct tt p;

	(void)state;
	reset(0, 1);
	check_bound = true;
	init_tt(&p, 0, periodic);
	p.rearms = 99;
	arm(&p, 10);
	for (unsigned i = 1; i <= 100; i++) {
		run_to_next();
		assert_int_equal(p.fired, i);
		assert_int_equal(p.fired_at, 10 * i);
	}
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	assert_int_equal(stats().fired, 100);
}

static void rearm_now(struct timer_list *t)
{
	record(container_of(t, struct tt, t));
	mod_timer(&base, t, now);
}

static void test_rearm_into_past_is_deferred(void **state)
{
	struct tt p;

	(void)state;
	reset(50, 1);
	init_tt(&p, 0, rearm_now);
	arm(&p, 50);
	for (unsigned i = 1; i <= 5; i++) {
		timer_base_run(&base, now);
		assert_int_equal(p.fired, i);
		assert_int_equal(timer_base_next_expiry(&base), now);
	}
	del_timer(&base, &p.t);
}

static void kill_victim(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	assert_true(del_timer(&base, &x->victim->t));
	assert_false(timer_pending(&x->victim->t));
}

static void push_victim(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	x->victim->armed_clk = now;
	x->victim->want = now + 50;
	mod_timer(&base, &x->victim->t, now + 50);
}

static void test_callback_acts_on_siblings(void **state)
{
	struct tt a, b, c, d, e, f, g;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, kill_victim);
	init_tt(&b, 1, on_fire);
	init_tt(&c, 2, on_fire);
	/* Same bucket (104), different expiries; a is first, kills b. */
	a.victim = &b;
	arm(&a, 100);
	arm(&b, 101);
	arm(&c, 103);
	run_to_next();
	assert_int_equal(now, 104);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(c.fired, 1);
	assert_int_equal(stats().cancelled, 1);

	/* A jump collects several buckets at once; d kills e and pushes f
	 * (both already collected, due later in the same run) forward. */
	init_tt(&d, 3, kill_victim);
	init_tt(&e, 4, on_fire);
	init_tt(&f, 5, on_fire);
	init_tt(&g, 6, push_victim);
	d.victim = &e;
	g.victim = &f;
	arm(&d, now + 50);
	arm(&g, now + 60);
	arm(&e, now + 5000);
	arm(&f, now + 7000);
	now += 100000;
	timer_base_run(&base, now);
	assert_int_equal(d.fired + g.fired, 2);
	assert_int_equal(e.fired, 0);
	assert_int_equal(f.fired, 0);
	assert_true(timer_pending(&f.t));
	assert_int_equal(timer_base_next_expiry(&base), now + 50);
	run_to_next();
	assert_int_equal(f.fired, 1);
	assert_int_equal(f.fired_at, f.want);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().cancelled, 2);
}

static void victim_to_now(struct timer_list *t)
{
	struct tt *x = container_of(t, struct tt, t);

	record(x);
	x->victim->armed_clk = now;
	x->victim->want = now;
	mod_timer(&base, &x->victim->t, now);
}

static void test_callback_rearms_collected_sibling(void **state)
{
	struct tt a, b;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, victim_to_now);
	init_tt(&b, 1, on_fire);
	a.victim = &b;
	/* b was collected for this run, sits in the very slot `now` hashes to,
	 * and is re-armed for `now`: it still waits for the next run. */
	arm(&a, 10);
	arm(&b, 10);
	now = 10;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_true(timer_pending(&b.t));
	assert_int_equal(stats().pending, 1);
	assert_int_equal(stats().requeued, 0);
	assert_int_equal(timer_base_next_expiry(&base), now);
	timer_base_run(&base, now);
	assert_int_equal(b.fired, 1);
	assert_int_equal(stats().pending, 0);
}

static void test_10000_add_cancel(void **state)
{
	enum { N = 10000 };
	static struct tt tt[N];
	static unsigned order[N];
	unsigned steps, fired_expected = 0;

	(void)state;
	reset(1ULL << 32, 99);
	for (unsigned i = 0; i < N; i++) {
		init_tt(&tt[i], i, on_fire);
		order[i] = i;
	}
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j = (unsigned)(rnd() % (i + 1)), tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}

	/* All in, all out, in random order: the wheel ends up empty. */
	for (unsigned i = 0; i < N; i++)
		arm(&tt[i], now + rnd_delay(34));
	assert_int_equal(stats().pending, N);
	for (unsigned i = 0; i < N; i++)
		assert_true(del_timer(&base, &tt[order[i]].t));
	assert_int_equal(stats().pending, 0);
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	now += 1ULL << 36;
	timer_base_run(&base, now);
	assert_int_equal(nfired, 0);

	/* All in, a random half out, the rest fire on time. */
	check_bound = true;
	for (unsigned i = 0; i < N; i++)
		arm(&tt[i], now + rnd_delay(24));
	for (unsigned i = 0; i < N / 2; i++)
		assert_true(del_timer(&base, &tt[order[i]].t));
	for (steps = 0; steps < N && timer_base_next_expiry(&base) != UINT64_MAX; steps++)
		run_to_next();
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	for (unsigned i = 0; i < N; i++)
		fired_expected += tt[i].fired;
	assert_int_equal(fired_expected, N / 2);
	for (unsigned i = 0; i < N / 2; i++)
		assert_int_equal(tt[order[i]].fired, 0);
	assert_int_equal(stats().pending, 0);
	assert_int_equal(stats().cancelled, N + N / 2);
	assert_int_equal(stats().fired, N / 2);
}

static void test_expiry_in_past(void **state)
{
	struct tt a, b;

	(void)state;
	reset(1000, 1);
	init_tt(&a, 0, on_fire);
	init_tt(&b, 1, on_fire);
	arm(&a, 5);
	assert_int_equal(timer_base_next_expiry(&base), 1000);
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
	/* Due "now" fires on the next run even at the same now. */
	arm(&b, now);
	assert_int_equal(timer_base_next_expiry(&base), now);
	timer_base_run(&base, now);
	assert_int_equal(b.fired, 1);
	/* Expiry 0 on a fresh base at 0. */
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	arm(&a, 0);
	timer_base_run(&base, 0);
	assert_int_equal(a.fired, 1);
}

static void test_far_future(void **state)
{
	const uint64_t far = 1ULL << 40;
	struct tt a, never;
	unsigned steps, idle = 0;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	arm(&a, far);
	assert_true(timer_base_next_expiry(&base) <= TIMER_HORIZON);
	for (steps = 0; steps < far / TIMER_HORIZON + 10 && !a.fired; steps++) {
		unsigned before = nfired;

		run_to_next();
		if (nfired == before)
			idle++;
	}
	assert_int_equal(a.fired, 1);
	assert_true(a.fired_at >= far);
	assert_true(a.fired_at - far <= (8 * TIMER_HORIZON - 1) / 63);
	assert_int_equal(stats().requeued, idle);
	assert_true(idle >= far / TIMER_HORIZON - 1);

	/* The horizon itself fits; one tick more is parked, then exact. */
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	init_tt(&never, 1, on_fire);
	arm(&a, TIMER_HORIZON);
	arm(&never, TIMER_HORIZON + 1);
	assert_int_equal(timer_base_next_expiry(&base), TIMER_HORIZON);
	run_to_next();
	assert_int_equal(a.fired, 1);
	assert_int_equal(never.fired, 0);
	assert_int_equal(stats().requeued, 1);
	assert_int_equal(timer_base_next_expiry(&base), TIMER_HORIZON + 1);
	run_to_next();
	assert_int_equal(never.fired, 1);

	/* One jump straight past it fires it in a single run. */
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	arm(&a, far);
	now = far + 5;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);

	/* "Never" stays pending across huge jumps. */
	init_tt(&never, 1, on_fire);
	arm(&never, UINT64_MAX);
	for (unsigned i = 0; i < 4; i++) {
		now += 1ULL << 50;
		timer_base_run(&base, now);
		assert_true(timer_pending(&never.t));
		assert_true(timer_base_next_expiry(&base) > now);
		assert_true(timer_base_next_expiry(&base) <= now + TIMER_HORIZON +
			    TIMER_TOP_GRANULARITY - 1);
	}
	assert_int_equal(never.fired, 0);
	assert_true(del_timer(&base, &never.t));
}

static void test_forward(void **state)
{
	struct tt a, b;
	uint64_t abucket;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	init_tt(&b, 1, on_fire);
	arm(&a, 100000);
	abucket = timer_base_next_expiry(&base);
	assert_true(abucket >= 100000);

	/* After idling, forward makes a short delay exact again. */
	now = 50000;
	timer_base_forward(&base, now);
	arm(&b, now + 10);
	assert_int_equal(timer_base_next_expiry(&base), now + 10);
	run_to_next();
	assert_int_equal(b.fired, 1);

	/* Forward stops at a pending expiry: cancelling it still finds its
	 * bucket, and run() still fires it. */
	timer_base_forward(&base, 200000);
	assert_int_equal(timer_base_next_expiry(&base), abucket);
	assert_true(del_timer(&base, &a.t));
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	arm(&a, 300000);
	abucket = timer_base_next_expiry(&base);
	timer_base_forward(&base, 400000);
	assert_int_equal(timer_base_next_expiry(&base), abucket);
	timer_base_forward(&base, 10);
	now = 400000;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
}

static void test_counters(void **state)
{
	struct tt a, b, c;
	struct timer_stats s;

	(void)state;
	reset(0, 1);
	init_tt(&a, 0, on_fire);
	init_tt(&b, 1, on_fire);
	init_tt(&c, 2, on_fire);
	arm(&a, 10);
	arm(&a, 20);
	arm(&b, 30);
	arm(&c, 1ULL << 35);
	s = stats();
	assert_int_equal(s.pending, 3);
	assert_int_equal(s.fired, 0);
	assert_true(del_timer(&base, &b.t));
	now = 1000;
	timer_base_run(&base, now);
	s = stats();
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.fired, 1);
	assert_int_equal(s.cancelled, 1);
	assert_int_equal(s.requeued, 0);
	now = TIMER_HORIZON;
	timer_base_run(&base, now);
	s = stats();
	assert_int_equal(s.requeued, 1);
	assert_int_equal(s.pending, 1);
	assert_int_equal(s.fired, 1);
}

static int irq_seen;

static void note_irq(struct timer_list *t)
{
	(void)t;
	irq_seen = host_irq_disabled;
}

static void test_irq_state(void **state)
{
	struct timer_list t;

	(void)state;
	reset(0, 1);
	timer_setup(&t, note_irq);
	mod_timer(&base, &t, 1);
	assert_int_equal(host_irq_disabled, 0);
	irq_seen = -1;
	timer_base_run(&base, 1);
	assert_int_equal(irq_seen, 0);
	assert_int_equal(host_irq_disabled, 0);

	host_irq_disabled = 1;
	mod_timer(&base, &t, 2);
	assert_int_equal(host_irq_disabled, 1);
	irq_seen = -1;
	timer_base_run(&base, 2);
	assert_int_equal(irq_seen, 1);
	assert_int_equal(host_irq_disabled, 1);
	host_irq_disabled = 0;
}

static void test_time_going_backwards(void **state)
{
	struct tt a;

	(void)state;
	reset(1000, 1);
	init_tt(&a, 0, on_fire);
	arm(&a, 1010);
	timer_base_run(&base, 500);
	timer_base_forward(&base, 400);
	assert_int_equal(a.fired, 0);
	assert_int_equal(timer_base_next_expiry(&base), 1010);
	/* The clock did not move back: the slot still maps to 1010. */
	assert_true(del_timer(&base, &a.t));
	assert_int_equal(timer_base_next_expiry(&base), UINT64_MAX);
	arm(&a, 1010);
	now = 1010;
	timer_base_run(&base, now);
	assert_int_equal(a.fired, 1);
}

/* The LAPIC deadline conversion: exact where the plain product fits, and no
 * wrap-around for timers hours or days away. */
static void test_ns_to_ticks(void **state)
{
	const uint64_t khz = 2647651;	/* a TSC at 2.6 GHz */

	(void)state;
	assert_int_equal(ns_to_ticks(0, khz), 0);
	assert_int_equal(ns_to_ticks(1000000, khz), khz);
	assert_int_equal(ns_to_ticks(1234567, khz), 1234567ULL * khz / 1000000);
	/* 3 hours: ns * khz is ~2.9e19 > 2^64, the old product wrapped. */
	uint64_t ns = 3ULL * 3600 * 1000000000ULL;
	assert_int_equal(ns_to_ticks(ns, khz), ns / 1000000 * khz);
	assert_true(ns_to_ticks(ns, khz) > ns_to_ticks(ns / 2, khz));
	/* 12 days, the wheel's horizon. */
	ns = 12ULL * 86400 * 1000000000ULL;
	assert_int_equal(ns_to_ticks(ns, khz), ns / 1000000 * khz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_base),
		cmocka_unit_test(test_short_delay_exact),
		cmocka_unit_test(test_level_rounding),
		cmocka_unit_test(test_random_order_and_bound),
		cmocka_unit_test(test_next_expiry_brute_force),
		cmocka_unit_test(test_big_jump),
		cmocka_unit_test(test_cancel_before_fire),
		cmocka_unit_test(test_modify_pending),
		cmocka_unit_test(test_callback_rearms_self),
		cmocka_unit_test(test_rearm_into_past_is_deferred),
		cmocka_unit_test(test_callback_acts_on_siblings),
		cmocka_unit_test(test_callback_rearms_collected_sibling),
		cmocka_unit_test(test_10000_add_cancel),
		cmocka_unit_test(test_expiry_in_past),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_irq_state),
		cmocka_unit_test(test_time_going_backwards),
		cmocka_unit_test(test_ns_to_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
