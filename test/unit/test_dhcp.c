/* The DHCP client against a scripted server (dhcp_fixture.h): one scenario a
 * test, every message the client sends checked field by field. */
#include <errno.h>
#include <string.h>
#include "dhcp_fixture.h"

/* ---- tests ----------------------------------------------------------------------------- */

static void test_full_exchange(void **state)
{
	struct reply r;
	uint32_t xid;

	(void)state;
	assert_int_equal(dhcp_client_next_timer(&client), UINT64_MAX);
	dhcp_client_start(&client, 1 * SEC);
	assert_int_equal(n_sent, 1);
	xid = client.xid;
	check_discover(&sent[0], xid);
	assert_int_equal(ntohs(last_msg()->secs), 0);
	assert_int_equal(client.state, DHCP_SELECTING);
	assert_true(in_dev.accept_any_unicast);

	r = slirp(DHCPOFFER, 86400);
	feed(&r, 1 * SEC + 2500);
	assert_int_equal(client.state, DHCP_REQUESTING);
	assert_int_equal(n_sent, 2);
	check_select_request(&sent[1], xid, OFFERED, SERVER);
	assert_int_equal(ntohs(last_msg()->secs), 2);
	assert_int_equal(n_addr_calls, 0);

	r = slirp(DHCPACK, 86400);
	feed(&r, 1 * SEC + 2600);
	assert_int_equal(client.state, DHCP_BOUND);
	assert_true(dhcp_client_bound(&client));
	assert_int_equal(n_sent, 2);
	assert_int_equal(n_addr_calls, 1);
	assert_true(addr_calls[0].add);
	assert_int_equal(addr_calls[0].addr, OFFERED);
	assert_int_equal(addr_calls[0].plen, 24);
	assert_true(addr_calls[0].dynamic);
	assert_int_equal(n_route_calls, 1);
	assert_true(route_calls[0].add);
	assert_int_equal(route_calls[0].dst, 0);
	assert_int_equal(route_calls[0].plen, 0);
	assert_int_equal(route_calls[0].gw, SERVER);
	assert_false(in_dev.accept_any_unicast);
	assert_non_null(strstr(printk_capture,
		"dhcp: eth0: leased 10.0.2.15/24 from 10.0.2.2, router 10.0.2.2, lease 86400 s\n"));

	/* Lease times run from the REQUEST (t = 3.5 s): T1 = 43200 s, T2 = 75600 s. */
	assert_int_equal(dhcp_client_next_timer(&client), 3500 + 43200 * SEC);
	assert_int_equal(client.t2_ms, 3500 + 75600 * SEC);
	assert_int_equal(client.expiry_ms, 3500 + 86400 * SEC);
	assert_int_equal(lifetime_addr, OFFERED);
	assert_int_equal(lifetime_until, client.expiry_ms);
	assert_int_equal(dhcp_stats.discovers, 1);
	assert_int_equal(dhcp_stats.offers, 1);
	assert_int_equal(dhcp_stats.requests, 1);
	assert_int_equal(dhcp_stats.acks, 1);
	assert_int_equal(dhcp_stats.bad_packets, 0);

	/* Nothing happens before T1. */
	dhcp_client_timer(&client, 3500 + 43200 * SEC - 1);
	assert_int_equal(n_sent, 2);
}

static void test_backoff(void **state)
{
	static const uint64_t base[] = { 4, 8, 16, 32, 64, 64, 64 };
	uint64_t now = 0;
	uint32_t xid;

	(void)state;
	dhcp_client_start(&client, now);
	xid = client.xid;
	for (size_t i = 0; i < ARRAY_SIZE(base); i++) {
		uint64_t next = dhcp_client_next_timer(&client);

		assert_true(next >= now + base[i] * SEC - 1000);
		assert_true(next <= now + base[i] * SEC + 1000);
		/* Not a moment early. */
		dhcp_client_timer(&client, next - 1);
		assert_int_equal(n_sent, (int)i + 1);
		dhcp_client_timer(&client, next);
		assert_int_equal(n_sent, (int)i + 2);
		check_discover(&sent[i + 1], xid);
		assert_int_equal(ntohs(last_msg()->secs), next / 1000);
		now = next;
	}
	assert_int_equal(dhcp_stats.discovers, ARRAY_SIZE(base) + 1);
	assert_int_equal(client.state, DHCP_SELECTING);
}

