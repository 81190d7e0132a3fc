/* Fakes for the IPv4 core suites: see ipv4_fakes.h. */
#include <string.h>
#include "ipv4_fakes.h"
#include "fake_timer.h"
#include "host_support.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/arp.h"
#include "net/neighbour.h"
#include "net/netfilter.h"
#include "net/route.h"
#include "net/snmp.h"
#include "kernel/ktimer.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

struct net_device fake_eth0 = { .name = "eth0", .mtu = 1500, .up = true, .carrier = true,
				.real_num_tx_queues = 1,
				.dev_addr = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
struct net_device fake_eth1 = { .name = "eth1", .mtu = 1500, .real_num_tx_queues = 1,
				.dev_addr = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 } };
static struct net_device *const devs[] = { &fake_eth0, &fake_eth1 };

struct fake_tx fake_tx[FAKE_TX_MAX];
unsigned int fake_tx_count;
int fake_xmit_rc;
bool fake_neigh_full;
struct fake_icmp fake_icmp[FAKE_ICMP_MAX];
unsigned int fake_icmp_count;
unsigned int fake_arp_announces;
unsigned int fake_wakeups;
uint64_t fake_now_ms;
static int bh_depth;

/* ---- device layer ---------------------------------------------------------------- */

struct net_device *dev_get_by_index(int ifindex)
{
	return ifindex >= 1 && ifindex <= (int)ARRAY_SIZE(devs) ? devs[ifindex - 1] : NULL;
}

int dev_ifindex(const struct net_device *dev)
{
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		if (devs[i] == dev)
			return (int)i + 1;
	return 0;
}

struct net_device *dev_get_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		if (!strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

void register_netdevice_notifier(struct notifier_block *nb) { (void)nb; }
void dev_add_pack(struct packet_type *pt) { (void)pt; }

static int capture(struct sk_buff *skb, enum fake_tx_path path, be32 nexthop)
{
	if (fake_xmit_rc) {
		kfree_skb(skb);
		return fake_xmit_rc;
	}
	assert_true(fake_tx_count < FAKE_TX_MAX);
	fake_tx[fake_tx_count++] = (struct fake_tx){ skb, path, nexthop, skb->dev };
	return 0;
}

int dev_queue_xmit(struct sk_buff *skb)
{
	return capture(skb, FAKE_TX_DEV, 0);
}

void fake_tx_reset(void)
{
	for (unsigned int i = 0; i < fake_tx_count; i++)
		kfree_skb(fake_tx[i].skb);
	fake_tx_count = 0;
}

/* ---- neighbours, ARP, ICMP ---------------------------------------------------------- */

static struct neighbour neighs[8];

struct neighbour *neigh_lookup_or_create(struct net_device *dev, be32 addr)
{
	if (fake_neigh_full)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(neighs); i++) {
		if (neighs[i].dev == dev && neighs[i].primary_key == addr)
			return &neighs[i];
		if (!neighs[i].dev) {
			neighs[i].dev = dev;
			neighs[i].primary_key = addr;
			return &neighs[i];
		}
	}
	return NULL;
}

int neigh_output(struct neighbour *n, struct sk_buff *skb)
{
	assert_ptr_equal(skb->rt, NULL);	/* a borrowed route must not travel on */
	return capture(skb, FAKE_TX_NEIGH, n->primary_key);
}

void arp_announce(struct net_device *dev, be32 addr)
{
	(void)dev;
	(void)addr;
	fake_arp_announces++;
}

void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, be32 info)
{
	struct fake_icmp *e;
	const uint8_t *nh = skb_network_header(skb_in);
	uint32_t have = (uint32_t)(skb_tail_pointer(skb_in) - nh);

	/* Counted always, recorded while there is room (floods in tests). */
	if (fake_icmp_count++ >= FAKE_ICMP_MAX)
		return;
	e = &fake_icmp[fake_icmp_count - 1];
	e->type = type;
	e->code = code;
	e->info = info;
	memset(e->quoted, 0, sizeof(e->quoted));
	memcpy(e->quoted, nh, MIN(have, (uint32_t)sizeof(e->quoted)));
}

