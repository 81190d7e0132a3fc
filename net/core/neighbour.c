/* The neighbour table: IPv4 next hop -> MAC address, the NUD state machine
 * and its timers, the queue of packets waiting for resolution, and garbage
 * collection within gc_thresh1/2/3 (tunables in neigh_parms.c). ARP
 * (net/ipv4/arp.c) is its one protocol: it sends the solicitations and feeds
 * what it hears back through neigh_update. State diagram in net/neighbour.h.
 *
 * Invariants, all under bottom halves disabled:
 *  - an entry is on exactly one hash chain and, unless PERMANENT, on gc_list,
 *    which is ordered by the last update (least recently updated first);
 *  - its NUD timer is pending only in a NUD_IN_TIMER state;
 *  - arp_queue holds skbs only in INCOMPLETE, and tbl.unres_bytes is the sum
 *    of every entry's arp_queue_bytes;
 *  - hh is the header for ha whenever the state is NUD_VALID. */
#include <errno.h>
#include <string.h>
#include "net/neighbour.h"
#include "net/arp.h"
#include "net/inetdevice.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "net/snmp.h"
#include "kernel/initcall.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"

#define NEIGH_HASH_BITS 8
#define NEIGH_HASH_SIZE (1u << NEIGH_HASH_BITS)
/* Between thresh2 and thresh3 a forced gc runs at most this often. */
#define NEIGH_FORCED_GC_INTERVAL_MS 5000
#define NEIGH_LOG_INTERVAL_MS (60 * 1000)

struct neigh_mib neigh_mib;
static const struct snmp_field neigh_fields[] = {
	SNMP_FIELD(struct neigh_mib, created, "NeighCreated"),
	SNMP_FIELD(struct neigh_mib, destroyed, "NeighDestroyed"),
	SNMP_FIELD(struct neigh_mib, table_full, "NeighTableFull"),
	SNMP_FIELD(struct neigh_mib, forced_gc_runs, "NeighForcedGcRuns"),
	SNMP_FIELD(struct neigh_mib, gc_evicted, "NeighGcEvicted"),
	SNMP_FIELD(struct neigh_mib, gc_expired, "NeighGcExpired"),
	SNMP_FIELD(struct neigh_mib, resolve_failed, "NeighResolveFailed"),
	SNMP_FIELD(struct neigh_mib, unres_queue_drops, "NeighUnresQueueDrops"),
	SNMP_FIELD(struct neigh_mib, unres_failed_drops, "NeighUnresFailedDrops"),
	SNMP_FIELD(struct neigh_mib, unres_flush_drops, "NeighUnresFlushDrops"),
	SNMP_FIELD(struct neigh_mib, out_no_headroom, "NeighOutNoHeadroom"),
	SNMP_FIELD(struct neigh_mib, alloc_failed, "NeighAllocFailed"),
	SNMP_FIELD(struct neigh_mib, parms_nomem, "NeighParmsNoMem"),
};
SNMP_MIB("Arp", &neigh_mib, neigh_fields);

static struct {
	struct neighbour *buckets[NEIGH_HASH_SIZE];
	struct list_head gc_list;
	unsigned int entries;
	uint32_t unres_bytes;
	uint32_t hash_rnd;
	uint64_t last_flush;		/* last forced gc */
	uint64_t last_full_log;
	struct timer_list gc_timer;
	struct kmem_cache *cache;
} tbl = { .gc_list = LIST_HEAD_INIT(tbl.gc_list) };

static uint64_t ms_of(const struct neighbour *n, int var, uint64_t scale)
{
	return (uint64_t)n->parms->data[var] * scale;
}
#define RETRANS(n) MAX(ms_of(n, NEIGH_VAR_RETRANS_TIME_MS, 1), 10)
#define DELAY_PROBE(n) ms_of(n, NEIGH_VAR_DELAY_FIRST_PROBE_TIME, 1000)

/* ---- entries -------------------------------------------------------------- */

const char *neigh_state_name(uint8_t state)
{
	switch (state) {
	case NUD_NONE: return "NONE";
	case NUD_INCOMPLETE: return "INCOMPLETE";
	case NUD_REACHABLE: return "REACHABLE";
	case NUD_STALE: return "STALE";
	case NUD_DELAY: return "DELAY";
	case NUD_PROBE: return "PROBE";
	case NUD_FAILED: return "FAILED";
	case NUD_NOARP: return "NOARP";
	case NUD_PERMANENT: return "PERMANENT";
	default: return "UNKNOWN";
	}
}

