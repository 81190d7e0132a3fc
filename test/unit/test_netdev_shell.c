/* The device layer's shell commands: `ip link` show and set (up/down, mtu,
 * txqueuelen) in iproute2's words and errors, `ip -s link` statistics,
 * `tc -s qdisc`, and `softnet`. Devices and fakes
 * from netdev_fixture.h. */
#include <string.h>
#include "netdev_fixture.h"
#include "shell_run.h"
#include "kernel/shell.h"


/* `ip link` lists every device: besides eth0 and eth1, one its driver
 * named and one more the core names. */
static struct fake_dev lan0, eth2;

static int group_setup(void **state)
{
	netdev_group_setup(state);
	fake_dev_init(&lan0, &noxmit_ops, 1, 1, 3);
	strcpy(lan0.dev.name, "lan0");
	assert_int_equal(register_netdev(&lan0.dev), 0);
	fake_dev_init(&eth2, &noxmit_ops, 1, 1, 4);
	assert_int_equal(register_netdev(&eth2.dev), 0);
	assert_string_equal(eth2.dev.name, "eth2");
	return 0;
}

static void test_ip_link_set(void **state)
{
	struct fake_dev *f = closable();

	(void)state;
	/* Silent on success, like iproute2. */
	assert_int_equal(run_cmd("ip link set dev eth3 up"), 0);
	assert_int_equal(printk_capture_len, 0);
	assert_true(f->dev.up);
	assert_int_equal(f->opens, 1);
	/* Already up: nothing to do. */
	assert_int_equal(run_cmd("ip link set eth3 up"), 0);
	assert_int_equal(f->opens, 1);
	assert_int_equal(run_cmd("ip link set eth3 down"), 0);
	assert_int_equal(printk_capture_len, 0);
	assert_false(f->dev.up);
	assert_int_equal(f->stops, 1);
	assert_int_equal(run_cmd("ip link show eth3"), 0);
	/* Opened once, so it has its qdisc; one TX queue: a pfifo as root. */
	assert_non_null(strstr(printk_capture, "5: eth3: <BROADCAST,MULTICAST> mtu 1500 qdisc "
				"pfifo state DOWN mode DEFAULT group default qlen 1000\n"));
	/* The last of up/down wins; "s" is set, as in iproute2; no change is no error. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ip l s up dev eth3 down up"), 0);
	assert_true(f->dev.up);
	assert_int_equal(run_cmd("ip link set dev eth3"), 0);
	assert_true(f->dev.up);
	assert_int_equal(run_cmd("ip link set dev eth3 down"), 0);
	assert_int_equal(printk_capture_len, 0);

	/* iproute2's errors. */
	assert_int_equal(run_cmd("ip link set dev eth9 up"), -1);
	assert_string_equal(printk_capture, "Cannot find device \"eth9\"\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set up"), -1);
	assert_string_equal(printk_capture,
			    "Not enough information: \"dev\" argument is required.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set eth3 dev"), -1);
	assert_string_equal(printk_capture, "Command line is not complete. Try option \"help\"\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set dev eth3 up eth4"), -1);
	assert_string_equal(printk_capture,
			    "Error: either \"dev\" is duplicate, or \"eth4\" is a garbage.\n");
	printk_capture_reset();
	f->open_rc = -1;
	assert_int_equal(run_cmd("ip link set eth3 up"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: Input/output error\n");
	assert_false(f->dev.up);
	assert_int_equal(f->stops, 2);
}

/* ---- shell ------------------------------------------------------------------- */

static void test_ip_link(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("ip link"), 0);
	assert_non_null(strstr(printk_capture,
		"1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP "
		"mode DEFAULT group default qlen 1000\n"
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
		"2: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN "
		"mode DEFAULT group default qlen 1000\n"
		"    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff\n"));
	assert_non_null(strstr(printk_capture, "3: lan0: "));
	assert_non_null(strstr(printk_capture, "4: eth2: "));

	/* Up without carrier; a changed address shows the permanent one. */
	printk_capture_reset();
	fa.dev.carrier = false;
	fa.dev.dev_addr[5] = 0x99;
	assert_int_equal(run_cmd("ip l sh dev eth0"), 0);
	assert_string_equal(printk_capture,
		"1: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc mq state DOWN "
		"mode DEFAULT group default qlen 1000\n"
		"    link/ether 52:54:00:12:34:99 brd ff:ff:ff:ff:ff:ff permaddr 52:54:00:12:34:56\n");
	fa.dev.carrier = true;
	fa.dev.dev_addr[5] = 0x56;

	printk_capture_reset();
	assert_int_equal(run_cmd("ip link show eth7"), -1);
	assert_string_equal(printk_capture, "Device \"eth7\" does not exist.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip addr"), -1);
	assert_non_null(strstr(printk_capture, "Object \"addr\" is unknown"));
	printk_capture_reset();
	assert_int_equal(run_cmd("ip -x link"), -1);
	assert_non_null(strstr(printk_capture, "Option \"-x\" is unknown"));
	printk_capture_reset();
	assert_int_equal(run_cmd("ip"), -1);
	assert_non_null(strstr(printk_capture, "Usage: ip"));
}

