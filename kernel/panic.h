#ifndef RINGOS_PANIC_H
#define RINGOS_PANIC_H

#include "kernel/compiler.h"

struct irq_frame;

/* Prints `PANIC: <reason>`, registers and a backtrace, then exits QEMU
 * (isa-debug-exit) or halts. Safe to re-enter: a fault inside the panic path
 * prints one raw line and halts instead of triple-faulting. */
__noreturn __printf(1, 2) void panic(const char *fmt, ...);
__noreturn void panic_exception(const struct irq_frame *f);

#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
