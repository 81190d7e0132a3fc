/* Software GSO: a TSO super-packet cut into wire-sized segments for a device
 * that cannot do it itself (no NETIF_F_TSO, or `ethtool -K eth0 tso off`),
 * as Linux's skb_gso_segment -> tcp_gso_segment. Only TCP over IPv4 behind
 * an Ethernet header: the stack builds no other GSO packet. */
#ifndef RINGOS_NET_GSO_H
#define RINGOS_NET_GSO_H

#include "net/skbuff.h"

/* Cuts skb (data at the Ethernet header, gso_size the MSS) into segments of
 * at most gso_size payload bytes, each a new skb with the headers and its
 * payload copied (counted as SKB_COPY_GSO; a zero-copy owner of frags is
 * marked copied) and chained through ->next in
 * sequence order. Per segment: IPv4 tot_len, id + i and the header checksum;
 * TCP seq advanced by the payload offset, FIN and PSH only on the last, CWR
 * only on the first; the TCP checksum left CHECKSUM_PARTIAL (pseudo-header
 * seed) when features has NETIF_F_IP_CSUM, else complete. skb is only read
 * (it may be a clone whose original sits on a retransmit queue) and is
 * consumed in every case. NULL, counted, when skb is not TCP/IPv4 or its
 * headers pass its data, or a segment cannot be allocated (then every
 * segment already made is freed too). */
struct sk_buff *skb_gso_segment(struct sk_buff *skb, uint64_t features);

struct gso_stats {
	uint64_t packets;		/* super-packets segmented */
	uint64_t segments;		/* segments they became */
	uint64_t dropped_malformed;	/* not TCP/IPv4, or headers past the data */
	uint64_t dropped_nomem;		/* a segment could not be allocated */
};
void gso_get_stats(struct gso_stats *st);

#endif
