/* ip_queue_xmit and the steps below it: every header field of what reaches
 * the neighbour layer or the device, the route cached on the socket, the
 * next hop, broadcast and multicast MACs, DF and oversize, GSO left whole,
 * and each drop's errno and counter. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "ipv4_fakes.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netfilter.h"
#include "net/sock.h"

#define US ip4(10, 0, 0, 2)
#define PEER ip4(10, 0, 0, 1)
#define GW ip4(10, 0, 0, 254)

static int setup(void **state)
{
	(void)state;
	assert_int_equal(inet_addr_add(&fake_eth0, US, 24, false), 0);
	assert_int_equal(ip_route_add(0, 0, GW, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ipv4_fakes_reset();
	return 0;
}

/* A transport segment of len bytes (pattern), data at the transport header. */
static struct sk_buff *segment(uint32_t len)
{
	struct sk_buff *skb = alloc_skb_tx(len);

	assert_non_null(skb);
	for (uint32_t i = 0; i < len; i++)
		skb_put(skb, 1)[0] = (uint8_t)i;
	return skb;
}

static int send_to(struct sock *sk, be32 daddr, uint32_t len)
{
	struct flowi4 fl = { .daddr = daddr, .proto = IPPROTO_UDP };

	return ip_queue_xmit(sk, segment(len), &fl);
}

static const struct iphdr *tx_iph(unsigned int i)
{
	struct sk_buff *skb = fake_tx[i].skb;

	assert_ptr_equal(skb_network_header(skb), skb->data + (fake_tx[i].path == FAKE_TX_DEV ? ETH_HLEN : 0));
	return (const struct iphdr *)skb_network_header(skb);
}

static void test_header_fields(void **state)
{
	const struct iphdr *iph;
	struct sk_buff *skb;

	(void)state;
	assert_int_equal(send_to(NULL, PEER, 100), 0);
	assert_int_equal(fake_tx_count, 1);
	assert_int_equal(fake_tx[0].path, FAKE_TX_NEIGH);
	assert_int_equal(fake_tx[0].nexthop, PEER);
	skb = fake_tx[0].skb;
	iph = tx_iph(0);
	assert_int_equal(iph->ihl_version, 0x45);
	assert_int_equal(iph->tos, 0);
	assert_int_equal(ntohs(iph->tot_len), 120);
	assert_int_equal(ntohs(iph->frag_off), 0);
	assert_int_equal(iph->ttl, 64);
	assert_int_equal(iph->protocol, IPPROTO_UDP);
	assert_int_equal(iph->saddr, US);
	assert_int_equal(iph->daddr, PEER);
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	assert_ptr_equal(skb_transport_header(skb), (const uint8_t *)iph + 20);
	assert_int_equal(skb_transport_header(skb)[99], 99);
	assert_ptr_equal(skb->dev, &fake_eth0);
	assert_int_equal(skb->protocol, htons(ETH_P_IP));
	assert_int_equal(skb->len, 120);
	assert_int_equal(mib("IpOutRequests"), 1);
	assert_int_equal(mib("IpExtOutOctets"), 120);
}

static void test_id_changes(void **state)
{
	uint16_t ids[4];

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(send_to(NULL, PEER, 10), 0);
	for (unsigned int i = 0; i < 4; i++)
		ids[i] = ntohs(tx_iph(i)->id);
	for (unsigned int i = 1; i < 4; i++)
		assert_int_equal((uint16_t)(ids[i] - ids[i - 1]), 1);
	/* A TSO packet takes one ID per segment. */
	{
		struct flowi4 fl = { .daddr = PEER, .proto = IPPROTO_TCP };
		struct sk_buff *skb = segment(10);
		uint16_t a, b;

		skb->gso_segs = 5;
		assert_int_equal(ip_queue_xmit(NULL, skb, &fl), 0);
		assert_int_equal(send_to(NULL, PEER, 10), 0);
		fl.proto = IPPROTO_TCP;
		assert_int_equal(ip_queue_xmit(NULL, segment(10), &fl), 0);
		a = ntohs(tx_iph(4)->id);
		b = ntohs(tx_iph(6)->id);
		assert_int_equal((uint16_t)(b - a), 5);
	}
}

