/* The neighbour table: every NUD transition and its timer, the pending
 * queue (order, overflow, table budget), eviction under a flood, the
 * periodic gc, PERMANENT and NOARP entries, device events and the sysctls.
 * Timers are the real wheel's, so they may fire up to 1/8 of their delay
 * late (kernel/timer.h): checks leave that slack. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "neigh_fixture.h"
#include "net/ip_hdr.h"
#include "kernel/sysctl.h"

#define PEER ip4(10, 0, 0, 1)
#define OURS ip4(10, 0, 0, 2)
/* A delay d fires by d + d/8 + 1 (kernel/timer.h). */
#define LATE(d) ((d) + (d) / 8 + 1)

static int send_to(be32 dst, uint8_t tag)
{
	struct neighbour *n = neigh_lookup_or_create(&eth0, dst);

	assert_non_null(n);
	return neigh_output(n, ip_skb(OURS, dst, 8, tag));
}

static struct neighbour *entry(be32 addr)
{
	struct neighbour *n = neigh_lookup(&eth0, addr);

	assert_non_null(n);
	return n;
}

static void reply_from(be32 sip, const uint8_t *mac)
{
	arp_in(&eth0, ARPOP_REPLY, mac, sip, eth0.dev_addr, OURS, PACKET_HOST);
}

/* An IPv4 frame to dst_mac from eth0 carrying tag. */
static void expect_ip_frame(const struct fake_frame *f, const uint8_t *dst_mac, uint8_t tag)
{
	assert_int_equal(f->len, ETH_HLEN + 20 + 8);
	assert_memory_equal(f->data, dst_mac, ETH_ALEN);
	assert_memory_equal(f->data + 6, eth0.dev_addr, ETH_ALEN);
	assert_int_equal(f->data[12], 0x08);
	assert_int_equal(f->data[13], 0x00);
	assert_int_equal(f->data[ETH_HLEN], 0x45);
	assert_int_equal(f->data[ETH_HLEN + 20], tag);
}

/* A REACHABLE entry for PEER at peer_mac, the frames of getting there gone. */
static struct neighbour *reachable_peer(void)
{
	send_to(PEER, 0x11);
	reply_from(PEER, peer_mac);
	assert_int_equal(entry(PEER)->nud_state, NUD_REACHABLE);
	tx_count = 0;
	return entry(PEER);
}

static void set_sysctl(const char *name, const char *value)
{
	struct ctl_table *t = sysctl_find(name);

	assert_non_null(t);
	assert_int_equal(sysctl_set(t, value), 0);
}

static void test_incomplete_retries_then_failed(void **state)
{
	(void)state;
	assert_int_equal(send_to(PEER, 1), 0);
	assert_int_equal(entry(PEER)->nud_state, NUD_INCOMPLETE);
	/* The first broadcast request goes at once, from the packet's source. */
	assert_int_equal(tx_count, 1);
	expect_arp_frame(&tx[0], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	advance(999);
	assert_int_equal(tx_count, 1);
	advance(LATE(1000) - 999);
	assert_int_equal(tx_count, 2);
	expect_arp_frame(&tx[1], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	advance(LATE(1000));
	assert_int_equal(tx_count, 3);
	assert_int_equal(entry(PEER)->nud_state, NUD_INCOMPLETE);
	/* mcast_solicit (3) requests unanswered: FAILED, the packet dropped. */
	advance(LATE(1000));
	assert_int_equal(tx_count, 3);
	assert_int_equal(entry(PEER)->nud_state, NUD_FAILED);
	assert_int_equal(mib("NeighResolveFailed"), 1);
	assert_int_equal(mib("NeighUnresFailedDrops"), 1);
	assert_int_equal(mib("ArpOutRequests"), 3);
	/* Its sender hears "host unreachable", as from a looped-back ICMP. */
	assert_int_equal(err_reports, 1);
	assert_int_equal(err_type, 3);
	assert_int_equal(err_code, 1);
	assert_int_equal(err_saddr, OURS);
	assert_int_equal(mib("ArpErrorReports"), 1);
	/* FAILED stays quiet... */
	advance(10000);
	assert_int_equal(tx_count, 3);
	/* ...until used again: resolution starts over. */
	send_to(PEER, 2);
	assert_int_equal(entry(PEER)->nud_state, NUD_INCOMPLETE);
	assert_int_equal(tx_count, 4);
	assert_int_equal(entry(PEER)->probes, 1);

	/* Packets not from us, and later fragments, have nobody to tell (the
	 * restarted PEER fails again meanwhile: one more report). */
	struct neighbour *n = neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 6));
	struct sk_buff *frag = ip_skb(OURS, ip4(10, 0, 0, 6), 8, 3);

	((struct iphdr *)frag->data)->frag_off = htons(185);
	neigh_output(n, ip_skb(ip4(10, 0, 0, 77), ip4(10, 0, 0, 6), 8, 4));
	neigh_output(n, frag);
	advance(3 * LATE(1000));
	assert_int_equal(n->nud_state, NUD_FAILED);
	assert_int_equal(mib("NeighUnresFailedDrops"), 4);
	assert_int_equal(err_reports, 2);
}

