/* igb counters and shell views: `ethtool [ethN]`, `ethtool -S [ethN]`,
 * `igb regs [ethN]`, the netdev totals behind `ip -s link`, and
 * `igb inject tx-stall`, a fault injection for testing hang recovery.
 *
 * Counter names are Linux's `ethtool -S` names for igb where one exists;
 * hardware traffic counters keep their register names (gprc, gorc, ...)
 * because rx_packets and friends here are the driver's own totals. Reading a
 * statistics register clears it, so every view folds them into the 64-bit
 * totals (igb_update_stats) first and never reads one raw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/igb/igb.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"

#define IGB_IVAR_REGS 8

static struct igb_adapter *igb_find(const char *name)
{
	for (unsigned int i = 0; i < igb_adapter_count; i++)
		if (!name || strncmp(igb_adapters[i]->netdev.name, name, IFNAMSIZ) == 0)
			return igb_adapters[i];
	return NULL;
}

/* ---- netdev totals ---- */

/* Bottom halves off: the rings' counters move in the NET_RX softirq, and a
 * consistent snapshot costs nothing here. */
void igb_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *st)
{
	struct igb_adapter *adapter = netdev_to_adapter(dev);
	const struct igb_hw_stats *hs = &adapter->stats;

	memset(st, 0, sizeof(*st));
	local_bh_disable();
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		const struct igb_ring_stats *tx = &adapter->tx_ring[q].stats;
		const struct igb_ring_stats *rx = &adapter->rx_ring[q].stats;

		st->tx_packets += tx->packets;
		st->tx_bytes += tx->bytes;
		st->tx_dropped += tx->tx_dropped;
		st->rx_packets += rx->packets;
		st->rx_bytes += rx->bytes;
		st->rx_dropped += rx->rx_dropped;
		st->rx_fifo_errors += hs->rqdpc[q];
	}
	local_bh_enable();

	/* Receive errors as the MAC counted them (frames it dropped or flagged),
	 * so nothing is counted twice by the rings too. */
	st->rx_crc_errors = hs->crcerrs;
	st->rx_frame_errors = hs->algnerrc;
	st->rx_length_errors = hs->ruc + hs->roc;
	st->rx_missed_errors = hs->mpc;
	st->rx_over_errors = hs->rnbc + adapter->rx_overruns;
	st->rx_errors = hs->crcerrs + hs->algnerrc + hs->rxerrc + hs->ruc + hs->roc;
	st->multicast = hs->mprc;
	st->tx_timeout_errors = adapter->tx_timeout_count;
	st->tx_errors = adapter->tx_timeout_count;
	st->rx_nohandler = dev->rx_nohandler;
}

/* ---- ethtool ---- */

/* `ethtool -S` counters as name/offset tables, one per source structure. */
struct igb_stat {
	const char *name;
	size_t off;
};

#define NETDEV_STAT(n, f) { n, offsetof(struct rtnl_link_stats64, f) }
#define HW_STAT(n, f)     { n, offsetof(struct igb_hw_stats, f) }
#define RING_STAT(n, f)   { n, offsetof(struct igb_ring_stats, f) }

static const struct igb_stat netdev_stats[] = {
	NETDEV_STAT("rx_packets", rx_packets), NETDEV_STAT("tx_packets", tx_packets),
	NETDEV_STAT("rx_bytes", rx_bytes), NETDEV_STAT("tx_bytes", tx_bytes),
	NETDEV_STAT("rx_errors", rx_errors), NETDEV_STAT("tx_errors", tx_errors),
	NETDEV_STAT("rx_dropped", rx_dropped), NETDEV_STAT("tx_dropped", tx_dropped),
	NETDEV_STAT("multicast", multicast), NETDEV_STAT("collisions", collisions),
	NETDEV_STAT("rx_length_errors", rx_length_errors),
	NETDEV_STAT("rx_over_errors", rx_over_errors),
	NETDEV_STAT("rx_frame_errors", rx_frame_errors),
	NETDEV_STAT("rx_fifo_errors", rx_fifo_errors),
	NETDEV_STAT("rx_nohandler", rx_nohandler),
};