static void test_gateway_and_socket_cache(void **state)
{
	struct sock sk;

	(void)state;
	memset(&sk, 0, sizeof(sk));
	sk.ttl = 17;
	sk.tos = 0x10;
	sk.pmtudisc = true;
	assert_int_equal(send_to(&sk, ip4(8, 8, 8, 8), 10), 0);
	assert_int_equal(fake_tx[0].nexthop, GW);
	assert_true(sk.dst_valid);
	assert_int_equal(sk.sk_dst.rt_dst, ip4(8, 8, 8, 8));
	assert_int_equal(tx_iph(0)->ttl, 17);
	assert_int_equal(tx_iph(0)->tos, 0x10);
	assert_int_equal(ntohs(tx_iph(0)->frag_off), IP_DF);
	/* The cache serves the next send; a route change invalidates it. */
	assert_int_equal(send_to(&sk, ip4(8, 8, 8, 8), 10), 0);
	assert_int_equal(fake_tx[1].nexthop, GW);
	assert_int_equal(ip_route_add(ip4(8, 8, 8, 0), 24, ip4(10, 0, 0, 253), NULL), 0);
	assert_false(rt_valid(&sk.sk_dst));
	assert_int_equal(send_to(&sk, ip4(8, 8, 8, 8), 10), 0);
	assert_int_equal(fake_tx[2].nexthop, ip4(10, 0, 0, 253));
	assert_true(rt_valid(&sk.sk_dst));
	/* Another destination: a fresh lookup. */
	assert_int_equal(send_to(&sk, PEER, 10), 0);
	assert_int_equal(fake_tx[3].nexthop, PEER);
	/* The sysctl default TTL when the socket has none. */
	sk.ttl = 0;
	sysctl_ip_default_ttl = 33;
	assert_int_equal(send_to(&sk, PEER, 10), 0);
	assert_int_equal(tx_iph(4)->ttl, 33);
}

static void test_broadcast_and_multicast(void **state)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	const struct ethhdr *eth;

	(void)state;
	assert_int_equal(send_to(NULL, ip4(10, 0, 0, 255), 10), 0);
	assert_int_equal(send_to(NULL, ip4(224, 0, 0, 251), 10), 0);
	assert_int_equal(fake_tx[0].path, FAKE_TX_DEV);
	eth = (const struct ethhdr *)fake_tx[0].skb->data;
	assert_memory_equal(eth->h_dest, bcast, ETH_ALEN);
	assert_memory_equal(eth->h_source, fake_eth0.dev_addr, ETH_ALEN);
	assert_int_equal(eth->h_proto, htons(ETH_P_IP));
	eth = (const struct ethhdr *)fake_tx[1].skb->data;
	assert_memory_equal(eth->h_dest, mcast, ETH_ALEN);
	assert_int_equal(tx_iph(1)->ttl, 1);
	assert_int_equal(mib("IpExtOutBcastPkts"), 1);
	assert_int_equal(mib("IpExtOutMcastPkts"), 1);
}

static void test_dhcp_broadcast_without_address(void **state)
{
	(void)state;
	ipv4_fakes_reset();
	assert_int_equal(send_to(NULL, htonl(0xFFFFFFFFu), 300), 0);
	assert_int_equal(fake_tx[0].path, FAKE_TX_DEV);
	assert_int_equal(tx_iph(0)->saddr, 0);
	assert_int_equal(tx_iph(0)->daddr, htonl(0xFFFFFFFFu));
	assert_int_equal(ip_fast_csum(tx_iph(0), 5), 0);
}

