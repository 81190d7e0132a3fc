/* igb interrupt setup, handlers and NAPI poll against a register-level model
 * of the device.
 *
 * The driver file is compiled into this test with kernel/io.h's readl/writel
 * replaced, so every register access lands in a model that logs it (order
 * matters: GPIE before EIAC/EIMS) and behaves the way QEMU 10.0's igb does
 * where the driver depends on it: EIAC writes ignored before GPIE.MSIX_MODE
 * and OR-only after, EIMS/EIMC/EICS/EICR and IMS/IMC/ICS as set / clear /
 * write-1-to-clear, ICR cleared by a read (the driver only reads it in modes
 * where a read clears). PCI, IRQ routing, NAPI and the ring cleaners are
 * fakes that record what they were asked. */
#include <stdlib.h>
#include <string.h>
#include "host_support.h"

#define readl io_readl_replaced
#define writel io_writel_replaced
#include "kernel/io.h"
#undef readl
#undef writel

static uint32_t model_read(const volatile void *addr);
static void model_write(uint32_t v, volatile void *addr);

static inline uint32_t readl(const volatile void *addr)
{
	return model_read(addr);
}

static inline void writel(uint32_t v, volatile void *addr)
{
	model_write(v, addr);
}

#include "drivers/igb/igb_irq.c"

/* ---- device model --------------------------------------------------------- */

#define BAR_SIZE (128u << 10)
#define R(reg) (regs[(reg) / 4])

struct mmio_op {
	bool write;
	uint32_t reg, val;
};

static uint32_t *regs;
static struct mmio_op ops[1024];
static size_t n_ops;

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

static uint32_t model_read(const volatile void *addr)
{
	uint32_t reg = reg_of(addr), v = R(reg);

	if (reg == IGB_ICR)
		R(reg) = 0;
	log_op(false, reg, v);
	return v;
}

static void model_write(uint32_t v, volatile void *addr)
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

/* Index of the first logged write to reg at or after from; -1 if none. */
static long first_write(uint32_t reg, size_t from)
{
	for (size_t i = from; i < n_ops; i++)
		if (ops[i].write && ops[i].reg == reg)
			return (long)i;
	return -1;
}

static unsigned writes_to(uint32_t reg)
{
	unsigned n = 0;

	for (size_t i = 0; i < n_ops; i++)
		n += ops[i].write && ops[i].reg == reg;
	return n;
}

static unsigned writes_total(void)
{
	unsigned n = 0;

	for (size_t i = 0; i < n_ops; i++)
		n += ops[i].write;
	return n;
}

static bool was_read(uint32_t reg)
{
	for (size_t i = 0; i < n_ops; i++)
		if (!ops[i].write && ops[i].reg == reg)
			return true;
	return false;
}

/* ---- fakes for the driver's surroundings ---------------------------------- */

#define FAKE_MSIX_VEC(entry) (0x40 + (int)(entry))
#define FAKE_MSI_VEC 0x50
#define FAKE_GSI_VEC 0x60

static struct {
	/* MSI-X */
	int msix_enable_ret;
	unsigned msix_enable_calls, msix_nvec, msix_disable_calls;
	int fail_msix_entry;
	irq_handler_t msix_handler[16];
	void *msix_data[16];
	/* MSI, INTx */
	int msi_ret;
	unsigned msi_calls;
	irq_handler_t msi_handler;
	void *msi_data;
	int gsi_ret;
	unsigned gsi_calls, gsi;
	irq_handler_t gsi_handler;
	void *gsi_data;
	int intx_disable;	/* last argument to pci_intx_disable, -1: never called */
	/* NAPI */
	unsigned napi_adds, schedules, completes;
	struct napi_struct *last_scheduled;
	int complete_work;
	bool complete_ret;
	bool complete_irqs_off;
	/* cleaners, link */
	bool tx_done;
	int rx_work;
	char clean_order[8];
	size_t n_clean;
	int tx_budget, rx_budget;
	unsigned check_link_calls;
} fk;

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

static struct igb_adapter *ad;
static struct pci_dev pdev;

static int setup(void **state)
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

static int teardown(void **state)
{
	(void)state;
	free(regs);
	free(ad);
	return 0;
}

