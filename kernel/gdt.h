#ifndef RINGOS_GDT_H
#define RINGOS_GDT_H

#include "kernel/compiler.h"

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS       0x18

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2

void gdt_init(void);
uintptr_t ist_stack_bottom(int ist, size_t *size);

#endif
