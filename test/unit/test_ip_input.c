/* ip_rcv: every header check drops and counts under its name; Ethernet
 * padding is trimmed; the options walk is safe on malformed options; the
 * NIC's checksum verdict is trusted; local delivery hands the protocol the
 * transport header, and an unknown protocol gets protocol-unreachable. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "ipv4_fakes.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netfilter.h"
#include "net/protocol.h"

#define US ip4(10, 0, 0, 2)
#define PEER ip4(10, 0, 0, 1)

static struct sk_buff *delivered[8];
static unsigned int n_delivered;

static int udp_handler(struct sk_buff *skb)
{
	assert_true(n_delivered < ARRAY_SIZE(delivered));
	delivered[n_delivered++] = skb;
	return 0;
}
static const struct net_protocol fake_udp = { .handler = udp_handler };

static int group_setup(void **state)
{
	(void)state;
	ipv4_fakes_setup();
	assert_int_equal(inet_add_protocol(&fake_udp, IPPROTO_UDP), 0);
	assert_int_equal(inet_add_protocol(&fake_udp, IPPROTO_UDP), -EEXIST);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(inet_addr_add(&fake_eth0, US, 24, false), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < n_delivered; i++)
		kfree_skb(delivered[i]);
	n_delivered = 0;
	ipv4_fakes_reset();
	return 0;
}

/* A UDP-carrying datagram: 20-byte header + 8 payload bytes. */
static unsigned int build(uint8_t *buf, be32 saddr, be32 daddr, uint8_t proto)
{
	fake_iphdr(buf, saddr, daddr, proto, 28, 1, 0);
	for (unsigned int i = 0; i < 8; i++)
		buf[20 + i] = (uint8_t)(0xA0 + i);
	return 28;
}

static void rx(const uint8_t *buf, unsigned int len, unsigned int pad)
{
	assert_int_equal(ip_rcv(fake_rx_skb(buf, len, pad)), 0);
}

static void recsum(uint8_t *buf)
{
	struct iphdr *iph = (struct iphdr *)buf;

	iph->check = 0;
	iph->check = ip_fast_csum(iph, ip_hdrlen(iph) / 4);
}

static void test_deliver_and_trim(void **state)
{
	uint8_t buf[64];
	struct sk_buff *skb;

	(void)state;
	build(buf, PEER, US, IPPROTO_UDP);
	rx(buf, 28, 18);	/* padded to a 60-byte frame */
	assert_int_equal(n_delivered, 1);
	skb = delivered[0];
	assert_int_equal(skb->len, 8);
	assert_int_equal(skb->data[0], 0xA0);
	assert_ptr_equal(skb_transport_header(skb), skb->data);
	assert_ptr_equal(skb_network_header(skb) + 20, skb->data);
	assert_int_equal(IPCB(skb)->flags, RTCF_LOCAL);
	assert_int_equal(mib("IpInReceives"), 1);
	assert_int_equal(mib("IpInDelivers"), 1);
	assert_int_equal(mib("IpExtInOctets"), 28);
}

static void expect_drop(const uint8_t *buf, unsigned int len, const char *counter)
{
	uint64_t before = mib(counter);
	unsigned int had = n_delivered;

	rx(buf, len, 0);
	assert_int_equal(n_delivered, had);
	assert_int_equal(mib(counter), before + 1);
}

static void test_header_checks(void **state)
{
	uint8_t buf[64];

	(void)state;
	build(buf, PEER, US, IPPROTO_UDP);
	expect_drop(buf, 19, "IpInBadHdrLen");

	build(buf, PEER, US, IPPROTO_UDP);
	buf[0] = 0x65;
	recsum(buf);
	expect_drop(buf, 28, "IpInBadVersion");

	build(buf, PEER, US, IPPROTO_UDP);
	buf[0] = 0x44;		/* IHL 4 */
	expect_drop(buf, 28, "IpInBadHdrLen");

	build(buf, PEER, US, IPPROTO_UDP);
	buf[0] = 0x48;		/* IHL 8: 32 bytes, more than the frame */
	expect_drop(buf, 28, "IpInBadHdrLen");
	assert_int_equal(mib("IpInHdrErrors"), 4);

	build(buf, PEER, US, IPPROTO_UDP);
	((struct iphdr *)buf)->tot_len = htons(16);
	recsum(buf);
	expect_drop(buf, 28, "IpInBadLength");

	build(buf, PEER, US, IPPROTO_UDP);
	((struct iphdr *)buf)->tot_len = htons(29);
	recsum(buf);
	expect_drop(buf, 28, "IpExtInTruncatedPkts");

	build(buf, PEER, US, IPPROTO_UDP);
	buf[8] ^= 1;		/* TTL changed, sum not */
	expect_drop(buf, 28, "IpExtInCsumErrors");
	assert_int_equal(mib("IpInHdrErrors"), 6);
	assert_int_equal(mib("IpInReceives"), 7);
	assert_int_equal(mib("IpInDelivers"), 0);
}

