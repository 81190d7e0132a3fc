/* igb_open and igb_close (drivers/igb/igb_main.c) as ethtool -G uses them on a
 * running port, with the device and the interrupts behaving the way they do
 * under QEMU:
 *  - the port is probed for real (igb_init on one fake 82576 with a
 *    three-entry MSI-X table: the link vector and two queue pairs), so the
 *    net_device_ops are the driver's own;
 *  - TX completes inside the tail write (the model runs right after each send)
 *    and raises the queue's vector;
 *  - the stack has frames waiting in its qdisc, sent the moment the link check
 *    of an open wakes the queues; their completion interrupts arrive while
 *    igb_check_link still runs, and the NET_RX softirq polls at its exit;
 *  - RX writes frames where RDH points, only with RCTL.EN, RXDCTL.ENABLE and a
 *    buffer (RDH != RDT), and raises the queue's vector.
 * Every poll the model runs first checks that the rings of its vector are
 * configured: the panic of ethtool -G rx N was a poll refilling a ring that
 * the resize had just reallocated (its tail pointer still NULL), because
 * igb_open unmasked the vectors before it configured RX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "igb_fake.h"
#include "skb_arena.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/pci.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "net/skbuff.h"

#define NVEC 3			/* link + two queue pairs */
#define NQ (NVEC - 1)
#define BACKLOG 4		/* frames per queue the qdisc holds across an open */
#define MAX_CAPTURE 512

static struct pci_dev pdev;
static uint8_t *bar0;
static irq_handler_t msix_handler[NVEC];
static void *msix_data[NVEC];
static struct igb_adapter *ad;
static struct net_device *dev;

/* The model's state. */
static bool raised[NVEC];
static struct sk_buff *backlog[NQ][BACKLOG];
static unsigned int nbacklog[NQ];
static struct napi_struct *sched_list[NQ];
static unsigned int nsched;
static int bh_depth;
static unsigned int polls, polls_rctl_off, timer_arms;
static struct sk_buff *captured[MAX_CAPTURE];
static unsigned int ncaptured;

static uint32_t reg(uint32_t off) { return igb_rd32(&ad->hw, off); }
static void set_reg(uint32_t off, uint32_t v) { igb_wr32(&ad->hw, off, v); }

static void deliver(void);

/* ---- PCI and vectors ---- */

struct pci_dev *pci_find_id(const struct pci_device_id *ids, struct pci_dev *from,
			    const struct pci_device_id **match)
{
	if (from)
		return NULL;
	for (; ids->vendor; ids++) {
		if (ids->vendor == pdev.vendor && ids->device == pdev.device) {
			*match = ids;
			return &pdev;
		}
	}
	return NULL;
}

void pci_enable_device(struct pci_dev *d) { (void)d; }
void pci_set_master(struct pci_dev *d) { (void)d; }
void pci_intx_disable(struct pci_dev *d, bool disable) { (void)d; (void)disable; }
void pci_msix_disable(struct pci_dev *d) { (void)d; }

void *pci_iomap_bar(struct pci_dev *d, int bar)
{
	(void)d;
	return bar == 0 ? bar0 : NULL;
}

int pci_msix_enable(struct pci_dev *d, unsigned nvec)
{
	return nvec <= d->msix_table_size ? 0 : -1;
}

int pci_msix_set_vector(struct pci_dev *d, unsigned entry, irq_handler_t handler, void *data,
			const char *name)
{
	(void)d;
	(void)name;
	assert_true(entry < NVEC);
	msix_handler[entry] = handler;
	msix_data[entry] = data;
	return 0x40 + (int)entry;
}

int pci_enable_msi(struct pci_dev *d, irq_handler_t handler, void *data, const char *name)
{
	(void)d, (void)handler, (void)data, (void)name;
	fail_msg("MSI asked for although MSI-X was granted");
	return -1;
}

int irq_setup_gsi_level(unsigned gsi, irq_handler_t handler, void *data, const char *name)
{
	(void)gsi, (void)handler, (void)data, (void)name;
	fail_msg("INTx asked for although MSI-X was granted");
	return -1;
}

/* ---- what igb_hw.c does, as far as open and close need it ---- */