/* Linux's names where igb has one, else the register's. */
static const struct igb_stat hw_stats[] = {
	HW_STAT("rx_crc_errors", crcerrs), HW_STAT("rx_missed_errors", mpc),
	HW_STAT("rx_no_buffer_count", rnbc), HW_STAT("rx_short_length_errors", ruc),
	HW_STAT("rx_long_length_errors", roc), HW_STAT("rx_align_errors", algnerrc),
	HW_STAT("tx_tcp_seg_good", tsctc),
	HW_STAT("rxerrc", rxerrc), HW_STAT("rfc", rfc), HW_STAT("rjc", rjc),
	HW_STAT("gprc", gprc), HW_STAT("gptc", gptc), HW_STAT("gorc", gorc),
	HW_STAT("gotc", gotc), HW_STAT("bprc", bprc), HW_STAT("bptc", bptc),
	HW_STAT("mprc", mprc), HW_STAT("mptc", mptc), HW_STAT("tpr", tpr),
	HW_STAT("tpt", tpt), HW_STAT("tor", tor), HW_STAT("tot", tot),
};

static const struct igb_stat tx_ring_stats[] = {
	RING_STAT("packets", packets), RING_STAT("bytes", bytes),
	RING_STAT("restart", restart_queue), RING_STAT("busy", tx_busy),
	RING_STAT("dropped", tx_dropped), RING_STAT("hang", tx_hang),
	RING_STAT("tso", tso), RING_STAT("csum", csum_offload),
};

static const struct igb_stat rx_ring_stats[] = {
	RING_STAT("packets", packets), RING_STAT("bytes", bytes),
	RING_STAT("drops", rx_dropped), RING_STAT("alloc_failed", alloc_failed),
	RING_STAT("csum_err", csum_err), RING_STAT("csum_good", csum_good),
	RING_STAT("non_eop", non_eop_descs), RING_STAT("errors", rx_errors),
	RING_STAT("runt", runt), RING_STAT("oversize", oversize),
	RING_STAT("dry", rx_dry),
};

static void put_stat(const char *name, uint64_t v)
{
	kprintf("     %s: %llu\n", name, (unsigned long long)v);
}

static void put_stat_n(const char *prefix, unsigned int n, const char *name, uint64_t v)
{
	kprintf("     %s_%u_%s: %llu\n", prefix, n, name, (unsigned long long)v);
}

static uint64_t stat_at(const void *base, const struct igb_stat *s)
{
	return *(const uint64_t *)((const uint8_t *)base + s->off);
}

static void put_table(const struct igb_stat *t, size_t n, const void *base)
{
	for (size_t i = 0; i < n; i++)
		put_stat(t[i].name, stat_at(base, &t[i]));
}

static void put_queue_table(const char *prefix, unsigned int q, const struct igb_stat *t,
			    size_t n, const void *base)
{
	for (size_t i = 0; i < n; i++)
		put_stat_n(prefix, q, t[i].name, stat_at(base, &t[i]));
}

