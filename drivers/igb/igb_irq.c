/* igb interrupts: getting a vector (MSI-X, else MSI, else INTx), routing the
 * device's causes to it, the hard-IRQ handlers and the NAPI poll they start.
 *
 * The article's receive/completion path lives here: igb_msix_ring ->
 * napi_schedule -> (NET_RX softirq) -> igb_poll -> igb_clean_tx_irq, then
 * igb_clean_rx_irq. A handler only acknowledges, masks its cause and
 * schedules; link changes are the one thing handled in place, because
 * igb_check_link is a register read and a carrier flip.
 *
 * Call order: igb_request_irq once (it may lower num_queues, so before rings
 * and RSS are set up), igb_configure_irq after every device reset (a reset
 * clears GPIE, IVAR and EITR), igb_irq_enable when the rings are live.
 *
 * Lost wake-ups. ringos' NAPI has no "missed" flag: napi_schedule on a napi
 * that is already scheduled does nothing. A hard IRQ that lands while the poll
 * is running has just acknowledged a cause the poll may already have looked
 * past, so the handler hands that cause back to the device (ICS / EICS) while
 * it is masked; re-arming at the end of the poll then fires once more.
 *
 * INTx routing. The IOAPIC pin is taken from PCI_INTERRUPT_LINE. Under QEMU
 * q35 SeaBIOS writes the PIRQ's ISA IRQ there (10 or 11; the NIC in slot 2
 * reads 11), and QEMU's ICH9 drives the IOAPIC input of that number as well
 * as the 8259 one, so it serves as the GSI (tested under TCG: link and queue
 * interrupts arrive on GSI 11). QEMU's IOAPIC ignores the redirection
 * entry's polarity, so the active-low programming of irq_setup_gsi_level does
 * not clash with the MADT's active-high override for IRQ 11 there. On bare
 * metal the APIC-mode routing comes from the ACPI _PRT, which ringos does not
 * evaluate, so INTx there is a best effort: the line usually names an 8259
 * input, not an IOAPIC one. */
#include <stdio.h>
#include "drivers/igb/igb.h"
#include "kernel/irqflags.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/trace.h"

/* MSI-X table entry, IVAR vector number and EIMS bit of the "other" vector. */
#define IGB_OTHER_VECTOR	0

#define IGB_GPIE_MSIX	(IGB_GPIE_NSICR | IGB_GPIE_MSIX_MODE | IGB_GPIE_EIAME | IGB_GPIE_PBA)

/* DOUTSYNC and DRSTA stay masked in every mode: nothing here could act on
 * them from interrupt context (the watchdog's hang check covers what they
 * lead to), and in MSI-X mode QEMU routes DRSTA to an IVAR_MISC entry this
 * driver leaves invalid. */

/* RXO: the device dropped frames for want of a free descriptor on their
 * queue. Under QEMU with several queues this is the only trace of frames RSS
 * steered to a full ring (no MPC, RNBC or RQDPC counts them), so it is taken
 * as an interrupt, only to be counted (rx_overruns): ICR latches it with or
 * without the mask, but only reading ICR in the handler clears it, and each
 * report after a clear raises a new message. Drops between two reports count
 * once. */

/* MSI-X: link changes and receive overruns go to the "other" vector. */
#define IGB_MSIX_IMS	(IGB_ICR_LSC | IGB_ICR_RXO)

/* MSI / INTx: one vector carries everything, told apart in ICR. */
#define IGB_LEGACY_QUEUE_CAUSES	(IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0)
#define IGB_LEGACY_LINK_CAUSES	(IGB_ICR_LSC | IGB_ICR_RXSEQ)
#define IGB_LEGACY_IMS		(IGB_LEGACY_QUEUE_CAUSES | IGB_LEGACY_LINK_CAUSES | \
				 IGB_ICR_RXO)

#define IGB_IVAR_REGS	8	/* IVAR0..7 */

static const char *const igb_irq_mode_name[] = {
	[IGB_IRQ_MSIX] = "MSI-X",
	[IGB_IRQ_MSI] = "MSI",
	[IGB_IRQ_INTX] = "INTx",
};

