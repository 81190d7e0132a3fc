/* Command line parser: every type, every malformed form, and a random-bytes fuzz
 * loop that must neither crash under ASan nor leave a variable out of its limits. */
#include <stdio.h>
#include <string.h>
#include "host_support.h"
#include "kernel/cmdline.h"

static bool t_flag;
static int t_queues;
static int t_offset;
static unsigned int t_itr;
static char t_app[16];
static const char *const t_modes[] = { "off", "poll", "irq" };
static int t_mode;
static uint32_t t_gw;
static struct ipv4_cidr t_route;

struct ip_conf {
	bool dhcp;
	struct ipv4_cidr addr;
};
static struct ip_conf t_ip;

static int ip_parse(const char *val, void *var)
{
	struct ip_conf *c = var;
	struct ipv4_cidr v;
	const char *end;

	if (strcmp(val, "dhcp") == 0) {
		c->dhcp = true;
		return 0;
	}
	end = cmdline_scan_ipv4_cidr(val, &v);
	if (!end || *end)
		return -1;
	c->dhcp = false;
	c->addr = v;
	return 0;
}

static void ip_format(const void *var, char *buf, size_t size)
{
	const struct ip_conf *c = var;
	char a[16];

	if (c->dhcp) {
		snprintf(buf, size, "dhcp");
		return;
	}
	cmdline_format_ipv4(c->addr.addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, c->addr.prefix_len);
}

static const struct kparam_custom ip_ops = {
	.parse = ip_parse,
	.format = ip_format,
	.expected = "dhcp or a.b.c.d/n",
};

KPARAM_BOOL("flag", t_flag, "a switch");
KPARAM_INT("queues", t_queues, 1, 16, "queue pairs");
KPARAM_INT("offset", t_offset, -100, 100, "signed knob");
KPARAM_UINT("igb.itr", t_itr, 0, 10000, "interrupt throttle");
KPARAM_STRING("app", t_app, "application");
KPARAM_ENUM("mode", t_mode, t_modes, "rx mode");
KPARAM_IPV4("gw", t_gw, "default gateway");
KPARAM_IPV4_CIDR("route", t_route, "a route");
KPARAM_CUSTOM("ip", t_ip, &ip_ops, "address or dhcp");

#define NR_TEST_PARAMS 9

static void set_defaults(void)
{
	t_flag = false;
	t_queues = 4;
	t_offset = -5;
	t_itr = 100;
	strcpy(t_app, "echo");
	t_mode = 2;
	t_gw = 0x0a000001;
	t_route = (struct ipv4_cidr){ 0xc0a80000, 16 };
	t_ip = (struct ip_conf){ false, { 0x0a000002, 24 } };
}

static void assert_defaults(void)
{
	assert_false(t_flag);
	assert_int_equal(t_queues, 4);
	assert_int_equal(t_offset, -5);
	assert_int_equal(t_itr, 100);
	assert_string_equal(t_app, "echo");
	assert_int_equal(t_mode, 2);
	assert_int_equal(t_gw, 0x0a000001);
	assert_int_equal(t_route.addr, 0xc0a80000);
	assert_int_equal(t_route.prefix_len, 16);
	assert_false(t_ip.dhcp);
	assert_int_equal(t_ip.addr.addr, 0x0a000002);
	assert_int_equal(t_ip.addr.prefix_len, 24);
}

static int setup(void **state)
{
	(void)state;
	set_defaults();
	printk_capture_reset();
	return 0;
}

static int parse(const char *s)
{
	printk_capture_reset();
	return cmdline_parse_kparams(s);
}

