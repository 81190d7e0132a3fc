/* Hierarchical hashed timing wheel; the contract and the lateness bound are in
 * kernel/timer.h.
 *
 * Level n has 64 slots of g = 8^n ticks. A timer due at `at` sits on level n in
 * the slot of its bucket time ceil(at / g) * g. Level n only takes distances
 * up to 63 * g, so each of its slots stands for exactly one bucket time in the
 * window [c, c + 63 * g], c = ceil(clk / g) * g: the slot index alone tells
 * when it comes due, and timers never cascade down. Invariants:
 *   - every occupied bucket is >= clk;
 *   - next is the earliest occupied bucket (UINT64_MAX if none);
 *   - occupied[n] bit i is set iff slots[n * 64 + i] is non-empty.
 * run() first collects every bucket <= now in time order onto a private list
 * (jumping from bucket to bucket through the bitmaps, never tick by tick),
 * then calls them one by one; that list is the only place a pending timer can
 * be outside the wheel, marked SLOT_EXPIRED.
 */
#include "kernel/timer.h"
#include "kernel/irqflags.h"

#define LVL_MASK      (TIMER_LVL_SIZE - 1)
#define SLOT_EXPIRED  UINT32_MAX

_Static_assert(TIMER_LVL_SIZE == 64, "occupancy bitmaps are one uint64_t per level");
_Static_assert(TIMER_HORIZON < (1ULL << 30), "calc_level() expects d below 2^30");

static inline unsigned lvl_shift(unsigned lvl)
{
	return lvl * TIMER_LVL_SHIFT;
}

/* ceil(x / 2^shift), without the overflow of adding 2^shift - 1 first. */
static inline uint64_t ceil_shift(uint64_t x, unsigned shift)
{
	return (x >> shift) + ((x & ((1ULL << shift) - 1)) != 0);
}

static inline uint64_t ror64(uint64_t x, unsigned r)
{
	return (x >> r) | (x << ((64 - r) & 63));
}

/* Lowest level that holds a distance of d ticks, i.e. d <= 63 * 8^n. The bit
 * length guesses n to within one: with b = bitlen(d), 8^n >= 2^(b-6) makes
 * 64 * 8^n > d, which misses 63 * 8^n by at most one level, while n - 1 is
 * always too small. */
static inline unsigned calc_level(uint64_t d)
{
	unsigned bits, lvl;

	if (d < TIMER_LVL_SIZE)
		return 0;
	bits = 64 - (unsigned)__builtin_clzll(d);
	lvl = (bits - TIMER_LVL_BITS + TIMER_LVL_SHIFT - 1) / TIMER_LVL_SHIFT;
	if (d > ((uint64_t)LVL_MASK << lvl_shift(lvl)))
		lvl++;
	return lvl;
}

/* Earliest occupied bucket at or after clk: per level, rotate the bitmap so
 * that bit 0 is the slot of the level's first bucket >= clk and take the
 * lowest set bit. Coarser levels' first buckets are never earlier, so the scan
 * stops once the best found is no later than the level's first bucket. */
static uint64_t next_bucket(const struct timer_base *b)
{
	uint64_t best = UINT64_MAX;

	for (unsigned lvl = 0; lvl < TIMER_LEVELS; lvl++) {
		unsigned s = lvl_shift(lvl);
		uint64_t pos = ceil_shift(b->clk, s), occ = b->occupied[lvl], t;

		if ((pos << s) >= best)
			break;
		if (!occ)
			continue;
		t = (pos + (uint64_t)__builtin_ctzll(ror64(occ, (unsigned)(pos & LVL_MASK)))) << s;
		if (t < best)
			best = t;
	}
	return best;
}

/* The one bucket time a slot stands for in its level's current window. */
static uint64_t slot_time(const struct timer_base *b, unsigned slot)
{
	unsigned lvl = slot / TIMER_LVL_SIZE, s = lvl_shift(lvl);
	uint64_t pos = ceil_shift(b->clk, s);

	return (pos + ((slot - pos) & LVL_MASK)) << s;
}

/* Slot (level * 64 + index) and bucket time for a timer due at `expires`. */
static unsigned hash_slot(const struct timer_base *b, uint64_t expires, uint64_t *bucket)
{
	uint64_t d = expires > b->clk ? expires - b->clk : 0;
	unsigned lvl, s;
	uint64_t pos;

	if (unlikely(d > TIMER_HORIZON))
		d = TIMER_HORIZON;
	lvl = calc_level(d);
	s = lvl_shift(lvl);
	pos = ceil_shift(b->clk + d, s);
	*bucket = pos << s;
	return lvl * TIMER_LVL_SIZE + (unsigned)(pos & LVL_MASK);
}

static void enqueue(struct timer_base *b, struct timer_list *t, unsigned slot, uint64_t bucket)
{
	list_add_tail(&t->entry, &b->slots[slot]);
	b->occupied[slot / TIMER_LVL_SIZE] |= 1ULL << (slot & LVL_MASK);
	t->slot = slot;
	if (bucket < b->next)
		b->next = bucket;
}