static unsigned int neigh_hash(const struct net_device *dev, be32 key)
{
	uint32_t h = key ^ tbl.hash_rnd ^ (uint32_t)((uintptr_t)dev >> 4);

	h *= 0x9E3779B1u;
	return h >> (32 - NEIGH_HASH_BITS);
}

static struct neighbour *__neigh_lookup(const struct net_device *dev, be32 key)
{
	for (struct neighbour *n = tbl.buckets[neigh_hash(dev, key)]; n; n = n->next)
		if (n->dev == dev && n->primary_key == key)
			return n;
	return NULL;
}

static void neigh_build_hh(struct neighbour *n)
{
	memcpy(n->hh.h_dest, n->ha, ETH_ALEN);
	memcpy(n->hh.h_source, n->dev->dev_addr, ETH_ALEN);
	n->hh.h_proto = htons(ETH_P_IP);
}

static uint64_t unconfirmed_since(const struct neighbour *n, uint64_t now)
{
	/* Long enough ago that nothing reads it as a fresh confirmation. */
	uint64_t back = 2 * ms_of(n, NEIGH_VAR_BASE_REACHABLE_TIME_MS, 1);

	return now > back ? now - back : 0;
}

/* Moves n to the young end of gc_list (its state just changed). */
static void neigh_touch(struct neighbour *n)
{
	list_del(&n->gc_list);
	if (n->nud_state != NUD_PERMANENT)
		list_add_tail(&n->gc_list, &tbl.gc_list);
}

static void neigh_purge_queue(struct neighbour *n, uint64_t *counter)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&n->arp_queue)) != NULL) {
		(*counter)++;
		kfree_skb(skb);
	}
	tbl.unres_bytes -= n->arp_queue_bytes;
	n->arp_queue_bytes = 0;
}

static void neigh_destroy(struct neighbour *n)
{
	struct neighbour **pp = &tbl.buckets[neigh_hash(n->dev, n->primary_key)];

	while (*pp && *pp != n)
		pp = &(*pp)->next;
	if (*pp)
		*pp = n->next;
	list_del(&n->gc_list);
	timer_del(&n->timer);
	neigh_purge_queue(n, &neigh_mib.unres_flush_drops);
	tbl.entries--;
	neigh_mib.destroyed++;
	kmem_cache_free(tbl.cache, n);
}

/* Linux's neigh_forced_gc: room for a new entry, evicting what costs least
 * to lose first (FAILED and INCOMPLETE: nobody is being reached through
 * them; a spoofed flood makes exactly these), then STALE and NOARP (learned
 * or derived again on the next packet), oldest first, down to gc_thresh2.
 * Entries in use (REACHABLE, DELAY, PROBE) and PERMANENT ones stay. */
static unsigned int neigh_forced_gc(uint64_t now)
{
	static const uint8_t passes[] = { NUD_FAILED | NUD_INCOMPLETE, NUD_STALE | NUD_NOARP };
	int over = (int)tbl.entries - neigh_gc_thresh2;
	unsigned int max_clean = over > 0 ? (unsigned int)over : 1, shrunk = 0;
	struct list_head *pos, *tmp;

	neigh_mib.forced_gc_runs++;
	tbl.last_flush = now;
	for (unsigned int p = 0; p < ARRAY_SIZE(passes) && shrunk < max_clean; p++) {
		list_for_each_safe(pos, tmp, &tbl.gc_list) {
			struct neighbour *n = list_entry(pos, struct neighbour, gc_list);

			if (!(n->nud_state & passes[p]))
				continue;
			neigh_destroy(n);
			neigh_mib.gc_evicted++;
			if (++shrunk >= max_clean)
				break;
		}
	}
	return shrunk;
}

static bool neigh_room(uint64_t now)
{
	unsigned int entries = tbl.entries;

	if (entries < (unsigned int)neigh_gc_thresh3 &&
	    (entries < (unsigned int)neigh_gc_thresh2 ||
	     now - tbl.last_flush < NEIGH_FORCED_GC_INTERVAL_MS))
		return true;
	neigh_forced_gc(now);
	if (tbl.entries < (unsigned int)neigh_gc_thresh3)
		return true;
	neigh_mib.table_full++;
	if (!tbl.last_full_log || now - tbl.last_full_log >= NEIGH_LOG_INTERVAL_MS) {
		tbl.last_full_log = now ? now : 1;
		pr_warn("neigh: table overflow, %u entries (gc_thresh3 %d)\n", tbl.entries,
			neigh_gc_thresh3);
	}
	return false;
}

