/* app=send against a scripted socket layer (fake_bsd.c): its command-line
 * words, the errno names, the byte pattern on the wire, the success line and
 * power-off, and each failing step's line and exit code. */
#include "apps/send.c"
#include <setjmp.h>
#include <stdlib.h>
#include "host_support.h"
#include "fake_bsd.h"

static jmp_buf exit_jmp;
static int exit_code;

/* machine_acpi_poweroff and machine_exit end the run: back to the test. */
void machine_acpi_poweroff(void)
{
	exit_code = -1;
	longjmp(exit_jmp, 1);
}

void machine_exit(int code)
{
	exit_code = code;
	longjmp(exit_jmp, 1);
}

static int setup(void **state)
{
	(void)state;
	fake_bsd_reset();
	printk_capture_reset();
	target = (struct send_target){ .addr = 0x0A000001, .port = 5001 };
	send_bytes = 300000;
	send_chunk = 65536;
	exit_code = 100;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kfree(send_buf);
	send_buf = NULL;
	fake_bsd_reset();
	return 0;
}

/* Runs the app until it powers off or exits; returns -1 for power-off, else
 * the exit code. */
static int run_send(void)
{
	if (!setjmp(exit_jmp))
		send_run(NULL);
	return exit_code;
}

/* The last socket the app opened. */
static struct fake_sock *app_sock(void)
{
	for (int fd = FAKE_FD_MAX - 1; fd >= SOCK_FD_BASE; fd--)
		if (fake_socks[fd].used)
			return &fake_socks[fd];
	fail_msg("no socket");
	return NULL;
}

static void test_target_word(void **state)
{
	struct send_target t = { 0 };
	char buf[32];

	(void)state;
	assert_int_equal(target_parse("10.0.0.1:5001", &t), 0);
	assert_int_equal(t.addr, 0x0A000001);
	assert_int_equal(t.port, 5001);
	target_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:5001");
}

static void test_target_rejects(void **state)
{
	static const char *const bad[] = { "10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65536",
					   "10.0.0.1:80x", ":80", "0.0.0.0:80", "10.0.0.1:-1",
					   "host:80", "" };
	struct send_target t = { .addr = 1, .port = 2 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(target_parse(bad[i], &t), -1);
		assert_int_equal(t.addr, 1);
		assert_int_equal(t.port, 2);
	}
	assert_int_equal(target_parse("10.0.0.1:65535", &t), 0);
}

