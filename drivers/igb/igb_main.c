/* igb probe, open, close and watchdog, and the driver's boot options.
 *
 * Boot time is a headline figure and the PHY's autonegotiation is its
 * largest part (QEMU: 0.5 s, silicon: seconds), so probe resets each port
 * first, and the reset restarts negotiation the moment CTRL.RST clears; the
 * NVM wait, the rest of the port, the stack and the application are set up
 * while the PHY works, and igb_wait_for_link only covers what is left. */
#include <stdio.h>
#include "drivers/igb/igb.h"
#include "kernel/cmdline.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"

#define IGB_MAX_ADAPTERS	8
/* Linux's period. LSC reports link changes at once; this catches a lost
 * one, folds the hardware counters long before a 32-bit one can wrap, and
 * looks for stuck TX queues (IGB_TX_HANG_MS). */
#define IGB_WATCHDOG_MS		2000
/* igb_wait_for_link's poll: READY follows link-up within this, even if the
 * LSC interrupt never arrives. */
#define IGB_LINK_POLL_MS	1
#define PCI_VENDOR_INTEL	0x8086
#define IGB_MIN_MTU		68	/* IPv4's minimum */

struct igb_adapter *igb_adapters[IGB_MAX_ADAPTERS];
unsigned int igb_adapter_count;

/* ---- options ---- */

/* 0: automatic, one pair per MSI-X vector igb_request_irq gets, up to
 * IGB_MAX_QUEUES and the part's own limit. */
static unsigned int igb_queues_param;
KPARAM_UINT("queues", igb_queues_param, 1, IGB_MAX_QUEUES,
	    "RX/TX queue pairs per igb port (default: one per MSI-X vector, up to 4)");

/* Off by default. The figure that suffers from moderation is small-packet
 * request/response latency, while NAPI already bounds the interrupt rate under
 * load (a vector stays masked while its queue is polled). Under QEMU a value
 * also lasts about 4x longer than asked (1.024 us units, x4) and each interval
 * ends with one extra message. */
static unsigned int igb_itr_param;
KPARAM_UINT("igb.itr", igb_itr_param, 0, 10000,
	    "interrupt moderation in microseconds, 0 off (MSI-X only)");

const char *const igb_irq_modes[3] = {
	[IGB_IRQ_MSIX] = "msix",
	[IGB_IRQ_MSI] = "msi",
	[IGB_IRQ_INTX] = "intx",
};
static int igb_irq_param = IGB_IRQ_MSIX;
KPARAM_ENUM("igb.irq", igb_irq_param, igb_irq_modes,
	    "interrupt mode to try first; falls back msix -> msi -> intx");

/* ---- supported parts ---- */

/* Where bring-up differs per part:
 *  - IVAR layout: 82576 column-major, the others row-major (igb_irq.c);
 *  - receive-address entries: 82576 24, I350 32, I210/I211 16 (igb_hw.c);
 *  - I350/I210/I211 need PHPM.GO_LINK_D cleared for link, and a 1 ms pause
 *    after CTRL.RST (igb_hw.c);
 *  - the MAC fallback through EERD exists on 82576/I350 only; I210/I211 keep
 *    the NVM in flash or iNVM (igb_hw.c);
 *  - I210/I211 RQDPC is not clear-on-read (igb_hw.c);
 *  - queue pairs: 82576 16, I350 8, I210 4, I211 2 (below).
 * Link bring-up drives a copper PHY over MDIO; the fiber and SerDes variants
 * probe but their PCS link setup is not done here. */
static const struct pci_device_id igb_pci_tbl[] = {
	/* 82576: QEMU's -device igb is 10c9 */
	{ PCI_VENDOR_INTEL, 0x10c9, igb_82576 },	/* copper */
	{ PCI_VENDOR_INTEL, 0x10e6, igb_82576 },	/* fiber */
	{ PCI_VENDOR_INTEL, 0x10e7, igb_82576 },	/* SerDes */
	{ PCI_VENDOR_INTEL, 0x10e8, igb_82576 },	/* quad copper */
	{ PCI_VENDOR_INTEL, 0x1526, igb_82576 },	/* quad copper ET2 */
	{ PCI_VENDOR_INTEL, 0x150a, igb_82576 },	/* NS */
	{ PCI_VENDOR_INTEL, 0x1518, igb_82576 },	/* NS SerDes */
	{ PCI_VENDOR_INTEL, 0x150d, igb_82576 },	/* SerDes quad */
	/* I350 */
	{ PCI_VENDOR_INTEL, 0x1521, igb_i350 },		/* copper */
	{ PCI_VENDOR_INTEL, 0x1522, igb_i350 },		/* fiber */
	{ PCI_VENDOR_INTEL, 0x1523, igb_i350 },		/* SerDes */
	{ PCI_VENDOR_INTEL, 0x1524, igb_i350 },		/* SGMII */
	/* I210 */
	{ PCI_VENDOR_INTEL, 0x1533, igb_i210 },		/* copper */
	{ PCI_VENDOR_INTEL, 0x1536, igb_i210 },		/* fiber */
	{ PCI_VENDOR_INTEL, 0x1537, igb_i210 },		/* SerDes */
	{ PCI_VENDOR_INTEL, 0x1538, igb_i210 },		/* SGMII */
	{ PCI_VENDOR_INTEL, 0x157b, igb_i210 },		/* copper, flashless */
	{ PCI_VENDOR_INTEL, 0x157c, igb_i210 },		/* SerDes, flashless */
	/* I211 */
	{ PCI_VENDOR_INTEL, 0x1539, igb_i211 },		/* copper, iNVM only */
	{ 0, 0, 0 },
};

