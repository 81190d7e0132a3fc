/* Time: the TSC calibrated once at boot gives a monotonic nanosecond clock. */
#ifndef RINGOS_TIME_H
#define RINGOS_TIME_H

#include "kernel/compiler.h"

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC  1000000000ULL

extern uint64_t tsc_khz;
extern const char *tsc_source;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Ticks of a khz clock in ns nanoseconds: ns * khz / 10^6 without the 64-bit
 * overflow of the plain product, which a timer a few hours away (ns ~ 10^13,
 * khz ~ 3 * 10^6) would hit. */
static inline uint64_t ns_to_ticks(uint64_t ns, uint64_t khz)
{
	return ns / 1000000 * khz + ns % 1000000 * khz / 1000000;
}

void time_init(void);
/* Nanoseconds since the first instruction of the boot entry. */
uint64_t ktime_get_ns(void);
uint64_t tsc_to_ns(uint64_t cycles);
/* Busy-waits; for bounded hardware waits only. */
void udelay(uint64_t us);

#endif