static void test_bytes_and_chunk_words(void **state)
{
	unsigned long long v = 5;

	(void)state;
	assert_int_equal(bytes_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(bytes_parse("1000000000000", &v), 0);
	assert_int_equal(v, SEND_BYTES_MAX);
	v = 5;
	for (const char *const *b = (const char *const[]){ "", "1000000000001", "12a", "-1", "1e6",
							  NULL }; *b; b++) {
		assert_int_equal(bytes_parse(*b, &v), -1);
		assert_int_equal(v, 5);
	}
	/* Bad words: one warning each, the defaults stay. */
	send_bytes = 1234;
	send_chunk = 4096;
	assert_int_equal(cmdline_parse_kparams("bytes=lots chunk=0 send=nowhere"), 3);
	assert_int_equal(send_bytes, 1234);
	assert_int_equal(send_chunk, 4096);
	assert_int_equal(cmdline_parse_kparams("bytes=77 chunk=1000 send=10.0.0.9:7"), 0);
	assert_int_equal(send_bytes, 77);
	assert_int_equal(send_chunk, 1000);
	assert_int_equal(target.addr, 0x0A000009);
	assert_int_equal(target.port, 7);
}

static void test_errno_names(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(errno_name(ECONNREFUSED, buf, sizeof(buf)), "ECONNREFUSED");
	assert_string_equal(errno_name(ETIMEDOUT, buf, sizeof(buf)), "ETIMEDOUT");
	assert_string_equal(errno_name(ECONNRESET, buf, sizeof(buf)), "ECONNRESET");
	assert_string_equal(errno_name(EHOSTUNREACH, buf, sizeof(buf)), "EHOSTUNREACH");
	assert_string_equal(errno_name(9999, buf, sizeof(buf)), "errno 9999");
}

/* The peer makes room for one chunk each time the app waits. */
static void drain_some(struct pollfd *fds, nfds_t nfds)
{
	for (nfds_t i = 0; i < nfds; i++)
		if (fds[i].fd >= 0 && !fake_socks[fds[i].fd].room)
			fake_socks[fds[i].fd].room = 10000;
}

static void test_sends_the_pattern_and_powers_off(void **state)
{
	struct fake_sock *s;

	(void)state;
	fake_new_sock.fin_on_shut = true;
	fake_new_sock.room = 10000;
	fake_poll_hook = drain_some;
	assert_int_equal(run_send(), -1);
	s = app_sock();
	assert_int_equal(s->out_len, 300000);
	for (size_t i = 0; i < s->out_len; i++)
		if (s->out[i] != (uint8_t)((i * 7 + (i >> 12)) & 0xFF))
			fail_msg("byte %zu is %u", i, s->out[i]);
	assert_true(s->shut_wr);
	assert_true(s->closed);
	assert_true(s->nonblock);
	assert_non_null(strstr(printk_capture, "send: 300000 bytes to 10.0.0.1:5001 in chunks of 65536\n"));
	assert_non_null(strstr(printk_capture, "send: 300000 bytes in "));
	assert_non_null(strstr(printk_capture, " Mbit/s; connect "));
	assert_non_null(strstr(printk_capture, ", boot_us="));
	assert_null(strstr(printk_capture, "came back"));
}

static void test_pattern_crosses_the_period(void **state)
{
	struct fake_sock *s;

	(void)state;
	send_bytes = SEND_PERIOD + 100000;
	send_chunk = 100000;
	fake_new_sock.fin_on_shut = true;
	assert_int_equal(run_send(), -1);
	s = app_sock();
	assert_int_equal(s->out_len, send_bytes);
	for (size_t i = 0; i < s->out_len; i++)
		if (s->out[i] != (uint8_t)((i * 7 + (i >> 12)) & 0xFF))
			fail_msg("byte %zu is %u", i, s->out[i]);
	assert_true(s->send_calls <= (int)(send_bytes / send_chunk) + 1);
}

static void test_refused_is_named(void **state)
{
	(void)state;
	fake_new_sock.connect_err = ECONNREFUSED;
	assert_int_equal(run_send(), SEND_EXIT_FAILURE);
	assert_non_null(strstr(printk_capture, "send: connect failed: ECONNREFUSED\n"));
	assert_int_equal(app_sock()->out_len, 0);
}

static void test_connect_times_out(void **state)
{
	(void)state;
	fake_new_sock.room = 0;	/* never writable: the handshake never ends */
	assert_int_equal(run_send(), SEND_EXIT_FAILURE);
	assert_non_null(strstr(printk_capture, "send: connect failed: ETIMEDOUT\n"));
	assert_int_equal(fake_poll_last_timeout, SEND_WAIT_MS);
}

static void reset_peer(struct pollfd *fds, nfds_t nfds)
{
	for (nfds_t i = 0; i < nfds; i++)
		if (fds[i].fd >= 0 && fake_socks[fds[i].fd].out_len)
			fake_socks[fds[i].fd].reset = true;
}

static void test_reset_while_sending(void **state)
{
	(void)state;
	fake_new_sock.room = 1000;
	fake_poll_hook = reset_peer;
	assert_int_equal(run_send(), SEND_EXIT_FAILURE);
	if (!strstr(printk_capture, "send: send failed: ECONNRESET\n"))
		fail_msg("%s", printk_capture);
}

static void test_peer_never_closes(void **state)
{
	(void)state;
	send_bytes = 10;
	assert_int_equal(run_send(), SEND_EXIT_FAILURE);
	assert_non_null(strstr(printk_capture, "send: close failed: ETIMEDOUT\n"));
	assert_true(app_sock()->shut_wr);
}

static void echo_back(struct pollfd *fds, nfds_t nfds)
{
	for (nfds_t i = 0; i < nfds; i++) {
		struct fake_sock *s = &fake_socks[fds[i].fd];

		if (s->out_len > s->in_len)
			fake_peer_send(fds[i].fd, s->out + s->in_len, s->out_len - s->in_len);
		if (!s->room)
			s->room = 5000;
		if (s->shut_wr)
			s->eof = true;
	}
}

static void test_bytes_from_an_echo_peer_are_drained(void **state)
{
	(void)state;
	send_bytes = 20000;
	fake_new_sock.room = 5000;
	fake_poll_hook = echo_back;
	assert_int_equal(run_send(), -1);
	assert_int_equal(app_sock()->out_len, 20000);
	assert_non_null(strstr(printk_capture, "bytes came back"));
}

static void test_no_target(void **state)
{
	(void)state;
	target.addr = 0;
	assert_int_equal(run_send(), SEND_EXIT_FAILURE);
	assert_non_null(strstr(printk_capture, "send: no send=HOST:PORT"));
	assert_non_null(strstr(printk_capture, "send: connect failed: EDESTADDRREQ\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_word),
		cmocka_unit_test(test_target_rejects),
		cmocka_unit_test_setup_teardown(test_bytes_and_chunk_words, setup, teardown),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test_setup_teardown(test_sends_the_pattern_and_powers_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pattern_crosses_the_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_while_sending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_never_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_from_an_echo_peer_are_drained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_target, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
