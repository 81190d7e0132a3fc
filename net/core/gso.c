/* Software GSO (Linux's net/core/gso.c with the TCP half of tcp_offload.c):
 * the send path builds one super-packet of up to 64 KB; when the device
 * cannot cut it on the wire, validate_xmit_skb calls skb_gso_segment and
 * the qdisc sends the pieces. Each segment is a fresh linear skb: without
 * scatter-gather a segment cannot share the payload of the original, so the
 * bytes are copied, once, and counted. */
#include <string.h>
#include "net/gso.h"
#include "net/snmp.h"
#include "net/checksum.h"
#include "net/if_ether.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "net/tcp_hdr.h"

static struct gso_stats gso_stats;

static const struct snmp_field gso_fields[] = {
	SNMP_FIELD(struct gso_stats, packets, "GsoPackets"),
	SNMP_FIELD(struct gso_stats, segments, "GsoSegments"),
	SNMP_FIELD(struct gso_stats, dropped_malformed, "GsoDropMalformed"),
	SNMP_FIELD(struct gso_stats, dropped_nomem, "GsoDropNoMem"),
};
SNMP_MIB("Gso", &gso_stats, gso_fields);

/* The checked shape of a super-packet: offsets from skb->data. */
struct gso_layout {
	uint32_t l4;		/* TCP header (ETH_HLEN + IP header length) */
	uint32_t hdr_len;	/* every header, TCP options included */
	uint32_t payload;
};

/* Everything read here is checked against the linear bytes first (headers
 * are never in frags): the offsets are the stack's, but a bad packet must be
 * dropped, not followed. */
static bool gso_parse(const struct sk_buff *skb, struct gso_layout *lay)
{
	const struct ethhdr *eh = (const struct ethhdr *)skb->data;
	const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	const struct tcphdr *th;
	uint32_t ihl, thl, head = skb_headlen(skb);

	if (!(skb->gso_type & SKB_GSO_TCPV4) || head < ETH_HLEN + IP_MIN_HLEN)
		return false;
	if (eh->h_proto != HTONS_C(ETH_P_IP) || ip_version(iph) != IPVERSION ||
	    iph->protocol != IPPROTO_TCP || (ntohs(iph->frag_off) & (IP_MF | IP_OFFMASK)))
		return false;
	ihl = ip_hdrlen(iph);
	if (ihl < IP_MIN_HLEN || head < ETH_HLEN + ihl + TCP_MIN_HLEN)
		return false;
	th = (const struct tcphdr *)(skb->data + ETH_HLEN + ihl);
	thl = tcp_hdrlen(th);
	if (thl < TCP_MIN_HLEN || head < ETH_HLEN + ihl + thl)
		return false;
	/* One IPv4 datagram's worth at most: tot_len must hold each segment,
	 * and the segment count stays below 65536 / gso_size. */
	if (skb->len - ETH_HLEN > IP_MAX_PACKET)
		return false;
	lay->l4 = ETH_HLEN + ihl;
	lay->hdr_len = lay->l4 + thl;
	lay->payload = skb->len - lay->hdr_len;
	return true;
}

/* Segment i of the super-packet: headers and payload bytes [off, off+size). */
static struct sk_buff *gso_make_segment(const struct sk_buff *skb, const struct gso_layout *lay,
					uint32_t i, uint32_t off, uint32_t size, bool last,
					uint64_t features)
{
	struct sk_buff *seg = alloc_skb_tx(lay->hdr_len + size);
	uint32_t seglen = lay->hdr_len + size, tcplen = seglen - lay->l4;
	struct iphdr *iph;
	struct tcphdr *th;
	uint8_t *p;

	if (!seg)
		return NULL;
	p = skb_put(seg, seglen);
	memcpy(p, skb->data, lay->hdr_len);
	/* The payload may sit in frags (a zero-copy send): read across them. */
	(void)skb_copy_bits(skb, lay->hdr_len + off, p + lay->hdr_len, size);
	skb_count_copy(SKB_COPY_GSO, seglen);

	seg->dev = skb->dev;
	seg->protocol = skb->protocol;
	seg->queue_mapping = skb->queue_mapping;	/* the queue was picked for the whole */
	seg->hash = skb->hash;
	seg->vlan_tci = skb->vlan_tci;
	seg->pkt_type = skb->pkt_type;
	seg->tstamp = skb->tstamp;
	seg->mac_header = (uint16_t)skb_headroom(seg);
	seg->network_header = (uint16_t)(seg->mac_header + ETH_HLEN);
	seg->transport_header = (uint16_t)(seg->mac_header + lay->l4);

	iph = (struct iphdr *)(p + ETH_HLEN);
	iph->tot_len = htons((uint16_t)(seglen - ETH_HLEN));
	/* Consecutive IDs, as a TSO NIC numbers the frames it cuts. */
	iph->id = htons((uint16_t)(ntohs(iph->id) + i));
	iph->check = 0;
	iph->check = ip_fast_csum(iph, ip_hdrlen(iph) / 4);

	th = (struct tcphdr *)(p + lay->l4);
	th->seq = htonl(ntohl(th->seq) + off);
	/* FIN and PSH end the data, so only the last piece carries them; CWR
	 * answers one ECE, so only the first (RFC 3168 6.1.2). */
	if (!last)
		th->flags &= (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
	if (i)
		th->flags &= (uint8_t)~TCPHDR_CWR;
	if (features & NETIF_F_IP_CSUM) {
		th->check = csum_tcpudp_seed(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP);
		seg->ip_summed = CHECKSUM_PARTIAL;
		seg->csum_start = seg->transport_header;
		seg->csum_offset = offsetof(struct tcphdr, check);
	} else {
		th->check = 0;
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP,
					      csum_partial(th, tcplen, 0));
		seg->ip_summed = CHECKSUM_NONE;
	}
	return seg;
}

static void gso_free_list(struct sk_buff *segs)
{
	/* Bounded by the segments made: the list ends in NULL. */
	while (segs) {
		struct sk_buff *next = segs->next;

		segs->next = NULL;
		kfree_skb(segs);
		segs = next;
	}
}

struct sk_buff *skb_gso_segment(struct sk_buff *skb, uint64_t features)
{
	struct sk_buff *segs = NULL, **tailp = &segs;
	struct gso_layout lay;
	uint32_t mss = skb->gso_size, nsegs, off = 0;

	if (!mss || !gso_parse(skb, &lay)) {
		gso_stats.dropped_malformed++;
		kfree_skb(skb);
		return NULL;
	}
	/* A bare header (no payload) still goes out once. */
	nsegs = lay.payload ? (lay.payload + mss - 1) / mss : 1;
	for (uint32_t i = 0; i < nsegs; i++) {
		uint32_t size = MIN(mss, lay.payload - off);
		struct sk_buff *seg = gso_make_segment(skb, &lay, i, off, size, i + 1 == nsegs,
						       features);

		if (!seg) {
			gso_free_list(segs);
			gso_stats.dropped_nomem++;
			kfree_skb(skb);
			return NULL;
		}
		*tailp = seg;
		tailp = &seg->next;
		off += size;
	}
	gso_stats.packets++;
	gso_stats.segments += nsegs;
	/* Frags were copied into the segments: a zero-copy sender is told. */
	if (skb->ubuf)
		skb->ubuf->zerocopy = false;
	/* Every byte is in the segments now; the original (or, for a clone,
	 * this reference to TCP's queued data) is let go. */
	kfree_skb(skb);
	return segs;
}

void gso_get_stats(struct gso_stats *st)
{
	*st = gso_stats;
}
