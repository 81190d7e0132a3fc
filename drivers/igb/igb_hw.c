/* igb bring-up: reset, MAC address, receive filters, PHY access and link,
 * RSS and the hardware counters. Sequences are the datasheet's numbered
 * steps (igb-notes 2.3); where QEMU's model forces a choice the comment says
 * so. Nothing here sleeps: igb_check_link runs from the LSC interrupt and
 * the watchdog timer as well as from process context. */
#include <stdio.h>
#include "drivers/igb/igb.h"
#include "kernel/cmdline.h"
#include "kernel/irqflags.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

/* Short enough that a register which is already right costs one read, long
 * enough that a slow one is not hammered over PCIe. */
#define IGB_POLL_STEP_US	5
/* Linux allows 800 x 100 us for outstanding master requests to drain. */
#define IGB_MASTER_DISABLE_US	80000
/* CTRL.RST self-clears within microseconds; anything near this is a dead part. */
#define IGB_RST_CLEAR_US	10000
/* I350/I210 must not be touched for about a millisecond after CTRL.RST
 * (Linux waits the same before its first access on 82580-class parts). */
#define IGB_RST_SETTLE_US	1000
/* NVM auto-read after reset: Linux's limit. QEMU never sets AUTO_RD, so
 * every QEMU boot waits this in full, while the PHY negotiates. */
#define IGB_AUTO_RD_US		10000
/* When master disable cannot prove the bus quiet, Linux's settle time. */
#define IGB_QUIESCE_US		10000
/* One MDIO frame is 64 bits at 2.5 MHz, about 26 us; EERD reads one word. */
#define IGB_MDIC_US		10000
#define IGB_EERD_US		10000

/* STATUS bits 3:2: which LAN port of a multi-port part this function is. */
#define IGB_STATUS_LAN_ID_SHIFT	2
#define IGB_STATUS_LAN_ID_MASK	(3u << IGB_STATUS_LAN_ID_SHIFT)
/* I350: each port's NVM section, MAC address at its start (Linux's layout). */
#define IGB_I350_NVM_PORT_OFFSET(port) ((port) ? 0x40u + 0x40u * (port) : 0u)

struct igb_hw_errors igb_hw_errors;

/* ---- register polling ---- */

/* Polls until (reg & mask) == want. The deadline is taken before each read,
 * so the last read always happens after the deadline and a bit that arrives
 * during the final delay is still seen. */
static int igb_poll_reg(const struct igb_hw *hw, uint32_t reg, uint32_t mask,
			uint32_t want, uint32_t timeout_us, uint32_t *last)
{
	uint64_t deadline = ktime_get_ns() + (uint64_t)timeout_us * NSEC_PER_USEC;

	for (;;) {
		bool expired = ktime_get_ns() >= deadline;
		uint32_t v = igb_rd32(hw, reg);

		*last = v;
		if ((v & mask) == want)
			return 0;
		if (expired)
			return -1;
		udelay(IGB_POLL_STEP_US);
	}
}

int igb_wait_reg(const struct igb_hw *hw, uint32_t reg, const char *reg_name,
		 uint32_t mask, uint32_t want, uint32_t timeout_us)
{
	uint32_t last;

	if (igb_poll_reg(hw, reg, mask, want, timeout_us, &last) == 0)
		return 0;
	igb_hw_errors.reg_timeouts++;
	pr_warn("igb: timeout: %s (0x%05x) bits 0x%08x read 0x%08x, wanted 0x%08x, after %u us\n",
		reg_name, reg, mask, last & mask, want, timeout_us);
	return -1;
}

static const char *igb_pci_name(const struct igb_adapter *adapter, char *buf, size_t size)
{
	const struct pci_dev *d = adapter->pdev;

	snprintf(buf, size, "%04x:%02x:%02x.%u", d->segment, d->bus, d->dev, d->fn);
	return buf;
}

/* ---- reset ---- */

