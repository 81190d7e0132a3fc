/* The TSC is the clock: calibrated once, then read without any device access.
 * Calibration source, best first: CPUID leaf 0x15/0x16, the hypervisor's
 * timing leaf, the HPET (1 ms window), the PIT (5 ms window). */
#include "kernel/time.h"
#include "kernel/acpi.h"
#include "kernel/io.h"
#include "kernel/paging.h"
#include "kernel/printk.h"

/* HPET registers (IA-PC HPET spec 1.0a, 2.3). */
#define HPET_GCAP_ID     0x000	/* bits 63:32 tick period in femtoseconds */
#define HPET_GEN_CONF    0x010
#define  HPET_ENABLE_CNF 1
#define HPET_MAIN_COUNTER 0x0F0

/* PIT channel 2, gated through port 0x61 (8254 datasheet; PC/AT wiring). */
#define PIT_HZ       1193182
#define PIT_CMD      0x43
#define PIT_CH2      0x42
#define PORT_B       0x61
#define  PORT_B_GATE2 0x01
#define  PORT_B_SPKR  0x02
#define  PORT_B_OUT2  0x20

#define HPET_WINDOW_NS  1000000ULL
#define PIT_WINDOW_MS   5
#define CAL_SPIN_LIMIT  50000000

extern uint64_t boot_tsc;

uint64_t tsc_khz;
const char *tsc_source = "none";
static uint64_t ns_mult;	/* ns = cycles * ns_mult >> 32 */

static uint64_t khz_from_cpuid(void)
{
	uint32_t max, a, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c) {
			tsc_source = "cpuid 0x15";
			return (uint64_t)c * b / a / 1000;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if (a) {
			tsc_source = "cpuid 0x16";
			return (uint64_t)(a & 0xFFFF) * 1000;
		}
	}
	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1u << 31)) {
		cpuid(0x40000000, 0, &max, &b, &c, &d);
		if (max >= 0x40000010) {
			cpuid(0x40000010, 0, &a, &b, &c, &d);
			if (a) {
				tsc_source = "hypervisor";
				return a;
			}
		}
	}
	return 0;
}

static uint64_t khz_from_hpet(void)
{
	volatile uint8_t *h;
	uint64_t period_fs, ticks, t0, c0, c1;

	if (!acpi.hpet_addr || !(h = ioremap(acpi.hpet_addr, 1024)))
		return 0;
	period_fs = readq(h + HPET_GCAP_ID) >> 32;
	if (period_fs == 0 || period_fs > 100000000)	/* spec: at most 100 ns */
		return 0;
	writeq(readq(h + HPET_GEN_CONF) | HPET_ENABLE_CNF, h + HPET_GEN_CONF);
	ticks = HPET_WINDOW_NS * 1000000 / period_fs;
	c0 = readq(h + HPET_MAIN_COUNTER);
	t0 = rdtsc();
	for (int i = 0; i < CAL_SPIN_LIMIT; i++) {
		c1 = readq(h + HPET_MAIN_COUNTER);
		if (c1 - c0 >= ticks) {
			uint64_t cycles = rdtsc() - t0;
			uint64_t ns = (c1 - c0) * period_fs / 1000000;

			tsc_source = "hpet";
			return ns ? cycles * 1000000 / ns : 0;
		}
	}
	return 0;
}

static uint64_t khz_from_pit(void)
{
	uint32_t count = PIT_HZ * PIT_WINDOW_MS / 1000;
	uint64_t t0;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPKR) | PORT_B_GATE2);
	outb(PIT_CMD, 0xB0);	/* channel 2, lobyte/hibyte, mode 0: OUT2 rises at 0 */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	/* Restart the count by toggling the gate. */
	outb(PORT_B, inb(PORT_B) & ~PORT_B_GATE2);
	outb(PORT_B, inb(PORT_B) | PORT_B_GATE2);
	t0 = rdtsc();
	for (int i = 0; i < CAL_SPIN_LIMIT; i++)
		if (inb(PORT_B) & PORT_B_OUT2) {
			tsc_source = "pit";
			return (rdtsc() - t0) / PIT_WINDOW_MS;
		}
	return 0;
}

void time_init(void)
{
	tsc_khz = khz_from_cpuid();
	if (!tsc_khz)
		tsc_khz = khz_from_hpet();
	if (!tsc_khz)
		tsc_khz = khz_from_pit();
	if (!tsc_khz) {
		tsc_khz = 1000000;
		tsc_source = "guess (1 GHz)";
		pr_warn("time: TSC calibration failed, assuming 1 GHz\n");
	}
	ns_mult = (1000000ULL << 32) / tsc_khz;
}

uint64_t tsc_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

uint64_t ktime_get_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

void udelay(uint64_t us)
{
	uint64_t t0 = rdtsc(), cycles = us * tsc_khz / 1000;

	while (rdtsc() - t0 < cycles)
		cpu_relax();
}
