/* The IDT, the vector table behind it, and the one dispatch function every
 * interrupt and exception goes through. A hard IRQ does only its handler's
 * minimal work; softirqs run on the way out (irq_exit). */
#include <string.h>
#include "kernel/irq.h"
#include "kernel/gdt.h"
#include "kernel/lapic.h"
#include "kernel/panic.h"
#include "kernel/softirq.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/irqflags.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate (SDM vol. 3, 6.14.1)");

#define GATE_INTERRUPT 0x8E	/* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

struct irq_desc {
	irq_handler_t handler;
	void *data;
	const char *name;
	uint64_t count;
};

extern const uint64_t isr_stub_table[256];

static struct idt_gate idt[256] __aligned(16);
static struct irq_desc irq_desc[256];
static uint64_t spurious_count, unexpected_count, nmi_count;

static void set_gate(int v, uint64_t handler, int ist)
{
	idt[v] = (struct idt_gate){
		.offset_low = handler & 0xFFFF,
		.selector = GDT_KERNEL_CS,
		.ist = (uint8_t)ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_high = (uint32_t)(handler >> 32),
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed p = { sizeof(idt) - 1, (uintptr_t)idt };

	for (int v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(2, isr_stub_table[2], IST_NMI);
	set_gate(8, isr_stub_table[8], IST_DOUBLE_FAULT);
	set_gate(18, isr_stub_table[18], IST_NMI);
	__asm__ __volatile__("lidt %0" :: "m"(p));
}

void irq_dispatch(struct irq_frame *f);

void irq_dispatch(struct irq_frame *f)
{
	unsigned v = (unsigned)f->vector;
	struct irq_desc *d;

	if (v < 32) {
		if (v == 2) {
			/* Watchdogs and front-panel buttons use NMI; note it, carry on. */
			nmi_count++;
			return;
		}
		panic_exception(f);
	}
	if (v == VECTOR_SPURIOUS) {
		/* Spurious LAPIC interrupts need no EOI (SDM vol. 3, 11.9). */
		spurious_count++;
		return;
	}
	irq_enter();
	d = &irq_desc[v];
	d->count++;
	if (d->handler)
		d->handler(d->data);
	else
		unexpected_count++;
	lapic_eoi();
	irq_exit();
}

void irq_set_handler(int vector, irq_handler_t handler, void *data, const char *name)
{
	unsigned long flags = local_irq_save();

	irq_desc[vector] = (struct irq_desc){ handler, data, name, 0 };
	local_irq_restore(flags);
}

int irq_alloc_vector(irq_handler_t handler, void *data, const char *name)
{
	for (int v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
		if (!irq_desc[v].handler) {
			irq_set_handler(v, handler, data, name);
			return v;
		}
	}
	pr_warn("irq: no free vector for %s\n", name);
	return -1;
}

void irq_free_vector(int vector)
{
	if (vector >= IRQ_VECTOR_FIRST && vector <= IRQ_VECTOR_LAST)
		irq_set_handler(vector, NULL, NULL, NULL);
}

static int cmd_irq(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("vector  count       name\n");
	for (int v = 32; v < 256; v++)
		if (irq_desc[v].handler)
			kprintf("0x%02x    %-11llu %s\n", v,
			       (unsigned long long)irq_desc[v].count, irq_desc[v].name);
	kprintf("spurious %llu unexpected %llu nmi %llu\n",
	       (unsigned long long)spurious_count, (unsigned long long)unexpected_count,
	       (unsigned long long)nmi_count);
	return 0;
}
SHELL_COMMAND("irq", "interrupt vectors, handlers and counts", cmd_irq);
