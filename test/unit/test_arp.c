/* ARP from the wire side: the exact bytes of replies, requests and
 * gratuitous ARPs; the learn-only rules; malformed and impossible packets;
 * address conflicts; device and address events. Then the shell: `ip neigh`
 * in iproute2's layout and words, and `arping` against a scripted peer. */
#include <errno.h>
#include <string.h>
#include "neigh_fixture.h"
#include "net/ip_hdr.h"

#define PEER ip4(10, 0, 0, 1)
#define OURS ip4(10, 0, 0, 2)
#define OTHER ip4(10, 0, 0, 9)

static void test_request_for_us_answered_and_learned(void **state)
{
	struct neighbour *n;

	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	assert_int_equal(tx_count, 1);
	/* Unicast to the asker: our MAC for our address, its own as target. */
	expect_arp_frame(&tx[0], peer_mac, ARPOP_REPLY, eth0.dev_addr, OURS, peer_mac, PEER);
	assert_true(tx[0].dev == &eth0);
	/* Room for the driver's padding to 60 bytes, so it needs no copy. */
	assert_true(tx[0].tailroom >= ETH_ZLEN - tx[0].len);
	n = neigh_lookup(&eth0, PEER);
	assert_non_null(n);
	/* A request proves no reachability: STALE. */
	assert_int_equal(n->nud_state, NUD_STALE);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	assert_int_equal(mib("ArpInRequests"), 1);
	assert_int_equal(mib("ArpOutReplies"), 1);
	/* Asked for our eth1 address on eth0: answered too (Linux's weak host
	 * model, arp_ignore 0). */
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, ip4(192, 168, 1, 2), PACKET_BROADCAST);
	expect_arp_frame(&tx[1], peer_mac, ARPOP_REPLY, eth0.dev_addr, ip4(192, 168, 1, 2),
			 peer_mac, PEER);
}

static void test_foreign_target_ignored(void **state)
{
	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OTHER, PACKET_BROADCAST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, peer2_mac, OTHER, PACKET_HOST);
	assert_int_equal(tx_count, 0);
	assert_null(neigh_lookup(&eth0, PEER));
	assert_int_equal(neigh_entries(), 0);
	assert_int_equal(mib("ArpInForeign"), 2);
}

static void test_unsolicited_reply_not_learned(void **state)
{
	(void)state;
	arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, eth0.dev_addr, OURS, PACKET_HOST);
	assert_null(neigh_lookup(&eth0, PEER));
	assert_int_equal(mib("ArpInUnsolicited"), 1);
	assert_int_equal(tx_count, 0);
}

static void test_existing_entry_updated(void **state)
{
	struct neighbour *n;

	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	n = neigh_lookup(&eth0, PEER);
	assert_non_null(n);
	/* Within the locktime a different MAC in a foreign request is not
	 * believed (the first answer wins)... */
	advance(500);
	arp_in(&eth0, ARPOP_REQUEST, peer2_mac, PEER, NULL, OTHER, PACKET_BROADCAST);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	/* ...after it, it is: the entry is there, so it is refreshed. */
	advance(NEIGH_LOCKTIME_MS);
	arp_in(&eth0, ARPOP_REQUEST, peer2_mac, PEER, NULL, OTHER, PACKET_BROADCAST);
	assert_memory_equal(n->ha, peer2_mac, ETH_ALEN);
	assert_int_equal(n->nud_state, NUD_STALE);
	/* A gratuitous ARP (arping -U) overrides at once. */
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, PEER, PACKET_BROADCAST);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	/* A broadcast reply refreshes but confirms nothing; a unicast one does. */
	arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, bcast_mac, OURS, PACKET_BROADCAST);
	assert_int_equal(n->nud_state, NUD_STALE);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, eth0.dev_addr, OURS, PACKET_HOST);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	assert_int_equal(mib("ArpInForeign"), 2);
	assert_int_equal(tx_count, 1);	/* only the reply to the first request */
}