static void test_jitter_varies(void **state)
{
	uint64_t seen_low = 0, seen_high = 0;

	(void)state;
	/* Over many boots, the first retry spreads over 3..5 s. */
	for (uint64_t seed = 1; seed <= 200; seed++) {
		uint64_t next;

		dhcp_client_init(&client, &dev, &fake_ops, seed);
		n_sent = 0;
		dhcp_client_start(&client, 0);
		next = dhcp_client_next_timer(&client);
		assert_true(next >= 3000 && next <= 5000);
		seen_low += next < 3500;
		seen_high += next > 4500;
	}
	assert_true(seen_low > 0 && seen_high > 0);
}

static void test_request_retries_then_restart(void **state)
{
	struct reply r;
	uint32_t xid;
	uint64_t next = 0;

	(void)state;
	dhcp_client_start(&client, 0);
	xid = client.xid;
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 100);
	assert_int_equal(n_sent, 2);
	for (int i = 1; i < DHCP_REQUEST_TRIES; i++) {
		next = dhcp_client_next_timer(&client);
		dhcp_client_timer(&client, next);
		assert_int_equal(n_sent, 2 + i);
		check_select_request(&sent[n_sent - 1], xid, OFFERED, SERVER);
	}
	next = dhcp_client_next_timer(&client);
	dhcp_client_timer(&client, next);
	assert_int_equal(client.state, DHCP_SELECTING);
	assert_int_not_equal(client.xid, xid);
	check_discover(&sent[n_sent - 1], client.xid);
	assert_int_equal(ntohs(last_msg()->secs), 0);
}

static void test_nak_while_requesting(void **state)
{
	struct reply r;
	uint32_t xid;

	(void)state;
	dhcp_client_start(&client, 0);
	xid = client.xid;
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 100);
	r = slirp(DHCPNAK, 0);
	r.yiaddr = 0;
	r.no_mask = true;
	r.message = "address in use\x01";
	feed(&r, 200);
	assert_int_equal(client.state, DHCP_INIT);
	assert_int_equal(n_addr_calls, 0);
	assert_int_equal(dhcp_stats.naks, 1);
	assert_non_null(strstr(printk_capture,
			       "dhcp: eth0: NAK from 10.0.2.2: address in use?; starting over\n"));
	/* Restart after 1 s with a new exchange. */
	assert_int_equal(dhcp_client_next_timer(&client), 1200);
	dhcp_client_timer(&client, 1199);
	assert_int_equal(n_sent, 2);
	dhcp_client_timer(&client, 1200);
	assert_int_equal(n_sent, 3);
	assert_int_not_equal(client.xid, xid);
	check_discover(&sent[2], client.xid);

	/* A second NAK in a row waits twice as long. */
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 1300);
	r = slirp(DHCPNAK, 0);
	feed(&r, 1400);
	assert_int_equal(dhcp_client_next_timer(&client), 3400);
}

static void test_nak_from_other_server_ignored(void **state)
{
	struct reply r;

	(void)state;
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 100);
	r = slirp(DHCPNAK, 0);
	r.server = IP(10, 0, 2, 99);
	feed(&r, 200);
	assert_int_equal(client.state, DHCP_REQUESTING);
	assert_int_equal(dhcp_stats.unexpected, 1);
	r = slirp(DHCPACK, 3600);
	r.server = IP(10, 0, 2, 99);
	feed(&r, 200);
	assert_int_equal(client.state, DHCP_REQUESTING);
	assert_int_equal(dhcp_stats.unexpected, 2);
}