void igb_ivar_location(enum igb_mac_type mac, unsigned int queue, bool tx,
		       unsigned int *reg, unsigned int *shift)
{
	unsigned int byte;

	if (mac == igb_82576) {
		/* Column-major: queues 0-7 in bytes 0/1, 8-15 in bytes 2/3. */
		*reg = queue & 7;
		byte = (queue < 8 ? 0 : 2) + (tx ? 1 : 0);
	} else {
		/* Row-major: two queues per register, the odd one in the high half. */
		*reg = queue >> 1;
		byte = (queue & 1) * 2 + (tx ? 1 : 0);
	}
	*shift = byte * 8;
}

/* ---- hard IRQ handlers ---------------------------------------------------- */

static void igb_msix_ring(void *data)
{
	TRACE_FUNC_CTX(TP_igb_msix_ring);
	struct igb_q_vector *q = data;
	struct igb_adapter *adapter = q->adapter;
	const struct igb_hw *hw = &adapter->hw;

	/* EIAC already cleared the cause; the mask is ours to set because QEMU
	 * does not emulate EIAM. igb_poll unmasks when it completes. */
	igb_wr32(hw, IGB_EIMC, q->eims_value);
	q->irqs++;
	if (!napi_schedule(&q->napi)) {
		/* Masked and already polling: QEMU's trailing EITR message, which
		 * also auto-cleared a cause the running poll may have missed. */
		adapter->spurious_irqs++;
		igb_wr32(hw, IGB_EICS, q->eims_value);
	}
}

static void igb_msix_other(void *data)
{
	struct igb_adapter *adapter = data;
	/* With GPIE.NSICR the read clears ICR; a cause left set there would
	 * keep the next link change from raising a new message. */
	uint32_t icr = igb_rd32(&adapter->hw, IGB_ICR);

	adapter->other_irqs++;
	if (!(icr & IGB_MSIX_IMS)) {
		adapter->spurious_irqs++;
		return;
	}
	if (icr & IGB_ICR_RXO)
		adapter->rx_overruns++;
	/* No EIMS re-arm: without EIAM nothing masked this vector, and a write
	 * here could undo an igb_irq_disable this message raced with. */
	if (icr & IGB_ICR_LSC)
		igb_check_link(adapter);
}

/* MSI and INTx after ICR was read (and so cleared). */
static void igb_legacy_causes(struct igb_adapter *adapter, uint32_t icr)
{
	const struct igb_hw *hw = &adapter->hw;
	struct igb_q_vector *q = &adapter->q_vector[0];
	uint32_t queue = icr & IGB_LEGACY_QUEUE_CAUSES;

	if (queue) {
		igb_wr32(hw, IGB_IMC, IGB_LEGACY_QUEUE_CAUSES);
		q->irqs++;
		if (!napi_schedule(&q->napi))
			igb_wr32(hw, IGB_ICS, queue);
	}
	if (icr & IGB_LEGACY_LINK_CAUSES) {
		adapter->other_irqs++;
		igb_check_link(adapter);
	}
	if (icr & IGB_ICR_RXO)
		adapter->rx_overruns++;
}

static void igb_intr_msi(void *data)
{
	struct igb_adapter *adapter = data;
	uint32_t icr = igb_rd32(&adapter->hw, IGB_ICR);

	if (!(icr & IGB_LEGACY_IMS)) {
		adapter->spurious_irqs++;
		return;
	}
	igb_legacy_causes(adapter, icr);
}

static void igb_intr_intx(void *data)
{
	struct igb_adapter *adapter = data;
	const struct igb_hw *hw = &adapter->hw;
	uint32_t icr = igb_rd32(hw, IGB_ICR);

	adapter->intx_irqs++;
	if (!(icr & IGB_ICR_INT_ASSERTED)) {
		/* Another device on the line. Only masked causes can be pending
		 * without INT_ASSERTED; put back what the read cleared. */
		adapter->spurious_irqs++;
		if (icr)
			igb_wr32(hw, IGB_ICS, icr);
		return;
	}
	igb_legacy_causes(adapter, icr);
}

/* ---- NAPI ----------------------------------------------------------------- */

static void igb_ring_irq_enable(struct igb_q_vector *q)
{
	const struct igb_hw *hw = &q->adapter->hw;

	if (q->adapter->irq_mode == IGB_IRQ_MSIX)
		igb_wr32(hw, IGB_EIMS, q->eims_value);
	else
		igb_wr32(hw, IGB_IMS, IGB_LEGACY_QUEUE_CAUSES);
}