static void test_request_source_follows_queued_packet(void **state)
{
	struct neighbour *n = neigh_lookup_or_create(&eth0, PEER);

	(void)state;
	/* A second address on eth0: the request carries the waiting packet's. */
	in_eth0.ifa[1] = in_eth0.ifa[0];
	in_eth0.ifa[1].ifa_local = ip4(10, 0, 0, 3);
	in_eth0.n_ifa = 2;
	neigh_output(n, ip_skb(ip4(10, 0, 0, 3), PEER, 8, 1));
	expect_arp_frame(&tx[0], NULL, ARPOP_REQUEST, eth0.dev_addr, ip4(10, 0, 0, 3), NULL, PEER);
	/* A source that is not ours (forwarded, spoofed) is not used. */
	neigh_delete(&eth0, PEER);
	n = neigh_lookup_or_create(&eth0, PEER);
	neigh_output(n, ip_skb(ip4(10, 0, 0, 77), PEER, 8, 1));
	expect_arp_frame(&tx[1], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
}

static void test_malformed_dropped(void **state)
{
	static const struct {
		unsigned int off;
		uint8_t val;
	} bad[] = {
		{ 1, 6 },		/* hrd IEEE 802 */
		{ 2, 0x86 },		/* pro IPv6 */
		{ 4, 8 },		/* hln */
		{ 5, 16 },		/* pln */
		{ 7, 3 },		/* op RARP request */
		{ 7, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sk_buff *skb = arp_skb(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS,
					      PACKET_BROADCAST);

		skb->data[bad[i].off] = bad[i].val;
		arp_rcv(skb);
	}
	/* Short: 27 bytes, and an empty frame. */
	for (uint32_t len = 0; len <= 27; len += 27) {
		struct sk_buff *skb = arp_skb(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS,
					      PACKET_BROADCAST);

		skb_trim(skb, len);
		arp_rcv(skb);
	}
	assert_int_equal(mib("ArpInMalformed"), ARRAY_SIZE(bad) + 2);
	assert_int_equal(mib("ArpInRequests"), 0);
	assert_int_equal(tx_count, 0);
	assert_int_equal(neigh_entries(), 0);
	/* Trailing bytes (Ethernet padding) are fine. */
	struct sk_buff *skb = arp_skb(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS,
				      PACKET_BROADCAST);

	memset(skb_put(skb, 18), 0, 18);
	arp_rcv(skb);
	assert_int_equal(tx_count, 1);
}

static void test_impossible_senders_dropped(void **state)
{
	static const uint8_t mcast_mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t zero_mac[ETH_ALEN];

	(void)state;
	arp_in(&eth0, ARPOP_REPLY, bcast_mac, PEER, eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REPLY, mcast_mac, PEER, eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REQUEST, zero_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, ip4(255, 255, 255, 255), eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, ip4(10, 0, 0, 255), eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, ip4(224, 0, 0, 1), eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, ip4(127, 0, 0, 1), eth0.dev_addr, OURS, PACKET_HOST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, 0, eth0.dev_addr, OURS, PACKET_HOST);
	assert_int_equal(mib("ArpInBadSender"), 8);
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, ip4(224, 0, 0, 1), PACKET_BROADCAST);
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, ip4(127, 0, 0, 1), PACKET_BROADCAST);
	assert_int_equal(mib("ArpInBadTarget"), 2);
	/* Our own packet back, another host's unicast, a device without IPv4. */
	arp_in(&eth0, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER, PACKET_BROADCAST);
	assert_int_equal(mib("ArpInLooped"), 1);
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_OTHERHOST);
	assert_int_equal(mib("ArpInOtherHost"), 1);
	arp_in(&eth2, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	assert_int_equal(mib("ArpNoInDev"), 1);
	assert_int_equal(tx_count, 0);
	assert_int_equal(neigh_entries(), 0);
}

