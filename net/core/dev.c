/* The device layer: the netdev list, TX queue state, NAPI and the NET_RX
 * softirq, the receive entry point and dev_queue_xmit.
 *
 * Contexts. napi_schedule runs in hard IRQ; net_rx_action, the NAPI polls and
 * netif_receive_skb in the NET_RX softirq; dev_queue_xmit in process context
 * or a softirq (a reply sent from a receive handler). Everything that changes
 * per packet sits in one per-CPU softnet_data. Its poll list is shared with
 * hard IRQ and so is only touched with interrupts off; its counters are
 * written only in softirq context or with bottom halves disabled, so a plain
 * increment cannot be torn by another writer. The device list changes only at
 * boot, before any traffic. */
#include <stdio.h>
#include <string.h>
#include "net/netdevice.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

struct softnet_data {
	struct list_head poll_list;	/* scheduled napis, in the order they asked */
	struct softnet_stats stats;
} __aligned(64);

static struct softnet_data softnet_data[1] = {
	{ .poll_list = LIST_HEAD_INIT(softnet_data[0].poll_list) },
};

static struct list_head netdev_list = LIST_HEAD_INIT(netdev_list);
static int netdev_count;

static inline struct softnet_data *this_softnet(void)
{
	return &softnet_data[0];
}

/* ---- device list ----------------------------------------------------------- */

struct net_device *dev_get_by_index(int ifindex)
{
	struct list_head *pos = netdev_list.next;

	if (ifindex < 1 || ifindex > netdev_count)
		return NULL;
	for (int i = 1; i < ifindex; i++)
		pos = pos->next;
	return list_entry(pos, struct net_device, dev_list);
}

int dev_ifindex(const struct net_device *dev)
{
	struct list_head *pos = netdev_list.next;

	for (int i = 1; i <= netdev_count; i++, pos = pos->next)
		if (list_entry(pos, struct net_device, dev_list) == dev)
			return i;
	return 0;
}

struct net_device *dev_get_by_name(const char *name)
{
	for (int i = 1; i <= netdev_count; i++) {
		struct net_device *dev = dev_get_by_index(i);

		if (strncmp(dev->name, name, IFNAMSIZ) == 0)
			return dev;
	}
	return NULL;
}

struct net_device *first_netdev(void)
{
	return dev_get_by_index(1);
}

/* The lowest free ethN, so names stay the same from boot to boot. With
 * netdev_count names taken, one of the first netdev_count + 1 is free. */
static int dev_alloc_name(struct net_device *dev)
{
	char name[IFNAMSIZ];

	for (int i = 0; i <= netdev_count; i++) {
		snprintf(name, sizeof(name), "eth%d", i);
		if (!dev_get_by_name(name)) {
			memcpy(dev->name, name, sizeof(name));
			return 0;
		}
	}
	return -1;
}

int register_netdev(struct net_device *dev)
{
	if (!dev)
		return -1;
	if (dev_ifindex(dev)) {
		pr_err("net: %.*s registered twice\n", IFNAMSIZ, dev->name);
		return -1;
	}
	if (dev->num_tx_queues == 0)
		dev->num_tx_queues = 1;
	if (dev->num_tx_queues > MAX_TX_QUEUES ||
	    dev->real_num_tx_queues > dev->num_tx_queues) {
		pr_err("net: %.*s: %u of %u TX queues, at most %u supported\n", IFNAMSIZ,
		       dev->name, dev->real_num_tx_queues, dev->num_tx_queues, MAX_TX_QUEUES);
		return -1;
	}
	if (dev->real_num_tx_queues == 0)
		dev->real_num_tx_queues = dev->num_tx_queues;
	if (dev->real_num_rx_queues == 0)
		dev->real_num_rx_queues = 1;
	if (dev->mtu == 0)
		dev->mtu = ETH_DATA_LEN;
	if (dev->name[0] == '\0') {
		if (dev_alloc_name(dev))
			return -1;
	} else if (memchr(dev->name, '\0', IFNAMSIZ) == NULL || dev_get_by_name(dev->name)) {
		pr_err("net: device name %.*s unterminated or taken\n", IFNAMSIZ, dev->name);
		return -1;
	}
	/* Every slot, not only the real ones: a driver may raise
	 * real_num_tx_queues later, up to num_tx_queues. */
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		dev->tx_queue[i].dev = dev;
		dev->tx_queue[i].index = i;
	}
	list_add_tail(&dev->dev_list, &netdev_list);
	netdev_count++;
	return 0;
}

