/* The default services' poll loop against a scripted socket layer
 * (fake_bsd.c): RFC 864's pattern, echo with backpressure and half-close,
 * discard, source until a reset, the EMFILE pause, the client limit, fair
 * passes, a bind failure, and the `services` command. */
#include "apps/services.c"
#include <stdio.h>
#include <stdlib.h>
#include "host_support.h"
#include "fake_bsd.h"
#include "shell_run.h"

static struct tcp_svc *t;

static int setup(void **state)
{
	(void)state;
	fake_bsd_reset();
	memset(svc_stats, 0, sizeof(svc_stats));
	printk_capture_reset();
	tcp_svc = NULL;
	services_start();
	t = tcp_svc;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kfree(fake_thread_arg(0));	/* the UDP echo's; the TCP one is t */
	if (t) {
		for (nfds_t i = 0; i < t->nclients; i++)
			kfree(t->cl[i].buf);
		kfree(t->pfd);
		kfree(t->cl);
		kfree(t->sink);
		kfree(t->pattern);
		kfree(t);
	}
	tcp_svc = t = NULL;
	fake_bsd_reset();
	return 0;
}

static void passes(int n)
{
	for (int i = 0; i < n; i++)
		tcp_services_pass(t);
}

/* A connection to port, accepted by one pass. */
static int connected(int port)
{
	nfds_t before = t->nclients;
	int fd = fake_incoming(fake_listener(port));

	passes(1);
	assert_int_equal(t->nclients, before + 1);
	return fd;
}

static void fill_random(uint8_t *buf, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)test_rng(&seed);
}

static const struct svc_client *client_of(int fd)
{
	for (nfds_t i = 0; i < t->nclients; i++)
		if (t->cl[i].fd == fd)
			return &t->cl[i];
	return NULL;
}

static void test_chargen_pattern(void **state)
{
	uint8_t buf[2 * CHARGEN_PERIOD + 80];
	const char *line0 = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "[\\]^_`abcdefg\r\n";
	const char *line1 = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "[\\]^_`abcdefgh\r\n";

	(void)state;
	chargen_fill(buf, sizeof(buf));
	assert_memory_equal(buf, line0, CHARGEN_LINE_LEN);
	assert_memory_equal(buf + CHARGEN_LINE_LEN, line1, CHARGEN_LINE_LEN);
	/* Line 94 starts at '~' and wraps round to the space. */
	assert_int_equal(buf[94 * CHARGEN_LINE_LEN], '~');
	assert_int_equal(buf[94 * CHARGEN_LINE_LEN + 1], ' ');
	assert_memory_equal(buf, buf + CHARGEN_PERIOD, CHARGEN_PERIOD + 80);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_true((buf[i] >= ' ' && buf[i] <= '~') || buf[i] == '\r' || buf[i] == '\n');
}

static void test_start_listens_nonblocking(void **state)
{
	(void)state;
	assert_non_null(t);
	for (int port = 0; port < 65536; port++) {
		int fd = fake_listener(port);
		bool want = port == ECHO_PORT || port == DISCARD_PORT || port == SOURCE_PORT;

		assert_int_equal(fd >= 0, want);
		if (fd >= 0) {
			assert_true(fake_socks[fd].nonblock);
			assert_int_equal(fake_socks[fd].backlog, SVC_BACKLOG);
		}
	}
	/* And the UDP echo socket: four descriptors in all, no error. */
	assert_int_equal(fake_open_count(), 4);
	assert_int_equal(printk_capture_lines(), 0);
}

static void test_bind_failure_leaves_the_others(void **state)
{
	(void)state;
	teardown(NULL);
	fake_bind_err_port = DISCARD_PORT;
	fake_bind_err = EADDRINUSE;
	services_start();
	t = tcp_svc;
	assert_non_null(t);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "discard"));
	assert_non_null(strstr(printk_capture, "port 9"));
	assert_true(fake_listener(ECHO_PORT) >= 0);
	assert_true(fake_listener(SOURCE_PORT) >= 0);
	assert_int_equal(fake_listener(DISCARD_PORT), -1);
	connected(ECHO_PORT);
}