static void test_resolution_flushes_queue_in_order(void **state)
{
	(void)state;
	for (uint8_t tag = 1; tag <= 3; tag++)
		send_to(PEER, tag);
	/* One request only: the later packets join the queue. */
	assert_int_equal(tx_count, 1);
	assert_int_equal(entry(PEER)->arp_queue.qlen, 3);
	reply_from(PEER, peer_mac);
	assert_int_equal(entry(PEER)->nud_state, NUD_REACHABLE);
	assert_memory_equal(entry(PEER)->ha, peer_mac, ETH_ALEN);
	assert_int_equal(tx_count, 4);
	for (unsigned int i = 0; i < 3; i++)
		expect_ip_frame(&tx[1 + i], peer_mac, (uint8_t)(i + 1));
	assert_int_equal(entry(PEER)->arp_queue.qlen, 0);
	/* Then the fast path: the cached header, no ARP. */
	send_to(PEER, 9);
	assert_int_equal(tx_count, 5);
	expect_ip_frame(&tx[4], peer_mac, 9);
}

static void test_queue_overflow_drops_oldest(void **state)
{
	(void)state;
	assert_int_equal(NEIGH_VAR(neigh_parms_get(&eth0), UNRES_QLEN), 101);
	set_sysctl("net.ipv4.neigh.eth0.unres_qlen", "3");
	for (uint8_t tag = 1; tag <= 5; tag++)
		send_to(PEER, tag);
	assert_int_equal(entry(PEER)->arp_queue.qlen, 3);
	assert_int_equal(mib("NeighUnresQueueDrops"), 2);
	tx_count = 0;
	reply_from(PEER, peer_mac);
	assert_int_equal(tx_count, 3);
	for (unsigned int i = 0; i < 3; i++)
		expect_ip_frame(&tx[i], peer_mac, (uint8_t)(i + 3));
	/* No queue at all: every packet sent while unresolved is dropped. */
	set_sysctl("net.ipv4.neigh.eth0.unres_qlen", "0");
	send_to(ip4(10, 0, 0, 7), 1);
	assert_int_equal(entry(ip4(10, 0, 0, 7))->arp_queue.qlen, 0);
	assert_int_equal(mib("NeighUnresQueueDrops"), 3);
}

static void test_table_queue_budget(void **state)
{
	uint32_t queued = 0;

	(void)state;
	/* 20 next hops, 101 full-size packets each: far over the table budget. */
	for (unsigned int h = 0; h < 20; h++) {
		be32 dst = ip4(10, 0, 0, 100 + h);
		struct neighbour *n = neigh_lookup_or_create(&eth0, dst);

		for (unsigned int i = 0; i < 101; i++)
			neigh_output(n, ip_skb(OURS, dst, 1400, (uint8_t)i));
	}
	for (unsigned int h = 0; h < 20; h++)
		queued += entry(ip4(10, 0, 0, 100 + h))->arp_queue_bytes;
	assert_true(queued <= NEIGH_UNRES_TABLE_BYTES);
	assert_true(queued > NEIGH_UNRES_TABLE_BYTES / 2);
	assert_true(mib("NeighUnresQueueDrops") > 0);
	/* Removing the entries gives every queued skb back (teardown checks). */
	neigh_ifdown(&eth0);
	assert_true(mib("NeighUnresFlushDrops") > 0);
}

