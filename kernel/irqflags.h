/* Local interrupt enable state. Host unit tests get an inert stand-in. */
#ifndef RINGOS_IRQFLAGS_H
#define RINGOS_IRQFLAGS_H

#include "kernel/compiler.h"

#ifndef RINGOS_HOST
static inline unsigned long local_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		__asm__ __volatile__("sti" ::: "memory");
}

static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { __asm__ __volatile__("sti" ::: "memory"); }

static inline bool irqs_disabled(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return !(flags & (1UL << 9));
}
#else
extern int host_irq_disabled;
static inline unsigned long local_irq_save(void)
{
	unsigned long f = (unsigned long)host_irq_disabled;
	host_irq_disabled = 1;
	return f;
}
static inline void local_irq_restore(unsigned long f) { host_irq_disabled = (int)f; }
static inline void local_irq_disable(void) { host_irq_disabled = 1; }
static inline void local_irq_enable(void)  { host_irq_disabled = 0; }
static inline bool irqs_disabled(void) { return host_irq_disabled != 0; }
#endif

#endif