static void test_section_holds_all_params(void **state)
{
	(void)state;
	printk_capture_reset();
	cmdline_dump();
	assert_int_equal(printk_capture_lines(), NR_TEST_PARAMS);
	assert_non_null(strstr(printk_capture, "queues"));
	assert_non_null(strstr(printk_capture, "igb.itr"));
	assert_non_null(strstr(printk_capture, "\"echo\""));
	assert_non_null(strstr(printk_capture, "10.0.0.2/24"));
	assert_non_null(strstr(printk_capture, "192.168.0.0/16"));
	assert_non_null(strstr(printk_capture, "integer 1..16"));
	assert_non_null(strstr(printk_capture, "one of off|poll|irq"));
}

static void test_good_every_type(void **state)
{
	(void)state;
	assert_int_equal(parse("flag=on queues=16 offset=-100 igb.itr=10000 app=discard "
			       "mode=poll gw=192.168.1.254 route=0.0.0.0/0 ip=dhcp"), 0);
	assert_int_equal(printk_capture_lines(), 0);
	assert_true(t_flag);
	assert_int_equal(t_queues, 16);
	assert_int_equal(t_offset, -100);
	assert_int_equal(t_itr, 10000);
	assert_string_equal(t_app, "discard");
	assert_int_equal(t_mode, 1);
	assert_int_equal(t_gw, 0xc0a801fe);
	assert_int_equal(t_route.addr, 0);
	assert_int_equal(t_route.prefix_len, 0);
	assert_true(t_ip.dhcp);

	assert_int_equal(parse("queues=1 offset=0x10 igb.itr=0 route=255.255.255.255/32 "
			       "ip=172.16.5.4/12 mode=OFF gw=0.0.0.0"), 0);
	assert_int_equal(t_queues, 1);
	assert_int_equal(t_offset, 16);
	assert_int_equal(t_itr, 0);
	assert_int_equal(t_route.addr, 0xffffffff);
	assert_int_equal(t_route.prefix_len, 32);
	assert_false(t_ip.dhcp);
	assert_int_equal(t_ip.addr.addr, 0xac100504);
	assert_int_equal(t_ip.addr.prefix_len, 12);
	assert_int_equal(t_mode, 0);
	assert_int_equal(t_gw, 0);
}

static void test_bool_forms(void **state)
{
	static const struct { const char *s; bool v; } cases[] = {
		{ "flag", true }, { "flag=1", true }, { "flag=0", false },
		{ "flag=on", true }, { "flag=off", false }, { "flag=yes", true },
		{ "flag=no", false }, { "flag=true", true }, { "flag=false", false },
		{ "flag=ON", true }, { "flag=False", false }, { "flag=\"yes\"", true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		t_flag = !cases[i].v;
		assert_int_equal(parse(cases[i].s), 0);
		assert_int_equal(t_flag, cases[i].v);
	}
}

static void test_string_limits(void **state)
{
	(void)state;
	assert_int_equal(parse("app=123456789012345"), 0);
	assert_string_equal(t_app, "123456789012345");
	assert_int_equal(parse("app="), 0);
	assert_string_equal(t_app, "");
	assert_int_equal(parse("app=\"\""), 0);
	assert_string_equal(t_app, "");
}

static void test_quoted_values(void **state)
{
	(void)state;
	assert_int_equal(parse("app=\"hello world\" queues=3"), 0);
	assert_string_equal(t_app, "hello world");
	assert_int_equal(t_queues, 3);
	assert_int_equal(parse("\"app=a b\""), 0);
	assert_string_equal(t_app, "a b");
	assert_int_equal(parse("app=x\" \"y"), 0);
	assert_string_equal(t_app, "x y");
	assert_int_equal(parse("queues=\"7\""), 0);
	assert_int_equal(t_queues, 7);
}

static void test_last_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("queues=2 app=a queues=8 app=b"), 0);
	assert_int_equal(t_queues, 8);
	assert_string_equal(t_app, "b");
	/* A bad repeat keeps what the earlier good word set. */
	assert_int_equal(parse("queues=2 queues=99"), 1);
	assert_int_equal(t_queues, 2);
}

