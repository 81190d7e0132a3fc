/* ACPI table discovery (ACPI 6.x, chapter 5): RSDP -> XSDT/RSDT -> MADT, MCFG,
 * HPET, FADT (+ the DSDT's \_S5 for poweroff). Tables sit in RAM below 4 GiB on
 * every machine we target and are read through the boot identity map. */
#include <string.h>
#include "kernel/acpi.h"
#include "kernel/bootinfo.h"
#include "kernel/printk.h"

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_addr;
	uint32_t length;	/* revision >= 2 from here on */
	uint64_t xsdt_addr;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP (ACPI 5.2.5.3)");

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header (ACPI 5.2.6)");

/* MADT (ACPI 5.2.12) */
#define MADT_LAPIC_ADDR_OFF  36
#define MADT_ENTRIES_OFF     44
#define MADT_IOAPIC          1
#define MADT_OVERRIDE        2
#define MADT_LAPIC_ADDR64    5

/* MCFG (PCI Firmware spec 4.1.2): allocation entries from offset 44. */
#define MCFG_ENTRIES_OFF 44
struct mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint32_t reserved;
} __packed;

/* HPET description table: event timer block ID at 36, then the base address
 * as a generic address structure at 40, whose 64-bit address sits 4 bytes in. */
#define HPET_ADDR_OFF 44

/* FADT (ACPI 5.2.9) field offsets. */
#define FADT_DSDT_OFF      40
#define FADT_PM1A_CNT_OFF  64
#define FADT_FLAGS_OFF     112
#define  FADT_RESET_REG_SUP (1u << 10)
#define FADT_RESET_REG_OFF 116	/* generic address structure, 12 bytes */
#define FADT_RESET_VAL_OFF 128
#define FADT_XDSDT_OFF     140

#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0A
#define AML_ONE_OP     0x01

