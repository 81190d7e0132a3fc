/* ICMP against a capturing ip_queue_xmit: echo replies byte for byte at many
 * sizes, in place or copied; the error messages' contents; RFC 1122's "never
 * send" cases; Linux's two rate limits; errors received handed to the quoted
 * protocol; frag-needed lowering the path MTU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "fake_inet.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/protocol.h"
#include "net/udp_hdr.h"

static int setup(void **state)
{
	(void)state;
	fake_inet_reset();
	memset(&icmp_mib, 0, sizeof(icmp_mib));
	sysctl_icmp_msgs_per_sec = 1000;
	sysctl_icmp_msgs_burst = 50;
	sysctl_icmp_ratelimit = 1000;
	sysctl_icmp_ratemask = 6168;
	sysctl_icmp_echo_ignore_broadcasts = 1;
	fake_jiffies = 100000;
	icmp_init();
	test_skb_mark();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_inet_reset();
	test_skb_assert_all_freed();
	return 0;
}

/* An echo request of size payload bytes, pattern seeded by size. */
static struct sk_buff *echo_request(uint32_t size, uint8_t **expect)
{
	uint8_t *msg = malloc(8 + size);
	struct icmphdr *h = (struct icmphdr *)msg;
	struct sk_buff *skb;

	h->type = ICMP_ECHO;
	h->code = 0;
	h->checksum = 0;
	h->un.echo.id = htons(0xBEEF);
	h->un.echo.sequence = htons((uint16_t)size);
	for (uint32_t i = 0; i < size; i++)
		msg[8 + i] = (uint8_t)(i * 7 + size);
	h->checksum = csum_fold(csum_partial(msg, 8 + size, 0));
	skb = fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, msg, 8 + size);
	/* What the reply must be: type 0, checksum over the new bytes. */
	h->type = ICMP_ECHOREPLY;
	h->checksum = 0;
	h->checksum = csum_fold(csum_partial(msg, 8 + size, 0));
	*expect = msg;
	return skb;
}

static void test_echo_reply_sizes(void **state)
{
	static const uint32_t sizes[] = { 0, 1, 7, 56, 57, 1472, 1473, 8000, 65507 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *expect;
		struct sk_buff *skb = echo_request(sizes[i], &expect);
		struct fake_xmit *x;

		icmp_rcv(skb);
		assert_int_equal(fake_nxmit, 1);
		x = &fake_xmits[0];
		/* In place: the request's own skb goes back out. */
		assert_ptr_equal(x->skb, skb);
		assert_null(x->sk);
		assert_int_equal(x->fl.saddr, FAKE_LOCAL);
		assert_int_equal(x->fl.daddr, FAKE_PEER);
		assert_int_equal(x->fl.proto, IPPROTO_ICMP);
		assert_int_equal(x->skb->len, 8 + sizes[i]);
		assert_memory_equal(x->skb->data, expect, 8 + sizes[i]);
		assert_int_equal(x->skb->ip_summed, CHECKSUM_NONE);
		assert_int_equal(csum_fold(csum_partial(x->skb->data, x->skb->len, 0)), 0);
		free(expect);
		fake_xmit_free();
	}
	assert_int_equal(icmp_mib.in_echos, ARRAY_SIZE(sizes));
	assert_int_equal(icmp_mib.out_echo_reps, ARRAY_SIZE(sizes));
	assert_int_equal(icmp_mib.in_type[ICMP_ECHO], ARRAY_SIZE(sizes));
	assert_int_equal(icmp_mib.out_type[ICMP_ECHOREPLY], ARRAY_SIZE(sizes));
	assert_int_equal(icmp_mib.out_msgs, ARRAY_SIZE(sizes));
}

/* All-zero id, sequence and data (found by the fuzzer): the updated sum must
 * be 0xFFFF, since 0x0000 fails the receiver's check. */