static void detach(struct timer_base *b, struct timer_list *t)
{
	unsigned slot = t->slot;

	list_del(&t->entry);
	if (slot == SLOT_EXPIRED || !list_empty(&b->slots[slot]))
		return;
	b->occupied[slot / TIMER_LVL_SIZE] &= ~(1ULL << (slot & LVL_MASK));
	if (slot_time(b, slot) == b->next)
		b->next = next_bucket(b);
}

/* Moves every timer of bucket b->next to the tail of `out`, finest level
 * first, and advances clk to that bucket. A bucket time that is not a
 * boundary of level n is not one of any coarser level either. */
static void collect_bucket(struct timer_base *b, struct list_head *out)
{
	uint64_t at = b->next;

	for (unsigned lvl = 0; lvl < TIMER_LEVELS; lvl++) {
		unsigned s = lvl_shift(lvl), idx;
		struct list_head *head, *pos, *tmp;

		if (at & ((1ULL << s) - 1))
			break;
		idx = (unsigned)((at >> s) & LVL_MASK);
		if (!(b->occupied[lvl] & (1ULL << idx)))
			continue;
		b->occupied[lvl] &= ~(1ULL << idx);
		head = &b->slots[lvl * TIMER_LVL_SIZE + idx];
		list_for_each_safe(pos, tmp, head)
			list_entry(pos, struct timer_list, entry)->slot = SLOT_EXPIRED;
		head->next->prev = out->prev;
		out->prev->next = head->next;
		head->prev->next = out;
		out->prev = head->prev;
		list_init(head);
	}
	b->clk = at;
	b->next = next_bucket(b);
}

void timer_base_init(struct timer_base *b, uint64_t now)
{
	b->clk = now;
	b->next = UINT64_MAX;
	for (unsigned lvl = 0; lvl < TIMER_LEVELS; lvl++)
		b->occupied[lvl] = 0;
	b->stats = (struct timer_stats){ 0 };
	for (unsigned i = 0; i < ARRAY_SIZE(b->slots); i++)
		list_init(&b->slots[i]);
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	list_init(&t->entry);
	t->expires = 0;
	t->fn = fn;
	t->slot = SLOT_EXPIRED;
}

void mod_timer(struct timer_base *b, struct timer_list *t, uint64_t expires)
{
	unsigned long flags = local_irq_save();
	uint64_t bucket;
	unsigned slot = hash_slot(b, expires, &bucket);

	t->expires = expires;
	if (timer_pending(t)) {
		/* Re-arming into the same bucket is common (a deadline pushed a
		 * little) and needs no list or bitmap work. */
		if (t->slot == slot) {
			local_irq_restore(flags);
			return;
		}
		detach(b, t);
	} else {
		b->stats.pending++;
	}
	enqueue(b, t, slot, bucket);
	local_irq_restore(flags);
}

bool del_timer(struct timer_base *b, struct timer_list *t)
{
	unsigned long flags = local_irq_save();
	bool was = timer_pending(t);

	if (was) {
		detach(b, t);
		b->stats.pending--;
		b->stats.cancelled++;
	}
	local_irq_restore(flags);
	return was;
}

void timer_base_forward(struct timer_base *b, uint64_t now)
{
	unsigned long flags = local_irq_save();

	if (now > b->clk)
		b->clk = MIN(now, b->next);
	local_irq_restore(flags);
}

void timer_base_run(struct timer_base *b, uint64_t now)
{
	struct list_head expired;
	unsigned long flags;

	list_init(&expired);

	/* Each pass empties at least the bucket at b->next and nothing refills
	 * buckets <= now but arming from interrupts, so the passes are bounded
	 * by the buckets due. Interrupts get a window between buckets. */
	for (;;) {
		flags = local_irq_save();
		if (b->next > now) {
			if (now > b->clk)
				b->clk = now;
			local_irq_restore(flags);
			break;
		}
		collect_bucket(b, &expired);
		local_irq_restore(flags);
	}

	/* clk is now `now`, so callbacks measure new delays from the real time,
	 * and whatever they arm lands in the wheel, never on `expired`: this
	 * loop runs at most once per timer collected above. */
	for (;;) {
		struct timer_list *t;
		void (*fn)(struct timer_list *);

		flags = local_irq_save();
		if (list_empty(&expired)) {
			local_irq_restore(flags);
			break;
		}
		t = list_first_entry(&expired, struct timer_list, entry);
		list_del(&t->entry);
		if (unlikely(t->expires > now)) {
			uint64_t bucket;
			unsigned slot = hash_slot(b, t->expires, &bucket);

			enqueue(b, t, slot, bucket);
			b->stats.requeued++;
			local_irq_restore(flags);
			continue;
		}
		b->stats.pending--;
		b->stats.fired++;
		fn = t->fn;
		local_irq_restore(flags);
		fn(t);
	}
}

void timer_base_stats(const struct timer_base *b, struct timer_stats *out)
{
	unsigned long flags = local_irq_save();

	*out = b->stats;
	local_irq_restore(flags);
}
