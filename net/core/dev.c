/* The device layer: the netdev list, open and close, TX queue state, NAPI
 * and the NET_RX softirq, receive dispatch (rx_handler, eth_type_trans, the
 * packet_type table) and the transmit path down to the driver:
 *
 *   dev_queue_xmit -> netdev_pick_tx -> validate_xmit_skb -> __dev_xmit_skb
 *     -> bypass: sch_direct_xmit                 (net/sched/sch_generic.c)
 *     -> enqueue, __qdisc_run -> qdisc_restart -> sch_direct_xmit
 *          -> dev_hard_start_xmit -> ndo_start_xmit
 *   quota spent / requeue / queue woken -> __netif_schedule -> NET_TX
 *     -> net_tx_action -> __qdisc_run
 *
 * Contexts. napi_schedule runs in hard IRQ; net_rx_action, the NAPI polls and
 * netif_receive_skb in the NET_RX softirq; dev_queue_xmit in process context
 * or a softirq (a reply sent from a receive handler), with bottom halves
 * disabled throughout. Everything that changes per packet sits in one
 * per-CPU softnet_data (net/netdevice.h). The device list and the packet
 * types change only at boot, before any traffic. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "net/netdevice.h"
#include "net/gso.h"
#include "net/ip_hdr.h"
#include "net/sock.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/trace.h"

struct softnet_data softnet_data[1] = {
	{
		.poll_list = LIST_HEAD_INIT(softnet_data[0].poll_list),
		.output_queue_tailp = &softnet_data[0].output_queue,
	},
};

int weight_p = 64;
SYSCTL_INT("net.core.dev_weight", weight_p, 1, 65536);

static struct list_head netdev_list = LIST_HEAD_INIT(netdev_list);
static int netdev_count;

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
	/* Ethernet's limits unless the driver set its own (Linux's ether_setup). */
	if (dev->min_mtu == 0)
		dev->min_mtu = ETH_MIN_MTU;
	if (dev->max_mtu == 0)
		dev->max_mtu = ETH_DATA_LEN;
	if (dev->tx_queue_len == 0)
		dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
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

/* The qdiscs go on after the driver opened, since only then does it know
 * how many TX queues it runs (igb sets real_num_tx_queues at first open). */
int dev_open(struct net_device *dev)
{
	if (!dev)
		return -1;
	if (dev->up)
		return 0;
	/* Bottom halves stay off until the device is up: frames the NIC
	 * delivers the moment its receiver is on (QEMU hands over what it held)
	 * are then processed, and answered, by a device that is up, not dropped
	 * as sent to one still down. ndo_open must not sleep. */
	local_bh_disable();
	if (dev->netdev_ops && dev->netdev_ops->ndo_open) {
		int err = dev->netdev_ops->ndo_open(dev);

		if (err) {
			local_bh_enable();
			return err;
		}
	}
	dev_activate(dev);
	WRITE_ONCE(dev->up, true);
	local_bh_enable();
	call_netdevice_notifiers(NETDEV_UP, dev);
	return 0;
}

/* Down first, so nothing new is queued; then what the qdiscs still hold is
 * let go before the driver frees its rings. */
int dev_close(struct net_device *dev)
{
	int err = 0;

	if (!dev)
		return -1;
	if (!dev->up)
		return 0;
	WRITE_ONCE(dev->up, false);
	dev_deactivate(dev);
	if (dev->netdev_ops && dev->netdev_ops->ndo_stop)
		err = dev->netdev_ops->ndo_stop(dev);
	call_netdevice_notifiers(NETDEV_DOWN, dev);
	return err;
}

int dev_set_mtu(struct net_device *dev, int mtu)
{
	if (mtu < (int)dev->min_mtu || mtu > (int)dev->max_mtu)
		return -EINVAL;
	if ((uint32_t)mtu == dev->mtu)
		return 0;
	WRITE_ONCE(dev->mtu, (uint32_t)mtu);
	call_netdevice_notifiers(NETDEV_CHANGEMTU, dev);
	return 0;
}

