/* Address configuration at boot (Linux's net/ipv4/ipconfig.c, in our words):
 * `ip=A.B.C.D/N gw=G` adds a static address and default route; `ip=dhcp`, the
 * default, runs the DHCP client (dhcp.c) in a thread of its own over a UDP
 * socket on port 68, and boot waits for its first lease at most
 * IPCONFIG_DHCP_WAIT_MS. The thread stays for renewals, rebinding and, with no
 * server, discovery with back-off. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/inetdevice.h"
#include "net/ipconfig.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "net/socket.h"

/* ---- the command line ----------------------------------------------------------- */

struct ip_param {
	bool dhcp;
	struct ipv4_cidr cidr;		/* static address, host order (cmdline.h) */
};
static struct ip_param ip_param = { .dhcp = true };
static be32 gw_param;			/* 0: none */

static int ip_param_parse(const char *val, void *var)
{
	struct ip_param *p = var;
	struct ipv4_cidr c;
	const char *end;

	if (strcmp(val, "dhcp") == 0) {
		p->dhcp = true;
		return 0;
	}
	end = cmdline_scan_ipv4_cidr(val, &c);
	if (!end || *end || !inet_host_addr_ok(htonl(c.addr), c.prefix_len))
		return -1;
	p->dhcp = false;
	p->cidr = c;
	return 0;
}

static void ip_param_format(const void *var, char *buf, size_t size)
{
	const struct ip_param *p = var;
	char a[16];

	if (p->dhcp) {
		snprintf(buf, size, "dhcp");
		return;
	}
	cmdline_format_ipv4(p->cidr.addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->cidr.prefix_len);
}

static const struct kparam_custom ip_param_ops = {
	.parse = ip_param_parse,
	.format = ip_param_format,
	.expected = "dhcp, or a host address with its prefix length a.b.c.d/1..32",
};
KPARAM_CUSTOM("ip", ip_param, &ip_param_ops, "IPv4 address: dhcp, or static a.b.c.d/n");

static int gw_param_parse(const char *val, void *var)
{
	uint32_t a;
	const char *end = cmdline_scan_ipv4(val, &a);

	if (!end || *end || !inet_addr_usable(htonl(a)))
		return -1;
	*(be32 *)var = htonl(a);
	return 0;
}

static void gw_param_format(const void *var, char *buf, size_t size)
{
	be32 gw = *(const be32 *)var;

	if (gw)
		cmdline_format_ipv4(ntohl(gw), buf, size);
	else
		snprintf(buf, size, "none");
}

static const struct kparam_custom gw_param_ops = {
	.parse = gw_param_parse,
	.format = gw_param_format,
	.expected = "a router's address a.b.c.d",
};
KPARAM_CUSTOM("gw", gw_param, &gw_param_ops, "default gateway for a static ip=");

/* ---- static configuration -------------------------------------------------------------- */

static int ipconfig_static(struct net_device *dev)
{
	be32 addr = htonl(ip_param.cidr.addr);
	unsigned int plen = ip_param.cidr.prefix_len;
	be32 mask = htonl(plen == 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> plen));
	char a[16], g[16];
	int err;

	cmdline_format_ipv4(ip_param.cidr.addr, a, sizeof(a));
	err = inet_addr_add(dev, addr, plen, false);
	if (err < 0) {
		pr_err("ipconfig: %s: cannot add %s/%u (error %d)\n", dev->name, a, plen, err);
		return err;
	}
	pr_info("ipconfig: %s: static address %s/%u\n", dev->name, a, plen);
	if (!gw_param)
		return 0;
	cmdline_format_ipv4(ntohl(gw_param), g, sizeof(g));
	/* A gateway must be a neighbour on the subnet, other than ourselves. */
	if ((gw_param & mask) != (addr & mask) || gw_param == addr) {
		pr_warn("ipconfig: gw=%s is not a neighbour on %s/%u; no default route\n",
			g, a, plen);
		return 0;
	}
	err = ip_route_add(0, 0, gw_param, dev);
	if (err < 0)
		pr_warn("ipconfig: %s: default route via %s not added (error %d)\n",
			dev->name, g, err);
	else
		pr_info("ipconfig: %s: default route via %s\n", dev->name, g);
	return 0;
}

/* ---- DHCP over a UDP socket ------------------------------------------------------------- */

static struct dhcp_client dhcp;
static bool dhcp_running;
static int dhcp_fd = -1;
/* Woken after every step of the client, for the boot wait. */
static struct wait_queue_head dhcp_wq = WAIT_QUEUE_HEAD_INIT(dhcp_wq);
/* One message at a time, reused: nothing allocated per datagram. */
static uint8_t dhcp_rxbuf[DHCP_MAX_MSG_LEN];