static void test_echo_all_bytes_then_half_close(void **state)
{
	static uint8_t data[10000];
	int fd;

	(void)state;
	fd = connected(ECHO_PORT);
	assert_true(fake_socks[fd].nonblock);
	assert_true(fake_socks[fd].nodelay);
	fill_random(data, sizeof(data), 7);
	fake_peer_send(fd, data, sizeof(data));
	fake_socks[fd].eof = true;
	for (int i = 0; i < 20 && !fake_socks[fd].closed; i++)
		passes(1);
	assert_true(fake_socks[fd].closed);
	assert_true(fake_socks[fd].shut_wr);
	assert_int_equal(fake_socks[fd].out_len, sizeof(data));
	assert_memory_equal(fake_socks[fd].out, data, sizeof(data));
	assert_int_equal(svc_stats[SVC_ECHO].accepted, 1);
	assert_int_equal(svc_stats[SVC_ECHO].active, 0);
	assert_int_equal(svc_stats[SVC_ECHO].bytes_in, sizeof(data));
	assert_int_equal(svc_stats[SVC_ECHO].bytes_out, sizeof(data));
	assert_int_equal(svc_stats[SVC_ECHO].errors, 0);
	assert_int_equal(t->nclients, 0);
}

static void test_echo_backpressure_keeps_every_byte(void **state)
{
	static uint8_t data[3 * ECHO_BUF + 123];
	int fd, waits, recvs;

	(void)state;
	fd = connected(ECHO_PORT);
	fake_socks[fd].room = 0;
	fill_random(data, sizeof(data), 11);
	fake_peer_send(fd, data, sizeof(data));
	passes(1);
	/* The buffer is full: no more reading, and polled for output only. */
	assert_int_equal(fake_socks[fd].in_off, ECHO_BUF);
	assert_int_equal(t->pfd[SVC_TCP_N].events, POLLOUT);
	waits = fake_poll_waits;
	recvs = fake_socks[fd].recv_calls;
	passes(3);
	assert_int_equal(fake_poll_waits, waits + 3);
	assert_int_equal(fake_socks[fd].recv_calls, recvs);
	/* Some room: what fits goes out, and the next pass reads again. */
	fake_socks[fd].room = 1000;
	passes(1);
	assert_int_equal(fake_socks[fd].out_len, 1000);
	assert_int_equal(t->pfd[SVC_TCP_N].events, POLLIN | POLLOUT);
	passes(1);
	assert_int_equal(fake_socks[fd].in_off, ECHO_BUF + 1000);
	fake_socks[fd].room = SIZE_MAX;
	passes(10);
	assert_int_equal(fake_socks[fd].out_len, sizeof(data));
	assert_memory_equal(fake_socks[fd].out, data, sizeof(data));
	assert_false(fake_socks[fd].closed);
	assert_int_equal(t->pfd[SVC_TCP_N].events, POLLIN);
}

static void test_echo_half_close_waits_for_room(void **state)
{
	int fd, recvs;

	(void)state;
	fd = connected(ECHO_PORT);
	fake_socks[fd].room = 0;
	fake_peer_send(fd, "hello", 5);
	fake_socks[fd].eof = true;
	passes(2);	/* the bytes, then the EOF */
	assert_false(fake_socks[fd].closed);
	assert_false(fake_socks[fd].shut_wr);
	assert_int_equal(t->pfd[SVC_TCP_N].events, POLLOUT);
	recvs = fake_socks[fd].recv_calls;
	passes(5);
	assert_int_equal(fake_socks[fd].recv_calls, recvs);
	fake_socks[fd].room = SIZE_MAX;
	passes(1);
	assert_int_equal(fake_socks[fd].out_len, 5);
	assert_memory_equal(fake_socks[fd].out, "hello", 5);
	assert_true(fake_socks[fd].shut_wr);
	assert_true(fake_socks[fd].closed);
}

