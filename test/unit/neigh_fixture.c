/* Fakes and fixtures for the neighbour and ARP suites (neigh_fixture.h). */
#include <errno.h>
#include <string.h>
#include "neigh_fixture.h"
#include "fake_timer.h"
#include "skb_arena.h"
#include "net/ip_hdr.h"
#include "net/ip_shell.h"
#include "net/protocol.h"
#include "net/snmp.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"

const uint8_t peer_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
const uint8_t peer2_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct net_device eth0 = { .name = "eth0", .dev_addr = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
			   .mtu = 1500, .up = true, .carrier = true };
struct net_device eth1 = { .name = "eth1", .dev_addr = { 0x02, 0, 0, 0, 0, 0x01 },
			   .mtu = 1500, .up = true, .carrier = true };
struct net_device eth2 = { .name = "eth2", .dev_addr = { 0x02, 0, 0, 0, 0, 0x02 },
			   .mtu = 1500, .up = true, .carrier = true };
struct in_device in_eth0, in_eth1;

struct fake_frame tx[TX_MAX];
unsigned int tx_count;
int xmit_rc = NET_XMIT_SUCCESS;
uint64_t now_ms;
void (*sleep_hook)(uint64_t deadline_ns);
struct thread fake_thread = { .name = "test" };
struct thread *current = &fake_thread;

static struct notifier_block *netdev_chain;
static struct inetaddr_notifier *inetaddr_chain;
static struct packet_type *arp_pt;
static int bh_depth;
static bool woken;

/* ---- kernel services ------------------------------------------------------ */

uint64_t jiffies(void) { return now_ms; }
uint64_t ktime_get_ns(void) { return now_ms * NSEC_PER_MSEC; }

void advance(uint64_t ms)
{
	fake_timer_advance(&now_ms, ms);
}

void local_bh_disable(void) { bh_depth++; }
void local_bh_enable(void)
{
	assert_true(bh_depth > 0);
	bh_depth--;
}

void init_waitqueue_head(struct wait_queue_head *wq) { list_init(&wq->head); }
void wake_up(struct wait_queue_head *wq)
{
	(void)wq;
	woken = true;
}
void wait_set_wchan(const char *what)
{
	(void)what;
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	(void)wq;
	local_irq_disable();
	w->thread = current;
}
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	(void)wq;
	w->thread = NULL;
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	local_irq_enable();
	assert_int_equal(bh_depth, 0);
	if (interruptible && signal_pending(current))
		return -EINTR;
	woken = false;
	if (sleep_hook) {
		sleep_hook(deadline_ns);
	} else {
		assert_true(deadline_ns != UINT64_MAX);
		if (deadline_ns > ktime_get_ns())
			advance((deadline_ns - ktime_get_ns() + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);
	}
	if (woken)
		return 0;
	if (interruptible && signal_pending(current))
		return -EINTR;
	return ktime_get_ns() >= deadline_ns ? -ETIMEDOUT : 0;
}

/* ---- devices -------------------------------------------------------------- */

int dev_queue_xmit(struct sk_buff *skb)
{
	assert_true(tx_count < TX_MAX);
	assert_true(skb->len <= sizeof(tx[0].data));
	tx[tx_count].dev = skb->dev;
	tx[tx_count].len = skb->len;
	tx[tx_count].tailroom = skb_tailroom(skb);
	memcpy(tx[tx_count].data, skb->data, skb->len);
	tx_count++;
	kfree_skb(skb);
	return xmit_rc;
}

void dev_add_pack(struct packet_type *pt)
{
	if (pt->type == htons(ETH_P_ARP))
		arp_pt = pt;
}

void register_netdevice_notifier(struct notifier_block *nb)
{
	nb->next = netdev_chain;
	netdev_chain = nb;
}

void netdev_event(unsigned long event, struct net_device *dev)
{
	for (struct notifier_block *nb = netdev_chain; nb; nb = nb->next)
		nb->notifier_call(nb, event, dev);
}

struct net_device *dev_get_by_name(const char *name)
{
	struct net_device *devs[] = { &eth0, &eth1, &eth2 };

