/* Neighbours (Linux's neighbour table, ARP as its only protocol): IPv4 next hop
 * -> MAC address, with the NUD state machine of RFC 4861 7.3 as Linux runs it
 * for ARP:
 *
 *   NONE -> INCOMPLETE (mcast_solicit broadcast requests, retrans_time apart)
 *        -> REACHABLE (reply) | FAILED (no reply; queued skbs dropped)
 *   REACHABLE -(reachable_time passes)-> STALE -(used)-> DELAY
 *        -(delay_first_probe_time without confirmation)-> PROBE
 *        (ucast_solicit unicast requests) -> REACHABLE | FAILED
 *   A FAILED entry that is used again starts over at INCOMPLETE.
 *   PERMANENT: `ip neigh add`, never changes. NOARP: broadcast and multicast
 *   next hops, whose MAC address follows from the IP address.
 *
 * Output: ip_finish_output2 finds or creates the entry for the next hop and
 * calls neigh_output; a resolved (CONNECTED) entry pushes its cached MAC
 * header and goes straight to dev_queue_xmit, any other goes through
 * neigh_resolve_output, which starts resolution or the DELAY timer and queues
 * the skb (bounded per entry and per table) until ARP answers.
 *
 * Timers: one per entry (the NUD timer, armed in INCOMPLETE, REACHABLE, DELAY
 * and PROBE), one for the table (periodic garbage collection).
 *
 * Contexts: every entry point runs with bottom halves disabled (timers run in
 * the TIMER softirq, ARP in NET_RX) and disables them itself, so it may be
 * called from process context. Entries are freed only by the table (gc, link
 * down, `ip neigh del|flush`), never while their owner holds bottom halves
 * disabled: a process-context caller keeps them disabled from the lookup to
 * its last use of the entry, or calls neigh_xmit, which does. */
#ifndef RINGOS_NET_NEIGHBOUR_H
#define RINGOS_NET_NEIGHBOUR_H

#include "net/byteorder.h"
#include "net/if_ether.h"
#include "net/skbuff.h"
#include "kernel/list.h"
#include "kernel/sysctl.h"
#include "kernel/timer.h"

struct net_device;

/* nud_state bits, Linux's values so `ip neigh` reads the same. */
#define NUD_INCOMPLETE 0x01
#define NUD_REACHABLE  0x02
#define NUD_STALE      0x04
#define NUD_DELAY      0x08
#define NUD_PROBE      0x10
#define NUD_FAILED     0x20
#define NUD_NOARP      0x40
#define NUD_PERMANENT  0x80
#define NUD_NONE       0x00
#define NUD_VALID (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)
#define NUD_CONNECTED (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE)
/* States whose NUD timer is armed. */
#define NUD_IN_TIMER (NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE)

/* The tunables of one device (`sysctl net.ipv4.neigh.eth0.*`), copied from
 * the defaults (`net.ipv4.neigh.default.*`) when the device's first entry is
 * made or it first comes up. Units as Linux's: the _ms names in
 * milliseconds, delay_first_probe_time and gc_stale_time in seconds. */
enum {
	NEIGH_VAR_BASE_REACHABLE_TIME_MS,
	NEIGH_VAR_DELAY_FIRST_PROBE_TIME,
	NEIGH_VAR_RETRANS_TIME_MS,
	NEIGH_VAR_MCAST_SOLICIT,
	NEIGH_VAR_UCAST_SOLICIT,
	NEIGH_VAR_GC_STALE_TIME,
	NEIGH_VAR_UNRES_QLEN,
	NEIGH_VAR_COUNT
};

struct neigh_parms {
	struct net_device *dev;		/* NULL: the defaults */
	int data[NEIGH_VAR_COUNT];
	/* ms a confirmation keeps an entry REACHABLE: uniformly random in
	 * [base/2, 3*base/2), redrawn when base changes and every 300 s, so
	 * hosts that met at once do not all probe at once (RFC 4861 6.3.2). */
	uint32_t reachable_time;
	uint64_t drawn_at;		/* jiffies of that draw */
	uint32_t set_mask;		/* vars set for this device; the rest follow the defaults */
	struct neigh_parms *next;
	struct ctl_table ctl[NEIGH_VAR_COUNT];
	char names[NEIGH_VAR_COUNT][SYSCTL_NAME_MAX];
};