static void test_renew_at_t1(void **state)
{
	struct reply r;
	uint32_t old_xid;
	uint64_t t1;

	(void)state;
	bind_at_1s(1000);
	old_xid = client.xid;
	t1 = 1 * SEC + 5 + 500 * SEC;	/* the REQUEST went out at 1.005 s */
	assert_int_equal(dhcp_client_next_timer(&client), t1);
	dhcp_client_timer(&client, t1 - 1);
	assert_int_equal(n_sent, 0);
	dhcp_client_timer(&client, t1);
	assert_int_equal(client.state, DHCP_RENEWING);
	assert_int_equal(n_sent, 1);
	assert_int_not_equal(client.xid, old_xid);
	check_renew_request(&sent[0], client.xid, SERVER, OFFERED);
	assert_int_equal(dhcp_stats.renewals, 1);

	r = slirp(DHCPACK, 1000);
	feed(&r, t1 + 50);
	assert_int_equal(client.state, DHCP_BOUND);
	/* Same address: nothing removed or added again. */
	assert_int_equal(n_addr_calls, 0);
	assert_int_equal(n_route_calls, 0);
	assert_non_null(strstr(printk_capture, "dhcp: eth0: renewed 10.0.2.15/24"));
	/* The new lease counts from the renewing REQUEST. */
	assert_int_equal(dhcp_client_next_timer(&client), t1 + 500 * SEC);
	assert_int_equal(client.expiry_ms, t1 + 1000 * SEC);
}

static void test_rebind_at_t2_then_expiry(void **state)
{
	uint64_t start = 1 * SEC + 5, t1 = start + 500 * SEC, t2 = start + 875 * SEC;
	uint64_t expiry = start + 1000 * SEC, next, prev = t1;
	uint32_t xid;

	(void)state;
	bind_at_1s(1000);
	dhcp_client_timer(&client, t1);
	/* Unanswered renewals: after half the time left to T2, at least 60 s:
	 * 500 -> 687.5 -> 781.25 -> 841.25 s, then T2 at 875 s. */
	for (int i = 0; i < 10 && client.state == DHCP_RENEWING; i++) {
		next = dhcp_client_next_timer(&client);
		assert_true(next <= t2);
		if (next < t2)
			assert_true(next >= prev + 60 * SEC);
		dhcp_client_timer(&client, next);
		prev = next;
	}
	assert_int_equal(client.state, DHCP_REBINDING);
	assert_int_equal(n_sent, 5);
	assert_int_equal(sent[1].daddr, SERVER);
	xid = ntohl(((const struct dhcp_msg *)sent[0].buf)->xid);
	for (int i = 0; i < 4; i++)
		check_renew_request(&sent[i], xid, SERVER, OFFERED);
	check_renew_request(&sent[4], client.xid, BCAST, OFFERED);
	assert_int_equal(dhcp_stats.renewals, 1);
	assert_int_equal(dhcp_stats.rebinds, 1);

	/* Unanswered rebinding, the same rule toward expiry: 937.5, 997.5 s;
	 * then expiry at 1000 s gives it all up. */
	xid = client.xid;
	next = dhcp_client_next_timer(&client);
	assert_int_equal(next, t2 + 62500);
	dhcp_client_timer(&client, next);
	next = dhcp_client_next_timer(&client);
	assert_int_equal(next, t2 + 122500);
	dhcp_client_timer(&client, next);
	assert_int_equal(n_sent, 7);
	check_renew_request(&sent[6], xid, BCAST, OFFERED);
	assert_int_equal(dhcp_client_next_timer(&client), expiry);
	assert_int_equal(n_addr_calls, 0);
	dhcp_client_timer(&client, expiry - 1);
	assert_true(dhcp_client_bound(&client));
	dhcp_client_timer(&client, expiry);
	assert_int_equal(dhcp_stats.expiries, 1);
	assert_false(dhcp_client_bound(&client));
	assert_int_equal(n_route_calls, 1);
	assert_false(route_calls[0].add);
	assert_int_equal(route_calls[0].gw, SERVER);
	assert_int_equal(n_addr_calls, 1);
	assert_false(addr_calls[0].add);
	assert_int_equal(addr_calls[0].addr, OFFERED);
	assert_int_equal(addr_calls[0].plen, 24);
	assert_true(in_dev.accept_any_unicast);
	/* Straight back to discovery, with a new exchange. */
	assert_int_equal(client.state, DHCP_SELECTING);
	assert_int_equal(n_sent, 8);
	check_discover(&sent[7], client.xid);
	assert_int_not_equal(client.xid, xid);
	assert_non_null(strstr(printk_capture, "lease of 10.0.2.15 expired"));
}