int dev_open(struct net_device *dev)
{
	if (!dev)
		return -1;
	if (dev->up)
		return 0;
	if (dev->netdev_ops && dev->netdev_ops->ndo_open) {
		int err = dev->netdev_ops->ndo_open(dev);

		if (err)
			return err;
	}
	WRITE_ONCE(dev->up, true);
	return 0;
}

int dev_close(struct net_device *dev)
{
	if (!dev)
		return -1;
	if (!dev->up)
		return 0;
	WRITE_ONCE(dev->up, false);
	if (dev->netdev_ops && dev->netdev_ops->ndo_stop)
		return dev->netdev_ops->ndo_stop(dev);
	return 0;
}

/* The driver prints the link line (it knows speed and duplex); here only the
 * state the stack looks at. */
void netif_carrier_on(struct net_device *dev)
{
	WRITE_ONCE(dev->carrier, true);
}

void netif_carrier_off(struct net_device *dev)
{
	WRITE_ONCE(dev->carrier, false);
}

/* ---- TX queue state ---------------------------------------------------------- */

/* stops and wakes count transitions only, so stops - wakes is 1 exactly while
 * the queue is stopped. */
void netif_tx_stop_queue(struct netdev_queue *q)
{
	unsigned long flags = local_irq_save();

	if (!(q->state & (1UL << __QUEUE_STATE_XOFF))) {
		q->state |= 1UL << __QUEUE_STATE_XOFF;
		q->stops++;
	}
	local_irq_restore(flags);
}

void netif_tx_wake_queue(struct netdev_queue *q)
{
	unsigned long flags = local_irq_save();

	if (q->state & (1UL << __QUEUE_STATE_XOFF)) {
		q->state &= ~(1UL << __QUEUE_STATE_XOFF);
		q->wakes++;
		/* As in Linux's __netif_schedule: packets a qdisc held back while the
		 * ring was full go out from NET_TX, not from the driver's poll. */
		raise_softirq_irqoff(NET_TX_SOFTIRQ);
	}
	local_irq_restore(flags);
}

/* ---- NAPI -------------------------------------------------------------------- */

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight)
{
	list_init(&napi->poll_list);
	napi->state = 0;
	napi->weight = weight > 0 ? weight : NAPI_POLL_WEIGHT;
	napi->poll = poll;
	napi->dev = dev;
	napi->polls = 0;
	napi->completes = 0;
}

bool napi_schedule(struct napi_struct *napi)
{
	struct softnet_data *sd = this_softnet();
	unsigned long flags = local_irq_save();
	bool scheduled = false;

	if (!(napi->state & (1UL << NAPI_STATE_SCHED))) {
		napi->state |= 1UL << NAPI_STATE_SCHED;
		list_add_tail(&napi->poll_list, &sd->poll_list);
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
		scheduled = true;
	}
	local_irq_restore(flags);
	return scheduled;
}

/* work_done is part of the Linux contract (it tells GRO and busy polling how
 * the poll went); with neither here, completing is unconditional. */
bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	unsigned long flags = local_irq_save();

	(void)work_done;
	/* napi_disable owns SCHED now; clearing it would let an interrupt
	 * schedule the poll against rings being torn down. */
	if (napi->state & (1UL << NAPI_STATE_DISABLE)) {
		local_irq_restore(flags);
		return false;
	}
	/* Completed while still listed (outside its poll): unlink, or the next
	 * napi_schedule would link the entry a second time. */
	if (!list_empty(&napi->poll_list))
		list_del(&napi->poll_list);
	napi->state &= ~(1UL << NAPI_STATE_SCHED);
	napi->completes++;
	local_irq_restore(flags);
	return true;
}