/* request_irq + configure_irq in the given mode, then a clean log. */
static void bring_up(enum igb_irq_mode mode)
{
	ad->irq_mode = mode;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, mode);
	igb_configure_irq(ad);
	igb_irq_enable(ad);
	n_ops = 0;
}

/* ---- IVAR placement ------------------------------------------------------- */

static void test_ivar_82576_column_major(void **state)
{
	(void)state;
	for (unsigned q = 0; q < 16; q++) {
		for (int tx = 0; tx < 2; tx++) {
			unsigned reg = 99, shift = 99;

			igb_ivar_location(igb_82576, q, tx, &reg, &shift);
			/* igb-notes 3.3: q < 8 -> IVAR[q] byte 0 (RX) / 1 (TX);
			 * q >= 8 -> IVAR[q - 8] byte 2 (RX) / 3 (TX). */
			assert_int_equal(reg, q < 8 ? q : q - 8);
			assert_int_equal(shift, (q < 8 ? 0 : 16) + (tx ? 8 : 0));
		}
	}
}

static void test_ivar_row_major(void **state)
{
	static const enum igb_mac_type macs[] = { igb_i350, igb_i210, igb_i211 };

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(macs); m++) {
		for (unsigned q = 0; q < 8; q++) {
			for (int tx = 0; tx < 2; tx++) {
				unsigned reg = 99, shift = 99;

				igb_ivar_location(macs[m], q, tx, &reg, &shift);
				/* IVAR[q >> 1]: even queue RX/TX in bytes 0/1, odd in 2/3. */
				assert_int_equal(reg, q / 2);
				assert_int_equal(shift, (q % 2 ? 16 : 0) + (tx ? 8 : 0));
			}
		}
	}
}

static void test_ivar_spot_values(void **state)
{
	unsigned reg, shift;

	(void)state;
	igb_ivar_location(igb_82576, 9, true, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 24);
	igb_ivar_location(igb_82576, 15, false, &reg, &shift);
	assert_int_equal(reg, 7);
	assert_int_equal(shift, 16);
	igb_ivar_location(igb_i350, 3, true, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 24);
	igb_ivar_location(igb_i210, 2, false, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 0);
}

/* ---- igb_request_irq ------------------------------------------------------ */

static void test_request_msix(void **state)
{
	(void)state;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(fk.msix_nvec, 5);
	assert_int_equal(ad->num_queues, 4);
	assert_int_equal(ad->num_q_vectors, 4);
	assert_int_equal(ad->eims_other, 0x1);
	assert_int_equal(ad->eims_enable_mask, 0x1E);
	assert_int_equal(ad->other_vector, FAKE_MSIX_VEC(0));
	assert_ptr_equal(fk.msix_handler[0], igb_msix_other);
	assert_ptr_equal(fk.msix_data[0], ad);
	for (unsigned i = 0; i < 4; i++) {
		struct igb_q_vector *q = &ad->q_vector[i];

		assert_ptr_equal(fk.msix_handler[i + 1], igb_msix_ring);
		assert_ptr_equal(fk.msix_data[i + 1], q);
		assert_int_equal(q->irq_vector, FAKE_MSIX_VEC(i + 1));
		assert_int_equal(q->v_idx, i + 1);
		assert_int_equal(q->eims_value, 1u << (i + 1));
		assert_int_equal(q->itr_val, 100 << 2);
		assert_ptr_equal(q->adapter, ad);
		assert_ptr_equal(q->tx_ring, &ad->tx_ring[i]);
		assert_ptr_equal(q->rx_ring, &ad->rx_ring[i]);
		assert_ptr_equal(ad->tx_ring[i].q_vector, q);
		assert_ptr_equal(ad->rx_ring[i].q_vector, q);
		assert_ptr_equal(q->napi.poll, igb_poll);
		assert_ptr_equal(q->napi.dev, &ad->netdev);
		assert_int_equal(q->napi.weight, NAPI_POLL_WEIGHT);
	}
	assert_int_equal(fk.napi_adds, 4);
	assert_int_equal(fk.msi_calls + fk.gsi_calls, 0);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "MSI-X, 5 vectors, 4 queue pairs\n"));
}

static void test_request_msix_small_table(void **state)
{
	(void)state;
	pdev.msix_table_size = 3;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(fk.msix_nvec, 3);
	assert_int_equal(ad->num_queues, 2);
	assert_int_equal(ad->num_q_vectors, 2);
	assert_int_equal(ad->eims_enable_mask, 0x6);
	assert_int_equal(fk.napi_adds, 2);
	assert_non_null(strstr(printk_capture, "MSI-X, 3 vectors, 2 queue pairs, 4 queues wanted"));
}