static void test_reachable_to_stale(void **state)
{
	struct neighbour *n;

	(void)state;
	n = reachable_peer();
	/* The fixture pins reachable_time to base; the draw is tested below. */
	assert_int_equal(n->parms->reachable_time, 30000);
	advance(29990);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	advance(LATE(30000) - 29990);
	assert_int_equal(n->nud_state, NUD_STALE);
	/* STALE has no timer and sends nothing. */
	advance(60000);
	assert_int_equal(n->nud_state, NUD_STALE);
	assert_int_equal(tx_count, 0);
}

static void test_reachable_time_is_drawn(void **state)
{
	struct neigh_parms *p = neigh_parms_get(&eth0);
	uint32_t lo = UINT32_MAX, hi = 0;

	(void)state;
	/* Each change of base redraws within [base/2, 3*base/2). */
	for (int i = 0; i < 200; i++) {
		set_sysctl("net.ipv4.neigh.eth0.base_reachable_time_ms", "30000");
		lo = MIN(lo, p->reachable_time);
		hi = MAX(hi, p->reachable_time);
	}
	assert_true(lo >= 15000);
	assert_true(hi < 45000);
	assert_true(hi - lo > 15000);	/* spread, not a constant */
	set_sysctl("net.ipv4.neigh.eth0.base_reachable_time_ms", "1000");
	assert_true(p->reachable_time >= 500 && p->reachable_time < 1500);
}

static void test_stale_to_delay_to_reachable(void **state)
{
	struct neighbour *n;

	(void)state;
	n = reachable_peer();
	advance(LATE(30000));
	assert_int_equal(n->nud_state, NUD_STALE);
	/* Used: DELAY, and the packet goes out at once to the cached MAC. */
	send_to(PEER, 5);
	assert_int_equal(n->nud_state, NUD_DELAY);
	assert_int_equal(tx_count, 1);
	expect_ip_frame(&tx[0], peer_mac, 5);
	/* An upper layer confirms within delay_first_probe_time... */
	advance(2000);
	neigh_confirm(n);
	advance(LATE(3000));
	/* ...so the DELAY timer finds it reachable: no probe. */
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	assert_int_equal(tx_count, 1);

	/* And a reply while in DELAY confirms at once. */
	advance(LATE(30000));
	assert_int_equal(n->nud_state, NUD_STALE);
	send_to(PEER, 6);
	assert_int_equal(n->nud_state, NUD_DELAY);
	reply_from(PEER, peer_mac);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
}