int igb_poll(struct napi_struct *napi, int budget)
{
	TRACE_FUNC_CTX(TP_igb_poll);
	struct igb_q_vector *q = container_of(napi, struct igb_q_vector, napi);
	uint16_t tx_from = q->tx_ring->next_to_clean;
	bool tx_done = igb_clean_tx_irq(q, budget);
	int work = igb_clean_rx_irq(q, budget);
	unsigned long flags;

	/* A moved next_to_clean is a reaped completion: memory the poll has
	 * just written, so the cause counters cost no register read. */
	napi_report(napi, (unsigned int)work, q->tx_ring->next_to_clean != tx_from);

	if (!tx_done || work >= budget)
		return budget;
	/* An interrupt between completing and unmasking would schedule a new
	 * poll and then have its vector unmasked underneath it. */
	flags = local_irq_save();
	if (napi_complete_done(napi, work))
		igb_ring_irq_enable(q);
	local_irq_restore(flags);
	return work;
}

/* ---- getting vectors ------------------------------------------------------ */

/* Entry 0 for link, one entry per queue pair after it. Returns the number of
 * queue pairs that got a vector, or 0 with MSI-X left off. */
static unsigned int igb_setup_msix(struct igb_adapter *adapter)
{
	struct pci_dev *pdev = adapter->pdev;
	unsigned int nvec = MIN(adapter->num_queues + 1, (unsigned int)pdev->msix_table_size);
	unsigned int pairs = 0;
	int vec;

	if (nvec < 2 || pci_msix_enable(pdev, nvec) < 0)
		return 0;
	vec = pci_msix_set_vector(pdev, IGB_OTHER_VECTOR, igb_msix_other, adapter, "igb-link");
	if (vec < 0)
		goto fail;
	adapter->other_vector = vec;
	/* Out of IDT vectors part way: run with the pairs that got one; the
	 * entries left over stay masked. */
	while (pairs < nvec - 1) {
		struct igb_q_vector *q = &adapter->q_vector[pairs];

		vec = pci_msix_set_vector(pdev, pairs + 1, igb_msix_ring, q, q->name);
		if (vec < 0)
			break;
		q->irq_vector = vec;
		pairs++;
	}
	if (pairs)
		return pairs;
fail:
	pci_msix_disable(pdev);
	return 0;
}

static int igb_setup_intx(struct igb_adapter *adapter)
{
	struct pci_dev *pdev = adapter->pdev;

	/* 0 (never a PCI IRQ) and 0xFF (PCI's "unknown") mean firmware routed nothing. */
	if (!pdev->irq_pin || pdev->irq_line == 0 || pdev->irq_line == 0xFF) {
		pr_warn("igb %04x:%02x:%02x.%u: no INTx routing (pin %u, line %u)\n",
			pdev->segment, pdev->bus, pdev->dev, pdev->fn,
			pdev->irq_pin, pdev->irq_line);
		return -1;
	}
	pci_intx_disable(pdev, false);
	return irq_setup_gsi_level(pdev->irq_line, igb_intr_intx, adapter, "igb-intx");
}

