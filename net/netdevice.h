/* Network devices, their transmit queues, and NAPI: the layer between a driver
 * and the stack. Names follow Linux so the send path reads the same:
 * dev_queue_xmit -> (qdisc) -> dev_hard_start_xmit -> ndo_start_xmit, and on
 * receive: hard IRQ -> napi_schedule -> NET_RX softirq -> net_rx_action ->
 * napi->poll -> netif_receive_skb. */
#ifndef RINGOS_NETDEVICE_H
#define RINGOS_NETDEVICE_H

#include "kernel/compiler.h"
#include "kernel/list.h"
#include "net/if_ether.h"
#include "net/sch_generic.h"
#include "net/skbuff.h"

#define IFNAMSIZ 16
#define MAX_TX_QUEUES 16
#define NAPI_POLL_WEIGHT 64
/* Linux's DEFAULT_TX_QUEUE_LEN: the pfifo limit a device starts with. */
#define DEFAULT_TX_QUEUE_LEN 1000
#define TX_QUEUE_LEN_MAX     100000
#define ETH_MIN_MTU 68

/* Feature flags (what the hardware can do for the stack). */
#define NETIF_F_SG        (1ULL << 0)
#define NETIF_F_IP_CSUM   (1ULL << 1)	/* TCP/UDP over IPv4 checksum insertion */
#define NETIF_F_RXCSUM    (1ULL << 2)
#define NETIF_F_TSO       (1ULL << 3)
#define NETIF_F_RXHASH    (1ULL << 4)
#define NETIF_F_HW_VLAN_TX (1ULL << 5)

typedef enum {
	NETDEV_TX_OK = 0,	/* the driver owns the skb now */
	NETDEV_TX_BUSY = 1,	/* ring full: the caller keeps the skb and retries */
} netdev_tx_t;

struct rtnl_link_stats64 {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint64_t multicast, collisions;
	uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
	uint64_t rx_fifo_errors, rx_missed_errors;
	uint64_t tx_aborted_errors, tx_fifo_errors, tx_timeout_errors;
	uint64_t rx_nohandler;
};

struct net_device;

struct net_device_ops {
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	void (*ndo_get_stats64)(struct net_device *dev, struct rtnl_link_stats64 *st);
	/* Picks the TX queue when set; else the flow hash does. */
	uint16_t (*ndo_select_queue)(struct net_device *dev, struct sk_buff *skb);
};

#define __QUEUE_STATE_XOFF 0

struct netdev_queue {
	struct net_device *dev;
	unsigned long state;
	uint32_t index;
	uint64_t stops, wakes;		/* how often the driver stopped / woke it */
	/* What dev_queue_xmit hands this queue's packets to; NULL until the
	 * device is first opened (dev_activate), and then packets go straight
	 * to the driver, as through Linux's noqueue. */
	struct Qdisc *qdisc;
	/* Storage of the default pfifo, so attaching it never fails. */
	struct Qdisc qdisc_pfifo;
};

struct napi_struct {
	struct list_head poll_list;	/* on the per-CPU list while scheduled */
	unsigned long state;
	int weight;
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	uint64_t polls, completes;
	/* What the last poll found to do, told by the driver (napi_report):
	 * frames received and TX completions reaped. net_rx_action clears both
	 * before each poll and counts the poll as rx-only, tx-only or both
	 * (`softirqs -v`). */
	unsigned int last_rx, last_tx_done;
};

/* Poll side: record this poll's work for the cause counters. Plain stores of
 * counts the driver has anyway; no register is read. */
static inline void napi_report(struct napi_struct *napi, unsigned int rx, unsigned int tx_done)
{
	napi->last_rx = rx;
	napi->last_tx_done = tx_done;
}

/* What a NAPI poll, or a whole NET_RX run, found to do (`softirqs -v`). */
enum napi_cause {
	NAPI_CAUSE_NONE,	/* nothing: a spurious schedule, or work taken by an earlier poll */
	NAPI_CAUSE_RX,		/* received frames only */
	NAPI_CAUSE_TX,		/* TX completions only */
	NAPI_CAUSE_BOTH,	/* both in the same poll (run) */
	NAPI_CAUSES
};

#define NAPI_STATE_SCHED 0
/* Held by napi_disable together with SCHED: the poll may not be scheduled
 * and a poll running at the time may not complete it. */
#define NAPI_STATE_DISABLE 1

/* What netif_receive_skb hands frames to: the raw-frame apps now, the protocol
 * table (ARP, IPv4) later. Returns true if it consumed the skb. */
