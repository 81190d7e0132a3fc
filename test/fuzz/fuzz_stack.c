/* Stack mode (GF_STACK): the input's frames go up the real IPv4 stack
 * instead of l2reflect, and what the stack answers comes down to the device:
 *
 *   igb_clean_rx_irq -> netif_receive_skb -> eth_type_trans -> arp_rcv / ip_rcv
 *     -> ip_defrag -> icmp_rcv / udp_rcv -> the echo socket on port 7
 *   replies: ip_queue_xmit -> neigh_output -> dev_queue_xmit -> qdisc
 *     -> igb_xmit_frame -> the device model
 *
 * Everything from net/ is the real code, configured as the box configures
 * itself: the device registered, the layers' net_initcalls, 10.0.0.2/24 by
 * inet_addr_add with a default route via 10.0.0.1, and the UDP echo service
 * as a non-blocking socket the harness reads for it (RC_ECHO and the drain).
 * That state lives as long as the process, so the adapter and its netdev do
 * too; each input opens the device (rings of its size, gratuitous ARP) and
 * closes it (qdiscs flushed, neighbours gone by NETDEV_DOWN), then the clock
 * moves an hour on, so reassembly queues time out, path MTUs and the ICMP
 * rate limits reset, and the next input starts from the same state.
 *
 * The device model checks every frame the stack sends (stack_wire_check) and
 * keeps its checksum verdicts honest: an input may claim IPCS/L4CS on a frame
 * only when the device would have found its sums good, since a lying NIC
 * makes the stack echo bad sums by design. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "skb_arena.h"
#include "apps/services.h"
#include "kernel/initcall.h"
#include "kernel/slab.h"
#include "net/arp_hdr.h"
#include "net/checksum.h"
#include "net/icmp_hdr.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "net/sch_generic.h"
#include "net/tcp_hdr.h"
#include "net/socket.h"
#include "net/udp.h"
#include "net/udp_hdr.h"

#define OUR_IP      HTONL_C(0x0A000002u)	/* 10.0.0.2 */
#define OUR_PREFIX  24
#define GATEWAY     HTONL_C(0x0A000001u)	/* 10.0.0.1 */
/* Longer than every timer the stack arms for a closed device's leftovers:
 * reassembly (30 s), path MTUs (10 min), the ICMP buckets' refill. */
#define SETTLE_MS   (3600 * 1000ull)
/* Datagrams the echo service handles in one turn. */
#define ECHO_BATCH  16

static const uint8_t our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct igb_adapter *stack_ad;
static const uint8_t *open_hdr;
static int echo_fd = -1;

static int stack_open(struct net_device *dev)
{
	(void)dev;
	rings_setup(stack_ad, open_hdr);
	return 0;
}

static int stack_stop(struct net_device *dev)
{
	(void)dev;
	rings_teardown(stack_ad);
	return 0;
}

/* The driver's xmit, TCP's SYNs noted on the way (fuzz_tcp.c). */
static netdev_tx_t stack_xmit(struct sk_buff *skb, struct net_device *dev)
{
	tcp_fuzz_xmit_peek(skb);
	return igb_xmit_frame(skb, dev);
}

static const struct net_device_ops stack_ops = {
	.ndo_open = stack_open,
	.ndo_stop = stack_stop,
	.ndo_start_xmit = stack_xmit,
};

/* First on the receive path, as a raw app would be: checks what the driver
 * hands up, then lets the stack have it. */
static bool stack_rx_check(struct sk_buff *skb)
{
	rx_skb_check(skb);
	return false;
}

/* Every skb the device still owes is back and the device is down. */
static void stack_close(void)
{
	struct net_device *dev = &stack_ad->netdev;

	tx_rings_check_empty();
	if (dev->up) {
		dev_close(dev);
	} else {
		/* Never opened (GF_DEV_DOWN), yet the rings received: what the
		 * stack learned goes as NETDEV_DOWN would have taken it. */
		rings_teardown(stack_ad);
		neigh_ifdown(dev);
	}
	if (neigh_entries())
		die("%u neighbour entries outlive NETDEV_DOWN", neigh_entries());
}