static void igb_print_stats(struct igb_adapter *adapter)
{
	struct net_device *dev = &adapter->netdev;
	const struct igb_hw_stats *hs = &adapter->stats;
	struct rtnl_link_stats64 st;
	uint64_t csum_err = 0;

	igb_update_stats(adapter);
	igb_get_stats64(dev, &st);
	for (unsigned int q = 0; q < adapter->num_queues; q++)
		csum_err += adapter->rx_ring[q].stats.csum_err;

	kprintf("NIC statistics:\n");
	put_table(netdev_stats, ARRAY_SIZE(netdev_stats), &st);
	put_stat("rx_csum_errors", csum_err);
	put_stat("tx_timeout_count", adapter->tx_timeout_count);
	put_table(hw_stats, ARRAY_SIZE(hw_stats), hs);

	/* link, interrupts, hardware handshakes (the last three: all ports) */
	put_stat("link_changes", adapter->link_changes);
	put_stat("other_irqs", adapter->other_irqs);
	put_stat("intx_irqs", adapter->intx_irqs);
	put_stat("spurious_irqs", adapter->spurious_irqs);
	put_stat("rx_refill_kicks", adapter->rx_refill_kicks);
	put_stat("tx_clean_kicks", adapter->tx_clean_kicks);
	put_stat("rx_overruns", adapter->rx_overruns);
	put_stat("hw_reg_timeouts", igb_hw_errors.reg_timeouts);
	put_stat("hw_phy_errors", igb_hw_errors.phy_errors);
	put_stat("hw_nvm_errors", igb_hw_errors.nvm_errors);
	for (unsigned int v = 0; v < adapter->num_q_vectors; v++) {
		const struct igb_q_vector *qv = &adapter->q_vector[v];

		put_stat_n("q_vector", v, "irqs", qv->irqs);
		put_stat_n("q_vector", v, "polls", qv->napi.polls);
		put_stat_n("q_vector", v, "completes", qv->napi.completes);
	}

	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		const struct netdev_queue *txq = &dev->tx_queue[q];

		put_queue_table("tx_queue", q, tx_ring_stats, ARRAY_SIZE(tx_ring_stats),
				&adapter->tx_ring[q].stats);
		put_stat_n("tx_queue", q, "stops", txq->stops);
		put_stat_n("tx_queue", q, "wakes", txq->wakes);
	}
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		put_queue_table("rx_queue", q, rx_ring_stats, ARRAY_SIZE(rx_ring_stats),
				&adapter->rx_ring[q].stats);
		put_stat_n("rx_queue", q, "hw_drops", hs->rqdpc[q]);
		/* A gauge: the buffers the ring keeps posted now. */
		put_stat_n("rx_queue", q, "fill", adapter->rx_ring[q].rx_fill);
	}
}

static void igb_print_settings(struct igb_adapter *adapter)
{
	struct net_device *dev = &adapter->netdev;
	const struct pci_dev *pdev = adapter->pdev;
	const uint8_t *a = dev->dev_addr;
	uint16_t bmcr;
	unsigned int vectors;

	/* A closed port reports no link (igb_close): checking here would turn
	 * the carrier back on underneath it. */
	if (READ_ONCE(dev->up))
		igb_check_link(adapter);
	kprintf("Settings for %s:\n", dev->name);
	if (adapter->link_up) {
		kprintf("\tSpeed: %uMb/s\n", adapter->link_speed);
		kprintf("\tDuplex: %s\n", adapter->full_duplex ? "Full" : "Half");
	} else {
		kprintf("\tSpeed: Unknown!\n");
		kprintf("\tDuplex: Unknown! (255)\n");
	}
	if (igb_phy_read(&adapter->hw, PHY_BMCR, &bmcr) == 0)
		kprintf("\tAuto-negotiation: %s\n", bmcr & BMCR_ANENABLE ? "on" : "off");
	kprintf("\tLink detected: %s\n", adapter->link_up ? "yes" : "no");

	vectors = adapter->irq_mode == IGB_IRQ_MSIX ? adapter->num_q_vectors + 1 : 1;
	kprintf("driver: igb\n");
	kprintf("part: %s (8086:%04x rev %02x)\n",
		igb_part_names[adapter->hw.mac_type],
		adapter->hw.device_id, pdev->revision);
	kprintf("bus-info: %04x:%02x:%02x.%u\n", pdev->segment, pdev->bus, pdev->dev, pdev->fn);
	kprintf("mac: %02x:%02x:%02x:%02x:%02x:%02x\n", a[0], a[1], a[2], a[3], a[4], a[5]);
	kprintf("irq mode: %s, %u vector%s\n", igb_irq_modes[adapter->irq_mode], vectors,
		vectors == 1 ? "" : "s");
	kprintf("queues: %u\n", adapter->num_queues);
	kprintf("itr: %u us\n", adapter->itr_us);
	kprintf("mtu: %u\n", dev->mtu);
	kprintf("features:%s%s%s%s%s\n",
		dev->features & NETIF_F_SG ? " sg" : "",
		dev->features & NETIF_F_IP_CSUM ? " tx-checksum-ipv4" : "",
		dev->features & NETIF_F_TSO ? " tso" : "",
		dev->features & NETIF_F_RXCSUM ? " rx-checksum" : "",
		dev->features & NETIF_F_RXHASH ? " rxhash" : "");
}