int igb_request_irq(struct igb_adapter *adapter)
{
	struct pci_dev *pdev = adapter->pdev;
	enum igb_irq_mode asked = adapter->irq_mode;
	unsigned int wanted = MIN(MAX(adapter->num_queues, 1u), (unsigned int)IGB_MAX_QUEUES);
	bool msix = false;
	uint32_t itr;
	int vec = -1;
	char note[80] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < IGB_MAX_QUEUES; i++)
		snprintf(adapter->q_vector[i].name, sizeof(adapter->q_vector[i].name),
			 "igb-q%u", i);
	adapter->num_queues = wanted;

	if (asked == IGB_IRQ_MSIX) {
		unsigned int pairs = igb_setup_msix(adapter);

		if (pairs) {
			msix = true;
			adapter->irq_mode = IGB_IRQ_MSIX;
			adapter->num_queues = pairs;
		}
	}
	if (!msix && asked != IGB_IRQ_INTX) {
		vec = pci_enable_msi(pdev, igb_intr_msi, adapter, "igb");
		if (vec >= 0)
			adapter->irq_mode = IGB_IRQ_MSI;
	}
	if (!msix && vec < 0) {
		vec = igb_setup_intx(adapter);
		if (vec < 0) {
			pr_err("igb %04x:%02x:%02x.%u: no interrupt: MSI-X, MSI and INTx all failed\n",
			       pdev->segment, pdev->bus, pdev->dev, pdev->fn);
			return -1;
		}
		adapter->irq_mode = IGB_IRQ_INTX;
		n += (size_t)snprintf(note, sizeof(note), ", GSI %u level", pdev->irq_line);
	}
	if (!msix) {
		/* A single vector cannot tell queues apart; it carries the link
		 * causes as well. */
		adapter->num_queues = 1;
		adapter->other_vector = vec;
		adapter->q_vector[0].irq_vector = vec;
	}

	itr = igb_itr_to_eitr(adapter->itr_us);
	adapter->num_q_vectors = adapter->num_queues;
	adapter->eims_other = msix ? 1u << IGB_OTHER_VECTOR : 0;
	adapter->eims_enable_mask = 0;
	for (unsigned int i = 0; i < adapter->num_q_vectors; i++) {
		struct igb_q_vector *q = &adapter->q_vector[i];

		q->adapter = adapter;
		q->v_idx = msix ? i + 1 : 0;
		/* Without MSI-X the queue causes are tracked in ICR, not EICR. */
		q->eims_value = msix ? 1u << q->v_idx : 0;
		q->itr_val = itr;
		q->tx_ring = &adapter->tx_ring[i];
		q->rx_ring = &adapter->rx_ring[i];
		adapter->tx_ring[i].q_vector = q;
		adapter->rx_ring[i].q_vector = q;
		adapter->eims_enable_mask |= q->eims_value;
		netif_napi_add(&adapter->netdev, &q->napi, igb_poll, NAPI_POLL_WEIGHT);
	}

	/* The three parts take under 60 bytes together, so n stays inside note. */
	if (asked != adapter->irq_mode)
		n += (size_t)snprintf(note + n, sizeof(note) - n, ", %s unavailable",
				      igb_irq_mode_name[asked]);
	if (adapter->num_queues < wanted)
		snprintf(note + n, sizeof(note) - n, ", %u queues wanted", wanted);
	pr_info("igb %04x:%02x:%02x.%u: %s, %u vector%s, %u queue pair%s%s\n",
		pdev->segment, pdev->bus, pdev->dev, pdev->fn,
		igb_irq_mode_name[adapter->irq_mode],
		msix ? adapter->num_queues + 1 : 1, msix ? "s" : "",
		adapter->num_queues, adapter->num_queues == 1 ? "" : "s", note);
	return 0;
}

/* ---- device side ---------------------------------------------------------- */

/* Writes every IVAR register the driver's queues can occupy: used queues point
 * at their vector, the rest are cleared so nothing stale stays valid. */
static void igb_write_ivars(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;
	uint32_t ivar[IGB_IVAR_REGS] = { 0 };
	bool touched[IGB_IVAR_REGS] = { false };

	for (unsigned int qi = 0; qi < IGB_MAX_QUEUES; qi++) {
		for (int tx = 0; tx < 2; tx++) {
			unsigned int reg, shift;

			igb_ivar_location(hw->mac_type, qi, tx, &reg, &shift);
			touched[reg] = true;
			if (qi < adapter->num_queues)
				ivar[reg] |= (adapter->q_vector[qi].v_idx | IGB_IVAR_VALID) << shift;
		}
	}
	for (unsigned int reg = 0; reg < IGB_IVAR_REGS; reg++)
		if (touched[reg])
			igb_wr32(hw, IGB_IVAR(reg), ivar[reg]);
}