static void test_blank_lines(void **state)
{
	static const char *const cases[] = { "", " ", "   \t\n\r  ", "\v\f" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(cases[i]), 0);
		assert_int_equal(printk_capture_lines(), 0);
	}
	assert_int_equal(cmdline_parse(NULL, NULL, 0), 0);
	assert_defaults();
}

static void test_unknown_keys(void **state)
{
	static const char *const keys[] = { "foo", "foo=bar", "igb.itrx=3", "igb=3",
					    "Queues=4", "queues.x=1", "q" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char name[32];
		size_t n = strcspn(keys[i], "=");

		assert_int_equal(parse(keys[i]), 1);
		assert_int_equal(printk_capture_lines(), 1);
		snprintf(name, sizeof(name), "'%.*s'", (int)n, keys[i]);
		assert_non_null(strstr(printk_capture, name));
		assert_non_null(strstr(printk_capture, "cmdline: unknown option"));
		assert_defaults();
	}
	/* Known words around an unknown one still apply. */
	assert_int_equal(parse("queues=5 bogus=1 app=x"), 1);
	assert_int_equal(t_queues, 5);
	assert_string_equal(t_app, "x");
}

static void test_message_format(void **state)
{
	(void)state;
	assert_int_equal(parse("queues=4x"), 1);
	assert_string_equal(printk_capture,
		"cmdline: bad value '4x' for queues (expected integer 1..16), using default 4\n");
	assert_int_equal(parse("foo"), 1);
	assert_string_equal(printk_capture, "cmdline: unknown option 'foo' ignored\n");
	assert_int_equal(parse("queues"), 1);
	assert_string_equal(printk_capture,
		"cmdline: missing value for queues (expected integer 1..16), using default 4\n");
	assert_int_equal(parse("app=\"12345678901234567\""), 1);
	assert_string_equal(printk_capture,
		"cmdline: bad value '12345678901234567' for app (expected printable text "
		"of at most 15 characters), using default \"echo\"\n");
	assert_int_equal(parse("mode=fast"), 1);
	assert_string_equal(printk_capture,
		"cmdline: bad value 'fast' for mode (expected one of off|poll|irq), "
		"using default irq\n");
	assert_int_equal(parse("ip=nope"), 1);
	assert_string_equal(printk_capture,
		"cmdline: bad value 'nope' for ip (expected dhcp or a.b.c.d/n), "
		"using default 10.0.0.2/24\n");
}

static void test_malformed_one_warning_each(void **state)
{
	static const char *const cases[] = {
		"=", "=v", "==", "\"\"=4", "\"\"", "queues=", "queues", "queues==4",
		"queues=99999999999999999999", "queues=18446744073709551616",
		"queues=4x", "queues=x4", "queues=0", "queues=17", "queues=-1",
		"queues=+4", "queues=0x", "queues=4.0", "queues=\"4", "\"queues=4",
		"offset=-9223372036854775809", "offset=-101", "offset=--1", "offset=-",
		"igb.itr=-1", "igb.itr=10001", "igb.itr=4294967296", "igb.itr=-0",
		"flag=maybe", "flag=", "flag=2", "flag=onn",
		"mode=fast", "mode=", "mode", "mode=pol",
		"app", "app=1234567890123456", "app=\x01", "app=\"a\tb\"", "app=\xc3\xa4",
		"gw=1.2.3", "gw=1.2.3.4.5", "gw=256.1.1.1", "gw=01.2.3.4", "gw=1.2.3.4/24",
		"gw=1..2.3", "gw=\"1.2.3.4 5\"", "gw=a.b.c.d", "gw=", "gw=-1.2.3.4",
		"route=1.2.3.4", "route=1.2.3.4/33", "route=1.2.3.4/", "route=/24",
		"route=1.2.3.4/024", "route=1.2.3.4/24x", "route=1.2.3.4//24",
		"ip=", "ip=dhcpx", "ip=1.2.3.4",
		"\xff\xfe=1", "queues=\xc3\xa4", "\x80", "a\"b c",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int w = parse(cases[i]);

		if (w != 1 || printk_capture_lines() != 1)
			fail_msg("case %zu '%s': %d warnings, output '%s'", i, cases[i], w,
				 printk_capture);
		assert_true(strlen(printk_capture) < 256);
		assert_defaults();
	}
}