/* Live kmalloc objects per size class, as boot left them: a socket or
 * buffer one input leaks is caught at once, not only when its slab page
 * would have been the last. */
#define KMALLOC_CLASSES 8	/* 16 .. 2048 bytes */
static uint64_t kmalloc_live[KMALLOC_CLASSES];

static uint64_t kmalloc_class_live(unsigned int c)
{
	struct slab_stats st;

	kmem_cache_stats(kmalloc_cache((size_t)KMALLOC_MIN_CLASS << c), &st);
	return st.active_objs;
}

static void kmalloc_check(bool mark)
{
	for (unsigned int c = 0; c < KMALLOC_CLASSES; c++) {
		uint64_t now = kmalloc_class_live(c);

		if (mark)
			kmalloc_live[c] = now;
		else if (now != kmalloc_live[c])
			die("kmalloc-%u: %llu objects live, %llu after boot",
			    KMALLOC_MIN_CLASS << c, (unsigned long long)now,
			    (unsigned long long)kmalloc_live[c]);
	}
}

/* Boot, once: what net_start and ip_auto_config do with ip=10.0.0.2/24
 * gw=10.0.0.1, then services_start's UDP echo socket. */
static void stack_init(void)
{
	static const uint8_t boot_hdr[G_LEN] = { GF_STACK };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(ECHO_PORT) };
	struct harness input = h;
	struct net_device *dev;

	harness_reset(boot_hdr);
	stack_ad = igb_fake_adapter(NQ, RING_MIN, RING_MIN);
	h.ad = stack_ad;
	dev = &stack_ad->netdev;
	memcpy(dev->dev_addr, our_mac, ETH_ALEN);
	dev->netdev_ops = &stack_ops;
	dev->num_tx_queues = NQ;
	dev->carrier = true;
	dev->rx_handler = stack_rx_check;
	if (register_netdev(dev))
		die("register_netdev failed");
	net_dev_init();
	tcp_fuzz_keys();
	do_net_initcalls();
	net_rx_flushes_found();
	open_hdr = boot_hdr;
	if (dev_open(dev))
		die("dev_open failed");
	if (inet_addr_add(dev, OUR_IP, OUR_PREFIX, false) || ip_route_add(0, 0, GATEWAY, dev))
		die("cannot configure 10.0.0.2/24 via 10.0.0.1");
	echo_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (echo_fd < 0 || bind(echo_fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("cannot bind the echo socket: %s", strerror(errno));
	tcp_fuzz_init();
	drain();
	stack_close();
	clock_advance(SETTLE_MS);
	/* What boot made stays for good: the inputs are judged from here. */
	slab_shrink();
	test_arena_mark();
	test_skb_mark();
	kmalloc_check(true);
	h = input;
}

void stack_up(const uint8_t *g)
{
	struct net_device *dev;

	if (!stack_ad)
		stack_init();
	h.ad = stack_ad;
	dev = &stack_ad->netdev;
	dev->features = 0;
	if (g[G_FLAGS] & GF_RXCSUM)
		dev->features |= NETIF_F_RXCSUM;
	if (g[G_FLAGS] & GF_RXHASH)
		dev->features |= NETIF_F_RXHASH;
	if (h.tcp && (g[G_RX_BUDGET] & GB_TCP_ZEROCOPY))
		dev->features |= NETIF_F_SG | NETIF_F_IP_CSUM;
	open_hdr = g;
	/* Down: the rings receive, but no route leads out of a device down. */
	if (g[G_FLAGS] & GF_DEV_DOWN)
		rings_setup(stack_ad, g);
	else if (dev_open(dev))
		die("dev_open failed");
	if (h.tcp)
		tcp_fuzz_up(g);
}

void stack_down(void)
{
	unsigned int queues;
	uint32_t mem;

	/* The apps close what they hold; the FINs and RSTs go out. */
	tcp_fuzz_close_all();
	drain();
	stack_close();
	clock_advance(SETTLE_MS);
	ip_frag_usage(&queues, &mem);
	if (queues || mem)
		die("%u reassembly queues (%u bytes) outlive their timeout", queues, mem);
	tcp_fuzz_check_idle();
	/* The skb caches keep freed buffers: empty first. */
	skb_cache_drain();
	kmalloc_check(false);
	check_all_returned();
}

/* ---- the echo service ----------------------------------------------------------- */

/* services.c's udp_echo_thread, one bounded turn without blocking, then
 * the TCP app's (TCP mode). */
unsigned int stack_echo(void)
{
	static uint8_t buf[UDP_MAX_PAYLOAD];
	unsigned int n;

	for (n = 0; n < ECHO_BATCH; n++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t len = recvfrom(echo_fd, buf, sizeof(buf), MSG_DONTWAIT,
				       (struct sockaddr *)&from, &flen);

		if (len < 0) {
			if (errno == EAGAIN)
				break;
			continue;	/* a pending ICMP error, cleared by the call */
		}
		if (flen != sizeof(from) || from.sin_family != AF_INET)
			die("recvfrom: source of %u bytes, family %u", flen, from.sin_family);
		(void)sendto(echo_fd, buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&from,
			     flen);
	}
	return n + tcp_fuzz_app();
}

const uint8_t *stack_mac(void)
{
	return our_mac;
}

be32 stack_ip(void)
{
	return OUR_IP;
}

void harness_inject_arp_request(void)
{
	static const uint8_t peer_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	uint8_t f[ETH_ZLEN] = { 0 };
	struct arphdr *ah = (struct arphdr *)(f + ETH_HLEN);
	struct arp_eth_ipv4 *body = (struct arp_eth_ipv4 *)(ah + 1);

	memset(f, 0xFF, ETH_ALEN);
	memcpy(f + ETH_ALEN, peer_mac, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x06;
	ah->ar_hrd = htons(ARPHRD_ETHER);
	ah->ar_pro = htons(ETH_P_IP);
	ah->ar_hln = ETH_ALEN;
	ah->ar_pln = 4;
	ah->ar_op = htons(ARPOP_REQUEST);
	memcpy(body->ar_sha, peer_mac, ETH_ALEN);
	body->ar_sip = GATEWAY;
	body->ar_tip = OUR_IP;
	harness_inject(f, sizeof(f));
}

bool stack_idle(void)
{
	const struct net_device *dev = &stack_ad->netdev;

	for (unsigned int q = 0; q < MAX_TX_QUEUES; q++)
		if (dev->tx_queue[q].qdisc && qdisc_qlen(dev->tx_queue[q].qdisc))
			return false;
	return true;
}

/* ---- the frame the device receives ---------------------------------------------- */

/* The IPv4 packet in an untagged frame: header length checked against the
 * frame, the payload cut to tot_len. NULL when there is none. */
static struct iphdr *frame_ipv4(uint8_t *f, uint32_t len, uint32_t *ihl, uint32_t *plen)
{
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
	uint32_t tot;

	if (len < ETH_HLEN + IP_MIN_HLEN || f[12] != 0x08 || f[13] != 0x00 ||
	    ip_version(iph) != IPVERSION)
		return NULL;
	*ihl = ip_hdrlen(iph);
	tot = MIN((uint32_t)ntohs(iph->tot_len), len - ETH_HLEN);
	if (*ihl < IP_MIN_HLEN || *ihl > tot)
		return NULL;
	*plen = tot - *ihl;
	return iph;
}

static bool ip_is_fragment(const struct iphdr *iph)
{
	return ntohs(iph->frag_off) & (IP_MF | IP_OFFMASK);
}

/* GF_FIX_CSUM: the sums a sender would have computed, so mutated frames get
 * past the checks into the layers above. Fragments keep their transport sum
 * (it covers the whole datagram). */
void stack_fix_checksums(uint8_t *f, uint32_t len)
{
	uint32_t ihl, plen;
	struct iphdr *iph = frame_ipv4(f, len, &ihl, &plen);
	uint8_t *l4;

	if (!iph)
		return;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, ihl / 4);
	if (ip_is_fragment(iph))
		return;
	l4 = (uint8_t *)iph + ihl;
	if (iph->protocol == IPPROTO_ICMP && plen >= sizeof(struct icmphdr)) {
		struct icmphdr *ic = (struct icmphdr *)l4;

		ic->checksum = 0;
		ic->checksum = csum_fold(csum_partial(ic, plen, 0));
	} else if (iph->protocol == IPPROTO_UDP && plen >= sizeof(struct udphdr)) {
		struct udphdr *uh = (struct udphdr *)l4;
		uint32_t ulen = MIN((uint32_t)ntohs(uh->len), plen);
		uint16_t c;

		/* Zero stays zero (no sum); a bad length stays for udp_rcv to judge. */
		if (!uh->check || ulen < sizeof(*uh))
			return;
		uh->check = 0;
		c = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
				      csum_partial(uh, ulen, 0));
		uh->check = c ? c : 0xFFFF;
	} else if (iph->protocol == IPPROTO_TCP && plen >= sizeof(struct tcphdr)) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->check = 0;
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, plen, IPPROTO_TCP,
					      csum_partial(th, plen, 0));
	}
}

