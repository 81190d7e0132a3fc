/* The generic qdisc machinery and the default qdiscs, as Linux's
 * net/sched/sch_generic.c (with sch_fifo.c's pfifo and sch_mq.c's mq, which
 * are small enough to live here): the qdisc run (__qdisc_run ->
 * qdisc_restart -> sch_direct_xmit -> dev_hard_start_xmit), the requeue of
 * packets the driver refused, and attaching the qdiscs when a device opens.
 *
 * Accounting. qstats.qlen and backlog count what a qdisc holds, the requeued
 * packet included, so "empty" is one test; bstats counts what the driver
 * took. All of it changes with bottom halves disabled or in NET_TX. */
#include "net/netdevice.h"
#include "net/sch_generic.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"

/* ---- pfifo: a FIFO of at most limit packets ----------------------------------- */

/* Linux's pfifo leaves overlimits at 0; here every arrival over the limit
 * counts there as well as in drops, so `tc -s` says why the drops happened. */
static int pfifo_enqueue(struct sk_buff *skb, struct Qdisc *sch)
{
	if (likely(sch->qstats.qlen < sch->limit)) {
		skb_queue_tail(&sch->q, skb);
		sch->qstats.qlen++;
		sch->qstats.backlog += skb->len;
		return NET_XMIT_SUCCESS;
	}
	sch->qstats.drops++;
	sch->qstats.overlimits++;
	this_softnet()->stats.tx_dropped_qdisc++;
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

static struct sk_buff *pfifo_dequeue(struct Qdisc *sch)
{
	struct sk_buff *skb = skb_dequeue(&sch->q);

	if (skb) {
		sch->qstats.qlen--;
		sch->qstats.backlog -= skb->len;
	}
	return skb;
}

static struct sk_buff *pfifo_peek(struct Qdisc *sch)
{
	return sch->q.next;
}

/* Bounded by qlen: each turn frees one packet. */
static unsigned int pfifo_reset(struct Qdisc *sch)
{
	unsigned int n = 0;
	struct sk_buff *skb;

	if (sch->gso_skb) {
		kfree_skb(sch->gso_skb);
		sch->gso_skb = NULL;
		n++;
	}
	while ((skb = skb_dequeue(&sch->q)) != NULL) {
		kfree_skb(skb);
		n++;
	}
	sch->qstats.qlen = 0;
	sch->qstats.backlog = 0;
	return n;
}

const struct Qdisc_ops pfifo_qdisc_ops = {
	.id = "pfifo",
	/* A FIFO that is empty has nothing to put ahead of a new packet. */
	.static_flags = TCQ_F_CAN_BYPASS,
	.enqueue = pfifo_enqueue,
	.dequeue = pfifo_dequeue,
	.peek = pfifo_peek,
	.reset = pfifo_reset,
};

/* ---- mq: the root over one pfifo per TX queue ---------------------------------- */

/* mq holds no packets: dev_queue_xmit goes to each queue's own qdisc, so
 * the queues never share a lock or a FIFO. Its numbers are its children's. */
static void mq_dump(struct Qdisc *sch)
{
	struct net_device *dev = sch->dev;

	sch->bstats = (struct gnet_stats_basic){ 0 };
	sch->qstats = (struct gnet_stats_queue){ 0 };
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		const struct Qdisc *c = dev->tx_queue[i].qdisc;

		if (!c)
			continue;
		sch->bstats.bytes += c->bstats.bytes;
		sch->bstats.packets += c->bstats.packets;
		sch->qstats.qlen += c->qstats.qlen;
		sch->qstats.backlog += c->qstats.backlog;
		sch->qstats.drops += c->qstats.drops;
		sch->qstats.requeues += c->qstats.requeues;
		sch->qstats.overlimits += c->qstats.overlimits;
	}
}

const struct Qdisc_ops mq_qdisc_ops = {
	.id = "mq",
	.dump = mq_dump,
};

/* ---- the run -------------------------------------------------------------------- */

/* The requeued packet first. Nothing while the driver's queue is stopped:
 * the packet would only come back, and the wake reschedules the qdisc. */
static struct sk_buff *dequeue_skb(struct Qdisc *q, struct netdev_queue *txq)
{
	struct sk_buff *skb = q->gso_skb;

	if (netif_tx_queue_stopped(txq))
		return NULL;
	if (skb) {
		q->gso_skb = NULL;
		q->qstats.qlen--;
		q->qstats.backlog -= skb->len;
		return skb;
	}
	return q->ops->dequeue(q);
}

/* The slot is free here: sch_direct_xmit only gets a packet that came out
 * of it or off an empty qdisc (bypass). */
static void dev_requeue_skb(struct sk_buff *skb, struct Qdisc *q)
{
	q->gso_skb = skb;
	q->qstats.qlen++;
	q->qstats.backlog += skb->len;
	q->qstats.requeues++;
	__netif_schedule(q, SCHED_REQUEUE);
}

static bool __sch_direct_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
			      struct netdev_queue *txq, uint64_t *sent)
{
	uint32_t len = skb->len;	/* the driver owns skb once it says OK */
	netdev_tx_t ret = NETDEV_TX_BUSY;

