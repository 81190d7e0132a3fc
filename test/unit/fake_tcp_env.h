/* The environment of the TCP suites below and beside TCP (tcp_peer.c is
 * the peer itself): the IP layer's routes and addresses, the clock on the
 * real timer wheel, bottom halves, softirq context and the NET_RX end-of-run
 * flush, the scheduler's waits. tp_now / tp_advance / tp_next_timer,
 * tp_batch_begin / tp_batch_end and tp_sleep_hook (tcp_peer.h) live here. */
#ifndef RINGOS_TEST_FAKE_TCP_ENV_H
#define RINGOS_TEST_FAKE_TCP_ENV_H

#include <stdint.h>
#include "net/netdevice.h"
#include "net/skbuff.h"

/* The one interface: 10.0.0.2/24, every route through it, its MTU the path's. */
extern struct net_device tp_dev;

/* Clock at now (ms), an empty wheel, no batch, no sleep hook, tp_dev reset. */
void fake_tcp_env_reset(uint64_t now);
int fake_tcp_env_bh_depth(void);
/* A received segment (network header set, data at TCP) into tcp_v4_rcv as
 * NET_RX would deliver it. */
void fake_tcp_env_deliver(struct sk_buff *skb);

#endif