static void test_echo_reply_zero_message(void **state)
{
	uint8_t msg[8] = { ICMP_ECHO };
	struct icmphdr *h = (struct icmphdr *)msg;
	struct fake_xmit *x;

	(void)state;
	h->checksum = csum_fold(csum_partial(msg, sizeof(msg), 0));
	icmp_rcv(fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, msg, sizeof(msg)));
	assert_int_equal(fake_nxmit, 1);
	x = &fake_xmits[0];
	assert_int_equal(x->skb->data[0], ICMP_ECHOREPLY);
	assert_int_equal(((struct icmphdr *)x->skb->data)->checksum, 0xFFFF);
	assert_int_equal(csum_fold(csum_partial(x->skb->data, x->skb->len, 0)), 0);
}

/* A request whose buffer is shared (a clone elsewhere) is answered from a new
 * skb: the other holder's bytes stay as they were. */
static void test_echo_reply_cloned_copies(void **state)
{
	uint8_t *expect;
	struct sk_buff *skb = echo_request(100, &expect);
	struct sk_buff *other = skb_clone(skb);

	(void)state;
	assert_non_null(other);
	icmp_rcv(skb);
	assert_int_equal(fake_nxmit, 1);
	assert_ptr_not_equal(fake_xmits[0].skb, other);
	assert_memory_equal(fake_xmits[0].skb->data, expect, 108);
	assert_int_equal(other->data[0], ICMP_ECHO);
	assert_true(skb_headroom(fake_xmits[0].skb) >= MAX_HEADER);
	kfree_skb(other);
	free(expect);
}

static void test_echo_broadcast_ignored(void **state)
{
	uint8_t *expect;
	struct sk_buff *skb = echo_request(56, &expect);

	(void)state;
	fake_iph(skb)->daddr = FAKE_BCAST;
	icmp_rcv(skb);
	assert_int_equal(fake_nxmit, 0);
	assert_int_equal(icmp_mib.in_bcast_ignored, 1);
	assert_int_equal(icmp_mib.in_errors, 1);
	free(expect);
}

static void test_bad_icmp_dropped(void **state)
{
	uint8_t *expect;
	struct sk_buff *skb = echo_request(56, &expect);
	uint8_t shortmsg[4] = { 8, 0, 0, 0 };

	(void)state;
	skb->data[20] ^= 0x55;		/* payload byte: checksum now wrong */
	icmp_rcv(skb);
	assert_int_equal(fake_nxmit, 0);
	assert_int_equal(icmp_mib.in_csum_errors, 1);
	assert_int_equal(icmp_mib.in_errors, 1);

	icmp_rcv(fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, shortmsg, sizeof(shortmsg)));
	assert_int_equal(icmp_mib.in_errors, 2);
	assert_int_equal(icmp_mib.in_msgs, 2);

	/* The NIC's verdict is trusted as given. */
	free(expect);
	skb = echo_request(56, &expect);
	skb->data[20] ^= 0x55;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	icmp_rcv(skb);
	assert_int_equal(fake_nxmit, 1);
	free(expect);
}

/* A UDP datagram to a closed port, with 20 payload bytes. */
static struct sk_buff *udp_packet(be32 saddr, be32 daddr)
{
	uint8_t dgram[28];
	struct udphdr *uh = (struct udphdr *)dgram;

	for (size_t i = 0; i < sizeof(dgram); i++)
		dgram[i] = (uint8_t)(0xA0 + i);
	uh->source = htons(40000);
	uh->dest = htons(9999);
	uh->len = htons(sizeof(dgram));
	uh->check = 0;
	return fake_rx_packet(saddr, daddr, IPPROTO_UDP, dgram, sizeof(dgram));
}