	if (!netif_tx_queue_stopped(txq))
		ret = dev_hard_start_xmit(skb, dev, txq);
	if (ret == NETDEV_TX_OK) {
		q->bstats.bytes += len;
		q->bstats.packets++;
		(*sent)++;
		return qdisc_qlen(q) > 0;
	}
	dev_requeue_skb(skb, q);
	return false;
}

bool sch_direct_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
		     struct netdev_queue *txq)
{
	TRACE_FUNC(TP_sch_direct_xmit, skb);
	struct softnet_data *sd = this_softnet();

	return __sch_direct_xmit(skb, q, dev, txq, sd->in_net_tx ? &sd->stats.tx_qdisc_net_tx :
				 &sd->stats.tx_qdisc_caller);
}

/* The bypass send of __dev_xmit_skb, counted apart from qdisc runs. */
bool sch_bypass_xmit(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
		     struct netdev_queue *txq)
{
	TRACE_FUNC(TP_sch_bypass_xmit, skb);
	return __sch_direct_xmit(skb, q, dev, txq, &this_softnet()->stats.tx_bypass);
}

/* One packet. may_batch: the run will send again right after this one if
 * another is ready (peek), so the driver may leave the tail write to the
 * last packet of the batch (xmit_more). */
static bool qdisc_restart(struct Qdisc *q, bool may_batch)
{
	struct netdev_queue *txq = q->dev_queue;
	struct sk_buff *skb = dequeue_skb(q, txq);

	if (!skb)
		return false;
	skb->xmit_more = may_batch && !netif_tx_queue_stopped(txq) && q->ops->peek(q);
	return sch_direct_xmit(skb, q, q->dev, txq);
}

/* Bounded by the quota: each turn sends one packet or ends the run. */
void __qdisc_run(struct Qdisc *q)
{
	TRACE_FUNC_CTX(TP___qdisc_run);
	int quota = MAX(READ_ONCE(weight_p), 1);

	while (qdisc_restart(q, quota > 1)) {
		if (--quota <= 0) {
			__netif_schedule(q, SCHED_QUOTA);
			break;
		}
	}
}

/* ---- attach, detach, stats ------------------------------------------------------ */

/* Leaves state and next_sched alone: a qdisc still on the output queue stays
 * correctly linked, and NET_TX finds it empty. */
static void qdisc_init(struct Qdisc *sch, const struct Qdisc_ops *ops, struct net_device *dev,
		       struct netdev_queue *txq, uint32_t parent)
{
	sch->ops = ops;
	sch->flags = ops->static_flags;
	sch->handle = 0;
	sch->parent = parent;
	sch->limit = dev->tx_queue_len;
	sch->dev = dev;
	sch->dev_queue = txq;
	sch->running = false;
	sch->gso_skb = NULL;
	skb_queue_head_init(&sch->q);
	sch->bstats = (struct gnet_stats_basic){ 0 };
	sch->qstats = (struct gnet_stats_queue){ 0 };
}

static unsigned int real_tx_queues(const struct net_device *dev)
{
	return MIN(MAX(dev->real_num_tx_queues, 1u), (unsigned int)MAX_TX_QUEUES);
}

/* Already attached for this queue count: nothing to build, and the counters
 * carry on across a close, as Linux's do. */
static bool qdiscs_match(const struct net_device *dev, unsigned int n)
{
	if (!dev->qdisc || (n > 1) != (dev->qdisc == &dev->qdisc_mq))
		return false;
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++)
		if ((dev->tx_queue[i].qdisc != NULL) != (i < n))
			return false;
	return true;
}

void dev_activate(struct net_device *dev)
{
	unsigned int n = real_tx_queues(dev);

	if (qdiscs_match(dev, n))
		return;
	local_bh_disable();
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		struct netdev_queue *txq = &dev->tx_queue[i];

		if (i >= n) {
			txq->qdisc = NULL;
			continue;
		}
		qdisc_init(&txq->qdisc_pfifo, &pfifo_qdisc_ops, dev, txq,
			   n > 1 ? TC_H_MAKE(0, i + 1) : TC_H_ROOT);
		txq->qdisc = &txq->qdisc_pfifo;
	}
	if (n > 1) {
		qdisc_init(&dev->qdisc_mq, &mq_qdisc_ops, dev, NULL, TC_H_ROOT);
		dev->qdisc = &dev->qdisc_mq;
	} else {
		dev->qdisc = dev->tx_queue[0].qdisc;
	}
	local_bh_enable();
}

void dev_deactivate(struct net_device *dev)
{
	unsigned int flushed = 0;

	local_bh_disable();
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		struct Qdisc *q = dev->tx_queue[i].qdisc;

		if (q && q->ops->reset)
			flushed += q->ops->reset(q);
	}
	this_softnet()->stats.tx_dropped_flush += flushed;
	local_bh_enable();
}

void dev_qdisc_change_tx_queue_len(struct net_device *dev)
{
	local_bh_disable();
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		struct Qdisc *q = dev->tx_queue[i].qdisc;

		if (q && q->ops == &pfifo_qdisc_ops)
			q->limit = dev->tx_queue_len;
	}
	local_bh_enable();
}

void qdisc_get_stats(struct Qdisc *q, struct gnet_stats_basic *b, struct gnet_stats_queue *qs)
{
	local_bh_disable();
	if (q->ops->dump)
		q->ops->dump(q);
	*b = q->bstats;
	*qs = q->qstats;
	local_bh_enable();
}
