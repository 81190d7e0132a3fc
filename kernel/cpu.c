/* CPU identity and time accounting. Each context switch between application,
 * kernel, softirq, hard IRQ and idle charges the TSC cycles since the last one
 * to the bucket being left, so `cpu` answers "sy or si?" on a live system. */
#include <string.h>
#include "kernel/cpu.h"
#include "kernel/io.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "kernel/softirq.h"

static const char *const bucket_names[NR_CPU_BUCKETS] = {
	"user", "sys", "softirq", "hardirq", "idle",
};

static int current_bucket = CPU_SYS;
static uint64_t last_tsc;
static uint64_t cycles[NR_CPU_BUCKETS];
static uint64_t shown[NR_CPU_BUCKETS];	/* snapshot at the previous `cpu` */
/* The part of sys spent inside socket calls (syscall_enter..exit): the
 * network work done in process context, against softirq's NET_RX/NET_TX. */
static uint64_t net_sys_cycles;
char cpu_brand[49];

/* Interrupts off: the cycles since the last charge go to the current bucket,
 * and to net_sys_cycles too when they were sys inside a socket call. */
static void charge(uint64_t now)
{
	uint64_t d = now - last_tsc;

	cycles[current_bucket] += d;
	if (current_bucket == CPU_SYS && current && current->syscall_depth)
		net_sys_cycles += d;
	last_tsc = now;
}

int cpu_account_enter(int bucket)
{
	unsigned long flags = local_irq_save();
	uint64_t now = rdtsc();
	int prev = current_bucket;

	charge(now);
	current_bucket = bucket;
	local_irq_restore(flags);
	return prev;
}

void cpu_account_exit(int prev)
{
	cpu_account_enter(prev);
}

/* The outermost call is a charge point even for a thread already in sys
 * (the services, the shell): what it did before the call is plain sys, what
 * it does inside is network sys (net_sys_cycles), and only a clock read at
 * each edge tells them apart (a few ns per call). The depth changes after the
 * charge at both edges, so each edge's cycles land on the right side. The bucket given back is this thread's own: an interrupt restores it
 * before it returns, and a thread that sleeps inside the call gets it back
 * when it runs again (its sleep is charged to whatever runs meanwhile). */
void syscall_enter(void)
{
	if (current->syscall_depth == 0)
		current->syscall_prev = cpu_account_enter(CPU_SYS);
	current->syscall_depth++;
}

void syscall_exit(void)
{
	if (current->syscall_depth == 1)
		cpu_account_exit(current->syscall_prev);
	current->syscall_depth--;
}

void cpu_account_snapshot(uint64_t out[NR_CPU_BUCKETS])
{
	unsigned long flags = local_irq_save();
	charge(rdtsc());
	memcpy(out, cycles, sizeof(cycles));
	local_irq_restore(flags);
}

uint64_t cpu_net_sys_cycles(void)
{
	unsigned long flags = local_irq_save();
	uint64_t v;

	charge(rdtsc());
	v = net_sys_cycles;
	local_irq_restore(flags);
	return v;
}

void cpu_init(void)
{
	extern uint64_t boot_tsc;
	uint32_t max, r[12];

	/* Everything before this point was boot work, charged to sys. */
	last_tsc = boot_tsc;
	cpuid(0x80000000, 0, &max, &r[0], &r[1], &r[2]);
	if (max >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2],
			      &r[4 * i + 3]);
		memcpy(cpu_brand, r, 48);
	} else {
		strcpy(cpu_brand, "unknown x86_64");
	}
	cpu_brand[48] = '\0';
}

static void show(const uint64_t c[NR_CPU_BUCKETS], const char *label)
{
	uint64_t total = 0;

	for (int i = 0; i < NR_CPU_BUCKETS; i++)
		total += c[i];
	if (total == 0)
		total = 1;
	kprintf("%-11s", label);
	for (int i = 0; i < NR_CPU_BUCKETS; i++) {
		uint64_t permille = c[i] * 1000 / total;
		kprintf(" %s %llu.%llu%%", bucket_names[i], (unsigned long long)permille / 10,
			(unsigned long long)permille % 10);
	}
	kprintf("\n");
}

static int cmd_cpu(int argc, char **argv)
{
	uint64_t now[NR_CPU_BUCKETS], delta[NR_CPU_BUCKETS];

	if (argc >= 2 && strcmp(argv[1], "-w") == 0)
		return cpu_watch_cmd(argc - 2, argv + 2);
	if (argc != 1) {
		kprintf("usage: cpu [-w [SEC [COUNT]]]\n");
		return -1;
	}
	cpu_account_snapshot(now);
	for (int i = 0; i < NR_CPU_BUCKETS; i++) {
		delta[i] = now[i] - shown[i];
		shown[i] = now[i];
	}
	kprintf("cpu0: %s, TSC %llu.%03llu MHz (%s)\n", cpu_brand,
		(unsigned long long)tsc_khz / 1000, (unsigned long long)tsc_khz % 1000,
		tsc_source);
	show(now, "since boot:");
	show(delta, "since last:");
	for (int i = 0; i < NR_CPU_BUCKETS; i++)
		kprintf("  %-8s %llu ms\n", bucket_names[i],
			(unsigned long long)tsc_to_ns(now[i]) / NSEC_PER_MSEC);
	return 0;
}
SHELL_COMMAND("cpu", "[-w [SEC [COUNT]]]: CPU time split into user, sys, softirq, hardirq and idle;"
	      " -w: a line per SEC (default 1) with the network work's sys/softirq split", cmd_cpu);

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ns = ktime_get_ns();

	(void)argc;
	(void)argv;
	kprintf("up %llu.%03llu s\n", (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_MSEC));
	return 0;
}
SHELL_COMMAND("uptime", "time since boot", cmd_uptime);

void cpu_idle_irqoff(void)
{
	static bool warned;
	int prev;

	/* With bottom halves disabled no softirq can run, so whatever the caller
	 * waits for may never come: refuse to halt rather than hang. */
	if (unlikely(in_softirq() && !in_serving_softirq())) {
		if (!warned) {
			warned = true;
			pr_err("cpu: idle wait with bottom halves disabled; refused\n");
		}
		local_irq_enable();
		return;
	}
	if (softirq_pending()) {
		local_irq_enable();
		do_softirq();
		return;
	}
	prev = cpu_account_enter(CPU_IDLE);
	/* sti's one-instruction shadow: an interrupt pending since the check
	 * above is taken after hlt starts and ends it, so none is lost. */
	__asm__ __volatile__("sti; hlt" ::: "memory");
	cpu_account_exit(prev);
}