static void test_dad_probe_answered(void **state)
{
	(void)state;
	/* RFC 5227: "who has 10.0.0.2? tell 0.0.0.0" is told the address is taken. */
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, 0, NULL, OURS, PACKET_BROADCAST);
	assert_int_equal(tx_count, 1);
	expect_arp_frame(&tx[0], peer_mac, ARPOP_REPLY, eth0.dev_addr, OURS, peer_mac, 0);
	assert_int_equal(mib("ArpInDadProbes"), 1);
	assert_int_equal(neigh_entries(), 0);
	/* A probe for somebody else's address is none of our business. */
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, 0, NULL, OTHER, PACKET_BROADCAST);
	assert_int_equal(tx_count, 1);
}

static void test_conflict_logged_once_a_minute(void **state)
{
	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, OURS, NULL, OURS, PACKET_BROADCAST);
	assert_string_equal(printk_capture,
			    "arp: address 10.0.0.2 claimed by 52:54:00:12:34:57 on eth0\n");
	advance(30000);
	arp_in(&eth0, ARPOP_REPLY, peer2_mac, OURS, eth0.dev_addr, PEER, PACKET_HOST);
	assert_int_equal(printk_capture_lines(), 1);
	advance(30000);
	arp_in(&eth0, ARPOP_REPLY, peer2_mac, OURS, eth0.dev_addr, PEER, PACKET_HOST);
	assert_int_equal(printk_capture_lines(), 2);
	assert_non_null(strstr(printk_capture, "claimed by 52:54:00:aa:bb:cc on eth0"));
	assert_int_equal(mib("ArpAddrConflicts"), 3);
	/* Our address is never learned as a neighbour, nothing is sent. */
	assert_null(neigh_lookup(&eth0, OURS));
	assert_int_equal(tx_count, 0);
}

static void test_gratuitous_arp(void **state)
{
	struct in_ifaddr ifa = { .ifa_local = ip4(10, 0, 0, 3) };

	(void)state;
	/* Carrier up: one announcement per address of the device. */
	netdev_event(NETDEV_CHANGE, &eth0);
	assert_int_equal(tx_count, 1);
	expect_arp_frame(&tx[0], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, OURS);
	/* An address added. */
	inetaddr_event(INETADDR_UP, &eth0, &ifa);
	assert_int_equal(tx_count, 2);
	expect_arp_frame(&tx[1], NULL, ARPOP_REQUEST, eth0.dev_addr, ifa.ifa_local, NULL,
			 ifa.ifa_local);
	/* The device opened with carrier already there. */
	netdev_event(NETDEV_UP, &eth1);
	expect_arp_frame(&tx[2], NULL, ARPOP_REQUEST, eth1.dev_addr, ip4(192, 168, 1, 2), NULL,
			 ip4(192, 168, 1, 2));
	/* A new MAC is announced from the new MAC. */
	eth0.dev_addr[5] = 0x77;
	netdev_event(NETDEV_CHANGEADDR, &eth0);
	expect_arp_frame(&tx[3], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, OURS);
	assert_int_equal(mib("ArpOutGratuitous"), 4);
	/* Without carrier (or down) nothing can be announced. */
	eth0.carrier = false;
	netdev_event(NETDEV_CHANGE, &eth0);
	inetaddr_event(INETADDR_UP, &eth0, &ifa);
	assert_int_equal(tx_count, 4);
}

static void test_address_removed_forgets_learned(void **state)
{
	struct in_ifaddr ifa = in_eth0.ifa[0];
	struct neighbour *n;

	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	n = neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 5));
	neigh_update(n, peer2_mac, NUD_PERMANENT, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
	in_eth0.n_ifa = 0;
	inetaddr_event(INETADDR_DOWN, &eth0, &ifa);
	assert_null(neigh_lookup(&eth0, PEER));
	assert_non_null(neigh_lookup(&eth0, ip4(10, 0, 0, 5)));
}

/* ---- ip neigh ------------------------------------------------------------- */