static void test_ip_s_link(void **state)
{
	(void)state;
	memset(&fa.stats, 0, sizeof(fa.stats));
	fa.stats.rx_bytes = 143530;
	fa.stats.rx_packets = 1083;
	fa.stats.tx_bytes = 130498;
	fa.stats.tx_packets = 1005;
	fa.stats.rx_crc_errors = 2;
	fa.stats.tx_dropped = 4;
	assert_int_equal(run_cmd("ip -s link show eth0"), 0);
	assert_non_null(strstr(printk_capture,
		"    RX:  bytes packets errors dropped  missed   mcast\n"
		"        143530    1083      0       0       0       0\n"
		"    TX:  bytes packets errors dropped carrier collsns\n"
		"        130498    1005      0       4       0       0\n"));
	assert_null(strstr(printk_capture, "RX errors"));

	/* Wide numbers widen their column; -s -s adds the error breakdown. */
	printk_capture_reset();
	fa.stats.rx_bytes = 123456789012345ULL;
	assert_int_equal(run_cmd("ip -s -s link show eth0"), 0);
	assert_non_null(strstr(printk_capture,
		"    RX:       bytes packets errors dropped  missed   mcast\n"
		"    123456789012345    1083      0       0       0       0\n"));
	assert_non_null(strstr(printk_capture, "    RX errors:      "));
	assert_non_null(strstr(printk_capture, "TX errors:"));
	assert_non_null(strstr(printk_capture, "nohandler"));
	memset(&fa.stats, 0, sizeof(fa.stats));

	/* A device without a stats method prints zeroes, not garbage. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ip -stats link show eth1"), 0);
	assert_non_null(strstr(printk_capture,
		"             0       0      0       0       0       0\n"));
}

/* mtu and txqueuelen: applied, announced, and every bad value named in one
 * line with nothing changed. */
static void test_ip_link_set_mtu_qlen(void **state)
{
	struct fake_dev *f = closable();

	(void)state;
	assert_int_equal(run_cmd("ip link set eth3 up"), 0);
	assert_int_equal(run_cmd("ip link set eth3 mtu 1400 txqueuelen 50"), 0);
	assert_int_equal(printk_capture_len, 0);
	assert_int_equal(f->dev.mtu, 1400);
	assert_int_equal(f->dev.tx_queue_len, 50);
	assert_int_equal(f->dev.qdisc->limit, 50);
	assert_int_equal(run_cmd("ip link show eth3"), 0);
	assert_non_null(strstr(printk_capture, "mtu 1400 qdisc pfifo state DOWN mode DEFAULT "
				"group default qlen 50\n"));

	static const struct { const char *cmd, *err; } bad[] = {
		{ "ip link set eth3 mtu 9000 txqueuelen 7", "Error: mtu greater than device maximum.\n" },
		{ "ip link set eth3 txqueuelen 7 mtu 67", "Error: mtu less than device minimum.\n" },
		{ "ip link set eth3 mtu 1x00 qlen 7",
		  "Error: argument \"1x00\" is wrong: Invalid \"mtu\" value\n" },
		{ "ip link set eth3 mtu 1300 txqueuelen -1",
		  "Error: argument \"-1\" is wrong: Invalid \"txqueuelen\" value\n" },
		{ "ip link set eth3 mtu 1300 txqlen 100001",
		  "Error: argument \"100001\" is wrong: Invalid \"txqueuelen\" value\n" },
		{ "ip link set eth3 mtu 1300 mtu 1200",
		  "Error: duplicate \"mtu\": \"1200\" is the second value.\n" },
		{ "ip link set eth3 mtu", "Command line is not complete. Try option \"help\"\n" },
		{ "ip link set eth3 down txqueuelen", "Command line is not complete. Try option \"help\"\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		printk_capture_reset();
		assert_int_equal(run_cmd(bad[i].cmd), -1);
		assert_string_equal(printk_capture, bad[i].err);
		assert_int_equal(f->dev.mtu, 1400);
		assert_int_equal(f->dev.tx_queue_len, 50);
		assert_true(f->dev.up);
	}
	/* The edges are accepted. */
	assert_int_equal(run_cmd("ip link set eth3 mtu 68 qlen 0"), 0);
	assert_int_equal(f->dev.mtu, 68);
	assert_int_equal(run_cmd("ip link set eth3 mtu 1500 qlen 1000 down"), 0);
	assert_int_equal(f->dev.tx_queue_len, 1000);
	assert_int_equal(f->dev.qdisc->limit, 1000);
	assert_false(f->dev.up);
}

/* iproute2's layout: the mq root, then a pfifo per queue with its class;
 * "dev NAME" only when not filtering on one. */
static void test_tc_qdisc(void **state)
{
	struct Qdisc *q1 = fa.dev.tx_queue[1].qdisc;

	(void)state;
	assert_int_equal(run_cmd("tc qdisc show dev eth0"), 0);
	assert_string_equal(printk_capture,
		"qdisc mq 0: root\n"
		"qdisc pfifo 0: parent :1 limit 1000p\n"
		"qdisc pfifo 0: parent :2 limit 1000p\n"
		"qdisc pfifo 0: parent :3 limit 1000p\n"
		"qdisc pfifo 0: parent :4 limit 1000p\n");

	/* Counters of queue 1 (index 1, class :2) and their sum in mq. */
	q1->bstats.bytes = 15140;
	q1->bstats.packets = 10;
	q1->qstats.drops = 3;
	q1->qstats.overlimits = 3;
	q1->qstats.requeues = 2;
	q1->qstats.backlog = 2048;
	q1->qstats.qlen = 0;
	printk_capture_reset();
	assert_int_equal(run_cmd("tc -s qdisc"), 0);
	assert_non_null(strstr(printk_capture,
		"qdisc mq 0: dev eth0 root\n"
		" Sent 15140 bytes 10 pkt (dropped 3, overlimits 3 requeues 2)\n"
		" backlog 2Kb 0p requeues 2\n"
		"qdisc pfifo 0: dev eth0 parent :1 limit 1000p\n"
		" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
		" backlog 0b 0p requeues 0\n"
		"qdisc pfifo 0: dev eth0 parent :2 limit 1000p\n"
		" Sent 15140 bytes 10 pkt (dropped 3, overlimits 3 requeues 2)\n"
		" backlog 2Kb 0p requeues 2\n"));
	/* Never opened: Linux's noop. */
	assert_non_null(strstr(printk_capture, "qdisc noop 0: dev eth1 root refcnt 2\n"
				" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"));
	q1->bstats = (struct gnet_stats_basic){ 0 };
	q1->qstats = (struct gnet_stats_queue){ 0 };

	printk_capture_reset();
	q1->qstats.backlog = 1515;
	assert_int_equal(run_cmd("tc -s qdisc show dev eth0"), 0);
	assert_non_null(strstr(printk_capture, " backlog 1515b 0p requeues 0\n"));
	q1->qstats.backlog = 0;

	static const struct { const char *cmd, *err; } bad[] = {
		{ "tc qdisc show dev eth9", "Cannot find device \"eth9\"\n" },
		{ "tc qdisc show dev", "Command line is not complete. Try option \"help\"\n" },
		{ "tc qdisc show eth0", "What is \"eth0\"? Try \"tc qdisc help\".\n" },
		{ "tc qdisc add dev eth0 root fq", "Command \"add\" is unknown, try \"tc qdisc help\".\n" },
		{ "tc class show", "Object \"class\" is unknown, try \"tc help\".\n" },
		{ "tc -x qdisc", "Option \"-x\" is unknown, try \"tc -help\".\n" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		printk_capture_reset();
		assert_int_equal(run_cmd(bad[i].cmd), -1);
		assert_string_equal(printk_capture, bad[i].err);
	}
}

static void test_softnet_command(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("softnet"), 0);
	assert_non_null(strstr(printk_capture, "processed"));
	assert_non_null(strstr(printk_capture, "time_squeeze"));
	assert_non_null(strstr(printk_capture, "tx dropped: queue_stopped "));
	assert_non_null(strstr(printk_capture, "tx sent: bypass "));
	assert_non_null(strstr(printk_capture, "net_tx: runs "));
	assert_non_null(strstr(printk_capture, " vlan "));
	assert_non_null(strstr(printk_capture, "skb: allocated "));
	assert_non_null(strstr(printk_capture, "eth0 tx-3: running stops "));
	assert_non_null(strstr(printk_capture, "eth1 tx-1: running"));
	assert_null(strstr(printk_capture, "eth1 tx-2"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, netdev_setup, netdev_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip_link_set),
		T(test_ip_link),
		T(test_ip_s_link),
		T(test_ip_link_set_mtu_qlen),
		T(test_tc_qdisc),
		T(test_softnet_command),
	};
	return cmocka_run_group_tests(tests, group_setup, test_skb_arena_group_teardown);
}
