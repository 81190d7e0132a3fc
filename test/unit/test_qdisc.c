/* The transmit path through the qdiscs (net/sched/sch_generic.c and the
 * dev.c half), on eth0 of netdev_fixture.h: four TX queues, so an mq root
 * with a pfifo per queue, and a fake driver a test scripts. Packets are told
 * apart by their length, so the driver's log shows order and loss. Also the
 * queue pick by flow hash and socket, and the offload checks before the
 * qdisc. */
#include <errno.h>
#include <string.h>
#include "netdev_fixture.h"
#include "net/ip_hdr.h"
#include "net/sock.h"
#include "net/tcp_hdr.h"
#include "net/udp_hdr.h"

#define LEN0 100	/* first packet's length; the n-th is LEN0 + n */

/* A raw frame of len bytes for queue q of dev (hash q: hash % 4 == q). */
static struct sk_buff *pkt(struct net_device *dev, uint32_t len, uint32_t q)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len);
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, NET_SKB_PAD);
	p = skb_put(skb, len);
	memset(p, 0, len);
	p[12] = 0x88;
	p[13] = 0xb5;
	skb->dev = dev;
	skb->hash = q + 4;	/* non-zero: no flow hash computed */
	return skb;
}

static int send(uint32_t len, uint32_t q)
{
	return dev_queue_xmit(pkt(&fa.dev, len, q));
}

static struct netdev_queue *txq(unsigned int q)
{
	return netdev_get_tx_queue(&fa.dev, q);
}

static struct Qdisc *qd(unsigned int q)
{
	return txq(q)->qdisc;
}

/* The driver saw packets LEN0 + from .. LEN0 + to - 1, in order, from log[at]. */
static void assert_sent_in_order(unsigned int at, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++)
		assert_int_equal(fa.log[at + i - from].len, LEN0 + i);
}

/* Stops queue q and queues n packets on it (lengths LEN0 .. LEN0 + n - 1). */
static void backlog(unsigned int q, unsigned int n)
{
	netif_tx_stop_queue(txq(q));
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(send(LEN0 + i, q), NET_XMIT_SUCCESS);
	assert_int_equal(qdisc_qlen(qd(q)), n);
	assert_int_equal(fa.xmits, 0);
}

static int weight_saved;

static int setup(void **state)
{
	weight_saved = weight_p;
	return netdev_setup(state);
}

static int teardown(void **state)
{
	weight_p = weight_saved;
	return netdev_teardown(state);
}

/* ---- bypass and enqueue ----------------------------------------------------------- */

static void test_bypass_when_empty_and_idle(void **state)
{
	struct Qdisc *q = qd(0);
	uint64_t packets = q->bstats.packets, bytes = q->bstats.bytes;

	(void)state;
	assert_true(q->flags & TCQ_F_CAN_BYPASS);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(send(LEN0 + i, 0), NET_XMIT_SUCCESS);
	/* Straight to the driver in the caller's context: no NET_TX at all. */
	assert_int_equal(fa.xmits, 3);
	assert_sent_in_order(0, 0, 3);
	assert_int_equal(raised[NET_TX_SOFTIRQ], 0);
	assert_int_equal(delta().tx_bypass, 3);
	assert_int_equal(delta().tx_qdisc_caller + delta().tx_qdisc_net_tx, 0);
	assert_int_equal(q->bstats.packets, packets + 3);
	assert_int_equal(q->bstats.bytes, bytes + 3 * LEN0 + 3);
	assert_int_equal(qdisc_qlen(q), 0);
	/* The caller's xmit_more is kept on the bypass (raw senders batch). */
	struct sk_buff *skb = pkt(&fa.dev, LEN0, 0);
	skb->xmit_more = true;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	assert_true(fa.log[3].xmit_more);
}

/* Packets behind a stopped queue wait, in order, with their bytes counted;
 * the wake sends them from NET_TX as one batch (xmit_more on all but the
 * last). */
