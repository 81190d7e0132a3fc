/* What the device-layer tests share: net/dev.c against a fake softirq core,
 * a fake clock and fake drivers.
 *
 * The device list and the skb caches live as long as the process: eth0 (fa:
 * four queues picked by hash, up, carrier) and eth1 (fb: a select op, two of
 * four queues real, never opened) are registered once by
 * netdev_group_setup, and netdev_teardown checks that each test gave back
 * every skb it took and left no napi scheduled. */
#ifndef RINGOS_TEST_NETDEV_FIXTURE_H
#define RINGOS_TEST_NETDEV_FIXTURE_H

#include "host_support.h"
#include "kernel/softirq.h"
#include "net/netdevice.h"
#include "skb_arena.h"

struct fake_dev {
	struct net_device dev;
	int opens, open_rc;
	int stops, stop_rc;
	bool up_in_stop;		/* dev->up as ndo_stop saw it */
	netdev_tx_t verdict;
	int select;			/* what ndo_select_queue answers */
	unsigned int xmits;
	uint16_t last_queue;
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

/* One NET_RX run, as the softirq core would do it. */
void run_net_rx(void);
bool net_rx_pending(void);
/* The counters' change since the test began. */
struct softnet_stats delta(void);

int netdev_group_setup(void **state);
int netdev_setup(void **state);
int netdev_teardown(void **state);

#endif