int igb_reset_hw(struct igb_adapter *adapter)
{
	struct igb_hw *hw = &adapter->hw;
	char where[16];
	uint32_t last;
	bool drained, nvm_loaded, link_started;

	/* 1. Mask every cause, legacy and extended, so nothing fires mid-reset. */
	igb_wr32(hw, IGB_IMC, ~0u);
	igb_wr32(hw, IGB_EIMC, ~0u);
	igb_flush(hw);

	/* 2. Stop issuing DMA: a reset with a request in flight can wedge the
	 *    PCIe link. STATUS.GIO_MASTER_ENABLE drops once none is outstanding. */
	igb_wr32(hw, IGB_CTRL, igb_rd32(hw, IGB_CTRL) | IGB_CTRL_GIO_MASTER_DISABLE);
	drained = igb_wait_reg(hw, IGB_STATUS, "STATUS.GIO_MASTER_ENABLE",
			       IGB_STATUS_GIO_MASTER_ENABLE, 0, IGB_MASTER_DISABLE_US) == 0;

	/* 3. Receiver and transmitter off. */
	igb_wr32(hw, IGB_RCTL, 0);
	igb_wr32(hw, IGB_TCTL, IGB_TCTL_PSP);
	igb_flush(hw);

	/* 4. Settle only when step 2 could not show the bus idle: the status bit
	 *    is the device saying there is nothing left to wait for. */
	if (!drained)
		udelay(IGB_QUIESCE_US);

	/* 5. Software reset of the whole MAC; RST self-clears. */
	igb_wr32(hw, IGB_CTRL, igb_rd32(hw, IGB_CTRL) | IGB_CTRL_RST);
	if (hw->mac_type != igb_82576)
		udelay(IGB_RST_SETTLE_US);
	if (igb_wait_reg(hw, IGB_CTRL, "CTRL.RST", IGB_CTRL_RST, 0, IGB_RST_CLEAR_US) < 0)
		return -1;

	/* 6. Restart negotiation at once. Every reset drops the link (QEMU keeps
	 *    it down until the PHY is told to negotiate) and negotiation is the
	 *    longest step of bring-up, so the NVM wait below runs alongside it. */
	nvm_loaded = igb_rd32(hw, IGB_EEC) & IGB_EEC_AUTO_RD;
	link_started = igb_start_link(adapter) == 0;

	/* 7. Wait for the NVM auto-read (RAR0 and the defaults); bounded, since
	 *    QEMU never reports it done and a blank NVM never finishes either. */
	if (!nvm_loaded) {
		if (igb_poll_reg(hw, IGB_EEC, IGB_EEC_AUTO_RD, IGB_EEC_AUTO_RD,
				 IGB_AUTO_RD_US, &last) == 0)
			/* Done after step 6: the load may have rewritten CTRL's link
			 * bits, so negotiate again (silicon: ms against seconds). */
			link_started = igb_start_link(adapter) == 0;
		else
			pr_debug("igb %s: EEC.AUTO_RD still clear after %u us (EEC 0x%08x), going on\n",
				 igb_pci_name(adapter, where, sizeof(where)), IGB_AUTO_RD_US, last);
	}
	if (!link_started)
		pr_warn("igb %s: PHY did not take the autonegotiation restart; link may stay down\n",
			igb_pci_name(adapter, where, sizeof(where)));

	/* 8. Causes latched while resetting must not fire later: mask, then
	 *    read ICR to clear them. */
	igb_wr32(hw, IGB_IMC, ~0u);
	(void)igb_rd32(hw, IGB_ICR);

	/* 9. Tell manageability firmware the driver owns the port now. */
	igb_wr32(hw, IGB_CTRL_EXT, igb_rd32(hw, IGB_CTRL_EXT) | IGB_CTRL_EXT_DRV_LOAD);
	return 0;
}

/* ---- MAC address ---- */

struct igb_mac_override {
	bool set;
	uint8_t addr[ETH_ALEN];
};

static struct igb_mac_override igb_mac_param;
/* The first port probed (eth0) takes the override; a second port with the
 * same address would only confuse the network. */
static bool igb_mac_param_used;


static bool igb_valid_mac(const uint8_t *a)
{
	uint8_t any = 0;

	for (unsigned i = 0; i < ETH_ALEN; i++)
		any |= a[i];
	return any && !(a[0] & 1);
}

