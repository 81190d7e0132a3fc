/* What the device-layer tests share: net/dev.c and the qdiscs against a fake
 * softirq core, a fake clock and fake drivers whose ndo_start_xmit a test
 * scripts (BUSY answers, a ring that stops the queue when full) and which log
 * what they were given.
 *
 * The device list and the skb caches live as long as the process: eth0 (fa:
 * four queues picked by hash, up, carrier, so an mq of four pfifos) and eth1
 * (fb: a select op, two of four queues real, never opened, so no qdisc) are
 * registered once by netdev_group_setup, and netdev_teardown checks that each
 * test gave back every skb it took, emptied the qdiscs of eth0 and left no
 * softirq pending. */
#ifndef RINGOS_TEST_NETDEV_FIXTURE_H
#define RINGOS_TEST_NETDEV_FIXTURE_H

#include "host_support.h"
#include "kernel/softirq.h"
#include "net/netdevice.h"
#include "skb_arena.h"

#define FAKE_LOG 256

/* One packet as the fake driver took it. */
struct xmit_rec {
	uint32_t len;			/* tests tell their packets apart by length */
	uint16_t queue;
	bool xmit_more;
	uint32_t hash;
};

struct fake_dev {
	struct net_device dev;
	int opens, open_rc;
	int stops, stop_rc;
	bool up_in_stop;		/* dev->up as ndo_stop saw it */
	netdev_tx_t verdict;		/* BUSY: every call refused */
	unsigned int busy;		/* this many calls refused, then taken again */
	/* >= 0: the "ring" takes this many more, and the driver stops the queue
	 * when it takes the last one (as igb does); < 0: no limit. */
	int room;
	int select;			/* what ndo_select_queue answers */
	/* Called on every ndo_start_xmit before the verdict (a driver that
	 * sends from inside its own transmit, as a destructor could). */
	void (*hook)(struct fake_dev *f, struct sk_buff *skb);
	unsigned int xmits, refused;
	uint16_t last_queue;
	struct xmit_rec log[FAKE_LOG];	/* the first FAKE_LOG taken */
	struct rtnl_link_stats64 stats;
};

/* open, xmit and stats; tx queue picked by hash */
extern const struct net_device_ops hash_ops;
/* open only: a device that cannot send */
extern const struct net_device_ops noxmit_ops;
extern struct fake_dev fa, fb;

/* Softirqs raised since the test began, by number. */
extern unsigned int raised[NR_SOFTIRQS];
/* What ktime_get_ns returns. */
extern uint64_t fake_now;
/* The counters as the test began. */
extern struct softnet_stats sn0;

void fake_dev_init(struct fake_dev *f, const struct net_device_ops *ops,
		   unsigned int txq, unsigned int real_txq, uint8_t mac_last);
/* A device with ndo_stop: registered by the first test that asks for it,
 * then handed out with its counters and return codes reset. */
struct fake_dev *closable(void);

/* One NET_RX / NET_TX run, as the softirq core would do it (in softirq
 * context: the fake counts it as bottom halves off). */
void run_net_rx(void);
bool net_rx_pending(void);
void run_net_tx(void);
bool net_tx_pending(void);
/* Runs NET_TX while it is pending, at most max times; returns the runs. */
int drain_net_tx(int max);
/* The counters' change since the test began. */
struct softnet_stats delta(void);

/* Resets fa's script and log. */
void fake_reset(struct fake_dev *f);

int netdev_group_setup(void **state);
int netdev_setup(void **state);
int netdev_teardown(void **state);

#endif