static void test_request_msix_vectors_run_out(void **state)
{
	(void)state;
	fk.fail_msix_entry = 3;		/* queue pairs 0 and 1 get a vector, pair 2 does not */
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(ad->num_queues, 2);
	assert_int_equal(ad->eims_enable_mask, 0x6);
	assert_int_equal(fk.msix_disable_calls, 0);
}

static void test_request_msix_link_vector_fails(void **state)
{
	(void)state;
	fk.fail_msix_entry = 0;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(fk.msix_disable_calls, 1);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
}

static void check_single_vector(int vector)
{
	struct igb_q_vector *q = &ad->q_vector[0];

	assert_int_equal(ad->num_queues, 1);
	assert_int_equal(ad->num_q_vectors, 1);
	assert_int_equal(ad->eims_enable_mask, 0);
	assert_int_equal(ad->eims_other, 0);
	assert_int_equal(q->v_idx, 0);
	assert_int_equal(q->eims_value, 0);
	assert_int_equal(q->irq_vector, vector);
	assert_int_equal(ad->other_vector, vector);
	assert_ptr_equal(ad->tx_ring[0].q_vector, q);
	assert_ptr_equal(ad->rx_ring[0].q_vector, q);
	assert_int_equal(fk.napi_adds, 1);
	assert_int_equal(printk_capture_lines(), 1);
}

static void test_request_msi_fallback(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
	assert_ptr_equal(fk.msi_handler, igb_intr_msi);
	assert_ptr_equal(fk.msi_data, ad);
	check_single_vector(FAKE_MSI_VEC);
	assert_int_equal(fk.gsi_calls, 0);
	assert_non_null(strstr(printk_capture, "MSI, 1 vector, 1 queue pair, MSI-X unavailable, 4 queues wanted\n"));
}

static void test_request_intx_fallback(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_INTX);
	assert_int_equal(fk.gsi, 11);
	assert_ptr_equal(fk.gsi_handler, igb_intr_intx);
	assert_ptr_equal(fk.gsi_data, ad);
	assert_int_equal(fk.intx_disable, 0);
	check_single_vector(FAKE_GSI_VEC);
	assert_non_null(strstr(printk_capture, "INTx, 1 vector, 1 queue pair, GSI 11 level, MSI-X unavailable, 4 queues wanted\n"));
}

static void test_request_asked_mode_is_the_ceiling(void **state)
{
	(void)state;
	ad->irq_mode = IGB_IRQ_MSI;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
	assert_int_equal(fk.msix_enable_calls, 0);
	assert_null(strstr(printk_capture, "unavailable"));

	teardown(state);
	setup(state);
	ad->irq_mode = IGB_IRQ_INTX;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_INTX);
	assert_int_equal(fk.msix_enable_calls + fk.msi_calls, 0);
	assert_int_equal(fk.gsi_calls, 1);
}

static void test_request_nothing_available(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	pdev.irq_line = 0xFF;
	assert_int_equal(igb_request_irq(ad), -1);
	assert_int_equal(fk.gsi_calls, 0);
	assert_int_equal(fk.napi_adds, 0);

	pdev.irq_line = 11;
	fk.gsi_ret = -1;
	assert_int_equal(igb_request_irq(ad), -1);
	assert_int_equal(fk.gsi_calls, 1);
	assert_int_equal(fk.napi_adds, 0);
}

static void test_request_clamps_itr(void **state)
{
	(void)state;
	ad->itr_us = 1000000;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->q_vector[0].itr_val, IGB_EITR_INTERVAL_MASK);
}

/* ---- igb_configure_irq ---------------------------------------------------- */

static void test_model_drops_eiac_before_msix_mode(void **state)
{
	(void)state;
	/* The reason for the ordering rule, as the model (and QEMU) has it. */
	writel(0x1F, ad->hw.hw_addr + IGB_EIAC);
	assert_int_equal(R(IGB_EIAC), 0);
	writel(IGB_GPIE_MSIX_MODE, ad->hw.hw_addr + IGB_GPIE);
	writel(0x6, ad->hw.hw_addr + IGB_EIAC);
	writel(0x0, ad->hw.hw_addr + IGB_EIAC);
	assert_int_equal(R(IGB_EIAC), 0x6);
}

