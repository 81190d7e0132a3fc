/* Fakes for the ICMP, UDP and socket suites: the IP layer below them (a
 * capturing ip_queue_xmit, a one-subnet route table and address list, the
 * protocol table), the clock, bottom halves and the wait primitive.
 *
 * The fake host is 10.0.0.2/24 on fake_dev; everything else routes through
 * fake_dev too, with fake_mtu as its path MTU. */
#ifndef RINGOS_TEST_FAKE_INET_H
#define RINGOS_TEST_FAKE_INET_H

#include "net/ip.h"
#include "net/netdevice.h"
#include "net/skbuff.h"

#define FAKE_LOCAL   HTONL_C(0x0A000002u)	/* 10.0.0.2 */
#define FAKE_PEER    HTONL_C(0x0A000001u)	/* 10.0.0.1 */
#define FAKE_BCAST   HTONL_C(0x0A0000FFu)	/* 10.0.0.255 */
#define FAKE_FAR     HTONL_C(0xC0A80105u)	/* 192.168.1.5, off-link */

#define FAKE_XMIT_MAX 64

struct fake_xmit {
	struct sk_buff *skb;	/* data at the transport header, as handed down */
	struct sock *sk;
	struct flowi4 fl;
};

extern struct net_device fake_dev;
extern struct fake_xmit fake_xmits[FAKE_XMIT_MAX];
extern unsigned int fake_nxmit;
extern int fake_xmit_rc;		/* what ip_queue_xmit returns (0) */
extern bool fake_route_fail;		/* ip_route_output says -ENETUNREACH */
extern bool fake_no_address;		/* no address configured: sources are 0 */
extern uint32_t fake_mtu;
extern be32 fake_pmtu_daddr;		/* last ip_rt_update_pmtu */
extern uint32_t fake_pmtu_value;
extern uint64_t fake_jiffies, fake_now_ns;
extern int fake_bh_depth;
extern unsigned int fake_sleeps;
/* Called by wait_sleep_irqoff instead of sleeping (a softirq or another thread
 * acting meanwhile); its return is the sleep's result. NULL: -EINTR, so a
 * test that did not expect to sleep cannot hang. */
extern int (*fake_sleep_hook)(void);

/* Resets everything above and frees captured skbs. */
void fake_inet_reset(void);
/* Frees the captured skbs. */
void fake_xmit_free(void);

/* A received IPv4 packet: IP header (ihl 5, ttl 64, given addresses and
 * protocol) + payload, network header set, data at the transport header,
 * with headroom for the Ethernet header in front. */
struct sk_buff *fake_rx_packet(be32 saddr, be32 daddr, uint8_t proto,
			       const void *payload, uint32_t len);
/* The IP header of a captured or received skb. */
struct iphdr *fake_iph(struct sk_buff *skb);



/* A received UDP datagram saddr:sport -> daddr:dport with a correct
 * checksum (or none when csum is false). */
struct sk_buff *fake_udp_packet(be32 saddr, uint16_t sport, be32 daddr, uint16_t dport,
				const void *payload, uint32_t len, bool csum);

#endif