	for (size_t i = 0; i < ARRAY_SIZE(devs); i++)
		if (!strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

struct net_device *dev_get_by_index(int ifindex)
{
	return ifindex == 1 ? &eth0 : ifindex == 2 ? &eth1 : ifindex == 3 ? &eth2 : NULL;
}

struct net_device *first_netdev(void) { return &eth0; }

/* ---- inet ----------------------------------------------------------------- */

struct in_device *in_dev_get(const struct net_device *dev)
{
	return dev == &eth0 ? &in_eth0 : dev == &eth1 ? &in_eth1 : NULL;
}

bool inet_addr_is_local(be32 addr)
{
	const struct in_device *ins[] = { &in_eth0, &in_eth1 };

	for (size_t d = 0; d < ARRAY_SIZE(ins); d++)
		for (unsigned int i = 0; i < ins[d]->n_ifa; i++)
			if (ins[d]->ifa[i].ifa_local == addr)
				return true;
	return false;
}

be32 inet_select_addr(const struct net_device *dev, be32 dst)
{
	const struct in_device *in = in_dev_get(dev);

	if (!in || !in->n_ifa)
		return 0;
	for (unsigned int i = 0; i < in->n_ifa; i++)
		if (!((in->ifa[i].ifa_local ^ dst) & in->ifa[i].ifa_mask))
			return in->ifa[i].ifa_local;
	return in->ifa[0].ifa_local;
}

bool inet_addr_is_broadcast(const struct net_device *dev, be32 addr)
{
	const struct in_device *in = in_dev_get(dev);

	if (addr == 0xFFFFFFFFu)
		return true;
	for (unsigned int i = 0; in && i < in->n_ifa; i++)
		if (in->ifa[i].ifa_broadcast == addr)
			return true;
	return false;
}

void register_inetaddr_notifier(struct inetaddr_notifier *nb)
{
	nb->next = inetaddr_chain;
	inetaddr_chain = nb;
}

void inetaddr_event(int event, struct net_device *dev, const struct in_ifaddr *ifa)
{
	for (struct inetaddr_notifier *nb = inetaddr_chain; nb; nb = nb->next)
		nb->notify(nb, event, dev, ifa);
}

static void set_addr(struct in_device *in, struct net_device *dev, be32 addr, unsigned int plen)
{
	be32 mask = htonl(~0u << (32 - plen));

	memset(in, 0, sizeof(*in));
	in->dev = dev;
	in->ifa[0] = (struct in_ifaddr){ .ifa_local = addr, .ifa_mask = mask,
					 .ifa_broadcast = addr | ~mask, .ifa_prefixlen = (uint8_t)plen };
	in->n_ifa = 1;
}

unsigned int err_reports;
uint8_t err_type, err_code;
be32 err_saddr;

static void fake_udp_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	(void)info;
	err_reports++;
	err_type = type;
	err_code = code;
	err_saddr = iph->saddr;
}

static const struct net_protocol fake_udp = { .err_handler = fake_udp_err };

const struct net_protocol *inet_get_protocol(uint8_t protocol)
{
	return protocol == 17 ? &fake_udp : NULL;
}

/* ---- packets -------------------------------------------------------------- */

struct sk_buff *arp_skb(struct net_device *dev, uint16_t op, const uint8_t *sha, be32 sip,
			const uint8_t *tha, be32 tip, uint8_t pkt_type)
{
	struct sk_buff *skb = alloc_skb(64);
	uint8_t *p;

	assert_non_null(skb);
	p = skb_put(skb, 28);
	p[0] = 0; p[1] = 1;		/* Ethernet */
	p[2] = 0x08; p[3] = 0x00;	/* IPv4 */
	p[4] = 6; p[5] = 4;
	p[6] = 0; p[7] = (uint8_t)op;
	memcpy(p + 8, sha, ETH_ALEN);
	memcpy(p + 14, &sip, 4);
	if (tha)
		memcpy(p + 18, tha, ETH_ALEN);
	else
		memset(p + 18, 0, ETH_ALEN);
	memcpy(p + 24, &tip, 4);
	skb->dev = dev;
	skb->pkt_type = pkt_type;
	skb->protocol = htons(ETH_P_ARP);
	return skb;
}

void arp_in(struct net_device *dev, uint16_t op, const uint8_t *sha, be32 sip,
	    const uint8_t *tha, be32 tip, uint8_t pkt_type)
{
	assert_non_null(arp_pt);
	arp_pt->func(arp_skb(dev, op, sha, sip, tha, tip, pkt_type));
}

struct sk_buff *ip_skb(be32 saddr, be32 daddr, uint32_t payload_len, uint8_t tag)
{
	struct sk_buff *skb = alloc_skb_tx(sizeof(struct iphdr) + payload_len);
	struct iphdr *iph;