static void neigh_timer_handler(struct timer_list *t);
static void neigh_periodic_gc(struct timer_list *t);

/* Linux's arp_constructor: broadcast and multicast next hops need no ARP. */
static void neigh_set_noarp(struct neighbour *n)
{
	be32 key = n->primary_key;

	if (ipv4_is_multicast(key)) {
		/* RFC 1112 6.4: 01:00:5e and the low 23 bits of the group. */
		uint32_t h = ntohl(key);
		const uint8_t mc[ETH_ALEN] = { 0x01, 0x00, 0x5e, (h >> 16) & 0x7f, (h >> 8) & 0xff,
					       h & 0xff };

		memcpy(n->ha, mc, ETH_ALEN);
	} else if (ipv4_is_lbcast(key) || inet_addr_is_broadcast(n->dev, key)) {
		memset(n->ha, 0xff, ETH_ALEN);
	} else {
		return;
	}
	n->nud_state = NUD_NOARP;
	neigh_build_hh(n);
}

static struct neighbour *neigh_create(struct net_device *dev, be32 key)
{
	uint64_t now = jiffies();
	struct neighbour *n;

	if (!neigh_room(now))
		return NULL;
	n = tbl.cache ? kmem_cache_alloc(tbl.cache) : NULL;
	if (!n) {
		neigh_mib.alloc_failed++;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->dev = dev;
	n->parms = neigh_parms_get(dev);
	n->primary_key = key;
	n->updated = n->used = now;
	n->confirmed = unconfirmed_since(n, now);
	timer_setup(&n->timer, neigh_timer_handler);
	skb_queue_head_init(&n->arp_queue);
	neigh_set_noarp(n);
	n->next = tbl.buckets[neigh_hash(dev, key)];
	tbl.buckets[neigh_hash(dev, key)] = n;
	list_add_tail(&n->gc_list, &tbl.gc_list);
	tbl.entries++;
	neigh_mib.created++;
	if (!timer_pending(&tbl.gc_timer))
		timer_mod(&tbl.gc_timer, now + ms_of(n, NEIGH_VAR_BASE_REACHABLE_TIME_MS, 1) / 2);
	return n;
}

struct neighbour *neigh_lookup(const struct net_device *dev, be32 addr)
{
	struct neighbour *n;

	local_bh_disable();
	n = __neigh_lookup(dev, addr);
	local_bh_enable();
	return n;
}

struct neighbour *neigh_lookup_or_create(struct net_device *dev, be32 addr)
{
	struct neighbour *n;