/* FUZZ_TRACE=1 in the environment: one line per frame sent (and per TCP
 * segment received), to read what a replayed input made the stack do. */
static bool trace_on(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	return on;
}

/* TCP mode: the peer's numbers for our side made absolute (fuzz_tcp.c). */
static void tcp_relative(uint8_t *f, uint32_t len)
{
	uint32_t ihl, plen;
	struct iphdr *iph = frame_ipv4(f, len, &ihl, &plen);

	if (iph && iph->protocol == IPPROTO_TCP && !ip_is_fragment(iph) && iph->daddr == OUR_IP) {
		tcp_fuzz_rewrite((uint8_t *)iph + ihl, plen);
		if (trace_on() && plen >= TCP_MIN_HLEN)
			tcp_fuzz_trace("rx", 0, iph, (uint8_t *)iph + ihl, plen);
	}
}

/* Would an 82576 report this frame's IPv4 and TCP/UDP sums good? */
static bool sums_good(uint8_t *f, uint32_t len)
{
	uint32_t ihl, plen;
	struct iphdr *iph = frame_ipv4(f, len, &ihl, &plen);
	const uint8_t *l4;

	if (!iph || ip_fast_csum(iph, ihl / 4) || ip_is_fragment(iph))
		return false;
	l4 = (const uint8_t *)iph + ihl;
	if (iph->protocol == IPPROTO_UDP) {
		if (plen < sizeof(struct udphdr))
			return false;
		if (!((const struct udphdr *)l4)->check)
			return true;
	} else if (iph->protocol != IPPROTO_TCP) {
		return false;
	}
	return !csum_tcpudp_magic(iph->saddr, iph->daddr, plen, iph->protocol,
				  csum_partial(l4, plen, 0));
}