static void test_enqueue_then_wake_sends_batch(void **state)
{
	(void)state;
	backlog(1, 5);
	assert_int_equal(qd(1)->qstats.backlog, 5 * LEN0 + 10);
	/* The first found the queue stopped on the bypass: requeued, NET_TX. */
	assert_int_equal(delta().tx_sched[SCHED_REQUEUE], 1);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 0);

	netif_tx_wake_queue(txq(1));
	assert_int_equal(delta().tx_sched[SCHED_WAKE], 1);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 5);
	assert_sent_in_order(0, 0, 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(fa.log[i].queue, 1);
		assert_int_equal(fa.log[i].xmit_more, i < 4);
	}
	assert_int_equal(delta().tx_qdisc_net_tx, 5);
	assert_int_equal(qd(1)->qstats.backlog, 0);
	assert_int_equal(delta().tx_action_runs, 2);
}

/* An empty qdisc needs no run: a wake raises nothing. */
static void test_wake_empty_raises_nothing(void **state)
{
	(void)state;
	netif_tx_stop_queue(txq(2));
	netif_tx_wake_queue(txq(2));
	assert_false(net_tx_pending());
	assert_int_equal(delta().tx_sched[SCHED_WAKE], 0);
}

/* ---- quota ------------------------------------------------------------------------- */

/* net.core.dev_weight packets per run; then NET_TX is raised (again) and the
 * next run goes on, each run a batch of its own for the driver. */
static void test_quota_raises_net_tx(void **state)
{
	(void)state;
	weight_p = 4;
	backlog(0, 10);
	netif_tx_wake_queue(txq(0));
	run_net_tx();
	assert_int_equal(fa.xmits, 4);
	assert_true(net_tx_pending());
	assert_int_equal(delta().tx_sched[SCHED_QUOTA], 1);
	assert_int_equal(drain_net_tx(8), 2);
	assert_int_equal(fa.xmits, 10);
	assert_sent_in_order(0, 0, 10);
	/* Batches 4, 4, 2: the tail is written at the end of each. */
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(fa.log[i].xmit_more, i != 3 && i != 7 && i != 9);
	assert_int_equal(delta().tx_sched[SCHED_QUOTA], 2);
	assert_int_equal(delta().tx_qdisc_net_tx, 10);
}

/* A send that finds a backlog on a running queue runs the qdisc itself, in
 * its own context, up to the quota; NET_TX takes the rest. */
static void test_qdisc_run_in_caller_context(void **state)
{
	(void)state;
	weight_p = 4;
	backlog(3, 9);
	netif_tx_wake_queue(txq(3));	/* NET_TX raised, not yet run */
	assert_int_equal(send(LEN0 + 9, 3), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 4);
	assert_int_equal(delta().tx_qdisc_caller, 4);
	assert_int_equal(delta().tx_bypass, 0);
	assert_int_equal(drain_net_tx(8), 2);
	assert_int_equal(fa.xmits, 10);
	assert_sent_in_order(0, 0, 10);
	assert_int_equal(delta().tx_qdisc_net_tx, 6);
}

/* ---- BUSY, stop, limit ------------------------------------------------------------- */

/* BUSY: the packet goes back in front, nothing is lost, order is kept. */
static void test_busy_requeues_in_order(void **state)
{
	uint64_t requeues = qd(2)->qstats.requeues;

	(void)state;
	backlog(2, 5);
	fa.busy = 2;
	netif_tx_wake_queue(txq(2));
	run_net_tx();
	assert_int_equal(fa.refused, 1);
	assert_int_equal(fa.xmits, 0);
	assert_int_equal(qdisc_qlen(qd(2)), 5);
	assert_true(net_tx_pending());
	assert_int_equal(drain_net_tx(8), 2);
	assert_int_equal(fa.refused, 2);
	assert_int_equal(fa.xmits, 5);
	assert_sent_in_order(0, 0, 5);
	/* One on the stopped bypass, two BUSY. */
	assert_int_equal(qd(2)->qstats.requeues, requeues + 3);
	assert_int_equal(delta().tx_sched[SCHED_REQUEUE], 3);
	assert_int_equal(delta().tx_dropped_busy, 0);
	assert_int_equal(qd(2)->qstats.drops, 0);
}

/* The driver stops its queue on the packet that fills its ring: the run ends
 * there, and the rest waits for the wake. */
