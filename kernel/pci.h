/* PCI: configuration space access, bus enumeration, BARs and MSI/MSI-X.
 *
 * pci_init finds every function once at boot and keeps it on a list; drivers
 * then look their device up (pci_find, pci_match_id) and turn on what they
 * need themselves: nothing here enables decode, bus mastering or interrupts
 * behind a driver's back. */
#ifndef RINGOS_PCI_H
#define RINGOS_PCI_H

#include "kernel/compiler.h"
#include "kernel/irq.h"
#include "kernel/list.h"

/* Type 0/1 configuration header (PCI Local Bus 3.0 §6.1, §6.2.1). */
#define PCI_VENDOR_ID		0x00	/* 16 bits; 0xFFFF: no function here */
#define  PCI_VENDOR_NONE	0xFFFF
#define PCI_DEVICE_ID		0x02
#define PCI_REVISION		0x08	/* dword: revision 7:0, class code 31:8 */
#define  PCI_CLASS_SHIFT	8
#define PCI_HEADER_TYPE		0x0E
#define  PCI_HEADER_LAYOUT	0x7F
#define  PCI_HEADER_NORMAL	0x00
#define  PCI_HEADER_BRIDGE	0x01
#define  PCI_HEADER_CARDBUS	0x02
#define  PCI_HEADER_MULTI_FN	0x80	/* function 0 only: functions 1-7 may exist */

/* Command register (PCI Local Bus 3.0 §6.2.2). */
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		(1u << 0)
#define  PCI_COMMAND_MEMORY	(1u << 1)
#define  PCI_COMMAND_MASTER	(1u << 2)
#define  PCI_COMMAND_INTX_DISABLE (1u << 10)

/* Status register (PCI Local Bus 3.0 §6.2.3). */
#define PCI_STATUS		0x06
#define  PCI_STATUS_INTX	(1u << 3)	/* INTx asserted */
#define  PCI_STATUS_CAP_LIST	(1u << 4)	/* capabilities pointer is valid */

/* Base address registers (PCI Local Bus 3.0 §6.2.5.1). */
#define PCI_BAR0		0x10
#define  PCI_BAR_IO		(1u << 0)
#define  PCI_BAR_MEM_TYPE	(3u << 1)
#define  PCI_BAR_MEM_TYPE_32	(0u << 1)
#define  PCI_BAR_MEM_TYPE_64	(2u << 1)
#define  PCI_BAR_PREFETCH	(1u << 3)
#define  PCI_BAR_MEM_MASK	0xFFFFFFF0u
#define  PCI_BAR_IO_MASK	0xFFFFFFFCu
#define PCI_BAR_COUNT_NORMAL	6
#define PCI_BAR_COUNT_BRIDGE	2

/* Miscellaneous header registers (PCI Local Bus 3.0 §6.2.4, §6.7). */
#define PCI_SUBSYSTEM_VENDOR_ID	0x2C
#define PCI_SUBSYSTEM_ID	0x2E
#define PCI_CAP_PTR		0x34
#define  PCI_CAP_PTR_MASK	0xFC	/* bits 1:0 reserved */
#define PCI_INTERRUPT_LINE	0x3C
#define PCI_INTERRUPT_PIN	0x3D	/* 0 none, 1-4 INTA-INTD */

/* Type 1 header bus numbers (PCI-to-PCI Bridge Architecture 1.2 §3.2). */
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1A

/* Capability list entries (PCI Local Bus 3.0 §6.7; IDs from Appendix H). */
#define PCI_CAP_ID		0x00
#define PCI_CAP_NEXT		0x01
#define  PCI_CAP_ID_PM		0x01
#define  PCI_CAP_ID_MSI		0x05
#define  PCI_CAP_ID_PCIE	0x10
#define  PCI_CAP_ID_MSIX	0x11

/* MSI capability (PCI Local Bus 3.0 §6.8.1). The fields after the low address
 * move by 4 bytes when the function takes a 64-bit address. */
#define PCI_MSI_CTRL		0x02
#define  PCI_MSI_CTRL_ENABLE	(1u << 0)
#define  PCI_MSI_CTRL_MMC	(7u << 1)	/* log2 of vectors requested */
#define  PCI_MSI_CTRL_MME	(7u << 4)	/* log2 of vectors granted */
#define  PCI_MSI_CTRL_64BIT	(1u << 7)
#define  PCI_MSI_CTRL_MASKABLE	(1u << 8)	/* per-vector mask bits present */
#define PCI_MSI_ADDR_LO		0x04
#define PCI_MSI_ADDR_HI		0x08	/* 64-bit layout only */
#define PCI_MSI_DATA_32		0x08
#define PCI_MSI_DATA_64		0x0C
#define PCI_MSI_MASK_32		0x0C
#define PCI_MSI_MASK_64		0x10

/* MSI-X capability and table (PCI Local Bus 3.0 §6.8.2). */
#define PCI_MSIX_CTRL		0x02
#define  PCI_MSIX_CTRL_SIZE	0x07FFu		/* table size minus one */
#define  PCI_MSIX_CTRL_FN_MASK	(1u << 14)	/* masks every vector at once */
#define  PCI_MSIX_CTRL_ENABLE	(1u << 15)
#define PCI_MSIX_TABLE		0x04
#define PCI_MSIX_PBA		0x08
#define  PCI_MSIX_BIR		0x7u		/* which BAR holds it */
#define  PCI_MSIX_OFFSET	0xFFFFFFF8u	/* offset inside that BAR */
#define PCI_MSIX_ENTRY_SIZE	16
#define PCI_MSIX_ENTRY_ADDR_LO	0x0
#define PCI_MSIX_ENTRY_ADDR_HI	0x4
#define PCI_MSIX_ENTRY_DATA	0x8
#define PCI_MSIX_ENTRY_CTRL	0xC
#define  PCI_MSIX_ENTRY_MASKED	(1u << 0)