#define ETHTOOL_USAGE \
	"usage: ethtool [-S] [ethN]\n" \
	"       ethtool -k|-g|-c ethN\n" \
	"       ethtool -K ethN tso|tx|tx-checksumming|rx|rx-checksumming on|off ...\n" \
	"       ethtool -G ethN [rx N] [tx N]\n" \
	"       ethtool -C ethN rx-usecs N\n"

static int cmd_ethtool(int argc, char **argv)
{
	bool stats = argc > 1 && strcmp(argv[1], "-S") == 0;
	int first = stats ? 2 : 1;
	struct igb_adapter *adapter;

	/* The settings options: ethtool -X ethN [arguments]. */
	if (argc > 1 && argv[1][0] == '-' && !stats) {
		int rc;

		if (argc < 3) {
			kprintf(ETHTOOL_USAGE);
			return 1;
		}
		adapter = igb_find(argv[2]);
		if (!adapter) {
			kprintf("ethtool: no igb device %s\n", argv[2]);
			return 1;
		}
		rc = igb_ethtool_settings(adapter, argv[1], argc - 3, argv + 3);
		if (rc < 0) {
			kprintf(ETHTOOL_USAGE);
			return 1;
		}
		return rc;
	}
	if (argc > first + 1) {
		kprintf(ETHTOOL_USAGE);
		return 1;
	}
	adapter = igb_find(argc > first ? argv[first] : NULL);
	if (!adapter) {
		kprintf("ethtool: no igb device %s\n", argc > first ? argv[first] : "at all");
		return 1;
	}
	if (stats)
		igb_print_stats(adapter);
	else
		igb_print_settings(adapter);
	return 0;
}
SHELL_COMMAND("ethtool", "ethtool [-S|-k|-K|-g|-G|-c|-C] [ethN ...]: igb link, counters, offloads, rings, moderation", cmd_ethtool);

/* ---- register dump ---- */

struct igb_reg_name {
	const char *name;
	uint32_t reg;
};

static void dump_regs(const struct igb_hw *hw, const struct igb_reg_name *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kprintf("  %-10s 0x%05x  0x%08x\n", r[i].name, r[i].reg, igb_rd32(hw, r[i].reg));
}

