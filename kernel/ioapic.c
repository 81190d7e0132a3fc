/* IOAPIC routing of legacy and PCI INTx lines, with the 8259 pair masked off. */
#include "kernel/irq.h"
#include "kernel/acpi.h"
#include "kernel/io.h"
#include "kernel/lapic.h"
#include "kernel/paging.h"
#include "kernel/printk.h"
#include "kernel/irqflags.h"

/* IOAPIC indirect registers (82093AA datasheet, 3.0). */
#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPIC_VER    0x01	/* bits 23:16: highest redirection entry */
#define IOAPIC_REDTBL 0x10	/* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */
#define  RTE_ACTIVE_LOW (1u << 13)
#define  RTE_LEVEL      (1u << 15)
#define  RTE_MASKED     (1u << 16)

/* 8259 ports; remapped above the exceptions so a stray one is recognisable. */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

/* MPS INTI flags in an ACPI interrupt source override. */
#define INTI_POLARITY_MASK 0x3
#define INTI_POLARITY_LOW  0x3
#define INTI_TRIGGER_MASK  0xC
#define INTI_TRIGGER_LEVEL 0xC

struct ioapic {
	volatile uint8_t *base;
	uint32_t gsi_base;
	uint32_t entries;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static size_t ioapic_count;

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	writel(reg, io->base + IOREGSEL);
	return readl(io->base + IOWIN);
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	writel(reg, io->base + IOREGSEL);
	writel(v, io->base + IOWIN);
}

static void pic_disable(void)
{
	/* ICW1-4: cascade mode, vectors 0x20/0x28, then mask every line. */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20);
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}

void ioapic_init(void)
{
	pic_disable();
	if (acpi.ioapic_count == 0) {
		/* No MADT: the PC default of one IOAPIC at its usual address. */
		acpi.ioapic[0] = (struct acpi_ioapic){ 0, 0xFEC00000, 0 };
		acpi.ioapic_count = 1;
	}
	for (size_t i = 0; i < acpi.ioapic_count; i++) {
		struct ioapic *io = &ioapics[ioapic_count];

		io->base = ioremap(acpi.ioapic[i].addr, 4096);
		if (!io->base)
			continue;
		io->gsi_base = acpi.ioapic[i].gsi_base;
		io->entries = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xFF) + 1;
		for (uint32_t e = 0; e < io->entries; e++) {
			ioapic_write(io, IOAPIC_REDTBL + 2 * e, RTE_MASKED);
			ioapic_write(io, IOAPIC_REDTBL + 2 * e + 1, 0);
		}
		ioapic_count++;
	}
}

static struct ioapic *ioapic_for_gsi(unsigned gsi)
{
	for (size_t i = 0; i < ioapic_count; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].entries)
			return &ioapics[i];
	return NULL;
}

static int route_gsi(unsigned gsi, uint32_t flags, irq_handler_t handler, void *data,
		     const char *name)
{
	struct ioapic *io = ioapic_for_gsi(gsi);
	unsigned pin;
	int vector;

	if (!io) {
		pr_warn("irq: no IOAPIC serves GSI %u (%s)\n", gsi, name);
		return -1;
	}
	vector = irq_alloc_vector(handler, data, name);
	if (vector < 0)
		return -1;
	pin = gsi - io->gsi_base;
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin + 1, lapic_id() << 24);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, (uint32_t)vector | flags);
	return vector;
}

int irq_setup_isa(unsigned isa_irq, irq_handler_t handler, void *data, const char *name)
{
	unsigned gsi = isa_irq;
	uint32_t flags = 0;	/* ISA default: edge, active high */

	for (size_t i = 0; i < acpi.override_count; i++) {
		const struct acpi_override *o = &acpi.override[i];

		if (o->isa_irq != isa_irq)
			continue;
		gsi = o->gsi;
		if ((o->flags & INTI_POLARITY_MASK) == INTI_POLARITY_LOW)
			flags |= RTE_ACTIVE_LOW;
		if ((o->flags & INTI_TRIGGER_MASK) == INTI_TRIGGER_LEVEL)
			flags |= RTE_LEVEL;
	}
	return route_gsi(gsi, flags, handler, data, name);
}

int irq_setup_gsi_level(unsigned gsi, irq_handler_t handler, void *data, const char *name)
{
	return route_gsi(gsi, RTE_LEVEL | RTE_ACTIVE_LOW, handler, data, name);
}

void irq_mask_gsi(unsigned gsi, bool masked)
{
	struct ioapic *io = ioapic_for_gsi(gsi);
	unsigned long flags;
	uint32_t reg, v;

	if (!io)
		return;
	flags = local_irq_save();
	reg = IOAPIC_REDTBL + 2 * (gsi - io->gsi_base);
	v = ioapic_read(io, reg);
	ioapic_write(io, reg, masked ? v | RTE_MASKED : v & ~RTE_MASKED);
	local_irq_restore(flags);
}
