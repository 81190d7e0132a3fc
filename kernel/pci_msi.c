/* MSI and MSI-X: message-signalled interrupts aimed at this CPU's LAPIC.
 *
 * A function uses at most one of INTx, MSI and MSI-X at a time; turning
 * either message kind on sets the INTx disable bit so a level line cannot
 * fire beside the messages. */
#include "kernel/pci.h"
#include "kernel/io.h"
#include "kernel/paging.h"
#include "kernel/printk.h"
#include "kernel/slab.h"

static void dev_warn_msg(const struct pci_dev *d, const char *what)
{
	pr_warn("pci %04x:%02x:%02x.%u: %s\n", d->segment, d->bus, d->dev, d->fn, what);
}

int pci_enable_msi(struct pci_dev *d, irq_handler_t handler, void *data, const char *name)
{
	uint8_t cap = d->msi_cap;
	uint16_t ctrl, mask_reg;
	uint64_t addr = msi_address();
	int vector;

	if (!cap || d->msi_enabled || d->msix_enabled) {
		dev_warn_msg(d, "MSI unavailable (no capability, or already in use)");
		return -1;
	}
	ctrl = pci_read16(d, cap + PCI_MSI_CTRL);
	if ((addr >> 32) && !(ctrl & PCI_MSI_CTRL_64BIT)) {
		dev_warn_msg(d, "MSI target above 4 GiB but only 32-bit addresses");
		return -1;
	}
	vector = irq_alloc_vector(handler, data, name);
	if (vector < 0)
		return -1;
	/* Address and data go in before Enable: the first message must not go
	 * to whatever the registers held. */
	pci_write32(d, cap + PCI_MSI_ADDR_LO, (uint32_t)addr);
	if (ctrl & PCI_MSI_CTRL_64BIT) {
		pci_write32(d, cap + PCI_MSI_ADDR_HI, (uint32_t)(addr >> 32));
		pci_write16(d, cap + PCI_MSI_DATA_64, (uint16_t)msi_data(vector));
		mask_reg = cap + PCI_MSI_MASK_64;
	} else {
		pci_write16(d, cap + PCI_MSI_DATA_32, (uint16_t)msi_data(vector));
		mask_reg = cap + PCI_MSI_MASK_32;
	}
	if (ctrl & PCI_MSI_CTRL_MASKABLE)
		pci_write32(d, mask_reg, pci_read32(d, mask_reg) & ~1u);
	pci_intx_disable(d, true);
	/* Multiple Message Enable 0 grants one vector whatever the function asked for. */
	pci_write16(d, cap + PCI_MSI_CTRL,
		    (uint16_t)((ctrl & ~PCI_MSI_CTRL_MME) | PCI_MSI_CTRL_ENABLE));
	d->msi_enabled = true;
	d->msi_vector = vector;
	return vector;
}

static volatile void *msix_field(const struct pci_dev *d, unsigned entry, unsigned field)
{
	return d->msix_table + (size_t)entry * PCI_MSIX_ENTRY_SIZE + field;
}

/* Vector control's reserved bits must be written back as read, so the value
 * is cached per entry instead of read again (each read is a round trip to
 * the device). */
static void msix_set_ctrl(struct pci_dev *d, unsigned entry, uint32_t v)
{
	d->msix_entry[entry].ctrl = v;
	writel(v, msix_field(d, entry, PCI_MSIX_ENTRY_CTRL));
}

