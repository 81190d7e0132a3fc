/* The neighbour table's tunables: Linux's defaults as
 * `net.ipv4.neigh.default.*`, a copy per device registered as
 * `net.ipv4.neigh.DEV.*` on first use, the gc thresholds, and the random
 * draw of reachable_time. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "kernel/ktimer.h"
#include "kernel/slab.h"
#include "kernel/time.h"

/* reachable_time is redrawn at least this often. */
#define NEIGH_REDRAW_MS (300 * 1000)

int neigh_gc_thresh1 = NEIGH_DEFAULT_GC_THRESH1;
int neigh_gc_thresh2 = NEIGH_DEFAULT_GC_THRESH2;
int neigh_gc_thresh3 = NEIGH_DEFAULT_GC_THRESH3;
SYSCTL_INT("net.ipv4.neigh.default.gc_thresh1", neigh_gc_thresh1, 0, INT_MAX);
SYSCTL_INT("net.ipv4.neigh.default.gc_thresh2", neigh_gc_thresh2, 0, INT_MAX);
SYSCTL_INT("net.ipv4.neigh.default.gc_thresh3", neigh_gc_thresh3, 0, INT_MAX);

/* name, range. The ranges keep every product with 1000 and every sum with
 * jiffies in 64 bits, and the solicit counts within the uint8_t probes. */
#define NEIGH_VARS(X)								\
	X(BASE_REACHABLE_TIME_MS, "base_reachable_time_ms", 1, 86400000)	\
	X(DELAY_FIRST_PROBE_TIME, "delay_first_probe_time", 0, 86400)		\
	X(RETRANS_TIME_MS, "retrans_time_ms", 1, 3600000)			\
	X(MCAST_SOLICIT, "mcast_solicit", 0, 255)				\
	X(UCAST_SOLICIT, "ucast_solicit", 0, 255)				\
	X(GC_STALE_TIME, "gc_stale_time", 0, 86400 * 365)			\
	X(UNRES_QLEN, "unres_qlen", 0, 65535)

#define VAR_NAME(var, name, lo, hi) [NEIGH_VAR_##var] = name,
#define VAR_MIN(var, name, lo, hi) [NEIGH_VAR_##var] = lo,
#define VAR_MAX(var, name, lo, hi) [NEIGH_VAR_##var] = hi,
static const char *const var_names[NEIGH_VAR_COUNT] = { NEIGH_VARS(VAR_NAME) };
static const int var_min[NEIGH_VAR_COUNT] = { NEIGH_VARS(VAR_MIN) };
static const int var_max[NEIGH_VAR_COUNT] = { NEIGH_VARS(VAR_MAX) };

static struct neigh_parms default_parms = {
	.data = {
		[NEIGH_VAR_BASE_REACHABLE_TIME_MS] = NEIGH_DEFAULT_BASE_REACHABLE_MS,
		[NEIGH_VAR_DELAY_FIRST_PROBE_TIME] = NEIGH_DEFAULT_DELAY_PROBE_S,
		[NEIGH_VAR_RETRANS_TIME_MS] = NEIGH_DEFAULT_RETRANS_MS,
		[NEIGH_VAR_MCAST_SOLICIT] = NEIGH_DEFAULT_MCAST_SOLICIT,
		[NEIGH_VAR_UCAST_SOLICIT] = NEIGH_DEFAULT_UCAST_SOLICIT,
		[NEIGH_VAR_GC_STALE_TIME] = NEIGH_DEFAULT_GC_STALE_S,
		[NEIGH_VAR_UNRES_QLEN] = NEIGH_DEFAULT_UNRES_QLEN,
	},
	.reachable_time = NEIGH_DEFAULT_BASE_REACHABLE_MS,
};
/* Per-device tunables, newest first; never freed (their sysctls stay). */
static struct neigh_parms *dev_parms;

/* xorshift64*: reachable_time jitter and the hash seed need spread, not
 * secrecy against a local observer; seeded from the clock at init. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ULL;

uint32_t neigh_rand(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (uint32_t)((rnd_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static void neigh_redraw(struct neigh_parms *p)
{
	uint32_t base = (uint32_t)NEIGH_VAR(p, BASE_REACHABLE_TIME_MS);

	p->reachable_time = base / 2 + neigh_rand() % base;
	p->drawn_at = jiffies();
}

static void parms_changed(const struct ctl_table *t)
{
	for (struct neigh_parms *p = dev_parms; p; p = p->next) {
		if (t < p->ctl || t >= p->ctl + NEIGH_VAR_COUNT)
			continue;
		p->set_mask |= 1u << (t - p->ctl);
		if (t - p->ctl == NEIGH_VAR_BASE_REACHABLE_TIME_MS)
			neigh_redraw(p);
	}
}

/* A default changed: devices that never set that value follow it, as in
 * Linux, where the defaults are the template for every device. */
static void default_changed(const struct ctl_table *t)
{
	unsigned int i = (unsigned int)(t->data - default_parms.data);

	for (struct neigh_parms *p = dev_parms; p; p = p->next) {
		if (p->set_mask & (1u << i))
			continue;
		p->data[i] = default_parms.data[i];
		if (i == NEIGH_VAR_BASE_REACHABLE_TIME_MS)
			neigh_redraw(p);
	}
	if (i == NEIGH_VAR_BASE_REACHABLE_TIME_MS)
		neigh_redraw(&default_parms);
}

#define DEFAULT_SYSCTL(var, name, lo, hi)					\
	SYSCTL_INT_CB("net.ipv4.neigh.default." name,				\
		      default_parms.data[NEIGH_VAR_##var], lo, hi, default_changed);
NEIGH_VARS(DEFAULT_SYSCTL)

struct neigh_parms *neigh_parms_get(struct net_device *dev)
{
	struct neigh_parms *p;

	if (!dev)
		return &default_parms;
	for (p = dev_parms; p; p = p->next)
		if (p->dev == dev)
			return p;
	p = kzalloc(sizeof(*p));
	if (!p) {
		neigh_mib.parms_nomem++;
		return &default_parms;
	}
	p->dev = dev;
	memcpy(p->data, default_parms.data, sizeof(p->data));
	neigh_redraw(p);
	for (unsigned int i = 0; i < NEIGH_VAR_COUNT; i++) {
		snprintf(p->names[i], sizeof(p->names[i]), "net.ipv4.neigh.%s.%s", dev->name,
			 var_names[i]);
		p->ctl[i] = (struct ctl_table){
			.procname = p->names[i], .data = &p->data[i],
			.min = var_min[i], .max = var_max[i], .changed = parms_changed,
		};
	}
	p->next = dev_parms;
	dev_parms = p;
	for (unsigned int i = 0; i < NEIGH_VAR_COUNT; i++)
		register_sysctl(&p->ctl[i]);
	return p;
}

void neigh_parms_redraw_due(uint64_t now)
{
	if (now - default_parms.drawn_at >= NEIGH_REDRAW_MS)
		neigh_redraw(&default_parms);
	for (struct neigh_parms *p = dev_parms; p; p = p->next)
		if (now - p->drawn_at >= NEIGH_REDRAW_MS)
			neigh_redraw(p);
}

void neigh_parms_init(void)
{
	rnd_state ^= ktime_get_ns();
	if (!rnd_state)
		rnd_state = 1;
	neigh_redraw(&default_parms);
}
