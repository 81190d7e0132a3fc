/* Routes and addresses: longest-prefix match, the default route, dst
 * invalidation (rt_genid) on route, address and path-MTU changes, PMTU
 * expiry, limited broadcast without an address, input classification,
 * `route=` words, and the `ip addr` / `ip route` shell output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "host_support.h"
#include "ipv4_fakes.h"
#include "skb_arena.h"
#include "net/inetdevice.h"
#include "net/ip_shell.h"
#include "net/route.h"
#include "kernel/cmdline.h"

static int reset(void **state)
{
	(void)state;
	ipv4_fakes_reset();
	return 0;
}

static void add_eth0_addr(void)
{
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 2), 24, false), 0);
}

static void test_connected_route(void **state)
{
	struct rtable rt;

	(void)state;
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), -ENETUNREACH);
	add_eth0_addr();
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_ptr_equal(rt.dev, &fake_eth0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 1));
	assert_int_equal(rt.rt_src, ip4(10, 0, 0, 2));
	assert_int_equal(rt.rt_flags, 0);
	assert_int_equal(rt.rt_pmtu, 1500);
	assert_true(rt_valid(&rt));
	/* Off the subnet with no default route. */
	assert_int_equal(ip_route_output(ip4(192, 168, 1, 1), 0, &rt), -ENETUNREACH);
	assert_int_equal(fake_arp_announces, 1);
	assert_true(fake_wakeups >= 1);
}

static void test_longest_prefix_match(void **state)
{
	struct rtable rt;

	(void)state;
	add_eth0_addr();
	assert_int_equal(ip_route_add(0, 0, ip4(10, 0, 0, 1), NULL), 0);
	assert_int_equal(ip_route_add(ip4(172, 16, 0, 0), 16, ip4(10, 0, 0, 254), NULL), 0);
	assert_int_equal(ip_route_add(ip4(172, 16, 5, 0), 24, ip4(10, 0, 0, 253), NULL), 0);
	assert_int_equal(ip_route_add(ip4(172, 16, 5, 9), 32, ip4(10, 0, 0, 252), NULL), 0);

	assert_int_equal(ip_route_output(ip4(8, 8, 8, 8), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 1));
	assert_int_equal(rt.rt_src, ip4(10, 0, 0, 2));
	assert_int_equal(ip_route_output(ip4(172, 16, 1, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 254));
	assert_int_equal(ip_route_output(ip4(172, 16, 5, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 253));
	assert_int_equal(ip_route_output(ip4(172, 16, 5, 9), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 252));
	/* The connected /24 beats the default. */
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 77), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 77));

	/* Removing the /24 via .253 falls back to the /16. */
	assert_int_equal(ip_route_del(ip4(172, 16, 5, 0), 24, 0), 0);
	assert_int_equal(ip_route_output(ip4(172, 16, 5, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 254));
}

static void test_route_errors(void **state)
{
	(void)state;
	add_eth0_addr();
	/* Gateway not on any of our subnets. */
	assert_int_equal(ip_route_add(0, 0, ip4(192, 168, 9, 1), NULL), -ENETUNREACH);
	assert_int_equal(ip_route_add(0, 0, ip4(10, 0, 0, 1), NULL), 0);
	assert_int_equal(ip_route_add(0, 0, ip4(10, 0, 0, 9), NULL), -EEXIST);
	assert_int_equal(ip_route_add(ip4(172, 16, 0, 1), 16, ip4(10, 0, 0, 1), NULL), -EINVAL);
	assert_int_equal(ip_route_add(ip4(172, 16, 0, 0), 33, ip4(10, 0, 0, 1), NULL), -EINVAL);
	assert_int_equal(ip_route_add(ip4(172, 16, 0, 0), 16, 0, NULL), -EINVAL);
	assert_int_equal(ip_route_del(ip4(172, 16, 0, 0), 16, 0), -ESRCH);
	/* The connected route is the address's, not ip route del's. */
	assert_int_equal(ip_route_del(ip4(10, 0, 0, 0), 24, 0), -ESRCH);
	/* An on-link route by device alone. */
	assert_int_equal(ip_route_add(ip4(192, 168, 7, 0), 24, 0, &fake_eth0), 0);
}