typedef bool (*rx_handler_func_t)(struct sk_buff *skb);

struct net_device {
	char name[IFNAMSIZ];
	uint8_t dev_addr[ETH_ALEN];
	uint8_t perm_addr[ETH_ALEN];
	uint32_t mtu;
	uint32_t min_mtu, max_mtu;
	uint64_t features;
	uint64_t hw_features;
	/* What the user asked for (ethtool -K); features is this less what a
	 * missing dependency takes away (TSO without SG or checksums). */
	uint64_t wanted_features;
	const struct net_device_ops *netdev_ops;
	unsigned int num_tx_queues;
	unsigned int real_num_tx_queues;
	unsigned int real_num_rx_queues;
	struct netdev_queue tx_queue[MAX_TX_QUEUES];
	bool carrier;
	bool up;
	uint32_t speed;			/* Mb/s, 0 unknown */
	bool full_duplex;
	rx_handler_func_t rx_handler;
	struct list_head dev_list;
	uint64_t rx_nohandler;		/* frames nobody wanted */
	uint32_t tx_queue_len;		/* pfifo limit in packets (`ip link set ... txqueuelen`) */
	/* The root qdisc `tc` shows: &qdisc_mq with several TX queues, else
	 * queue 0's pfifo; NULL before the first open ("noop"). */
	struct Qdisc *qdisc;
	struct Qdisc qdisc_mq;
	/* Notifier events waiting for a safe context (link_watch.c): a bit per
	 * enum netdev_event; the device is on the linkwatch list while non-zero. */
	uint32_t link_events;
	struct net_device *link_next;
	void *ip_ptr;			/* struct in_device: IPv4 addresses (net/inetdevice.h) */
	void *priv;			/* the driver's adapter */
};

static inline void *netdev_priv(const struct net_device *dev) { return dev->priv; }

int register_netdev(struct net_device *dev);
struct net_device *dev_get_by_name(const char *name);
struct net_device *first_netdev(void);
int dev_open(struct net_device *dev);
/* Marks the device down first, so dev_queue_xmit drops from then on, then
 * calls ndo_stop. The device stays down even if ndo_stop fails; its error is
 * returned. */
int dev_close(struct net_device *dev);
/* Validated against min_mtu..max_mtu, then NETDEV_CHANGEMTU. 0 or -EINVAL. */
int dev_set_mtu(struct net_device *dev, int mtu);
/* 0..TX_QUEUE_LEN_MAX; applied to the pfifo limits at once (packets already
 * queued above a lowered limit stay). 0 or -EINVAL. */
int dev_change_tx_queue_len(struct net_device *dev, long len);

/* Any context, hard IRQ included. A change is announced as NETDEV_CHANGE
 * from a safe context (see the notifiers below). */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
static inline bool netif_carrier_ok(const struct net_device *dev) { return dev->carrier; }

static inline struct netdev_queue *netdev_get_tx_queue(struct net_device *dev, unsigned i)
{
	return &dev->tx_queue[i];
}
void netif_tx_stop_queue(struct netdev_queue *q);
/* Any context. Restarting a stopped queue reschedules its qdisc (NET_TX)
 * when packets wait in it. */
void netif_tx_wake_queue(struct netdev_queue *q);
static inline bool netif_tx_queue_stopped(const struct netdev_queue *q)
{
	return q->state & (1UL << __QUEUE_STATE_XOFF);
}

/* NAPI */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight);
/* Hard-IRQ side: queue the poll and raise NET_RX. False if already scheduled. */
bool napi_schedule(struct napi_struct *napi);
/* Poll side: the poll did less than its budget, so it is done; the driver
 * re-enables its interrupt after this returns true. */
bool napi_complete_done(struct napi_struct *napi, int work_done);
/* Takes the napi off the poll list and keeps it off: napi_schedule fails and
 * napi_complete_done returns false (the driver leaves its interrupt masked)
 * until napi_enable. On one CPU no poll can be running when this is called
 * from outside one, so on return the driver may free what its poll touches. */
void napi_disable(struct napi_struct *napi);
/* Undoes napi_disable; does nothing to a napi that is not disabled, so a
 * driver may call it on every open. */
void napi_enable(struct napi_struct *napi);

/* Work a protocol defers to the end of a NET_RX run (TCP's ACK for a batch of
 * segments, as GRO gives Linux one per batch): fn runs once after every
 * net_rx_action, with bottom halves off. Registered at boot. */