int dev_change_tx_queue_len(struct net_device *dev, long len)
{
	if (len < 0 || len > TX_QUEUE_LEN_MAX)
		return -EINVAL;
	WRITE_ONCE(dev->tx_queue_len, (uint32_t)len);
	dev_qdisc_change_tx_queue_len(dev);
	return 0;
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

/* As in Linux: packets the qdisc held back while the ring was full go out
 * from NET_TX, not from the driver's poll. An empty qdisc needs no run, so
 * a ring that fills and drains under bypass traffic raises nothing. */
void netif_tx_wake_queue(struct netdev_queue *q)
{
	unsigned long flags = local_irq_save();

	if (q->state & (1UL << __QUEUE_STATE_XOFF)) {
		struct Qdisc *qd = q->qdisc;

		q->state &= ~(1UL << __QUEUE_STATE_XOFF);
		q->wakes++;
		if (qd && qdisc_qlen(qd))
			__netif_schedule(qd, SCHED_WAKE);
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
	TRACE_FUNC_CTX(TP_napi_schedule);
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

/* The cause bits of one poll: bit 0 received frames, bit 1 TX completions,
 * so that enum napi_cause is the bits themselves. */
static unsigned int napi_poll_cause(const struct napi_struct *n)
{
	return (n->last_rx ? NAPI_CAUSE_RX : 0) | (n->last_tx_done ? NAPI_CAUSE_TX : 0);
}

static int napi_poll(struct softnet_data *sd, struct napi_struct *n, unsigned int *cause)
{
	static bool warned;
	unsigned int did;
	int work;

	if (unlikely(!n->poll)) {
		unsigned long flags = local_irq_save();

		n->state &= ~(1UL << NAPI_STATE_SCHED);
		local_irq_restore(flags);
		sd->stats.poll_bugs++;
		return 0;
	}
	n->polls++;
	n->last_rx = 0;
	n->last_tx_done = 0;
	work = n->poll(n, n->weight);
	did = napi_poll_cause(n);
	sd->stats.rx_polls_by[did]++;
	*cause |= did;
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

static struct net_rx_flush *net_rx_flushes;

void net_rx_flush_register(struct net_rx_flush *f)
{
	f->next = net_rx_flushes;
	net_rx_flushes = f;
}

static void net_rx_flush_run(void)
{
	for (struct net_rx_flush *f = net_rx_flushes; f; f = f->next)
		f->fn();
}

/* The NET_RX softirq. The scheduled napis are taken off the shared list at once,
 * so hard IRQs can keep scheduling while they are polled. A napi that used its
 * whole weight has more to do: it goes to the tail and is polled again in turn
 * while budget and time last. What is left goes back in front of the napis
 * scheduled meanwhile, and NET_RX is raised again. */
static void net_rx_action(void)
{
	TRACE_FUNC_CTX(TP_net_rx_action);
	struct softnet_data *sd = this_softnet();
	uint64_t deadline = ktime_get_ns() + NET_RX_TIME_LIMIT_NS;
	int budget = NET_RX_BUDGET;
	struct list_head list;
	unsigned int cause = NAPI_CAUSE_NONE;
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
		work = napi_poll(sd, n, &cause);
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
	sd->stats.rx_runs_by[cause]++;
	net_rx_flush_run();
	if (!list_empty(&list)) {
		flags = local_irq_save();
		list_splice_front_init(&list, &sd->poll_list);
		raise_softirq_irqoff(NET_RX_SOFTIRQ);
		local_irq_restore(flags);
	}
}

/* ---- receive ----------------------------------------------------------------- */

/* Linux's ptype_base: handlers by ethertype. Filled at boot only. */
#define PTYPE_HASH_SIZE 16
static struct packet_type *ptype_base[PTYPE_HASH_SIZE];

static unsigned int ptype_hash(be16 type)
{
	return ntohs(type) & (PTYPE_HASH_SIZE - 1);
}

void dev_add_pack(struct packet_type *pt)
{
	struct packet_type **pp = &ptype_base[ptype_hash(pt->type)];

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->type == pt->type) {
			pr_warn("net: ethertype %#06x has a handler already; another refused\n",
				ntohs(pt->type));
			return;
		}
	}
	pt->next = NULL;
	*pp = pt;
}

/* Bounded: a bucket holds the few types registered at boot. */
static struct packet_type *ptype_lookup(be16 type)
{
	for (struct packet_type *pt = ptype_base[ptype_hash(type)]; pt; pt = pt->next)
		if (pt->type == type)
			return pt;
	return NULL;
}

static void drop_counted(struct sk_buff *skb, uint64_t *counter)
{
	(*counter)++;
	kfree_skb(skb);
}

void netif_receive_skb(struct sk_buff *skb)
{
	struct softnet_data *sd = this_softnet();
	struct packet_type *pt;
	struct net_device *dev;

	if (!skb)
		return;
	sd->stats.processed++;
	dev = skb->dev;
	if (unlikely(!dev))
		return drop_counted(skb, &sd->stats.rx_dropped_nodev);
	if (unlikely(skb->len < ETH_HLEN))
		return drop_counted(skb, &sd->stats.rx_dropped_runt);
	skb_reset_mac_header(skb);
	skb->network_header = (uint16_t)(skb->mac_header + ETH_HLEN);
	/* The ethertype stays in network order, as it is compared. Built in:
	 * a freestanding memcpy is a call into newlib's. */
	__builtin_memcpy(&skb->protocol, skb->data + 2 * ETH_ALEN, sizeof(skb->protocol));

	/* First the device's handler, with the whole frame (data at the MAC
	 * header), so a raw-frame app can send it back as it is. */
	if (dev->rx_handler && dev->rx_handler(skb))
		return;

	eth_type_trans(skb, dev);
	if (unlikely(skb->protocol == HTONS_C(ETH_P_8021Q) ||
		     skb->protocol == HTONS_C(ETH_P_8021AD)))
		return drop_counted(skb, &sd->stats.rx_dropped_vlan);
	/* Seen only in promiscuous mode or with a stale filter: not ours. */
	if (unlikely(skb->pkt_type == PACKET_OTHERHOST))
		return drop_counted(skb, &sd->stats.rx_dropped_otherhost);
	pt = ptype_lookup(skb->protocol);
	if (likely(pt)) {
		pt->func(skb);
		return;
	}
	dev->rx_nohandler++;
	drop_counted(skb, &sd->stats.rx_nohandler);
}

/* ---- transmit: queue pick -------------------------------------------------------- */

/* The flow hash of locally built packets (RX packets carry the NIC's RSS
 * hash). Keyed at boot so flows cannot be steered onto one queue from
 * outside; multiply-xorshift rounds, each invertible, so distinct 4-tuples
 * only collide in the final 32-bit cut. */
static uint64_t flow_key[2];

static uint32_t flow_hash(be32 saddr, be32 daddr, uint32_t ports, uint8_t proto)
{
	uint64_t a = ((uint64_t)saddr << 32 | daddr) ^ flow_key[0];
	uint64_t b = ((uint64_t)ports << 8 | proto) ^ flow_key[1];
	uint32_t h;

	a = (a ^ (a >> 31)) * 0x9e3779b97f4a7c15ULL;
	b = (b + a) ^ ((b + a) >> 29);
	b *= 0xbf58476d1ce4e5b9ULL;
	h = (uint32_t)(b ^ (b >> 32));
	return h ? h : 1;	/* 0 means "not computed" */
}

/* Every read is checked against skb->len first: a reflected frame may be
 * anything. Fragments hash without ports, so all of a datagram's pieces
 * take one queue and stay in order. */
uint32_t skb_get_hash(struct sk_buff *skb)
{
	const uint8_t *p = skb->data;
	const struct iphdr *iph = (const struct iphdr *)(p + ETH_HLEN);
	uint32_t ports = 0, ihl;

	if (skb->hash)
		return skb->hash;
	if (skb->len < ETH_HLEN + IP_MIN_HLEN ||
	    ((const struct ethhdr *)p)->h_proto != HTONS_C(ETH_P_IP) || ip_version(iph) != 4)
		return 0;
	ihl = ip_hdrlen(iph);
	if (ihl < IP_MIN_HLEN || skb->len < ETH_HLEN + ihl)
		return 0;
	if ((iph->protocol == IPPROTO_TCP || iph->protocol == IPPROTO_UDP) &&
	    !(ntohs(iph->frag_off) & (IP_MF | IP_OFFMASK)) && skb->len >= ETH_HLEN + ihl + 4)
		memcpy(&ports, p + ETH_HLEN + ihl, sizeof(ports));
	skb->hash = flow_hash(iph->saddr, iph->daddr, ports, iph->protocol);
	if (skb->sk)
		skb->sk->sk_hash = skb->hash;
	return skb->hash;
}

/* A socket keeps the queue its first packet got, so its packets never
 * reorder across queues and the hash is computed once. */
struct netdev_queue *netdev_pick_tx(struct net_device *dev, struct sk_buff *skb)
{
	unsigned int n = MIN(MAX(dev->real_num_tx_queues, 1u), (unsigned int)MAX_TX_QUEUES);
	struct sock *sk = skb->sk;
	unsigned int q = 0;

	if (dev->netdev_ops->ndo_select_queue) {
		q = dev->netdev_ops->ndo_select_queue(dev, skb);
	} else if (n > 1) {
		if (sk && sk->sk_tx_queue_mapping >= 0 && (unsigned int)sk->sk_tx_queue_mapping < n) {
			q = (unsigned int)sk->sk_tx_queue_mapping;
		} else {
			if (!skb->hash && sk && sk->sk_hash)
				skb->hash = sk->sk_hash;
			q = skb_get_hash(skb) % n;
			if (sk)
				sk->sk_tx_queue_mapping = (int)q;
		}
	}
	if (unlikely(q >= n)) {
		this_softnet()->stats.tx_bad_queue++;
		q = 0;
	}
	skb->queue_mapping = (uint16_t)q;
	return &dev->tx_queue[q];
}

/* ---- transmit: down to the driver ------------------------------------------------ */

/* What the device cannot do is done here or refused: a GSO packet for a
 * device without TSO is cut into segments in software (net/core/gso.c,
 * which reads frags itself),
 * which come back as a ->next chain with their checksums already left to
 * what the device can do; a checksum left partial is completed in software.
 * What cannot be done is dropped and counted. */
static struct sk_buff *validate_xmit_skb(struct sk_buff *skb, struct net_device *dev)
{
	struct softnet_data *sd = this_softnet();

	if (unlikely(skb->gso_size && !(dev->features & NETIF_F_TSO))) {
		skb = skb_gso_segment(skb, dev->features);
		if (!skb)
			sd->stats.tx_dropped_gso++;
		return skb;
	}
	/* Frags for a device that maps one buffer per packet (or has SG
	 * switched off): gathered here, and a zero-copy sender told so. */
	if (skb_is_nonlinear(skb) && !(dev->features & NETIF_F_SG) && skb_linearize(skb)) {
		drop_counted(skb, &sd->stats.tx_dropped_linearize);
		return NULL;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && !(dev->features & NETIF_F_IP_CSUM) &&
	    skb_checksum_help(skb)) {
		drop_counted(skb, &sd->stats.tx_dropped_csum);
		return NULL;
	}
	return skb;
}

/* Called with bottom halves disabled (dev_queue_xmit) or from a softirq: the
 * driver's ring is also worked on by its NAPI poll. */
netdev_tx_t dev_hard_start_xmit(struct sk_buff *skb, struct net_device *dev,
				struct netdev_queue *txq)
{
	TRACE_FUNC(TP_dev_hard_start_xmit, skb);
	if (unlikely(!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit)) {
		drop_counted(skb, &this_softnet()->stats.tx_dropped_down);
		return NETDEV_TX_OK;
	}
	skb->dev = dev;
	skb->queue_mapping = (uint16_t)txq->index;
	return dev->netdev_ops->ndo_start_xmit(skb, dev);
}

/* An empty, idle qdisc is skipped: the packet goes to the driver in the
 * caller's context, the common case on a box that is not saturated. The
 * caller's xmit_more is kept there (raw senders batch their own); a qdisc
 * run sets it itself. Re-entered while the qdisc runs (from below the
 * driver), the packet joins the queue and NET_TX makes sure it leaves. */
static int __dev_xmit_skb(struct sk_buff *skb, struct Qdisc *q, struct net_device *dev,
			  struct netdev_queue *txq)
{
	TRACE_FUNC(TP___dev_xmit_skb, skb);
	int rc = NET_XMIT_SUCCESS;

	if (unlikely(q->running)) {
		rc = q->ops->enqueue(skb, q);
		if (rc == NET_XMIT_SUCCESS)
			__netif_schedule(q, SCHED_BUSY);
		return rc;
	}
	q->running = true;
	if ((q->flags & TCQ_F_CAN_BYPASS) && !qdisc_qlen(q)) {
		if (sch_bypass_xmit(skb, q, dev, txq))
			__qdisc_run(q);
	} else {
		rc = q->ops->enqueue(skb, q);
		__qdisc_run(q);
	}
	q->running = false;
	return rc;
}

/* Without a qdisc (a device never opened through dev_open): straight to the
 * driver, and what it cannot take is dropped, as Linux's noqueue does. */
static int xmit_noqueue(struct softnet_data *sd, struct sk_buff *skb, struct net_device *dev,
			struct netdev_queue *txq)
{
	if (netif_tx_queue_stopped(txq)) {
		drop_counted(skb, &sd->stats.tx_dropped_stopped);
		return NET_XMIT_DROP;
	}
	if (dev_hard_start_xmit(skb, dev, txq) == NETDEV_TX_BUSY) {
		drop_counted(skb, &sd->stats.tx_dropped_busy);
		return NET_XMIT_DROP;
	}
	sd->stats.tx_noqueue++;
	return NET_XMIT_SUCCESS;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	TRACE_FUNC(TP_dev_queue_xmit, skb);
	struct softnet_data *sd = this_softnet();
	struct net_device *dev;
	struct netdev_queue *txq;
	struct Qdisc *q;
	int rc = NET_XMIT_DROP;

	if (!skb)
		return NET_XMIT_DROP;
	local_bh_disable();
	dev = skb->dev;
	if (unlikely(!dev || !READ_ONCE(dev->up) || !dev->netdev_ops ||
		     !dev->netdev_ops->ndo_start_xmit)) {
		drop_counted(skb, &sd->stats.tx_dropped_down);
		goto out;
	}
	txq = netdev_pick_tx(dev, skb);
	skb = validate_xmit_skb(skb, dev);
	if (!skb)
		goto out;
	q = txq->qdisc;
	/* One packet, or the segments of one in order (bounded: the chain is
	 * finite and each turn takes one off it). Segments are packets of
	 * their own to the qdisc; sent straight on, all but the last say
	 * xmit_more, so the driver writes its tail once for the batch. */
	rc = NET_XMIT_SUCCESS;
	while (skb) {
		struct sk_buff *next = skb->next;
		int one;

		if (next) {
			skb->next = NULL;
			skb->xmit_more = true;
		}
		one = q ? __dev_xmit_skb(skb, q, dev, txq) : xmit_noqueue(sd, skb, dev, txq);
		if (rc == NET_XMIT_SUCCESS)
			rc = one;
		skb = next;
	}
out:
	local_bh_enable();
	return rc;
}

/* The output queue is shared with hard IRQ (a wake from the link interrupt),
 * hence interrupts off; its counters are then safe from every writer. */
void __netif_schedule(struct Qdisc *q, enum netif_sched_reason why)
{
	struct softnet_data *sd = this_softnet();
	unsigned long flags = local_irq_save();

	if (!(q->state & (1UL << __QDISC_STATE_SCHED))) {
		q->state |= 1UL << __QDISC_STATE_SCHED;
		q->next_sched = NULL;
		*sd->output_queue_tailp = q;
		sd->output_queue_tailp = &q->next_sched;
		sd->stats.tx_sched[why]++;
		sd->tx_sched_why |= 1U << why;
		raise_softirq_irqoff(NET_TX_SOFTIRQ);
	}
	local_irq_restore(flags);
}

/* The NET_TX softirq: held-back notifier events, then every qdisc on the
 * output queue, taken whole at entry so a qdisc rescheduled by its own run
 * (quota) waits for the next pass and the others get their turn. A qdisc's
 * SCHED bit is cleared before it runs, so a wake during the run queues it
 * again. No run can be in progress here: runs happen with bottom halves
 * disabled or inside this handler. */
static void net_tx_action(void)
{
	TRACE_FUNC_CTX(TP_net_tx_action);
	struct softnet_data *sd = this_softnet();
	struct Qdisc *head;
	unsigned long flags;
	uint32_t why;

	sd->stats.tx_action_runs++;
	linkwatch_run_queue();
	flags = local_irq_save();
	head = sd->output_queue;
	sd->output_queue = NULL;
	sd->output_queue_tailp = &sd->output_queue;
	why = sd->tx_sched_why;
	sd->tx_sched_why = 0;
	local_irq_restore(flags);
	if (!why)
		sd->stats.tx_runs_by[SCHED_REASONS]++;
	for (unsigned int r = 0; r < SCHED_REASONS; r++)
		if (why & (1U << r))
			sd->stats.tx_runs_by[r]++;

	sd->in_net_tx = true;
	while (head) {
		struct Qdisc *q = head;

		flags = local_irq_save();
		head = q->next_sched;
		q->next_sched = NULL;
		q->state &= ~(1UL << __QDISC_STATE_SCHED);
		local_irq_restore(flags);
		q->running = true;
		__qdisc_run(q);
		q->running = false;
	}
	sd->in_net_tx = false;
}

/* ---- init and counters --------------------------------------------------------- */

void net_dev_init(void)
{
	uint64_t seed = rdtsc();

	/* Any boot-to-boot difference will do: the key only has to be unknown
	 * from outside, and the TSC at this point depends on firmware timing. */
	flow_key[0] = (seed ^ 0x6a09e667f3bcc908ULL) * 0x9e3779b97f4a7c15ULL;
	flow_key[1] = (seed ^ (seed >> 29)) * 0xbf58476d1ce4e5b9ULL;
	open_softirq(NET_RX_SOFTIRQ, net_rx_action);
	open_softirq(NET_TX_SOFTIRQ, net_tx_action);
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
