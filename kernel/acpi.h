/* ACPI tables: what the rest of the kernel needs from them, parsed once. */
#ifndef RINGOS_ACPI_H
#define RINGOS_ACPI_H

#include "kernel/compiler.h"

#define ACPI_MAX_IOAPICS   4
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_MCFG      4

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

/* An ISA IRQ that is not wired to the GSI of the same number, or not edge/high. */
struct acpi_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI flags: bits 1:0 polarity, 3:2 trigger */
};

/* One PCI segment's ECAM window (MCFG). */
struct acpi_mcfg {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_info {
	bool present;
	uint64_t lapic_addr;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	size_t ioapic_count;
	struct acpi_override override[ACPI_MAX_OVERRIDES];
	size_t override_count;
	struct acpi_mcfg mcfg[ACPI_MAX_MCFG];
	size_t mcfg_count;
	uint64_t hpet_addr;		/* 0 when there is no HPET table */
	uint32_t pm1a_cnt;		/* FADT PM1a control block (I/O port), 0 if none */
	uint16_t slp_typ_s5;		/* from the DSDT's \_S5 package */
	bool s5_found;
	uint8_t reset_space;		/* FADT reset register: 0 memory, 1 I/O */
	uint64_t reset_addr;
	uint8_t reset_value;
	bool reset_supported;
};

extern struct acpi_info acpi;

void acpi_init(void);

#endif