struct acpi_info acpi;

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static const struct acpi_rsdp *rsdp_scan(uintptr_t start, size_t len)
{
	for (uintptr_t p = start; p + sizeof(struct acpi_rsdp) <= start + len; p += 16) {
		const struct acpi_rsdp *r = (const void *)p;

		if (memcmp(r->signature, "RSD PTR ", 8) == 0 && checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

/* The BIOS data area's word holding the EBDA's real-mode segment. */
#define BDA_EBDA_SEGMENT 0x40E

/* A fixed low address: read it with an instruction the compiler cannot reason
 * about, since to C it looks like an access through a null-based pointer. */
static uint16_t bda_read16(uintptr_t addr)
{
	uint16_t v;

	__asm__ __volatile__("movw (%1), %0" : "=r"(v) : "r"(addr));
	return v;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	uintptr_t ebda;
	const struct acpi_rsdp *r;

	if (boot_info.rsdp)
		return (const void *)(uintptr_t)boot_info.rsdp;
	/* BIOS: the first KiB of the EBDA, then the 0xE0000-0xFFFFF ROM area. */
	ebda = (uintptr_t)bda_read16(BDA_EBDA_SEGMENT) << 4;
	if (ebda >= 0x80000 && ebda < 0xA0000 && (r = rsdp_scan(ebda, 1024)))
		return r;
	return rsdp_scan(0xE0000, 0x20000);
}

static const struct acpi_header *table_at(uint64_t addr)
{
	const struct acpi_header *h = (const void *)(uintptr_t)addr;

	if (addr == 0 || addr >= (1ULL << 32) || h->length < sizeof(*h) ||
	    h->length > (1u << 20))
		return NULL;
	if (!checksum_ok(h, h->length)) {
		pr_warn("acpi: bad checksum in table %.4s, ignored\n", h->signature);
		return NULL;
	}
	return h;
}

static void parse_madt(const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h, *end = p + h->length;

	acpi.lapic_addr = *(const uint32_t *)(p + MADT_LAPIC_ADDR_OFF);
	for (p += MADT_ENTRIES_OFF; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		switch (p[0]) {
		case MADT_IOAPIC:
			if (p[1] >= 12 && acpi.ioapic_count < ACPI_MAX_IOAPICS)
				acpi.ioapic[acpi.ioapic_count++] = (struct acpi_ioapic){
					p[2], *(const uint32_t *)(p + 4), *(const uint32_t *)(p + 8) };
			break;
		case MADT_OVERRIDE:
			if (p[1] >= 10 && acpi.override_count < ACPI_MAX_OVERRIDES)
				acpi.override[acpi.override_count++] = (struct acpi_override){
					p[3], *(const uint32_t *)(p + 4), *(const uint16_t *)(p + 8) };
			break;
		case MADT_LAPIC_ADDR64:
			if (p[1] >= 12)
				acpi.lapic_addr = *(const uint64_t *)(p + 4);
			break;
		}
	}
}

static void parse_mcfg(const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h + MCFG_ENTRIES_OFF;
	const uint8_t *end = (const uint8_t *)h + h->length;

	for (; p + sizeof(struct mcfg_entry) <= end && acpi.mcfg_count < ACPI_MAX_MCFG;
	     p += sizeof(struct mcfg_entry)) {
		const struct mcfg_entry *e = (const void *)p;

		acpi.mcfg[acpi.mcfg_count++] = (struct acpi_mcfg){
			e->base, e->segment, e->bus_start, e->bus_end };
	}
}

/* \_S5 is AML: Name(_S5_, Package(){ SLP_TYPa, ... }). A byte scan for the name
 * followed by a package is enough for the firmware we meet (SeaBIOS, OVMF,
 * vendor BIOSes) without an AML interpreter. */
static void find_s5(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof(*dsdt);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != AML_PACKAGE_OP)
			continue;
		/* PkgLength: its top two bits give the count of extra length bytes. */
		const uint8_t *q = p + 5;
		q += 1 + (q[0] >> 6);
		q++;	/* NumElements */
		if (q >= end)
			return;
		if (*q == AML_BYTE_PREFIX && q + 1 < end)
			acpi.slp_typ_s5 = q[1];
		else if (*q == AML_ONE_OP)
			acpi.slp_typ_s5 = 1;
		else
			acpi.slp_typ_s5 = 0;
		acpi.s5_found = true;
		return;
	}
}

static void parse_fadt(const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint64_t dsdt = 0;
	const struct acpi_header *d;

	if (h->length >= FADT_PM1A_CNT_OFF + 4)
		acpi.pm1a_cnt = *(const uint32_t *)(p + FADT_PM1A_CNT_OFF);
	if (h->length >= FADT_RESET_VAL_OFF + 1 &&
	    (*(const uint32_t *)(p + FADT_FLAGS_OFF) & FADT_RESET_REG_SUP)) {
		acpi.reset_supported = true;
		acpi.reset_space = p[FADT_RESET_REG_OFF];
		acpi.reset_addr = *(const uint64_t *)(p + FADT_RESET_REG_OFF + 4);
		acpi.reset_value = p[FADT_RESET_VAL_OFF];
	}
	if (h->length >= FADT_XDSDT_OFF + 8)
		dsdt = *(const uint64_t *)(p + FADT_XDSDT_OFF);
	if (!dsdt)
		dsdt = *(const uint32_t *)(p + FADT_DSDT_OFF);
	if ((d = table_at(dsdt)))
		find_s5(d);
}

static void parse_table(const struct acpi_header *h)
{
	if (!memcmp(h->signature, "APIC", 4))
		parse_madt(h);
	else if (!memcmp(h->signature, "MCFG", 4))
		parse_mcfg(h);
	else if (!memcmp(h->signature, "HPET", 4) && h->length >= HPET_ADDR_OFF + 8)
		acpi.hpet_addr = *(const uint64_t *)((const uint8_t *)h + HPET_ADDR_OFF);
	else if (!memcmp(h->signature, "FACP", 4))
		parse_fadt(h);
}

void acpi_init(void)
{
	const struct acpi_rsdp *r = rsdp_find();
	const struct acpi_header *root;
	bool xsdt;
	size_t n, width;

	if (!r) {
		pr_warn("acpi: no RSDP found; using PC defaults\n");
		return;
	}
	xsdt = r->revision >= 2 && r->xsdt_addr;
	root = table_at(xsdt ? r->xsdt_addr : r->rsdt_addr);
	if (!root) {
		pr_warn("acpi: root table unreadable; using PC defaults\n");
		return;
	}
	acpi.present = true;
	width = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / width;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * width;
		uint64_t addr = xsdt ? *(const uint64_t *)e : *(const uint32_t *)e;
		const struct acpi_header *h = table_at(addr);

		if (h)
			parse_table(h);
	}
	pr_info("acpi: %s, %zu IOAPIC, %zu overrides, %s, %s\n", xsdt ? "XSDT" : "RSDT",
		acpi.ioapic_count, acpi.override_count,
		acpi.mcfg_count ? "MCFG" : "no MCFG", acpi.hpet_addr ? "HPET" : "no HPET");
}