static void test_configure_msix_82576(void **state)
{
	long gpie;

	(void)state;
	R(IGB_EICR) = 0x7;		/* stale bits from legacy-mode activity */
	R(IGB_ICR) = IGB_ICR_LSC;
	assert_int_equal(igb_request_irq(ad), 0);
	n_ops = 0;
	igb_configure_irq(ad);

	gpie = first_write(IGB_GPIE, 0);
	assert_int_equal(gpie, 0);
	assert_int_equal(ops[0].val, 0xC0000011u);
	assert_int_equal(writes_to(IGB_GPIE), 1);
	for (size_t i = 1; i < n_ops; i++)
		assert_true(!ops[i].write || ops[i].reg != IGB_GPIE);

	assert_int_equal(R(IGB_IVAR(0)), 0x00008181);
	assert_int_equal(R(IGB_IVAR(1)), 0x00008282);
	assert_int_equal(R(IGB_IVAR(2)), 0x00008383);
	assert_int_equal(R(IGB_IVAR(3)), 0x00008484);
	for (unsigned n = 4; n < 8; n++) {
		assert_int_equal(R(IGB_IVAR(n)), 0);
		assert_int_equal(writes_to(IGB_IVAR(n)), 0);
	}
	assert_int_equal(R(IGB_IVAR_MISC), 0x00008000);
	assert_int_equal(writes_to(IGB_EITR(0)), 0);
	for (unsigned v = 1; v <= 4; v++)
		assert_int_equal(R(IGB_EITR(v)), 400);
	assert_int_equal(writes_to(IGB_EITR(5)), 0);
	/* Only sticks in the model when GPIE went first. */
	assert_int_equal(R(IGB_EIAC), 0x1F);
	assert_int_equal(R(IGB_EICR), 0);
	assert_int_equal(R(IGB_ICR), 0);
	assert_true(was_read(IGB_ICR));
	assert_int_equal(writes_to(IGB_EIMS), 0);
	assert_int_equal(writes_to(IGB_EIAM), 0);
}

static void test_configure_msix_i350(void **state)
{
	(void)state;
	ad->hw.mac_type = igb_i350;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_IVAR(0)), 0x82828181);
	assert_int_equal(R(IGB_IVAR(1)), 0x84848383);
	for (unsigned n = 2; n < 8; n++)
		assert_int_equal(writes_to(IGB_IVAR(n)), 0);
	assert_int_equal(R(IGB_IVAR_MISC), 0x00008000);
	assert_int_equal(R(IGB_GPIE), 0xC0000011u);
	assert_int_equal(R(IGB_EIAC), 0x1F);
}

static void test_configure_clears_stale_ivar(void **state)
{
	(void)state;
	pdev.msix_table_size = 3;	/* two queue pairs */
	R(IGB_IVAR(2)) = 0x00008383;
	R(IGB_IVAR(3)) = 0x00008484;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_IVAR(0)), 0x00008181);
	assert_int_equal(R(IGB_IVAR(1)), 0x00008282);
	assert_int_equal(R(IGB_IVAR(2)), 0);
	assert_int_equal(R(IGB_IVAR(3)), 0);
	assert_int_equal(R(IGB_EIAC), 0x7);
}

static void check_configure_single_vector(enum igb_mac_type mac, bool msi)
{
	ad->hw.mac_type = mac;
	fk.msix_enable_ret = -1;
	fk.msi_ret = msi ? 0 : -1;
	R(IGB_GPIE) = 0xC0000011u;	/* left over from an MSI-X run */
	R(IGB_IVAR(1)) = 0x00008282;
	R(IGB_IVAR_MISC) = 0x00008000;
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_INT_ASSERTED;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, msi ? IGB_IRQ_MSI : IGB_IRQ_INTX);
	n_ops = 0;
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_GPIE), 0);
	assert_int_equal(R(IGB_IVAR(0)), 0x00008080);
	assert_int_equal(R(IGB_IVAR(1)), 0);
	assert_int_equal(R(IGB_IVAR_MISC), 0);
	assert_int_equal(R(IGB_ICR), 0);
	for (unsigned v = 0; v < 5; v++)
		assert_int_equal(writes_to(IGB_EITR(v)), 0);
	assert_int_equal(writes_to(IGB_EIAC), 0);
	assert_int_equal(writes_to(IGB_IMS), 0);
}