static void test_delay_probe_failed(void **state)
{
	struct neighbour *n;

	(void)state;
	n = reachable_peer();
	advance(LATE(30000));
	send_to(PEER, 5);
	assert_int_equal(n->nud_state, NUD_DELAY);
	tx_count = 0;
	advance(4990);
	assert_int_equal(n->nud_state, NUD_DELAY);
	/* No confirmation in 5 s: PROBE, unicast requests to the old MAC. */
	advance(LATE(5000) - 4990);
	assert_int_equal(n->nud_state, NUD_PROBE);
	assert_int_equal(tx_count, 1);
	expect_arp_frame(&tx[0], peer_mac, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	/* While probing, packets still go to the MAC we have. */
	send_to(PEER, 7);
	assert_int_equal(tx_count, 2);
	expect_ip_frame(&tx[1], peer_mac, 7);
	advance(LATE(1000));
	advance(LATE(1000));
	assert_int_equal(tx_count, 4);
	expect_arp_frame(&tx[3], peer_mac, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	assert_int_equal(n->nud_state, NUD_PROBE);
	/* ucast_solicit (3) unanswered: FAILED. */
	advance(LATE(1000));
	assert_int_equal(n->nud_state, NUD_FAILED);
	assert_int_equal(tx_count, 4);
	assert_int_equal(mib("NeighResolveFailed"), 1);
}

static void test_probe_to_reachable(void **state)
{
	struct neighbour *n;

	(void)state;
	n = reachable_peer();
	advance(LATE(30000));
	send_to(PEER, 5);
	advance(LATE(5000));
	assert_int_equal(n->nud_state, NUD_PROBE);
	reply_from(PEER, peer_mac);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	tx_count = 0;
	advance(LATE(1000) * 3);
	assert_int_equal(tx_count, 0);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
}

static void test_probe_sees_new_mac(void **state)
{
	struct neighbour *n;

	(void)state;
	/* The peer changed its MAC silently: the unicast probes to the old one
	 * go unanswered, FAILED, and the next packet re-resolves by broadcast. */
	n = reachable_peer();
	advance(LATE(30000));
	send_to(PEER, 5);
	advance(LATE(5000) + 3 * LATE(1000));
	assert_int_equal(n->nud_state, NUD_FAILED);
	tx_count = 0;
	send_to(PEER, 6);
	expect_arp_frame(&tx[0], NULL, ARPOP_REQUEST, eth0.dev_addr, OURS, NULL, PEER);
	reply_from(PEER, peer2_mac);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	expect_ip_frame(&tx[1], peer2_mac, 6);
}

static void test_sysctl_tunes_timers(void **state)
{
	struct neighbour *n;

	(void)state;
	set_sysctl("net.ipv4.neigh.eth0.retrans_time_ms", "200");
	set_sysctl("net.ipv4.neigh.eth0.mcast_solicit", "5");
	set_sysctl("net.ipv4.neigh.eth0.ucast_solicit", "1");
	set_sysctl("net.ipv4.neigh.eth0.delay_first_probe_time", "1");
	send_to(PEER, 1);
	advance(5 * LATE(200));
	assert_int_equal(tx_count, 5);
	assert_int_equal(entry(PEER)->nud_state, NUD_FAILED);
	neigh_delete(&eth0, PEER);

	n = reachable_peer();
	n->parms->reachable_time = 300;
	advance(LATE(30000));
	send_to(PEER, 2);
	tx_count = 0;
	advance(LATE(1000));
	assert_int_equal(n->nud_state, NUD_PROBE);
	advance(LATE(200));
	assert_int_equal(n->nud_state, NUD_FAILED);
	assert_int_equal(tx_count, 1);
	/* Bad values are refused, the old one kept. */
	assert_int_equal(sysctl_set(sysctl_find("net.ipv4.neigh.eth0.mcast_solicit"), "256"), -1);
	assert_int_equal(NEIGH_VAR(n->parms, MCAST_SOLICIT), 5);
}

static void test_sysctl_defaults_and_names(void **state)
{
	static const char *const names[] = {
		"base_reachable_time_ms", "delay_first_probe_time", "retrans_time_ms",
		"mcast_solicit", "ucast_solicit", "gc_stale_time", "unres_qlen",
	};
	static const int values[] = { 30000, 5, 1000, 3, 3, 60, 101 };
	char name[SYSCTL_NAME_MAX];

	(void)state;
	netdev_event(NETDEV_UP, &eth1);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(name, sizeof(name), "net.ipv4.neigh.eth1.%s", names[i]);
		assert_non_null(sysctl_find(name));
		assert_int_equal(*sysctl_find(name)->data, values[i]);
		snprintf(name, sizeof(name), "net.ipv4.neigh.default.%s", names[i]);
		assert_int_equal(*sysctl_find(name)->data, values[i]);
	}
	assert_int_equal(*sysctl_find("net.ipv4.neigh.default.gc_thresh1")->data, 128);
	assert_int_equal(*sysctl_find("net.ipv4.neigh.default.gc_thresh2")->data, 512);
	assert_int_equal(*sysctl_find("net.ipv4.neigh.default.gc_thresh3")->data, 1024);
	/* A default change reaches devices that never set their own value. */
	set_sysctl("net.ipv4.neigh.eth0.ucast_solicit", "7");
	set_sysctl("net.ipv4.neigh.default.ucast_solicit", "9");
	assert_int_equal(NEIGH_VAR(neigh_parms_get(&eth1), UCAST_SOLICIT), 9);
	assert_int_equal(NEIGH_VAR(neigh_parms_get(&eth0), UCAST_SOLICIT), 7);
	set_sysctl("net.ipv4.neigh.default.ucast_solicit", "3");
}

/* Entries in the given states, oldest first, for the gc tests. */
static void make_entry(be32 addr, uint8_t state)
{
	struct neighbour *n = neigh_lookup_or_create(&eth0, addr);

	assert_non_null(n);
	switch (state) {
	case NUD_INCOMPLETE:
		neigh_output(n, ip_skb(OURS, addr, 8, 0));
		break;
	case NUD_FAILED:
		neigh_update(n, NULL, NUD_FAILED, 0);
		break;
	case NUD_REACHABLE:
	case NUD_STALE:
		neigh_update(n, peer_mac, state, NEIGH_UPDATE_F_OVERRIDE);
		break;
	}
	assert_int_equal(n->nud_state, state);
	advance(1);
}

static void test_gc_evicts_failed_incomplete_then_oldest_stale(void **state)
{
	(void)state;
	neigh_gc_thresh1 = 2;
	neigh_gc_thresh2 = 8;
	neigh_gc_thresh3 = 8;
	make_entry(ip4(10, 0, 0, 10), NUD_STALE);	/* oldest stale */
	make_entry(ip4(10, 0, 0, 11), NUD_REACHABLE);
	make_entry(ip4(10, 0, 0, 12), NUD_FAILED);
	make_entry(ip4(10, 0, 0, 13), NUD_STALE);
	make_entry(ip4(10, 0, 0, 14), NUD_INCOMPLETE);
	make_entry(ip4(10, 0, 0, 15), NUD_REACHABLE);
	make_entry(ip4(10, 0, 0, 16), NUD_STALE);
	make_entry(ip4(10, 0, 0, 17), NUD_REACHABLE);
	assert_int_equal(neigh_entries(), 8);
	assert_int_equal(mib("NeighForcedGcRuns"), 0);
	/* At thresh3: the 9th makes room down to thresh2 (3 go), FAILED and
	 * INCOMPLETE first, then the oldest STALE. */
	neigh_gc_thresh2 = 5;
	make_entry(ip4(10, 0, 0, 18), NUD_INCOMPLETE);
	assert_int_equal(mib("NeighForcedGcRuns"), 1);
	assert_int_equal(mib("NeighGcEvicted"), 3);
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 12)));
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 14)));
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 10)));
	assert_non_null(neigh_lookup(&eth0, ip4(10, 0, 0, 13)));
	assert_non_null(neigh_lookup(&eth0, ip4(10, 0, 0, 16)));
	assert_int_equal(neigh_entries(), 6);
	/* The INCOMPLETE entry's queued packet was freed with it. */
	assert_int_equal(mib("NeighUnresFlushDrops"), 1);
}

