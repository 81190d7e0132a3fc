/* IPv4 addresses of a device (Linux's in_device / in_ifaddr): `ip addr`,
 * `ip=` on the command line, DHCP. Adding or removing an address adds or
 * removes its connected route, flushes cached routes and announces the address
 * with a gratuitous ARP. */
#ifndef RINGOS_NET_INETDEVICE_H
#define RINGOS_NET_INETDEVICE_H

#include "net/byteorder.h"
#include "kernel/wait.h"

struct net_device;

#define IN_IFADDR_MAX 4

struct in_ifaddr {
	be32 ifa_local;
	be32 ifa_mask;
	be32 ifa_broadcast;
	uint8_t ifa_prefixlen;
	bool ifa_dynamic;		/* from DHCP: its lease owns it */
	/* jiffies when the lease ends (`valid_lft` of ip addr); 0: forever. */
	uint64_t ifa_valid_until;
};

struct in_device {
	struct net_device *dev;
	struct in_ifaddr ifa[IN_IFADDR_MAX];
	unsigned int n_ifa;
	/* While DHCP has no lease yet: accept unicast to any address, as the
	 * server may send the OFFER to the address it offers. */
	bool accept_any_unicast;
};

/* Woken whenever an address is added or removed (READY waits on it). */
extern struct wait_queue_head inetaddr_wq;

struct in_device *in_dev_get(const struct net_device *dev);
/* Creates dev's in_device at registration; 0 or -ENOMEM. */
int inetdev_init(struct net_device *dev);

int inet_addr_add(struct net_device *dev, be32 addr, unsigned int prefix_len, bool dynamic);
int inet_addr_del(struct net_device *dev, be32 addr, unsigned int prefix_len);
/* The lease owner says until when (jiffies; 0 forever) addr stays valid. */
int inet_addr_set_lifetime(struct net_device *dev, be32 addr, uint64_t valid_until);

/* The address on dev to use toward dst (same subnet first), 0 if none. */
be32 inet_select_addr(const struct net_device *dev, be32 dst);
/* Is addr one of ours (any device)? */
bool inet_addr_is_local(be32 addr);
/* Is addr a broadcast address for dev (limited, or one of its subnets')? */
bool inet_addr_is_broadcast(const struct net_device *dev, be32 addr);

/* Address events for modules that care (ARP announces, UDP rebinding...). */
enum { INETADDR_UP = 1, INETADDR_DOWN };
struct inetaddr_notifier {
	void (*notify)(struct inetaddr_notifier *nb, int event, struct net_device *dev,
		       const struct in_ifaddr *ifa);
	struct inetaddr_notifier *next;
};
void register_inetaddr_notifier(struct inetaddr_notifier *nb);

/* Registers the netdevice notifier that gives each device its in_device. */
void devinet_init(void);

#endif
