/* Boot: the init order, then the main loop. Each step needs only the ones
 * above it; the comments say what forces the order where it is not obvious. */
#include <stdio.h>
#include <string.h>
#include "kernel/acpi.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/gdt.h"
#include "kernel/irq.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/lapic.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/pci.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/selftest.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "net/net_start.h"
#include "net/netdevice.h"

KPARAM_INT("loglevel", console_loglevel, 0, 7, "console log level (3 errors .. 7 debug)");

void kmain(uint32_t magic, uintptr_t info);

void kmain(uint32_t magic, uintptr_t info)
{
	bool multiboot = bootinfo_parse(magic, info);

	console_init();
	kprintf("\nringos %s (x86_64 unikernel network appliance)\n", RINGOS_VERSION);
	gdt_init();
	idt_init();
	if (!multiboot)
		panic("not started by a multiboot loader (magic 0x%x)", magic);
	kprintf("boot: %s, cmdline \"%s\"\n", boot_info.loader, boot_info.cmdline);
	if (boot_info.cmdline_truncated)
		pr_warn("boot: command line longer than %d bytes, truncated\n", BOOT_CMDLINE_MAX - 1);
	cmdline_parse_kparams(boot_info.cmdline);
	console_configure();

	/* ACPI first: its BIOS-area scan reads page 0, which mm_init unmaps. */
	acpi_init();
	mm_init();
	mm_report();
	cpu_init();
	time_init();
	kprintf("cpu: %s, TSC %llu.%03llu MHz (%s)\n", cpu_brand,
		(unsigned long long)tsc_khz / 1000, (unsigned long long)tsc_khz % 1000,
		tsc_source);

	ioapic_init();
	lapic_init();
	timers_init();
	sched_init();
	console_enable_irq();
	local_irq_enable();

	pci_init();
	selftest_run();
	net_start();
	shell_start();
	sched_start();
}

static int cmd_cmdline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("cmdline: \"%s\"\n", boot_info.cmdline);
	cmdline_dump();
	return 0;
}
SHELL_COMMAND("cmdline", "boot command line and every option's value", cmd_cmdline);

static int cmd_softirqs(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-v") == 0)
		return softirqs_verbose();
	if (argc != 1) {
		kprintf("usage: softirqs [-v]\n");
		return -1;
	}
	softirq_dump();
	return 0;
}
SHELL_COMMAND("softirqs", "[-v]: softirq counts per type, like /proc/softirqs; -v: NET_RX/NET_TX by cause",
	      cmd_softirqs);