static void test_dst_invalidation(void **state)
{
	struct rtable rt;

	(void)state;
	add_eth0_addr();
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_true(rt_valid(&rt));
	assert_int_equal(ip_route_add(0, 0, ip4(10, 0, 0, 1), NULL), 0);
	assert_false(rt_valid(&rt));

	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 3), 24, false), 0);
	assert_false(rt_valid(&rt));

	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	ip_rt_update_pmtu(ip4(10, 0, 0, 1), 1400);
	assert_false(rt_valid(&rt));

	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(ip_route_del(0, 0, 0), 0);
	assert_false(rt_valid(&rt));

	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	rt_cache_flush();
	assert_false(rt_valid(&rt));
}

static void test_pmtu(void **state)
{
	struct rtable rt;
	uint32_t mtu;
	uint64_t expires;

	(void)state;
	add_eth0_addr();
	ip_rt_update_pmtu(ip4(10, 0, 0, 1), 1400);
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_pmtu, 1400);
	assert_true(ip_rt_pmtu_get(ip4(10, 0, 0, 1), &mtu, &expires));
	assert_int_equal(expires, fake_now_ms + 600 * 1000);
	/* Other destinations keep the device MTU. */
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 5), 0, &rt), 0);
	assert_int_equal(rt.rt_pmtu, 1500);
	/* Clamped to min_pmtu, and only ever lowered by reports. */
	ip_rt_update_pmtu(ip4(10, 0, 0, 1), 300);
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_pmtu, 552);
	ip_rt_update_pmtu(ip4(10, 0, 0, 1), 1000);
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_pmtu, 552);
	assert_true(rt_valid(&rt));
	/* 10 minutes later the cached route is stale and the MTU back. */
	fake_clock_advance(599 * 1000);
	assert_true(rt_valid(&rt));
	fake_clock_advance(1000);
	assert_false(rt_valid(&rt));
	assert_false(ip_rt_pmtu_get(ip4(10, 0, 0, 1), &mtu, &expires));
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_pmtu, 1500);
	/* A full table recycles the entry expiring first. */
	for (unsigned int i = 0; i < 40; i++) {
		ip_rt_update_pmtu(ip4(10, 0, 1, (uint8_t)i), 1300);
		fake_clock_advance(1);
	}
	assert_false(ip_rt_pmtu_get(ip4(10, 0, 1, 0), &mtu, &expires));
	assert_true(ip_rt_pmtu_get(ip4(10, 0, 1, 39), &mtu, &expires));
}

static void test_broadcast_without_address(void **state)
{
	struct rtable rt;

	(void)state;
	assert_int_equal(ip_route_output(htonl(0xFFFFFFFFu), 0, &rt), 0);
	assert_ptr_equal(rt.dev, &fake_eth0);
	assert_int_equal(rt.rt_src, 0);
	assert_int_equal(rt.rt_flags, RTCF_BROADCAST);
	assert_int_equal(rt.rt_gateway, htonl(0xFFFFFFFFu));
	/* No device up: nowhere to send it. */
	fake_eth0.up = false;
	assert_int_equal(ip_route_output(htonl(0xFFFFFFFFu), 0, &rt), -ENETUNREACH);
	fake_eth0.up = true;
	/* With an address the source is filled in; the subnet broadcast too. */
	add_eth0_addr();
	assert_int_equal(ip_route_output(htonl(0xFFFFFFFFu), 0, &rt), 0);
	assert_int_equal(rt.rt_src, ip4(10, 0, 0, 2));
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 255), 0, &rt), 0);
	assert_int_equal(rt.rt_flags, RTCF_BROADCAST);
	assert_int_equal(ip_route_output(ip4(224, 0, 0, 251), 0, &rt), 0);
	assert_int_equal(rt.rt_flags, RTCF_MULTICAST);
	/* Routes through a device that is down are skipped. */
	fake_eth0.up = false;
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), -ENETUNREACH);
}