static void test_rebind_ack_from_other_server(void **state)
{
	uint64_t t2 = 1 * SEC + 5 + 875 * SEC;
	struct reply r;

	(void)state;
	bind_at_1s(1000);
	dhcp_client_timer(&client, t2);
	assert_int_equal(client.state, DHCP_REBINDING);
	r = slirp(DHCPACK, 2000);
	r.server = IP(10, 0, 2, 3);
	r.router = IP(10, 0, 2, 1);
	feed(&r, t2 + 10);
	assert_int_equal(client.state, DHCP_BOUND);
	assert_int_equal(client.lease.server, IP(10, 0, 2, 3));
	/* Same address kept; the default route follows the new router. */
	assert_int_equal(n_addr_calls, 0);
	assert_int_equal(n_route_calls, 2);
	assert_false(route_calls[0].add);
	assert_int_equal(route_calls[0].gw, SERVER);
	assert_true(route_calls[1].add);
	assert_int_equal(route_calls[1].gw, IP(10, 0, 2, 1));
}

static void test_nak_while_renewing_drops_address(void **state)
{
	uint64_t t1 = 1 * SEC + 5 + 500 * SEC;
	struct reply r;

	(void)state;
	bind_at_1s(1000);
	dhcp_client_timer(&client, t1);
	r = slirp(DHCPNAK, 0);
	feed(&r, t1 + 10);
	assert_int_equal(client.state, DHCP_INIT);
	assert_false(dhcp_client_bound(&client));
	assert_int_equal(n_addr_calls, 1);
	assert_false(addr_calls[0].add);
	assert_int_equal(n_route_calls, 1);
	assert_false(route_calls[0].add);
	assert_true(in_dev.accept_any_unicast);
}

static void test_address_changes_on_renewal(void **state)
{
	uint64_t t1 = 1 * SEC + 5 + 500 * SEC;
	struct reply r;

	(void)state;
	bind_at_1s(1000);
	dhcp_client_timer(&client, t1);
	r = slirp(DHCPACK, 1000);
	r.yiaddr = IP(10, 0, 2, 16);
	feed(&r, t1 + 10);
	assert_int_equal(client.state, DHCP_BOUND);
	assert_int_equal(n_addr_calls, 2);
	assert_false(addr_calls[0].add);
	assert_int_equal(addr_calls[0].addr, OFFERED);
	assert_true(addr_calls[1].add);
	assert_int_equal(addr_calls[1].addr, IP(10, 0, 2, 16));
	assert_int_equal(n_route_calls, 2);
	assert_false(route_calls[0].add);
	assert_true(route_calls[1].add);
}

