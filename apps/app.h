/* The one application this image runs, chosen with `app=`. */
#ifndef RINGOS_APP_H
#define RINGOS_APP_H

#include "net/netdevice.h"

struct app {
	const char *name;
	/* Before READY: attach to the device (rx_handler, sockets). */
	int (*init)(struct net_device *dev);
	/* After READY, in process context; returns when the app is done (or never). */
	void (*run)(struct net_device *dev);
	/* Takes every frame itself (rx_handler): no address, no DHCP, no services. */
	bool raw;
};

extern const struct app app_l2reflect;
extern const struct app app_l2blast;
extern const struct app app_l2sink;
extern const struct app app_tsoblast;
extern const struct app app_send;

/* Runs app->run(dev) in a thread of its own ("app"), charged to CPU_USER. */
void app_start(const struct app *app, struct net_device *dev);
/* The app chosen on the command line; NULL for none. */
const struct app *app_selected(void);

#endif
