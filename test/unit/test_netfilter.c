/* The fw rule table: parsing of HOOK:ACTION:PROTO[:DPORT], first match
 * decides, per-rule counters, deletion renumbers, fw= words accumulate with
 * one warning per bad word, and `fw list` output. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "ipv4_fakes.h"
#include "skb_arena.h"
#include "net/ip.h"
#include "net/netfilter.h"
#include "kernel/cmdline.h"

static int reset(void **state)
{
	(void)state;
	ipv4_fakes_reset();
	return 0;
}

static void add(const char *spec)
{
	struct nf_rule r;

	assert_int_equal(nf_rule_parse(spec, &r), 0);
	assert_int_equal(nf_rule_add(&r), 0);
}

/* A 28-byte datagram of proto with destination port dport (TCP/UDP). */
static struct sk_buff *pkt(uint8_t proto, uint16_t dport, uint16_t frag_off)
{
	uint8_t buf[28] = { 0 };

	fake_iphdr(buf, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), proto, 28, 1, frag_off);
	buf[22] = (uint8_t)(dport >> 8);
	buf[23] = (uint8_t)dport;
	return fake_rx_skb(buf, 28, 0);
}

static int verdict(unsigned int hook, uint8_t proto, uint16_t dport, uint16_t frag_off)
{
	struct sk_buff *skb = pkt(proto, dport, frag_off);
	int v = nf_hook(hook, skb);

	kfree_skb(skb);
	return v;
}

static void test_parse(void **state)
{
	static const char *const good[] = {
		"pre_routing:accept:any", "local_in:drop:udp:5353", "local_out:drop:tcp:1",
		"post_routing:accept:icmp", "local_in:drop:tcp:65535",
	};
	static const char *const bad[] = {
		"", "forward:drop:udp", "local_in", "local_in:drop", "local_in:reject:udp",
		"local_in:drop:sctp", "local_in:drop:udp:", "local_in:drop:udp:0",
		"local_in:drop:udp:65536", "local_in:drop:udp:53x", "local_in:drop:icmp:53",
		"local_in:drop:any:53", "local_in:drop:udp:53:1", "LOCAL_IN:drop:udp",
		"local_in:drop:udp:-1",
	};
	struct nf_rule r;
	char out[48];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(nf_rule_parse(good[i], &r), 0);
		nf_rule_format(&r, out, sizeof(out));
		assert_string_equal(out, good[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(nf_rule_parse(bad[i], &r), -EINVAL);
}

static void test_first_match_and_counters(void **state)
{
	struct nf_rule r;

	(void)state;
	assert_int_equal(nf_rules_at_hook[NF_INET_LOCAL_IN], 0);
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 53, 0), NF_ACCEPT);
	add("local_in:accept:udp:53");
	add("local_in:drop:udp");
	add("local_in:drop:any");
	add("pre_routing:drop:icmp");
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 53, 0), NF_ACCEPT);
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 54, 0), NF_DROP);
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_TCP, 53, 0), NF_DROP);
	assert_int_equal(verdict(NF_INET_PRE_ROUTING, IPPROTO_ICMP, 0, 0), NF_DROP);
	assert_int_equal(verdict(NF_INET_PRE_ROUTING, IPPROTO_TCP, 0, 0), NF_ACCEPT);
	assert_int_equal(verdict(NF_INET_LOCAL_OUT, IPPROTO_ICMP, 0, 0), NF_ACCEPT);
	/* A later fragment has no ports: the port rule does not match it. */
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 53, 100), NF_DROP);
	assert_true(nf_rule_get(1, &r));
	assert_int_equal(r.packets, 1);
	assert_int_equal(r.bytes, 28);
	assert_true(nf_rule_get(2, &r));
	assert_int_equal(r.packets, 2);
	assert_true(nf_rule_get(3, &r));
	assert_int_equal(r.packets, 1);
	assert_int_equal(mib("FwDropped"), 4);
	assert_int_equal(mib("FwAccepted"), 1);
	assert_int_equal(mib("FwUnmatched"), 1);	/* pre_routing tcp; local_out skips */

	/* Deleting renumbers; the hook's count follows. */
	assert_int_equal(nf_rule_del(1), 0);
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 53, 0), NF_DROP);
	assert_int_equal(nf_rule_del(9), -ENOENT);
	assert_int_equal(nf_rule_del(0), -ENOENT);
	assert_int_equal(nf_rule_del(1), 0);
	assert_int_equal(nf_rule_del(1), 0);
	assert_int_equal(nf_rules_at_hook[NF_INET_LOCAL_IN], 0);
	assert_int_equal(nf_rule_count(), 1);
	for (unsigned int i = 1; i < NF_RULES_MAX; i++)
		add("local_out:accept:any");
	assert_int_equal(nf_rule_parse("local_out:accept:any", &r), 0);
	assert_int_equal(nf_rule_add(&r), -ENOSPC);
}

static void test_cmdline_words(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse_kparams("fw=local_in:drop:udp:5353 fw=bogus "
					       "fw=local_out:drop:icmp"), 1);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "'bogus' for fw"));
	assert_int_equal(nf_rule_count(), 2);
	assert_int_equal(verdict(NF_INET_LOCAL_IN, IPPROTO_UDP, 5353, 0), NF_DROP);
	assert_int_equal(verdict(NF_INET_LOCAL_OUT, IPPROTO_ICMP, 0, 0), NF_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse, reset),
		cmocka_unit_test_teardown(test_first_match_and_counters, reset),
		cmocka_unit_test_teardown(test_cmdline_words, reset),
	};

	return cmocka_run_group_tests(tests, ipv4_group_setup, ipv4_group_teardown);
}