static void test_nic_checksum_verdict(void **state)
{
	uint8_t buf[64];
	struct sk_buff *skb;

	(void)state;
	build(buf, PEER, US, IPPROTO_UDP);
	((struct iphdr *)buf)->check ^= 0x0101;
	skb = fake_rx_skb(buf, 28, 0);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	ip_rcv(skb);
	assert_int_equal(n_delivered, 1);
}

static void test_martians(void **state)
{
	uint8_t buf[64];

	(void)state;
	build(buf, htonl(0xFFFFFFFFu), US, IPPROTO_UDP);
	expect_drop(buf, 28, "IpInMartianSource");
	build(buf, ip4(10, 0, 0, 255), US, IPPROTO_UDP);
	expect_drop(buf, 28, "IpInMartianSource");
	build(buf, ip4(224, 0, 0, 1), US, IPPROTO_UDP);
	expect_drop(buf, 28, "IpInMartianSource");
	build(buf, ip4(127, 0, 0, 1), US, IPPROTO_UDP);
	expect_drop(buf, 28, "IpInMartianSource");
	build(buf, US, US, IPPROTO_UDP);		/* our own, looped */
	expect_drop(buf, 28, "IpInMartianSource");
	build(buf, 0, US, IPPROTO_UDP);
	expect_drop(buf, 28, "IpInMartianSource");
	assert_int_equal(mib("IpInAddrErrors"), 6);
	/* A DHCP DISCOVER from 0.0.0.0 to the limited broadcast is fine. */
	build(buf, 0, htonl(0xFFFFFFFFu), IPPROTO_UDP);
	rx(buf, 28, 0);
	assert_int_equal(n_delivered, 1);
	assert_int_equal(IPCB(delivered[0])->flags, RTCF_BROADCAST);
	assert_int_equal(mib("IpExtInBcastPkts"), 1);
}

static void test_not_ours(void **state)
{
	uint8_t buf[64];
	struct sk_buff *skb;

	(void)state;
	build(buf, PEER, ip4(10, 0, 0, 3), IPPROTO_UDP);
	expect_drop(buf, 28, "IpInAddrErrors");
	build(buf, PEER, ip4(224, 0, 0, 251), IPPROTO_UDP);
	expect_drop(buf, 28, "IpInAddrErrors");
	/* Subscribed: all-hosts, and subnet broadcast. */
	build(buf, PEER, ip4(224, 0, 0, 1), IPPROTO_UDP);
	rx(buf, 28, 0);
	build(buf, PEER, ip4(10, 0, 0, 255), IPPROTO_UDP);
	rx(buf, 28, 0);
	assert_int_equal(n_delivered, 2);
	assert_int_equal(mib("IpExtInMcastPkts"), 1);
	/* Promiscuous frames are not receives at all. */
	build(buf, PEER, US, IPPROTO_UDP);
	skb = fake_rx_skb(buf, 28, 0);
	skb->pkt_type = PACKET_OTHERHOST;
	ip_rcv(skb);
	assert_int_equal(mib("IpInOtherHost"), 1);
	assert_int_equal(mib("IpInReceives"), 4);
}

/* A header with the given option bytes (padded to a multiple of 4 by the
 * caller) in front of 8 payload bytes. */
static unsigned int build_opts(uint8_t *buf, const uint8_t *opt, unsigned int optlen)
{
	unsigned int hlen = 20 + optlen;

	fake_iphdr(buf, PEER, US, IPPROTO_UDP, (uint16_t)(hlen + 8), 1, 0);
	buf[0] = (uint8_t)(0x40 | hlen / 4);
	memcpy(buf + 20, opt, optlen);
	memset(buf + hlen, 0x5A, 8);
	recsum(buf);
	return hlen + 8;
}