static void test_flood_cannot_lock_out_peers(void **state)
{
	unsigned int made = 0;

	(void)state;
	neigh_gc_thresh1 = 16;
	neigh_gc_thresh2 = 32;
	neigh_gc_thresh3 = 64;
	reachable_peer();
	/* Replies to 1000 spoofed on-link sources: each an INCOMPLETE entry. */
	for (unsigned int i = 0; i < 1000; i++) {
		be32 dst = ip4(10, 0, 1 + i / 250, i % 250);
		struct neighbour *n = neigh_lookup_or_create(&eth0, dst);

		if (n) {
			neigh_output(n, ip_skb(OURS, dst, 8, 0));
			made++;
		}
		tx_count = 0;
		assert_true(neigh_entries() <= 64);
	}
	assert_int_equal(made, 1000);
	assert_int_equal(mib("NeighTableFull"), 0);
	/* The real peer is still there and still on the fast path. */
	assert_int_equal(entry(PEER)->nud_state, NUD_REACHABLE);
	/* A new real peer still gets an entry. */
	assert_non_null(neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 3)));
	advance(LATE(4000));
}

static void test_table_full_of_busy_entries(void **state)
{
	(void)state;
	neigh_gc_thresh2 = 2;
	neigh_gc_thresh3 = 4;
	for (unsigned int i = 0; i < 4; i++)
		make_entry(ip4(10, 0, 0, 20 + i), NUD_REACHABLE);
	/* Nothing may be evicted: the create fails and is counted. */
	assert_null(neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 30)));
	assert_int_equal(mib("NeighTableFull"), 1);
	assert_non_null(strstr(printk_capture, "neigh: table overflow"));
	assert_int_equal(neigh_xmit(&eth0, ip4(10, 0, 0, 30), ip_skb(OURS, 0, 8, 0)), -ENOBUFS);
	assert_int_equal(mib("NeighTableFull"), 2);
}