static void test_wrong_xid_chaddr_op_cookie(void **state)
{
	struct reply r;
	size_t len;

	(void)state;
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 3600);
	r.xid = client.xid + 1;
	feed(&r, 10);
	assert_int_equal(dhcp_stats.not_ours, 1);

	r = slirp(DHCPOFFER, 3600);
	len = build_reply(&r);
	((struct dhcp_msg *)rx)->chaddr[5] ^= 1;
	dhcp_client_input(&client, rx, len, 10);
	assert_int_equal(dhcp_stats.not_ours, 2);

	len = build_reply(&r);
	((struct dhcp_msg *)rx)->op = BOOTREQUEST;
	dhcp_client_input(&client, rx, len, 10);
	len = build_reply(&r);
	((struct dhcp_msg *)rx)->cookie ^= 1;
	dhcp_client_input(&client, rx, len, 10);
	len = build_reply(&r);
	((struct dhcp_msg *)rx)->hlen = 16;
	dhcp_client_input(&client, rx, len, 10);
	len = build_reply(&r);
	dhcp_client_input(&client, rx, DHCP_FIXED_LEN - 1, 10);
	dhcp_client_input(&client, rx, 0, 10);
	assert_int_equal(dhcp_stats.bad_packets, 5);

	assert_int_equal(client.state, DHCP_SELECTING);
	assert_int_equal(n_sent, 1);
	assert_int_equal(dhcp_stats.offers, 0);
	/* The genuine OFFER still works afterwards. */
	dhcp_client_input(&client, rx, len, 10);
	assert_int_equal(client.state, DHCP_REQUESTING);
}

static void test_unexpected_messages(void **state)
{
	struct reply r;

	(void)state;
	dhcp_client_start(&client, 0);
	/* ACK before any OFFER. */
	r = slirp(DHCPACK, 3600);
	feed(&r, 10);
	assert_int_equal(client.state, DHCP_SELECTING);
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 20);
	/* A second OFFER while requesting the first. */
	r.yiaddr = IP(10, 0, 2, 77);
	feed(&r, 30);
	assert_int_equal(client.offer.addr, OFFERED);
	r = slirp(DHCPREQUEST, 3600);
	feed(&r, 30);
	assert_int_equal(dhcp_stats.unexpected, 3);
	assert_int_equal(n_sent, 2);
}

static void test_malformed_options_counted(void **state)
{
	struct reply r;
	struct dhcp_msg *m = (struct dhcp_msg *)rx;
	size_t len;

	(void)state;
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 3600);

	/* A length running past the end of the message. */
	len = build_reply(&r);
	rx[len - 1] = DHCP_OPT_ROUTER;
	rx[len] = 8;
	memcpy(rx + len + 1, "\x0a\x00\x02\x02", 4);
	dhcp_client_input(&client, rx, len + 5, 10);
	assert_int_equal(dhcp_stats.bad_packets, 1);

	/* A code at the very last byte, its length byte missing. */
	len = build_reply(&r);
	rx[len - 1] = DHCP_OPT_HOSTNAME;
	dhcp_client_input(&client, rx, len, 10);
	assert_int_equal(dhcp_stats.bad_packets, 2);

	/* A known option with an impossible length (mask of 3 bytes). */
	len = build_reply(&r);
	m->options[3 + 6] = DHCP_OPT_SUBNET_MASK;	/* type, server id, then the mask */
	m->options[3 + 6 + 1] = 3;
	m->options[3 + 6 + 1 + 4] = DHCP_OPT_PAD;
	dhcp_client_input(&client, rx, len, 10);
	assert_int_equal(dhcp_stats.bad_packets, 3);

	/* No message type at all. */
	len = build_reply(&r);
	m->options[0] = DHCP_OPT_PAD;
	m->options[1] = DHCP_OPT_PAD;
	m->options[2] = DHCP_OPT_PAD;
	dhcp_client_input(&client, rx, len, 10);
	assert_int_equal(dhcp_stats.bad_packets, 4);

	/* Router list not a multiple of 4. */
	len = build_reply(&r);
	rx[len - 1] = DHCP_OPT_ROUTER;
	rx[len] = 5;
	memset(rx + len + 1, 1, 5);
	rx[len + 6] = DHCP_OPT_END;
	dhcp_client_input(&client, rx, len + 7, 10);
	assert_int_equal(dhcp_stats.bad_packets, 5);

	assert_int_equal(client.state, DHCP_SELECTING);
	assert_int_equal(n_sent, 1);
}