static int igb_mac_parse(const char *val, void *var)
{
	struct igb_mac_override *m = var;
	uint8_t a[ETH_ALEN];

	const char *end = cmdline_scan_mac(val, a);

	if (!end || *end)
		return -1;
	/* A multicast or all-zero source address is never valid on the wire. */
	if (!igb_valid_mac(a))
		return -1;
	for (unsigned i = 0; i < ETH_ALEN; i++)
		m->addr[i] = a[i];
	m->set = true;
	return 0;
}

static void igb_mac_format(const void *var, char *buf, size_t size)
{
	const struct igb_mac_override *m = var;

	if (!m->set)
		snprintf(buf, size, "(the NIC's own)");
	else
		snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m->addr[0], m->addr[1],
			 m->addr[2], m->addr[3], m->addr[4], m->addr[5]);
}

static const struct kparam_custom igb_mac_ops = {
	.parse = igb_mac_parse,
	.format = igb_mac_format,
	.expected = "a unicast, non-zero aa:bb:cc:dd:ee:ff",
};
KPARAM_CUSTOM("mac", igb_mac_param, &igb_mac_ops, "MAC address for eth0 instead of the NIC's own");

static int igb_read_nvm_word(struct igb_hw *hw, uint32_t word, uint16_t *val)
{
	/* 82576 EERD layout: address in bits 15:2, DONE bit 1 (not the 8254x one). */
	igb_wr32(hw, IGB_EERD, word << IGB_EERD_ADDR_SHIFT | IGB_EERD_START);
	if (igb_wait_reg(hw, IGB_EERD, "EERD.DONE", IGB_EERD_DONE, IGB_EERD_DONE, IGB_EERD_US) < 0) {
		igb_hw_errors.nvm_errors++;
		return -1;
	}
	*val = (uint16_t)(igb_rd32(hw, IGB_EERD) >> IGB_EERD_DATA_SHIFT);
	return 0;
}

/* NVM words hold the address as little-endian byte pairs. */
static int igb_read_nvm_mac(struct igb_hw *hw, uint8_t *addr)
{
	uint32_t port = (igb_rd32(hw, IGB_STATUS) & IGB_STATUS_LAN_ID_MASK) >> IGB_STATUS_LAN_ID_SHIFT;
	uint32_t base = hw->mac_type == igb_i350 ? IGB_I350_NVM_PORT_OFFSET(port) : 0;

	for (uint32_t i = 0; i < ETH_ALEN / 2; i++) {
		uint16_t w;

		if (igb_read_nvm_word(hw, base + i, &w) < 0)
			return -1;
		addr[2 * i] = (uint8_t)w;
		addr[2 * i + 1] = (uint8_t)(w >> 8);
	}
	/* 82576 ports share one address in the NVM; the odd port flips bit 0. */
	if (hw->mac_type == igb_82576 && (port & 1))
		addr[ETH_ALEN - 1] ^= 1;
	return 0;
}