	if (!dev)
		return NULL;
	local_bh_disable();
	n = __neigh_lookup(dev, addr);
	if (!n)
		n = neigh_create(dev, addr);
	local_bh_enable();
	return n;
}

unsigned int neigh_entries(void)
{
	return READ_ONCE(tbl.entries);
}

/* ---- output --------------------------------------------------------------- */

/* The fast path of a resolved entry: the cached header in front, then the
 * device (Linux's neigh_hh_output). */
static int neigh_hh_output(struct neighbour *n, struct sk_buff *skb)
{
	TRACE_FUNC(TP_neigh_hh_output, skb);
	uint8_t *mac = skb_push(skb, ETH_HLEN);

	if (!mac) {
		neigh_mib.out_no_headroom++;
		kfree_skb(skb);
		return -ENOBUFS;
	}
	__builtin_memcpy(mac, &n->hh, ETH_HLEN);	/* inline: 14 bytes per packet */
	skb_reset_mac_header(skb);
	skb->dev = n->dev;
	skb->protocol = htons(ETH_P_IP);
	return dev_queue_xmit(skb) == NET_XMIT_SUCCESS ? 0 : -ENOBUFS;
}

static uint32_t skb_charge(const struct sk_buff *skb)
{
	return MAX(skb->truesize, skb->len + (uint32_t)sizeof(*skb));
}

/* Keeps skb until n resolves: the oldest waiting skb makes room when the
 * entry's unres_qlen or the table's byte budget is reached (Linux drops
 * the oldest too: the newest packet is the one a sender is waiting on). */
static void neigh_queue(struct neighbour *n, struct sk_buff *skb)
{
	uint32_t limit = (uint32_t)NEIGH_VAR(n->parms, UNRES_QLEN), size = skb_charge(skb);

	while (n->arp_queue.qlen &&
	       (n->arp_queue.qlen >= limit || tbl.unres_bytes + size > NEIGH_UNRES_TABLE_BYTES)) {
		struct sk_buff *old = skb_dequeue(&n->arp_queue);
		uint32_t osize = skb_charge(old);

		n->arp_queue_bytes -= osize;
		tbl.unres_bytes -= osize;
		neigh_mib.unres_queue_drops++;
		kfree_skb(old);
	}
	if (!limit || tbl.unres_bytes + size > NEIGH_UNRES_TABLE_BYTES) {
		neigh_mib.unres_queue_drops++;
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&n->arp_queue, skb);
	n->arp_queue_bytes += size;
	tbl.unres_bytes += size;
}

static void neigh_probe(struct neighbour *n)
{
	n->probes++;
	arp_solicit(n);
}

/* Linux's __neigh_event_send: 0 if skb may go out now with n->ha; else 1,
 * and skb (if any) is queued or dropped. Starts resolution of a new or
 * FAILED entry (first request at once) and the DELAY timer of a STALE one. */
static int neigh_event_send(struct neighbour *n, struct sk_buff *skb)
{
	uint64_t now = jiffies();
	bool immediate_probe = false;

	n->used = now;
	if (n->nud_state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE))
		return 0;
	if (n->nud_state == NUD_STALE) {
		n->nud_state = NUD_DELAY;
		n->updated = now;
		neigh_touch(n);
		timer_mod(&n->timer, now + DELAY_PROBE(n));
		return 0;
	}
	if (n->nud_state != NUD_INCOMPLETE) {
		if (!NEIGH_VAR(n->parms, MCAST_SOLICIT)) {
			/* No request may be sent: nothing can ever answer. */
			n->nud_state = NUD_FAILED;
			n->updated = now;
			neigh_mib.unres_failed_drops += skb != NULL;
			kfree_skb(skb);
			return 1;
		}
		n->nud_state = NUD_INCOMPLETE;
		n->updated = now;
		n->probes = 0;
		neigh_touch(n);
		timer_mod(&n->timer, now + RETRANS(n));
		immediate_probe = true;
	}
	if (skb)
		neigh_queue(n, skb);
	/* After queueing, so the request carries this packet's source. */
	if (immediate_probe)
		neigh_probe(n);
	return 1;
}

int neigh_resolve_output(struct neighbour *n, struct sk_buff *skb)
{
	TRACE_FUNC(TP_neigh_resolve_output, skb);
	int rc = 0;

	local_bh_disable();
	if (!neigh_event_send(n, skb))
		rc = neigh_hh_output(n, skb);
	local_bh_enable();
	return rc;
}

int neigh_output(struct neighbour *n, struct sk_buff *skb)
{
	TRACE_FUNC(TP_neigh_output, skb);
	int rc;

	local_bh_disable();
	if (n->nud_state & NUD_CONNECTED)
		rc = neigh_hh_output(n, skb);
	else
		rc = neigh_resolve_output(n, skb);
	local_bh_enable();
	return rc;
}

int neigh_xmit(struct net_device *dev, be32 nexthop, struct sk_buff *skb)
{
	struct neighbour *n;
	int rc;

	local_bh_disable();
	n = neigh_lookup_or_create(dev, nexthop);
	if (n) {
		rc = neigh_output(n, skb);
	} else {
		kfree_skb(skb);
		rc = -ENOBUFS;
	}
	local_bh_enable();
	return rc;
}

void neigh_confirm(struct neighbour *n)
{
	WRITE_ONCE(n->confirmed, jiffies());
}

/* ---- state machine -------------------------------------------------------- */

/* Resolution failed: what waited for it is dropped (counted), each
 * sender told (Linux's neigh_invalidate). */
static void neigh_invalidate(struct neighbour *n)
{
	struct sk_buff *skb;

	neigh_mib.resolve_failed++;
	while ((skb = skb_dequeue(&n->arp_queue)) != NULL) {
		neigh_mib.unres_failed_drops++;
		arp_error_report(skb);
		kfree_skb(skb);
	}
	tbl.unres_bytes -= n->arp_queue_bytes;
	n->arp_queue_bytes = 0;
}