static void check_error(uint8_t type, uint8_t code, be32 info)
{
	struct sk_buff *in = udp_packet(FAKE_PEER, FAKE_LOCAL);
	const struct icmphdr *h;
	struct fake_xmit *x;

	icmp_send(in, type, code, info);
	assert_int_equal(fake_nxmit, 1);
	x = &fake_xmits[0];
	h = (const struct icmphdr *)x->skb->data;
	assert_int_equal(x->skb->len, 8 + 20 + 8);
	assert_int_equal(h->type, type);
	assert_int_equal(h->code, code);
	assert_int_equal(h->un.gateway, info);
	/* The IP header and the first 8 bytes of the datagram, as received. */
	assert_memory_equal(h + 1, skb_network_header(in), 28);
	assert_int_equal(csum_fold(csum_partial(h, x->skb->len, 0)), 0);
	assert_int_equal(x->fl.daddr, FAKE_PEER);
	assert_int_equal(x->fl.saddr, FAKE_LOCAL);
	assert_int_equal(x->fl.proto, IPPROTO_ICMP);
	assert_int_equal(x->fl.tos, 0xC0);
	assert_true(skb_headroom(x->skb) >= MAX_HEADER);
	kfree_skb(in);
	fake_xmit_free();
}

static void test_error_contents(void **state)
{
	(void)state;
	check_error(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	check_error(ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	check_error(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
	check_error(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(1400));
	assert_int_equal(icmp_mib.out_dest_unreachs, 3);
	assert_int_equal(icmp_mib.out_time_excds, 1);
	assert_int_equal(icmp_mib.out_type[ICMP_DEST_UNREACH], 3);
	assert_int_equal(icmp_mib.out_msgs, 4);
}

/* Less than 8 bytes after the header: all there is, is quoted. */
static void test_error_short_quote(void **state)
{
	uint8_t two[2] = { 1, 2 };
	struct sk_buff *in = fake_rx_packet(FAKE_PEER, FAKE_LOCAL, 200, two, sizeof(two));

	(void)state;
	icmp_send(in, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	assert_int_equal(fake_nxmit, 1);
	assert_int_equal(fake_xmits[0].skb->len, 8 + 22);
	assert_memory_equal(fake_xmits[0].skb->data + 8, skb_network_header(in), 22);
	kfree_skb(in);
}

static void expect_suppressed(struct sk_buff *in, uint64_t *count)
{
	icmp_send(in, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	assert_int_equal(fake_nxmit, 0);
	assert_int_equal(icmp_mib.out_suppressed, ++*count);
	kfree_skb(in);
}

static void test_rfc1122_never_send(void **state)
{
	uint64_t n = 0;
	struct sk_buff *in;
	uint8_t err_msg[36] = { ICMP_DEST_UNREACH, 3 };
	uint8_t echo_msg[8] = { ICMP_ECHO };

	(void)state;
	expect_suppressed(udp_packet(FAKE_PEER, FAKE_BCAST), &n);
	expect_suppressed(udp_packet(FAKE_PEER, 0xFFFFFFFFu), &n);
	expect_suppressed(udp_packet(FAKE_PEER, HTONL_C(0xE0000001u)), &n);
	expect_suppressed(udp_packet(0, FAKE_LOCAL), &n);
	expect_suppressed(udp_packet(FAKE_BCAST, FAKE_LOCAL), &n);
	expect_suppressed(udp_packet(HTONL_C(0xE0000001u), FAKE_LOCAL), &n);
	expect_suppressed(udp_packet(HTONL_C(0x7F000001u), FAKE_LOCAL), &n);
	in = udp_packet(FAKE_PEER, FAKE_LOCAL);
	in->pkt_type = PACKET_BROADCAST;
	expect_suppressed(in, &n);
	in = udp_packet(FAKE_PEER, FAKE_LOCAL);
	fake_iph(in)->frag_off = htons(185);	/* not the first fragment */
	expect_suppressed(in, &n);
	expect_suppressed(fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, err_msg,
					 sizeof(err_msg)), &n);
	/* About an echo request (not an error) is fine, and a first fragment too. */
	in = fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, echo_msg, sizeof(echo_msg));
	icmp_send(in, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	kfree_skb(in);
	in = udp_packet(FAKE_PEER, FAKE_LOCAL);
	fake_iph(in)->frag_off = htons(IP_MF);
	icmp_send(in, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	kfree_skb(in);
	assert_int_equal(fake_nxmit, 2);
}

static void send_unreach_from(be32 src)
{
	struct sk_buff *in = udp_packet(src, FAKE_LOCAL);

	icmp_send(in, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	kfree_skb(in);
}

static void test_rate_limit_global(void **state)
{
	(void)state;
	/* Distinct sources: only the global bucket (50 deep) limits. */
	for (uint32_t i = 0; i < 60; i++)
		send_unreach_from(htonl(0x0A010000u + i));
	assert_int_equal(fake_nxmit, 50);
	assert_int_equal(icmp_mib.out_rate_limit_global, 10);
	fake_xmit_free();
	/* 1000 per second: 10 ms earn 10 messages. */
	fake_jiffies += 10;
	for (uint32_t i = 0; i < 20; i++)
		send_unreach_from(htonl(0x0A020000u + i));
	assert_int_equal(fake_nxmit, 10);
	assert_int_equal(icmp_mib.out_rate_limit_global, 20);
	fake_xmit_free();
	/* The refill stops at the burst. */
	fake_jiffies += 100000;
	for (uint32_t i = 0; i < 60; i++)
		send_unreach_from(htonl(0x0A030000u + i));
	assert_int_equal(fake_nxmit, 50);
}

static void test_rate_limit_per_host(void **state)
{
	(void)state;
	/* XRLIM_BURST_FACTOR (6) at once, then one per icmp_ratelimit. */
	for (int i = 0; i < 10; i++)
		send_unreach_from(FAKE_PEER);
	assert_int_equal(fake_nxmit, 6);
	assert_int_equal(icmp_mib.out_rate_limit_host, 4);
	fake_jiffies += 999;
	send_unreach_from(FAKE_PEER);
	assert_int_equal(fake_nxmit, 6);
	fake_jiffies += 1;
	send_unreach_from(FAKE_PEER);
	send_unreach_from(FAKE_PEER);
	assert_int_equal(fake_nxmit, 7);
	assert_int_equal(icmp_mib.out_rate_limit_host, 6);
	/* Another host has its own bucket. */
	send_unreach_from(HTONL_C(0x0A000003u));
	assert_int_equal(fake_nxmit, 8);
	fake_xmit_free();

	/* Types outside the mask, and frag-needed, are never limited. */
	for (int i = 0; i < 10; i++) {
		struct sk_buff *in = udp_packet(FAKE_PEER, FAKE_LOCAL);

		icmp_send(in, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(1400));
		kfree_skb(in);
	}
	assert_int_equal(fake_nxmit, 10);
	fake_xmit_free();
	sysctl_icmp_ratemask = 0;
	for (int i = 0; i < 10; i++)
		send_unreach_from(FAKE_PEER);
	assert_int_equal(fake_nxmit, 10);
}

static void test_echo_replies_not_limited(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++) {
		uint8_t *expect;

		icmp_rcv(echo_request(56, &expect));
		free(expect);
		if (fake_nxmit == FAKE_XMIT_MAX)
			fake_xmit_free();
	}
	assert_int_equal(icmp_mib.out_echo_reps, 100);
	assert_int_equal(icmp_mib.out_rate_limit_global + icmp_mib.out_rate_limit_host, 0);
}

/* ---- errors received ---- */

static struct {
	int calls;
	uint8_t type, code;
	uint32_t info;
	uint8_t first[28];
} fake_err;

static void fake_udp_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info)
{
	fake_err.calls++;
	fake_err.type = type;
	fake_err.code = code;
	fake_err.info = info;
	memcpy(fake_err.first, skb->data, sizeof(fake_err.first));
}

static int fake_udp_rcv(struct sk_buff *skb)
{
	kfree_skb(skb);
	return 0;
}

static const struct net_protocol fake_udp = { .handler = fake_udp_rcv, .err_handler = fake_udp_err };

/* An ICMP error from the peer quoting a datagram we sent it. */
static struct sk_buff *icmp_error_in(uint8_t type, uint8_t code, uint16_t mtu, uint32_t quote_len)
{
	uint8_t msg[8 + 20 + 8];
	struct icmphdr *h = (struct icmphdr *)msg;
	struct iphdr *q = (struct iphdr *)(msg + 8);

	memset(msg, 0, sizeof(msg));
	h->type = type;
	h->code = code;
	h->un.frag.mtu = htons(mtu);
	*q = (struct iphdr){ .ihl_version = 0x45, .tot_len = htons(36), .ttl = 64,
			     .protocol = IPPROTO_UDP, .saddr = FAKE_LOCAL, .daddr = FAKE_FAR };
	for (int i = 0; i < 8; i++)
		msg[28 + i] = (uint8_t)(0x30 + i);
	h->checksum = csum_fold(csum_partial(msg, 8 + quote_len, 0));
	return fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, msg, 8 + quote_len);
}

static void test_errors_to_protocol(void **state)
{
	(void)state;
	memset(&fake_err, 0, sizeof(fake_err));
	inet_add_protocol(&fake_udp, IPPROTO_UDP);

	icmp_rcv(icmp_error_in(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 28));
	assert_int_equal(fake_err.calls, 1);
	assert_int_equal(fake_err.type, ICMP_DEST_UNREACH);
	assert_int_equal(fake_err.code, ICMP_PORT_UNREACH);
	/* Data at the quoted IP header. */
	assert_int_equal(fake_err.first[0], 0x45);
	assert_int_equal(fake_err.first[20], 0x30);
	assert_int_equal(icmp_mib.in_dest_unreachs, 1);

	icmp_rcv(icmp_error_in(ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, 28));
	assert_int_equal(fake_err.calls, 2);
	assert_int_equal(icmp_mib.in_time_excds, 1);

	/* Frag-needed: the path MTU drops, and the protocol hears the MTU. */
	icmp_rcv(icmp_error_in(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1280, 28));
	assert_int_equal(fake_err.calls, 3);
	assert_int_equal(fake_err.info, 1280);
	assert_int_equal(fake_pmtu_daddr, FAKE_FAR);
	assert_int_equal(fake_pmtu_value, 1280);

	/* A quote without its 8 transport bytes is not passed on. */
	icmp_rcv(icmp_error_in(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 24));
	assert_int_equal(fake_err.calls, 3);
	assert_int_equal(icmp_mib.in_bad_quote, 1);
	assert_int_equal(icmp_mib.in_errors, 1);
	inet_add_protocol(NULL, IPPROTO_UDP);
}

static struct {
	int calls;
	uint16_t seq;
	uint8_t ttl;
	uint32_t len;
} heard;

static void listener(const struct sk_buff *skb, const struct iphdr *iph, const struct icmphdr *h)
{
	heard.calls++;
	heard.seq = ntohs(h->un.echo.sequence);
	heard.ttl = iph->ttl;
	heard.len = skb->len;
}

static void test_echo_reply_listener(void **state)
{
	uint8_t msg[8 + 56] = { ICMP_ECHOREPLY, 0 };
	struct icmphdr *h = (struct icmphdr *)msg;

	(void)state;
	memset(&heard, 0, sizeof(heard));
	h->un.echo.id = htons(77);
	h->un.echo.sequence = htons(5);
	h->checksum = csum_fold(csum_partial(msg, sizeof(msg), 0));
	assert_true(icmp_set_echo_reply_listener(listener));
	assert_false(icmp_set_echo_reply_listener(listener));
	icmp_rcv(fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, msg, sizeof(msg)));
	assert_int_equal(heard.calls, 1);
	assert_int_equal(heard.seq, 5);
	assert_int_equal(heard.ttl, 64);
	assert_int_equal(heard.len, 64);
	icmp_clear_echo_reply_listener(listener);
	icmp_rcv(fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_ICMP, msg, sizeof(msg)));
	assert_int_equal(heard.calls, 1);
	assert_int_equal(icmp_mib.in_echo_reps, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_reply_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reply_zero_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reply_cloned_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_broadcast_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_icmp_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_short_quote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc1122_never_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_global, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit_per_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_replies_not_limited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_to_protocol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reply_listener, setup, teardown),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup, test_skb_arena_group_teardown);
}