static void igb_dump_regs(struct igb_adapter *adapter)
{
	static const struct igb_reg_name general[] = {
		{ "CTRL", IGB_CTRL }, { "STATUS", IGB_STATUS }, { "EEC", IGB_EEC },
		{ "CTRL_EXT", IGB_CTRL_EXT }, { "MDIC", IGB_MDIC }, { "EEMNGCTL", IGB_EEMNGCTL },
		{ "VET", IGB_VET },
	};
	static const struct igb_reg_name interrupt[] = {
		{ "IMS", IGB_IMS }, { "IAM", IGB_IAM }, { "GPIE", IGB_GPIE },
		{ "EIMS", IGB_EIMS }, { "EIAC", IGB_EIAC }, { "EIAM", IGB_EIAM },
		{ "IVAR_MISC", IGB_IVAR_MISC },
	};
	static const struct igb_reg_name receive[] = {
		{ "RCTL", IGB_RCTL }, { "RXCSUM", IGB_RXCSUM }, { "RLPML", IGB_RLPML },
		{ "RFCTL", IGB_RFCTL }, { "MRQC", IGB_MRQC }, { "RXPBS", IGB_RXPBS },
		{ "RAL0", IGB_RAL(0) }, { "RAH0", IGB_RAH(0) },
	};
	static const struct igb_reg_name transmit[] = {
		{ "TCTL", IGB_TCTL }, { "TIPG", IGB_TIPG }, { "TXPBS", IGB_TXPBS },
	};
	static const struct igb_reg_name phy[] = {
		{ "BMCR", PHY_BMCR }, { "BMSR", PHY_BMSR }, { "PHYID1", PHY_ID1 }, { "PHYID2", PHY_ID2 },
	};
	struct igb_hw *hw = &adapter->hw;
	const struct pci_dev *pdev = adapter->pdev;
	const struct igb_hw_stats *s = &adapter->stats;
	unsigned int vectors = adapter->irq_mode == IGB_IRQ_MSIX ? adapter->num_q_vectors + 1 : 1;

	kprintf("%s registers (%04x:%02x:%02x.%u); ICR and EICR clear on read and are not shown\n",
		adapter->netdev.name, pdev->segment, pdev->bus, pdev->dev, pdev->fn);

	kprintf("general:\n");
	dump_regs(hw, general, ARRAY_SIZE(general));
	if (hw->mac_type != igb_82576)
		kprintf("  %-10s 0x%05x  0x%08x\n", "PHPM", IGB_PHPM, igb_rd32(hw, IGB_PHPM));
	for (size_t i = 0; i < ARRAY_SIZE(phy); i++) {
		uint16_t v;

		if (igb_phy_read(hw, phy[i].reg, &v) == 0)
			kprintf("  PHY %-6s  0x%02x     0x%04x\n", phy[i].name, phy[i].reg, v);
	}

	kprintf("interrupt:\n");
	dump_regs(hw, interrupt, ARRAY_SIZE(interrupt));
	for (unsigned int i = 0; i < IGB_IVAR_REGS; i++)
		kprintf("  IVAR%-6u 0x%05x  0x%08x\n", i, IGB_IVAR(i), igb_rd32(hw, IGB_IVAR(i)));
	for (unsigned int v = 0; v < vectors; v++)
		kprintf("  EITR%-6u 0x%05x  0x%08x\n", v, IGB_EITR(v), igb_rd32(hw, IGB_EITR(v)));

	kprintf("receive:\n");
	dump_regs(hw, receive, ARRAY_SIZE(receive));
	for (unsigned int q = 0; q < adapter->num_queues; q++)
		kprintf("  rx%u: RDBAL %08x RDBAH %08x RDLEN %u SRRCTL %08x RDH %u RDT %u RXDCTL %08x\n",
			q, igb_rd32(hw, IGB_RDBAL(q)), igb_rd32(hw, IGB_RDBAH(q)),
			igb_rd32(hw, IGB_RDLEN(q)), igb_rd32(hw, IGB_SRRCTL(q)),
			igb_rd32(hw, IGB_RDH(q)), igb_rd32(hw, IGB_RDT(q)),
			igb_rd32(hw, IGB_RXDCTL(q)));

	kprintf("transmit:\n");
	dump_regs(hw, transmit, ARRAY_SIZE(transmit));
	for (unsigned int q = 0; q < adapter->num_queues; q++)
		kprintf("  tx%u: TDBAL %08x TDBAH %08x TDLEN %u TDH %u TDT %u TXDCTL %08x\n",
			q, igb_rd32(hw, IGB_TDBAL(q)), igb_rd32(hw, IGB_TDBAH(q)),
			igb_rd32(hw, IGB_TDLEN(q)), igb_rd32(hw, IGB_TDH(q)),
			igb_rd32(hw, IGB_TDT(q)), igb_rd32(hw, IGB_TXDCTL(q)));

	igb_update_stats(adapter);
	kprintf("statistics (clear-on-read: folded into 64-bit totals, then shown):\n");
	kprintf("  CRCERRS %llu ALGNERRC %llu RXERRC %llu MPC %llu RNBC %llu\n",
		(unsigned long long)s->crcerrs, (unsigned long long)s->algnerrc,
		(unsigned long long)s->rxerrc, (unsigned long long)s->mpc,
		(unsigned long long)s->rnbc);
	kprintf("  RUC %llu RFC %llu ROC %llu RJC %llu TSCTC %llu\n",
		(unsigned long long)s->ruc, (unsigned long long)s->rfc,
		(unsigned long long)s->roc, (unsigned long long)s->rjc,
		(unsigned long long)s->tsctc);
	kprintf("  GPRC %llu BPRC %llu MPRC %llu GORC %llu TPR %llu TOR %llu\n",
		(unsigned long long)s->gprc, (unsigned long long)s->bprc,
		(unsigned long long)s->mprc, (unsigned long long)s->gorc,
		(unsigned long long)s->tpr, (unsigned long long)s->tor);
	kprintf("  GPTC %llu BPTC %llu MPTC %llu GOTC %llu TPT %llu TOT %llu\n",
		(unsigned long long)s->gptc, (unsigned long long)s->bptc,
		(unsigned long long)s->mptc, (unsigned long long)s->gotc,
		(unsigned long long)s->tpt, (unsigned long long)s->tot);
	for (unsigned int q = 0; q < adapter->num_queues; q++)
		kprintf("  RQDPC%u %llu\n", q, (unsigned long long)s->rqdpc[q]);
}