static void test_driver_stop_ends_run(void **state)
{
	(void)state;
	backlog(1, 6);
	fa.room = 2;
	netif_tx_wake_queue(txq(1));
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 2);
	assert_true(netif_tx_queue_stopped(txq(1)));
	assert_int_equal(qdisc_qlen(qd(1)), 4);
	fa.room = -1;
	netif_tx_wake_queue(txq(1));
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 6);
	assert_sent_in_order(0, 0, 6);
}

/* Over txqueuelen: dropped, counted in the qdisc (drops and overlimits) and
 * in softnet; the caller hears NET_XMIT_DROP. */
static void test_limit_drops_counted(void **state)
{
	struct Qdisc *q = qd(0);
	uint64_t drops = q->qstats.drops, over = q->qstats.overlimits;

	(void)state;
	assert_int_equal(dev_change_tx_queue_len(&fa.dev, 3), 0);
	assert_int_equal(q->limit, 3);
	netif_tx_stop_queue(txq(0));
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(send(LEN0 + i, 0), NET_XMIT_SUCCESS);
	assert_int_equal(send(LEN0 + 3, 0), NET_XMIT_DROP);
	assert_int_equal(send(LEN0 + 4, 0), NET_XMIT_DROP);
	assert_int_equal(q->qstats.drops, drops + 2);
	assert_int_equal(q->qstats.overlimits, over + 2);
	assert_int_equal(delta().tx_dropped_qdisc, 2);
	assert_int_equal(qdisc_qlen(q), 3);
	assert_int_equal(dev_change_tx_queue_len(&fa.dev, -1), -EINVAL);
	assert_int_equal(dev_change_tx_queue_len(&fa.dev, TX_QUEUE_LEN_MAX + 1), -EINVAL);
	assert_int_equal(dev_change_tx_queue_len(&fa.dev, DEFAULT_TX_QUEUE_LEN), 0);
	/* Still on the output queue from the requeue: the wake adds no run. */
	netif_tx_wake_queue(txq(0));
	assert_int_equal(delta().tx_sched[SCHED_WAKE], 0);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 3);
	assert_sent_in_order(0, 0, 3);
}

/* ---- re-entry ------------------------------------------------------------------------ */

static unsigned int reentries;

static void send_from_driver(struct fake_dev *f, struct sk_buff *skb)
{
	(void)f;
	if (skb->len == LEN0 && reentries++ == 0)
		assert_int_equal(send(LEN0 + 1, skb->queue_mapping), NET_XMIT_SUCCESS);
}

/* A send from below the driver finds the qdisc running: it is queued (not
 * sent inside the driver's own call) and still leaves. */
static void test_reentered_send_queued(void **state)
{
	(void)state;
	reentries = 0;
	fa.hook = send_from_driver;
	assert_int_equal(send(LEN0, 2), NET_XMIT_SUCCESS);
	fa.hook = NULL;
	assert_int_equal(fa.xmits, 2);
	assert_sent_in_order(0, 0, 2);
	assert_int_equal(delta().tx_sched[SCHED_BUSY], 1);
	/* The running caller sent it; NET_TX finds nothing left. */
	assert_int_equal(delta().tx_qdisc_caller, 1);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 2);
}

/* ---- mq, close ------------------------------------------------------------------------- */