const char *const igb_part_names[4] = {
	[igb_82576] = "82576",
	[igb_i350] = "I350",
	[igb_i210] = "I210",
	[igb_i211] = "I211",
};

static const uint8_t igb_part_queues[] = {
	[igb_82576] = 16,
	[igb_i350] = 8,
	[igb_i210] = 4,
	[igb_i211] = 2,
};

/* ---- watchdog ---- */

static void igb_watchdog(struct timer_list *t)
{
	struct igb_adapter *adapter = container_of(t, struct igb_adapter, watchdog_timer);

	igb_check_link(adapter);
	igb_update_stats(adapter);
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		struct igb_ring *ring = &adapter->tx_ring[q];
		uint64_t hangs = ring->stats.tx_hang;

		igb_check_tx_hang(adapter, ring);
		adapter->tx_timeout_count += ring->stats.tx_hang - hangs;
	}
	/* Refill failures left RX holes that no arriving frame will fill once
	 * the ring is dry, and a lost TX completion interrupt leaves sent
	 * packets unreclaimed: have the polls run. */
	igb_kick_pending(adapter);
	timer_mod(t, jiffies() + IGB_WATCHDOG_MS);
}

bool igb_wait_for_link(unsigned timeout_ms)
{
	struct igb_adapter *adapter = igb_adapter_count ? igb_adapters[0] : NULL;
	uint64_t deadline = jiffies() + timeout_ms;

	if (!adapter)
		return false;
	for (;;) {
		igb_check_link(adapter);
		if (adapter->link_up)
			return true;
		if (jiffies() >= deadline)
			return false;
		msleep(IGB_LINK_POLL_MS);
	}
}

/* ---- open and close ---- */

/* What igb_open does only once: the vectors, because igb_irq.c cannot give
 * them back, and the ring memory, which igb_close keeps so that a reopen
 * cannot fail for want of contiguous pages. A ring whose allocation failed
 * is retried at the next open. */
static int igb_setup_once(struct igb_adapter *adapter)
{
	struct net_device *dev = &adapter->netdev;
	unsigned int n;

	/* Vectors first: the mode obtained decides how many queue pairs there
	 * are (one vector cannot tell queues apart). num_q_vectors stays 0
	 * until a request succeeds. */
	if (!adapter->num_q_vectors) {
		if (igb_request_irq(adapter) < 0)
			return -1;
		pr_info("igb: %s interrupts: %s, %u queue pair%s, itr %u us\n", dev->name,
			igb_irq_modes[adapter->irq_mode], adapter->num_queues,
			adapter->num_queues == 1 ? "" : "s", adapter->itr_us);
	}
	n = adapter->num_queues;

	/* Descriptor rings for exactly those queues. */
	for (unsigned int q = 0; q < n; q++) {
		struct igb_ring *tx = &adapter->tx_ring[q], *rx = &adapter->rx_ring[q];

		if ((!tx->desc && igb_setup_tx_resources(tx) < 0) ||
		    (!rx->desc && igb_setup_rx_resources(adapter, rx) < 0)) {
			pr_err("igb: %s: cannot set up the rings of queue %u\n", dev->name, q);
			return -1;
		}
	}
	dev->real_num_tx_queues = n;
	dev->real_num_rx_queues = n;
	/* One queue runs without RSS, and then the descriptor carries the IP
	 * id and checksum instead of a hash. */
	if (n == 1)
		dev->features &= ~NETIF_F_RXHASH;
	return 0;
}

