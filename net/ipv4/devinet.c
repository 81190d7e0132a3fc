/* IPv4 addresses of the devices (Linux's devinet.c): each device gets an
 * in_device when it comes up; an address added makes its connected route,
 * flushes cached routes, tells the inetaddr notifiers, is announced by a
 * gratuitous ARP and wakes whoever waits for an address (READY).
 *
 * Invariant: ifa[0..n_ifa) are used, the first one in a subnet is its
 * primary (it owns the connected route), later ones in the same subnet are
 * secondaries. Changes run in process context with bottom halves disabled;
 * the receive path reads the addresses from softirq context. */
#include <errno.h>
#include <string.h>
#include "net/inetdevice.h"
#include "net/arp.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"

struct wait_queue_head inetaddr_wq = WAIT_QUEUE_HEAD_INIT(inetaddr_wq);

/* Every in_device, so the per-packet "is it ours?" tests walk a short array
 * rather than the device list. */
#define INET_DEVICES_MAX 8
static struct in_device *in_devices[INET_DEVICES_MAX];
static unsigned int n_in_devices;

static struct inetaddr_notifier *inetaddr_chain;

struct in_device *in_dev_get(const struct net_device *dev)
{
	return dev ? dev->ip_ptr : NULL;
}

int inetdev_init(struct net_device *dev)
{
	struct in_device *in_dev;

	if (dev->ip_ptr)
		return 0;
	if (n_in_devices == INET_DEVICES_MAX)
		return -ENOSPC;
	in_dev = kzalloc(sizeof(*in_dev));
	if (!in_dev)
		return -ENOMEM;
	in_dev->dev = dev;
	local_bh_disable();
	in_devices[n_in_devices++] = in_dev;
	dev->ip_ptr = in_dev;
	local_bh_enable();
	return 0;
}

void register_inetaddr_notifier(struct inetaddr_notifier *nb)
{
	struct inetaddr_notifier **pp = &inetaddr_chain;

	while (*pp)
		pp = &(*pp)->next;
	nb->next = NULL;
	*pp = nb;
}

static void inetaddr_notify(int event, struct net_device *dev, const struct in_ifaddr *ifa)
{
	for (struct inetaddr_notifier *nb = inetaddr_chain; nb; nb = nb->next)
		nb->notify(nb, event, dev, ifa);
}

static bool same_subnet(const struct in_ifaddr *a, be32 addr, be32 mask)
{
	return a->ifa_mask == mask && (a->ifa_local & mask) == (addr & mask);
}

static int find_ifa(const struct in_device *in_dev, be32 addr)
{
	for (unsigned int i = 0; i < in_dev->n_ifa; i++)
		if (in_dev->ifa[i].ifa_local == addr)
			return (int)i;
	return -1;
}

/* Another address of in_dev (not index skip) in the subnet of addr/mask. */
static int find_subnet_peer(const struct in_device *in_dev, be32 addr, be32 mask, int skip)
{
	for (unsigned int i = 0; i < in_dev->n_ifa; i++)
		if ((int)i != skip && same_subnet(&in_dev->ifa[i], addr, mask))
			return (int)i;
	return -1;
}

int inet_addr_add(struct net_device *dev, be32 addr, unsigned int prefix_len, bool dynamic)
{
	struct in_device *in_dev;
	struct in_ifaddr ifa = { 0 };
	int err;

	if (!dev)
		return -ENODEV;
	if (prefix_len > 32 || ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
	    ipv4_is_lbcast(addr) || ipv4_is_loopback(addr))
		return -EINVAL;
	err = inetdev_init(dev);
	if (err)
		return err;
	in_dev = dev->ip_ptr;
	ifa.ifa_local = addr;
	ifa.ifa_prefixlen = (uint8_t)prefix_len;
	ifa.ifa_mask = prefix_len ? htonl(~0u << (32 - prefix_len)) : 0;
	/* /31 (RFC 3021) and /32 have no room for a broadcast address. */
	if (prefix_len < 31)
		ifa.ifa_broadcast = addr | ~ifa.ifa_mask;
	ifa.ifa_dynamic = dynamic;

	local_bh_disable();
	if (find_ifa(in_dev, addr) >= 0) {
		local_bh_enable();
		return -EEXIST;
	}
	if (in_dev->n_ifa == IN_IFADDR_MAX) {
		local_bh_enable();
		return -ENOSPC;
	}
	/* A secondary shares its primary's connected route. */
	if (find_subnet_peer(in_dev, addr, ifa.ifa_mask, -1) < 0) {
		err = fib_add_connected(addr, prefix_len, dev, addr);
		if (err && err != -EEXIST) {
			local_bh_enable();
			return err;
		}
	}
	in_dev->ifa[in_dev->n_ifa++] = ifa;
	rt_cache_flush();
	inetaddr_notify(INETADDR_UP, dev, &ifa);
	local_bh_enable();

	if (READ_ONCE(dev->up) && netif_carrier_ok(dev))
		arp_announce(dev, addr);
	wake_up(&inetaddr_wq);
	return 0;
}