static void test_mq_one_pfifo_per_queue(void **state)
{
	struct fake_dev *f = closable();
	struct gnet_stats_basic b;
	struct gnet_stats_queue qs;
	uint64_t before;

	(void)state;
	assert_ptr_equal(fa.dev.qdisc, &fa.dev.qdisc_mq);
	assert_ptr_equal(fa.dev.qdisc->ops, &mq_qdisc_ops);
	assert_int_equal(fa.dev.qdisc->parent, TC_H_ROOT);
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		if (i >= 4) {
			assert_null(txq(i)->qdisc);
			continue;
		}
		assert_ptr_equal(qd(i), &txq(i)->qdisc_pfifo);
		assert_ptr_equal(qd(i)->ops, &pfifo_qdisc_ops);
		assert_int_equal(qd(i)->parent, TC_H_MAKE(0, i + 1));
		assert_ptr_equal(qd(i)->dev_queue, txq(i));
		assert_int_equal(qd(i)->limit, DEFAULT_TX_QUEUE_LEN);
	}
	qdisc_get_stats(fa.dev.qdisc, &b, &qs);
	before = b.packets;
	/* A stopped queue holds its packets without holding up the others. */
	netif_tx_stop_queue(txq(3));
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(send(LEN0 + i, i % 4), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 6);
	assert_int_equal(qdisc_qlen(qd(3)), 2);
	qdisc_get_stats(fa.dev.qdisc, &b, &qs);
	assert_int_equal(b.packets, before + 6);
	assert_int_equal(qs.qlen, 2);
	assert_int_equal(qs.backlog, 2 * LEN0 + 3 + 7);
	netif_tx_wake_queue(txq(3));
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 8);

	/* One TX queue: the pfifo is the root. */
	assert_int_equal(dev_open(&f->dev), 0);
	assert_ptr_equal(f->dev.qdisc, &f->dev.tx_queue[0].qdisc_pfifo);
	assert_int_equal(f->dev.qdisc->parent, TC_H_ROOT);
	assert_int_equal(dev_close(&f->dev), 0);
}

/* Closing lets go of what the qdiscs hold (counted); the counters and the
 * qdiscs themselves stay for the next open. */
static void test_close_flushes_backlog(void **state)
{
	struct fake_dev *f = closable();
	struct netdev_queue *q0 = netdev_get_tx_queue(&f->dev, 0);
	struct Qdisc *q;

	(void)state;
	assert_int_equal(dev_open(&f->dev), 0);
	q = q0->qdisc;
	assert_int_equal(dev_queue_xmit(pkt(&f->dev, LEN0, 0)), NET_XMIT_SUCCESS);
	netif_tx_stop_queue(q0);
	for (unsigned int i = 1; i < 4; i++)
		assert_int_equal(dev_queue_xmit(pkt(&f->dev, LEN0 + i, 0)), NET_XMIT_SUCCESS);
	assert_int_equal(qdisc_qlen(q), 3);
	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(qdisc_qlen(q), 0);
	assert_null(q->gso_skb);
	assert_int_equal(delta().tx_dropped_flush, 3);
	/* NET_TX raised by the requeue finds nothing. */
	assert_int_equal(drain_net_tx(4), 1);
	netif_tx_wake_queue(q0);
	assert_int_equal(dev_open(&f->dev), 0);
	assert_ptr_equal(q0->qdisc, q);
	assert_int_equal(q->bstats.packets, 1);
	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(f->xmits, 1);
}

/* ---- queue pick ------------------------------------------------------------------------- */

/* An Ethernet + IPv4 + UDP frame; ip_extra bytes of options. */
static struct sk_buff *udp_pkt(be32 saddr, be32 daddr, uint16_t sport, uint16_t dport,
			       uint16_t frag_off, uint32_t ip_extra)
{
	uint32_t len = ETH_HLEN + IP_MIN_HLEN + ip_extra + 8 + 18;
	struct sk_buff *skb = pkt(&fa.dev, len, 0);
	struct iphdr *iph = (struct iphdr *)(skb->data + ETH_HLEN);
	uint8_t *l4 = skb->data + ETH_HLEN + IP_MIN_HLEN + ip_extra;
	be16 ports[2] = { htons(sport), htons(dport) };

	skb->hash = 0;
	skb->data[12] = 0x08;
	skb->data[13] = 0x00;
	iph->ihl_version = (uint8_t)(0x40 | (5 + ip_extra / 4));
	iph->protocol = IPPROTO_UDP;
	iph->frag_off = htons(frag_off);
	iph->saddr = saddr;
	iph->daddr = daddr;
	memcpy(l4, ports, sizeof(ports));
	return skb;
}

static uint32_t hash_of(struct sk_buff *skb)
{
	uint32_t h = skb_get_hash(skb);

	assert_int_equal(skb->hash, h);
	kfree_skb(skb);
	return h;
}

#define A HTONL_C(0x0a000002)
#define B HTONL_C(0x0a000001)