static unsigned int neigh_max_probes(const struct neighbour *n)
{
	return (unsigned int)(n->nud_state & NUD_PROBE ? NEIGH_VAR(n->parms, UCAST_SOLICIT)
						       : NEIGH_VAR(n->parms, MCAST_SOLICIT));
}

/* The NUD timer (TIMER softirq), Linux's neigh_timer_handler. */
static void neigh_timer_handler(struct timer_list *t)
{
	struct neighbour *n = container_of(t, struct neighbour, timer);
	uint64_t now = jiffies(), next = now + RETRANS(n);
	uint8_t state = n->nud_state;

	if (!(state & NUD_IN_TIMER))
		return;
	if (state & NUD_REACHABLE) {
		if (now < n->confirmed + n->parms->reachable_time) {
			next = n->confirmed + n->parms->reachable_time;
		} else if (now < n->used + DELAY_PROBE(n)) {
			/* Still in use: give upper layers a moment to confirm. */
			n->nud_state = NUD_DELAY;
			next = now + DELAY_PROBE(n);
		} else {
			n->nud_state = NUD_STALE;
		}
	} else if (state & NUD_DELAY) {
		if (now < n->confirmed + DELAY_PROBE(n)) {
			n->nud_state = NUD_REACHABLE;
			next = n->confirmed + n->parms->reachable_time;
		} else {
			n->nud_state = NUD_PROBE;
			n->probes = 0;
		}
	}
	if (n->nud_state != state) {
		n->updated = now;
		neigh_touch(n);
	}
	if ((n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) && n->probes >= neigh_max_probes(n)) {
		n->nud_state = NUD_FAILED;
		n->updated = now;
		neigh_touch(n);
		neigh_invalidate(n);
		return;
	}
	/* At least a tick on, so a tiny reachable_time cannot spin the softirq. */
	if (n->nud_state & NUD_IN_TIMER)
		timer_mod(&n->timer, MAX(next, now + 1));
	if (n->nud_state & (NUD_INCOMPLETE | NUD_PROBE))
		neigh_probe(n);
}

/* Linux's neigh_update, minus the router flags. */
int neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state, uint32_t flags)
{
	uint64_t now;
	uint8_t old;
	bool changed_addr;
	int rc = 0;

	local_bh_disable();
	now = jiffies();
	old = n->nud_state;
	if (!(flags & NEIGH_UPDATE_F_ADMIN) && (old & (NUD_NOARP | NUD_PERMANENT))) {
		rc = -EPERM;
		goto out;
	}
	if (!(new_state & NUD_VALID)) {
		timer_del(&n->timer);
		n->nud_state = new_state;
		n->updated = now;
		neigh_touch(n);
		if ((old & (NUD_INCOMPLETE | NUD_PROBE)) && (new_state & NUD_FAILED))
			neigh_invalidate(n);
		goto out;
	}
	if (!lladdr) {
		if (!(old & NUD_VALID)) {
			rc = -EINVAL;
			goto out;
		}
		lladdr = n->ha;
	}
	changed_addr = !(old & NUD_VALID) || !ether_addr_equal(lladdr, n->ha);
	if (new_state & NUD_CONNECTED)
		n->confirmed = now;
	if (old & NUD_VALID) {
		/* A different address without OVERRIDE is not believed; the same
		 * address seen in a request does not demote a better state. */
		if (changed_addr && !(flags & NEIGH_UPDATE_F_OVERRIDE))
			goto out;
		if (!changed_addr && new_state == NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN))
			new_state = old;
	}
	if (new_state != old) {
		timer_del(&n->timer);
		if (new_state & NUD_PROBE)
			n->probes = 0;
		if (new_state & NUD_IN_TIMER)
			timer_mod(&n->timer, now + (new_state & NUD_REACHABLE ?
						    n->parms->reachable_time : 0));
		n->nud_state = new_state;
		n->updated = now;
		neigh_touch(n);
	}
	if (changed_addr) {
		memcpy(n->ha, lladdr, ETH_ALEN);
		neigh_build_hh(n);
		if (!(new_state & NUD_CONNECTED))
			n->confirmed = unconfirmed_since(n, now);
	}
	if (!(old & NUD_VALID)) {
		/* Resolved: what waited goes out in order, through the same
		 * output a new packet would take now. */
		struct sk_buff *skb;

		while ((n->nud_state & NUD_VALID) && (skb = skb_dequeue(&n->arp_queue)) != NULL) {
			uint32_t size = skb_charge(skb);

			n->arp_queue_bytes -= size;
			tbl.unres_bytes -= size;
			neigh_output(n, skb);
		}
	}
