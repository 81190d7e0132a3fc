/* Carrier state and the netdevice notifier chain, with Linux's linkwatch
 * idea: a carrier change is found where the driver looks at the link, often
 * in its interrupt handler or with interrupts held off (igb_check_link), but
 * the layers that listen (addresses, routes, ARP) may transmit and take
 * bottom-half locks, which is wrong there. So an event raised with
 * interrupts off is only marked on the device, and the NET_TX softirq
 * (net_tx_action calls linkwatch_run_queue first) delivers it.
 *
 * Hard IRQ handlers here always run with interrupts off (interrupt gates),
 * so "interrupts off" covers every hard IRQ and also process or softirq code
 * inside local_irq_save.
 *
 * The chain changes at boot (init calls) and is walked in process or softirq
 * context only. The pending list is shared with hard IRQ: touched with
 * interrupts off. */
#include "net/netdevice.h"
#include "kernel/irqflags.h"
#include "kernel/softirq.h"

#define NETDEV_EVENTS_MAX 32	/* bits of dev->link_events */

static struct notifier_block *netdev_chain;
static struct net_device *linkwatch_list;
static struct net_device **linkwatch_tailp = &linkwatch_list;

/* Bounded by the chain's length (blocks registered at boot). */
static void notify(unsigned long event, struct net_device *dev)
{
	if (event == NETDEV_CHANGE && !READ_ONCE(dev->up))
		return;
	for (struct notifier_block *nb = netdev_chain; nb; nb = nb->next)
		nb->notifier_call(nb, event, dev);
}

void register_netdevice_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp = &netdev_chain;
	struct net_device *dev;

	for (; *pp; pp = &(*pp)->next)
		if (*pp == nb)
			return;
	nb->next = NULL;
	*pp = nb;
	for (int i = 1; (dev = dev_get_by_index(i)) != NULL; i++)
		if (READ_ONCE(dev->up))
			nb->notifier_call(nb, NETDEV_UP, dev);
}

static void linkwatch_fire_event(struct net_device *dev, unsigned long event)
{
	unsigned long flags = local_irq_save();

	if (!dev->link_events) {
		dev->link_next = NULL;
		*linkwatch_tailp = dev;
		linkwatch_tailp = &dev->link_next;
	}
	dev->link_events |= 1u << event;
	this_softnet()->stats.link_events_deferred++;
	raise_softirq_irqoff(NET_TX_SOFTIRQ);
	local_irq_restore(flags);
}

void call_netdevice_notifiers(unsigned long event, struct net_device *dev)
{
	if (!dev || event == 0 || event >= NETDEV_EVENTS_MAX)
		return;
	if (irqs_disabled())
		linkwatch_fire_event(dev, event);
	else
		notify(event, dev);
}

/* The list is taken whole; a device fired again meanwhile is either still
 * on it (its new bit joins the ones about to be delivered) or, once done,
 * queued afresh for the next run. Bounded by the devices taken. */
void linkwatch_run_queue(void)
{
	struct net_device *dev;
	unsigned long flags = local_irq_save();

	dev = linkwatch_list;
	linkwatch_list = NULL;
	linkwatch_tailp = &linkwatch_list;
	local_irq_restore(flags);

	while (dev) {
		struct net_device *next;
		uint32_t events;

		flags = local_irq_save();
		events = dev->link_events;
		dev->link_events = 0;
		next = dev->link_next;
		dev->link_next = NULL;
		local_irq_restore(flags);
		while (events) {
			unsigned long event = (unsigned long)__builtin_ctz(events);

			events &= events - 1;
			notify(event, dev);
		}
		dev = next;
	}
}

/* The driver prints the link line (it knows speed and duplex); here the
 * state the stack looks at, and the event for those listening. */
static void set_carrier(struct net_device *dev, bool on)
{
	unsigned long flags = local_irq_save();
	bool changed = dev->carrier != on;

	WRITE_ONCE(dev->carrier, on);
	local_irq_restore(flags);
	if (changed)
		call_netdevice_notifiers(NETDEV_CHANGE, dev);
}

void netif_carrier_on(struct net_device *dev)
{
	set_carrier(dev, true);
}

void netif_carrier_off(struct net_device *dev)
{
	set_carrier(dev, false);
}
