/* A register-level model of the igb for the interrupt tests, and fakes for
 * what drivers/igb/igb_irq.c links against.
 *
 * A test file includes this header and then drivers/igb/igb_irq.c itself.
 * The header has already pulled in kernel/io.h with readl/writel replaced,
 * so every register access the driver makes lands in a model that logs it
 * (order matters: GPIE before EIAC/EIMS) and behaves the way QEMU 10.0's igb
 * does where the driver depends on it: EIAC writes ignored before
 * GPIE.MSIX_MODE and OR-only after, EIMS/EIMC/EICS/EICR and IMS/IMC/ICS as
 * set / clear / write-1-to-clear, ICR cleared by a read (the driver only
 * reads it in modes where a read clears). Compiling the driver into the test
 * file keeps its static handlers in reach, so a test can tell which one each
 * vector got. PCI, IRQ routing, NAPI and the ring cleaners are fakes that
 * record what they were asked. */
#ifndef RINGOS_TEST_IGB_IRQ_MODEL_H
#define RINGOS_TEST_IGB_IRQ_MODEL_H

#include "host_support.h"

#define readl io_readl_replaced
#define writel io_writel_replaced
#include "kernel/io.h"
#undef readl
#undef writel

uint32_t model_read(const volatile void *addr);
void model_write(uint32_t v, volatile void *addr);

static inline uint32_t readl(const volatile void *addr)
{
	return model_read(addr);
}

static inline void writel(uint32_t v, volatile void *addr)
{
	model_write(v, addr);
}

#include "drivers/igb/igb.h"
#include "kernel/pci.h"

/* ---- device model --------------------------------------------------------- */

#define BAR_SIZE (128u << 10)
#define R(reg) (regs[(reg) / 4])

struct mmio_op {
	bool write;
	uint32_t reg, val;
};

extern uint32_t *regs;
extern struct mmio_op ops[1024];
extern size_t n_ops;

/* Index of the first logged write to reg at or after from; -1 if none. */
long first_write(uint32_t reg, size_t from);
unsigned writes_to(uint32_t reg);
unsigned writes_total(void);
bool was_read(uint32_t reg);

/* ---- fakes for the driver's surroundings ---------------------------------- */

#define FAKE_MSIX_VEC(entry) (0x40 + (int)(entry))
#define FAKE_MSI_VEC 0x50
#define FAKE_GSI_VEC 0x60

struct igb_irq_fakes {
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
};
extern struct igb_irq_fakes fk;

/* ---- fixtures ------------------------------------------------------------- */

/* An 82576 with a ten-entry MSI-X table, four queue pairs wanted, 100 us ITR,
 * MSI-X asked for; fakes that succeed. */
extern struct igb_adapter *ad;
extern struct pci_dev pdev;
int setup(void **state);
int teardown(void **state);
/* request_irq + configure_irq in the given mode, then a clean log. */
void bring_up(enum igb_irq_mode mode);

#endif