out:
	local_bh_enable();
	return rc;
}

/* ---- whole-table operations ----------------------------------------------- */

unsigned int neigh_flush(struct net_device *dev, uint32_t mask)
{
	unsigned int removed = 0;

	local_bh_disable();
	for (unsigned int b = 0; b < NEIGH_HASH_SIZE; b++) {
		struct neighbour *n = tbl.buckets[b], *next;

		for (; n; n = next) {
			next = n->next;
			if ((!dev || n->dev == dev) && nud_state_in(n->nud_state, mask)) {
				neigh_destroy(n);
				removed++;
			}
		}
	}
	local_bh_enable();
	return removed;
}

void neigh_ifdown(struct net_device *dev)
{
	neigh_flush(dev, NUD_MASK_ALL);
}

void neigh_carrier_down(struct net_device *dev)
{
	neigh_flush(dev, NUD_MASK_ALL & ~NUD_PERMANENT);
}

void neigh_changeaddr(struct net_device *dev)
{
	local_bh_disable();
	neigh_flush(dev, NUD_MASK_ALL & ~(NUD_PERMANENT | NUD_NOARP));
	for (unsigned int b = 0; b < NEIGH_HASH_SIZE; b++)
		for (struct neighbour *n = tbl.buckets[b]; n; n = n->next)
			if (n->dev == dev)
				neigh_build_hh(n);
	local_bh_enable();
}

int neigh_delete(struct net_device *dev, be32 addr)
{
	struct neighbour *n;
	int rc = -ENOENT;

	local_bh_disable();
	n = __neigh_lookup(dev, addr);
	if (n) {
		neigh_destroy(n);
		rc = 0;
	}
	local_bh_enable();
	return rc;
}

unsigned int neigh_snapshot(const struct net_device *dev, struct neigh_info *out,
			    unsigned int max, unsigned int skip)
{
	unsigned int got = 0;

	local_bh_disable();
	for (unsigned int b = 0; b < NEIGH_HASH_SIZE && got < max; b++) {
		for (const struct neighbour *n = tbl.buckets[b]; n && got < max; n = n->next) {
			if (dev && n->dev != dev)
				continue;
			if (skip) {
				skip--;
				continue;
			}
			out[got] = (struct neigh_info){
				.dev = n->dev, .addr = n->primary_key, .state = n->nud_state,
				.probes = n->probes, .used = n->used, .confirmed = n->confirmed,
				.updated = n->updated,
			};
			memcpy(out[got].ha, n->ha, ETH_ALEN);
			got++;
		}
	}
	local_bh_enable();
	return got;
}

/* Linux's neigh_periodic_work: redraw reachable_time now and then, and
 * above gc_thresh1 drop entries that failed or went unused for
 * gc_stale_time. Runs every base_reachable_time/2 while entries exist. */
static void neigh_periodic_gc(struct timer_list *t)
{
	uint64_t now = jiffies();
	struct list_head *pos, *tmp;

	(void)t;
	neigh_parms_redraw_due(now);
	if (tbl.entries >= (unsigned int)neigh_gc_thresh1) {
		list_for_each_safe(pos, tmp, &tbl.gc_list) {
			struct neighbour *n = list_entry(pos, struct neighbour, gc_list);

			if (n->nud_state & (NUD_PERMANENT | NUD_IN_TIMER))
				continue;
			if (n->used < n->confirmed)
				n->used = n->confirmed;
			if (n->nud_state == NUD_FAILED ||
			    now >= n->used + ms_of(n, NEIGH_VAR_GC_STALE_TIME, 1000)) {
				neigh_destroy(n);
				neigh_mib.gc_expired++;
			}
		}
	}
	if (tbl.entries)
		timer_mod(&tbl.gc_timer,
			  now + MAX(NEIGH_VAR(neigh_parms_get(NULL), BASE_REACHABLE_TIME_MS) / 2, 1000));
}

void neigh_init(void)
{
	if (tbl.cache)
		return;
	neigh_parms_init();
	tbl.hash_rnd = neigh_rand();
	timer_setup(&tbl.gc_timer, neigh_periodic_gc);
	tbl.cache = kmem_cache_create("neighbour", sizeof(struct neighbour), 0);
	if (!tbl.cache)
		pr_err("neigh: no memory for the neighbour cache\n");
}
net_initcall(NET_INIT_CORE, neigh_init);