static void test_echo_reset_counted(void **state)
{
	int fd;

	(void)state;
	fd = connected(ECHO_PORT);
	fake_socks[fd].reset = true;
	passes(1);
	assert_true(fake_socks[fd].closed);
	assert_int_equal(svc_stats[SVC_ECHO].resets, 1);
	assert_int_equal(svc_stats[SVC_ECHO].errors, 0);
	assert_int_equal(svc_stats[SVC_ECHO].active, 0);
}

static void test_discard_drops_and_closes_at_fin(void **state)
{
	static uint8_t data[200000];
	int fd;

	(void)state;
	fd = connected(DISCARD_PORT);
	fill_random(data, sizeof(data), 3);
	fake_peer_send(fd, data, sizeof(data));
	passes(1);
	assert_false(fake_socks[fd].closed);
	fake_socks[fd].eof = true;
	for (int i = 0; i < 10 && !fake_socks[fd].closed; i++)
		passes(1);
	assert_true(fake_socks[fd].closed);
	assert_int_equal(fake_socks[fd].in_off, sizeof(data));
	assert_int_equal(fake_socks[fd].out_len, 0);
	assert_int_equal(svc_stats[SVC_DISCARD].bytes_in, sizeof(data));
	assert_int_equal(svc_stats[SVC_DISCARD].errors, 0);
}

static void test_source_sends_the_pattern_until_reset(void **state)
{
	static uint8_t want[300000];
	int fd;

	(void)state;
	fd = connected(SOURCE_PORT);
	fake_socks[fd].room = 100000;
	passes(1);
	assert_int_equal(fake_socks[fd].out_len, 100000);
	fake_socks[fd].room = 200000;
	passes(5);
	assert_int_equal(fake_socks[fd].out_len, 300000);
	chargen_fill(want, sizeof(want));
	assert_memory_equal(fake_socks[fd].out, want, sizeof(want));
	/* Input is read and dropped. */
	fake_peer_send(fd, "ignored", 7);
	passes(1);
	assert_int_equal(fake_socks[fd].in_off, 7);
	assert_int_equal(svc_stats[SVC_SOURCE].bytes_in, 7);
	fake_socks[fd].reset = true;
	passes(1);
	assert_true(fake_socks[fd].closed);
	assert_int_equal(svc_stats[SVC_SOURCE].resets, 1);
	assert_int_equal(svc_stats[SVC_SOURCE].bytes_out, 300000);
}

static void test_source_keeps_sending_after_fin(void **state)
{
	int fd;

	(void)state;
	fd = connected(SOURCE_PORT);
	fake_socks[fd].room = 1000;
	fake_socks[fd].eof = true;
	passes(1);
	assert_false(fake_socks[fd].closed);
	/* The EOF stays readable: polling for it would wake for nothing. */
	assert_int_equal(t->pfd[SVC_TCP_N].events, POLLOUT);
	fake_socks[fd].room = 500;
	passes(1);
	assert_int_equal(fake_socks[fd].out_len, 1500);
}

static void test_passes_are_fair(void **state)
{
	int fds[3];

	(void)state;
	for (int i = 0; i < 3; i++)
		fds[i] = connected(SOURCE_PORT);
	for (int i = 0; i < 3; i++)
		fake_socks[fds[i]].send_calls = 0;
	passes(1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fake_socks[fds[i]].send_calls, SVC_IO_CALLS);
}