/* ---- fault injection (a test facility) ---- */

/* `igb inject tx-stall`: makes a TX queue stop making progress the way a
 * hung one does, so the watchdog's hang detection and queue reset
 * (igb_check_tx_hang) can be tested end to end on QEMU, which never hangs by
 * itself. With TXDCTL.ENABLE clear QEMU ignores TDT writes (TDH stays behind
 * TDT) and silicon stops fetching descriptors; the reset programs the queue
 * again. Packets queued in between are lost and counted in tx_dropped. */
static int igb_inject_tx_stall(struct igb_adapter *adapter, unsigned long q)
{
	const struct igb_hw *hw = &adapter->hw;
	struct net_device *dev = &adapter->netdev;
	uint8_t reg;

	if (!READ_ONCE(dev->up)) {
		kprintf("igb: %s is down: no watchdog to detect a stall\n", dev->name);
		return 1;
	}
	if (q >= adapter->num_queues) {
		kprintf("igb: %s has no tx queue %lu (queues 0-%u)\n", dev->name, q,
			adapter->num_queues - 1);
		return 1;
	}
	reg = adapter->tx_ring[q].reg_idx;
	/* Bottom halves off: a watchdog reset between the read and the write
	 * would be undone by it. */
	local_bh_disable();
	igb_wr32(hw, IGB_TXDCTL(reg), igb_rd32(hw, IGB_TXDCTL(reg)) & ~IGB_XDCTL_ENABLE);
	igb_wait_reg(hw, IGB_TXDCTL(reg), "TXDCTL", IGB_XDCTL_ENABLE, 0, 10000);
	local_bh_enable();
	pr_warn("igb: %s tx queue %lu stalled on request (TXDCTL.ENABLE cleared)\n", dev->name, q);
	return 0;
}

static bool igb_is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

#define IGB_USAGE "usage: igb regs [ethN]\n" \
		  "       igb inject tx-stall [ethN] [queue]   (test facility)\n"

static int cmd_igb(int argc, char **argv)
{
	const char *name = NULL;
	struct igb_adapter *adapter;
	unsigned long queue = 0;
	bool inject, have_queue = false;

	if (argc < 2)
		goto usage;
	inject = strcmp(argv[1], "inject") == 0;
	if (inject) {
		if (argc < 3 || strcmp(argv[2], "tx-stall") != 0)
			goto usage;
		/* The device, then the queue, each optional. */
		for (int i = 3; i < argc; i++) {
			if (!have_queue && igb_is_number(argv[i])) {
				queue = strtoul(argv[i], NULL, 10);
				have_queue = true;
			} else if (!have_queue && !name) {
				name = argv[i];
			} else {
				goto usage;
			}
		}
	} else if (strcmp(argv[1], "regs") == 0 && argc <= 3) {
		name = argc == 3 ? argv[2] : NULL;
	} else {
		goto usage;
	}
	adapter = igb_find(name);
	if (!adapter) {
		kprintf("igb: no igb device %s\n", name ? name : "at all");
		return 1;
	}
	if (inject)
		return igb_inject_tx_stall(adapter, queue);
	igb_dump_regs(adapter);
	return 0;
usage:
	kprintf(IGB_USAGE);
	return 1;
}
SHELL_COMMAND("igb", "igb regs [ethN]: register dump; igb inject tx-stall [ethN] [queue]: "
	      "stall a TX queue to test hang recovery", cmd_igb);