int igb_reset_hw(struct igb_adapter *a) { (void)a; return 0; }
void igb_init_filters(struct igb_adapter *a) { (void)a; }
void igb_setup_rss(struct igb_adapter *a) { (void)a; }
void igb_update_stats(struct igb_adapter *a) { (void)a; }

void igb_read_mac_addr(struct igb_adapter *a)
{
	static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	memcpy(a->netdev.dev_addr, mac, ETH_ALEN);
}

void igb_get_stats64(struct net_device *d, struct rtnl_link_stats64 *st)
{
	(void)d, (void)st;
	fail_msg("no test reads the stats");
}

/* As the real one: STATUS.LU decides, a change turns the carrier and wakes or
 * stops the queues. The console line it prints is where the interrupts of the
 * frames just sent landed in the panic: delivered here, interrupts on again. */
void igb_check_link(struct igb_adapter *a)
{
	unsigned long flags = local_irq_save();
	bool up = igb_rd32(&a->hw, IGB_STATUS) & IGB_STATUS_LU;

	if (up != a->link_up) {
		a->link_up = up;
		a->link_changes++;
		for (unsigned int q = 0; q < a->num_queues; q++) {
			if (up)
				netif_tx_wake_queue(netdev_get_tx_queue(&a->netdev, q));
			else
				netif_tx_stop_queue(netdev_get_tx_queue(&a->netdev, q));
		}
		a->netdev.carrier = up;
	}
	local_irq_restore(flags);
	deliver();
}

/* ---- the stack around the driver ---- */

int register_netdev(struct net_device *d)
{
	strcpy(d->name, "eth0");
	return 0;
}

void netif_carrier_on(struct net_device *d) { d->carrier = true; }
void netif_carrier_off(struct net_device *d) { d->carrier = false; }

void netif_tx_stop_queue(struct netdev_queue *q)
{
	q->state |= 1UL << __QUEUE_STATE_XOFF;
}

void netif_tx_wake_queue(struct netdev_queue *q)
{
	q->state &= ~(1UL << __QUEUE_STATE_XOFF);
}

void netif_receive_skb(struct sk_buff *skb)
{
	assert_true(ncaptured < MAX_CAPTURE);
	captured[ncaptured++] = skb;
}

void netif_napi_add(struct net_device *d, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight)
{
	napi->dev = d;
	napi->poll = poll;
	napi->weight = weight;
	napi->state = 0;
}

bool napi_schedule(struct napi_struct *napi)
{
	if (napi->state & (1UL << NAPI_STATE_SCHED))
		return false;
	napi->state |= 1UL << NAPI_STATE_SCHED;
	assert_true(nsched < NQ);
	sched_list[nsched++] = napi;
	return true;
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	(void)work_done;
	if (napi->state & (1UL << NAPI_STATE_DISABLE))
		return false;
	napi->state &= ~(1UL << NAPI_STATE_SCHED);
	return true;
}

void napi_disable(struct napi_struct *napi)
{
	for (unsigned int i = 0; i < nsched; i++) {
		if (sched_list[i] == napi) {
			sched_list[i] = sched_list[--nsched];
			break;
		}
	}
	napi->state |= 1UL << NAPI_STATE_SCHED | 1UL << NAPI_STATE_DISABLE;
}

void napi_enable(struct napi_struct *napi)
{
	if (napi->state & (1UL << NAPI_STATE_DISABLE))
		napi->state = 0;
}

void local_bh_disable(void) { bh_depth++; }

void local_bh_enable(void)
{
	assert_true(bh_depth > 0);
	if (--bh_depth == 0)
		deliver();
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
}

void timer_mod(struct timer_list *t, uint64_t expires)
{
	t->expires = expires;
	timer_arms++;
}

bool timer_del(struct timer_list *t) { (void)t; return false; }
void msleep(uint64_t ms) { (void)ms; }

/* ---- the device ---- */

static void *dma_ptr(uint32_t lo_reg, uint32_t hi_reg)
{
	return (void *)(uintptr_t)((uint64_t)reg(hi_reg) << 32 | reg(lo_reg));
}

/* QEMU inside a TDT write: every descriptor up to the tail done, head caught
 * up, the queue's vector raised (IVAR gives TX queue q vector q + 1). */