void igb_configure_irq(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	if (adapter->irq_mode != IGB_IRQ_MSIX) {
		igb_wr32(hw, IGB_GPIE, 0);
		/* Queue 0 -> vector 0 even with one vector: QEMU raises TXDW only
		 * for a TX queue whose IVAR entry is valid. */
		igb_write_ivars(adapter);
		igb_wr32(hw, IGB_IVAR_MISC, 0);
		/* Causes left from before would fire at the first IMS write. */
		(void)igb_rd32(hw, IGB_ICR);
		return;
	}

	/* First: until MSIX_MODE is set QEMU ignores EIAC and applies the legacy
	 * bit layout to EIMS/EIMC/EICS. */
	igb_wr32(hw, IGB_GPIE, IGB_GPIE_MSIX);
	igb_write_ivars(adapter);
	igb_wr32(hw, IGB_IVAR_MISC,
		 (IGB_OTHER_VECTOR | IGB_IVAR_VALID) << IGB_IVAR_MISC_OTHER_SHIFT);
	/* EITR counts in silicon's 1 us units; QEMU's are about 4x longer. */
	for (unsigned int i = 0; i < adapter->num_q_vectors; i++)
		igb_wr32(hw, IGB_EITR(adapter->q_vector[i].v_idx), adapter->q_vector[i].itr_val);
	/* Auto-clear for the "other" vector too: QEMU sends a message only when
	 * an EICR bit goes from 0 to 1, so a bit nobody clears silences it. */
	igb_wr32(hw, IGB_EIAC, igb_rd32(hw, IGB_EIAC) |
		 adapter->eims_enable_mask | adapter->eims_other);
	/* Stale causes from before MSI-X mode would fire at the first EIMS. */
	(void)igb_rd32(hw, IGB_ICR);
	igb_wr32(hw, IGB_EICR, 0xFFFFFFFFu);
}

void igb_irq_enable(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	if (adapter->irq_mode == IGB_IRQ_MSIX) {
		igb_wr32(hw, IGB_EIMS, adapter->eims_enable_mask | adapter->eims_other);
		igb_wr32(hw, IGB_IMS, IGB_MSIX_IMS);
	} else {
		igb_wr32(hw, IGB_IMS, IGB_LEGACY_IMS);
	}
}

/* Raises a queue vector's interrupt from software. An RX ring that ran out of
 * buffers receives nothing, so it raises no interrupt of its own; the
 * watchdog uses this to get its poll, and with it the refill, to run. */
void igb_irq_kick(struct igb_q_vector *q)
{
	struct igb_adapter *adapter = q->adapter;

	if (adapter->irq_mode == IGB_IRQ_MSIX)
		igb_wr32(&adapter->hw, IGB_EICS, q->eims_value);
	else
		igb_wr32(&adapter->hw, IGB_ICS, IGB_ICR_RXDW);
}

/* A vector has pending work when its TX ring holds descriptors not yet
 * reclaimed (a lost completion interrupt leaves them there, with the queue
 * perhaps stopped for good) or its RX ring is short of buffers (a dry ring
 * receives nothing, so raises nothing). */
static bool igb_tx_pending(const struct igb_ring *tx)
{
	return tx && tx->count && tx->next_to_clean != tx->next_to_use;
}

static bool igb_rx_starved(const struct igb_ring *rx)
{
	return rx && rx->count && igb_rx_refill_count(rx) >= IGB_RX_BUFFER_WRITE;
}

unsigned int igb_kick_pending(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;
	uint32_t eics = 0, ics = 0;
	unsigned int kicked = 0;

	for (unsigned int i = 0; i < adapter->num_q_vectors; i++) {
		const struct igb_q_vector *q = &adapter->q_vector[i];
		bool tx = igb_tx_pending(q->tx_ring), rx = igb_rx_starved(q->rx_ring);

		if (!tx && !rx)
			continue;
		adapter->tx_clean_kicks += tx;
		adapter->rx_refill_kicks += rx;
		eics |= q->eims_value;
		ics |= (tx ? IGB_ICR_TXDW : 0) | (rx ? IGB_ICR_RXDW : 0);
		kicked++;
	}
	if (!kicked)
		return 0;
	/* One write raises them all; the poll finding nothing to do costs one
	 * pass over the rings. */
	if (adapter->irq_mode == IGB_IRQ_MSIX)
		igb_wr32(hw, IGB_EICS, eics);
	else
		igb_wr32(hw, IGB_ICS, ics);
	return kicked;
}

void igb_irq_disable(struct igb_adapter *adapter)
{
	const struct igb_hw *hw = &adapter->hw;

	igb_wr32(hw, IGB_EIMC, 0xFFFFFFFFu);
	igb_wr32(hw, IGB_IMC, 0xFFFFFFFFu);
	igb_flush(hw);
}
