/* app=l2reflect: every received frame goes straight back out of the same
 * device with source and destination MAC swapped, otherwise untouched. The skb
 * the driver built around its RX buffer is the one transmitted: no copy. */
#include <string.h>
#include "apps/app.h"
#include "kernel/shell.h"
#include "kernel/printk.h"

static uint64_t reflected, tx_failed;

static bool l2reflect_rx(struct sk_buff *skb)
{
	uint8_t tmp[ETH_ALEN];
	uint8_t *eth = skb_mac_header(skb), *tail = skb_tail_pointer(skb);

	memcpy(tmp, eth, ETH_ALEN);
	memcpy(eth, eth + ETH_ALEN, ETH_ALEN);
	memcpy(eth + ETH_ALEN, tmp, ETH_ALEN);
	/* Back to the whole frame, whether or not receive pulled the header. */
	skb->data = eth;
	skb->len = (uint32_t)(tail - eth);
	skb->xmit_more = false;
	if (dev_queue_xmit(skb) == NETDEV_TX_OK)
		reflected++;
	else
		tx_failed++;
	return true;
}

static int l2reflect_init(struct net_device *dev)
{
	dev->rx_handler = l2reflect_rx;
	return 0;
}

static void l2reflect_run(struct net_device *dev)
{
	(void)dev;
}

const struct app app_l2reflect = { "l2reflect", l2reflect_init, l2reflect_run, .raw = true };

static int cmd_l2reflect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("l2reflect: %llu frames reflected, %llu not sent\n",
		(unsigned long long)reflected, (unsigned long long)tx_failed);
	return 0;
}
SHELL_COMMAND("l2reflect", "frames reflected by app=l2reflect", cmd_l2reflect);
