/* igb settings applied live from the shell, in Linux ethtool's words:
 *   ethtool -k|-K ethN [tso|tx|tx-checksumming|rx|rx-checksumming on|off ...]
 *   ethtool -g|-G ethN [rx N] [tx N]
 *   ethtool -c|-C ethN [rx-usecs N]
 * (igb_ethtool.c dispatches the options here.) A bad value is named in one
 * line and nothing is changed: every argument is checked before any takes
 * effect.
 *
 * Features are bits of dev->features that the data path reads per packet:
 * the RX path stops trusting the descriptor's checksum verdict once
 * rx-checksumming is off (CHECKSUM_NONE), and the stack stops handing the
 * driver CHECKSUM_PARTIAL or GSO packets once tx-checksumming or TSO is off.
 * Segmentation needs checksum insertion, so TSO follows tx-checksumming down,
 * as in Linux.
 *
 * Ring sizes change by closing the port (the PHY and link stay up, skbs in
 * flight are reclaimed or counted dropped by igb_close), freeing the ring
 * memory and opening it again, which allocates the new sizes. Interrupt
 * moderation (EITR) is written to the running vectors directly. */
#include <stdlib.h>
#include <string.h>
#include "drivers/igb/igb.h"
#include "kernel/printk.h"
#include "kernel/irqflags.h"

#define IGB_RING_MIN 64
#define IGB_RING_MAX 4096

/* ---- features (-k, -K) ---- */

static const char *onoff(bool on) { return on ? "on" : "off"; }

static void igb_show_features(const struct igb_adapter *adapter)
{
	const struct net_device *dev = &adapter->netdev;
	uint64_t f = dev->features, hw = dev->hw_features;

	kprintf("Features for %s:\n", dev->name);
	kprintf("rx-checksumming: %s\n", onoff(f & NETIF_F_RXCSUM));
	kprintf("tx-checksumming: %s\n", onoff(f & NETIF_F_IP_CSUM));
	kprintf("\ttx-checksum-ipv4: %s\n", onoff(f & NETIF_F_IP_CSUM));
	kprintf("\ttx-checksum-ip-generic: off [fixed]\n");
	kprintf("\ttx-checksum-ipv6: off [fixed]\n");
	kprintf("scatter-gather: %s%s\n", onoff(f & NETIF_F_SG),
		hw & NETIF_F_SG ? "" : " [fixed]");
	kprintf("tcp-segmentation-offload: %s\n", onoff(f & NETIF_F_TSO));
	kprintf("\ttx-tcp-segmentation: %s\n", onoff(f & NETIF_F_TSO));
	kprintf("\ttx-tcp6-segmentation: off [fixed]\n");
	kprintf("generic-segmentation-offload: off [fixed]\n");
	kprintf("generic-receive-offload: off [fixed]\n");
	kprintf("large-receive-offload: off [fixed]\n");
	kprintf("rx-vlan-offload: off [fixed]\n");
	kprintf("tx-vlan-offload: %s [fixed]\n", onoff(f & NETIF_F_HW_VLAN_TX));
	kprintf("receive-hashing: %s [fixed]\n", onoff(f & NETIF_F_RXHASH));
}

struct igb_feature_name {
	const char *name;
	uint64_t bit;
};

static const struct igb_feature_name igb_feature_names[] = {
	{ "sg", NETIF_F_SG },
	{ "scatter-gather", NETIF_F_SG },
	{ "tso", NETIF_F_TSO },
	{ "tx", NETIF_F_IP_CSUM },
	{ "tx-checksumming", NETIF_F_IP_CSUM },
	{ "tx-checksum-ipv4", NETIF_F_IP_CSUM },
	{ "rx", NETIF_F_RXCSUM },
	{ "rx-checksumming", NETIF_F_RXCSUM },
};

