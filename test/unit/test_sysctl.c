/* sysctl: static and registered entries, values checked against their range,
 * the change hook, and `sysctl` output in name order. */
#include <stdio.h>
#include <string.h>
#include "host_support.h"
#include "shell_run.h"
#include "kernel/shell.h"
#include "kernel/sysctl.h"

static int weight = 64;
SYSCTL_INT("net.core.dev_weight", weight, 1, 65536);

static int hooked, hook_calls;
static void on_change(const struct ctl_table *t)
{
	hook_calls++;
	assert_int_equal(*t->data, hooked);
}
static struct ctl_table dynamic = {
	.procname = "net.ipv4.neigh.eth0.ucast_solicit", .data = &hooked,
	.min = 0, .max = 32, .changed = on_change,
};

static int run(const char *line)
{
	printk_capture_reset();
	return run_cmd(line);
}

static void test_set_and_show(void **state)
{
	(void)state;
	assert_int_equal(run("sysctl net.core.dev_weight=32"), 0);
	assert_int_equal(weight, 32);
	assert_string_equal(printk_capture, "net.core.dev_weight = 32\n");
	assert_int_equal(run("sysctl net.core.dev_weight"), 0);
	assert_string_equal(printk_capture, "net.core.dev_weight = 32\n");
}

static void test_bad_values_keep_the_old(void **state)
{
	(void)state;
	weight = 64;
	for (const char *const *v = (const char *const[]){ "0", "65537", "12x", "", "-1", NULL }; *v; v++) {
		char line[64];

		snprintf(line, sizeof(line), "sysctl net.core.dev_weight=%s", *v);
		assert_int_not_equal(run(line), 0);
		assert_non_null(strstr(printk_capture, "bad value"));
		assert_int_equal(printk_capture_lines(), 1);
		assert_int_equal(weight, 64);
	}
	assert_int_not_equal(run("sysctl net.core.nosuch=1"), 0);
	assert_non_null(strstr(printk_capture, "cannot stat net.core.nosuch"));
}

static void test_registered_entry_and_hook(void **state)
{
	(void)state;
	register_sysctl(&dynamic);
	assert_ptr_equal(sysctl_find("net.ipv4.neigh.eth0.ucast_solicit"), &dynamic);
	assert_int_equal(run("sysctl net.ipv4.neigh.eth0.ucast_solicit=5"), 0);
	assert_int_equal(hooked, 5);
	assert_int_equal(hook_calls, 1);
	/* A refused value does not call the hook. */
	assert_int_not_equal(run("sysctl net.ipv4.neigh.eth0.ucast_solicit=33"), 0);
	assert_int_equal(hook_calls, 1);
}

static void test_all_in_name_order(void **state)
{
	(void)state;
	assert_int_equal(run("sysctl -a"), 0);
	const char *a = strstr(printk_capture, "net.core.dev_weight = ");
	const char *b = strstr(printk_capture, "net.ipv4.neigh.eth0.ucast_solicit = ");

	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	assert_int_equal(printk_capture_lines(), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_show),
		cmocka_unit_test(test_bad_values_keep_the_old),
		cmocka_unit_test(test_registered_entry_and_hook),
		cmocka_unit_test(test_all_in_name_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
