/* Ethernet (Linux's net/ethernet/eth.c): the MAC header on the way in
 * (eth_type_trans) and on the way out (dev_hard_header). */
#include <errno.h>
#include <string.h>
#include "net/if_ether.h"
#include "net/netdevice.h"

be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	const struct ethhdr *eth;

	if (skb->len < ETH_HLEN)
		return 0;
	skb->dev = dev;
	skb_reset_mac_header(skb);
	eth = (const struct ethhdr *)skb->data;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	if (unlikely(is_multicast_ether_addr(eth->h_dest)))
		skb->pkt_type = is_broadcast_ether_addr(eth->h_dest) ? PACKET_BROADCAST
								   : PACKET_MULTICAST;
	else if (ether_addr_equal(eth->h_dest, dev->dev_addr))
		skb->pkt_type = PACKET_HOST;
	else
		skb->pkt_type = PACKET_OTHERHOST;
	skb->protocol = eth->h_proto;
	return eth->h_proto;
}

int dev_hard_header(struct sk_buff *skb, struct net_device *dev, uint16_t type,
		    const uint8_t *daddr, const uint8_t *saddr)
{
	struct ethhdr *eth;

	if (!daddr)
		return -EINVAL;
	eth = (struct ethhdr *)skb_push(skb, ETH_HLEN);
	if (!eth)
		return -ENOBUFS;
	memcpy(eth->h_dest, daddr, ETH_ALEN);
	memcpy(eth->h_source, saddr ? saddr : dev->dev_addr, ETH_ALEN);
	eth->h_proto = htons(type);
	skb_reset_mac_header(skb);
	return ETH_HLEN;
}