static void test_emfile_pauses_the_listeners(void **state)
{
	int lfd = fake_listener(ECHO_PORT);
	int waits;

	(void)state;
	fake_socks[lfd].accept_err = EMFILE;
	passes(1);
	assert_int_equal(svc_stats[SVC_ECHO].errors, 1);
	assert_int_equal(t->pauses, 1);
	/* Left out of the poll set, which times out when the pause ends. */
	waits = fake_poll_waits;
	passes(1);
	assert_int_equal(fake_poll_last_timeout, SVC_PAUSE_MS);
	assert_int_equal(t->pfd[SVC_ECHO].fd, -1);
	assert_int_equal(fake_poll_waits, waits + 1);
	assert_int_equal(svc_stats[SVC_ECHO].errors, 1);
	fake_jiffies += SVC_PAUSE_MS;
	fake_socks[lfd].accept_err = 0;
	connected(ECHO_PORT);
	assert_int_equal(fake_poll_last_timeout, -1);
}

static void test_many_clients_and_the_limit(void **state)
{
	int lfd = fake_listener(ECHO_PORT), first = -1;

	(void)state;
	for (int i = 0; i < CLIENT_MAX + 5; i++) {
		int fd = fake_incoming(lfd);

		first = first < 0 ? fd : first;
	}
	passes(1);
	assert_int_equal(t->nclients, ACCEPT_BATCH);
	passes(CLIENT_MAX / ACCEPT_BATCH + 1);
	assert_int_equal(t->nclients, CLIENT_MAX);
	assert_int_equal(fake_socks[lfd].queued, 5);
	assert_true(t->pauses >= 1);
	assert_int_equal(svc_stats[SVC_ECHO].active, CLIENT_MAX);
	/* Every client still echoes its own bytes. */
	for (int fd = first; fd < first + CLIENT_MAX; fd++) {
		uint32_t v = (uint32_t)fd * 2654435761u;

		fake_peer_send(fd, &v, sizeof(v));
	}
	passes(1);
	for (int fd = first; fd < first + CLIENT_MAX; fd++) {
		uint32_t v = (uint32_t)fd * 2654435761u;

		assert_int_equal(fake_socks[fd].out_len, sizeof(v));
		assert_memory_equal(fake_socks[fd].out, &v, sizeof(v));
	}
	/* One leaves: after the pause the next waiting one is taken. */
	fake_socks[first].eof = true;
	passes(1);
	assert_true(fake_socks[first].closed);
	assert_non_null(client_of(first + 1));
	fake_jiffies += SVC_PAUSE_MS;
	passes(1);
	assert_int_equal(t->nclients, CLIENT_MAX);
	assert_int_equal(fake_socks[lfd].queued, 4);
}

static void test_services_command(void **state)
{
	int fd;
	unsigned long long acc, act, in, out, rst, err;
	const char *row;

	(void)state;
	fd = connected(ECHO_PORT);
	fake_peer_send(fd, "abc", 3);
	passes(1);
	printk_capture_reset();
	assert_int_equal(run_cmd("services"), 0);
	row = strstr(printk_capture, "echo     tcp");
	assert_non_null(row);
	assert_int_equal(sscanf(row, "echo tcp 7 %llu %llu %llu %llu %llu %llu", &acc, &act, &in,
				&out, &rst, &err), 6);
	assert_true(acc == 1 && act == 1 && in == 3 && out == 3 && rst == 0 && err == 0);
	assert_non_null(strstr(printk_capture, "discard  tcp       9"));
	assert_non_null(strstr(printk_capture, "source   tcp      19"));
	assert_non_null(strstr(printk_capture, "echo     udp       7          -        -"));
	assert_non_null(strstr(printk_capture, "tcp clients 1 (peak 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chargen_pattern),
		cmocka_unit_test_setup_teardown(test_start_listens_nonblocking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_failure_leaves_the_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_all_bytes_then_half_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_backpressure_keeps_every_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_half_close_waits_for_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_echo_reset_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard_drops_and_closes_at_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_sends_the_pattern_until_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_keeps_sending_after_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passes_are_fair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emfile_pauses_the_listeners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_clients_and_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services_command, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