static void test_ip_neigh_show(void **state)
{
	struct neighbour *n;

	(void)state;
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, eth0.dev_addr, OURS, PACKET_HOST);
	neigh_xmit(&eth0, OTHER, ip_skb(OURS, OTHER, 8, 0));
	n = neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 8));
	neigh_update(n, NULL, NUD_FAILED, 0);
	neigh_xmit(&eth0, ip4(10, 0, 0, 255), ip_skb(OURS, 0, 8, 0));	/* NOARP: hidden */
	assert_int_equal(run_cmd("ip neigh add 192.168.1.1 lladdr 52:54:00:aa:bb:cc dev eth1"), 0);
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh"), 0);
	assert_int_equal(printk_capture_lines(), 4);
	assert_non_null(strstr(printk_capture,
			       "10.0.0.1 dev eth0 lladdr 52:54:00:12:34:57 REACHABLE\n"));
	assert_non_null(strstr(printk_capture, "10.0.0.9 dev eth0 INCOMPLETE\n"));
	assert_non_null(strstr(printk_capture, "10.0.0.8 dev eth0 FAILED\n"));
	assert_non_null(strstr(printk_capture,
			       "192.168.1.1 dev eth1 lladdr 52:54:00:aa:bb:cc PERMANENT\n"));
	/* Filtered by device, iproute2 leaves the device out. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ip n show dev eth1"), 0);
	assert_string_equal(printk_capture, "192.168.1.1 lladdr 52:54:00:aa:bb:cc PERMANENT\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neighbour show nud failed"), 0);
	assert_string_equal(printk_capture, "10.0.0.8 dev eth0 FAILED\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh show 10.0.0.255 nud all"), 0);
	assert_string_equal(printk_capture, "10.0.0.255 dev eth0 lladdr ff:ff:ff:ff:ff:ff NOARP\n");
}

static void test_ip_neigh_show_many(void **state)
{
	(void)state;
	/* More entries than one snapshot chunk: each printed once. */
	for (unsigned int i = 0; i < 50; i++)
		neigh_xmit(&eth0, ip4(10, 0, 0, 100 + i), ip_skb(OURS, 0, 8, 0));
	tx_count = 0;
	assert_int_equal(run_cmd("ip neigh show dev eth0"), 0);
	assert_int_equal(printk_capture_lines(), 50);
	assert_non_null(strstr(printk_capture, "10.0.0.149 INCOMPLETE\n"));
	assert_int_equal(run_cmd("ip neigh flush dev eth0"), 0);
	assert_int_equal(neigh_entries(), 0);
}