	assert_non_null(skb);
	iph = (struct iphdr *)skb_put(skb, sizeof(*iph));
	memset(iph, 0, sizeof(*iph));
	iph->ihl_version = 0x45;
	iph->tot_len = htons((uint16_t)(sizeof(*iph) + payload_len));
	iph->ttl = 64;
	iph->protocol = 17;
	iph->saddr = saddr;
	iph->daddr = daddr;
	memset(skb_put(skb, payload_len), tag, payload_len);
	skb_reset_network_header(skb);
	return skb;
}

void expect_arp_frame(const struct fake_frame *f, const uint8_t *dst, uint16_t op,
		      const uint8_t *sha, be32 sip, const uint8_t *tha, be32 tip)
{
	uint8_t want[42];

	memcpy(want, dst ? dst : bcast_mac, ETH_ALEN);
	memcpy(want + 6, sha, ETH_ALEN);
	want[12] = 0x08; want[13] = 0x06;
	want[14] = 0; want[15] = 1; want[16] = 0x08; want[17] = 0; want[18] = 6; want[19] = 4;
	want[20] = 0; want[21] = (uint8_t)op;
	memcpy(want + 22, sha, ETH_ALEN);
	memcpy(want + 28, &sip, 4);
	if (tha)
		memcpy(want + 32, tha, ETH_ALEN);
	else
		memset(want + 32, 0, ETH_ALEN);
	memcpy(want + 38, &tip, 4);
	assert_int_equal(f->len, sizeof(want));
	assert_memory_equal(f->data, want, sizeof(want));
}

uint64_t mib(const char *name)
{
	uint64_t v = 0;

	if (!snmp_get(name, &v))
		fail_msg("no counter %s", name);
	return v;
}

/* ---- fixtures ------------------------------------------------------------- */

int neigh_group_setup(void **state)
{
	(void)state;
	now_ms = 1000000;
	fake_timer_init(now_ms);
	test_skb_arena_setup();
	neigh_init();
	arp_init();
	assert_non_null(arp_pt);
	/* Per-device tunables live as long as their sysctls (for ever): made
	 * now, they are not pages a test kept. */
	neigh_parms_get(&eth0);
	neigh_parms_get(&eth1);
	neigh_parms_get(&eth2);
	test_arena_mark();
	test_skb_mark();
	return 0;
}

int neigh_group_teardown(void **state)
{
	(void)state;
	neigh_ifdown(&eth0);
	neigh_ifdown(&eth1);
	neigh_ifdown(&eth2);
	return test_skb_arena_group_teardown(state);
}

static void reset_parms(struct net_device *dev)
{
	struct neigh_parms *p = neigh_parms_get(dev);
	const struct neigh_parms *d = neigh_parms_get(NULL);

	memcpy(p->data, d->data, sizeof(p->data));
	p->set_mask = 0;
	/* Pinned to base, and not redrawn for the next 300 s. */
	p->reachable_time = (uint32_t)NEIGH_VAR(p, BASE_REACHABLE_TIME_MS);
	p->drawn_at = now_ms;
}

int neigh_setup(void **state)
{
	(void)state;
	eth0.up = eth1.up = eth2.up = true;
	eth0.carrier = eth1.carrier = eth2.carrier = true;
	eth0.dev_addr[5] = 0x56;
	set_addr(&in_eth0, &eth0, ip4(10, 0, 0, 2), 24);
	set_addr(&in_eth1, &eth1, ip4(192, 168, 1, 2), 24);
	neigh_ifdown(&eth0);
	neigh_ifdown(&eth1);
	neigh_ifdown(&eth2);
	neigh_gc_thresh1 = NEIGH_DEFAULT_GC_THRESH1;
	neigh_gc_thresh2 = NEIGH_DEFAULT_GC_THRESH2;
	neigh_gc_thresh3 = NEIGH_DEFAULT_GC_THRESH3;
	/* Past any forced-gc interval and conflict-log minute of the last test. */
	advance(120000);
	reset_parms(&eth0);
	reset_parms(&eth1);
	memset(&neigh_mib, 0, sizeof(neigh_mib));
	memset(&arp_mib, 0, sizeof(arp_mib));
	tx_count = 0;
	xmit_rc = NET_XMIT_SUCCESS;
	sleep_hook = NULL;
	err_reports = 0;
	fake_thread.pending_signal = 0;
	printk_capture_reset();
	test_skb_mark();
	return 0;
}

int neigh_teardown(void **state)
{
	(void)state;
	neigh_ifdown(&eth0);
	neigh_ifdown(&eth1);
	neigh_ifdown(&eth2);
	assert_int_equal(bh_depth, 0);
	test_skb_assert_all_freed();
	return 0;
}