static void test_insane_offers_refused(void **state)
{
	static const struct { be32 addr, mask; } bad[] = {
		{ 0, 0xFFFFFF00u },
		{ 0xFFFFFFFFu, 0 },
		{ IP(224, 0, 0, 1), 0 },
		{ IP(127, 0, 0, 1), 0 },
		{ IP(240, 1, 2, 3), 0 },
		{ IP(10, 0, 2, 0), 0 },		/* the subnet's network address */
		{ IP(10, 0, 2, 255), 0 },	/* its broadcast address */
		{ OFFERED, IP(255, 0, 255, 0) },	/* a mask with holes */
		{ OFFERED, 1 },			/* mask 0.0.0.0 */
	};
	struct reply r;

	(void)state;
	dhcp_client_start(&client, 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		r = slirp(DHCPOFFER, 3600);
		r.yiaddr = bad[i].addr;
		if (bad[i].mask == 1)
			r.mask = 0;
		else if (bad[i].mask)
			r.mask = bad[i].mask;
		feed(&r, 10);
		assert_int_equal(client.state, DHCP_SELECTING);
	}
	/* No server identifier (RFC 2131: MUST). */
	r = slirp(DHCPOFFER, 3600);
	r.no_server_id = true;
	feed(&r, 10);
	assert_int_equal(dhcp_stats.bad_packets, ARRAY_SIZE(bad) + 1);
	assert_int_equal(n_sent, 1);
}

static void test_lease_defaults(void **state)
{
	struct reply r;

	(void)state;
	/* No mask: the class's (10/8); T1 >= T2 given: both default; no router. */
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 1000);
	r.no_mask = true;
	r.router = 0;
	feed(&r, 0);
	r = slirp(DHCPACK, 1000);
	r.no_mask = true;
	r.router = 0;
	r.t1 = 900;
	r.t2 = 800;
	feed(&r, 0);
	assert_int_equal(client.lease.prefix_len, 8);
	assert_int_equal(client.t1_ms, 500 * SEC);
	assert_int_equal(client.t2_ms, 875 * SEC);
	assert_int_equal(n_route_calls, 0);
	assert_non_null(strstr(printk_capture, "router none"));
}

static void test_lease_given_t1_t2_and_limits(void **state)
{
	struct reply r;

	(void)state;
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 1000);
	feed(&r, 0);
	r = slirp(DHCPACK, 1000);
	r.t1 = 300;
	r.t2 = 600;
	feed(&r, 0);
	assert_int_equal(client.t1_ms, 300 * SEC);
	assert_int_equal(client.t2_ms, 600 * SEC);

	/* A 1 s lease is taken as DHCP_MIN_LEASE_S; none at all as an hour. */
	setup(NULL);
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 1);
	feed(&r, 0);
	r = slirp(DHCPACK, 1);
	feed(&r, 0);
	assert_int_equal(client.expiry_ms, DHCP_MIN_LEASE_S * SEC);
	setup(NULL);
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 0);
	feed(&r, 0);
	r = slirp(DHCPACK, 0);
	feed(&r, 0);
	assert_int_equal(client.expiry_ms, DHCP_DEFAULT_LEASE_S * SEC);
}

static void test_infinite_lease(void **state)
{
	(void)state;
	bind_at_1s(DHCP_INFINITE);
	assert_int_equal(lifetime_until, 0);
	assert_int_equal(dhcp_client_next_timer(&client), UINT64_MAX);
	dhcp_client_timer(&client, UINT64_MAX - 1);
	assert_int_equal(n_sent, 0);
	assert_true(dhcp_client_bound(&client));
}