struct net_rx_flush {
	void (*fn)(void);
	struct net_rx_flush *next;
};
void net_rx_flush_register(struct net_rx_flush *f);

/* Receive: called from a NAPI poll for each frame. skb->data at the MAC header. */
void netif_receive_skb(struct sk_buff *skb);

/* Transmit: picks the queue, validates the offloads the device lacks, then
 * the queue's qdisc (or the driver straight away when the qdisc is empty and
 * idle). Always consumes the skb; NET_XMIT_DROP when it was dropped here
 * (counted), NET_XMIT_SUCCESS when sent or queued. Process or softirq
 * context. skb->data at the MAC header. */
int dev_queue_xmit(struct sk_buff *skb);
/* The last step before the driver; a BUSY return leaves the skb with the
 * caller. Bottom halves disabled or softirq context. */
netdev_tx_t dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev,
				struct netdev_queue *txq);
/* The TX queue for skb (sets skb->queue_mapping): the driver's choice if it
 * has one, else the socket's remembered queue, else the flow hash. */
struct netdev_queue *netdev_pick_tx(struct net_device *dev, struct sk_buff *skb);
/* skb->hash, computed from the IPv4 addresses, protocol and TCP/UDP ports of
 * the frame at skb->data when 0 (locally built), with a key chosen at boot;
 * stored in skb->hash and the owning socket's sk_hash. 0: nothing to hash
 * (not IPv4, or truncated). */
uint32_t skb_get_hash(struct sk_buff *skb);
/* NET_TX quota per qdisc run (`sysctl net.core.dev_weight`, Linux's weight_p). */
extern int weight_p;

void net_dev_init(void);

struct net_core_stats {
	uint64_t rx_action_runs, rx_budget_exhausted, rx_time_squeeze;
	uint64_t tx_dropped_stopped;
};
void net_core_get_stats(struct net_core_stats *st);

/* dev_queue_xmit results. */
#define NET_XMIT_SUCCESS 0
#define NET_XMIT_DROP    1

/* One net_rx_action run polls at most this many frames, for at most this long,
 * before it yields to the other softirqs and raises NET_RX again. */
#define NET_RX_BUDGET        300
#define NET_RX_TIME_LIMIT_NS (2 * 1000 * 1000ULL)

/* Every per-CPU core counter, like a /proc/net/softnet_stat row;
 * net_core_stats above is a subset. */
struct softnet_stats {
	uint64_t processed;		/* frames given to netif_receive_skb */
	uint64_t rx_action_runs, rx_budget_exhausted, rx_time_squeeze;
	uint64_t rx_dropped_runt;	/* shorter than an Ethernet header */
	uint64_t rx_dropped_nodev;	/* skb->dev not set by the driver */
	uint64_t rx_dropped_vlan;	/* 802.1Q / 802.1ad tagged: no VLANs yet */
	uint64_t rx_dropped_otherhost;	/* unicast to another MAC */
	uint64_t rx_nohandler;		/* no packet_type for the ethertype (all devices) */
	uint64_t poll_bugs;		/* polls returning < 0 or > budget, napis without a poll */
	uint64_t tx_dropped_stopped;	/* no qdisc and the queue stopped */
	uint64_t tx_dropped_busy;	/* no qdisc and the driver said BUSY */
	uint64_t tx_dropped_down;	/* no device, device not up, or no xmit method */
	uint64_t tx_dropped_csum;	/* checksum could not be completed in software */
	uint64_t tx_dropped_gso;	/* GSO packet software could not segment (malformed, no memory) */
	uint64_t tx_dropped_linearize;	/* frags for a device without SG, and no memory to gather them */
	uint64_t tx_dropped_qdisc;	/* over the pfifo limit (also in the qdisc's drops) */
	uint64_t tx_dropped_flush;	/* still queued when the device closed */
	uint64_t tx_bad_queue;		/* queue picks past real_num_tx_queues, sent on queue 0 */
	/* Where packets reached the driver: the article's "most sends never
	 * reach NET_TX" is tx_bypass + tx_qdisc_caller against tx_qdisc_net_tx. */
	uint64_t tx_noqueue;		/* no qdisc attached: straight to the driver */
	uint64_t tx_bypass;		/* empty idle qdisc skipped, in the caller's context */
	uint64_t tx_qdisc_caller;	/* sent by a qdisc run in the caller's context */
	uint64_t tx_qdisc_net_tx;	/* sent by a qdisc run from NET_TX */
	uint64_t tx_sched[SCHED_REASONS];
	uint64_t tx_action_runs;	/* net_tx_action calls */
	uint64_t rx_polls_by[NAPI_CAUSES];	/* NAPI polls by what they did */
	uint64_t rx_runs_by[NAPI_CAUSES];	/* net_rx_action runs: union of their polls */
	/* net_tx_action runs by the reasons that queued the qdiscs they served
	 * (a run raised for two reasons counts under both); the last slot is
	 * runs with no qdisc queued (held-back device events only). */
	uint64_t tx_runs_by[SCHED_REASONS + 1];
	uint64_t link_events_deferred;	/* notifier events held back out of IRQ context */
};
void softnet_get_stats(struct softnet_stats *st);
/* `softirqs -v`: the /proc/softirqs table, then NET_RX runs and polls by what
 * they did and NET_TX runs and raises by why (net/core/softirq_causes.c). */
