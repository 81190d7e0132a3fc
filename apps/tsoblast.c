/* app=tsoblast tsoblast.count=N: the transmit ceiling for TCP guest -> host. Sends N
 * TCP/IPv4 TSO super-frames of 64 KB (45 segments of MSS 1448, TCP header
 * with the timestamp option as Linux sends it: 65226 B on the wire side of
 * the driver) as fast as the TX ring takes them, and prints the rate it handed
 * them to the driver at. Over a tap QEMU writes each super-frame to the host
 * whole with a vnet header, so this is what a TCP sender with TSO can reach at
 * most; the host counts what arrived (test/bench/raw_ceilings.py).
 *
 * The frames go from 10.0.0.2:5001 to 10.0.0.1:5001 (the harness's fixed
 * guest and host addresses) and to the broadcast MAC, so the host's tap
 * takes them without knowing a neighbour and its TCP discards them unanswered
 * (not addressed to the host). Nothing in the payload is checked: a counting
 * receiver sees bytes, not a connection.
 *
 * One frame struct, sent again and again with one more reference each time
 * (pktgen's clone_skb trick), not clones of a template: the driver rewrites
 * the IP and TCP headers for TSO in place and first makes them private when
 * another struct shares the buffer, which without scatter-gather would copy
 * the whole 64 KB linear frame every time. With one struct nothing is shared
 * and nothing is copied; what the driver writes is the same for every frame. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "apps/app.h"
#include "apps/blast.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "net/checksum.h"
#include "net/ip.h"
#include "net/sch_generic.h"
#include "net/tcp_hdr.h"

#define TSOBLAST_MSS 1448			/* MSS of a 1500 B MTU with timestamps */
#define TSOBLAST_SEGS 45			/* the most full segments under 64 KB */
#define TSOBLAST_TCP_HLEN 32			/* 20 + NOP, NOP, timestamps (10) */
#define TSOBLAST_PAYLOAD (TSOBLAST_MSS * TSOBLAST_SEGS)
#define TSOBLAST_IP_LEN (IP_MIN_HLEN + TSOBLAST_TCP_HLEN + TSOBLAST_PAYLOAD)
#define TSOBLAST_LEN (ETH_HLEN + TSOBLAST_IP_LEN)
#define TSOBLAST_PORT 5001

_Static_assert(TSOBLAST_LEN == 65226, "a 64 KB super-frame of 45 full segments");

/* Not `count`: l2blast declares that key, and a key names one parameter. */
static unsigned int tso_count = 10000;
KPARAM_UINT("tsoblast.count", tso_count, 1, 100000000, "tsoblast: super-frames to send");

/* 10.0.0.2 -> 10.0.0.1, as the integration harness numbers guest and host. */
#define TSOBLAST_SADDR HTONL_C(0x0A000002)
#define TSOBLAST_DADDR HTONL_C(0x0A000001)

static void build_tcp(struct tcphdr *th)
{
	uint8_t *opt = (uint8_t *)(th + 1);

	th->source = htons(TSOBLAST_PORT);
	th->dest = htons(TSOBLAST_PORT);
	th->seq = htonl(1);
	th->ack_seq = htonl(1);
	th->doff_res = (TSOBLAST_TCP_HLEN / 4) << 4;
	th->flags = TCPHDR_ACK | TCPHDR_PSH;
	th->window = htons(65535);
	th->urg_ptr = 0;
	/* NOP, NOP, kind 8 length 10: TSval 1, TSecr 0 (RFC 7323 3.2). */
	memset(opt, 0, TSOBLAST_TCP_HLEN - sizeof(*th));
	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 8;
	opt[3] = 10;
	opt[7] = 1;
	/* CHECKSUM_PARTIAL: the seed is the pseudo-header sum, the NIC adds the rest. */
	th->check = csum_tcpudp_seed(TSOBLAST_SADDR, TSOBLAST_DADDR,
				     TSOBLAST_TCP_HLEN + TSOBLAST_PAYLOAD, IPPROTO_TCP);
}

static struct sk_buff *make_frame(struct net_device *dev)
{
	struct sk_buff *skb = alloc_skb(TSOBLAST_LEN);
	struct iphdr *iph;
	uint8_t *p;

	if (!skb)
		return NULL;
	p = skb_put(skb, TSOBLAST_LEN);
	if (!p) {
		kfree_skb(skb);
		return NULL;
	}
	memset(p, 0xFF, ETH_ALEN);
	memcpy(p + ETH_ALEN, dev->dev_addr, ETH_ALEN);
	p[12] = ETH_P_IP >> 8;
	p[13] = ETH_P_IP & 0xFF;
	skb_reset_mac_header(skb);
	skb->network_header = (uint16_t)(skb->mac_header + ETH_HLEN);
	skb->transport_header = (uint16_t)(skb->network_header + IP_MIN_HLEN);

	iph = (struct iphdr *)skb_network_header(skb);
	iph->ihl_version = IPVERSION << 4 | IP_MIN_HLEN / 4;
	iph->tos = 0;
	iph->tot_len = htons(TSOBLAST_IP_LEN);
	iph->id = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = TSOBLAST_SADDR;
	iph->daddr = TSOBLAST_DADDR;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, IP_MIN_HLEN / 4);
	build_tcp((struct tcphdr *)skb_transport_header(skb));
	for (uint32_t i = ETH_HLEN + IP_MIN_HLEN + TSOBLAST_TCP_HLEN; i < TSOBLAST_LEN; i++)
		p[i] = (uint8_t)i;

	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb->gso_size = TSOBLAST_MSS;
	skb->gso_segs = TSOBLAST_SEGS;
	skb->gso_type = SKB_GSO_TCPV4;
	skb->dev = dev;
	return skb;
}

static int tsoblast_init(struct net_device *dev)
{
	(void)dev;
	return 0;
}

/* The ring has room and nothing waits in the qdisc: a send goes straight to
 * the driver. The same struct must never sit in the qdisc's list twice. */
static bool tx_ready(const struct netdev_queue *txq)
{
	return !netif_tx_queue_stopped(txq) && (!txq->qdisc || !qdisc_qlen(txq->qdisc));
}

static void tsoblast_run(struct net_device *dev)
{
	struct sk_buff *frame = make_frame(dev);
	struct netdev_queue *txq;
	struct blast b;
	char what[24];

	if (!frame) {
		pr_err("tsoblast: cannot allocate the %u B frame\n", TSOBLAST_LEN);
		return;
	}
	/* One flow, one queue: picked once, and the hash stays on the struct. */
	txq = netdev_pick_tx(dev, frame);
	blast_start(&b, "tsoblast", tso_count);
	while (blast_more(&b) && blast_wait(&b, tx_ready, txq))
		blast_xmit(&b, skb_get(frame));
	kfree_skb(frame);
	snprintf(what, sizeof(what), " of %u B", TSOBLAST_LEN);
	blast_report(&b, what, TSOBLAST_LEN);
}

const struct app app_tsoblast = { "tsoblast", tsoblast_init, tsoblast_run, .raw = true };
