/* Fakes for the IPv4 core suites (route, ip_input, ip_output, ip_fragment,
 * netfilter): one Ethernet device, a neighbour layer and a device queue that
 * capture what IP hands down, an ICMP that records what it was asked to
 * send, and a fake millisecond clock driving a real timer wheel. */
#ifndef RINGOS_TEST_IPV4_FAKES_H
#define RINGOS_TEST_IPV4_FAKES_H

#include "net/byteorder.h"
#include "net/netdevice.h"
#include "net/skbuff.h"

extern struct net_device fake_eth0, fake_eth1;

/* Where a transmitted packet left the IP layer. */
enum fake_tx_path { FAKE_TX_NEIGH, FAKE_TX_DEV };
struct fake_tx {
	struct sk_buff *skb;
	enum fake_tx_path path;
	be32 nexthop;			/* FAKE_TX_NEIGH: the neighbour's address */
	struct net_device *dev;
};
#define FAKE_TX_MAX 256
extern struct fake_tx fake_tx[FAKE_TX_MAX];
extern unsigned int fake_tx_count;
/* What neigh_output / dev_queue_xmit return (0 by default). */
extern int fake_xmit_rc;
/* neigh_lookup_or_create fails while set. */
extern bool fake_neigh_full;
/* Frees every captured skb. */
void fake_tx_reset(void);

struct fake_icmp {
	uint8_t type, code;
	be32 info;
	uint8_t quoted[28];		/* the offending IP header + 8 bytes */
};
#define FAKE_ICMP_MAX 16
extern struct fake_icmp fake_icmp[FAKE_ICMP_MAX];
extern unsigned int fake_icmp_count;

extern unsigned int fake_arp_announces;
extern unsigned int fake_wakeups;

/* The clock: jiffies() returns it; advancing runs due timers. */
extern uint64_t fake_now_ms;
void fake_clock_advance(uint64_t ms);

/* Fresh arena and skb caches, eth0 (10.0.0.2/24 on demand by the suites)
 * registered up with carrier, eth1 down; every fake emptied. */
void ipv4_fakes_setup(void);
void ipv4_fakes_reset(void);
/* cmocka group fixtures over the two: the fakes and the skb arena. */
int ipv4_group_setup(void **state);
int ipv4_group_teardown(void **state);

/* An skb as the driver + eth_type_trans deliver it: data at the IP header. */
struct sk_buff *fake_rx_skb(const void *ip, uint32_t len, uint32_t pad);
/* A valid IPv4 header for tests (checksum filled), payload not included. */
void fake_iphdr(void *buf, be32 saddr, be32 daddr, uint8_t proto, uint16_t tot_len,
		uint16_t id, uint16_t frag_off);

static inline be32 ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl((a << 24) | (b << 16) | (c << 8) | d);
}

/* The counter named name (netstat -s), 0 when absent. */
uint64_t mib(const char *name);

#endif
