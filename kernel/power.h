/* Leaving the machine: QEMU's isa-debug-exit when present, else ACPI / reset. */
#ifndef RINGOS_POWER_H
#define RINGOS_POWER_H

#include "kernel/compiler.h"

/* QEMU exits with (code << 1) | 1 when isa-debug-exit is present. */
#define EXIT_POWEROFF 0
#define EXIT_PANIC    1

__noreturn void machine_poweroff(void);
/* Powers off through ACPI S5 first, as a user's `poweroff` on a PC does (QEMU
 * then exits 0 even with isa-debug-exit present); machine_poweroff when the
 * firmware offers no S5. */
__noreturn void machine_acpi_poweroff(void);
__noreturn void machine_reboot(void);
/* Exits QEMU with the given code if possible, else powers off; never returns. */
__noreturn void machine_exit(int code);

#endif