static int igb_open(struct net_device *dev)
{
	struct igb_adapter *adapter = netdev_to_adapter(dev);
	unsigned long flags;
	unsigned int n;

	/* 1. Vectors and rings (first open), still masked. */
	if (igb_setup_once(adapter) < 0)
		return -1;
	n = adapter->num_queues;

	/* 2. Interrupt routing (GPIE, IVAR, EITR), still masked. */
	igb_configure_irq(adapter);

	/* 3. Transmit, and RSS so it steers from the first frame received. */
	igb_configure_tx(adapter);
	igb_setup_rss(adapter);

	/* 4. Every RX ring in use gets its registers, tail pointer and buffers
	 *    before step 6 lets a poll run: an interrupt may arrive the moment
	 *    the vectors are unmasked (a frame the stack sends when the link
	 *    check wakes the queues completes inside its tail write under QEMU,
	 *    and raises its vector), and every poll refills its RX ring. A ring
	 *    that ethtool -G just reallocated has no tail before this. The
	 *    receiver itself stays off until step 8. */
	igb_configure_rx_rings(adapter);

	/* 5. Nothing is queued for the wire until the link is up; the link
	 *    check below (or LSC) wakes the queues. */
	for (unsigned int q = 0; q < n; q++)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, q));

	/* 6. Polls may run again (after igb_close held them off). */
	for (unsigned int v = 0; v < adapter->num_q_vectors; v++)
		napi_enable(&adapter->q_vector[v].napi);

	/* The PHY keeps the link up across a close and the last check may
	 * have seen it then, so start from "down": the check below reports
	 * the link, turns the carrier on and wakes the queues every open. */
	flags = local_irq_save();
	adapter->link_up = false;
	netif_carrier_off(dev);
	local_irq_restore(flags);

	/* 7. Unmask, then look at the link: it may have come up already. */
	igb_irq_enable(adapter);
	igb_check_link(adapter);

	/* 8. The receiver last: the first frames in (QEMU delivers at once what
	 *    it held while the port was down) can then be answered at once,
	 *    instead of meeting queues that are still stopped. */
	igb_enable_rx(adapter);

	/* 9. Watchdog. */
	timer_mod(&adapter->watchdog_timer, jiffies() + IGB_WATCHDOG_MS);
	return 0;
}

/* ndo_stop, Linux's igb_down without the reset: the PHY stays powered and
 * the link up, so the next open needs no autonegotiation. Vectors and ring
 * memory stay for that open; buffers and skbs go back now.
 *
 * Bottom halves stay off throughout, so neither the watchdog (TIMER) nor a
 * poll (NET_RX) can run against a half-stopped queue; the register waits
 * inside are bounded (10 ms each). */
static int igb_close(struct net_device *dev)
{
	struct igb_adapter *adapter = netdev_to_adapter(dev);
	unsigned long flags;

	local_bh_disable();
	for (unsigned int q = 0; q < adapter->num_queues; q++)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, q));

	/* No new interrupt; napi_disable then removes a poll one scheduled
	 * and keeps late ones from scheduling another. */
	igb_irq_disable(adapter);
	for (unsigned int v = 0; v < adapter->num_q_vectors; v++)
		napi_disable(&adapter->q_vector[v].napi);
	timer_del(&adapter->watchdog_timer);

	flags = local_irq_save();
	adapter->link_up = false;
	netif_carrier_off(dev);
	local_irq_restore(flags);

	/* DMA stopped before any buffer goes back to the allocator. */
	igb_disable_rx(adapter);
	igb_disable_tx(adapter);
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		igb_clean_tx_ring(&adapter->tx_ring[q]);
		igb_clean_rx_ring(&adapter->rx_ring[q]);
	}
	local_bh_enable();
	return 0;
}

static const struct net_device_ops igb_netdev_ops = {
	.ndo_open = igb_open,
	.ndo_stop = igb_close,
	.ndo_start_xmit = igb_xmit_frame,
	.ndo_get_stats64 = igb_get_stats64,
};

/* ---- probe ---- */

/* Software state for up to the part's queue count; igb_request_irq trims
 * num_queues to the vectors it gets. */
static void igb_sw_init(struct igb_adapter *adapter, const char *where)
{
	unsigned int hw_queues = MIN((unsigned int)IGB_MAX_QUEUES, adapter->hw.max_queues);

	adapter->irq_mode = (enum igb_irq_mode)igb_irq_param;
	adapter->itr_us = igb_itr_param;
	adapter->num_queues = hw_queues;
	if (igb_queues_param > hw_queues)
		pr_warn("igb %s: queues=%u but an %s has %u; using %u\n", where,
			igb_queues_param, igb_part_names[adapter->hw.mac_type], hw_queues, hw_queues);
	else if (igb_queues_param)
		adapter->num_queues = igb_queues_param;

	for (unsigned int q = 0; q < hw_queues; q++) {
		struct igb_ring *tx = &adapter->tx_ring[q], *rx = &adapter->rx_ring[q];

		tx->netdev = &adapter->netdev;
		tx->count = IGB_DEFAULT_TXD;
		tx->queue_index = (uint8_t)q;
		tx->reg_idx = (uint8_t)q;
		rx->netdev = &adapter->netdev;
		rx->count = IGB_DEFAULT_RXD;
		rx->queue_index = (uint8_t)q;
		rx->reg_idx = (uint8_t)q;
	}
	timer_setup(&adapter->watchdog_timer, igb_watchdog);
}