int softirqs_verbose(void);

/* Per-CPU device-layer state (one CPU). The poll list and the output queue
 * are shared with hard IRQ (napi_schedule, netif_tx_wake_queue) and touched
 * only with interrupts off; the counters are written in softirq context or
 * with bottom halves disabled. */
struct softnet_data {
	struct list_head poll_list;	/* scheduled napis, in the order they asked */
	struct Qdisc *output_queue;	/* qdiscs waiting for NET_TX, by next_sched */
	struct Qdisc **output_queue_tailp;
	bool in_net_tx;			/* inside net_tx_action: runs count as NET_TX's */
	uint32_t tx_sched_why;		/* 1 << reason for the qdiscs now on output_queue */
	struct softnet_stats stats;
} __aligned(64);

extern struct softnet_data softnet_data[1];
static inline struct softnet_data *this_softnet(void)
{
	return &softnet_data[0];
}

/* The protocol table behind netif_receive_skb (Linux's ptype_base): after the
 * device's rx_handler (raw apps) declines a frame, eth_type_trans has pulled
 * the MAC header and set protocol and pkt_type, and the handler registered for
 * skb->protocol gets it, data at the network header. Unknown types are counted
 * (rx_nohandler) and dropped; VLAN-tagged frames are counted and dropped until
 * VLANs exist. */
struct packet_type {
	be16 type;		/* ETH_P_*, network order */
	int (*func)(struct sk_buff *skb);	/* consumes skb */
	struct packet_type *next;
};
/* Boot time (an init call). One handler per type: a second for the same type
 * is refused with a warning. */
void dev_add_pack(struct packet_type *pt);
/* Pulls the MAC header, sets pkt_type from the destination and returns the
 * ethertype (network order); data ends at the network header. The skb must
 * hold an Ethernet header (netif_receive_skb checks); shorter ones are left
 * alone and get 0. */
be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
/* Pushes an Ethernet header (type host order; saddr NULL: the device's) and
 * sets the MAC header there. ETH_HLEN, or -EINVAL (no daddr), -ENOBUFS (no
 * headroom). */
int dev_hard_header(struct sk_buff *skb, struct net_device *dev, uint16_t type,
		    const uint8_t *daddr, const uint8_t *saddr);

/* Device events, as Linux's netdevice notifier chain delivers them. Called in
 * process context or from a softirq, never from a hard IRQ: carrier changes
 * found in an interrupt are passed on from the next softirq (linkwatch). */
enum netdev_event {
	NETDEV_UP = 1,		/* dev_open succeeded */
	NETDEV_DOWN,		/* dev_close */
	NETDEV_CHANGE,		/* carrier on or off (netif_carrier_ok tells which) */
	NETDEV_CHANGEMTU,
	NETDEV_CHANGEADDR,	/* MAC address */
};

struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long event, void *ptr);
	struct notifier_block *next;
};
/* ptr is the struct net_device. Registered blocks are called in order. A block
 * registered after devices came up gets NETDEV_UP for each of them at once,
 * as Linux replays it. */
void register_netdevice_notifier(struct notifier_block *nb);
/* Delivers now, or, with interrupts off (hard IRQ, or a caller holding them
 * off), marks the event on the device and raises NET_TX, whose handler
 * delivers it (linkwatch_run_queue). Events waiting together are delivered
 * in enum order, once each; NETDEV_CHANGE only while the device is up. */
void call_netdevice_notifiers(unsigned long event, struct net_device *dev);
/* Delivers the events held back; NET_TX calls it first. */
void linkwatch_run_queue(void);

/* Devices are numbered from 1 in registration order (the "1:" of `ip link`). */
struct net_device *dev_get_by_index(int ifindex);
int dev_ifindex(const struct net_device *dev);

#endif
