/* The packet filter at the four IPv4 hook points: one small ordered rule
 * table instead of netfilter's modules and iptables' chains. Rules come from
 * `fw=` words on the command line (each repetition adds one) and from the
 * shell (`fw list|add|del`); each counts the packets and bytes it decided.
 *
 * nf_rules_at_hook[] keeps nf_hook() to one predictable branch while a hook
 * has no rule. The table is read from softirq context (PRE_ROUTING,
 * LOCAL_IN) and changed from process context with bottom halves disabled. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net/netfilter.h"
#include "net/ip_hdr.h"
#include "net/skbuff.h"
#include "net/snmp.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"

unsigned int nf_rules_at_hook[NF_INET_NUMHOOKS];
struct nf_mib nf_statistics;

static const struct snmp_field nf_fields[] = {
	SNMP_FIELD(struct nf_mib, dropped, "FwDropped"),
	SNMP_FIELD(struct nf_mib, accepted, "FwAccepted"),
	SNMP_FIELD(struct nf_mib, unmatched, "FwUnmatched"),
};
SNMP_MIB("Fw", &nf_statistics, nf_fields);

/* Invariant: rules[0..n_rules) in use, in the order they were added. */
static struct nf_rule rules[NF_RULES_MAX];
static unsigned int n_rules;

static const char *const hook_names[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = "pre_routing",
	[NF_INET_LOCAL_IN] = "local_in",
	[NF_INET_FORWARD] = NULL,
	[NF_INET_LOCAL_OUT] = "local_out",
	[NF_INET_POST_ROUTING] = "post_routing",
};

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	default: return "any";
	}
}

/* The next ':'-separated field of *s into buf; false if it does not fit. */
static bool next_field(const char **s, char *buf, size_t size)
{
	const char *end = strchr(*s, ':');
	size_t len = end ? (size_t)(end - *s) : strlen(*s);

	if (len == 0 || len >= size)
		return false;
	memcpy(buf, *s, len);
	buf[len] = '\0';
	*s += len + (end ? 1 : 0);
	return true;
}

int nf_rule_parse(const char *spec, struct nf_rule *r)
{
	struct nf_rule n = { 0 };
	char f[16];
	const char *s = spec;
	int hook = -1;

	if (!next_field(&s, f, sizeof(f)))
		return -EINVAL;
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (hook_names[h] && !strcmp(f, hook_names[h]))
			hook = h;
	if (hook < 0)
		return -EINVAL;
	n.hook = (uint8_t)hook;

	if (!next_field(&s, f, sizeof(f)))
		return -EINVAL;
	if (!strcmp(f, "accept"))
		n.verdict = NF_ACCEPT;
	else if (!strcmp(f, "drop"))
		n.verdict = NF_DROP;
	else
		return -EINVAL;

	if (!next_field(&s, f, sizeof(f)))
		return -EINVAL;
	if (!strcmp(f, "icmp"))
		n.proto = IPPROTO_ICMP;
	else if (!strcmp(f, "tcp"))
		n.proto = IPPROTO_TCP;
	else if (!strcmp(f, "udp"))
		n.proto = IPPROTO_UDP;
	else if (strcmp(f, "any"))
		return -EINVAL;

	if (*s) {
		char *end;
		unsigned long port;

		/* Ports exist only for TCP and UDP. */
		if (n.proto != IPPROTO_TCP && n.proto != IPPROTO_UDP)
			return -EINVAL;
		if (!next_field(&s, f, sizeof(f)) || *s || f[0] < '0' || f[0] > '9')
			return -EINVAL;
		port = strtoul(f, &end, 10);
		if (*end || port == 0 || port > 65535)
			return -EINVAL;
		n.dport = (uint16_t)port;
	} else if (s > spec && s[-1] == ':') {
		return -EINVAL;		/* a trailing ':' with no port */
	}
	*r = n;
	return 0;
}

void nf_rule_format(const struct nf_rule *r, char *buf, size_t size)
{
	if (r->dport)
		snprintf(buf, size, "%s:%s:%s:%u", hook_names[r->hook],
			 r->verdict == NF_ACCEPT ? "accept" : "drop", proto_name(r->proto), r->dport);
	else
		snprintf(buf, size, "%s:%s:%s", hook_names[r->hook],
			 r->verdict == NF_ACCEPT ? "accept" : "drop", proto_name(r->proto));
}

int nf_rule_add(const struct nf_rule *r)
{
	int err = -ENOSPC;

	local_bh_disable();
	if (n_rules < NF_RULES_MAX) {
		rules[n_rules] = *r;
		rules[n_rules].packets = 0;
		rules[n_rules].bytes = 0;
		n_rules++;
		nf_rules_at_hook[r->hook]++;
		err = 0;
	}
	local_bh_enable();
	return err;
}

int nf_rule_del(unsigned int n)
{
	if (n == 0 || n > NF_RULES_MAX)
		return -ENOENT;
	local_bh_disable();
	if (n > n_rules) {
		local_bh_enable();
		return -ENOENT;
	}
	nf_rules_at_hook[rules[n - 1].hook]--;
	memmove(&rules[n - 1], &rules[n], (n_rules - n) * sizeof(rules[0]));
	n_rules--;
	local_bh_enable();
	return 0;
}

