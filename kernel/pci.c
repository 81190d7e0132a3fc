/* PCI configuration access, enumeration and the device list.
 *
 * Every config cycle is a trip through QEMU's device model, and a change of
 * decode or BAR placement rebuilds its address map, so enumeration only
 * visits buses a bridge points at, reads the header in whole dwords and
 * switches decode off only where sizing needs it. */
#include <stdarg.h>
#include <stdio.h>
#include "kernel/pci.h"
#include "kernel/acpi.h"
#include "kernel/io.h"
#include "kernel/irqflags.h"
#include "kernel/paging.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/slab.h"

/* Configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2). */
#define CONF1_ADDR		0xCF8
#define  CONF1_ENABLE		(1u << 31)
#define  CONF1_BUS_SHIFT	16
#define  CONF1_DEV_SHIFT	11
#define  CONF1_FN_SHIFT		8
#define  CONF1_REG_MASK		0xFCu
#define CONF1_DATA		0xCFC

/* Conventional space (PCI Local Bus 3.0 §6.1), all mechanism #1 can reach. */
#define PCI_CFG_SPACE		0x100

/* Enhanced configuration access (PCIe Base 3.0 §7.2.2): 4 KiB per function. */
#define ECAM_BUS_SHIFT		20
#define ECAM_DEV_SHIFT		15
#define ECAM_FN_SHIFT		12
#define ECAM_BUS_SIZE		(1u << ECAM_BUS_SHIFT)
#define ECAM_CFG_SPACE		0x1000

#define PCI_MAX_BUSES		256
#define PCI_MAX_DEVICES		32
#define PCI_MAX_FUNCTIONS	8
/* Capabilities live after the 64-byte header, at least 4 bytes apart, so a
 * list longer than this has a loop in it. */
#define PCI_HEADER_SIZE		0x40
#define PCI_MAX_CAPS		((PCI_CFG_SPACE - PCI_HEADER_SIZE) / 4)
/* Base class 06 subclass 00 (PCI Local Bus 3.0 Appendix D). */
#define PCI_CLASS_BRIDGE	0x06
#define PCI_SUBCLASS_HOST	0x00

#define LINE_LEN		256

struct ecam_window {
	uint64_t base;		/* where bus 0 would sit: MCFG gives the base for bus 0 */
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint8_t mapped[PCI_MAX_BUSES / 8];	/* buses ioremapped so far */
};

static struct ecam_window ecam[ACPI_MAX_MCFG];
static size_t ecam_count;
static bool conf1_ok;

static struct list_head pci_devices = LIST_HEAD_INIT(pci_devices);
static unsigned pci_dev_count;
struct pci_counters pci_counters;

static bool bit_test(const uint8_t *map, unsigned n) { return map[n / 8] & (1u << (n % 8)); }
static void bit_set(uint8_t *map, unsigned n) { map[n / 8] |= (uint8_t)(1u << (n % 8)); }

/* Buses are mapped on first use, so only the ones enumeration reaches cost
 * page tables, not the whole 256 MiB window. */
static volatile uint8_t *ecam_ptr(const struct pci_dev *d, uint16_t off)
{
	for (size_t i = 0; i < ecam_count; i++) {
		struct ecam_window *w = &ecam[i];
		uint64_t bus_phys;

		if (w->segment != d->segment || d->bus < w->bus_start || d->bus > w->bus_end)
			continue;
		bus_phys = w->base + ((uint64_t)d->bus << ECAM_BUS_SHIFT);
		if (!bit_test(w->mapped, d->bus)) {
			if (!ioremap(bus_phys, ECAM_BUS_SIZE)) {
				pci_counters.ecam_map_fail++;
				return NULL;
			}
			bit_set(w->mapped, d->bus);
		}
		return (volatile uint8_t *)(uintptr_t)(bus_phys +
			((uint32_t)d->dev << ECAM_DEV_SHIFT) +
			((uint32_t)d->fn << ECAM_FN_SHIFT) + off);
	}
	pci_counters.bad_access++;
	return NULL;
}