#define NEIGH_VAR(p, v) ((p)->data[NEIGH_VAR_##v])

/* Linux's defaults. unres_qlen counts packets: 101 is what Linux's byte
 * limit (unres_qlen_bytes, 212992) comes to; the table as a whole holds at
 * most NEIGH_UNRES_TABLE_BYTES of waiting skbs, so a flood toward many
 * unresolvable next hops stays bounded in memory. */
#define NEIGH_DEFAULT_BASE_REACHABLE_MS 30000
#define NEIGH_DEFAULT_DELAY_PROBE_S     5
#define NEIGH_DEFAULT_RETRANS_MS        1000
#define NEIGH_DEFAULT_MCAST_SOLICIT     3
#define NEIGH_DEFAULT_UCAST_SOLICIT     3
#define NEIGH_DEFAULT_GC_STALE_S        60
#define NEIGH_DEFAULT_UNRES_QLEN        101
#define NEIGH_UNRES_TABLE_BYTES         (1024 * 1024)
/* A reply carrying a different address than the entry's within this long of
 * its last update is ignored (the first answer wins, as Linux's locktime);
 * gratuitous ARP always overrides. */
#define NEIGH_LOCKTIME_MS               1000
/* Table bounds, `sysctl net.ipv4.neigh.default.gc_thresh1..3`: below thresh1
 * the periodic gc removes nothing; above thresh2 for 5 s, or at thresh3, a
 * new entry first evicts (FAILED and INCOMPLETE first, then the oldest STALE
 * and NOARP) down to thresh2; at thresh3 with nothing evictable it fails. */
#define NEIGH_DEFAULT_GC_THRESH1 128
#define NEIGH_DEFAULT_GC_THRESH2 512
#define NEIGH_DEFAULT_GC_THRESH3 1024
extern int neigh_gc_thresh1, neigh_gc_thresh2, neigh_gc_thresh3;

struct neighbour {
	struct neighbour *next;		/* hash chain */
	struct net_device *dev;
	struct neigh_parms *parms;
	be32 primary_key;		/* the IPv4 address */
	uint8_t nud_state;
	uint8_t ha[ETH_ALEN];
	uint8_t probes;			/* requests sent in this INCOMPLETE/PROBE run */
	uint64_t confirmed;		/* jiffies of the last reachability confirmation */
	uint64_t updated;		/* jiffies of the last state change */
	uint64_t used;			/* jiffies of the last output */
	struct timer_list timer;
	struct sk_buff_head arp_queue;	/* waiting for resolution, oldest first */
	uint32_t arp_queue_bytes;	/* their truesize */
	struct list_head gc_list;	/* every entry but PERMANENT, least recently updated first */
	struct ethhdr hh;		/* cached MAC header, valid while NUD_VALID */
};

/* The entry for addr on dev, created if missing (NUD_NONE; NUD_NOARP with the
 * mapped MAC for broadcast and multicast addresses); NULL when the table is
 * full of entries that may not be evicted (counted: NeighTableFull). */
struct neighbour *neigh_lookup_or_create(struct net_device *dev, be32 addr);
struct neighbour *neigh_lookup(const struct net_device *dev, be32 addr);
/* Sends skb (data at the network header) to n: consumes skb in every case.
 * 0 when sent or queued for resolution, else a negative errno (dropped). */
int neigh_output(struct neighbour *n, struct sk_buff *skb);
/* The slow path: resolution, queueing, then the cached header. */
int neigh_resolve_output(struct neighbour *n, struct sk_buff *skb);
/* Lookup (or create) and neigh_output in one bottom-half-disabled section:
 * for process-context senders. Consumes skb. */
