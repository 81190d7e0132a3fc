/* ARP (RFC 826) over Ethernet for IPv4: answers for our addresses, learns
 * what the rules in net/arp.h allow, solicits for the neighbour table,
 * announces our addresses, and follows device and address events. */
#include <errno.h>
#include <string.h>
#include "net/arp.h"
#include "net/arp_hdr.h"
#include "net/icmp_hdr.h"
#include "net/inetdevice.h"
#include "net/ip_hdr.h"
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "net/protocol.h"
#include "net/snmp.h"
#include "kernel/cmdline.h"
#include "kernel/initcall.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

#define ARP_LEN (sizeof(struct arphdr) + sizeof(struct arp_eth_ipv4))
#define ARP_CONFLICT_LOG_MS (60 * 1000)

struct arp_mib arp_mib;

static const struct snmp_field arp_fields[] = {
	SNMP_FIELD(struct arp_mib, in_requests, "ArpInRequests"),
	SNMP_FIELD(struct arp_mib, in_replies, "ArpInReplies"),
	SNMP_FIELD(struct arp_mib, out_requests, "ArpOutRequests"),
	SNMP_FIELD(struct arp_mib, out_replies, "ArpOutReplies"),
	SNMP_FIELD(struct arp_mib, out_gratuitous, "ArpOutGratuitous"),
	SNMP_FIELD(struct arp_mib, in_malformed, "ArpInMalformed"),
	SNMP_FIELD(struct arp_mib, in_other_host, "ArpInOtherHost"),
	SNMP_FIELD(struct arp_mib, in_bad_sender, "ArpInBadSender"),
	SNMP_FIELD(struct arp_mib, in_bad_target, "ArpInBadTarget"),
	SNMP_FIELD(struct arp_mib, in_looped, "ArpInLooped"),
	SNMP_FIELD(struct arp_mib, in_foreign, "ArpInForeign"),
	SNMP_FIELD(struct arp_mib, in_unsolicited, "ArpInUnsolicited"),
	SNMP_FIELD(struct arp_mib, in_dad_probes, "ArpInDadProbes"),
	SNMP_FIELD(struct arp_mib, addr_conflicts, "ArpAddrConflicts"),
	SNMP_FIELD(struct arp_mib, out_nomem, "ArpOutNoMem"),
	SNMP_FIELD(struct arp_mib, no_in_dev, "ArpNoInDev"),
	SNMP_FIELD(struct arp_mib, error_reports, "ArpErrorReports"),
};
SNMP_MIB("Arp", &arp_mib, arp_fields);

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint64_t last_conflict_log;
static struct arp_watch *arp_watcher;

/* ---- output --------------------------------------------------------------- */

int arp_send(int op, struct net_device *dev, be32 dest_ip, be32 src_ip,
	     const uint8_t *dest_hw, const uint8_t *target_hw)
{
	struct sk_buff *skb = alloc_skb_tx(ARP_LEN);
	struct arphdr *arp;
	struct arp_eth_ipv4 *body;

	if (!skb) {
		arp_mib.out_nomem++;
		return -ENOMEM;
	}
	arp = (struct arphdr *)skb_put(skb, ARP_LEN);
	body = (struct arp_eth_ipv4 *)(arp + 1);
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons((uint16_t)op);
	memcpy(body->ar_sha, dev->dev_addr, ETH_ALEN);
	body->ar_sip = src_ip;
	if (target_hw)
		memcpy(body->ar_tha, target_hw, ETH_ALEN);
	else
		memset(body->ar_tha, 0, ETH_ALEN);
	body->ar_tip = dest_ip;
	skb_reset_network_header(skb);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_ARP);
	if (dev_hard_header(skb, dev, ETH_P_ARP, dest_hw ? dest_hw : eth_broadcast, NULL) < 0) {
		arp_mib.out_nomem++;
		kfree_skb(skb);
		return -ENOMEM;
	}
	if (op == ARPOP_REQUEST)
		arp_mib.out_requests++;
	else
		arp_mib.out_replies++;
	return dev_queue_xmit(skb) == NET_XMIT_SUCCESS ? 0 : -ENOBUFS;
}

/* Linux's arp_solicit with arp_announce 0: the source is the waiting
 * packet's if it is one of ours (the peer then learns the address it will
 * answer to), else the device's best address toward the target. */
void arp_solicit(struct neighbour *n)
{
	const struct sk_buff *skb = skb_peek_tail(&n->arp_queue);
	be32 saddr = 0;

	if (skb && skb->len >= sizeof(struct iphdr)) {
		memcpy(&saddr, skb->data + offsetof(struct iphdr, saddr), sizeof(saddr));
		if (!inet_addr_is_local(saddr))
			saddr = 0;
	}
	if (!saddr)
		saddr = inet_select_addr(n->dev, n->primary_key);
	arp_send(ARPOP_REQUEST, n->dev, n->primary_key, saddr,
		 n->nud_state & NUD_PROBE ? n->ha : NULL, NULL);
}