/* Datagrams read per wake-up before the timers get a look again. */
#define DHCP_RX_BATCH 16

static int dhcp_sock_send(struct dhcp_client *c, const void *msg, size_t len, be32 daddr)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_SERVER_PORT),
		.sin_addr = { daddr },
	};

	(void)c;
	if (sendto(dhcp_fd, msg, len, 0, (const struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static const struct dhcp_ops dhcp_sock_ops = { .send = dhcp_sock_send };

static int dhcp_socket_open(void)
{
	struct sockaddr_in me = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_CLIENT_PORT),
		.sin_addr = { INADDR_ANY },
	};
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)&me, sizeof(me)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The client's life after boot: sleep until the next timer or a datagram,
 * feed it whichever came, forever. Each sleep is bounded by the client's
 * next deadline (it always has one unless its lease is infinite). */
static void dhcp_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd pfd = { .fd = dhcp_fd, .events = POLLIN };
		uint64_t now = jiffies(), next;
		int timeout, n;

		dhcp_client_timer(&dhcp, now);
		wake_up(&dhcp_wq);
		next = dhcp_client_next_timer(&dhcp);
		timeout = next == UINT64_MAX ? -1 : next <= now ? 0 : (int)MIN(next - now, (uint64_t)INT32_MAX);
		n = poll(&pfd, 1, timeout);
		if (n < 0) {
			/* Not expected from a socket we own; do not spin on it. */
			pr_warn("dhcp: %s: poll failed (errno %d)\n", dhcp.dev->name, errno);
			msleep(1000);
			continue;
		}
		for (int i = 0; n > 0 && i < DHCP_RX_BATCH; i++) {
			ssize_t len = recvfrom(dhcp_fd, dhcp_rxbuf, sizeof(dhcp_rxbuf), MSG_DONTWAIT,
					       NULL, NULL);

			if (len < 0)
				break;
			dhcp_client_input(&dhcp, dhcp_rxbuf, (size_t)len, jiffies());
		}
		wake_up(&dhcp_wq);
	}
}

static int ipconfig_dhcp(struct net_device *dev)
{
	uint64_t deadline = ktime_get_ns() + IPCONFIG_DHCP_WAIT_MS * NSEC_PER_MSEC;
	int fd = dhcp_socket_open();

	if (gw_param)
		pr_warn("ipconfig: gw= applies to a static ip=; with DHCP the server's router is used\n");
	if (fd < 0) {
		pr_err("dhcp: %s: no socket on port %d (error %d); no address\n", dev->name,
		       DHCP_CLIENT_PORT, fd);
		return fd;
	}
	dhcp_fd = fd;
	dhcp_client_init(&dhcp, dev, &dhcp_sock_ops, rdtsc());
	dhcp_client_start(&dhcp, jiffies());
	if (!thread_create("dhcp", dhcp_thread, NULL, CPU_SYS)) {
		dhcp_client_stop(&dhcp);
		return -ENOMEM;
	}
	dhcp_running = true;
	/* Interruptible only because that is the form with a deadline; nobody
	 * signals the boot thread. */
	wait_event_interruptible_deadline(dhcp_wq, dhcp_client_bound(&dhcp), deadline);
	if (dhcp_client_bound(&dhcp))
		return 0;
	if (dhcp_stats.offers)
		pr_warn("dhcp: %s: offered but no lease in %u s; continuing without an address, still trying\n",
			dev->name, IPCONFIG_DHCP_WAIT_MS / 1000);
	else
		pr_warn("dhcp: %s: no DHCP server answered in %u s; continuing without an address, still trying\n",
			dev->name, IPCONFIG_DHCP_WAIT_MS / 1000);
	return -EAGAIN;
}

int ip_auto_config(struct net_device *dev)
{
	return ip_param.dhcp ? ipconfig_dhcp(dev) : ipconfig_static(dev);
}

void ipconfig_ready_field(const struct net_device *dev, char *buf, size_t size)
{
	const struct in_device *in_dev = in_dev_get(dev);
	char a[16];

	if (!in_dev || in_dev->n_ifa == 0) {
		snprintf(buf, size, " ip=none");
		return;
	}
	cmdline_format_ipv4(ntohl(in_dev->ifa[0].ifa_local), a, sizeof(a));
	snprintf(buf, size, " ip=%s/%u", a, in_dev->ifa[0].ifa_prefixlen);
}

static int cmd_dhcp(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!dhcp_running) {
		char v[24];

		ip_param_format(&ip_param, v, sizeof(v));
		kprintf("dhcp: not running (ip=%s)\n", v);
		return 0;
	}
	dhcp_client_show(&dhcp, jiffies());
	return 0;
}
SHELL_COMMAND("dhcp", "DHCP client: state, lease, server, T1/T2 and expiry", cmd_dhcp);