static int igb_register(struct igb_adapter *adapter)
{
	struct net_device *dev = &adapter->netdev;

	/* An empty name: register_netdev picks the lowest free ethN. */
	dev->name[0] = '\0';
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = IGB_MIN_MTU;
	/* Frames must fit one 2 KiB receive buffer. */
	dev->max_mtu = ETH_DATA_LEN;
	/* SG: igb_tx_map gives each frag its own descriptors. */
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO | NETIF_F_RXCSUM |
			   NETIF_F_RXHASH;
	dev->features = dev->hw_features;
	dev->wanted_features = dev->hw_features;
	dev->netdev_ops = &igb_netdev_ops;
	dev->num_tx_queues = MIN((unsigned int)IGB_MAX_QUEUES, adapter->hw.max_queues);
	dev->priv = adapter;
	return register_netdev(dev);
}

static bool igb_addr_is_zero(const uint8_t *a)
{
	uint8_t any = 0;

	for (unsigned int i = 0; i < ETH_ALEN; i++)
		any |= a[i];
	return !any;
}

static void igb_probe(struct pci_dev *pdev, enum igb_mac_type mac)
{
	struct igb_adapter *adapter;
	struct igb_hw *hw;
	const uint8_t *a;
	void *regs;
	char where[16];

	snprintf(where, sizeof(where), "%04x:%02x:%02x.%u", pdev->segment, pdev->bus,
		 pdev->dev, pdev->fn);
	if (igb_adapter_count == IGB_MAX_ADAPTERS) {
		pr_warn("igb %s: more than %u ports, this one is left alone\n", where,
			IGB_MAX_ADAPTERS);
		return;
	}

	/* 1. Register decode and bus mastering: QEMU powers up with both off,
	 *    and without mastering the rings silently never move. */
	pci_enable_device(pdev);
	pci_set_master(pdev);
	regs = pci_iomap_bar(pdev, 0);
	if (!regs) {
		pr_err("igb %s: BAR0 is not an assigned memory BAR; port skipped\n", where);
		return;
	}
	/* All-ones: nothing answers behind BAR0. */
	if (readl((uint8_t *)regs + IGB_STATUS) == 0xFFFFFFFFu) {
		pr_err("igb %s: registers read all-ones; port skipped\n", where);
		return;
	}
	adapter = kzalloc(sizeof(*adapter));
	if (!adapter) {
		pr_err("igb %s: no memory for the adapter; port skipped\n", where);
		return;
	}
	adapter->pdev = pdev;
	hw = &adapter->hw;
	hw->hw_addr = regs;
	hw->mac_type = mac;
	hw->device_id = pdev->device;
	hw->max_queues = igb_part_queues[mac];

	/* 2. Reset to a known state; this also restarts autonegotiation, which
	 *    runs while everything below is done. */
	if (igb_reset_hw(adapter) < 0) {
		pr_err("igb %s: reset did not complete; port skipped\n", where);
		goto fail;
	}

	/* 3. The address, reloaded by the reset. */
	igb_read_mac_addr(adapter);
	a = adapter->netdev.dev_addr;
	if (igb_addr_is_zero(a)) {
		pr_err("igb %s: no valid MAC address in RAR0 or the NVM; give one with mac=\n",
		       where);
		goto fail;
	}

	/* 4. Receive filters: our address only. */
	igb_init_filters(adapter);

	/* 5. Queues, options, watchdog. */
	igb_sw_init(adapter, where);

	/* 6. The network device. */
	if (igb_register(adapter) < 0) {
		pr_err("igb %s: register_netdev failed; port skipped\n", where);
		goto fail;
	}
	igb_adapters[igb_adapter_count++] = adapter;
	pr_info("igb: %s: Intel %s (8086:%04x) at %s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
		adapter->netdev.name, igb_part_names[mac], pdev->device, where,
		a[0], a[1], a[2], a[3], a[4], a[5]);
	return;

fail:
	kfree(adapter);
}

void igb_init(void)
{
	const struct pci_device_id *id;

	for (struct pci_dev *d = pci_find_id(igb_pci_tbl, NULL, &id); d;
	     d = pci_find_id(igb_pci_tbl, d, &id))
		igb_probe(d, (enum igb_mac_type)id->driver_data);
}