static void test_long_words_truncated(void **state)
{
	char line[3000];
	const char *q;

	(void)state;
	memset(line, 'a', 2000);
	line[2000] = '\0';
	assert_int_equal(parse(line), 1);
	assert_int_equal(printk_capture_lines(), 1);
	q = strchr(printk_capture, '\'');
	assert_non_null(q);
	assert_int_equal(strspn(q + 1, "a"), CMDLINE_SHOW_MAX);
	assert_memory_equal(q + 1 + CMDLINE_SHOW_MAX, "...'", 4);

	strcpy(line, "queues=");
	memset(line + 7, '7', 1500);
	line[1507] = '\0';
	assert_int_equal(parse(line), 1);
	assert_int_equal(printk_capture_lines(), 1);
	assert_true(strlen(printk_capture) < 256);
	assert_defaults();

	strcpy(line, "app=");
	memset(line + 4, 'z', 2500);
	line[2504] = '\0';
	assert_int_equal(parse(line), 1);
	assert_defaults();
}

static void test_overlong_line(void **state)
{
	static char line[CMDLINE_MAX_LEN + 100];
	size_t n;

	(void)state;
	strcpy(line, "queues=9 ");
	n = strlen(line);
	while (n < CMDLINE_MAX_LEN - 10)
		line[n++] = ' ';
	/* This word straddles the limit and must not be applied cut short. */
	strcpy(line + n, "app=abcdefghijklmn offset=7");
	assert_int_equal(parse(line), 1);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "longer than"));
	assert_int_equal(t_queues, 9);
	assert_string_equal(t_app, "echo");
	assert_int_equal(t_offset, -5);
}

static void test_explicit_table(void **state)
{
	static int v = 3;
	static const struct kernel_param tab[] = {
		{ .name = "v", .help = "", .var = &v, .type = KPARAM_T_INT, .i = { 0, 5 } },
	};

	(void)state;
	printk_capture_reset();
	assert_int_equal(cmdline_parse("v=5 queues=2", tab, ARRAY_SIZE(tab)), 1);
	assert_int_equal(v, 5);
	assert_int_equal(t_queues, 4);
	assert_int_equal(cmdline_parse("v=5", tab, 0), 1);
	printk_capture_reset();
	cmdline_dump_params(tab, ARRAY_SIZE(tab));
	assert_int_equal(printk_capture_lines(), 1);
}

static void test_scan_helpers(void **state)
{
	uint32_t a = 7;
	struct ipv4_cidr c = { 1, 1 };
	const char *end;
	char buf[16];

	(void)state;
	end = cmdline_scan_ipv4("10.0.0.1:5001", &a);
	assert_non_null(end);
	assert_string_equal(end, ":5001");
	assert_int_equal(a, 0x0a000001);
	assert_null(cmdline_scan_ipv4("10.0.0", &a));
	assert_null(cmdline_scan_ipv4("", &a));
	assert_int_equal(a, 0x0a000001);
	assert_null(cmdline_scan_ipv4_cidr("10.0.0.1", &c));
	assert_int_equal(c.addr, 1);
	cmdline_format_ipv4(0xffffffff, buf, sizeof(buf));
	assert_string_equal(buf, "255.255.255.255");
	cmdline_format_ipv4(0xffffffff, buf, 8);
	assert_string_equal(buf, "255....");
}