static void test_periodic_gc(void **state)
{
	(void)state;
	neigh_gc_thresh1 = 3;
	make_entry(ip4(10, 0, 0, 40), NUD_FAILED);
	make_entry(ip4(10, 0, 0, 41), NUD_STALE);
	/* Below thresh1 nothing is collected, however old. */
	advance(200000);
	assert_int_equal(neigh_entries(), 2);
	make_entry(ip4(10, 0, 0, 42), NUD_STALE);
	advance(LATE(15000));
	/* FAILED goes at once, STALE unused for gc_stale_time (60 s) too. */
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 40)));
	assert_null(neigh_lookup(&eth0, ip4(10, 0, 0, 41)));
	assert_non_null(neigh_lookup(&eth0, ip4(10, 0, 0, 42)));
	assert_int_equal(mib("NeighGcExpired"), 2);
}

static void test_permanent(void **state)
{
	struct neighbour *n = neigh_lookup_or_create(&eth0, PEER);

	(void)state;
	assert_int_equal(neigh_update(n, peer_mac, NUD_PERMANENT,
				      NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN), 0);
	/* ARP cannot change it... */
	assert_int_equal(neigh_update(n, peer2_mac, NUD_REACHABLE, NEIGH_UPDATE_F_OVERRIDE), -EPERM);
	arp_in(&eth0, ARPOP_REQUEST, peer2_mac, PEER, NULL, PEER, PACKET_BROADCAST);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	/* ...no timer moves it, no gc takes it. */
	neigh_gc_thresh1 = 0;
	advance(400000);
	assert_int_equal(n->nud_state, NUD_PERMANENT);
	send_to(PEER, 3);
	expect_ip_frame(&tx[tx_count - 1], peer_mac, 3);
	/* Carrier loss keeps it; the device going down does not. */
	eth0.carrier = false;
	netdev_event(NETDEV_CHANGE, &eth0);
	assert_non_null(neigh_lookup(&eth0, PEER));
	eth0.carrier = true;
	netdev_event(NETDEV_DOWN, &eth0);
	assert_null(neigh_lookup(&eth0, PEER));
}

