/* Boot: the init order, then the main loop. Each step needs only the ones
 * above it; the comments say what forces the order where it is not obvious. */
#include <stdio.h>
#include "apps/app.h"
#include "drivers/igb/igb.h"
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
#include "kernel/selftest.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "net/netdevice.h"
#include "net/skbuff.h"

KPARAM_INT("loglevel", console_loglevel, 0, 7, "console log level (3 errors .. 7 debug)");

/* Link autonegotiation takes ~0.5 s under QEMU and seconds on real PHYs. */
#define LINK_WAIT_MS 5000

/* Network bring-up: the NIC's PHY starts negotiating at probe, the rings and
 * the application are set up meanwhile, and READY waits only for the link. */
static void net_start(void)
{
	const struct app *app = app_selected();
	struct net_device *dev;
	char mac[24] = "";

	kprintf("boot: kernel up in %llu us, starting the network\n",
		(unsigned long long)(ktime_get_ns() / 1000));
	skb_init();
	net_dev_init();
	igb_init();
	dev = first_netdev();
	if (dev && dev_open(dev) < 0) {
		pr_err("net: cannot open %s\n", dev->name);
		dev = NULL;
	}
	if (dev && app && app->init(dev) < 0) {
		pr_err("net: app %s failed to start\n", app->name);
		app = NULL;
	}
	if (dev) {
		if (!igb_wait_for_link(LINK_WAIT_MS))
			pr_warn("net: %s link still down after %d ms\n", dev->name, LINK_WAIT_MS);
		snprintf(mac, sizeof(mac), " mac=%02x:%02x:%02x:%02x:%02x:%02x",
			 dev->dev_addr[0], dev->dev_addr[1], dev->dev_addr[2],
			 dev->dev_addr[3], dev->dev_addr[4], dev->dev_addr[5]);
	} else if (app) {
		pr_err("net: no network device; app %s not started\n", app->name);
		app = NULL;
	}
	kprintf("READY%s boot_us=%llu\n", mac, (unsigned long long)(ktime_get_ns() / 1000));
	if (app) {
		int prev = cpu_account_enter(CPU_USER);

		app->run(dev);
		cpu_account_exit(prev);
	}
}

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
	console_enable_irq();
	local_irq_enable();

	pci_init();
	selftest_run();
	net_start();
	shell_prompt();
	for (;;) {
		shell_poll();
		local_irq_disable();
		if (console_input_pending()) {
			local_irq_enable();
			continue;
		}
		cpu_idle_irqoff();
	}
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
	(void)argc;
	(void)argv;
	softirq_dump();
	return 0;
}
SHELL_COMMAND("softirqs", "softirq counts per type, like /proc/softirqs", cmd_softirqs);
