/* Local APIC: end-of-interrupt, the one-shot timer, this CPU's APIC ID. */
#ifndef RINGOS_LAPIC_H
#define RINGOS_LAPIC_H

#include "kernel/compiler.h"

/* Register offsets from the LAPIC base (SDM vol. 3, table 11-1). */
#define LAPIC_ID        0x020
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080	/* task priority: 0 accepts every vector */
#define LAPIC_EOI       0x0B0
#define LAPIC_SVR       0x0F0	/* spurious vector register */
#define  LAPIC_SVR_ENABLE    (1u << 8)
#define LAPIC_ESR       0x280
#define LAPIC_LVT_TIMER 0x320
#define  LAPIC_TIMER_ONESHOT  (0u << 17)
#define  LAPIC_TIMER_DEADLINE (2u << 17)
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define  LAPIC_LVT_MASKED    (1u << 16)
#define  LAPIC_LVT_NMI       (4u << 8)
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0
#define  LAPIC_DIV_16        0x3

#define MSR_APIC_BASE     0x1B
#define  APIC_BASE_ENABLE    (1u << 11)
#define MSR_TSC_DEADLINE  0x6E0

void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Arms the timer to fire once, `ns` from now (0 disarms). */
void lapic_timer_arm_ns(uint64_t ns);
const char *lapic_timer_mode(void);

#endif