static uint32_t conf1_address(const struct pci_dev *d, uint16_t off)
{
	return CONF1_ENABLE | ((uint32_t)d->bus << CONF1_BUS_SHIFT) |
	       ((uint32_t)d->dev << CONF1_DEV_SHIFT) | ((uint32_t)d->fn << CONF1_FN_SHIFT) |
	       (off & CONF1_REG_MASK);
}

static bool cfg_offset_ok(const struct pci_dev *d, uint16_t off, unsigned width)
{
	bool reachable = ecam_count || (conf1_ok && d->segment == 0);
	unsigned limit = ecam_count ? ECAM_CFG_SPACE : PCI_CFG_SPACE;

	if (!reachable || (off & (width - 1)) || off + width > limit) {
		pci_counters.bad_access++;
		return false;
	}
	return true;
}

static uint32_t cfg_read(const struct pci_dev *d, uint16_t off, unsigned width)
{
	uint32_t ones = width == 4 ? 0xFFFFFFFFu : (1u << (8 * width)) - 1;
	unsigned long flags;
	uint32_t v;

	if (!cfg_offset_ok(d, off, width))
		return ones;
	if (ecam_count) {
		volatile uint8_t *p = ecam_ptr(d, off);

		if (!p)
			return ones;
		if (width == 1)
			return *p;
		if (width == 2)
			return *(volatile uint16_t *)p;
		return *(volatile uint32_t *)p;
	}
	/* Address and data are two port accesses: an interrupt handler touching
	 * config space between them would redirect ours. */
	flags = local_irq_save();
	outl(CONF1_ADDR, conf1_address(d, off));
	if (width == 1)
		v = inb(CONF1_DATA + (off & 3));
	else if (width == 2)
		v = inw(CONF1_DATA + (off & 2));
	else
		v = inl(CONF1_DATA);
	local_irq_restore(flags);
	return v;
}

static void cfg_write(const struct pci_dev *d, uint16_t off, uint32_t v, unsigned width)
{
	unsigned long flags;

	if (!cfg_offset_ok(d, off, width))
		return;
	if (ecam_count) {
		volatile uint8_t *p = ecam_ptr(d, off);

		if (!p)
			return;
		if (width == 1)
			*p = (uint8_t)v;
		else if (width == 2)
			*(volatile uint16_t *)p = (uint16_t)v;
		else
			*(volatile uint32_t *)p = v;
		return;
	}
	flags = local_irq_save();
	outl(CONF1_ADDR, conf1_address(d, off));
	if (width == 1)
		outb(CONF1_DATA + (off & 3), (uint8_t)v);
	else if (width == 2)
		outw(CONF1_DATA + (off & 2), (uint16_t)v);
	else
		outl(CONF1_DATA, v);
	local_irq_restore(flags);
}

uint8_t pci_read8(struct pci_dev *d, uint16_t off) { return (uint8_t)cfg_read(d, off, 1); }
uint16_t pci_read16(struct pci_dev *d, uint16_t off) { return (uint16_t)cfg_read(d, off, 2); }
uint32_t pci_read32(struct pci_dev *d, uint16_t off) { return cfg_read(d, off, 4); }
void pci_write8(struct pci_dev *d, uint16_t off, uint8_t v) { cfg_write(d, off, v, 1); }
void pci_write16(struct pci_dev *d, uint16_t off, uint16_t v) { cfg_write(d, off, v, 2); }
void pci_write32(struct pci_dev *d, uint16_t off, uint32_t v) { cfg_write(d, off, v, 4); }

/* A chipset with mechanism #1 latches CONFIG_ADDRESS and reads it back;
 * without it the port is open bus. */
static bool conf1_probe(void)
{
	unsigned long flags = local_irq_save();
	uint32_t saved = inl(CONF1_ADDR);
	bool ok;

	outl(CONF1_ADDR, CONF1_ENABLE);
	ok = inl(CONF1_ADDR) == CONF1_ENABLE;
	outl(CONF1_ADDR, saved);
	local_irq_restore(flags);
	return ok;
}

