/* See fake_inet.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "fake_inet.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/checksum.h"
#include "net/inetdevice.h"
#include "net/protocol.h"
#include "net/route.h"
#include "net/udp_hdr.h"

struct net_device fake_dev = { .name = "eth0", .mtu = 1500, .up = true };
struct fake_xmit fake_xmits[FAKE_XMIT_MAX];
unsigned int fake_nxmit;
int fake_xmit_rc;
bool fake_route_fail;
bool fake_no_address;
uint32_t fake_mtu = 1500;
be32 fake_pmtu_daddr;
uint32_t fake_pmtu_value;
uint64_t fake_jiffies, fake_now_ns;
int fake_bh_depth;
unsigned int fake_sleeps;
int (*fake_sleep_hook)(void);
uint32_t rt_genid = 1;

static struct thread fake_thread = { .name = "test" };
struct thread *current = &fake_thread;

void fake_xmit_free(void)
{
	for (unsigned int i = 0; i < fake_nxmit; i++)
		kfree_skb(fake_xmits[i].skb);
	fake_nxmit = 0;
}

void fake_inet_reset(void)
{
	fake_xmit_free();
	fake_xmit_rc = 0;
	fake_route_fail = false;
	fake_no_address = false;
	fake_mtu = 1500;
	fake_pmtu_daddr = 0;
	fake_pmtu_value = 0;
	fake_bh_depth = 0;
	fake_sleeps = 0;
	fake_sleep_hook = NULL;
	fake_dev.features = 0;
	fake_thread.pending_signal = 0;
}

int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi4 *fl)
{
	if (fake_xmit_rc) {
		kfree_skb(skb);
		return fake_xmit_rc;
	}
	assert_true(fake_nxmit < FAKE_XMIT_MAX);
	fake_xmits[fake_nxmit++] = (struct fake_xmit){ .skb = skb, .sk = sk, .fl = *fl };
	return 0;
}

static const struct net_protocol *protos[256];

int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol)
{
	protos[protocol] = prot;
	return 0;
}

const struct net_protocol *inet_get_protocol(uint8_t protocol)
{
	return protos[protocol];
}

bool inet_addr_is_local(be32 addr)
{
	return !fake_no_address && addr == FAKE_LOCAL;
}

bool inet_addr_is_broadcast(const struct net_device *dev, be32 addr)
{
	(void)dev;
	return addr == 0xFFFFFFFFu || addr == FAKE_BCAST;
}

be32 inet_select_addr(const struct net_device *dev, be32 dst)
{
	(void)dev;
	(void)dst;
	return fake_no_address ? 0 : FAKE_LOCAL;
}

int ip_route_output(be32 daddr, be32 saddr, struct rtable *rt)
{
	if (fake_route_fail)
		return -ENETUNREACH;
	*rt = (struct rtable){
		.dev = &fake_dev, .rt_dst = daddr, .rt_gateway = daddr,
		.rt_src = saddr ? saddr : (fake_no_address ? 0 : FAKE_LOCAL),
		.rt_pmtu = fake_mtu, .rt_genid = rt_genid,
	};
	if (daddr == 0xFFFFFFFFu || daddr == FAKE_BCAST)
		rt->rt_flags |= RTCF_BROADCAST;
	return 0;
}

bool rt_expired(const struct rtable *rt)
{
	return rt->rt_expires && fake_jiffies >= rt->rt_expires;
}

void ip_rt_update_pmtu(be32 daddr, uint32_t mtu)
{
	fake_pmtu_daddr = daddr;
	fake_pmtu_value = mtu;
}

struct net_device *first_netdev(void)
{
	return &fake_dev;
}

uint64_t jiffies(void)
{
	return fake_jiffies;
}

uint64_t ktime_get_ns(void)
{
	return fake_now_ns;
}

/* System-call accounting: only the nesting matters here; a call that
 * forgets its exit shows as a depth left over. */
int fake_syscall_depth;
void syscall_enter(void)
{
	fake_syscall_depth++;
}

void syscall_exit(void)
{
	fake_syscall_depth--;
}

void local_bh_disable(void)
{
	fake_bh_depth++;
}

void local_bh_enable(void)
{
	assert_true(fake_bh_depth > 0);
	fake_bh_depth--;
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	int rc;

	/* Sleeping with bottom halves off would deadlock the real kernel. */
	assert_int_equal(fake_bh_depth, 0);
	local_irq_enable();
	fake_sleeps++;
	assert_true(fake_sleeps < 1000);
	if (interruptible && signal_pending(current))
		return -EINTR;
	if (deadline_ns != UINT64_MAX && fake_now_ns >= deadline_ns)
		return -ETIMEDOUT;
	rc = fake_sleep_hook ? fake_sleep_hook() : -EINTR;
	return rc;
}

struct sk_buff *fake_rx_packet(be32 saddr, be32 daddr, uint8_t proto,
			       const void *payload, uint32_t len)
{
	struct sk_buff *skb = alloc_skb(ETH_HLEN + IP_MIN_HLEN + len + 64);
	struct iphdr *iph;

	assert_non_null(skb);
	assert_true(skb_reserve(skb, ETH_HLEN + 16));
	skb_reset_network_header(skb);
	iph = (struct iphdr *)skb_put(skb, sizeof(*iph));
	*iph = (struct iphdr){
		.ihl_version = 0x45, .tot_len = htons((uint16_t)(IP_MIN_HLEN + len)),
		.id = htons(0x1234), .ttl = 64, .protocol = proto,
		.saddr = saddr, .daddr = daddr,
	};
	iph->check = ip_fast_csum(iph, 5);
	memcpy(skb_put(skb, len), payload, len);
	skb_pull(skb, sizeof(*iph));
	skb_reset_transport_header(skb);
	skb->dev = &fake_dev;
	skb->pkt_type = PACKET_HOST;
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

struct iphdr *fake_iph(struct sk_buff *skb)
{
	return (struct iphdr *)skb_network_header(skb);
}

struct sk_buff *fake_udp_packet(be32 saddr, uint16_t sport, be32 daddr, uint16_t dport,
				const void *payload, uint32_t len, bool csum)
{
	uint8_t *d = malloc(8 + len);
	struct udphdr *uh = (struct udphdr *)d;
	struct sk_buff *skb;

	assert_non_null(d);
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((uint16_t)(8 + len));
	uh->check = 0;
	memcpy(d + 8, payload, len);
	if (csum) {
		uint16_t c = csum_tcpudp_magic(saddr, daddr, 8 + len, IPPROTO_UDP,
					       csum_partial(d, 8 + len, 0));

		uh->check = c ? c : 0xFFFF;
	}
	skb = fake_rx_packet(saddr, daddr, IPPROTO_UDP, d, 8 + len);
	free(d);
	return skb;
}
