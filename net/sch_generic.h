/* Queueing disciplines: what sits between dev_queue_xmit and the driver, as
 * in Linux's include/net/sch_generic.h. Each TX queue has a pfifo (a FIFO of
 * at most dev->tx_queue_len packets); a device with several TX queues has an
 * mq root that only holds them, one per queue, for `tc` to show.
 *
 * The send path through here (net/core/dev.c, net/sched/sch_generic.c):
 *   __dev_xmit_skb: empty, idle, TCQ_F_CAN_BYPASS -> sch_bypass_xmit, the
 *                   same send as sch_direct_xmit, counted as a bypass
 *                   else enqueue, then __qdisc_run if nobody runs it
 *   __qdisc_run:    qdisc_restart until empty, stopped, or weight_p packets
 *                   sent (then __netif_schedule: NET_TX continues)
 *   qdisc_restart:  dequeue_skb -> sch_direct_xmit -> dev_hard_start_xmit
 *   BUSY:           dev_requeue_skb: the packet waits in gso_skb and goes
 *                   first next time; nothing is dropped
 *
 * Contexts: all of it runs with bottom halves disabled or in NET_TX, so a run
 * is never interrupted by another one on this CPU; `running` catches a run
 * re-entered from below (a driver or a destructor sending). Only the output
 * queue linkage (state, next_sched) is shared with hard IRQ. */
#ifndef RINGOS_NET_SCH_GENERIC_H
#define RINGOS_NET_SCH_GENERIC_H

#include "kernel/compiler.h"
#include "net/skbuff.h"

struct net_device;
struct netdev_queue;
struct Qdisc;

/* flags */
#define TCQ_F_CAN_BYPASS 0x1	/* empty and idle: skipping it changes no order */

/* state bits (shared with hard IRQ: change with interrupts off) */
#define __QDISC_STATE_SCHED 0	/* on the per-CPU output queue, NET_TX raised */

/* handle / parent encoding, as tc prints it (major:minor) */
#define TC_H_ROOT 0xFFFFFFFFu
#define TC_H_MAKE(maj, min) (((uint32_t)(maj) << 16) | ((min) & 0xFFFFu))
#define TC_H_MIN(h) ((h) & 0xFFFFu)

/* Why a qdisc went on the output queue and NET_TX was raised. */
enum netif_sched_reason {
	SCHED_QUOTA,		/* a run spent net.core.dev_weight with packets left */
	SCHED_REQUEUE,		/* the driver said BUSY, or the queue was stopped */
	SCHED_WAKE,		/* the driver restarted a queue with packets waiting */
	SCHED_BUSY,		/* enqueued while the qdisc was running (re-entered) */
	SCHED_REASONS
};

struct gnet_stats_basic {
	uint64_t bytes, packets;	/* accepted by the driver */
};

struct gnet_stats_queue {
	uint32_t qlen;			/* packets held, the requeued one included */
	uint32_t backlog;		/* their bytes */
	uint64_t drops, requeues, overlimits;
};

struct Qdisc_ops {
	const char *id;			/* "pfifo", "mq" */
	uint32_t static_flags;		/* flags every qdisc of the kind has */
	/* NET_XMIT_SUCCESS, or NET_XMIT_DROP with the skb freed and counted. */
	int (*enqueue)(struct sk_buff *skb, struct Qdisc *sch);
	struct sk_buff *(*dequeue)(struct Qdisc *sch);
	struct sk_buff *(*peek)(struct Qdisc *sch);
	/* Frees everything held (device going down); returns how many. NULL:
	 * holds nothing itself (mq). */
	unsigned int (*reset)(struct Qdisc *sch);
	/* Brings the stats up to date before they are shown (mq sums its
	 * children, as Linux's mq_dump does); NULL: they always are. */
	void (*dump)(struct Qdisc *sch);
};

struct Qdisc {
	const struct Qdisc_ops *ops;
	uint32_t flags;
	uint32_t handle;		/* 0: as Linux's default qdiscs, "0:" */
	uint32_t parent;		/* TC_H_ROOT, or the mq class (":1" = queue 0) */
	uint32_t limit;			/* pfifo: packets */
	struct net_device *dev;
	struct netdev_queue *dev_queue;	/* the queue it feeds; NULL for mq */
	unsigned long state;
	bool running;			/* a run (or a bypass send) is in progress */
	struct Qdisc *next_sched;	/* output queue linkage while SCHED */
	/* A packet the driver refused (BUSY), sent before anything queued. */
	struct sk_buff *gso_skb;
	struct sk_buff_head q;
	struct gnet_stats_basic bstats;
	struct gnet_stats_queue qstats;
};

static inline uint32_t qdisc_qlen(const struct Qdisc *q)
{
	return READ_ONCE(q->qstats.qlen);
}

/* Sends skb (dequeued, or the bypass packet) on txq. True when the caller may
 * go on: the driver took it and more is queued. On BUSY or a stopped queue
 * the packet is requeued and the qdisc rescheduled. */
bool sch_direct_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
		     struct netdev_queue *txq);
/* The same for __dev_xmit_skb's bypass send, counted as tx_bypass. */
bool sch_bypass_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
		     struct netdev_queue *txq);
/* Sends until the qdisc is empty or the queue stopped, at most weight_p
 * packets; then, with packets left, __netif_schedule. Caller holds running. */
void __qdisc_run(struct Qdisc *q);
/* Queues q for NET_TX (once, however often asked); any context. Counts why
 * in softnet when it newly scheduled. Defined in net/core/dev.c. */
void __netif_schedule(struct Qdisc *q, enum netif_sched_reason why);

/* Attaches the default qdiscs (first open, or when the queue count changed)
 * and re-attaches them after a close: pfifo per real TX queue, under an mq
 * root with more than one. */
void dev_activate(struct net_device *dev);
/* Device going down: every qdisc emptied (counted as tx_dropped_flush). */
void dev_deactivate(struct net_device *dev);
/* txqueuelen changed: the pfifo limits follow. */
void dev_qdisc_change_tx_queue_len(struct net_device *dev);

/* Counters a shell may read without tearing: a copy taken with bottom halves
 * disabled, after ops->dump. */
void qdisc_get_stats(struct Qdisc *q, struct gnet_stats_basic *b, struct gnet_stats_queue *qs);

extern const struct Qdisc_ops pfifo_qdisc_ops;
extern const struct Qdisc_ops mq_qdisc_ops;

#endif