static void test_configure_msi_intx(void **state)
{
	check_configure_single_vector(igb_82576, true);
	teardown(state);
	setup(state);
	check_configure_single_vector(igb_82576, false);
	teardown(state);
	setup(state);
	check_configure_single_vector(igb_i210, true);
}

/* ---- enable / disable ----------------------------------------------------- */

static void test_enable_msix(void **state)
{
	size_t mark;
	long eims, ims;

	(void)state;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	mark = n_ops;
	igb_irq_enable(ad);
	eims = first_write(IGB_EIMS, mark);
	ims = first_write(IGB_IMS, 0);
	assert_true(eims > first_write(IGB_GPIE, 0));
	assert_true(eims > first_write(IGB_EICR, 0));
	assert_int_equal(ops[eims].val, 0x1F);
	assert_int_equal(ops[ims].val, IGB_ICR_LSC);
	assert_int_equal(R(IGB_EIMS), 0x1F);
	assert_int_equal(R(IGB_IMS), IGB_ICR_LSC);
}

static void test_enable_legacy(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	n_ops = 0;
	igb_irq_enable(ad);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC);
	assert_int_equal(writes_to(IGB_EIMS), 0);
}

static void test_disable(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	igb_irq_disable(ad);
	assert_int_equal(R(IGB_EIMS), 0);
	assert_int_equal(R(IGB_IMS), 0);
	assert_int_equal(ops[first_write(IGB_EIMC, 0)].val, 0xFFFFFFFFu);
	assert_int_equal(ops[first_write(IGB_IMC, 0)].val, 0xFFFFFFFFu);
	/* The last access is the flushing read. */
	assert_false(ops[n_ops - 1].write);
	assert_int_equal(ops[n_ops - 1].reg, IGB_STATUS);
}

/* ---- igb_poll ------------------------------------------------------------- */

static void test_poll_tx_not_done(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[1];
	fk.tx_done = false;
	fk.rx_work = 3;
	assert_int_equal(igb_poll(&q->napi, 64), 64);
	assert_int_equal(fk.completes, 0);
	assert_int_equal(writes_total(), 0);
	assert_int_equal(fk.tx_budget, 64);
	assert_int_equal(fk.rx_budget, 64);
	assert_memory_equal(fk.clean_order, "tr", 2);
}

static void test_poll_rx_budget_spent(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	fk.rx_work = 64;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 64);
	assert_int_equal(fk.completes, 0);
	assert_int_equal(writes_total(), 0);
}

static void test_poll_done_rearms_its_vector(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[2];
	R(IGB_EIMS) = 0x1F & ~q->eims_value;	/* masked by its handler */
	n_ops = 0;
	fk.rx_work = 5;
	assert_int_equal(igb_poll(&q->napi, 64), 5);
	assert_int_equal(fk.completes, 1);
	assert_int_equal(fk.complete_work, 5);
	assert_true(fk.complete_irqs_off);
	assert_false(irqs_disabled());
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_EIMS);
	assert_int_equal(ops[0].val, 1u << 3);
	assert_int_equal(R(IGB_EIMS), 0x1F);
}

static void test_poll_done_legacy_unmasks_queue_causes(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	igb_wr32(&ad->hw, IGB_IMC, IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0);
	n_ops = 0;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 0);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_IMS);
	assert_int_equal(ops[0].val, IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC);
}

static void test_poll_complete_refused(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	fk.complete_ret = false;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 0);
	assert_int_equal(fk.completes, 1);
	assert_int_equal(writes_total(), 0);
}

/* ---- handlers ------------------------------------------------------------- */

static void test_msix_ring_masks_and_schedules(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[1];
	fk.msix_handler[2](fk.msix_data[2]);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_EIMC);
	assert_int_equal(ops[0].val, q->eims_value);
	assert_int_equal(R(IGB_EIMS), 0x1F & ~q->eims_value);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(q->irqs, 1);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(ad->other_irqs, 0);
}