void arp_announce(struct net_device *dev, be32 addr)
{
	if (!READ_ONCE(dev->up) || !netif_carrier_ok(dev))
		return;
	arp_mib.out_gratuitous++;
	arp_send(ARPOP_REQUEST, dev, addr, addr, NULL, NULL);
}

static void arp_announce_all(struct net_device *dev)
{
	const struct in_device *in = in_dev_get(dev);

	for (unsigned int i = 0; in && i < in->n_ifa && i < IN_IFADDR_MAX; i++)
		arp_announce(dev, in->ifa[i].ifa_local);
}

/* Linux's arp_error_report: a packet of ours that waited for a neighbour
 * that never answered. Linux loops an ICMP host unreachable back to the
 * sender; without a loopback device the protocol's error handler is called
 * with the packet as the quote, which is what icmp_rcv would do with it.
 * Only first fragments quote the transport header. */
void arp_error_report(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct net_protocol *prot;

	if (skb->len < sizeof(*iph) || ip_version(iph) != IPVERSION ||
	    skb->len < ip_hdrlen(iph) + 8 || (ntohs(iph->frag_off) & IP_OFFMASK) ||
	    !inet_addr_is_local(iph->saddr))
		return;
	prot = inet_get_protocol(iph->protocol);
	if (!prot || !prot->err_handler)
		return;
	arp_mib.error_reports++;
	prot->err_handler(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
}

/* ---- arping --------------------------------------------------------------- */

int arp_watch_start(struct arp_watch *w)
{
	int rc = 0;

	local_bh_disable();
	if (arp_watcher) {
		rc = -EBUSY;
	} else {
		w->head = 0;
		init_waitqueue_head(&w->wq);
		arp_watcher = w;
	}
	local_bh_enable();
	return rc;
}

void arp_watch_stop(struct arp_watch *w)
{
	local_bh_disable();
	if (arp_watcher == w)
		arp_watcher = NULL;
	local_bh_enable();
}

static void arp_watch_reply(const struct sk_buff *skb, be32 sip, const uint8_t *sha)
{
	struct arp_watch *w = arp_watcher;
	struct arp_watch_reply *r;

	if (!w || w->dev != skb->dev || w->sip != sip)
		return;
	r = &w->ring[w->head % ARP_WATCH_RING];
	memcpy(r->sha, sha, ETH_ALEN);
	r->broadcast = skb->pkt_type != PACKET_HOST;
	r->t_ns = ktime_get_ns();
	WRITE_ONCE(w->head, w->head + 1);
	wake_up(&w->wq);
}

/* ---- input ---------------------------------------------------------------- */

static void arp_conflict(struct net_device *dev, be32 sip, const uint8_t *sha)
{
	uint64_t now = jiffies();
	char ip[16];

	arp_mib.addr_conflicts++;
	if (last_conflict_log && now - last_conflict_log < ARP_CONFLICT_LOG_MS)
		return;
	last_conflict_log = now ? now : 1;
	cmdline_format_ipv4(ntohl(sip), ip, sizeof(ip));
	pr_warn("arp: address %s claimed by %02x:%02x:%02x:%02x:%02x:%02x on %s\n", ip,
		sha[0], sha[1], sha[2], sha[3], sha[4], sha[5], dev->name);
}

/* Linux's arp_process with its defaults (arp_ignore 0, arp_accept 0, no
 * proxy ARP), checks in that order. */
static void arp_process(struct sk_buff *skb, uint16_t op, const struct arp_eth_ipv4 *body)
{
	struct net_device *dev = skb->dev;
	uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
	be32 sip, tip;
	struct neighbour *n;
	bool tip_local, is_garp;

	memcpy(sha, body->ar_sha, ETH_ALEN);
	memcpy(tha, body->ar_tha, ETH_ALEN);
	memcpy(&sip, &body->ar_sip, sizeof(sip));
	memcpy(&tip, &body->ar_tip, sizeof(tip));

	/* 1. Senders nobody can be: a group or no MAC address, an address that
	 *    is not a host's. Learning them would misdirect our traffic. */
	if (is_multicast_ether_addr(sha) || is_zero_ether_addr(sha) || ipv4_is_multicast(sip) ||
	    ipv4_is_lbcast(sip) || ipv4_is_loopback(sip) || (sip && inet_addr_is_broadcast(dev, sip))) {
		arp_mib.in_bad_sender++;
		return;
	}
	/* 2. Nobody answers for a group or loopback address. */
	if (ipv4_is_multicast(tip) || ipv4_is_loopback(tip) || ipv4_is_lbcast(tip)) {
		arp_mib.in_bad_target++;
		return;
	}
	/* 3. Our own packet back (a loop in the segment). */
	if (ether_addr_equal(sha, dev->dev_addr)) {
		arp_mib.in_looped++;
		return;
	}
	if (op == ARPOP_REPLY)
		arp_watch_reply(skb, sip, sha);
	tip_local = inet_addr_is_local(tip);
	/* 4. RFC 5227 probe (sender 0.0.0.0): answer it if it asks for ours,
	 *    so the prober sees the address is taken; learn nothing. */
	if (sip == 0) {
		if (op == ARPOP_REQUEST && tip_local) {
			arp_mib.in_dad_probes++;
			arp_send(ARPOP_REPLY, dev, 0, tip, sha, sha);
		} else {
			arp_mib.in_bad_sender++;
		}
		return;
	}
	/* 5. Another host claims our address: say so, keep ours. */
	if (inet_addr_is_local(sip)) {
		arp_conflict(dev, sip, sha);
		return;
	}
	/* 6. A request for us: its sender will talk to us, so it is learned
	 *    (STALE: a request proves no reachability) and answered. */
	if (op == ARPOP_REQUEST && tip_local) {
		n = neigh_lookup_or_create(dev, sip);
		if (n)
			neigh_update(n, sha, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
		arp_send(ARPOP_REPLY, dev, sip, tip, sha, sha);
		return;
	}
	/* 7. Anything else only refreshes an entry we already have. A
	 *    gratuitous ARP (sender and target the same; for a reply, both
	 *    MACs too) overrides at once, other news after the locktime. */
	is_garp = sip == tip && (op == ARPOP_REQUEST || ether_addr_equal(tha, sha));
	if (!tip_local && !is_garp)
		arp_mib.in_foreign++;
	n = neigh_lookup(dev, sip);
	if (!n) {
		if (op == ARPOP_REPLY && tip_local)
			arp_mib.in_unsolicited++;
		return;
	}
	neigh_update(n, sha,
		     op == ARPOP_REPLY && skb->pkt_type == PACKET_HOST ? NUD_REACHABLE : NUD_STALE,
		     is_garp || jiffies() - n->updated >= NEIGH_LOCKTIME_MS ?
		     NEIGH_UPDATE_F_OVERRIDE : 0);
}

int arp_rcv(struct sk_buff *skb)
{
	const struct arphdr *arp;
	uint16_t op;

	if (!skb->dev || skb->len < ARP_LEN) {
		arp_mib.in_malformed++;
		goto out;
	}
	arp = (const struct arphdr *)skb->data;
	op = ntohs(arp->ar_op);
	if (arp->ar_hrd != htons(ARPHRD_ETHER) || arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4 ||
	    (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		arp_mib.in_malformed++;
		goto out;
	}
	if (op == ARPOP_REQUEST)
		arp_mib.in_requests++;
	else
		arp_mib.in_replies++;
	if (skb->pkt_type == PACKET_OTHERHOST) {
		arp_mib.in_other_host++;
		goto out;
	}
	if (!in_dev_get(skb->dev)) {
		arp_mib.no_in_dev++;
		goto out;
	}
	arp_process(skb, op, (const struct arp_eth_ipv4 *)(arp + 1));
out:
	kfree_skb(skb);
	return 0;
}

/* ---- events --------------------------------------------------------------- */

static int arp_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = ptr;

	(void)nb;
	switch (event) {
	case NETDEV_UP:
		/* Its sysctls exist from now on, before any entry does. */
		neigh_parms_get(dev);
		arp_announce_all(dev);
		break;
	case NETDEV_CHANGE:
		if (netif_carrier_ok(dev))
			arp_announce_all(dev);
		else
			neigh_carrier_down(dev);
		break;
	case NETDEV_DOWN:
		neigh_ifdown(dev);
		break;
	case NETDEV_CHANGEADDR:
		neigh_changeaddr(dev);
		arp_announce_all(dev);
		break;
	default:
		break;
	}
	return 0;
}

static void arp_inetaddr_event(struct inetaddr_notifier *nb, int event, struct net_device *dev,
			       const struct in_ifaddr *ifa)
{
	(void)nb;
	if (event == INETADDR_UP)
		arp_announce(dev, ifa->ifa_local);
	else if (event == INETADDR_DOWN)
		/* What was learned may have come through the subnet now gone. */
		neigh_carrier_down(dev);
}

static struct packet_type arp_packet_type = {
	.type = HTONS_C(ETH_P_ARP),
	.func = arp_rcv,
};
static struct notifier_block arp_netdev_notifier = { .notifier_call = arp_netdev_event };
static struct inetaddr_notifier arp_inetaddr_notifier = { .notify = arp_inetaddr_event };

void arp_init(void)
{
	dev_add_pack(&arp_packet_type);
	register_netdevice_notifier(&arp_netdev_notifier);
	register_inetaddr_notifier(&arp_inetaddr_notifier);
}
net_initcall(NET_INIT_PROTO, arp_init);