static void tx_process(unsigned int q)
{
	union igb_adv_tx_desc *ring = dma_ptr(IGB_TDBAL(q), IGB_TDBAH(q));
	uint32_t count = reg(IGB_TDLEN(q)) / 16, h = reg(IGB_TDH(q)), t = reg(IGB_TDT(q));

	if (!(reg(IGB_TCTL) & IGB_TCTL_EN) || !(reg(IGB_TXDCTL(q)) & IGB_XDCTL_ENABLE) ||
	    t >= count || h == t)
		return;
	for (uint32_t n = 0; n < count && h != t; n++, h = (h + 1) % count)
		ring[h].wb.status |= IGB_TXD_STAT_DD;
	set_reg(IGB_TDH(q), t);
	raised[q + 1] = true;
}

/* A frame on the wire for queue q: false when the device cannot take it
 * (QEMU then keeps it in the backend). */
static bool rx_frame(unsigned int q, uint16_t len)
{
	union igb_adv_rx_desc *ring = dma_ptr(IGB_RDBAL(q), IGB_RDBAH(q)), *d;
	uint32_t count = reg(IGB_RDLEN(q)) / 16, h = reg(IGB_RDH(q)), t = reg(IGB_RDT(q));
	uint8_t *buf;

	if (!(reg(IGB_RCTL) & IGB_RCTL_EN) || !(reg(IGB_RXDCTL(q)) & IGB_XDCTL_ENABLE) ||
	    t >= count || h == t)
		return false;
	d = &ring[h];
	buf = (uint8_t *)(uintptr_t)d->read.pkt_addr;
	memset(buf, 0xa0 + (int)q, len);
	d->wb.pkt_info = 0;
	d->wb.hdr_info = 0;
	d->wb.rss_or_csum = 0;
	d->wb.length = len;
	d->wb.vlan = 0;
	d->wb.status_error = IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP;
	set_reg(IGB_RDH(q), (h + 1) % count);
	raised[q + 1] = true;
	return true;
}

/* The stack's qdisc: what waits for queue q goes out once it runs. */
static void qdisc_run(unsigned int q)
{
	while (nbacklog[q] && !netif_tx_queue_stopped(netdev_get_tx_queue(dev, q))) {
		struct sk_buff *skb = backlog[q][0];

		memmove(&backlog[q][0], &backlog[q][1], --nbacklog[q] * sizeof(skb));
		skb->queue_mapping = (uint16_t)q;
		assert_int_equal(dev->netdev_ops->ndo_start_xmit(skb, dev), NETDEV_TX_OK);
		tx_process(q);
	}
}

/* A poll may only run on rings that are fully set up. */
static void check_rings(const struct igb_q_vector *v)
{
	const struct igb_ring *r = v->rx_ring, *t = v->tx_ring;

	if (!r->desc || !r->tail || r->tail != ad->hw.hw_addr + IGB_RDT(r->reg_idx) ||
	    !(reg(IGB_RXDCTL(r->reg_idx)) & IGB_XDCTL_ENABLE))
		fail_msg("igb_poll for queue %u before its RX ring was configured "
			 "(desc %p, tail %p)", r->queue_index, r->desc, (void *)r->tail);
	if (!t->desc || !t->tail)
		fail_msg("igb_poll for queue %u before its TX ring was configured",
			 t->queue_index);
}

/* Interrupts on, bottom halves on: NET_TX, then every raised vector's
 * handler, then NET_RX, as at an irq_exit. Bounded: every pass does work or
 * ends. */
static void deliver(void)
{
	if (irqs_disabled() || bh_depth)
		return;
	for (unsigned int pass = 0; pass < 64; pass++) {
		bool any = false;

		for (unsigned int q = 0; q < ad->num_queues; q++)
			qdisc_run(q);
		for (unsigned int v = 0; v < NVEC; v++) {
			if (raised[v] && msix_handler[v]) {
				raised[v] = false;
				any = true;
				msix_handler[v](msix_data[v]);
			}
		}
		while (nsched) {
			struct napi_struct *napi = sched_list[0];
			struct igb_q_vector *qv = container_of(napi, struct igb_q_vector, napi);
			int work;

			memmove(&sched_list[0], &sched_list[1], --nsched * sizeof(napi));
			check_rings(qv);
			polls++;
			polls_rctl_off += !(reg(IGB_RCTL) & IGB_RCTL_EN);
			work = napi->poll(napi, napi->weight);
			if (work >= napi->weight)
				sched_list[nsched++] = napi;
			any = true;
		}
		if (!any)
			return;
	}
	fail_msg("interrupts kept coming");
}

