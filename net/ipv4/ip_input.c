/* IPv4 receive, Linux's ip_input.c: ip_rcv checks the header (RFC 1122
 * 3.2.1), the PRE_ROUTING hook runs, ip_rcv_finish classifies the
 * destination (ip_route_input), and ip_local_deliver reassembles, runs
 * LOCAL_IN and hands the packet to its protocol. There is no forwarding: a
 * packet that is not for us is counted and dropped.
 *
 * Runs in the NET_RX softirq, data at the IP header (eth_type_trans pulled
 * the MAC header). Every drop is counted under the Linux name it belongs to
 * and, where Linux has none that says why, one of ours. */
#include <string.h>
#include "net/ip.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/netdevice.h"
#include "net/netfilter.h"
#include "net/protocol.h"

bool ip_options_valid(const struct iphdr *iph)
{
	const uint8_t *opt = (const uint8_t *)(iph + 1);
	unsigned int len = ip_hdrlen(iph) - sizeof(*iph);
	unsigned int i = 0;

	/* Each step moves i forward by at least one byte: at most 40 steps. */
	while (i < len) {
		unsigned int optlen;

		if (opt[i] == IPOPT_END)
			return true;
		if (opt[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		/* Every other kind has a length byte counting kind and length. */
		if (i + 1 >= len)
			return false;
		optlen = opt[i + 1];
		if (optlen < 2 || optlen > len - i)
			return false;
		i += optlen;
	}
	return true;
}

static int ip_local_deliver_finish(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb_network_header(skb);
	const struct net_protocol *prot;

	skb_pull(skb, ip_hdrlen(iph));
	skb_reset_transport_header(skb);
	prot = inet_get_protocol(iph->protocol);
	if (prot) {
		IP_INC_STATS(in_delivers);
		return prot->handler(skb);
	}
	/* RFC 1122 3.2.2.1: protocol unreachable, unless the packet came to a
	 * broadcast or multicast address (icmp_send knows those rules too). */
	IP_INC_STATS(in_unknown_protos);
	if (!(IPCB(skb)->flags & (RTCF_BROADCAST | RTCF_MULTICAST)))
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	kfree_skb(skb);
	return 0;
}

int ip_local_deliver(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFMASK)) {
		skb = ip_defrag(skb);
		if (!skb)
			return 0;
	}
	if (nf_hook(NF_INET_LOCAL_IN, skb) != NF_ACCEPT) {
		IP_INC_STATS(in_discards);
		IP_INC_STATS(in_filtered);
		kfree_skb(skb);
		return 0;
	}
	return ip_local_deliver_finish(skb);
}

static int ip_rcv_finish(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	int flags = ip_route_input(iph->daddr, iph->saddr, skb->dev);

	if (flags < 0) {
		/* Linux, forwarding off: -EHOSTUNREACH counts as InAddrErrors. */
		IP_INC_STATS(in_addr_errors);
		kfree_skb(skb);
		return 0;
	}
	IPCB(skb)->flags = (uint32_t)flags;
	if (flags & RTCF_BROADCAST)
		IP_INC_STATS(in_bcast_pkts);
	else if (flags & RTCF_MULTICAST)
		IP_INC_STATS(in_mcast_pkts);
	return ip_local_deliver(skb);
}

/* A source no host may send from (RFC 1122 3.2.1.3, RFC 1812 5.3.7), or one
 * of our own addresses: our packet looped back to us. 0.0.0.0 is allowed to
 * the limited broadcast only (a DHCP client's DISCOVER). */
static bool ip_martian_source(be32 saddr, be32 daddr, const struct net_device *dev)
{
	if (ipv4_is_zeronet(saddr))
		return !(saddr == 0 && ipv4_is_lbcast(daddr));
	return ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || ipv4_is_loopback(saddr) ||
	       inet_addr_is_broadcast(dev, saddr) || inet_addr_is_local(saddr);
}

static int ip_drop(struct sk_buff *skb, uint64_t *reason)
{
	(*reason)++;
	kfree_skb(skb);
	return 0;
}

int ip_rcv(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int hlen, tot_len;

	/* A frame the NIC took in promiscuous mode for another host is not a
	 * receive at all, as in Linux (counted only as ours). */
	if (skb->pkt_type == PACKET_OTHERHOST)
		return ip_drop(skb, &ip_statistics.in_other_host);
	IP_INC_STATS(in_receives);
	if (skb->len < sizeof(struct iphdr)) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_bad_hdr_len);
	}
	iph = (const struct iphdr *)skb->data;
	hlen = ip_hdrlen(iph);
	if (ip_version(iph) != IPVERSION) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_bad_version);
	}
	if (hlen < sizeof(struct iphdr) || hlen > skb->len) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_bad_hdr_len);
	}
	/* The driver says CHECKSUM_UNNECESSARY only when the NIC verified both
	 * the IPv4 header sum and the TCP/UDP sum (igb_rx_checksum). */
	if (skb->ip_summed != CHECKSUM_UNNECESSARY && ip_fast_csum(iph, hlen / 4)) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_csum_errors);
	}
	tot_len = ntohs(iph->tot_len);
	if (tot_len > skb->len)
		return ip_drop(skb, &ip_statistics.in_truncated_pkts);
	if (tot_len < hlen) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_bad_length);
	}
	/* Ethernet pads short frames to 60 bytes: the datagram ends at tot_len. */
	skb_trim(skb, tot_len);
	if (hlen > sizeof(struct iphdr) && !ip_options_valid(iph)) {
		IP_INC_STATS(in_hdr_errors);
		return ip_drop(skb, &ip_statistics.in_bad_options);
	}
	if (ip_martian_source(iph->saddr, iph->daddr, skb->dev)) {
		IP_INC_STATS(in_addr_errors);
		return ip_drop(skb, &ip_statistics.in_martian_source);
	}
	IP_ADD_STATS(in_octets, tot_len);
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	IPCB(skb)->opt_len = (uint16_t)(hlen - sizeof(struct iphdr));

	if (nf_hook(NF_INET_PRE_ROUTING, skb) != NF_ACCEPT) {
		IP_INC_STATS(in_discards);
		return ip_drop(skb, &ip_statistics.in_filtered);
	}
	return ip_rcv_finish(skb);
}
