/* Kernel timers (kernel/ktimer.h's timer_mod / timer_del) on a real timer
 * wheel driven by a fake millisecond clock, for every host build that runs
 * code arming timers: the neighbour and ARP suites, the IPv4 core suites and
 * the fuzz harness. The clock itself stays the fixture's: jiffies() is
 * whatever it defines, and timer_mod measures from it. */
#ifndef RINGOS_TEST_FAKE_TIMER_H
#define RINGOS_TEST_FAKE_TIMER_H

#include <stdint.h>

/* An empty wheel whose time is now. */
void fake_timer_init(uint64_t now);
/* The earliest time at which something is due (UINT64_MAX: nothing armed). */
uint64_t fake_timer_next(void);
/* Calls every timer due by now (kernel/timer.h's timer_base_run). */
void fake_timer_run(uint64_t now);
/* Moves *clock on by ms, firing every timer that falls due, in order, each
 * with *clock at its own expiry; *clock ends at the target. */
void fake_timer_advance(uint64_t *clock, uint64_t ms);

#endif