unsigned int nf_rule_count(void)
{
	return READ_ONCE(n_rules);
}

bool nf_rule_get(unsigned int n, struct nf_rule *out)
{
	bool ok = false;

	local_bh_disable();
	if (n >= 1 && n <= n_rules) {
		*out = rules[n - 1];
		ok = true;
	}
	local_bh_enable();
	return ok;
}

void nf_rules_flush(void)
{
	local_bh_disable();
	n_rules = 0;
	memset(nf_rules_at_hook, 0, sizeof(nf_rules_at_hook));
	local_bh_enable();
}

/* Does r match the packet at skb->data (an IPv4 header the caller vouches
 * for: checked on input, built by us on output)? */
static bool rule_matches(const struct nf_rule *r, const struct sk_buff *skb,
			 const struct iphdr *iph)
{
	unsigned int hlen = ip_hdrlen(iph);
	be16 dport;

	if (r->proto && r->proto != iph->protocol)
		return false;
	if (!r->dport)
		return true;
	/* Only a first fragment carries the ports, as iptables' port match. */
	if (ntohs(iph->frag_off) & IP_OFFMASK)
		return false;
	if (skb->len < hlen + 4)
		return false;
	memcpy(&dport, skb->data + hlen + 2, sizeof(dport));
	return ntohs(dport) == r->dport;
}

int nf_hook_slow(unsigned int hook, struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	if (hook >= NF_INET_NUMHOOKS || skb->len < sizeof(*iph))
		return NF_ACCEPT;
	for (unsigned int i = 0; i < n_rules; i++) {
		struct nf_rule *r = &rules[i];

		if (r->hook != hook || !rule_matches(r, skb, iph))
			continue;
		r->packets++;
		r->bytes += skb->len;
		if (r->verdict == NF_DROP) {
			nf_statistics.dropped++;
			return NF_DROP;
		}
		nf_statistics.accepted++;
		return NF_ACCEPT;
	}
	nf_statistics.unmatched++;
	return NF_ACCEPT;
}

/* ---- fw= on the command line ------------------------------------------------------ */

static int fw_param_parse(const char *val, void *var)
{
	struct nf_rule r;

	(void)var;
	if (nf_rule_parse(val, &r))
		return -1;
	return nf_rule_add(&r) ? -1 : 0;
}

static void fw_param_format(const void *var, char *buf, size_t size)
{
	size_t len = 0;

	(void)var;
	snprintf(buf, size, "none");
	for (unsigned int i = 0; i < n_rules && len + 1 < size; i++) {
		char one[48];
		int n;

		nf_rule_format(&rules[i], one, sizeof(one));
		n = snprintf(buf + len, size - len, "%s%s", i ? " " : "", one);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static const struct kparam_custom fw_param_ops = {
	.parse = fw_param_parse,
	.format = fw_param_format,
	.expected = "HOOK:ACTION:PROTO[:DPORT], e.g. local_in:drop:udp:5353 (repeatable)",
};
KPARAM_CUSTOM("fw", rules, &fw_param_ops, "packet filter rule; repeatable");

/* ---- shell ------------------------------------------------------------------------ */

#define FW_USAGE "Usage: fw [list]\n" \
		 "       fw add HOOK:ACTION:PROTO[:DPORT]\n" \
		 "       fw del N\n"

static void fw_list(void)
{
	kprintf("%3s  %-13s %-7s %-5s %5s %12s %14s\n", "num", "hook", "action", "proto",
		"dport", "packets", "bytes");
	for (unsigned int n = 1;; n++) {
		struct nf_rule r;
		char port[8] = "-";

		if (!nf_rule_get(n, &r))
			break;
		if (r.dport)
			snprintf(port, sizeof(port), "%u", r.dport);
		kprintf("%3u  %-13s %-7s %-5s %5s %12llu %14llu\n", n, hook_names[r.hook],
			r.verdict == NF_ACCEPT ? "accept" : "drop", proto_name(r.proto), port,
			(unsigned long long)r.packets, (unsigned long long)r.bytes);
	}
}

static int cmd_fw(int argc, char **argv)
{
	struct nf_rule r;
	char *end;
	unsigned long n;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list"))) {
		fw_list();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "add")) {
		if (nf_rule_parse(argv[2], &r)) {
			kprintf("fw: bad rule '%.40s' (expected HOOK:ACTION:PROTO[:DPORT])\n", argv[2]);
			return -1;
		}
		if (nf_rule_add(&r)) {
			kprintf("fw: table full (%u rules)\n", NF_RULES_MAX);
			return -1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "del")) {
		n = strtoul(argv[2], &end, 10);
		if (*end || end == argv[2] || nf_rule_del((unsigned int)MIN(n, 1000ul))) {
			kprintf("fw: no rule '%.40s'\n", argv[2]);
			return -1;
		}
		return 0;
	}
	kprintf(FW_USAGE);
	return -1;
}
SHELL_COMMAND("fw", "packet filter: fw [list] | fw add HOOK:ACTION:PROTO[:DPORT] | fw del N", cmd_fw);