static void test_options_overload_and_bounds(void **state)
{
	struct dhcp_msg *m = (struct dhcp_msg *)rx;
	struct dhcp_options o;
	struct reply r = { .type = DHCPACK, .no_server_id = true, .no_mask = true };
	size_t len;

	(void)state;
	/* Options continued in file (server id) and sname (mask), as option 52 says. */
	len = build_reply(&r);
	rx[len - 1] = DHCP_OPT_OVERLOAD;
	rx[len] = 1;
	rx[len + 1] = 3;
	rx[len + 2] = DHCP_OPT_END;
	len += 3;
	memcpy(m->file, "\x36\x04\x0a\x00\x02\x02\xff", 7);
	memcpy(m->sname, "\x00\x01\x04\xff\xff\xff\x00\xff", 8);
	assert_int_equal(dhcp_parse_options(m, len, &o), 0);
	assert_int_equal(o.msg_type, DHCPACK);
	assert_true(o.has_server_id);
	assert_int_equal(o.server_id, SERVER);
	assert_true(o.has_mask);
	assert_int_equal(o.mask, IP(255, 255, 255, 0));

	/* An option in file running past file's end is malformed, even though
	 * the bytes after it (sname is before it, cookie after) exist. */
	memset(m->file, 0, sizeof(m->file));
	m->file[DHCP_FILE_LEN - 3] = DHCP_OPT_HOSTNAME;
	m->file[DHCP_FILE_LEN - 2] = 4;
	assert_int_equal(dhcp_parse_options(m, len, &o), -EINVAL);

	/* Without option 52, file is not looked at. */
	r.no_server_id = false;
	len = build_reply(&r);
	m->file[0] = DHCP_OPT_SERVER_ID;
	m->file[1] = 200;
	assert_int_equal(dhcp_parse_options(m, len, &o), 0);

	/* An area filled to its last byte without END is accepted; PAD-only too. */
	len = build_reply(&r);
	assert_int_equal(dhcp_parse_options(m, len - 1, &o), 0);
	assert_int_equal(o.server_id, r.server);
	assert_int_equal(dhcp_parse_options(m, DHCP_FIXED_LEN, &o), 0);
	assert_int_equal(o.msg_type, 0);
	assert_int_equal(dhcp_parse_options(m, DHCP_FIXED_LEN - 1, &o), -EINVAL);

	/* Overload with a bad value. */
	len = build_reply(&r);
	rx[len - 1] = DHCP_OPT_OVERLOAD;
	rx[len] = 1;
	rx[len + 1] = 4;
	assert_int_equal(dhcp_parse_options(m, len + 2, &o), -EINVAL);
}

/* Random bytes after a valid header: never a crash (ASan/UBSan watch), never
 * an address from a malformed message. */
static void test_random_options(void **state)
{
	uint64_t rng = 0x1234567;

	(void)state;
	dhcp_client_start(&client, 0);
	for (int iter = 0; iter < 20000; iter++) {
		struct reply r = slirp(DHCPOFFER, 3600);
		size_t len = build_reply(&r), n = test_rng(&rng) % 64;

		for (size_t i = 0; i < n; i++)
			rx[DHCP_FIXED_LEN + test_rng(&rng) % 40] = (uint8_t)test_rng(&rng);
		len = DHCP_FIXED_LEN + test_rng(&rng) % (sizeof(rx) - DHCP_FIXED_LEN);
		dhcp_client_input(&client, rx, len, 10);
		if (client.state != DHCP_SELECTING) {
			/* Whatever got accepted was sane. */
			assert_int_equal(client.state, DHCP_REQUESTING);
			assert_true(client.offer.prefix_len >= 1 && client.offer.prefix_len <= 32);
			dhcp_client_init(&client, &dev, &fake_ops, (uint64_t)iter + 1);
			n_sent = 0;
			dhcp_client_start(&client, 0);
		}
	}
	assert_int_equal(n_addr_calls, 0);
}