void napi_disable(struct napi_struct *napi)
{
	unsigned long flags = local_irq_save();

	/* Scheduled but not yet polled: the NET_RX run must not find it. */
	if (!list_empty(&napi->poll_list))
		list_del(&napi->poll_list);
	napi->state |= 1UL << NAPI_STATE_SCHED | 1UL << NAPI_STATE_DISABLE;
	local_irq_restore(flags);
}

void napi_enable(struct napi_struct *napi)
{
	unsigned long flags = local_irq_save();

	if (napi->state & (1UL << NAPI_STATE_DISABLE))
		napi->state &= ~(1UL << NAPI_STATE_SCHED | 1UL << NAPI_STATE_DISABLE);
	local_irq_restore(flags);
}

/* Moves every entry of from to the front of to; from ends up empty. */
static void list_splice_front_init(struct list_head *from, struct list_head *to)
{
	struct list_head *first = from->next, *last = from->prev, *at = to->next;

	if (list_empty(from))
		return;
	first->prev = to;
	to->next = first;
	last->next = at;
	at->prev = last;
	list_init(from);
}

static int napi_poll(struct softnet_data *sd, struct napi_struct *n)
{
	static bool warned;
	int work;

	if (unlikely(!n->poll)) {
		unsigned long flags = local_irq_save();

		n->state &= ~(1UL << NAPI_STATE_SCHED);
		local_irq_restore(flags);
		sd->stats.poll_bugs++;
		return 0;
	}
	n->polls++;
	work = n->poll(n, n->weight);
	if (unlikely(work < 0 || work > n->weight)) {
		sd->stats.poll_bugs++;
		if (!warned) {
			warned = true;
			pr_warn("net: %s NAPI poll returned %d with budget %d\n",
				n->dev ? n->dev->name : "?", work, n->weight);
		}
		work = work < 0 ? 0 : n->weight;
	}
	return work;
}

/* The NET_RX softirq. The scheduled napis are taken off the shared list at once,
 * so hard IRQs can keep scheduling while they are polled. A napi that used its
 * whole weight has more to do: it goes to the tail and is polled again in turn
 * while budget and time last. What is left goes back in front of the napis
 * scheduled meanwhile, and NET_RX is raised again. */
static void net_rx_action(void)
{
	struct softnet_data *sd = this_softnet();
	uint64_t deadline = ktime_get_ns() + NET_RX_TIME_LIMIT_NS;
	int budget = NET_RX_BUDGET;
	struct list_head list;
	unsigned long flags;

	sd->stats.rx_action_runs++;
	list_init(&list);
	flags = local_irq_save();
	list_splice_front_init(&sd->poll_list, &list);
	local_irq_restore(flags);

	/* Bounded: each turn removes a napi or spends at least one unit of budget. */
	while (!list_empty(&list)) {
		struct napi_struct *n = list_first_entry(&list, struct napi_struct, poll_list);
		int work;

		list_del(&n->poll_list);
		work = napi_poll(sd, n);
		/* SCHED clear: the driver completed anyway. Listed: it completed and
		 * an interrupt scheduled it again already. DISABLE: napi_disable
		 * holds it. In every case not ours to poll again. */
		if (work >= n->weight &&
		    (READ_ONCE(n->state) & (1UL << NAPI_STATE_SCHED | 1UL << NAPI_STATE_DISABLE)) ==
		    (1UL << NAPI_STATE_SCHED) &&
		    list_empty(&n->poll_list))
			list_add_tail(&n->poll_list, &list);
		budget -= work;
		if (list_empty(&list))
			break;
		if (budget <= 0) {
			sd->stats.rx_budget_exhausted++;
			break;
		}
		if (ktime_get_ns() >= deadline) {
			sd->stats.rx_time_squeeze++;
			break;
		}
	}
	if (!list_empty(&list)) {
		flags = local_irq_save();
		list_splice_front_init(&list, &sd->poll_list);
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
		local_irq_restore(flags);
	}
}

/* ---- receive ----------------------------------------------------------------- */