int neigh_xmit(struct net_device *dev, be32 nexthop, struct sk_buff *skb);
/* Upper-layer proof of reachability (TCP saw new data acknowledged). */
void neigh_confirm(struct neighbour *n);

/* From ARP: lladdr seen for n's address. flags say how sure we are. */
#define NEIGH_UPDATE_F_OVERRIDE 0x1	/* a different lladdr replaces the old one */
#define NEIGH_UPDATE_F_ADMIN    0x2	/* `ip neigh`: may change PERMANENT entries */
int neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state, uint32_t flags);
/* Forgets every entry of dev, PERMANENT ones too (device down). */
void neigh_ifdown(struct net_device *dev);
/* Forgets dev's learned entries, keeps the PERMANENT ones (carrier lost,
 * address removed). */
void neigh_carrier_down(struct net_device *dev);
/* dev's MAC address changed: cached headers are rebuilt, learned entries
 * forgotten (peers learn the new address from the gratuitous ARP). */
void neigh_changeaddr(struct net_device *dev);
/* `ip neigh del`: 0, or -ENOENT. */
int neigh_delete(struct net_device *dev, be32 addr);
/* State masks for neigh_flush and `ip neigh ... nud`: NUD_* bits, and this
 * one for NUD_NONE (0), as iproute2 spells it. */
#define NUD_MASK_NONE 0x100u
#define NUD_MASK_ALL  0x1FFu
static inline bool nud_state_in(uint8_t state, uint32_t mask)
{
	return state ? (state & mask) != 0 : (mask & NUD_MASK_NONE) != 0;
}
/* `ip neigh flush`: removes dev's entries (all devices' if dev is NULL)
 * whose state is in mask; returns how many. */
unsigned int neigh_flush(struct net_device *dev, uint32_t mask);

/* One entry as `ip neigh` shows it. */
struct neigh_info {
	struct net_device *dev;
	be32 addr;
	uint8_t state;
	uint8_t probes;
	uint8_t ha[ETH_ALEN];
	uint64_t used, confirmed, updated;
};
/* Copies at most max entries (dev's, or every device's if dev is NULL),
 * skipping the first skip of them, in table order; returns how many. The
 * caller prints between calls, so bottom halves are not held off for a slow
 * console; an entry made or removed meanwhile may be missed or shown twice. */
unsigned int neigh_snapshot(const struct net_device *dev, struct neigh_info *out,
			    unsigned int max, unsigned int skip);
unsigned int neigh_entries(void);

/* dev's tunables, created and registered as sysctls on first use; the
 * defaults if that allocation fails (counted: NeighParmsNoMem). */
struct neigh_parms *neigh_parms_get(struct net_device *dev);
/* For neighbour.c: seeds the draw, draws the defaults' reachable_time. */
void neigh_parms_init(void);
/* Redraws every reachable_time drawn more than 300 s ago. */
void neigh_parms_redraw_due(uint64_t now);
uint32_t neigh_rand(void);
/* "REACHABLE", "STALE", ... as iproute2 prints them. */
const char *neigh_state_name(uint8_t state);

/* Counters, `netstat -s` section Arp. */
struct neigh_mib {
	uint64_t created, destroyed;
	uint64_t table_full;		/* a create found no room even after gc */
	uint64_t forced_gc_runs;
	uint64_t gc_evicted;		/* removed by a forced gc to make room */
	uint64_t gc_expired;		/* removed by the periodic gc (FAILED or unused) */
	uint64_t resolve_failed;	/* INCOMPLETE or PROBE ran out of probes */
	uint64_t unres_queue_drops;	/* waiting skb pushed out by a newer one (per entry or table limit) */
	uint64_t unres_failed_drops;	/* waiting skbs dropped when resolution failed */
	uint64_t unres_flush_drops;	/* waiting skbs dropped when their entry was removed */
	uint64_t out_no_headroom;	/* the MAC header could not be pushed */
	uint64_t alloc_failed;		/* no memory for a new entry */
	uint64_t parms_nomem;		/* a device got the default tunables for want of memory */
};
extern struct neigh_mib neigh_mib;

void neigh_init(void);

#endif