void stack_device_frame(const uint8_t *g, const uint8_t *wb_in, const uint8_t *data,
			uint32_t dlen, uint8_t *out, uint8_t *wb)
{
	const uint32_t claims = IGB_RXD_STAT_IPCS | IGB_RXD_STAT_L4CS | IGB_RXD_STAT_UDPCS;
	union igb_adv_rx_desc d;

	memcpy(out, data, dlen);
	tcp_relative(out, dlen);
	if (g[G_FLAGS] & GF_FIX_CSUM)
		stack_fix_checksums(out, dlen);
	memcpy(&d, wb_in, WB_LEN);
	if ((d.wb.status_error & IGB_RXD_STAT_IPCS) &&
	    (d.wb.status_error & (IGB_RXD_STAT_L4CS | IGB_RXD_STAT_UDPCS)) &&
	    !(d.wb.status_error & (IGB_RXD_ERR_IPE | IGB_RXD_ERR_L4E)) &&
	    !sums_good(out, MIN(dlen, (uint32_t)d.wb.length)))
		d.wb.status_error &= ~claims;
	memcpy(wb, &d, WB_LEN);
}

/* ---- what the stack sends ----------------------------------------------------------- */

static void check_zero(unsigned int q, const uint8_t *p, uint32_t n, const char *what)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			die("tx%u: %s byte %u is %02x, not padding", q, what, i, p[i]);
}