/* ---- fixture ---- */

static int setup(void **state)
{
	(void)state;
	memset(&pdev, 0, sizeof(pdev));
	pdev.vendor = 0x8086;
	pdev.device = 0x10c9;
	pdev.msix_table_size = NVEC;
	bar0 = calloc(1, 128u << 10);
	assert_non_null(bar0);
	memset(msix_handler, 0, sizeof(msix_handler));
	memset(raised, 0, sizeof(raised));
	memset(nbacklog, 0, sizeof(nbacklog));
	nsched = 0;
	bh_depth = 0;
	polls = polls_rctl_off = timer_arms = 0;
	ncaptured = 0;
	fake_jiffies = 1000;
	igb_adapter_count = 0;
	printk_capture_reset();

	igb_init();
	assert_int_equal(igb_adapter_count, 1);
	ad = igb_adapters[0];
	dev = &ad->netdev;
	/* The PHY has the link: QEMU keeps it up across a close. */
	set_reg(IGB_STATUS, IGB_STATUS_LU | IGB_STATUS_FD);
	assert_int_equal(dev->netdev_ops->ndo_open(dev), 0);
	dev->up = true;
	assert_int_equal(ad->num_queues, NQ);
	assert_true(dev->carrier);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (dev->up)
		assert_int_equal(dev->netdev_ops->ndo_stop(dev), 0);
	for (unsigned int q = 0; q < NQ; q++)
		for (unsigned int i = 0; i < nbacklog[q]; i++)
			kfree_skb(backlog[q][i]);
	for (unsigned int i = 0; i < ncaptured; i++)
		kfree_skb(captured[i]);
	igb_fake_rings_free(ad);
	assert_int_equal(kmem_cache_destroy(ad->rx_pool.priv), 0);
	kfree(ad);
	free(bar0);
	test_skb_assert_all_freed();
	test_arena_assert_all_returned();
	return 0;
}

/* ---- helpers ---- */

static struct sk_buff *frame(unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len);

	assert_non_null(skb);
	memset(skb_put(skb, len), 0x5a, len);
	return skb;
}

/* n frames sent on queue q; the device completes them at once. */
static void send(unsigned int q, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct sk_buff *skb = frame(60);

		skb->queue_mapping = (uint16_t)q;
		assert_int_equal(dev->netdev_ops->ndo_start_xmit(skb, dev), NETDEV_TX_OK);
		tx_process(q);
	}
}

/* Traffic as ethtool -G finds it: completions not yet reclaimed, frames
 * received and not yet polled on every queue, and a backlog in the qdisc
 * that goes out once the reopened port wakes its queues. */
static void traffic_in_flight(void)
{
	for (unsigned int q = 0; q < NQ; q++) {
		send(q, 3);
		for (unsigned int i = 0; i < 5; i++)
			assert_true(rx_frame(q, 60 + (uint16_t)i));
		for (unsigned int i = 0; i < BACKLOG; i++)
			backlog[q][nbacklog[q]++] = frame(100);
	}
}

static uint64_t rx_dropped(void)
{
	uint64_t n = 0;

	for (unsigned int q = 0; q < NQ; q++)
		n += ad->rx_ring[q].stats.rx_dropped;
	return n;
}

static int ethtool(const char *opt, const char *args)
{
	static char buf[128];
	char *argv[8];
	int argc = 0;

	strncpy(buf, args, sizeof(buf) - 1);
	for (char *t = strtok(buf, " "); t && argc < 8; t = strtok(NULL, " "))
		argv[argc++] = t;
	printk_capture_reset();
	return igb_ethtool_settings(ad, opt, argc, argv);
}

/* The port after an open: every ring of the new size, all but one RX buffer
 * posted, the receiver on, the polls live, the watchdog armed, and traffic
 * both ways on every queue. */
