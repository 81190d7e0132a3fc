/* Packet filter hooks on the IPv4 path, with a small rule table instead of
 * netfilter's modules: `fw=HOOK:ACTION:PROTO[:DPORT]` on the command line and
 * `fw list|add|del` in the shell; each rule counts what it matched. */
#ifndef RINGOS_NET_NETFILTER_H
#define RINGOS_NET_NETFILTER_H

#include "kernel/compiler.h"

struct sk_buff;

enum nf_inet_hooks {
	NF_INET_PRE_ROUTING,
	NF_INET_LOCAL_IN,
	NF_INET_FORWARD,	/* no forwarding here; kept for Linux's numbering */
	NF_INET_LOCAL_OUT,
	NF_INET_POST_ROUTING,
	NF_INET_NUMHOOKS,
};

#define NF_DROP   0
#define NF_ACCEPT 1

/* The verdict of the rules at hook for skb (data at the IP header). One
 * predictable branch when no rule exists. */
extern unsigned int nf_rules_at_hook[NF_INET_NUMHOOKS];
int nf_hook_slow(unsigned int hook, struct sk_buff *skb);
static inline int nf_hook(unsigned int hook, struct sk_buff *skb)
{
	if (likely(!nf_rules_at_hook[hook]))
		return NF_ACCEPT;
	return nf_hook_slow(hook, skb);
}

/* One rule: at hook, packets of proto (0: any) to dport (0: any; TCP and UDP
 * only, first fragments only) get verdict. The first matching rule in table
 * order decides; no match accepts. */
struct nf_rule {
	uint8_t hook;		/* NF_INET_* except FORWARD */
	uint8_t verdict;	/* NF_ACCEPT / NF_DROP */
	uint8_t proto;		/* IPPROTO_ICMP/TCP/UDP, 0: any */
	uint16_t dport;		/* host order, 0: any */
	uint64_t packets, bytes;
};
#define NF_RULES_MAX 32
/* "HOOK:ACTION:PROTO[:DPORT]" (pre_routing|local_in|local_out|post_routing,
 * accept|drop, icmp|tcp|udp|any, 1..65535): 0, or -EINVAL. */
int nf_rule_parse(const char *spec, struct nf_rule *r);
/* Appends r (counters zeroed): 0 or -ENOSPC. */
int nf_rule_add(const struct nf_rule *r);
/* Removes rule n (1-based, as `fw list` numbers them): 0 or -ENOENT. */
int nf_rule_del(unsigned int n);
unsigned int nf_rule_count(void);
/* A copy of rule n (1-based); false past the end. */
bool nf_rule_get(unsigned int n, struct nf_rule *out);
/* "local_in:drop:udp:5353" for r, within size. */
void nf_rule_format(const struct nf_rule *r, char *buf, size_t size);
void nf_rules_flush(void);

/* netstat -s, section Fw. */
struct nf_mib {
	uint64_t dropped;	/* packets a rule dropped */
	uint64_t accepted;	/* packets a rule accepted */
	uint64_t unmatched;	/* looked at, no rule matched (accepted) */
};
extern struct nf_mib nf_statistics;

/* NF_HOOK as in Linux: okfn(skb) if the rules accept, else drop (counted). */
#define NF_HOOK(hook, skb, okfn) \
	(nf_hook((hook), (skb)) == NF_ACCEPT ? (okfn)(skb) : (kfree_skb(skb), NET_XMIT_DROP))

#endif
