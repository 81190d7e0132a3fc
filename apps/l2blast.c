/* app=l2blast count=N size=S: sends N frames of S bytes as fast as the TX
 * ring takes them and reports the rate it handed them to the driver at: the
 * ceiling the stack is measured against. That is the sender's view only (QEMU
 * drops silently when its backend is full), so test/bench/l2blast.py counts
 * the frames (ethertype L2BLAST_ETHERTYPE) at the receiving peer as well. Every frame is a clone of one template (a new skb struct sharing
 * the data, no byte copy), handed down in batches with xmit_more so the driver
 * writes its tail register once per batch, as pktgen does. */
#include <string.h>
#include "apps/app.h"
#include "apps/blast.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"

#define L2BLAST_ETHERTYPE 0x88B5	/* IEEE 802 local experimental */

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

static bool queue_running(const struct netdev_queue *q)
{
	return !netif_tx_queue_stopped(q);
}

static void l2blast_run(struct net_device *dev)
{
	struct sk_buff *tmpl = make_template(dev), *skb;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
	struct blast b;

	if (!tmpl) {
		pr_err("l2blast: cannot allocate the template frame\n");
		return;
	}
	blast_start(&b, "l2blast", blast_count);
	while (blast_more(&b) && blast_wait(&b, queue_running, txq)) {
		skb = skb_clone(tmpl);
		if (!skb) {
			/* Out of skbs: the next completion frees some. */
			b.failed++;
			local_irq_disable();
			cpu_idle_irqoff();
			continue;
		}
		skb->queue_mapping = 0;
		skb->hash = 0;
		blast_xmit(&b, skb);
	}
	kfree_skb(tmpl);
	blast_report(&b, "", blast_size);
}

const struct app app_l2blast = { "l2blast", l2blast_init, l2blast_run, .raw = true };