static void test_route_input(void **state)
{
	struct in_device *in_dev = in_dev_get(&fake_eth0);
	be32 peer = ip4(10, 0, 0, 1);

	(void)state;
	add_eth0_addr();
	assert_int_equal(ip_route_input(ip4(10, 0, 0, 2), peer, &fake_eth0), RTCF_LOCAL);
	assert_int_equal(ip_route_input(htonl(0xFFFFFFFFu), peer, &fake_eth0), RTCF_BROADCAST);
	assert_int_equal(ip_route_input(ip4(10, 0, 0, 255), peer, &fake_eth0), RTCF_BROADCAST);
	assert_int_equal(ip_route_input(ip4(224, 0, 0, 1), peer, &fake_eth0), RTCF_MULTICAST);
	assert_int_equal(ip_route_input(ip4(224, 0, 0, 251), peer, &fake_eth0), -EHOSTUNREACH);
	assert_int_equal(ip_route_input(ip4(10, 0, 0, 3), peer, &fake_eth0), -EHOSTUNREACH);
	assert_int_equal(ip_route_input(ip4(127, 0, 0, 1), peer, &fake_eth0), -EHOSTUNREACH);
	assert_int_equal(ip_route_input(0, peer, &fake_eth0), -EHOSTUNREACH);
	/* DHCP before its lease: the OFFER may come to the offered address. */
	in_dev->accept_any_unicast = true;
	assert_int_equal(ip_route_input(ip4(10, 0, 0, 3), peer, &fake_eth0), RTCF_LOCAL);
	in_dev->accept_any_unicast = false;
}

static void test_addresses(void **state)
{
	struct rtable rt;
	struct fib_route r[FIB_MAX_ROUTES];

	(void)state;
	assert_int_equal(inet_addr_add(&fake_eth0, 0, 24, false), -EINVAL);
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(224, 0, 0, 1), 24, false), -EINVAL);
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 2), 33, false), -EINVAL);
	add_eth0_addr();
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 2), 24, false), -EEXIST);
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 3), 24, false), 0);
	assert_true(inet_addr_is_local(ip4(10, 0, 0, 3)));
	assert_true(inet_addr_is_broadcast(&fake_eth0, ip4(10, 0, 0, 255)));
	assert_false(inet_addr_is_broadcast(&fake_eth0, ip4(10, 0, 0, 254)));
	assert_int_equal(inet_select_addr(&fake_eth0, ip4(10, 0, 0, 9)), ip4(10, 0, 0, 2));
	assert_int_equal(inet_select_addr(&fake_eth0, ip4(8, 8, 8, 8)), ip4(10, 0, 0, 2));
	assert_int_equal(inet_select_addr(&fake_eth1, ip4(8, 8, 8, 8)), 0);
	/* One connected route for the subnet. */
	assert_int_equal(ip_route_dump(r, FIB_MAX_ROUTES), 1);
	assert_int_equal(ip_route_add(0, 0, ip4(10, 0, 0, 1), NULL), 0);
	/* Deleting the primary promotes the secondary as the route's source. */
	assert_int_equal(inet_addr_del(&fake_eth0, ip4(10, 0, 0, 2), 16), -EADDRNOTAVAIL);
	assert_int_equal(inet_addr_del(&fake_eth0, ip4(10, 0, 0, 2), 24), 0);
	assert_int_equal(ip_route_output(ip4(10, 0, 0, 1), 0, &rt), 0);
	assert_int_equal(rt.rt_src, ip4(10, 0, 0, 3));
	assert_int_equal(ip_route_output(ip4(8, 8, 8, 8), 0, &rt), 0);
	/* The last address of the subnet takes its route and the default
	 * route through it. */
	assert_int_equal(inet_addr_del(&fake_eth0, ip4(10, 0, 0, 3), 24), 0);
	assert_int_equal(ip_route_dump(r, FIB_MAX_ROUTES), 0);
	assert_false(inet_addr_is_local(ip4(10, 0, 0, 3)));
	/* /31 and /32 have no broadcast. */
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 9, 0, 1), 31, false), 0);
	assert_int_equal(in_dev_get(&fake_eth0)->ifa[0].ifa_broadcast, 0);
}