static int igb_set_features(struct igb_adapter *adapter, int argc, char **argv)
{
	struct net_device *dev = &adapter->netdev;
	uint64_t on = 0, off = 0, want;

	if (argc == 0 || argc % 2) {
		kprintf("ethtool: -K needs FEATURE on|off pairs\n");
		return 1;
	}
	for (int i = 0; i < argc; i += 2) {
		const struct igb_feature_name *fn = NULL;

		for (size_t k = 0; k < ARRAY_SIZE(igb_feature_names); k++)
			if (!strcmp(argv[i], igb_feature_names[k].name))
				fn = &igb_feature_names[k];
		if (!fn) {
			kprintf("ethtool: unknown feature '%s'\n", argv[i]);
			return 1;
		}
		if (!strcmp(argv[i + 1], "on") && !(dev->hw_features & fn->bit)) {
			kprintf("ethtool: %s cannot be turned on: %s has no such offload\n",
				argv[i], dev->name);
			return 1;
		} else if (!strcmp(argv[i + 1], "on")) {
			on |= fn->bit;
		} else if (!strcmp(argv[i + 1], "off")) {
			off |= fn->bit;
		} else {
			kprintf("ethtool: '%s' for %s is neither on nor off\n", argv[i + 1], argv[i]);
			return 1;
		}
	}
	/* Remembered as asked, so TSO taken away with tx or sg comes back
	 * with them (Linux's wanted_features). */
	dev->wanted_features = (dev->wanted_features | on) & ~off;
	want = dev->wanted_features;
	/* The device segments only what it also checksums, and (as Linux
	 * requires) what it may gather: a 64 KB frame of frags could not be
	 * made linear (skb offsets are 16 bits). */
	if ((want & NETIF_F_TSO) && !((want & NETIF_F_IP_CSUM) && (want & NETIF_F_SG)))
		want &= ~NETIF_F_TSO;
	/* What changed beyond the request, as ethtool prints it. */
	if ((want ^ dev->features) & NETIF_F_TSO & ~(on | off)) {
		kprintf("Actual changes:\n");
		kprintf("tcp-segmentation-offload: %s\n", onoff(want & NETIF_F_TSO));
	} else if ((on & NETIF_F_TSO) && !(want & NETIF_F_TSO)) {
		kprintf("Actual changes:\n");
		kprintf("tcp-segmentation-offload: off [requested on]\n");
	}
	/* One word the data path reads per packet: the change is atomic. */
	WRITE_ONCE(dev->features, want);
	return 0;
}

/* ---- ring sizes (-g, -G) ---- */

static uint16_t igb_ring_size(const struct igb_ring *ring, uint16_t dflt)
{
	return ring->count ? ring->count : dflt;
}

static void igb_show_rings(const struct igb_adapter *adapter)
{
	kprintf("Ring parameters for %s:\n", adapter->netdev.name);
	kprintf("Pre-set maximums:\n");
	kprintf("RX:\t\t%u\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t%u\n", IGB_RING_MAX, IGB_RING_MAX);
	kprintf("Current hardware settings:\n");
	kprintf("RX:\t\t%u\nRX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t%u\n",
		igb_ring_size(&adapter->rx_ring[0], IGB_DEFAULT_RXD),
		igb_ring_size(&adapter->tx_ring[0], IGB_DEFAULT_TXD));
}