static void test_msix_ring_while_polling_keeps_the_cause(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[0];
	fk.msix_handler[1](fk.msix_data[1]);
	/* QEMU's trailing EITR message arrives while the poll runs. */
	fk.msix_handler[1](fk.msix_data[1]);
	assert_int_equal(fk.schedules, 1);
	assert_int_equal(q->irqs, 2);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(R(IGB_EICR) & q->eims_value, q->eims_value);
	assert_int_equal(R(IGB_EIMS) & q->eims_value, 0);
	/* The poll completes: unmasking meets the pending cause, so the
	 * device sends again instead of waiting for the next packet. */
	assert_int_equal(igb_poll(&q->napi, 64), 0);
	assert_int_equal(R(IGB_EIMS) & R(IGB_EICR) & q->eims_value, q->eims_value);
}

static void test_msix_other(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_RXDW;
	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 1);
	assert_int_equal(R(IGB_ICR), 0);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(writes_total(), 0);

	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 2);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
}

static void test_msi_handler(void **state)
{
	struct igb_q_vector *q;
	const uint32_t queue = IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0;

	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	q = &ad->q_vector[0];

	fk.msi_handler(fk.msi_data);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(writes_total(), 0);

	R(IGB_ICR) = IGB_ICR_RXDW | IGB_ICR_INT_ASSERTED;
	fk.msi_handler(fk.msi_data);
	assert_int_equal(R(IGB_ICR), 0);
	assert_int_equal(ops[first_write(IGB_IMC, 0)].val, queue);
	assert_int_equal(R(IGB_IMS) & queue, 0);
	assert_int_equal(R(IGB_IMS) & IGB_ICR_LSC, IGB_ICR_LSC);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(q->irqs, 1);
	assert_int_equal(fk.check_link_calls, 0);

	/* Link change during the poll: link handled, the queue cause that came
	 * with it kept for the re-arm. */
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_TXDW | IGB_ICR_INT_ASSERTED;
	fk.msi_handler(fk.msi_data);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 1);
	assert_int_equal(fk.schedules, 1);
	assert_int_equal(R(IGB_ICR), IGB_ICR_TXDW);
	assert_int_equal(ad->spurious_irqs, 1);
}

static void test_intx_spurious(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(ad->intx_irqs, 1);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(fk.check_link_calls, 0);
	assert_int_equal(writes_total(), 0);
	assert_true(was_read(IGB_ICR));
}

static void test_intx_not_ours_keeps_masked_causes(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	/* Silicon: a masked cause is pending, but the line belongs to someone else. */
	R(IGB_ICR) = IGB_ICR_RXDW;
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(R(IGB_ICR), IGB_ICR_RXDW);
}

static void test_intx_ours(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	q = &ad->q_vector[0];
	R(IGB_ICR) = IGB_ICR_RXDW | IGB_ICR_LSC | IGB_ICR_INT_ASSERTED;
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(R(IGB_ICR), 0);	/* the read deasserts the line */
	assert_int_equal(ad->intx_irqs, 1);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXSEQ | IGB_ICR_LSC);

	/* Poll completes: queue causes unmasked again. */
	assert_int_equal(igb_poll(&q->napi, 64), 0);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ivar_82576_column_major),
		T(test_ivar_row_major),
		T(test_ivar_spot_values),
		T(test_request_msix),
		T(test_request_msix_small_table),
		T(test_request_msix_vectors_run_out),
		T(test_request_msix_link_vector_fails),
		T(test_request_msi_fallback),
		T(test_request_intx_fallback),
		T(test_request_asked_mode_is_the_ceiling),
		T(test_request_nothing_available),
		T(test_request_clamps_itr),
		T(test_model_drops_eiac_before_msix_mode),
		T(test_configure_msix_82576),
		T(test_configure_msix_i350),
		T(test_configure_clears_stale_ivar),
		T(test_configure_msi_intx),
		T(test_enable_msix),
		T(test_enable_legacy),
		T(test_disable),
		T(test_poll_tx_not_done),
		T(test_poll_rx_budget_spent),
		T(test_poll_done_rearms_its_vector),
		T(test_poll_done_legacy_unmasks_queue_causes),
		T(test_poll_complete_refused),
		T(test_msix_ring_masks_and_schedules),
		T(test_msix_ring_while_polling_keeps_the_cause),
		T(test_msix_other),
		T(test_msi_handler),
		T(test_intx_spurious),
		T(test_intx_not_ours_keeps_masked_causes),
		T(test_intx_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