static void test_drops(void **state)
{
	struct nf_rule r;
	struct sock sk;
	struct sk_buff *skb;
	struct flowi4 fl = { .daddr = PEER, .proto = IPPROTO_UDP };

	(void)state;
	assert_int_equal(ip_route_del(0, 0, 0), 0);
	assert_int_equal(send_to(NULL, ip4(8, 8, 8, 8), 10), -ENETUNREACH);
	assert_int_equal(mib("IpOutNoRoutes"), 1);

	/* DF and larger than the MTU: the sender hears EMSGSIZE. */
	memset(&sk, 0, sizeof(sk));
	sk.pmtudisc = true;
	assert_int_equal(send_to(&sk, PEER, 1481), -EMSGSIZE);
	assert_int_equal(mib("IpFragFails"), 1);
	assert_int_equal(send_to(&sk, PEER, 1480), 0);
	/* A lowered path MTU counts. */
	ip_rt_update_pmtu(PEER, 1000);
	assert_int_equal(send_to(&sk, PEER, 1000), -EMSGSIZE);
	assert_int_equal(send_to(&sk, PEER, 980), 0);

	assert_int_equal(send_to(NULL, US, 10), -ENETUNREACH);
	assert_int_equal(mib("IpOutNoLoopback"), 1);

	fake_neigh_full = true;
	assert_int_equal(send_to(NULL, PEER, 10), -ENOBUFS);
	assert_int_equal(mib("IpOutNoNeigh"), 1);
	fake_neigh_full = false;

	fake_xmit_rc = NET_XMIT_DROP;
	assert_int_equal(send_to(NULL, PEER, 10), -ENOBUFS);
	fake_xmit_rc = 0;

	assert_int_equal(nf_rule_parse("local_out:drop:udp", &r), 0);
	assert_int_equal(nf_rule_add(&r), 0);
	assert_int_equal(send_to(NULL, PEER, 10), -EPERM);
	assert_int_equal(nf_rule_parse("post_routing:drop:tcp", &r), 0);
	assert_int_equal(nf_rule_add(&r), 0);
	fl.proto = IPPROTO_TCP;
	assert_int_equal(ip_queue_xmit(NULL, segment(10), &fl), -EPERM);
	assert_int_equal(mib("IpOutFiltered"), 2);
	assert_int_equal(mib("IpOutDiscards"), 6);

	skb = alloc_skb_tx(IP_MAX_PACKET);
	assert_non_null(skb_put(skb, IP_MAX_PACKET - 19));
	fl.proto = IPPROTO_ICMP;
	assert_int_equal(ip_queue_xmit(NULL, skb, &fl), -EMSGSIZE);
}

static void test_fragment_or_gso(void **state)
{
	struct sk_buff *skb;
	struct flowi4 fl = { .daddr = PEER, .proto = IPPROTO_TCP };

	(void)state;
	/* Not DF: split into fragments of at most the MTU. */
	assert_int_equal(send_to(NULL, PEER, 3000), 0);
	assert_int_equal(fake_tx_count, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_true(fake_tx[i].skb->len <= 1500);
		assert_int_equal(fake_tx[i].nexthop, PEER);
		assert_int_equal(ip_fast_csum(tx_iph(i), 5), 0);
	}
	assert_int_equal(mib("IpFragOKs"), 1);
	assert_int_equal(mib("IpFragCreates"), 3);
	/* GSO: left whole for the NIC to segment. */
	skb = segment(5000);
	skb->gso_size = 1448;
	skb->gso_segs = 4;
	assert_int_equal(ip_queue_xmit(NULL, skb, &fl), 0);
	assert_int_equal(fake_tx_count, 4);
	assert_int_equal(fake_tx[3].skb->len, 5020);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gateway_and_socket_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast_and_multicast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_broadcast_without_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_or_gso, setup, teardown),
	};

	return cmocka_run_group_tests(tests, ipv4_group_setup, ipv4_group_teardown);
}