static void test_options(void **state)
{
	static const uint8_t good[][8] = {
		{ 1, 1, 1, 0 },				/* NOPs, END */
		{ 0x94, 4, 0, 0 },			/* router alert */
		{ 7, 7, 4, 0, 0, 0, 0, 1 },		/* record route, then NOP */
		{ 1, 1, 1, 1 },
	};
	static const uint8_t bad[][8] = {
		{ 7, 0, 0, 0 },			/* length 0 */
		{ 7, 1, 0, 0 },			/* length 1 */
		{ 7, 9, 4, 0 },			/* past the header */
		{ 1, 1, 1, 7 },			/* no room for the length byte */
		{ 0x44, 255, 0, 0, 0, 0, 0, 0 },	/* huge length */
	};
	uint8_t buf[96];
	unsigned int n;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		n = build_opts(buf, good[i], i == 2 ? 8 : 4);
		rx(buf, n, 0);
		assert_int_equal(n_delivered, i + 1);
		assert_int_equal(delivered[i]->len, 8);
		assert_int_equal(delivered[i]->data[0], 0x5A);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		n = build_opts(buf, bad[i], i == 4 ? 8 : 4);
		expect_drop(buf, n, "IpInBadOptions");
	}
	/* The same walk on every option byte pattern of a 4-byte area. */
	for (unsigned int v = 0; v < 65536; v++) {
		uint8_t opt[4] = { (uint8_t)v, (uint8_t)(v >> 8), 0x07, 0x03 };
		struct iphdr *iph = (struct iphdr *)buf;

		build_opts(buf, opt, 4);
		(void)ip_options_valid(iph);
	}
}

static void test_unknown_protocol(void **state)
{
	uint8_t buf[64];

	(void)state;
	build(buf, PEER, US, 99);
	rx(buf, 28, 0);
	assert_int_equal(mib("IpInUnknownProtos"), 1);
	assert_int_equal(fake_icmp_count, 1);
	assert_int_equal(fake_icmp[0].type, ICMP_DEST_UNREACH);
	assert_int_equal(fake_icmp[0].code, ICMP_PROT_UNREACH);
	assert_memory_equal(fake_icmp[0].quoted, buf, 28);
	/* Never about a broadcast. */
	build(buf, PEER, ip4(10, 0, 0, 255), 99);
	rx(buf, 28, 0);
	assert_int_equal(mib("IpInUnknownProtos"), 2);
	assert_int_equal(fake_icmp_count, 1);
}

static void test_filter_hooks(void **state)
{
	struct nf_rule r;
	uint8_t buf[64];

	(void)state;
	assert_int_equal(nf_rule_parse("pre_routing:drop:icmp", &r), 0);
	assert_int_equal(nf_rule_add(&r), 0);
	assert_int_equal(nf_rule_parse("local_in:drop:udp:42404", &r), 0);	/* 0xA5A4 */
	assert_int_equal(nf_rule_add(&r), 0);
	build(buf, PEER, US, IPPROTO_ICMP);
	expect_drop(buf, 28, "IpInFiltered");
	build(buf, PEER, US, IPPROTO_UDP);
	buf[22] = 0xA5;
	buf[23] = 0xA4;
	expect_drop(buf, 28, "IpInFiltered");
	assert_int_equal(mib("IpInDiscards"), 2);
	assert_int_equal(mib("FwDropped"), 2);
	build(buf, PEER, US, IPPROTO_UDP);
	rx(buf, 28, 0);
	assert_int_equal(n_delivered, 1);
}

static void test_random_frames(void **state)
{
	uint64_t rng = 0x1234567;
	uint8_t buf[128];

	(void)state;
	for (unsigned int i = 0; i < 20000; i++) {
		unsigned int len = (unsigned int)(test_rng(&rng) % sizeof(buf));

		for (unsigned int j = 0; j < len; j++)
			buf[j] = (uint8_t)test_rng(&rng);
		/* Mostly plausible headers, so the checks past the first run. */
		if (len >= 20 && (i & 1)) {
			buf[0] = (uint8_t)(0x45 + (test_rng(&rng) % 3));
			memcpy(buf + 16, &(be32){ US }, 4);
			((struct iphdr *)buf)->tot_len = htons((uint16_t)(len - (i & 6)));
			recsum(buf);
		}
		rx(buf, len, 0);
		for (unsigned int k = 0; k < n_delivered; k++)
			kfree_skb(delivered[k]);
		n_delivered = 0;
		fake_icmp_count = 0;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_deliver_and_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nic_checksum_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_martians, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_frames, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, ipv4_group_teardown);
}
