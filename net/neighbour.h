/* Neighbours (Linux's neighbour table, ARP as its only protocol): IPv4 next hop
 * -> MAC address, with the NUD state machine of RFC 4861 7.3 as Linux runs it
 * for ARP:
 *
 *   NONE -> INCOMPLETE (mcast_solicit broadcast requests, retrans_time apart)
 *        -> REACHABLE (reply) | FAILED (no reply; queued skbs dropped)
 *   REACHABLE -(reachable_time passes)-> STALE -(used)-> DELAY
 *        -(delay_first_probe_time without confirmation)-> PROBE
 *        (ucast_solicit unicast requests) -> REACHABLE | FAILED
 *   PERMANENT: `ip neigh add`, never changes.
 *
 * Output: ip_finish_output2 finds or creates the entry for the next hop and
 * calls neigh_output; a resolved entry builds the MAC header from its cached
 * header, an unresolved one queues the skb (bounded per entry) until ARP
 * answers.
 *
 * Contexts: softirq or bottom halves disabled (timers run in the TIMER softirq). */
#ifndef RINGOS_NET_NEIGHBOUR_H
#define RINGOS_NET_NEIGHBOUR_H

#include "net/byteorder.h"
#include "net/if_ether.h"
#include "net/skbuff.h"
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

struct neighbour {
	struct neighbour *next;		/* hash chain */
	struct net_device *dev;
	be32 primary_key;		/* the IPv4 address */
	uint8_t nud_state;
	uint8_t ha[ETH_ALEN];
	uint8_t probes;			/* requests sent in this INCOMPLETE/PROBE run */
	uint64_t confirmed;		/* jiffies of the last reachability confirmation */
	uint64_t updated;		/* jiffies of the last state change */
	uint64_t used;			/* jiffies of the last output */
	struct timer_list timer;
	struct sk_buff_head arp_queue;	/* waiting for resolution */
	struct ethhdr hh;		/* cached MAC header once resolved */
};

/* The entry for addr on dev, created (NUD_NONE) if missing; NULL when the
 * table is full of entries that may not be evicted (counted). */
struct neighbour *neigh_lookup_or_create(struct net_device *dev, be32 addr);
struct neighbour *neigh_lookup(const struct net_device *dev, be32 addr);
/* Sends skb (data at the network header) to n: consumes skb in every case. */
int neigh_output(struct neighbour *n, struct sk_buff *skb);

/* From ARP: lladdr seen for n's address. flags say how sure we are. */
#define NEIGH_UPDATE_F_OVERRIDE 0x1	/* a different lladdr replaces the old one */
#define NEIGH_UPDATE_F_ADMIN    0x2	/* `ip neigh`: may change PERMANENT entries */
int neigh_update(struct neighbour *n, const uint8_t *lladdr, uint8_t new_state, uint32_t flags);
/* Forgets every entry of dev (link down, address change). */
void neigh_ifdown(struct net_device *dev);

void neigh_init(void);

#endif
