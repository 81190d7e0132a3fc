/* ICMP (RFC 792, RFC 1122 3.2.2): echo replies, errors sent (rate-limited as
 * Linux does) and errors received, passed to the protocol they concern. */
#ifndef RINGOS_NET_ICMP_H
#define RINGOS_NET_ICMP_H

#include "net/byteorder.h"
#include "net/icmp_hdr.h"

struct sk_buff;
struct iphdr;

void icmp_init(void);
/* Sends an error of type/code about skb_in (a received packet, network header
 * set), quoting its IP header and first 8 payload bytes, unless the rules of
 * RFC 1122 3.2.2 forbid it (about an ICMP error, a broadcast, a non-first
 * fragment...) or the rate limit says no. info: the MTU for frag-needed.
 * Does not consume skb_in. */
void icmp_send(struct sk_buff *skb_in, uint8_t type, uint8_t code, be32 info);

/* The IPPROTO_ICMP handler: data at the ICMP header, network header set. */
int icmp_rcv(struct sk_buff *skb);

/* Echo replies go to one listener at a time (the shell's ping), which
 * matches them by id and sequence. Called in softirq context with the reply
 * (data at the ICMP header, network header set), which it must not keep. */
typedef void (*icmp_echo_reply_fn)(const struct sk_buff *skb, const struct iphdr *iph,
				   const struct icmphdr *icmph);
/* Sets the listener (NULL: none); false if another one is set. */
bool icmp_set_echo_reply_listener(icmp_echo_reply_fn fn);
void icmp_clear_echo_reply_listener(icmp_echo_reply_fn fn);

/* Counts one ICMP message of type sent by a module other than icmp.c
 * (the echo requests of ping): OutMsgs, OutType<type> and the per-type name. */
void icmp_out_count(uint8_t type);

/* netstat -s, sections Icmp and IcmpMsg (nstat names). */
struct icmp_mib {
	uint64_t in_msgs, in_errors, in_csum_errors;
	uint64_t in_dest_unreachs, in_time_excds, in_parm_probs, in_src_quenchs;
	uint64_t in_redirects, in_echos, in_echo_reps, in_timestamps, in_timestamp_reps;
	uint64_t out_msgs, out_errors, out_rate_limit_global, out_rate_limit_host;
	uint64_t out_dest_unreachs, out_time_excds, out_parm_probs, out_echos, out_echo_reps;
	/* Our own names for what Linux folds into other counters. */
	uint64_t in_bcast_ignored;	/* IcmpInBcastIgnored: echo to a broadcast */
	uint64_t in_bad_quote;		/* IcmpInBadQuote: error quoting a bad header */
	uint64_t in_unknown;		/* IcmpInUnknownTypes: types we do not handle */
	uint64_t out_suppressed;	/* IcmpOutSuppressed: RFC 1122 forbids the error */
	uint64_t out_nomem;		/* IcmpOutNoMem: no skb for a reply or error */
	uint64_t in_type[NR_ICMP_TYPES + 1];	/* IcmpMsg InType<n> */
	uint64_t out_type[NR_ICMP_TYPES + 1];	/* IcmpMsg OutType<n> */
};
extern struct icmp_mib icmp_mib;

/* Tunables (sysctl net.ipv4.*, Linux's names and defaults). */
extern int sysctl_icmp_msgs_per_sec;	/* global token bucket refill, 1000 */
extern int sysctl_icmp_msgs_burst;	/* its depth, 50 */
extern int sysctl_icmp_ratelimit;	/* per destination, ms between errors, 1000 */
extern int sysctl_icmp_ratemask;	/* types limited, 6168 */
extern int sysctl_icmp_echo_ignore_broadcasts;	/* 1 */

#endif