/* Sizes one BAR, whose value before sizing is orig[i], by writing all-ones
 * and reading which address bits stuck; returns how many BAR slots it
 * occupies (2 for a 64-bit BAR). */
static unsigned size_bar(struct pci_dev *d, const uint32_t *orig, unsigned i, unsigned nbars)
{
	uint16_t reg = PCI_BAR0 + 4 * i;
	struct pci_bar *b = &d->bar[i];
	uint32_t lo = orig[i], lo_mask;
	uint64_t mask;

	cfg_write(d, reg, 0xFFFFFFFFu, 4);
	lo_mask = cfg_read(d, reg, 4);
	cfg_write(d, reg, lo, 4);
	if (lo_mask == 0)
		return 1;
	/* Bit 0 (memory) or bit 1 (I/O) always reads 0: all-ones is a dead function. */
	if (lo == 0xFFFFFFFFu || lo_mask == 0xFFFFFFFFu) {
		pci_counters.all_ones++;
		return 1;
	}
	if (lo & PCI_BAR_IO) {
		b->is_io = true;
		b->addr = lo & PCI_BAR_IO_MASK;
		mask = lo_mask & PCI_BAR_IO_MASK;
	} else {
		b->prefetch = lo & PCI_BAR_PREFETCH;
		b->addr = lo & PCI_BAR_MEM_MASK;
		mask = lo_mask & PCI_BAR_MEM_MASK;
		if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64) {
			uint32_t hi, hi_mask;

			if (i + 1 >= nbars) {
				pci_counters.bad_bar++;
				*b = (struct pci_bar){ 0 };
				return 1;
			}
			hi = orig[i + 1];
			cfg_write(d, reg + 4, 0xFFFFFFFFu, 4);
			hi_mask = cfg_read(d, reg + 4, 4);
			cfg_write(d, reg + 4, hi, 4);
			b->is_64 = true;
			b->addr |= (uint64_t)hi << 32;
			mask |= (uint64_t)hi_mask << 32;
		}
	}
	/* The lowest writable address bit is the size; I/O BARs may leave the
	 * upper 16 bits hardwired to zero, which this ignores. */
	b->size = mask & (~mask + 1);
	if (!b->size) {
		bool wide = b->is_64;

		*b = (struct pci_bar){ 0 };
		return wide ? 2 : 1;
	}
	if (!b->addr)
		pci_counters.bad_bar++;
	return b->is_64 ? 2 : 1;
}

/* Which kinds of decode could be live for these BARs. Type bits are read-only,
 * so an I/O BAR shows bit 0 whatever its address; a memory BAR that firmware
 * switched decode on for has a non-zero address, so one reading 0 is taken to
 * be unimplemented. */
