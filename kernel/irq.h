/* Interrupt vectors: the IDT's device range handed out to IOAPIC pins and to
 * MSI/MSI-X messages, plus the dispatch counters the `irq` command shows. */
#ifndef RINGOS_IRQ_H
#define RINGOS_IRQ_H

#include "kernel/compiler.h"

#define IRQ_VECTOR_FIRST 0x30	/* below: exceptions and reserved */
#define IRQ_VECTOR_LAST  0xEF	/* above: LAPIC timer, IPIs, spurious */
#define VECTOR_LAPIC_TIMER 0xF0
#define VECTOR_SPURIOUS    0xFF

typedef void (*irq_handler_t)(void *data);

struct irq_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

void idt_init(void);
/* Masks the 8259s and every IOAPIC pin; needs acpi_init() first. */
void ioapic_init(void);
/* Claims a free vector for a handler; -1 when none is left. */
int irq_alloc_vector(irq_handler_t handler, void *data, const char *name);
void irq_free_vector(int vector);
/* Installs a handler on a fixed vector (LAPIC timer, IPIs). */
void irq_set_handler(int vector, irq_handler_t handler, void *data, const char *name);
/* Routes a legacy ISA IRQ through the IOAPIC (honouring ACPI overrides); the vector or -1. */
int irq_setup_isa(unsigned isa_irq, irq_handler_t handler, void *data, const char *name);
/* Routes an IOAPIC GSI, level-triggered active-low (PCI INTx); the vector or -1. */
int irq_setup_gsi_level(unsigned gsi, irq_handler_t handler, void *data, const char *name);
void irq_mask_gsi(unsigned gsi, bool masked);
/* Destination address/data of an MSI or MSI-X message aimed at this CPU. */
uint64_t msi_address(void);
uint32_t msi_data(int vector);

#endif
