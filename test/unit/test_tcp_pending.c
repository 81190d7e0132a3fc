/* TCP scenarios that fail because of a core bug (each listed in
 * /work/notes/tcp_bugs.md with its number). Not run by `make test`: its
 * .mk is test/unit/tcp_pending.mk.off. Build and run by hand with
 *   make -f Makefile -f test/unit/tcp_pending.mk.off build/unit/tcp_pending
 * A test moves into its real suite once the core passes it. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"

#define LPORT 8080

/* Bug 7 (a lone FIN is not sent; tcp_close fails the same way). SO_REUSEADDR:
 * a new listener on the port of a connection in TIME_WAIT. */
static void test_reuseaddr_time_wait(void **state)
{
	struct tp_peer p = tp_peer_make(40000, LPORT, 1);
	struct tp_opts o = tp_linux_syn_opts();
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(LPORT) };
	int one = 1, lfd, fd, l2;
	const struct tp_seg *seg;

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&s, sizeof(s)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	fd = tp_passive_open(&p, lfd, &o, NULL);
	assert_int_equal(tp_close(lfd), 0);
	assert_int_equal(tp_close(fd), 0);
	seg = tp_expect();
	p.ack = seg->seq + 1;
	tp_send(&p, TCPHDR_FIN | TCPHDR_ACK, NULL, 0);
	tp_discard();
	l2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(tp_errno(bind(l2, (struct sockaddr *)&s, sizeof(s))), -EADDRINUSE);
	assert_int_equal(setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(l2, (struct sockaddr *)&s, sizeof(s)), 0);
	assert_int_equal(listen(l2, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reuseaddr_time_wait, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