static uint16_t bars_decode(const uint32_t *orig, unsigned nbars)
{
	uint16_t kinds = 0;

	for (unsigned i = 0; i < nbars; i++) {
		if (orig[i] & PCI_BAR_IO) {
			kinds |= PCI_COMMAND_IO;
		} else if (orig[i]) {
			kinds |= PCI_COMMAND_MEMORY;
			if ((orig[i] & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64)
				i++;
		}
	}
	return kinds;
}

static void size_bars(struct pci_dev *d, uint16_t cmd, unsigned nbars)
{
	uint32_t orig[PCI_BAR_COUNT_NORMAL];
	uint16_t decode;
	unsigned long flags;

	if (!nbars)
		return;
	for (unsigned i = 0; i < nbars; i++)
		orig[i] = cfg_read(d, PCI_BAR0 + 4 * i, 4);
	/* While a BAR holds all-ones the function would claim that address range,
	 * so its decode goes off meanwhile. Only decode that can be live is
	 * touched: each change makes QEMU rebuild the guest address space (about
	 * 0.7 ms under TCG), and functions without BARs (the ISA bridge) need none.
	 * Host bridges keep decoding in any case: switching one off can cut the
	 * CPU off from everything behind it. */
	decode = cmd & bars_decode(orig, nbars);
	if (d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_HOST)
		decode = 0;
	/* Interrupts stay off for the window so no handler (the console on an
	 * I/O port, say) runs while a decoder is off or misplaced. */
	flags = local_irq_save();
	if (decode)
		cfg_write(d, PCI_COMMAND, cmd & ~decode, 2);
	for (unsigned i = 0; i < nbars; )
		i += size_bar(d, orig, i, nbars);
	if (decode)
		cfg_write(d, PCI_COMMAND, cmd, 2);
	local_irq_restore(flags);
}

static void parse_caps(struct pci_dev *d, uint16_t status)
{
	uint8_t ptr;

	if (!(status & PCI_STATUS_CAP_LIST))
		return;
	ptr = (uint8_t)cfg_read(d, PCI_CAP_PTR, 1) & PCI_CAP_PTR_MASK;
	for (unsigned n = 0; ptr; n++) {
		uint16_t hdr;

		if (n == PCI_MAX_CAPS || ptr < PCI_HEADER_SIZE) {
			pci_counters.cap_loop++;
			return;
		}
		hdr = (uint16_t)cfg_read(d, ptr, 2);
		if (hdr == 0xFFFF) {
			pci_counters.all_ones++;
			return;
		}
		switch (hdr & 0xFF) {
		case PCI_CAP_ID_MSI:
			if (!d->msi_cap)
				d->msi_cap = ptr;
			break;
		case PCI_CAP_ID_MSIX:
			if (!d->msix_cap) {
				d->msix_cap = ptr;
				d->msix_table_size = (uint16_t)((cfg_read(d, ptr + PCI_MSIX_CTRL, 2) &
								 PCI_MSIX_CTRL_SIZE) + 1);
			}
			break;
		case PCI_CAP_ID_PCIE:
			if (!d->pcie_cap) {
				d->pcie_cap = ptr;
				d->pcie_type = (uint8_t)((cfg_read(d, ptr + PCI_EXP_FLAGS, 2) &
							  PCI_EXP_FLAGS_TYPE) >> PCI_EXP_FLAGS_TYPE_SHIFT);
			}
			break;
		default:
			break;
		}
		ptr = (uint8_t)(hdr >> 8) & PCI_CAP_PTR_MASK;
	}
}

/* Fills d, whose address is already set, from its config header. False when
 * no function answers there; *multi reports the multi-function bit. */
static bool probe_function(struct pci_dev *d, bool *multi)
{
	uint32_t id, cmd_status, class_rev, misc, irq;
	uint8_t ht;

	id = cfg_read(d, PCI_VENDOR_ID, 4);
	if ((id & 0xFFFF) == PCI_VENDOR_NONE || (id & 0xFFFF) == 0)
		return false;
	cmd_status = cfg_read(d, PCI_COMMAND, 4);
	class_rev = cfg_read(d, PCI_REVISION, 4);
	misc = cfg_read(d, PCI_HEADER_TYPE & ~3u, 4);
	/* A header of all-ones is no real layout or class: the function went
	 * away (or the bridge above it did) after answering the ID read. */
	if (cmd_status == 0xFFFFFFFFu || class_rev == 0xFFFFFFFFu || misc == 0xFFFFFFFFu) {
		pci_counters.all_ones++;
		return false;
	}
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->revision = (uint8_t)class_rev;
	d->prog_if = (uint8_t)(class_rev >> PCI_CLASS_SHIFT);
	d->subclass = (uint8_t)(class_rev >> (PCI_CLASS_SHIFT + 8));
	d->class_code = (uint8_t)(class_rev >> (PCI_CLASS_SHIFT + 16));
	ht = (uint8_t)(misc >> (8 * (PCI_HEADER_TYPE & 3)));
	*multi = ht & PCI_HEADER_MULTI_FN;
	d->header_type = ht & PCI_HEADER_LAYOUT;
	d->msi_vector = -1;

	if (d->header_type == PCI_HEADER_NORMAL) {
		uint32_t ss = cfg_read(d, PCI_SUBSYSTEM_VENDOR_ID, 4);

		d->subsys_vendor = (uint16_t)ss;
		d->subsys_device = (uint16_t)(ss >> 16);
		size_bars(d, (uint16_t)cmd_status, PCI_BAR_COUNT_NORMAL);
	} else if (d->header_type == PCI_HEADER_BRIDGE) {
		uint32_t buses = cfg_read(d, PCI_PRIMARY_BUS, 4);

		d->secondary_bus = (uint8_t)(buses >> 8);
		d->subordinate_bus = (uint8_t)(buses >> 16);
		size_bars(d, (uint16_t)cmd_status, PCI_BAR_COUNT_BRIDGE);
	} else {
		/* CardBus and unknown layouts put other registers at these offsets. */
		return true;
	}
	irq = cfg_read(d, PCI_INTERRUPT_LINE, 4);
	d->irq_line = (uint8_t)irq;
	d->irq_pin = (uint8_t)(irq >> 8);
	parse_caps(d, (uint16_t)(cmd_status >> 16));
	return true;
}

struct line {
	char buf[LINE_LEN];
	size_t len;
};

__printf(2, 3) static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
}