static void test_flow_hash_per_flow(void **state)
{
	uint32_t h = hash_of(udp_pkt(A, B, 40000, 7, 0, 0));
	struct sk_buff *skb;

	(void)state;
	assert_int_not_equal(h, 0);
	/* Stable for the flow, with or without IP options. */
	assert_int_equal(hash_of(udp_pkt(A, B, 40000, 7, 0, 0)), h);
	assert_int_equal(hash_of(udp_pkt(A, B, 40000, 7, 0, 8)), h);
	/* Each part of the 4-tuple counts. */
	assert_int_not_equal(hash_of(udp_pkt(A, B, 40001, 7, 0, 0)), h);
	assert_int_not_equal(hash_of(udp_pkt(A, B, 40000, 9, 0, 0)), h);
	assert_int_not_equal(hash_of(udp_pkt(B, A, 40000, 7, 0, 0)), h);
	/* Fragments hash without ports: every piece of a datagram together. */
	h = hash_of(udp_pkt(A, B, 1, 2, IP_MF, 0));
	assert_int_equal(hash_of(udp_pkt(A, B, 3, 4, 185, 0)), h);
	/* Nothing to hash: not IPv4, or cut short. */
	assert_int_equal(hash_of(pkt(&fa.dev, 60, 0) /* hash preset */), 4);
	skb = pkt(&fa.dev, 60, 0);
	skb->hash = 0;
	assert_int_equal(hash_of(skb), 0);
	skb = udp_pkt(A, B, 1, 2, 0, 0);
	skb_trim(skb, ETH_HLEN + IP_MIN_HLEN - 1);
	assert_int_equal(hash_of(skb), 0);
	skb = udp_pkt(A, B, 1, 2, 0, 0);
	skb->data[ETH_HLEN] = 0x4f;	/* 60-byte header, longer than the frame */
	assert_int_equal(hash_of(skb), 0);
}

/* The queue comes from the hash once, then from the socket. */
static void test_socket_remembers_queue(void **state)
{
	static struct sock sk, sk2;
	struct sk_buff *skb;
	uint32_t h;

	(void)state;
	sk.sk_tx_queue_mapping = -1;
	sk2.sk_tx_queue_mapping = -1;
	skb = udp_pkt(A, B, 40000, 7, 0, 0);
	skb->sk = &sk;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	h = fa.log[0].hash;
	assert_int_not_equal(h, 0);
	assert_int_equal(sk.sk_hash, h);
	assert_int_equal(sk.sk_tx_queue_mapping, (int)(h % 4));
	assert_int_equal(fa.log[0].queue, h % 4);

	/* A packet whose ports would hash elsewhere stays on the socket's queue. */
	for (uint16_t port = 1; port < 64; port++) {
		skb = udp_pkt(A, B, port, 7, 0, 0);
		skb->sk = &sk;
		assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
		assert_int_equal(fa.log[port].queue, h % 4);
	}
	/* The same flow from another socket: the same hash, so the same queue. */
	skb = udp_pkt(A, B, 40000, 7, 0, 0);
	skb->sk = &sk2;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	assert_int_equal(sk2.sk_hash, h);
	assert_int_equal(sk2.sk_tx_queue_mapping, sk.sk_tx_queue_mapping);
	/* A remembered queue past the real ones is picked afresh. */
	sk2.sk_tx_queue_mapping = 7;
	skb = udp_pkt(A, B, 40000, 7, 0, 0);
	skb->sk = &sk2;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	assert_int_equal(sk2.sk_tx_queue_mapping, (int)(h % 4));
	assert_int_equal(delta().tx_bad_queue, 0);
}

/* ---- offload checks ---------------------------------------------------------------------- */

/* No NETIF_F_IP_CSUM (the fakes have no features): the checksum is done in
 * software before the qdisc; offsets outside the packet drop it, counted.
 * A GSO packet without TSO is cut in software (net/core/gso.c, where the
 * segments are checked field by field): here, that its segments go down in
 * order as packets of their own, one batch to the driver, and that one it
 * cannot cut is dropped and counted. */
static struct sk_buff *tso_pkt(uint32_t payload)
{
	uint32_t l4 = ETH_HLEN + IP_MIN_HLEN, len = l4 + TCP_MIN_HLEN + payload;
	struct sk_buff *skb = pkt(&fa.dev, len, 0);
	struct iphdr *iph = (struct iphdr *)(skb->data + ETH_HLEN);
	struct tcphdr *th = (struct tcphdr *)(skb->data + l4);