/* ---- kernel services --------------------------------------------------------------- */

uint64_t jiffies(void) { return fake_now_ms; }
uint64_t ktime_get_ns(void) { return fake_now_ms * 1000000ull; }

void fake_clock_advance(uint64_t ms)
{
	fake_timer_advance(&fake_now_ms, ms);
}

void local_bh_disable(void) { bh_depth++; }
void local_bh_enable(void)
{
	assert_true(bh_depth > 0);
	bh_depth--;
}

void wake_up(struct wait_queue_head *wq)
{
	(void)wq;
	fake_wakeups++;
}

/* ---- setup ------------------------------------------------------------------------- */

void ipv4_fakes_setup(void)
{
	test_skb_arena_setup();
	fake_timer_init(fake_now_ms);
	ip_init();
	/* Each device's in_device lives for good, as on the box. */
	assert_int_equal(inetdev_init(&fake_eth0), 0);
	assert_int_equal(inetdev_init(&fake_eth1), 0);
	test_arena_mark();
	test_skb_mark();
}

void ipv4_fakes_reset(void)
{
	struct fib_route r[FIB_MAX_ROUTES];
	unsigned int n;

	nf_rules_flush();
	for (size_t d = 0; d < ARRAY_SIZE(devs); d++) {
		struct in_device *in_dev = in_dev_get(devs[d]);

		while (in_dev->n_ifa)
			assert_int_equal(inet_addr_del(devs[d], in_dev->ifa[0].ifa_local,
						       in_dev->ifa[0].ifa_prefixlen), 0);
	}
	n = ip_route_dump(r, FIB_MAX_ROUTES);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(ip_route_del(r[i].dst, r[i].prefix_len, r[i].gw), 0);
	/* Path MTUs and reassembly queues run out. */
	fake_clock_advance(3600 * 1000);
	fake_tx_reset();
	memset(neighs, 0, sizeof(neighs));
	fake_xmit_rc = 0;
	fake_neigh_full = false;
	fake_icmp_count = 0;
	fake_arp_announces = 0;
	fake_wakeups = 0;
	fake_eth0.mtu = 1500;
	fake_eth0.up = fake_eth0.carrier = true;
	fake_eth1.up = fake_eth1.carrier = false;
	memset(&ip_statistics, 0, sizeof(ip_statistics));
	memset(&nf_statistics, 0, sizeof(nf_statistics));
	sysctl_ip_default_ttl = 64;
	printk_capture_reset();
	assert_int_equal(bh_depth, 0);
	test_skb_assert_all_freed();
}

struct sk_buff *fake_rx_skb(const void *ip, uint32_t len, uint32_t pad)
{
	struct sk_buff *skb = alloc_skb(len + pad + 64);

	assert_non_null(skb);
	skb_reserve(skb, 64);
	memcpy(skb_put(skb, len), ip, len);
	memset(skb_put(skb, pad), 0, pad);
	skb->dev = &fake_eth0;
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb_reset_network_header(skb);
	return skb;
}

void fake_iphdr(void *buf, be32 saddr, be32 daddr, uint8_t proto, uint16_t tot_len,
		uint16_t id, uint16_t frag_off)
{
	struct iphdr *iph = buf;

	memset(iph, 0, sizeof(*iph));
	iph->ihl_version = 0x45;
	iph->tot_len = htons(tot_len);
	iph->id = htons(id);
	iph->frag_off = htons(frag_off);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = ip_fast_csum(iph, 5);
}

uint64_t mib(const char *name)
{
	uint64_t v = 0;

	assert_true(snmp_get(name, &v));
	return v;
}

int ipv4_group_setup(void **state)
{
	(void)state;
	ipv4_fakes_setup();
	return 0;
}

int ipv4_group_teardown(void **state)
{
	ipv4_fakes_reset();
	return test_skb_arena_group_teardown(state);
}