static void igb_write_rar(struct igb_hw *hw, unsigned int n, const uint8_t *a, bool valid)
{
	uint32_t ral = (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 |
		       (uint32_t)a[3] << 24;
	uint32_t rah = (uint32_t)a[4] | (uint32_t)a[5] << 8;

	/* Invalidate first so the filter never matches a half-written address. */
	igb_wr32(hw, IGB_RAH(n), 0);
	igb_wr32(hw, IGB_RAL(n), ral);
	if (valid)
		igb_wr32(hw, IGB_RAH(n), rah | IGB_RAH_AV);
}

void igb_read_mac_addr(struct igb_adapter *adapter)
{
	struct igb_hw *hw = &adapter->hw;
	uint32_t ral = igb_rd32(hw, IGB_RAL(0)), rah = igb_rd32(hw, IGB_RAH(0));
	uint8_t a[ETH_ALEN] = {
		(uint8_t)ral, (uint8_t)(ral >> 8), (uint8_t)(ral >> 16), (uint8_t)(ral >> 24),
		(uint8_t)rah, (uint8_t)(rah >> 8),
	};
	bool program_rar0 = false;
	char where[16];

	/* 1. RAR0, which reset reloaded from the NVM (QEMU: the mac= property). */
	if (!(rah & IGB_RAH_AV) || !igb_valid_mac(a)) {
		/* 2. Else the NVM itself, and then RAR0 must be given it. I210/I211
		 *    keep theirs in flash or iNVM, which EERD does not reach. */
		program_rar0 = hw->mac_type != igb_i210 && hw->mac_type != igb_i211 &&
			       igb_read_nvm_mac(hw, a) == 0 && igb_valid_mac(a);
		if (!program_rar0) {
			/* All-zero: probe refuses the port unless mac= rescues it. */
			for (unsigned i = 0; i < ETH_ALEN; i++)
				a[i] = 0;
		}
	}
	for (unsigned i = 0; i < ETH_ALEN; i++) {
		hw->perm_addr[i] = a[i];
		adapter->netdev.perm_addr[i] = a[i];
		adapter->netdev.dev_addr[i] = a[i];
	}

	/* 3. The mac= option replaces it, in the receive filter too. */
	if (igb_mac_param.set && !igb_mac_param_used) {
		igb_mac_param_used = true;
		for (unsigned i = 0; i < ETH_ALEN; i++)
			adapter->netdev.dev_addr[i] = igb_mac_param.addr[i];
		program_rar0 = true;
		pr_info("igb %s: MAC address from the mac= option\n",
			igb_pci_name(adapter, where, sizeof(where)));
	}
	if (program_rar0)
		igb_write_rar(hw, 0, adapter->netdev.dev_addr, true);
}

/* ---- receive filters ---- */

/* Receive-address entries per part: 82576 16 + 8, I350 32, I210/I211 16. */
static const uint8_t igb_rar_entries[] = {
	[igb_82576] = 24,
	[igb_i350] = 32,
	[igb_i210] = 16,
	[igb_i211] = 16,
};

void igb_init_filters(struct igb_adapter *adapter)
{
	static const uint8_t zero[ETH_ALEN];
	struct igb_hw *hw = &adapter->hw;

	/* 1. Keep RAR0 (our address); clear every other unicast entry, which
	 *    firmware or a previous driver may have left valid. */
	for (unsigned int n = 1; n < igb_rar_entries[hw->mac_type]; n++)
		igb_write_rar(hw, n, zero, false);
	/* 2. No multicast groups until someone joins one. */
	for (unsigned int n = 0; n < 128; n++)
		igb_wr32(hw, IGB_MTA(n), 0);
	igb_flush(hw);
}

/* ---- PHY ---- */

static int igb_mdic(struct igb_hw *hw, uint32_t op, uint32_t reg, uint16_t data, uint16_t *out)
{
	uint32_t mdic;

	if (reg > 31)
		return -1;
	igb_wr32(hw, IGB_MDIC, op | reg << IGB_MDIC_REG_SHIFT |
		 (uint32_t)IGB_PHY_ADDR << IGB_MDIC_PHY_SHIFT | data);
	if (igb_wait_reg(hw, IGB_MDIC, "MDIC.READY", IGB_MDIC_READY, IGB_MDIC_READY, IGB_MDIC_US) < 0) {
		igb_hw_errors.phy_errors++;
		return -1;
	}
	mdic = igb_rd32(hw, IGB_MDIC);
	if (mdic & IGB_MDIC_ERROR) {
		/* No PHY answered at this address (QEMU answers only at 1). */
		igb_hw_errors.phy_errors++;
		pr_warn("igb: MDIC error: PHY %u register %u %s\n", IGB_PHY_ADDR, reg,
			op == IGB_MDIC_OP_READ ? "read" : "write");
		return -1;
	}
	if (out)
		*out = (uint16_t)(mdic & IGB_MDIC_DATA_MASK);
	return 0;
}

int igb_phy_read(struct igb_hw *hw, uint32_t reg, uint16_t *val)
{
	return igb_mdic(hw, IGB_MDIC_OP_READ, reg, 0, val);
}

int igb_phy_write(struct igb_hw *hw, uint32_t reg, uint16_t val)
{
	return igb_mdic(hw, IGB_MDIC_OP_WRITE, reg, val, NULL);
}

/* ---- link ---- */

int igb_start_link(struct igb_adapter *adapter)
{
	struct igb_hw *hw = &adapter->hw;
	uint32_t ctrl = igb_rd32(hw, IGB_CTRL);
	uint16_t bmcr;

	/* 1. Speed and duplex come from autonegotiation, not forced; SLU ties the
	 *    MAC to the PHY's link on silicon (QEMU ignores it). */
	ctrl &= ~(IGB_CTRL_FRCSPD | IGB_CTRL_FRCDPX);
	igb_wr32(hw, IGB_CTRL, ctrl | IGB_CTRL_SLU);

	/* 2. I350/I210/I211 keep the copper PHY off the wire while GO_LINK_D is set. */
	if (hw->mac_type != igb_82576)
		igb_wr32(hw, IGB_PHPM, igb_rd32(hw, IGB_PHPM) & ~IGB_PHPM_GO_LINK_D);

	/* 3. Power the PHY up and restart negotiation. QEMU brings the link up
	 *    (and raises LSC) 0.5 s after this write and never without it;
	 *    silicon takes seconds. Nobody waits here. */
	if (igb_phy_read(hw, PHY_BMCR, &bmcr) < 0)
		return -1;
	bmcr &= (uint16_t)~BMCR_PDOWN;
	bmcr |= BMCR_ANENABLE | BMCR_ANRESTART;
	return igb_phy_write(hw, PHY_BMCR, bmcr);
}

static uint16_t igb_status_speed(uint32_t status)
{
	switch ((status & IGB_STATUS_SPEED_MASK) >> IGB_STATUS_SPEED_SHIFT) {
	case 0:
		return 10;
	case 1:
		return 100;
	default:
		return 1000;
	}
}

/* Interrupts stay off while the state flips, because the LSC handler can
 * interrupt the watchdog or a process-context caller in the middle; the
 * line is printed afterwards so a slow console does not hold them off. */
void igb_check_link(struct igb_adapter *adapter)
{
	struct net_device *dev = &adapter->netdev;
	unsigned long flags = local_irq_save();
	uint32_t status = igb_rd32(&adapter->hw, IGB_STATUS);
	bool up = status & IGB_STATUS_LU;

	if (up == adapter->link_up) {
		local_irq_restore(flags);
		return;
	}
	adapter->link_up = up;
	adapter->link_changes++;
	adapter->link_speed = up ? igb_status_speed(status) : 0;
	adapter->full_duplex = up && (status & IGB_STATUS_FD);
	dev->speed = adapter->link_speed;
	dev->full_duplex = adapter->full_duplex;
	if (up) {
		netif_carrier_on(dev);
		for (unsigned int q = 0; q < adapter->num_queues; q++)
			netif_tx_wake_queue(netdev_get_tx_queue(dev, q));
	} else {
		netif_carrier_off(dev);
		for (unsigned int q = 0; q < adapter->num_queues; q++)
			netif_tx_stop_queue(netdev_get_tx_queue(dev, q));
	}
	local_irq_restore(flags);

	if (up)
		pr_info("igb: %s NIC Link is Up %u Mbps %s Duplex\n", dev->name,
			adapter->link_speed, adapter->full_duplex ? "Full" : "Half");
	else
		pr_info("igb: %s NIC Link is Down\n", dev->name);
}

/* ---- RSS ---- */

/* The Toeplitz key from Microsoft's RSS verification suite: fixed, so a
 * flow's queue is the same on every boot and can be checked by hand. */
static const uint8_t igb_rss_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define IGB_RETA_ENTRIES 128

void igb_setup_rss(struct igb_adapter *adapter)
{
	struct igb_hw *hw = &adapter->hw;
	unsigned int n = adapter->num_queues;

	if (n <= 1)
		return;

	/* 1. Hash key: ten registers, key byte 4i in the low byte of RSSRK(i). */
	for (unsigned int i = 0; i < sizeof(igb_rss_key) / 4; i++)
		igb_wr32(hw, IGB_RSSRK(i),
			 (uint32_t)igb_rss_key[4 * i] | (uint32_t)igb_rss_key[4 * i + 1] << 8 |
			 (uint32_t)igb_rss_key[4 * i + 2] << 16 |
			 (uint32_t)igb_rss_key[4 * i + 3] << 24);

	/* 2. Redirection table: hash & 127 picks an entry, entry e sends to
	 *    queue e mod n; four one-byte entries per register, lowest first. */
	for (unsigned int r = 0; r < IGB_RETA_ENTRIES / 4; r++) {
		uint32_t v = 0;

		for (unsigned int b = 0; b < 4; b++)
			v |= (uint32_t)((4 * r + b) % n) << (8 * b);
		igb_wr32(hw, IGB_RETA(r), v);
	}

	/* 3. Put the hash in the descriptor instead of IP id / checksum; QEMU
	 *    only does RSS with PCSD set. L3/L4 checksum status is unaffected. */
	igb_wr32(hw, IGB_RXCSUM, igb_rd32(hw, IGB_RXCSUM) | IGB_RXCSUM_PCSD);

	/* 4. Turn RSS on over IPv4 and IPv6, TCP and UDP. IPv6/TCP also sets the
	 *    extension-header variant: QEMU keys IPv6/TCP hashing on that bit. */
	igb_wr32(hw, IGB_MRQC, IGB_MRQC_ENABLE_RSS |
		 IGB_MRQC_RSS_IPV4 | IGB_MRQC_RSS_IPV4_TCP | IGB_MRQC_RSS_IPV4_UDP |
		 IGB_MRQC_RSS_IPV6 | IGB_MRQC_RSS_IPV6_TCP | IGB_MRQC_RSS_IPV6_TCPEX);
	igb_flush(hw);
}

/* ---- statistics ---- */

/* Low half first, then high, the datasheet's order; QEMU clears both halves
 * when the high one is read. */
static uint64_t igb_rd64(const struct igb_hw *hw, uint32_t lo, uint32_t hi)
{
	uint64_t l = igb_rd32(hw, lo);

	return l | (uint64_t)igb_rd32(hw, hi) << 32;
}

/* Called from the watchdog (softirq) and from shell commands (process
 * context); bottom halves off keeps the two from losing each other's reads. */
void igb_update_stats(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;
	struct igb_hw_stats *s = &adapter->stats;

	local_bh_disable();
	s->crcerrs += igb_rd32(hw, IGB_CRCERRS);
	s->algnerrc += igb_rd32(hw, IGB_ALGNERRC);
	s->rxerrc += igb_rd32(hw, IGB_RXERRC);
	s->mpc += igb_rd32(hw, IGB_MPC);
	s->ruc += igb_rd32(hw, IGB_RUC);
	s->rfc += igb_rd32(hw, IGB_RFC);
	s->roc += igb_rd32(hw, IGB_ROC);
	s->rjc += igb_rd32(hw, IGB_RJC);
	s->rnbc += igb_rd32(hw, IGB_RNBC);
	s->gprc += igb_rd32(hw, IGB_GPRC);
	s->bprc += igb_rd32(hw, IGB_BPRC);
	s->mprc += igb_rd32(hw, IGB_MPRC);
	s->gptc += igb_rd32(hw, IGB_GPTC);
	s->gorc += igb_rd64(hw, IGB_GORCL, IGB_GORCH);
	s->gotc += igb_rd64(hw, IGB_GOTCL, IGB_GOTCH);
	s->tor += igb_rd64(hw, IGB_TORL, IGB_TORH);
	s->tot += igb_rd64(hw, IGB_TOTL, IGB_TOTH);
	s->tpr += igb_rd32(hw, IGB_TPR);
	s->tpt += igb_rd32(hw, IGB_TPT);
	s->mptc += igb_rd32(hw, IGB_MPTC);
	s->bptc += igb_rd32(hw, IGB_BPTC);
	s->tsctc += igb_rd32(hw, IGB_TSCTC);
	for (unsigned int q = 0; q < adapter->num_queues; q++) {
		s->rqdpc[q] += igb_rd32(hw, IGB_RQDPC(q));
		/* I210/I211 keep RQDPC across reads: clear it by hand. */
		if (hw->mac_type == igb_i210 || hw->mac_type == igb_i211)
			igb_wr32(hw, IGB_RQDPC(q), 0);
	}
	local_bh_enable();
}
