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

/* NF_HOOK as in Linux: okfn(skb) if the rules accept, else drop (counted). */
#define NF_HOOK(hook, skb, okfn) \
	(nf_hook((hook), (skb)) == NF_ACCEPT ? (okfn)(skb) : (kfree_skb(skb), NET_XMIT_DROP))

#endif
