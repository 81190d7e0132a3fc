#include "kernel/lapic.h"
#include "kernel/acpi.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/paging.h"
#include "kernel/printk.h"
#include "kernel/time.h"

#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
/* Long enough to measure the timer's rate to ~0.1%, short enough for boot time. */
#define LAPIC_CALIBRATE_US 250

static volatile uint8_t *lapic;
static bool tsc_deadline;
static uint64_t lapic_timer_khz;	/* timer ticks per ms after the /16 divider */

static inline uint32_t lapic_read(uint32_t reg) { return readl(lapic + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { writel(v, lapic + reg); }

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

uint64_t msi_address(void)
{
	/* MSI address: 0xFEE in bits 31:20, destination APIC ID in 19:12, physical
	 * destination, no redirection hint (SDM vol. 3, 11.11.1). */
	return 0xFEE00000ULL | ((uint64_t)lapic_id() << 12);
}

uint32_t msi_data(int vector)
{
	/* Fixed delivery, edge trigger: only the vector is set. */
	return (uint32_t)vector & 0xFF;
}

static void calibrate_timer(void)
{
	uint64_t t0, cycles = LAPIC_CALIBRATE_US * tsc_khz / 1000;
	uint32_t elapsed;

	lapic_write(LAPIC_TIMER_DIV, LAPIC_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	t0 = rdtsc();
	while (rdtsc() - t0 < cycles)
		cpu_relax();
	elapsed = 0xFFFFFFFF - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_timer_khz = (uint64_t)elapsed * 1000 / LAPIC_CALIBRATE_US;
	if (lapic_timer_khz == 0)
		lapic_timer_khz = 1;
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t a, b, c, d;

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = ioremap(acpi.lapic_addr ? acpi.lapic_addr : (base & ~0xFFFULL), 4096);
	lapic_write(LAPIC_TPR, 0);
	/* The 8259 is masked and the IOAPIC delivers device IRQs: LINT0 (ExtINT)
	 * stays masked, LINT1 carries NMI as on every PC. */
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();

	cpuid(1, 0, &a, &b, &c, &d);
	tsc_deadline = c & CPUID1_ECX_TSC_DEADLINE;
	if (tsc_deadline)
		lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_DEADLINE | VECTOR_LAPIC_TIMER);
	else {
		calibrate_timer();
		lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_ONESHOT | VECTOR_LAPIC_TIMER);
	}
}

void lapic_timer_arm_ns(uint64_t ns)
{
	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, ns ? rdtsc() + ns_to_ticks(ns, tsc_khz) + 1 : 0);
		return;
	}
	uint64_t ticks = ns ? ns_to_ticks(ns, lapic_timer_khz) + 1 : 0;

	lapic_write(LAPIC_TIMER_INIT, ticks > 0xFFFFFFFF ? 0xFFFFFFFF : (uint32_t)ticks);
}

const char *lapic_timer_mode(void)
{
	return tsc_deadline ? "tsc-deadline" : "one-shot";
}