static void assert_port_works(uint16_t tx_count, uint16_t rx_count)
{
	unsigned int before = ncaptured;

	assert_true(reg(IGB_RCTL) & IGB_RCTL_EN);
	for (unsigned int q = 0; q < NQ; q++) {
		struct igb_ring *t = &ad->tx_ring[q], *r = &ad->rx_ring[q];

		assert_int_equal(t->count, tx_count);
		assert_int_equal(r->count, rx_count);
		assert_int_equal(reg(IGB_TDLEN(q)), tx_count * 16u);
		assert_int_equal(reg(IGB_RDLEN(q)), rx_count * 16u);
		assert_int_equal(reg(IGB_RDT(q)), MIN(rx_count - 1u, (unsigned int)IGB_RX_FILL_START));
		assert_false(netif_tx_queue_stopped(netdev_get_tx_queue(dev, q)));
		assert_int_equal(ad->q_vector[q].napi.state, 0);
	}
	for (unsigned int q = 0; q < NQ; q++) {
		send(q, 2);
		assert_true(rx_frame(q, 64));
	}
	deliver();
	assert_int_equal(ncaptured, before + NQ);
	for (unsigned int q = 0; q < NQ; q++) {
		const struct igb_ring *t = &ad->tx_ring[q];

		/* Reclaimed by the polls the interrupts started. */
		assert_int_equal(t->next_to_clean, t->next_to_use);
		assert_int_equal(captured[before + q]->queue_mapping, q);
	}
}

/* ---- tests ---- */

/* The panic: ethtool -G eth0 rx 512 on a running port. The backlog sent at
 * the link check completes at once, its interrupts poll every vector, and
 * those polls must find the new RX rings configured. */
static void test_resize_rx_under_traffic(void **state)
{
	static const uint16_t sizes[] = { 512, 1024, 64, 256 };

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		uint64_t dropped = rx_dropped();
		char args[32];

		traffic_in_flight();
		snprintf(args, sizeof(args), "rx %u", sizes[k]);
		polls = polls_rctl_off = 0;
		assert_int_equal(ethtool("-G", args), 0);
		/* The backlog went out at the link check and its completions were
		 * polled then, with the receiver still off (it comes last). */
		for (unsigned int q = 0; q < NQ; q++)
			assert_int_equal(nbacklog[q], 0);
		assert_true(polls >= NQ);
		assert_int_equal(polls_rctl_off, polls);
		/* The frames nobody polled before the close are counted. */
		assert_int_equal(rx_dropped() - dropped, 5 * NQ);
		assert_port_works(IGB_DEFAULT_TXD, sizes[k]);
	}
}

/* Both directions at once, and tx 64 alone (the qdisc test's setting): a TX
 * ring cut below what is in flight, under traffic. */
static void test_resize_tx_under_traffic(void **state)
{
	(void)state;
	traffic_in_flight();
	assert_int_equal(ethtool("-G", "rx 512 tx 128"), 0);
	assert_port_works(128, 512);

	traffic_in_flight();
	assert_int_equal(ethtool("-G", "tx 64"), 0);
	assert_port_works(64, 512);
	/* More than a ring's worth through the small ring: the polls reclaim as
	 * the device completes, so the queue never stays stopped. */
	for (unsigned int round = 0; round < 4; round++) {
		for (unsigned int q = 0; q < NQ; q++)
			send(q, 40);
		deliver();
	}
	for (unsigned int q = 0; q < NQ; q++) {
		assert_false(netif_tx_queue_stopped(netdev_get_tx_queue(dev, q)));
		assert_int_equal(ad->tx_ring[q].stats.tx_busy, 0);
	}
}

/* A close and an open with the ring memory kept (ip link set down / up): the
 * same order, the same checks on the polls. */
static void test_reopen_under_traffic(void **state)
{
	(void)state;
	for (unsigned int cycle = 0; cycle < 3; cycle++) {
		traffic_in_flight();
		polls = polls_rctl_off = 0;
		assert_int_equal(dev->netdev_ops->ndo_stop(dev), 0);
		assert_int_equal(dev->netdev_ops->ndo_open(dev), 0);
		assert_true(polls >= NQ);
		assert_int_equal(polls_rctl_off, polls);
		assert_port_works(IGB_DEFAULT_TXD, IGB_DEFAULT_RXD);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resize_rx_under_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_tx_under_traffic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_under_traffic, setup, teardown),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