int pci_msix_enable(struct pci_dev *d, unsigned nvec)
{
	uint8_t cap = d->msix_cap;
	uint32_t loc;
	unsigned bir;
	uint64_t off, len;
	const struct pci_bar *b;
	volatile uint8_t *table;
	struct pci_msix_entry *entries;
	uint16_t ctrl, cmd;

	if (!cap || d->msix_enabled || d->msi_enabled || nvec == 0 ||
	    nvec > d->msix_table_size) {
		pr_warn("pci %04x:%02x:%02x.%u: cannot enable MSI-X with %u vectors (table %u)\n",
			d->segment, d->bus, d->dev, d->fn, nvec, d->msix_table_size);
		return -1;
	}
	loc = pci_read32(d, cap + PCI_MSIX_TABLE);
	bir = loc & PCI_MSIX_BIR;
	off = loc & PCI_MSIX_OFFSET;
	len = (uint64_t)d->msix_table_size * PCI_MSIX_ENTRY_SIZE;
	b = bir < ARRAY_SIZE(d->bar) ? &d->bar[bir] : NULL;
	if (!b || !b->size || b->is_io || !b->addr || off + len > b->size) {
		dev_warn_msg(d, "MSI-X table BAR missing or too small");
		return -1;
	}
	table = ioremap(b->addr + off, len);
	if (!table) {
		dev_warn_msg(d, "MSI-X table cannot be mapped");
		return -1;
	}
	entries = kzalloc(nvec * sizeof(*entries));
	if (!entries) {
		pci_counters.alloc_fail++;
		dev_warn_msg(d, "MSI-X: out of memory");
		return -1;
	}
	d->msix_table = table;
	d->msix_entry = entries;
	d->msix_nvec = nvec;

	/* The table is memory space: without memory decode it does not answer. */
	cmd = pci_read16(d, PCI_COMMAND);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	/* Some functions ignore table writes until MSI-X is enabled; the function
	 * mask holds every message back while stale entries are masked one by one. */
	ctrl = pci_read16(d, cap + PCI_MSIX_CTRL);
	pci_write16(d, cap + PCI_MSIX_CTRL,
		    ctrl | PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FN_MASK);
	for (unsigned e = 0; e < d->msix_table_size; e++) {
		uint32_t vc = readl(msix_field(d, e, PCI_MSIX_ENTRY_CTRL)) | PCI_MSIX_ENTRY_MASKED;

		if (e < nvec) {
			entries[e].vector = -1;
			msix_set_ctrl(d, e, vc);
		} else {
			writel(vc, msix_field(d, e, PCI_MSIX_ENTRY_CTRL));
		}
	}
	pci_intx_disable(d, true);
	pci_write16(d, cap + PCI_MSIX_CTRL,
		    (uint16_t)((ctrl | PCI_MSIX_CTRL_ENABLE) & ~PCI_MSIX_CTRL_FN_MASK));
	d->msix_enabled = true;
	return 0;
}

static bool msix_entry_ok(const struct pci_dev *d, unsigned entry)
{
	if (d->msix_enabled && entry < d->msix_nvec)
		return true;
	pr_warn("pci %04x:%02x:%02x.%u: MSI-X entry %u out of range (enabled %u)\n",
		d->segment, d->bus, d->dev, d->fn, entry, d->msix_enabled ? d->msix_nvec : 0);
	return false;
}

int pci_msix_set_vector(struct pci_dev *d, unsigned entry, irq_handler_t handler,
			void *data, const char *name)
{
	struct pci_msix_entry *e;
	uint64_t addr = msi_address();
	int vector;

	if (!msix_entry_ok(d, entry))
		return -1;
	e = &d->msix_entry[entry];
	vector = irq_alloc_vector(handler, data, name);
	if (vector < 0)
		return -1;
	/* Changing address or data of an unmasked entry is undefined
	 * (PCI Local Bus 3.0 §6.8.2, Vector Control). */
	msix_set_ctrl(d, entry, e->ctrl | PCI_MSIX_ENTRY_MASKED);
	if (e->vector >= 0)
		irq_free_vector(e->vector);
	writel((uint32_t)addr, msix_field(d, entry, PCI_MSIX_ENTRY_ADDR_LO));
	writel((uint32_t)(addr >> 32), msix_field(d, entry, PCI_MSIX_ENTRY_ADDR_HI));
	writel(msi_data(vector), msix_field(d, entry, PCI_MSIX_ENTRY_DATA));
	e->vector = vector;
	msix_set_ctrl(d, entry, e->ctrl & ~PCI_MSIX_ENTRY_MASKED);
	return vector;
}

void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked)
{
	uint32_t ctrl;

	if (!msix_entry_ok(d, entry))
		return;
	ctrl = d->msix_entry[entry].ctrl;
	msix_set_ctrl(d, entry, masked ? ctrl | PCI_MSIX_ENTRY_MASKED
				      : ctrl & ~PCI_MSIX_ENTRY_MASKED);
}

void pci_msix_disable(struct pci_dev *d)
{
	uint16_t ctrl;

	if (!d->msix_enabled)
		return;
	ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_CTRL);
	for (unsigned e = 0; e < d->msix_nvec; e++) {
		msix_set_ctrl(d, e, d->msix_entry[e].ctrl | PCI_MSIX_ENTRY_MASKED);
		if (d->msix_entry[e].vector >= 0)
			irq_free_vector(d->msix_entry[e].vector);
	}
	pci_write16(d, d->msix_cap + PCI_MSIX_CTRL,
		    (uint16_t)(ctrl & ~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FN_MASK)));
	kfree(d->msix_entry);
	d->msix_entry = NULL;
	d->msix_table = NULL;
	d->msix_nvec = 0;
	d->msix_enabled = false;
	pci_intx_disable(d, false);
}