static void test_noarp_broadcast_multicast(void **state)
{
	static const uint8_t mdns[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

	(void)state;
	send_to(ip4(10, 0, 0, 255), 1);
	send_to(ip4(255, 255, 255, 255), 2);
	send_to(ip4(224, 0, 0, 251), 3);
	assert_int_equal(tx_count, 3);
	expect_ip_frame(&tx[0], bcast_mac, 1);
	expect_ip_frame(&tx[1], bcast_mac, 2);
	expect_ip_frame(&tx[2], mdns, 3);
	assert_int_equal(entry(ip4(224, 0, 0, 251))->nud_state, NUD_NOARP);
	assert_int_equal(mib("ArpOutRequests"), 0);
}

static void test_carrier_down_and_changeaddr(void **state)
{
	struct neighbour *n;

	(void)state;
	send_to(ip4(10, 0, 0, 9), 1);		/* INCOMPLETE, one queued */
	reachable_peer();
	eth0.carrier = false;
	netdev_event(NETDEV_CHANGE, &eth0);
	assert_int_equal(neigh_entries(), 0);
	assert_int_equal(mib("NeighUnresFlushDrops"), 1);
	eth0.carrier = true;
	netdev_event(NETDEV_CHANGE, &eth0);

	/* A new MAC: learned entries go, the kept ones send from the new MAC. */
	reachable_peer();
	n = neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 5));
	neigh_update(n, peer2_mac, NUD_PERMANENT, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
	eth0.dev_addr[5] = 0x99;
	netdev_event(NETDEV_CHANGEADDR, &eth0);
	assert_null(neigh_lookup(&eth0, PEER));
	tx_count = 0;
	send_to(ip4(10, 0, 0, 5), 4);
	expect_ip_frame(&tx[0], peer2_mac, 4);
	assert_int_equal(tx[0].data[11], 0x99);
}

static void test_update_rules(void **state)
{
	struct neighbour *n;

	(void)state;
	n = reachable_peer();
	/* A different MAC without OVERRIDE is not believed. */
	assert_int_equal(neigh_update(n, peer2_mac, NUD_STALE, 0), 0);
	assert_memory_equal(n->ha, peer_mac, ETH_ALEN);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	/* The same MAC heard in a request does not demote REACHABLE. */
	neigh_update(n, peer_mac, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
	assert_int_equal(n->nud_state, NUD_REACHABLE);
	/* With OVERRIDE a new MAC is taken, unconfirmed: STALE. */
	neigh_update(n, peer2_mac, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
	assert_int_equal(n->nud_state, NUD_STALE);
	assert_memory_equal(n->hh.h_dest, peer2_mac, ETH_ALEN);
	/* A valid state needs an address to start from. */
	struct neighbour *m = neigh_lookup_or_create(&eth0, ip4(10, 0, 0, 77));

	assert_int_equal(neigh_update(m, NULL, NUD_REACHABLE, NEIGH_UPDATE_F_ADMIN), -EINVAL);
	assert_int_equal(neigh_delete(&eth0, ip4(10, 0, 0, 77)), 0);
	assert_int_equal(neigh_delete(&eth0, ip4(10, 0, 0, 77)), -ENOENT);
}

static void test_no_headroom_counted(void **state)
{
	struct neighbour *n;
	struct sk_buff *skb;

	(void)state;
	n = reachable_peer();
	/* An skb that cannot take a MAC header (no room, no way to grow: its
	 * struct is shared) is dropped and counted, not sent short. */
	skb = alloc_skb(28);
	skb_put(skb, 28);
	skb_get(skb);
	assert_int_equal(neigh_output(n, skb), -ENOBUFS);
	assert_int_equal(mib("NeighOutNoHeadroom"), 1);
	assert_int_equal(tx_count, 0);
	kfree_skb(skb);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, neigh_setup, neigh_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_incomplete_retries_then_failed),
		T(test_resolution_flushes_queue_in_order),
		T(test_queue_overflow_drops_oldest),
		T(test_table_queue_budget),
		T(test_reachable_to_stale),
		T(test_reachable_time_is_drawn),
		T(test_stale_to_delay_to_reachable),
		T(test_delay_probe_failed),
		T(test_probe_to_reachable),
		T(test_probe_sees_new_mac),
		T(test_sysctl_tunes_timers),
		T(test_sysctl_defaults_and_names),
		T(test_gc_evicts_failed_incomplete_then_oldest_stale),
		T(test_flood_cannot_lock_out_peers),
		T(test_table_full_of_busy_entries),
		T(test_periodic_gc),
		T(test_permanent),
		T(test_noarp_broadcast_multicast),
		T(test_carrier_down_and_changeaddr),
		T(test_update_rules),
		T(test_no_headroom_counted),
	};

	return cmocka_run_group_tests(tests, neigh_group_setup, neigh_group_teardown);
}