static unsigned int notified_up, notified_down;
static bool notifier_armed;	/* the chain has no unregister: later tests disarm it */
static void count_notify(struct inetaddr_notifier *nb, int event, struct net_device *dev,
			 const struct in_ifaddr *ifa)
{
	(void)nb;
	(void)dev;
	if (!notifier_armed)
		return;
	assert_int_equal(ifa->ifa_local, ip4(10, 0, 0, 2));
	if (event == INETADDR_UP)
		notified_up++;
	else
		notified_down++;
}

static void test_inetaddr_notifier(void **state)
{
	static struct inetaddr_notifier nb = { .notify = count_notify };

	(void)state;
	notifier_armed = true;
	register_inetaddr_notifier(&nb);
	add_eth0_addr();
	assert_int_equal(notified_up, 1);
	assert_int_equal(inet_addr_del(&fake_eth0, ip4(10, 0, 0, 2), 24), 0);
	assert_int_equal(notified_down, 1);
	notifier_armed = false;
	assert_int_equal(fake_arp_announces, 1);
}

static void test_cmdline_routes(void **state)
{
	struct rtable rt;
	int warnings;

	(void)state;
	warnings = cmdline_parse_kparams("route=172.16.0.0/16,via=10.0.0.254 "
					 "route=192.168.0.0/24,via=10.0.0.253 "
					 "route=10.1.2.3/8,via=10.0.0.1 route=1.2.3.0/24");
	/* Two bad words, one warning line each, each naming route. */
	assert_int_equal(warnings, 2);
	assert_int_equal(printk_capture_lines(), 2);
	assert_non_null(strstr(printk_capture, "for route"));
	/* Installed once the gateway becomes reachable. */
	assert_int_equal(ip_route_output(ip4(172, 16, 3, 3), 0, &rt), -ENETUNREACH);
	add_eth0_addr();
	assert_int_equal(ip_route_output(ip4(172, 16, 3, 3), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 254));
	assert_int_equal(ip_route_output(ip4(192, 168, 0, 3), 0, &rt), 0);
	assert_int_equal(rt.rt_gateway, ip4(10, 0, 0, 253));
	/* They go with the address and come back with it (a new lease). */
	assert_int_equal(inet_addr_del(&fake_eth0, ip4(10, 0, 0, 2), 24), 0);
	assert_int_equal(ip_route_output(ip4(172, 16, 3, 3), 0, &rt), -ENETUNREACH);
	add_eth0_addr();
	assert_int_equal(ip_route_output(ip4(172, 16, 3, 3), 0, &rt), 0);
}

/* The `ip` objects by name, as the shell's `ip` command finds them (that
 * lookup lives with the command, which this suite does not link). */
extern const struct ip_object __start_ipobjects[] __attribute__((weak));
extern const struct ip_object __stop_ipobjects[] __attribute__((weak));
static const struct ip_object *find_ip_object(const char *word)
{
	for (const struct ip_object *o = __start_ipobjects; o < __stop_ipobjects; o++)
		if (!strncmp(word, o->name, strlen(word)))
			return o;
	return NULL;
}

static int run_ip(const char *line)
{
	char buf[256];
	char *argv[16];
	int argc = 0;
	const struct ip_object *o;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 16; t = strtok(NULL, " "))
		argv[argc++] = t;
	o = find_ip_object(argv[1]);
	assert_non_null(o);
	return o->fn(argc - 1, argv + 1);
}