/* BAR sizes are powers of two, so one unit always divides them exactly. */
static void line_add_size(struct line *l, uint64_t size)
{
	static const char units[] = { 0, 'K', 'M', 'G', 'T' };
	unsigned u = 0;

	while (u + 1 < sizeof(units) && size >= 1024 && !(size & 1023)) {
		size >>= 10;
		u++;
	}
	if (u)
		line_add(l, " %llu%c", (unsigned long long)size, units[u]);
	else
		line_add(l, " %llu", (unsigned long long)size);
}

static void format_dev(const struct pci_dev *d, struct line *l)
{
	l->len = 0;
	l->buf[0] = '\0';
	line_add(l, "pci %04x:%02x:%02x.%u %04x:%04x class %02x%02x%02x rev %02x",
		 d->segment, d->bus, d->dev, d->fn, d->vendor, d->device,
		 d->class_code, d->subclass, d->prog_if, d->revision);
	for (unsigned i = 0; i < ARRAY_SIZE(d->bar); i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		line_add(l, " bar%u %s%s 0x%llx", i,
			 b->is_io ? "io" : b->is_64 ? "mem64" : "mem32",
			 b->prefetch ? "pf" : "", (unsigned long long)b->addr);
		line_add_size(l, b->size);
	}
	if (d->header_type == PCI_HEADER_BRIDGE)
		line_add(l, " bridge %02x-%02x", d->secondary_bus, d->subordinate_bus);
	if (d->msi_cap)
		line_add(l, " msi");
	if (d->msix_cap)
		line_add(l, " msix(%u)", d->msix_table_size);
	if (d->pcie_cap)
		line_add(l, " pcie");
}

static void add_device(const struct pci_dev *probe)
{
	struct pci_dev *d;
	struct line l;

	/* Formatting is most of a line's cost; skip it when the line would be dropped. */
	if (console_loglevel >= LOG_INFO) {
		format_dev(probe, &l);
		pr_info("%s\n", l.buf);
	}
	d = kzalloc(sizeof(*d));
	if (!d) {
		pci_counters.alloc_fail++;
		pr_warn("pci %04x:%02x:%02x.%u: out of memory, not listed\n",
			probe->segment, probe->bus, probe->dev, probe->fn);
		return;
	}
	*d = *probe;
	list_add_tail(&d->link, &pci_devices);
	pci_dev_count++;
}

struct scan_frame {
	uint8_t bus, dev, fn;
	bool multi;		/* function 0 of this device has the multi-function bit */
};

/* Depth-first through bridges, so buses come out in the order firmware
 * numbered them. The stack is explicit and a bus is entered at most once,
 * which bounds it at one frame per bus with no recursion. */