/* PCI Express capability (PCIe Base 3.0 §7.8.2). */
#define PCI_EXP_FLAGS		0x02
#define  PCI_EXP_FLAGS_VERSION	0x000Fu
#define  PCI_EXP_FLAGS_TYPE	0x00F0u
#define  PCI_EXP_FLAGS_TYPE_SHIFT 4

/* Matches any vendor or device in pci_find and ID tables. */
#define PCI_ANY_ID		0xFFFF

struct pci_bar {
	uint64_t addr;		/* bus address as firmware assigned it; 0: unassigned */
	uint64_t size;		/* 0: not implemented (or the upper half of a 64-bit BAR) */
	bool is_io, is_64, prefetch;
};

/* Live MSI-X state of one table entry. */
struct pci_msix_entry {
	int vector;		/* -1 until pci_msix_set_vector */
	uint32_t ctrl;		/* vector control as last written: its reserved bits must be kept */
};

struct pci_dev {
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint8_t revision, class_code, subclass, prog_if;
	uint8_t header_type;		/* layout, multi-function bit removed */
	uint8_t irq_pin, irq_line;
	uint8_t secondary_bus, subordinate_bus;	/* bridges only */
	struct pci_bar bar[6];
	uint8_t msi_cap, msix_cap, pcie_cap;	/* offsets, 0 when absent */
	uint8_t pcie_type;			/* device/port type field of the PCIe capability */
	uint16_t msix_table_size;

	bool msi_enabled;
	int msi_vector;
	bool msix_enabled;
	volatile uint8_t *msix_table;
	unsigned msix_nvec;
	struct pci_msix_entry *msix_entry;	/* msix_nvec entries while enabled */

	struct list_head link;
};

/* A driver's table of devices it handles, ended by an entry with vendor 0. */
struct pci_device_id {
	uint16_t vendor, device;	/* PCI_ANY_ID matches anything */
	uintptr_t driver_data;
};

/* Things enumeration and drivers found wrong; each would otherwise be silent. */
struct pci_counters {
	uint64_t bad_bridge_bus;	/* secondary bus 0, out of the window, backwards or seen twice */
	uint64_t all_ones;		/* a present function read all-ones mid-probe */
	uint64_t bad_bar;		/* 64-bit BAR in the last slot, or unassigned BAR */
	uint64_t cap_loop;		/* capability list too long or pointing into the header */
	uint64_t ecam_map_fail;		/* ioremap of a bus's ECAM range failed */
	uint64_t bad_access;		/* misaligned or out-of-range config offset */
	uint64_t alloc_fail;		/* kzalloc failures: function not listed */
};

extern struct pci_counters pci_counters;

/* Picks ECAM (when ACPI has an MCFG) or mechanism #1 and lists every function
 * reachable from each segment's first bus through PCI-PCI bridges. */
void pci_init(void);

/* Configuration space of one function. Offsets must be naturally aligned and
 * below 0x1000 (ECAM) or 0x100 (mechanism #1); anything else reads all-ones
 * and writes nothing. */
uint8_t pci_read8(struct pci_dev *d, uint16_t off);
uint16_t pci_read16(struct pci_dev *d, uint16_t off);
uint32_t pci_read32(struct pci_dev *d, uint16_t off);
void pci_write8(struct pci_dev *d, uint16_t off, uint8_t v);
void pci_write16(struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write32(struct pci_dev *d, uint16_t off, uint32_t v);

/* Walks the device list: pci_next(NULL) is the first device, NULL ends it. */
struct pci_dev *pci_next(struct pci_dev *from);
#define pci_for_each_dev(d) for ((d) = pci_next(NULL); (d); (d) = pci_next(d))
/* Next device after `from` (NULL: from the start) with these IDs. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from);
/* The table entry matching d, or NULL. */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 const struct pci_dev *d);
/* Next device after `from` matched by the table; *match gets the entry. */
struct pci_dev *pci_find_id(const struct pci_device_id *ids, struct pci_dev *from,
			    const struct pci_device_id **match);

/* Turns on memory and/or I/O decode for the kinds of BAR the function has. */
void pci_enable_device(struct pci_dev *d);
void pci_set_master(struct pci_dev *d);
void pci_intx_disable(struct pci_dev *d, bool disable);
/* Uncached mapping of a whole memory BAR; NULL for I/O, absent or unassigned BARs. */
void *pci_iomap_bar(struct pci_dev *d, int bar);

/* One MSI vector aimed at this CPU; INTx is disabled. The vector or -1. */
int pci_enable_msi(struct pci_dev *d, irq_handler_t handler, void *data, const char *name);
/* Enables MSI-X with every entry masked; entries 0..nvec-1 can then be given
 * vectors. 0, or -1 if the function has no MSI-X, fewer than nvec entries,
 * MSI is on, or the table cannot be mapped. */
int pci_msix_enable(struct pci_dev *d, unsigned nvec);
/* Points entry at a new vector running handler and unmasks it (a vector the
 * entry had before is released). The vector or -1. */
int pci_msix_set_vector(struct pci_dev *d, unsigned entry, irq_handler_t handler,
			void *data, const char *name);
void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked);
/* Masks every entry, releases their vectors, clears Enable and lets INTx back on. */
void pci_msix_disable(struct pci_dev *d);

#endif