static void test_send_error_counted_and_retried(void **state)
{
	uint64_t next;

	(void)state;
	send_err = -ENETUNREACH;
	dhcp_client_start(&client, 0);
	assert_int_equal(dhcp_stats.tx_errors, 1);
	send_err = 0;
	next = dhcp_client_next_timer(&client);
	dhcp_client_timer(&client, next);
	assert_int_equal(n_sent, 2);
	assert_int_equal(dhcp_stats.tx_errors, 1);
}

static void test_addr_add_failure_restarts(void **state)
{
	struct reply r;

	(void)state;
	addr_add_err = -ENOMEM;
	dhcp_client_start(&client, 0);
	r = slirp(DHCPOFFER, 3600);
	feed(&r, 0);
	r = slirp(DHCPACK, 3600);
	feed(&r, 0);
	assert_int_equal(client.state, DHCP_INIT);
	assert_false(dhcp_client_bound(&client));
	assert_int_equal(dhcp_stats.config_errors, 1);
	assert_int_equal(n_route_calls, 0);
	assert_true(dhcp_client_next_timer(&client) != UINT64_MAX);
}

static void test_stop_and_show(void **state)
{
	(void)state;
	bind_at_1s(86400);
	printk_capture_reset();
	dhcp_client_show(&client, 101 * SEC + 5);
	assert_non_null(strstr(printk_capture, "eth0: state BOUND"));
	assert_non_null(strstr(printk_capture,
			       "address 10.0.2.15/24, router 10.0.2.2, server 10.0.2.2, dns none"));
	assert_non_null(strstr(printk_capture, "lease 86400 s, obtained 100 s ago; renew (T1) in "
			       "43100 s, rebind (T2) in 75500 s, expires in 86300 s"));
	dhcp_client_stop(&client);
	assert_false(dhcp_client_bound(&client));
	assert_int_equal(n_addr_calls, 1);
	assert_int_equal(n_route_calls, 1);
	assert_int_equal(dhcp_client_next_timer(&client), UINT64_MAX);
	printk_capture_reset();
	dhcp_client_show(&client, 0);
	assert_non_null(strstr(printk_capture, "state INIT"));
	assert_non_null(strstr(printk_capture, "no lease"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_full_exchange, setup),
		cmocka_unit_test_setup(test_backoff, setup),
		cmocka_unit_test_setup(test_jitter_varies, setup),
		cmocka_unit_test_setup(test_request_retries_then_restart, setup),
		cmocka_unit_test_setup(test_nak_while_requesting, setup),
		cmocka_unit_test_setup(test_nak_from_other_server_ignored, setup),
		cmocka_unit_test_setup(test_renew_at_t1, setup),
		cmocka_unit_test_setup(test_rebind_at_t2_then_expiry, setup),
		cmocka_unit_test_setup(test_rebind_ack_from_other_server, setup),
		cmocka_unit_test_setup(test_nak_while_renewing_drops_address, setup),
		cmocka_unit_test_setup(test_address_changes_on_renewal, setup),
		cmocka_unit_test_setup(test_wrong_xid_chaddr_op_cookie, setup),
		cmocka_unit_test_setup(test_unexpected_messages, setup),
		cmocka_unit_test_setup(test_malformed_options_counted, setup),
		cmocka_unit_test_setup(test_insane_offers_refused, setup),
		cmocka_unit_test_setup(test_lease_defaults, setup),
		cmocka_unit_test_setup(test_lease_given_t1_t2_and_limits, setup),
		cmocka_unit_test_setup(test_infinite_lease, setup),
		cmocka_unit_test_setup(test_options_overload_and_bounds, setup),
		cmocka_unit_test_setup(test_random_options, setup),
		cmocka_unit_test_setup(test_send_error_counted_and_retried, setup),
		cmocka_unit_test_setup(test_addr_add_failure_restarts, setup),
		cmocka_unit_test_setup(test_stop_and_show, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