int inet_addr_del(struct net_device *dev, be32 addr, unsigned int prefix_len)
{
	struct in_device *in_dev = in_dev_get(dev);
	struct in_ifaddr ifa;
	int i, peer;

	if (!in_dev)
		return -ENODEV;
	local_bh_disable();
	i = find_ifa(in_dev, addr);
	if (i < 0 || in_dev->ifa[i].ifa_prefixlen != prefix_len) {
		local_bh_enable();
		return -EADDRNOTAVAIL;
	}
	ifa = in_dev->ifa[i];
	memmove(&in_dev->ifa[i], &in_dev->ifa[i + 1],
		(in_dev->n_ifa - (unsigned int)i - 1) * sizeof(ifa));
	in_dev->n_ifa--;
	memset(&in_dev->ifa[in_dev->n_ifa], 0, sizeof(ifa));
	/* The route goes with the subnet's last address; while a secondary is
	 * left, it takes over as the route's source (Linux promotes it). */
	peer = find_subnet_peer(in_dev, addr, ifa.ifa_mask, -1);
	if (peer >= 0)
		(void)fib_add_connected(addr, prefix_len, dev, in_dev->ifa[peer].ifa_local);
	else
		fib_del_connected(addr, prefix_len, dev);
	rt_cache_flush();
	inetaddr_notify(INETADDR_DOWN, dev, &ifa);
	local_bh_enable();
	wake_up(&inetaddr_wq);
	return 0;
}

int inet_addr_set_lifetime(struct net_device *dev, be32 addr, uint64_t valid_until)
{
	struct in_device *in_dev = in_dev_get(dev);
	int i;

	if (!in_dev)
		return -ENODEV;
	local_bh_disable();
	i = find_ifa(in_dev, addr);
	if (i >= 0)
		in_dev->ifa[i].ifa_valid_until = valid_until;
	local_bh_enable();
	return i >= 0 ? 0 : -EADDRNOTAVAIL;
}

be32 inet_select_addr(const struct net_device *dev, be32 dst)
{
	const struct in_device *in_dev = in_dev_get(dev);

	if (!dev) {
		/* Any device: the first address there is. */
		for (unsigned int d = 0; d < n_in_devices; d++)
			if (in_devices[d]->n_ifa)
				return in_devices[d]->ifa[0].ifa_local;
		return 0;
	}
	if (!in_dev || !in_dev->n_ifa)
		return 0;
	for (unsigned int i = 0; i < in_dev->n_ifa; i++) {
		const struct in_ifaddr *a = &in_dev->ifa[i];

		if (dst && (dst & a->ifa_mask) == (a->ifa_local & a->ifa_mask))
			return a->ifa_local;
	}
	return in_dev->ifa[0].ifa_local;
}

bool inet_addr_is_local(be32 addr)
{
	for (unsigned int d = 0; d < n_in_devices; d++) {
		const struct in_device *in_dev = in_devices[d];

		for (unsigned int i = 0; i < in_dev->n_ifa; i++)
			if (in_dev->ifa[i].ifa_local == addr)
				return true;
	}
	return false;
}

bool inet_addr_is_broadcast(const struct net_device *dev, be32 addr)
{
	const struct in_device *in_dev = in_dev_get(dev);

	if (ipv4_is_lbcast(addr))
		return true;
	if (!in_dev)
		return false;
	for (unsigned int i = 0; i < in_dev->n_ifa; i++)
		if (in_dev->ifa[i].ifa_broadcast && in_dev->ifa[i].ifa_broadcast == addr)
			return true;
	return false;
}

/* A device that comes up gets its in_device, so DHCP and `ip addr add` find
 * one; one that goes down keeps its addresses, as Linux does. */
static int devinet_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = ptr;
	int err;

	(void)nb;
	if (event != NETDEV_UP)
		return 0;
	err = inetdev_init(dev);
	if (err)
		pr_warn("inet: %s: no IPv4 state (error %d)\n", dev->name, err);
	return 0;
}

static struct notifier_block devinet_netdev_nb = { .notifier_call = devinet_netdev_event };

void devinet_init(void)
{
	register_netdevice_notifier(&devinet_netdev_nb);
}