static void scan_segment(uint16_t segment, uint8_t first, uint8_t last)
{
	static struct scan_frame stack[PCI_MAX_BUSES];
	uint8_t seen[PCI_MAX_BUSES / 8] = { 0 };
	unsigned depth = 0;

	stack[depth++] = (struct scan_frame){ .bus = first };
	bit_set(seen, first);
	while (depth) {
		struct scan_frame *f = &stack[depth - 1];
		struct pci_dev probe = { .segment = segment, .bus = f->bus, .dev = f->dev,
					 .fn = f->fn };
		bool multi = false, present;
		uint8_t sec;

		if (f->dev == PCI_MAX_DEVICES) {
			depth--;
			continue;
		}
		present = probe_function(&probe, &multi);
		if (f->fn == 0)
			f->multi = present && multi;
		if (f->multi && f->fn + 1 < PCI_MAX_FUNCTIONS) {
			f->fn++;
		} else {
			f->dev++;
			f->fn = 0;
		}
		if (!present)
			continue;
		add_device(&probe);
		if (probe.header_type != PCI_HEADER_BRIDGE)
			continue;
		sec = probe.secondary_bus;
		if (sec <= probe.bus || sec > last || bit_test(seen, sec)) {
			pci_counters.bad_bridge_bus++;
			pr_warn("pci %04x:%02x:%02x.%u: bridge to bus %u skipped (bus range %u-%u)\n",
				segment, probe.bus, probe.dev, probe.fn, sec, first, last);
			continue;
		}
		bit_set(seen, sec);
		stack[depth++] = (struct scan_frame){ .bus = sec };
	}
}

static uint64_t anomaly_total(void)
{
	const struct pci_counters *c = &pci_counters;

	return c->bad_bridge_bus + c->all_ones + c->bad_bar + c->cap_loop +
	       c->ecam_map_fail + c->bad_access + c->alloc_fail;
}

void pci_init(void)
{
	for (size_t i = 0; i < acpi.mcfg_count && i < ARRAY_SIZE(ecam); i++) {
		const struct acpi_mcfg *m = &acpi.mcfg[i];

		if (m->bus_end < m->bus_start) {
			pr_warn("pci: MCFG entry %zu has bus range %u-%u, ignored\n",
				i, m->bus_start, m->bus_end);
			continue;
		}
		ecam[ecam_count++] = (struct ecam_window){
			.base = m->base, .segment = m->segment,
			.bus_start = m->bus_start, .bus_end = m->bus_end,
		};
	}
	if (ecam_count) {
		for (size_t i = 0; i < ecam_count; i++)
			scan_segment(ecam[i].segment, ecam[i].bus_start, ecam[i].bus_end);
	} else {
		conf1_ok = conf1_probe();
		if (!conf1_ok) {
			pr_warn("pci: no MCFG and no port 0xCF8 mechanism; no PCI devices\n");
			return;
		}
		scan_segment(0, 0, PCI_MAX_BUSES - 1);
	}
	pr_info("pci: %u functions, config via %s\n", pci_dev_count,
		ecam_count ? "ECAM" : "port 0xCF8 (no extended space)");
	if (anomaly_total())
		pr_warn("pci: %llu anomalies during enumeration (see `pci`)\n",
			(unsigned long long)anomaly_total());
}

struct pci_dev *pci_next(struct pci_dev *from)
{
	struct list_head *n = from ? from->link.next : pci_devices.next;

	return n == &pci_devices ? NULL : list_entry(n, struct pci_dev, link);
}

static bool id_matches(uint16_t want_vendor, uint16_t want_device, const struct pci_dev *d)
{
	return (want_vendor == PCI_ANY_ID || want_vendor == d->vendor) &&
	       (want_device == PCI_ANY_ID || want_device == d->device);
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from)
{
	for (struct pci_dev *d = pci_next(from); d; d = pci_next(d))
		if (id_matches(vendor, device, d))
			return d;
	return NULL;
}

const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 const struct pci_dev *d)
{
	for (; ids->vendor; ids++)
		if (id_matches(ids->vendor, ids->device, d))
			return ids;
	return NULL;
}