static void arp_check(unsigned int q, const uint8_t *f, uint32_t len)
{
	const struct arphdr *ah = (const struct arphdr *)(f + ETH_HLEN);
	const struct arp_eth_ipv4 *body = (const struct arp_eth_ipv4 *)(ah + 1);
	uint32_t alen = sizeof(*ah) + sizeof(*body);
	uint16_t op;

	if (len != ETH_ZLEN)
		die("tx%u: ARP frame of %u bytes", q, len);
	op = ntohs(ah->ar_op);
	if (ah->ar_hrd != htons(ARPHRD_ETHER) || ah->ar_pro != htons(ETH_P_IP) ||
	    ah->ar_hln != ETH_ALEN || ah->ar_pln != 4 || (op != ARPOP_REQUEST && op != ARPOP_REPLY))
		die("tx%u: ARP header %04x/%04x/%u/%u op %u", q, ntohs(ah->ar_hrd),
		    ntohs(ah->ar_pro), ah->ar_hln, ah->ar_pln, op);
	if (memcmp(body->ar_sha, our_mac, ETH_ALEN) || body->ar_sip != OUR_IP)
		die("tx%u: ARP op %u from another sender %08x", q, op, ntohl(body->ar_sip));
	if (op == ARPOP_REPLY && (memcmp(f, body->ar_tha, ETH_ALEN) || is_zero_ether_addr(f)))
		die("tx%u: ARP reply sent to a MAC other than its target's", q);
	check_zero(q, f + ETH_HLEN + alen, len - ETH_HLEN - alen, "ARP");
}

static void l4_check(unsigned int q, const struct iphdr *iph, const uint8_t *l4, uint32_t plen)
{
	if (iph->protocol == IPPROTO_ICMP) {
		const struct icmphdr *ic = (const struct icmphdr *)l4;

		if (plen < sizeof(*ic) || csum_fold(csum_partial(l4, plen, 0)))
			die("tx%u: ICMP type %u of %u bytes with a bad checksum", q,
			    plen ? ic->type : 0, plen);
		if (ic->type != ICMP_ECHOREPLY && ic->type != ICMP_DEST_UNREACH &&
		    ic->type != ICMP_TIME_EXCEEDED)
			die("tx%u: ICMP type %u sent", q, ic->type);
	} else if (iph->protocol == IPPROTO_UDP) {
		const struct udphdr *uh = (const struct udphdr *)l4;

		if (plen < sizeof(*uh) || ntohs(uh->len) != plen)
			die("tx%u: UDP length %u in %u bytes", q, plen >= 8 ? ntohs(uh->len) : 0,
			    plen);
		if (uh->source != htons(ECHO_PORT))
			die("tx%u: UDP from port %u, no socket there", q, ntohs(uh->source));
		if (!uh->check || csum_tcpudp_magic(iph->saddr, iph->daddr, plen, IPPROTO_UDP,
						    csum_partial(l4, plen, 0)))
			die("tx%u: UDP checksum %04x wrong", q, ntohs(uh->check));
	} else if (iph->protocol == IPPROTO_TCP) {
		tcp_fuzz_wire_check(q, iph, l4, plen);
	} else {
		die("tx%u: IP protocol %u sent", q, iph->protocol);
	}
}

