/* app=l2blast count=N size=S: sends N frames of S bytes as fast as the TX
 * ring takes them and reports the rate it handed them to the driver at: the
 * ceiling the stack is measured against. That is the sender's view only (QEMU
 * drops silently when its backend is full), so test/bench/l2blast.py counts
 * the frames (ethertype L2BLAST_ETHERTYPE) at the receiving peer as well. Every frame is a clone of one template (a new skb struct sharing
 * the data, no byte copy), handed down in batches with xmit_more so the driver
 * writes its tail register once per batch, as pktgen does. */
#include <string.h>
#include "apps/app.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/time.h"

#define L2BLAST_ETHERTYPE 0x88B5	/* IEEE 802 local experimental */
#define L2BLAST_BATCH 32
/* A stalled ring (link down, hung queue) must not hang the app forever. */
#define L2BLAST_STALL_NS (5 * NSEC_PER_SEC)

static unsigned int blast_count = 100000;
static unsigned int blast_size = 60;
KPARAM_UINT("count", blast_count, 1, 100000000, "l2blast: frames to send");
KPARAM_UINT("size", blast_size, ETH_ZLEN, ETH_FRAME_LEN, "l2blast: frame size in bytes, without FCS");

static struct sk_buff *make_template(struct net_device *dev)
{
	struct sk_buff *skb = alloc_skb(blast_size);
	uint8_t *p;

	if (!skb)
		return NULL;
	p = skb_put(skb, blast_size);
	memset(p, 0xFF, ETH_ALEN);
	memcpy(p + ETH_ALEN, dev->dev_addr, ETH_ALEN);
	p[12] = L2BLAST_ETHERTYPE >> 8;
	p[13] = L2BLAST_ETHERTYPE & 0xFF;
	for (uint32_t i = ETH_HLEN; i < blast_size; i++)
		p[i] = (uint8_t)i;
	skb_reset_mac_header(skb);
	skb->dev = dev;
	return skb;
}

static int l2blast_init(struct net_device *dev)
{
	(void)dev;
	return 0;
}

static void l2blast_run(struct net_device *dev)
{
	struct sk_buff *tmpl = make_template(dev), *skb;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
	uint64_t sent = 0, failed = 0, t0, t1, stall_since = 0, ns, fps, mbit;
	int prev, rc;

	if (!tmpl) {
		pr_err("l2blast: cannot allocate the template frame\n");
		return;
	}
	t0 = ktime_get_ns();
	while (sent + failed < blast_count) {
		/* Completions arrive by interrupt and NAPI: sleep until then,
		 * deciding with interrupts off so the wake cannot slip past. */
		local_irq_disable();
		if (netif_tx_queue_stopped(txq)) {
			if (!stall_since)
				stall_since = ktime_get_ns();
			else if (ktime_get_ns() - stall_since > L2BLAST_STALL_NS) {
				local_irq_enable();
				break;
			}
			cpu_idle_irqoff();
			continue;
		}
		local_irq_enable();
		stall_since = 0;
		skb = skb_clone(tmpl);
		if (!skb) {
			/* Out of skbs: the next completion frees some. */
			failed++;
			local_irq_disable();
			cpu_idle_irqoff();
			continue;
		}
		skb->queue_mapping = 0;
		skb->hash = 0;
		skb->xmit_more = (sent + failed + 1) % L2BLAST_BATCH != 0 &&
				 sent + failed + 1 < blast_count;
		/* The stack's share is kernel time, as a send() system call's would be. */
		prev = cpu_account_enter(CPU_SYS);
		rc = dev_queue_xmit(skb);
		cpu_account_exit(prev);
		if (rc == NETDEV_TX_OK)
			sent++;
		else
			failed++;
	}
	t1 = ktime_get_ns();
	kfree_skb(tmpl);
	ns = t1 > t0 ? t1 - t0 : 1;
	fps = sent * NSEC_PER_SEC / ns;
	mbit = sent * blast_size * 8 * 1000 / ns;
	kprintf("l2blast: %llu frames in %llu.%06llu s: %llu frames/s, %llu Mbit/s",
		(unsigned long long)sent, (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / 1000), (unsigned long long)fps,
		(unsigned long long)mbit);
	if (sent + failed < blast_count || failed)
		kprintf(" (%llu dropped, %llu not attempted: queue stalled)",
			(unsigned long long)failed,
			(unsigned long long)(blast_count - sent - failed));
	kprintf("\n");
}

const struct app app_l2blast = { "l2blast", l2blast_init, l2blast_run, .raw = true };