static void test_ip_neigh_add_del_flush(void **state)
{
	struct neighbour *n;

	(void)state;
	assert_int_equal(run_cmd("ip neigh add 10.0.0.1 lladdr 52:54:00:12:34:57 dev eth0"), 0);
	assert_int_equal(printk_capture_len, 0);
	n = neigh_lookup(&eth0, PEER);
	assert_non_null(n);
	assert_int_equal(n->nud_state, NUD_PERMANENT);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	/* Used at once, on the fast path. */
	neigh_xmit(&eth0, PEER, ip_skb(OURS, PEER, 8, 0));
	assert_int_equal(tx_count, 1);
	assert_memory_equal(tx[0].data, peer_mac, ETH_ALEN);
	/* iproute2's answers. */
	assert_int_equal(run_cmd("ip neigh add 10.0.0.1 lladdr 52:54:00:12:34:58 dev eth0"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: File exists\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh replace 10.0.0.1 lladdr 52:54:00:aa:bb:cc dev eth0 "
				 "nud stale"), 0);
	assert_int_equal(n->nud_state, NUD_STALE);
	assert_memory_equal(n->ha, peer2_mac, ETH_ALEN);
	assert_int_equal(run_cmd("ip neigh add 10.0.0.3 lladdr 52:54:00:12:34:57"), -1);
	assert_string_equal(printk_capture, "Device and destination are required arguments.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh add 10.0.0.3 lladdr 52:54:00:12:34:57 dev eth9"), -1);
	assert_string_equal(printk_capture, "Cannot find device \"eth9\"\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh add 10.0.0.300 lladdr 52:54:00:12:34:57 dev eth0"), -1);
	assert_string_equal(printk_capture,
			    "Error: inet prefix is expected rather than \"10.0.0.300\".\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip neigh add 10.0.0.3 lladdr 52:54:zz:12:34:57 dev eth0"), -1);
	assert_string_equal(printk_capture, "\"52:54:zz:12:34:57\" is invalid lladdr.\n");
	printk_capture_reset();
	/* PERMANENT needs an address: refused, and no empty entry is left. */
	assert_int_equal(run_cmd("ip neigh add 10.0.0.3 dev eth0"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: Invalid argument\n");
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 3)));
	printk_capture_reset();

	assert_int_equal(run_cmd("ip neigh del 10.0.0.1 dev eth0"), 0);
	assert_null(neigh_lookup(&eth0, PEER));
	assert_int_equal(run_cmd("ip neigh del 10.0.0.1 dev eth0"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: No such file or directory\n");
	printk_capture_reset();

	/* flush: learned entries go, PERMANENT ones stay unless asked for. */
	run_cmd("ip neigh add 10.0.0.5 lladdr 52:54:00:12:34:57 dev eth0");
	arp_in(&eth0, ARPOP_REQUEST, peer_mac, PEER, NULL, OURS, PACKET_BROADCAST);
	arp_in(&eth1, ARPOP_REQUEST, peer_mac, ip4(192, 168, 1, 1), NULL, ip4(192, 168, 1, 2),
	       PACKET_BROADCAST);
	assert_int_equal(run_cmd("ip neigh flush"), -1);
	assert_string_equal(printk_capture, "Flush requires arguments.\n");
	assert_int_equal(run_cmd("ip neigh flush dev eth0"), 0);
	assert_null(neigh_lookup(&eth0, PEER));
	assert_non_null(neigh_lookup(&eth0, ip4(10, 0, 0, 5)));
	assert_non_null(neigh_lookup(&eth1, ip4(192, 168, 1, 1)));
	assert_int_equal(run_cmd("ip neigh flush all"), 0);
	assert_null(neigh_lookup(&eth1, ip4(192, 168, 1, 1)));
	assert_int_equal(run_cmd("ip neigh flush dev eth0 nud permanent"), 0);
	assert_int_equal(neigh_entries(), 0);
}

/* ---- arping --------------------------------------------------------------- */

/* The scripted peer: answers every request for PEER 1 ms after it was sent,
 * unicast to the asker; silent when mute. */
static unsigned int peer_seen;
static bool peer_mute;
static int ctrl_c_after;		/* sleeps until Ctrl-C; 0: never */

static void peer_sleep(uint64_t deadline_ns)
{
	uint64_t now_ns = (uint64_t)now_ms * 1000000;

	assert_true(deadline_ns != UINT64_MAX);
	if (ctrl_c_after && --ctrl_c_after == 0) {
		fake_thread.pending_signal = SIGINT_PENDING;
		return;
	}
	for (; peer_seen < tx_count; peer_seen++) {
		const uint8_t *f = tx[peer_seen].data;

		if (peer_mute || f[21] != ARPOP_REQUEST || memcmp(f + 38, &(be32){ PEER }, 4))
			continue;
		advance(1);
		arp_in(&eth0, ARPOP_REPLY, peer_mac, PEER, eth0.dev_addr, OURS,
		       PACKET_HOST);
		peer_seen++;
		return;
	}
	if (deadline_ns > now_ns)
		advance((deadline_ns - now_ns + 999999) / 1000000);
}

static void arping_setup(void)
{
	peer_seen = 0;
	peer_mute = false;
	ctrl_c_after = 0;
	sleep_hook = peer_sleep;
}

static void test_arping_counted(void **state)
{
	uint64_t t0 = now_ms;

	(void)state;
	arping_setup();
	assert_int_equal(run_cmd("arping -c 3 -I eth0 10.0.0.1"), 0);
	assert_string_equal(printk_capture,
			    "ARPING 10.0.0.1 from 10.0.0.2 eth0\n"
			    "Unicast reply from 10.0.0.1 [52:54:00:12:34:57]  1.000ms\n"
			    "Unicast reply from 10.0.0.1 [52:54:00:12:34:57]  1.000ms\n"
			    "Unicast reply from 10.0.0.1 [52:54:00:12:34:57]  1.000ms\n"
			    "Sent 3 probes (1 broadcast(s))\n"
			    "Received 3 response(s)\n");
	/* Broadcast first, then unicast to the MAC that answered; a second apart. */
	assert_int_equal(tx_count, 3);
	expect_arp_frame(&tx[0], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	expect_arp_frame(&tx[1], peer_mac, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	expect_arp_frame(&tx[2], peer_mac, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	/* The last answer ends the run: two seconds and a bit. */
	assert_true(now_ms - t0 >= 2000 && now_ms - t0 < 2100);
	/* arping learns nothing by itself: the replies were unsolicited. */
	assert_null(neigh_lookup(&eth0, PEER));
}

static void test_arping_no_answer(void **state)
{
	(void)state;
	arping_setup();
	peer_mute = true;
	assert_int_equal(run_cmd("arping -c 2 10.0.0.1"), 1);
	assert_string_equal(printk_capture,
			    "ARPING 10.0.0.1 from 10.0.0.2 eth0\n"
			    "Sent 2 probes (2 broadcast(s))\n"
			    "Received 0 response(s)\n");
	printk_capture_reset();
	/* -w: as many probes as fit in the deadline. */
	assert_int_equal(run_cmd("arping -w 3 10.0.0.1"), 1);
	assert_non_null(strstr(printk_capture, "Sent 3 probes (3 broadcast(s))\n"));
}

static void test_arping_ctrl_c(void **state)
{
	(void)state;
	arping_setup();
	ctrl_c_after = 5;
	/* No -c, no -w: runs until interrupted. */
	assert_int_equal(run_cmd("arping 10.0.0.1"), 0);
	assert_non_null(strstr(printk_capture, "Received 2 response(s)\n"));
	assert_non_null(strstr(printk_capture, "Sent 3 probes (1 broadcast(s))\n"));
}

static void test_arping_errors(void **state)
{
	(void)state;
	arping_setup();
	assert_int_equal(run_cmd("arping"), 2);
	assert_non_null(strstr(printk_capture, "Usage: arping"));
	printk_capture_reset();
	assert_int_equal(run_cmd("arping -I eth9 10.0.0.1"), 2);
	assert_string_equal(printk_capture, "arping: Device eth9 not available.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("arping -c x 10.0.0.1"), 2);
	assert_string_equal(printk_capture, "arping: invalid argument: 'x'\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("arping host.example"), 2);
	assert_string_equal(printk_capture, "arping: host.example: Name or service not known\n");
	printk_capture_reset();
	eth1.up = false;
	assert_int_equal(run_cmd("arping -I eth1 192.168.1.1"), 2);
	assert_string_equal(printk_capture, "arping: Interface \"eth1\" is down\n");
	assert_int_equal(tx_count, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, neigh_setup, neigh_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_request_for_us_answered_and_learned),
		T(test_foreign_target_ignored),
		T(test_unsolicited_reply_not_learned),
		T(test_existing_entry_updated),
		T(test_request_source_follows_queued_packet),
		T(test_malformed_dropped),
		T(test_impossible_senders_dropped),
		T(test_dad_probe_answered),
		T(test_conflict_logged_once_a_minute),
		T(test_gratuitous_arp),
		T(test_address_removed_forgets_learned),
		T(test_ip_neigh_show),
		T(test_ip_neigh_show_many),
		T(test_ip_neigh_add_del_flush),
		T(test_arping_counted),
		T(test_arping_no_answer),
		T(test_arping_ctrl_c),
		T(test_arping_errors),
	};

	return cmocka_run_group_tests(tests, neigh_group_setup, neigh_group_teardown);
}