struct pci_dev *pci_find_id(const struct pci_device_id *ids, struct pci_dev *from,
			    const struct pci_device_id **match)
{
	for (struct pci_dev *d = pci_next(from); d; d = pci_next(d)) {
		const struct pci_device_id *id = pci_match_id(ids, d);

		if (id) {
			if (match)
				*match = id;
			return d;
		}
	}
	return NULL;
}

static void command_update(struct pci_dev *d, uint16_t set, uint16_t clear)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	uint16_t want = (uint16_t)((cmd | set) & ~clear);

	if (want != cmd)
		pci_write16(d, PCI_COMMAND, want);
}

/* An unassigned BAR sits at 0; decoding it would shadow low RAM, so its kind
 * of decode stays off. */
void pci_enable_device(struct pci_dev *d)
{
	uint16_t want = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(d->bar); i++) {
		const struct pci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		if (!b->addr) {
			pr_warn("pci %04x:%02x:%02x.%u: bar%u unassigned, not decoded\n",
				d->segment, d->bus, d->dev, d->fn, i);
			continue;
		}
		want |= b->is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	command_update(d, want, 0);
}

void pci_set_master(struct pci_dev *d)
{
	command_update(d, PCI_COMMAND_MASTER, 0);
}

void pci_intx_disable(struct pci_dev *d, bool disable)
{
	if (disable)
		command_update(d, PCI_COMMAND_INTX_DISABLE, 0);
	else
		command_update(d, 0, PCI_COMMAND_INTX_DISABLE);
}

void *pci_iomap_bar(struct pci_dev *d, int bar)
{
	const struct pci_bar *b;

	if (bar < 0 || bar >= (int)ARRAY_SIZE(d->bar))
		return NULL;
	b = &d->bar[bar];
	if (!b->size || b->is_io || !b->addr)
		return NULL;
	return ioremap(b->addr, b->size);
}

static const char *pin_name(uint8_t pin)
{
	static const char *const names[] = { "none", "INTA", "INTB", "INTC", "INTD" };

	return pin < ARRAY_SIZE(names) ? names[pin] : "bad";
}

static int cmd_pci(int argc, char **argv)
{
	struct pci_dev *d;
	const struct pci_counters *c = &pci_counters;

	(void)argc;
	(void)argv;
	pci_for_each_dev(d) {
		uint32_t cs = pci_read32(d, PCI_COMMAND);
		struct line l;

		format_dev(d, &l);
		kprintf("%s\n", l.buf);
		kprintf("    command 0x%04x status 0x%04x pin %s line %u", cs & 0xFFFF, cs >> 16,
			pin_name(d->irq_pin), d->irq_line);
		if (d->msi_cap) {
			bool on = pci_read16(d, d->msi_cap + PCI_MSI_CTRL) & PCI_MSI_CTRL_ENABLE;

			kprintf(" msi %s", on ? "on" : "off");
			if (on && d->msi_vector >= 0)
				kprintf(" (vector 0x%02x)", d->msi_vector);
		}
		if (d->msix_cap) {
			bool on = pci_read16(d, d->msix_cap + PCI_MSIX_CTRL) & PCI_MSIX_CTRL_ENABLE;

			kprintf(" msix %s", on ? "on" : "off");
			if (on && d->msix_enabled)
				kprintf(" (%u of %u entries)", d->msix_nvec, d->msix_table_size);
		}
		kprintf("\n");
	}
	kprintf("%u functions via %s; bad bridge bus %llu, all-ones %llu, bad bar %llu, "
		"cap loop %llu, ecam map fail %llu, bad access %llu, alloc fail %llu\n",
		pci_dev_count, ecam_count ? "ECAM" : conf1_ok ? "port 0xCF8" : "nothing",
		(unsigned long long)c->bad_bridge_bus, (unsigned long long)c->all_ones,
		(unsigned long long)c->bad_bar, (unsigned long long)c->cap_loop,
		(unsigned long long)c->ecam_map_fail, (unsigned long long)c->bad_access,
		(unsigned long long)c->alloc_fail);
	return 0;
}
SHELL_COMMAND("pci", "PCI functions, BARs, command/status, MSI and MSI-X state", cmd_pci);
