/* Leaving the machine. Under QEMU the isa-debug-exit port ends the emulator
 * with a status the harness can read; on hardware: ACPI S5, ACPI reset
 * register, keyboard controller, PCI reset port, and finally a triple fault. */
#include "kernel/power.h"
#include "kernel/acpi.h"
#include "kernel/console.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/time.h"

#define DEBUG_EXIT_PORT 0xF4	/* -device isa-debug-exit,iobase=0xf4,iosize=0x04 */
#define PM1_SLP_EN      (1u << 13)
#define PM1_SLP_TYP_SHIFT 10
#define KBC_CMD         0x64
#define  KBC_PULSE_RESET 0xFE
#define PCI_RESET_PORT  0xCF9
#define  PCI_RESET_HARD  0x06

/* Writing to an unclaimed port is harmless under QEMU but not on unknown
 * hardware, so the debug-exit port is only touched when QEMU is the host. */
static bool under_qemu(void)
{
	uint32_t a, b, c, d;
	char sig[13];

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return false;
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	__builtin_memcpy(sig, &b, 4);
	__builtin_memcpy(sig + 4, &c, 4);
	__builtin_memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	return !__builtin_memcmp(sig, "TCGTCGTCGTCG", 12) ||
	       !__builtin_memcmp(sig, "KVMKVMKVM\0\0\0", 12);
}

static __noreturn void halt_forever(void)
{
	for (;;) {
		__asm__ __volatile__("cli");
		halt();
	}
}

void machine_exit(int code)
{
	console_flush();
	if (under_qemu())
		outl(DEBUG_EXIT_PORT, (uint32_t)code);
	if (code == EXIT_POWEROFF)
		machine_poweroff();
	halt_forever();
}

static void acpi_s5(void)
{
	if (acpi.pm1a_cnt && acpi.s5_found) {
		outw((uint16_t)acpi.pm1a_cnt,
		     (uint16_t)((acpi.slp_typ_s5 << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
		/* S5 takes effect within microseconds; give it 100 ms. */
		udelay(100000);
	}
}

void machine_poweroff(void)
{
	console_flush();
	if (under_qemu())
		outl(DEBUG_EXIT_PORT, EXIT_POWEROFF);
	acpi_s5();
	kprintf("System halted; it is safe to switch off.\n");
	console_flush();
	halt_forever();
}

void machine_acpi_poweroff(void)
{
	console_flush();
	acpi_s5();
	machine_poweroff();
}

void machine_reboot(void)
{
	console_flush();
	if (acpi.reset_supported && acpi.reset_space == 1)
		outb((uint16_t)acpi.reset_addr, acpi.reset_value);
	outb(KBC_CMD, KBC_PULSE_RESET);
	outb(PCI_RESET_PORT, PCI_RESET_HARD);
	/* Last resort: an empty IDT turns the next exception into a triple fault. */
	struct { uint16_t limit; uint64_t base; } __packed empty = { 0, 0 };
	__asm__ __volatile__("lidt %0; int3" :: "m"(empty));
	halt_forever();
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Powering off.\n");
	machine_poweroff();
}
SHELL_COMMAND("poweroff", "switch off (exits QEMU)", cmd_poweroff);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Rebooting.\n");
	machine_reboot();
}
SHELL_COMMAND("reboot", "reset the machine", cmd_reboot);