/* Decimal, no sign, no junk; false otherwise. */
static bool igb_parse_u32(const char *s, uint32_t *v)
{
	unsigned long x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (unsigned long)(*s - '0');
		if (x > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

static bool igb_ring_size_ok(const char *dir, const char *s, uint32_t *v)
{
	if (igb_parse_u32(s, v) && *v >= IGB_RING_MIN && *v <= IGB_RING_MAX && *v % 8 == 0)
		return true;
	kprintf("ethtool: %s ring size %s is invalid: %u..%u descriptors, a multiple of 8\n",
		dir, s, IGB_RING_MIN, IGB_RING_MAX);
	return false;
}

static void igb_set_ring_counts(struct igb_adapter *adapter, uint16_t tx, uint16_t rx)
{
	for (unsigned int q = 0; q < IGB_MAX_QUEUES; q++) {
		struct igb_ring *t = &adapter->tx_ring[q], *r = &adapter->rx_ring[q];

		if (t->count != tx) {
			igb_ring_free(t);
			t->count = tx;
		}
		if (r->count != rx) {
			igb_ring_free(r);
			r->count = rx;
		}
	}
}

int igb_set_ringparam(struct igb_adapter *adapter, uint16_t tx, uint16_t rx)
{
	struct net_device *dev = &adapter->netdev;
	uint16_t old_tx = igb_ring_size(&adapter->tx_ring[0], IGB_DEFAULT_TXD);
	uint16_t old_rx = igb_ring_size(&adapter->rx_ring[0], IGB_DEFAULT_RXD);
	bool running = READ_ONCE(dev->up);

	if (tx == old_tx && rx == old_rx)
		return 0;
	/* Closed, the rings hold no buffer, no skb and no DMA: the memory can
	 * go. A closed port is only resized; its next open allocates. */
	if (running)
		dev->netdev_ops->ndo_stop(dev);
	igb_set_ring_counts(adapter, tx, rx);
	if (!running)
		return 0;
	if (dev->netdev_ops->ndo_open(dev) == 0)
		return 0;
	/* Not enough contiguous memory for the new rings: back to the old
	 * sizes, which fitted a moment ago. */
	pr_err("igb: %s: cannot open with %u/%u descriptors; back to %u/%u\n",
	       dev->name, tx, rx, old_tx, old_rx);
	dev->netdev_ops->ndo_stop(dev);
	igb_set_ring_counts(adapter, old_tx, old_rx);
	if (dev->netdev_ops->ndo_open(dev) != 0)
		pr_err("igb: %s: cannot reopen; the port stays closed\n", dev->name);
	return -1;
}

static int igb_set_rings(struct igb_adapter *adapter, int argc, char **argv)
{
	uint32_t tx = igb_ring_size(&adapter->tx_ring[0], IGB_DEFAULT_TXD);
	uint32_t rx = igb_ring_size(&adapter->rx_ring[0], IGB_DEFAULT_RXD);

	if (argc == 0 || argc % 2) {
		kprintf("ethtool: -G needs rx N and/or tx N\n");
		return 1;
	}
	for (int i = 0; i < argc; i += 2) {
		if (!strcmp(argv[i], "rx")) {
			if (!igb_ring_size_ok("rx", argv[i + 1], &rx))
				return 1;
		} else if (!strcmp(argv[i], "tx")) {
			if (!igb_ring_size_ok("tx", argv[i + 1], &tx))
				return 1;
		} else {
			kprintf("ethtool: unknown ring parameter '%s' (rx, tx)\n", argv[i]);
			return 1;
		}
	}
	return igb_set_ringparam(adapter, (uint16_t)tx, (uint16_t)rx) ? 1 : 0;
}

/* ---- interrupt moderation (-c, -C) ---- */

static void igb_show_coalesce(const struct igb_adapter *adapter)
{
	kprintf("Coalesce parameters for %s:\n", adapter->netdev.name);
	kprintf("Adaptive RX: off  TX: off\n");
	kprintf("stats-block-usecs: n/a\nsample-interval: n/a\n");
	kprintf("pkt-rate-low: n/a\npkt-rate-high: n/a\n\n");
	kprintf("rx-usecs: %u\nrx-frames: n/a\nrx-usecs-irq: n/a\nrx-frames-irq: n/a\n\n",
		adapter->itr_us);
	/* Queue pairs share a vector, so TX is moderated by rx-usecs (Linux's
	 * igb reports 0 then too). */
	kprintf("tx-usecs: 0\ntx-frames: n/a\ntx-usecs-irq: n/a\ntx-frames-irq: n/a\n");
}

void igb_set_itr(struct igb_adapter *adapter, uint32_t usecs)
{
	uint32_t eitr = igb_itr_to_eitr(usecs);
	unsigned long flags;

	adapter->itr_us = usecs;
	/* The poll re-arms with itr_val and the write below races with nothing
	 * else that writes EITR: interrupts off for the pair. */
	flags = local_irq_save();
	for (unsigned int v = 0; v < adapter->num_q_vectors; v++) {
		struct igb_q_vector *q = &adapter->q_vector[v];

		q->itr_val = eitr;
		/* Only MSI-X vectors are moderated through EITR (igb_configure_irq);
		 * a closed port gets the value at its next open. */
		if (adapter->irq_mode == IGB_IRQ_MSIX && READ_ONCE(adapter->netdev.up))
			igb_wr32(&adapter->hw, IGB_EITR(q->v_idx), eitr);
	}
	local_irq_restore(flags);
}

static int igb_set_coalesce(struct igb_adapter *adapter, int argc, char **argv)
{
	uint32_t us = adapter->itr_us;

	if (argc == 0 || argc % 2) {
		kprintf("ethtool: -C needs rx-usecs N\n");
		return 1;
	}
	for (int i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "rx-usecs") != 0) {
			kprintf("ethtool: unsupported coalesce parameter '%s' (rx-usecs)\n", argv[i]);
			return 1;
		}
		if (!igb_parse_u32(argv[i + 1], &us) || us > IGB_ITR_US_MAX) {
			kprintf("ethtool: rx-usecs %s is invalid: 0..%u\n", argv[i + 1],
				IGB_ITR_US_MAX);
			return 1;
		}
	}
	igb_set_itr(adapter, us);
	return 0;
}

/* ---- dispatch ---- */

int igb_ethtool_settings(struct igb_adapter *adapter, const char *opt, int argc, char **argv)
{
	bool show = !strcmp(opt, "-k") || !strcmp(opt, "-g") || !strcmp(opt, "-c");

	if (show && argc) {
		kprintf("ethtool: %s takes only a device\n", opt);
		return 1;
	}
	if (!strcmp(opt, "-k"))
		igb_show_features(adapter);
	else if (!strcmp(opt, "-g"))
		igb_show_rings(adapter);
	else if (!strcmp(opt, "-c"))
		igb_show_coalesce(adapter);
	else if (!strcmp(opt, "-K"))
		return igb_set_features(adapter, argc, argv);
	else if (!strcmp(opt, "-G"))
		return igb_set_rings(adapter, argc, argv);
	else if (!strcmp(opt, "-C"))
		return igb_set_coalesce(adapter, argc, argv);
	else
		return -1;
	return 0;
}
