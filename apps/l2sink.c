/* app=l2sink: the receive ceiling. Every frame the driver hands up is counted
 * (frames and bytes, per RX queue) and freed at once, which gives its buffer
 * back to the ring's pool: the driver and QEMU's receive path alone, no
 * protocol work. The `l2sink` shell command prints the counts and the rate
 * between the first and the last frame; `l2sink reset` starts over, so a
 * benchmark can time one flood. Frames of the test ethertype (0x88B5, the
 * one l2blast and the harness's senders use) are counted apart, so a test can
 * match its own frames exactly whatever else the host puts on the wire. */
#include <string.h>
#include "apps/app.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

#define L2SINK_ETHERTYPE 0x88B5
/* RX queues counted one by one; a frame from a queue past these counts in the last. */
#define L2SINK_QUEUES 4

struct l2sink_counts {
	uint64_t frames, bytes, test_frames;
	uint64_t q_frames[L2SINK_QUEUES];
	uint64_t first_ns, last_ns;
};

/* Written only by the rx_handler (NET_RX softirq), read and reset by the shell. */
static struct l2sink_counts sink;

static bool l2sink_rx(struct sk_buff *skb)
{
	const uint8_t *eth = skb_mac_header(skb);
	uint64_t now = ktime_get_ns();
	unsigned int q = skb->queue_mapping < L2SINK_QUEUES ? skb->queue_mapping :
			 L2SINK_QUEUES - 1;

	/* The whole frame, whether or not receive pulled the Ethernet header. */
	sink.bytes += (uint64_t)(skb_tail_pointer(skb) - eth);
	if (((uint16_t)eth[12] << 8 | eth[13]) == L2SINK_ETHERTYPE)
		sink.test_frames++;
	sink.q_frames[q]++;
	if (!sink.frames++)
		sink.first_ns = now;
	sink.last_ns = now;
	kfree_skb(skb);
	return true;
}

static int l2sink_init(struct net_device *dev)
{
	dev->rx_handler = l2sink_rx;
	return 0;
}

static void l2sink_run(struct net_device *dev)
{
	(void)dev;
}

const struct app app_l2sink = { "l2sink", l2sink_init, l2sink_run, .raw = true };

static int cmd_l2sink(int argc, char **argv)
{
	struct l2sink_counts c;
	uint64_t ns, fps = 0, mbit = 0;

	/* A consistent snapshot: the softirq cannot run while bottom halves are off. */
	local_bh_disable();
	c = sink;
	if (argc > 1 && strcmp(argv[1], "reset") == 0)
		memset(&sink, 0, sizeof(sink));
	local_bh_enable();
	if (argc > 1 && strcmp(argv[1], "reset") != 0) {
		kprintf("usage: l2sink [reset]\n");
		return 1;
	}
	ns = c.last_ns - c.first_ns;
	/* Rate over the gaps between frames: n frames span n - 1 of them. */
	if (c.frames > 1 && ns) {
		fps = (c.frames - 1) * NSEC_PER_SEC / ns;
		mbit = c.bytes * (c.frames - 1) / c.frames * 8 * 1000 / ns;
	}
	kprintf("l2sink: %llu frames, %llu bytes, %llu test frames in %llu.%06llu s: "
		"%llu frames/s, %llu Mbit/s\n",
		(unsigned long long)c.frames, (unsigned long long)c.bytes,
		(unsigned long long)c.test_frames, (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / 1000), (unsigned long long)fps,
		(unsigned long long)mbit);
	for (unsigned int q = 0; q < L2SINK_QUEUES; q++)
		if (c.q_frames[q])
			kprintf("  rx queue %u: %llu frames\n", q, (unsigned long long)c.q_frames[q]);
	return 0;
}
SHELL_COMMAND("l2sink", "frames counted by app=l2sink; `l2sink reset` zeroes them", cmd_l2sink);
