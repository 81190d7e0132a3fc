/* ARP (RFC 826) for the neighbour table, Ethernet and IPv4 only.
 *
 * Receive rules (net/ipv4/arp.c, Linux's arp_process with its defaults):
 * malformed packets and impossible senders are dropped and counted; a
 * request for one of our addresses is answered and teaches us its sender
 * (STALE); any other ARP only updates an entry already present (REACHABLE
 * for a unicast reply, STALE otherwise), so ARP for foreign targets creates
 * nothing; our own address claimed from another MAC is counted and logged at
 * most once a minute.
 *
 * Events: a gratuitous ARP for every address of a device when its carrier
 * comes up or its MAC changes, and for an address when it is added; entries
 * are forgotten on link down. Counters: struct arp_mib, `netstat -s` Arp. */
#ifndef RINGOS_NET_ARP_H
#define RINGOS_NET_ARP_H

#include "net/byteorder.h"
#include "net/if_ether.h"
#include "kernel/wait.h"

struct net_device;
struct sk_buff;
struct neighbour;

void arp_init(void);
/* The ETH_P_ARP handler; data at the ARP header. Consumes skb. */
int arp_rcv(struct sk_buff *skb);
/* A request for n's address: broadcast while INCOMPLETE, unicast to n->ha in PROBE. */
void arp_solicit(struct neighbour *n);
/* skb (data at its IP header) waited for a neighbour that failed: its
 * sender's protocol hears "host unreachable". Does not consume skb. */
void arp_error_report(struct sk_buff *skb);
/* Gratuitous ARP announcing addr on dev (address added, link up). */
void arp_announce(struct net_device *dev, be32 addr);
/* Builds and sends one ARP packet: op ARPOP_*, to dest_hw (NULL: broadcast)
 * asking about / answering for dest_ip, target hardware address target_hw
 * (NULL: zeroes) and our src_ip with dev's MAC. 0, or -ENOMEM / the
 * dev_queue_xmit drop. */
int arp_send(int op, struct net_device *dev, be32 dest_ip, be32 src_ip,
	     const uint8_t *dest_hw, const uint8_t *target_hw);

/* arping: replies from one address, as the receive path saw them, kept
 * until the watcher reads them (a ring: the oldest are overwritten). */
#define ARP_WATCH_RING 8
struct arp_watch_reply {
	uint8_t sha[ETH_ALEN];
	bool broadcast;			/* sent to the broadcast address */
	uint64_t t_ns;			/* ktime_get_ns() when received */
};
struct arp_watch {
	struct net_device *dev;
	be32 sip;			/* the address asked about */
	struct wait_queue_head wq;	/* woken for each reply */
	uint32_t head;			/* replies seen so far; ring index = head % ARP_WATCH_RING */
	struct arp_watch_reply ring[ARP_WATCH_RING];
};
/* At most one watcher at a time (the shell runs one command); -EBUSY otherwise. */
int arp_watch_start(struct arp_watch *w);
void arp_watch_stop(struct arp_watch *w);

struct arp_mib {
	uint64_t in_requests, in_replies;
	uint64_t out_requests, out_replies;	/* every one built, gratuitous and arping's too */
	uint64_t out_gratuitous;
	uint64_t in_malformed;		/* short, or bad hrd/pro/hln/pln/op */
	uint64_t in_other_host;		/* unicast to another MAC (promiscuous) */
	uint64_t in_bad_sender;		/* sender MAC broadcast/multicast, or sender IP impossible */
	uint64_t in_bad_target;		/* target IP multicast or loopback */
	uint64_t in_looped;		/* our own packet came back */
	uint64_t in_foreign;		/* for a target that is not ours */
	uint64_t in_unsolicited;	/* a reply to us for an address we did not ask about */
	uint64_t in_dad_probes;		/* RFC 5227 probes (sender 0.0.0.0) for our address, answered */
	uint64_t addr_conflicts;	/* our address claimed from another MAC */
	uint64_t out_nomem;		/* no skb to build a packet in */
	uint64_t no_in_dev;		/* ARP on a device without IPv4 */
	uint64_t error_reports;		/* "host unreachable" given to a sender's protocol */
};
extern struct arp_mib arp_mib;

#endif
