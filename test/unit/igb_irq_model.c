#include <stdlib.h>
#include <string.h>
#include "igb_irq_model.h"
#include "kernel/irqflags.h"

/* ---- device model --------------------------------------------------------- */

uint32_t *regs;
struct mmio_op ops[1024];
size_t n_ops;

static uint32_t reg_of(const volatile void *addr)
{
	uintptr_t off = (uintptr_t)addr - (uintptr_t)regs;

	assert_true(off < BAR_SIZE);
	assert_int_equal(off % 4, 0);
	return (uint32_t)off;
}

static void log_op(bool write, uint32_t reg, uint32_t val)
{
	assert_true(n_ops < ARRAY_SIZE(ops));
	ops[n_ops++] = (struct mmio_op){ write, reg, val };
}

uint32_t model_read(const volatile void *addr)
{
	uint32_t reg = reg_of(addr), v = R(reg);

	if (reg == IGB_ICR)
		R(reg) = 0;
	log_op(false, reg, v);
	return v;
}

void model_write(uint32_t v, volatile void *addr)
{
	uint32_t reg = reg_of(addr);

	log_op(true, reg, v);
	switch (reg) {
	case IGB_EIAC:
		if (R(IGB_GPIE) & IGB_GPIE_MSIX_MODE)
			R(reg) |= v;
		break;
	case IGB_EIMS:
	case IGB_IMS:
		R(reg) |= v;
		break;
	case IGB_EIMC:
		R(IGB_EIMS) &= ~v;
		break;
	case IGB_IMC:
		R(IGB_IMS) &= ~v;
		break;
	case IGB_EICS:
		R(IGB_EICR) |= v;
		break;
	case IGB_ICS:
		R(IGB_ICR) |= v;
		break;
	case IGB_EICR:
		R(reg) &= ~v;
		break;
	default:
		R(reg) = v;
	}
}

long first_write(uint32_t reg, size_t from)
{
	for (size_t i = from; i < n_ops; i++)
		if (ops[i].write && ops[i].reg == reg)
			return (long)i;
	return -1;
}

unsigned writes_to(uint32_t reg)
{
	unsigned n = 0;

	for (size_t i = 0; i < n_ops; i++)
		n += ops[i].write && ops[i].reg == reg;
	return n;
}

unsigned writes_total(void)
{
	unsigned n = 0;

	for (size_t i = 0; i < n_ops; i++)
		n += ops[i].write;
	return n;
}

bool was_read(uint32_t reg)
{
	for (size_t i = 0; i < n_ops; i++)
		if (!ops[i].write && ops[i].reg == reg)
			return true;
	return false;
}

/* ---- fakes for the driver's surroundings ---------------------------------- */

struct igb_irq_fakes fk;

int pci_msix_enable(struct pci_dev *d, unsigned nvec)
{
	fk.msix_enable_calls++;
	fk.msix_nvec = nvec;
	if (fk.msix_enable_ret < 0 || nvec > d->msix_table_size)
		return -1;
	d->msix_enabled = true;
	return 0;
}

int pci_msix_set_vector(struct pci_dev *d, unsigned entry, irq_handler_t handler,
			void *data, const char *name)
{
	assert_true(d->msix_enabled);
	assert_true(entry < ARRAY_SIZE(fk.msix_handler));
	assert_non_null(name);
	if ((int)entry == fk.fail_msix_entry)
		return -1;
	fk.msix_handler[entry] = handler;
	fk.msix_data[entry] = data;
	return FAKE_MSIX_VEC(entry);
}

void pci_msix_disable(struct pci_dev *d)
{
	fk.msix_disable_calls++;
	d->msix_enabled = false;
}

int pci_enable_msi(struct pci_dev *d, irq_handler_t handler, void *data, const char *name)
{
	(void)d;
	assert_non_null(name);
	fk.msi_calls++;
	if (fk.msi_ret < 0)
		return -1;
	fk.msi_handler = handler;
	fk.msi_data = data;
	return FAKE_MSI_VEC;
}

void pci_intx_disable(struct pci_dev *d, bool disable)
{
	(void)d;
	fk.intx_disable = disable;
}

int irq_setup_gsi_level(unsigned gsi, irq_handler_t handler, void *data, const char *name)
{
	assert_non_null(name);
	fk.gsi_calls++;
	if (fk.gsi_ret < 0)
		return -1;
	fk.gsi = gsi;
	fk.gsi_handler = handler;
	fk.gsi_data = data;
	return FAKE_GSI_VEC;
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight)
{
	fk.napi_adds++;
	napi->state = 0;
	napi->dev = dev;
	napi->poll = poll;
	napi->weight = weight;
}

bool napi_schedule(struct napi_struct *napi)
{
	if (napi->state & (1UL << NAPI_STATE_SCHED))
		return false;
	napi->state |= 1UL << NAPI_STATE_SCHED;
	fk.schedules++;
	fk.last_scheduled = napi;
	return true;
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
	fk.completes++;
	fk.complete_work = work_done;
	fk.complete_irqs_off = irqs_disabled();
	napi->state &= ~(1UL << NAPI_STATE_SCHED);
	return fk.complete_ret;
}

bool igb_clean_tx_irq(struct igb_q_vector *q_vector, int budget)
{
	(void)q_vector;
	fk.tx_budget = budget;
	fk.clean_order[fk.n_clean++] = 't';
	return fk.tx_done;
}

int igb_clean_rx_irq(struct igb_q_vector *q_vector, int budget)
{
	(void)q_vector;
	fk.rx_budget = budget;
	fk.clean_order[fk.n_clean++] = 'r';
	return fk.rx_work;
}

void igb_check_link(struct igb_adapter *adapter)
{
	(void)adapter;
	fk.check_link_calls++;
}


/* ---- fixtures ------------------------------------------------------------- */

struct igb_adapter *ad;
struct pci_dev pdev;

int setup(void **state)
{
	(void)state;
	regs = calloc(1, BAR_SIZE);
	ad = calloc(1, sizeof(*ad));
	assert_non_null(regs);
	assert_non_null(ad);
	memset(&fk, 0, sizeof(fk));
	fk.fail_msix_entry = -1;
	fk.intx_disable = -1;
	fk.complete_ret = true;
	fk.tx_done = true;
	memset(&pdev, 0, sizeof(pdev));
	pdev.dev = 2;
	pdev.msix_cap = 0x70;
	pdev.msix_table_size = 10;
	pdev.msi_cap = 0x50;
	pdev.irq_pin = 1;
	pdev.irq_line = 11;
	ad->pdev = &pdev;
	ad->hw.hw_addr = (volatile uint8_t *)regs;
	ad->hw.mac_type = igb_82576;
	ad->irq_mode = IGB_IRQ_MSIX;
	ad->num_queues = 4;
	ad->itr_us = 100;
	n_ops = 0;
	host_irq_disabled = 0;
	printk_capture_reset();
	return 0;
}

int teardown(void **state)
{
	(void)state;
	free(regs);
	free(ad);
	return 0;
}

void bring_up(enum igb_irq_mode mode)
{
	ad->irq_mode = mode;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, mode);
	igb_configure_irq(ad);
	igb_irq_enable(ad);
	n_ops = 0;
}
