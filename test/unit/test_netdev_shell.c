/* The device layer's shell commands: `ip link` show and set in iproute2's
 * words and errors, `ip -s link` statistics, and `softnet`. Devices and fakes
 * from netdev_fixture.h. */
#include <string.h>
#include "netdev_fixture.h"
#include "kernel/shell.h"

extern const struct shell_cmd __start_shellcmds[], __stop_shellcmds[];

static int run_cmd(const char *line)
{
	char buf[128], *argv[SHELL_MAX_ARGS + 1], *save = NULL;
	int argc = 0;

	assert_true(strlen(line) < sizeof(buf));
	strcpy(buf, line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < SHELL_MAX_ARGS;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	for (const struct shell_cmd *c = __start_shellcmds; c < __stop_shellcmds; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(argc, argv);
	fail_msg("no shell command %s", argv[0]);
	return -1;
}

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
	assert_non_null(strstr(printk_capture, "5: eth3: <BROADCAST,MULTICAST> mtu 1500 qdisc "
				"noqueue state DOWN"));
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
	assert_int_equal(run_cmd("ip link set dev eth3 mtu 9000"), -1);
	assert_string_equal(printk_capture,
			    "Error: either \"dev\" is duplicate, or \"mtu\" is a garbage.\n");
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
		"1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
		"mode DEFAULT group default\n"
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
		"2: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN "
		"mode DEFAULT group default\n"
		"    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff\n"));
	assert_non_null(strstr(printk_capture, "3: lan0: "));
	assert_non_null(strstr(printk_capture, "4: eth2: "));

	/* Up without carrier; a changed address shows the permanent one. */
	printk_capture_reset();
	fa.dev.carrier = false;
	fa.dev.dev_addr[5] = 0x99;
	assert_int_equal(run_cmd("ip l sh dev eth0"), 0);
	assert_string_equal(printk_capture,
		"1: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN "
		"mode DEFAULT group default\n"
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

static void test_softnet_command(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("softnet"), 0);
	assert_non_null(strstr(printk_capture, "processed"));
	assert_non_null(strstr(printk_capture, "time_squeeze"));
	assert_non_null(strstr(printk_capture, "tx dropped: queue_stopped "));
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
		T(test_softnet_command),
	};
	return cmocka_run_group_tests(tests, group_setup, test_skb_arena_group_teardown);
}
