/* Network bring-up: the stack's layers, the NIC, the application, then READY.
 * The NIC's PHY starts negotiating at probe; the rings and the application are
 * set up meanwhile, and READY waits for the link. */
#include <stdio.h>
#include "apps/app.h"
#include "drivers/igb/igb.h"
#include "kernel/initcall.h"
#include "kernel/meminfo.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "apps/services.h"
#include "net/ipconfig.h"
#include "net/net_start.h"
#include "net/netdevice.h"
#include "net/skbuff.h"

/* Link autonegotiation takes ~0.5 s under QEMU and seconds on real PHYs. */
#define LINK_WAIT_MS 5000

void net_start(void)
{
	const struct app *app = app_selected();
	struct net_device *dev;
	char mac[24] = "", ip[24] = "";

	kprintf("boot: kernel up in %llu us, starting the network\n",
		(unsigned long long)(ktime_get_ns() / 1000));
	skb_init();
	net_dev_init();
	do_net_initcalls();
	igb_init();
	dev = first_netdev();
	if (dev && dev_open(dev) < 0) {
		pr_err("net: cannot open %s\n", dev->name);
		dev = NULL;
	}
	if (dev && app && app->init(dev) < 0) {
		pr_err("net: app %s failed to start\n", app->name);
		app = NULL;
	}
	if (dev) {
		if (!igb_wait_for_link(LINK_WAIT_MS))
			pr_warn("net: %s link still down after %d ms\n", dev->name, LINK_WAIT_MS);
		snprintf(mac, sizeof(mac), " mac=%02x:%02x:%02x:%02x:%02x:%02x",
			 dev->dev_addr[0], dev->dev_addr[1], dev->dev_addr[2],
			 dev->dev_addr[3], dev->dev_addr[4], dev->dev_addr[5]);
		/* A raw app owns the NIC: no address, no DHCP. */
		if (!(app && app->raw)) {
			ip_auto_config(dev);
			ipconfig_ready_field(dev, ip, sizeof(ip));
		}
	} else if (app) {
		pr_err("net: no network device; app %s not started\n", app->name);
		app = NULL;
	}
	/* READY promises the services listen: their sockets are bound here. */
	if (!app && dev)
		services_start();
	mem_print_line();
	kprintf("READY%s%s boot_us=%llu\n", ip, mac, (unsigned long long)(ktime_get_ns() / 1000));
	if (app)
		app_start(app, dev);
}