	skb->data[12] = 0x08;
	skb->data[13] = 0x00;
	iph->ihl_version = 0x45;
	iph->tot_len = htons((uint16_t)(len - ETH_HLEN));
	iph->protocol = IPPROTO_TCP;
	iph->saddr = A;
	iph->daddr = B;
	th->doff_res = 5 << 4;
	th->flags = TCPHDR_ACK | TCPHDR_PSH;
	skb->gso_size = 1448;
	skb->gso_type = SKB_GSO_TCPV4;
	return skb;
}

static void test_validate_offloads(void **state)
{
	struct sk_buff *skb = udp_pkt(A, B, 1, 2, 0, 0);
	uint32_t l4 = ETH_HLEN + IP_MIN_HLEN;
	struct udphdr *uh = (struct udphdr *)(skb->data + l4);

	(void)state;
	uh->check = 0;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (uint16_t)(skb_headroom(skb) + l4);
	skb->csum_offset = 6;
	skb = skb_get(skb);	/* keep it to look at after the driver frees its reference */
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 1);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	assert_int_not_equal(uh->check, 0);
	kfree_skb(skb);

	skb = udp_pkt(A, B, 1, 2, 0, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (uint16_t)(skb_headroom(skb) + skb->len);
	skb->csum_offset = 6;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_csum, 1);

	/* 3000 bytes at MSS 1448: 1448, 1448, 104 of payload, on the bypass,
	 * xmit_more on all but the last. */
	assert_int_equal(dev_queue_xmit(tso_pkt(3000)), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 4);
	assert_int_equal(delta().tx_bypass, 4);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(fa.log[1 + i].len, l4 + TCP_MIN_HLEN + (i < 2 ? 1448 : 104));
		assert_int_equal(fa.log[1 + i].xmit_more, i < 2);
		assert_int_equal(fa.log[1 + i].queue, fa.log[1].queue);
	}
	/* A ring with room for one: the driver stops the queue after the
	 * first segment, the others wait in the qdisc, in order, and the wake
	 * sends them from NET_TX. */
	fa.room = 1;
	assert_int_equal(dev_queue_xmit(tso_pkt(3000)), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 5);
	assert_int_equal(qdisc_qlen(qd(fa.log[4].queue)), 2);
	fa.room = -1;
	netif_tx_wake_queue(txq(fa.log[4].queue));
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 7);
	assert_int_equal(fa.log[5].len, l4 + TCP_MIN_HLEN + 1448);
	assert_int_equal(fa.log[6].len, l4 + TCP_MIN_HLEN + 104);
	assert_false(fa.log[6].xmit_more);
	assert_int_equal(delta().tx_dropped_gso, 0);
	/* Not TCP: nothing to cut it by. */
	skb = udp_pkt(A, B, 1, 2, 0, 0);
	skb->gso_size = 1448;
	skb->gso_type = SKB_GSO_TCPV4;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_gso, 1);
	fa.dev.features = NETIF_F_TSO | NETIF_F_IP_CSUM;
	skb = udp_pkt(A, B, 1, 2, 0, 0);
	skb->gso_size = 1448;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = 0;	/* the device fills it: not looked at */
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_SUCCESS);
	fa.dev.features = 0;
	assert_int_equal(fa.xmits, 8);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bypass_when_empty_and_idle),
		T(test_enqueue_then_wake_sends_batch),
		T(test_wake_empty_raises_nothing),
		T(test_quota_raises_net_tx),
		T(test_qdisc_run_in_caller_context),
		T(test_busy_requeues_in_order),
		T(test_driver_stop_ends_run),
		T(test_limit_drops_counted),
		T(test_reentered_send_queued),
		T(test_mq_one_pfifo_per_queue),
		T(test_close_flushes_backlog),
		T(test_flow_hash_per_flow),
		T(test_socket_remembers_queue),
		T(test_validate_offloads),
	};
	return cmocka_run_group_tests(tests, netdev_group_setup, test_skb_arena_group_teardown);
}
