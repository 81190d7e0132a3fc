/* Fakes for the neighbour and ARP suites: the real neighbour table, ARP,
 * `ip neigh` and `arping` (plus the real skbs, sysctls, counters and timer
 * wheel) against fake devices, a fake inet layer, a fake millisecond clock
 * and a fake sleep.
 *
 *   eth0  52:54:00:12:34:56  10.0.0.2/24 (and whatever a test adds)
 *   eth1  02:00:00:00:00:01  192.168.1.2/24
 *   eth2  02:00:00:00:00:02  no IPv4 (no in_device)
 *
 * All three are up with carrier. Every frame dev_queue_xmit gets is copied
 * into tx[] and freed. */
#ifndef RINGOS_TEST_NEIGH_FIXTURE_H
#define RINGOS_TEST_NEIGH_FIXTURE_H

#include "host_support.h"
#include "shell_run.h"
#include "net/arp.h"
#include "net/arp_hdr.h"
#include "net/inetdevice.h"
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "net/skbuff.h"
#include "kernel/sched.h"

extern struct net_device eth0, eth1, eth2;
extern struct in_device in_eth0, in_eth1;

struct fake_frame {
	struct net_device *dev;
	uint32_t len;
	uint32_t tailroom;		/* what the driver could pad into */
	uint8_t data[2048];
};
#define TX_MAX 512
extern struct fake_frame tx[TX_MAX];
extern unsigned int tx_count;
/* What dev_queue_xmit answers (NET_XMIT_SUCCESS unless a test says). */
extern int xmit_rc;

/* What the fake UDP (protocol 17) error handler was told, last first. */
extern unsigned int err_reports;
extern uint8_t err_type, err_code;
extern be32 err_saddr;

/* The clock: jiffies() is now_ms; ktime_get_ns() adds now_extra_ns. */
extern uint64_t now_ms;
/* Moves the clock on by ms, firing every timer that falls due, in order,
 * each at its own time. */
void advance(uint64_t ms);

/* The sleep under wait_event: called with the deadline; it may move the
 * clock and inject packets. NULL: sleep straight to the deadline. A sleep
 * ends early (returns 0) when wake_up ran meanwhile. */
extern void (*sleep_hook)(uint64_t deadline_ns);
extern struct thread fake_thread;

/* Device and address events, as dev.c and devinet.c would call them. */
void netdev_event(unsigned long event, struct net_device *dev);
void inetaddr_event(int event, struct net_device *dev, const struct in_ifaddr *ifa);

static inline be32 ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl((a << 24) | (b << 16) | (c << 8) | d);
}

/* An ARP packet as eth_type_trans hands it to arp_rcv: data at the ARP
 * header, dev and pkt_type set. tha NULL: zeroes. */
struct sk_buff *arp_skb(struct net_device *dev, uint16_t op, const uint8_t *sha, be32 sip,
			const uint8_t *tha, be32 tip, uint8_t pkt_type);
/* The same, delivered. */
void arp_in(struct net_device *dev, uint16_t op, const uint8_t *sha, be32 sip,
	    const uint8_t *tha, be32 tip, uint8_t pkt_type);
/* An IPv4 packet for neigh_output: data at a 20-byte header from saddr,
 * then payload_len bytes of tag. */
struct sk_buff *ip_skb(be32 saddr, be32 daddr, uint32_t payload_len, uint8_t tag);

/* The 42 bytes an ARP frame must be. dst NULL: broadcast; tha NULL: zeroes. */
void expect_arp_frame(const struct fake_frame *f, const uint8_t *dst, uint16_t op,
		      const uint8_t *sha, be32 sip, const uint8_t *tha, be32 tip);

/* The counter named name (netstat -s); fails the test when absent. */
uint64_t mib(const char *name);
/* Runs a shell line through the linker table ("ip neigh ..." through the
 * ip objects), output in printk_capture. */

/* cmocka fixtures: group setup once (arena, caches, neigh_init, arp_init,
 * devices up); each test starts with an empty table, default tunables,
 * zeroed counters, no frames and an empty printk capture, and must leave
 * every skb freed. */
int neigh_group_setup(void **state);
int neigh_group_teardown(void **state);
int neigh_setup(void **state);
int neigh_teardown(void **state);

extern const uint8_t peer_mac[ETH_ALEN], peer2_mac[ETH_ALEN], bcast_mac[ETH_ALEN];

#endif