/* xorshift64: a fixed seed makes any failure reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	return test_rng(&rng_state);
}

static void check_invariants(void)
{
	assert_true(t_queues >= 1 && t_queues <= 16);
	assert_true(t_offset >= -100 && t_offset <= 100);
	assert_true(t_itr <= 10000);
	assert_true(memchr(t_app, '\0', sizeof(t_app)) != NULL);
	assert_true(t_mode >= 0 && t_mode < 3);
	assert_true(t_route.prefix_len <= 32);
	assert_true(t_ip.addr.prefix_len <= 32);
}

static void test_fuzz(void **state)
{
	static const char *const pieces[] = {
		"queues", "offset", "igb.itr", "app", "mode", "gw", "route", "ip", "flag",
		"=", "\"", " ", "\t", "-", "0x", "99999999999999999999", "1.2.3.4", "/24",
		"on", "poll", "dhcp", "4", "\xff", ".", "",
	};
	static char line[CMDLINE_MAX_LEN + 200];

	(void)state;
	for (int iter = 0; iter < 30000; iter++) {
		size_t len = (size_t)(rng() % (iter % 100 == 0 ? sizeof(line) - 1 : 200));
		size_t n = 0;
		int w;

		while (n < len) {
			uint64_t r = rng();

			if (r & 1) {
				const char *p = pieces[(r >> 8) % ARRAY_SIZE(pieces)];
				size_t pl = strlen(p);

				if (n + pl > len)
					break;
				memcpy(line + n, p, pl);
				n += pl;
			} else {
				/* Any byte but NUL, which would just end the line early. */
				line[n++] = (char)(1 + (r >> 8) % 255);
			}
		}
		line[n] = '\0';
		w = parse(line);
		assert_true(w >= 0);
		assert_int_equal(w, printk_capture_lines());
		check_invariants();
	}
}

static void test_scan_mac(void **state)
{
	uint8_t mac[6] = { 9, 9, 9, 9, 9, 9 };
	const char *end;

	(void)state;
	end = cmdline_scan_mac("52:54:00:12:34:5f rest", mac);
	assert_non_null(end);
	assert_string_equal(end, " rest");
	assert_memory_equal(mac, ((uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, 0x5f }), 6);
	/* One digit a byte is fine, as iproute2 takes it. */
	assert_non_null(cmdline_scan_mac("2:4:0:A:b:c", mac));
	assert_memory_equal(mac, ((uint8_t[]){ 2, 4, 0, 0xa, 0xb, 0xc }), 6);
	/* Too few bytes, a bad digit, a wrong separator: nothing written. */
	memset(mac, 9, sizeof(mac));
	assert_null(cmdline_scan_mac("52:54:00:12:34", mac));
	assert_null(cmdline_scan_mac("52:54:00:12:34:zz", mac));
	assert_null(cmdline_scan_mac("52-54-00-12-34-56", mac));
	assert_null(cmdline_scan_mac("", mac));
	for (int i = 0; i < 6; i++)
		assert_int_equal(mac[i], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_mac),
		cmocka_unit_test_setup(test_section_holds_all_params, setup),
		cmocka_unit_test_setup(test_good_every_type, setup),
		cmocka_unit_test_setup(test_bool_forms, setup),
		cmocka_unit_test_setup(test_string_limits, setup),
		cmocka_unit_test_setup(test_quoted_values, setup),
		cmocka_unit_test_setup(test_last_wins, setup),
		cmocka_unit_test_setup(test_blank_lines, setup),
		cmocka_unit_test_setup(test_unknown_keys, setup),
		cmocka_unit_test_setup(test_message_format, setup),
		cmocka_unit_test_setup(test_malformed_one_warning_each, setup),
		cmocka_unit_test_setup(test_long_words_truncated, setup),
		cmocka_unit_test_setup(test_overlong_line, setup),
		cmocka_unit_test_setup(test_explicit_table, setup),
		cmocka_unit_test_setup(test_scan_helpers, setup),
		cmocka_unit_test_setup(test_fuzz, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
