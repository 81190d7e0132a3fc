#include "apps/blast.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/time.h"

void blast_start(struct blast *b, const char *name, uint64_t total)
{
	*b = (struct blast){ .name = name, .total = total, .t0 = ktime_get_ns() };
}

bool blast_wait(struct blast *b, bool (*ready)(const struct netdev_queue *q),
		const struct netdev_queue *q)
{
	for (;;) {
		local_irq_disable();
		if (ready(q)) {
			local_irq_enable();
			b->stall_since = 0;
			return true;
		}
		if (!b->stall_since)
			b->stall_since = ktime_get_ns();
		else if (ktime_get_ns() - b->stall_since > BLAST_STALL_NS) {
			local_irq_enable();
			return false;
		}
		cpu_idle_irqoff();
	}
}

void blast_xmit(struct blast *b, struct sk_buff *skb)
{
	uint64_t n = b->sent + b->failed + 1;
	int prev, rc;

	skb->xmit_more = n % BLAST_BATCH != 0 && n < b->total;
	/* The stack's share is kernel time, as a send() system call's would be. */
	prev = cpu_account_enter(CPU_SYS);
	rc = dev_queue_xmit(skb);
	cpu_account_exit(prev);
	if (rc == NET_XMIT_SUCCESS)
		b->sent++;
	else
		b->failed++;
}

void blast_report(const struct blast *b, const char *what, uint64_t frame_len)
{
	uint64_t t1 = ktime_get_ns();
	uint64_t ns = t1 > b->t0 ? t1 - b->t0 : 1;

	kprintf("%s: %llu frames%s in %llu.%06llu s: %llu frames/s, %llu Mbit/s", b->name,
		(unsigned long long)b->sent, what, (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / 1000),
		(unsigned long long)(b->sent * NSEC_PER_SEC / ns),
		(unsigned long long)(b->sent * frame_len * 8 * 1000 / ns));
	if (blast_more(b) || b->failed)
		kprintf(" (%llu dropped, %llu not attempted: queue stalled)",
			(unsigned long long)b->failed,
			(unsigned long long)(b->total - b->sent - b->failed));
	kprintf("\n");
}