static void ipv4_check(unsigned int q, const uint8_t *f, uint32_t len)
{
	const struct iphdr *iph = (const struct iphdr *)(f + ETH_HLEN);
	uint32_t avail = len - ETH_HLEN, ihl, tot, plen;
	uint16_t fo;

	if (avail < IP_MIN_HLEN || ip_version(iph) != IPVERSION)
		die("tx%u: IPv4 frame of %u bytes, version %u", q, len,
		    avail ? ip_version(iph) : 0);
	ihl = ip_hdrlen(iph);
	tot = ntohs(iph->tot_len);
	if (ihl < IP_MIN_HLEN || ihl > avail || ip_fast_csum(iph, ihl / 4))
		die("tx%u: IPv4 header of %u bytes with a bad checksum", q, ihl);
	if (tot < ihl || tot > avail || (tot < avail && len != ETH_ZLEN))
		die("tx%u: tot_len %u in a %u-byte frame", q, tot, len);
	check_zero(q, f + ETH_HLEN + tot, avail - tot, "IPv4");
	if (iph->saddr != OUR_IP || !iph->daddr || iph->daddr == OUR_IP || !iph->ttl)
		die("tx%u: IPv4 %08x -> %08x ttl %u", q, ntohl(iph->saddr), ntohl(iph->daddr),
		    iph->ttl);
	if (is_multicast_ether_addr(f) != (ipv4_is_multicast(iph->daddr) ||
					   ipv4_is_lbcast(iph->daddr)))
		die("tx%u: IPv4 to %08x on a MAC of the wrong kind", q, ntohl(iph->daddr));
	fo = ntohs(iph->frag_off);
	plen = tot - ihl;
	if ((fo & IP_CE) || ((fo & IP_OFFMASK) << 3) + tot > IP_MAX_PACKET ||
	    ((fo & IP_MF) && (!plen || (plen & 7))))
		die("tx%u: fragment %04x of %u bytes", q, fo, plen);
	if (!(fo & (IP_MF | IP_OFFMASK)))
		l4_check(q, iph, (const uint8_t *)iph + ihl, plen);
}

static void trace_frame(unsigned int q, const uint8_t *f, uint32_t len)
{
	const struct iphdr *iph = (const struct iphdr *)(f + ETH_HLEN);

	if (!trace_on())
		return;
	if (f[12] == 0x08 && f[13] == 0x06)
		fprintf(stderr, "tx%u: %u bytes, ARP op %u\n", q, len, f[21]);
	else if (iph->protocol == IPPROTO_TCP && len >= ETH_HLEN + ip_hdrlen(iph) + TCP_MIN_HLEN)
		tcp_fuzz_trace("tx", q, iph, (const uint8_t *)iph + ip_hdrlen(iph),
			       ntohs(iph->tot_len) - ip_hdrlen(iph));
	else
		fprintf(stderr, "tx%u: %u bytes, IPv4 proto %u to %08x frag %04x, first byte %u\n",
			q, len, iph->protocol, ntohl(iph->daddr), ntohs(iph->frag_off),
			f[ETH_HLEN + ip_hdrlen(iph)]);
}

void stack_wire_check(unsigned int q, const uint8_t *frame, uint32_t len)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame;

	trace_frame(q, frame, len);

	if (len < ETH_ZLEN || len > ETH_HLEN + stack_ad->netdev.mtu)
		die("tx%u: frame of %u bytes", q, len);
	if (memcmp(eth->h_source, our_mac, ETH_ALEN) || is_zero_ether_addr(eth->h_dest))
		die("tx%u: frame from another MAC or to none", q);
	if (eth->h_proto == htons(ETH_P_ARP))
		arp_check(q, frame, len);
	else if (eth->h_proto == htons(ETH_P_IP))
		ipv4_check(q, frame, len);
	else
		die("tx%u: ethertype %04x sent", q, ntohs(eth->h_proto));
}