static void test_shell_output(void **state)
{
	(void)state;
	assert_int_equal(run_ip("ip addr add 10.0.0.2/24 dev eth0"), 0);
	assert_int_equal(run_ip("ip addr add 10.0.0.2/24 dev eth0"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: File exists\n");
	assert_int_equal(inet_addr_add(&fake_eth0, ip4(10, 0, 0, 9), 24, true), 0);
	printk_capture_reset();
	assert_int_equal(run_ip("ip a show eth0"), 0);
	assert_string_equal(printk_capture,
		"1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo state UP group default\n"
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
		"    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet 10.0.0.9/24 brd 10.0.0.255 scope global dynamic secondary eth0\n"
		"       valid_lft forever preferred_lft forever\n");

	/* The route= words of test_cmdline_routes are back with the address. */
	assert_int_equal(run_ip("ip route add default via 10.0.0.1"), 0);
	assert_int_equal(run_ip("ip route add 172.17.0.0/16 via 10.0.0.254 dev eth0"), 0);
	assert_int_equal(run_ip("ip route add 192.168.5.0/24 dev eth0"), 0);
	assert_int_equal(run_ip("ip route add 192.168.6.7 via 10.0.0.254"), 0);
	printk_capture_reset();
	assert_int_equal(run_ip("ip r"), 0);
	assert_string_equal(printk_capture,
		"default via 10.0.0.1 dev eth0\n"
		"10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2\n"
		"172.16.0.0/16 via 10.0.0.254 dev eth0\n"
		"172.17.0.0/16 via 10.0.0.254 dev eth0\n"
		"192.168.0.0/24 via 10.0.0.253 dev eth0\n"
		"192.168.5.0/24 dev eth0 scope link\n"
		"192.168.6.7 via 10.0.0.254 dev eth0\n");

	printk_capture_reset();
	assert_int_equal(run_ip("ip route get 10.0.0.1"), 0);
	assert_string_equal(printk_capture, "10.0.0.1 dev eth0 src 10.0.0.2\n    cache\n");
	ip_rt_update_pmtu(ip4(8, 8, 8, 8), 1400);
	printk_capture_reset();
	assert_int_equal(run_ip("ip route get 8.8.8.8"), 0);
	assert_string_equal(printk_capture, "8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.2\n"
			    "    cache expires 600sec mtu 1400\n");

	printk_capture_reset();
	assert_int_equal(run_ip("ip route add 10.7.0.0/16 via 10.9.0.1"), -1);
	assert_string_equal(printk_capture, "Error: Nexthop has invalid gateway.\n");
	printk_capture_reset();
	assert_int_equal(run_ip("ip route add 10.7.0.1/16 via 10.0.0.1"), -1);
	assert_string_equal(printk_capture, "Error: Invalid prefix for given prefix length.\n");
	printk_capture_reset();
	assert_int_equal(run_ip("ip route del 10.7.0.0/16"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: No such process\n");
	assert_int_equal(run_ip("ip route del 172.17.0.0/16 via 10.0.0.254"), 0);
	printk_capture_reset();
	assert_int_equal(run_ip("ip addr del 10.0.0.7/24 dev eth0"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: Cannot assign requested address\n");
	assert_int_equal(run_ip("ip addr del 10.0.0.9/24 dev eth0"), 0);
	printk_capture_reset();
	assert_int_equal(run_ip("ip route get 1.2.3.4"), 0);
	fake_eth0.carrier = false;
	printk_capture_reset();
	assert_int_equal(run_ip("ip route"), 0);
	assert_non_null(strstr(printk_capture, "src 10.0.0.2 linkdown\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_connected_route, reset),
		cmocka_unit_test_teardown(test_longest_prefix_match, reset),
		cmocka_unit_test_teardown(test_route_errors, reset),
		cmocka_unit_test_teardown(test_dst_invalidation, reset),
		cmocka_unit_test_teardown(test_pmtu, reset),
		cmocka_unit_test_teardown(test_broadcast_without_address, reset),
		cmocka_unit_test_teardown(test_route_input, reset),
		cmocka_unit_test_teardown(test_addresses, reset),
		cmocka_unit_test_teardown(test_inetaddr_notifier, reset),
		cmocka_unit_test_teardown(test_cmdline_routes, reset),
		cmocka_unit_test_teardown(test_shell_output, reset),
	};

	return cmocka_run_group_tests(tests, ipv4_group_setup, ipv4_group_teardown);
}