void netif_receive_skb(struct sk_buff *skb)
{
	struct softnet_data *sd = this_softnet();
	struct net_device *dev;

	if (!skb)
		return;
	sd->stats.processed++;
	dev = skb->dev;
	if (unlikely(!dev)) {
		sd->stats.rx_dropped_nodev++;
		kfree_skb(skb);
		return;
	}
	if (unlikely(skb->len < ETH_HLEN)) {
		sd->stats.rx_dropped_runt++;
		kfree_skb(skb);
		return;
	}
	skb_reset_mac_header(skb);
	skb->network_header = (uint16_t)(skb->mac_header + ETH_HLEN);
	/* The ethertype stays in network order, as it is compared. */
	memcpy(&skb->protocol, skb->data + 2 * ETH_ALEN, sizeof(skb->protocol));

	/* The handler gets the whole frame (data at the MAC header) so a raw-frame
	 * app can send it back as it is. */
	if (dev->rx_handler && dev->rx_handler(skb))
		return;

	dev->rx_nohandler++;
	kfree_skb(skb);
}

/* ---- transmit ---------------------------------------------------------------- */

static struct netdev_queue *netdev_pick_tx(struct softnet_data *sd, struct net_device *dev,
					   struct sk_buff *skb)
{
	unsigned int n = MIN(MAX(dev->real_num_tx_queues, 1u), (unsigned int)MAX_TX_QUEUES);
	unsigned int q = 0;

	if (dev->netdev_ops->ndo_select_queue)
		q = dev->netdev_ops->ndo_select_queue(dev, skb);
	else if (n > 1)
		q = skb->hash % n;
	if (unlikely(q >= n)) {
		sd->stats.tx_bad_queue++;
		q = 0;
	}
	skb->queue_mapping = (uint16_t)q;
	return &dev->tx_queue[q];
}

/* Called with bottom halves disabled (dev_queue_xmit) or from a softirq: the
 * driver's ring is also worked on by its NAPI poll. */
netdev_tx_t dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev,
				struct netdev_queue *txq)
{
	if (unlikely(!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit)) {
		this_softnet()->stats.tx_dropped_down++;
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	skb->dev = dev;
	skb->queue_mapping = (uint16_t)txq->index;
	return dev->netdev_ops->ndo_start_xmit(skb, dev);
}

int dev_queue_xmit(struct sk_buff *skb)
{
	struct softnet_data *sd = this_softnet();
	struct net_device *dev;
	struct netdev_queue *txq;
	int rc = NET_XMIT_DROP;

	if (!skb)
		return NET_XMIT_DROP;
	local_bh_disable();
	dev = skb->dev;
	if (unlikely(!dev || !READ_ONCE(dev->up) || !dev->netdev_ops ||
		     !dev->netdev_ops->ndo_start_xmit)) {
		sd->stats.tx_dropped_down++;
		kfree_skb(skb);
		goto out;
	}
	txq = netdev_pick_tx(sd, dev, skb);
	if (netif_tx_queue_stopped(txq)) {
		sd->stats.tx_dropped_stopped++;
		kfree_skb(skb);
		goto out;
	}
	if (dev_hard_start_xmit(skb, dev, txq) == NETDEV_TX_BUSY) {
		sd->stats.tx_dropped_busy++;
		kfree_skb(skb);
		goto out;
	}
	rc = NET_XMIT_SUCCESS;
out:
	local_bh_enable();
	return rc;
}

/* ---- init and counters --------------------------------------------------------- */

/* NET_TX gets no handler until there is a qdisc to run from it: raising it
 * meanwhile (netif_tx_wake_queue) only counts. */
void net_dev_init(void)
{
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
}

void softnet_get_stats(struct softnet_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = this_softnet()->stats;
	local_irq_restore(flags);
}

void net_core_get_stats(struct net_core_stats *st)
{
	struct softnet_stats s;

	softnet_get_stats(&s);
	st->rx_action_runs = s.rx_action_runs;
	st->rx_budget_exhausted = s.rx_budget_exhausted;
	st->rx_time_squeeze = s.rx_time_squeeze;
	st->tx_dropped_stopped = s.tx_dropped_stopped;
}
