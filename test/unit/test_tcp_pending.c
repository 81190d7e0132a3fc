/* TCP scenarios that fail because of a core bug (each listed in
 * /work/notes/tcp_bugs.md with its number). Not run by `make test`: its
 * .mk is test/unit/tcp_pending.mk.off. Build and run by hand with
 *   make -f Makefile -f test/unit/tcp_pending.mk.off build/unit/tcp_pending
 * A test moves into its real suite once the core passes it. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"

static bool count_sock(const struct tcp_ss_entry *e, void *arg)
{
	(void)e;
	++*(unsigned int *)arg;
	return true;
}

/* Bug 1: close() of a listener takes it out of the listening table; a SYN
 * to the port afterwards is answered with <SEQ=0><ACK=SEG.SEQ+1><RST,ACK>. */
static void test_closed_listener_unhashed(void **state)
{
	struct tp_peer p = tp_peer_make(40000, 8080, 900);
	int lfd = tp_listen(8080, 16);
	unsigned int n = 0;
	const struct tp_seg *s;

	(void)state;
	assert_int_equal(tp_close(lfd), 0);
	tcp_for_each_socket(count_sock, &n);
	assert_int_equal(n, 0);
	tp_inject(&p, TCPHDR_SYN, 900, 0, 65535, NULL, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_RST | TCPHDR_ACK, 0, 901, 0);
}

/* Bug 2. RFC 9293 3.5 figure 7: both sides send SYNs; each answers SYN-ACK. */
static void test_simultaneous_open(void **state)
{
	struct tp_peer p = tp_peer_make(9000, 9001, 424242);
	struct tp_opts o = tp_linux_syn_opts();
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9000),
				 .sin_addr = { TP_PEER } };
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(9001) };
	const struct tp_seg *syn, *s;
	uint32_t iss;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&b, sizeof(b)), 0);
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	syn = tp_expect();
	tp_check(syn, TCPHDR_SYN, syn->seq, 0, 0);
	iss = syn->seq;
	/* The peer's SYN crosses ours. */
	o.tsecr = 0;
	tp_inject(&p, TCPHDR_SYN, 424242, 0, 65535, &o, NULL, 0);
	assert_int_equal(tp_sk(fd)->state, TCP_SYN_RECV);
	s = tp_expect();
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, iss, 424243, 0);
	assert_int_equal(s->mss, 1460);
	/* The peer's SYN-ACK of our SYN completes it. */
	o.tsecr = s->tsval;
	o.tsval++;
	tp_inject(&p, TCPHDR_SYN | TCPHDR_ACK, 424242, iss + 1, 65535, &o, NULL, 0);
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	assert_int_equal(tp_sk(fd)->snd_una, iss + 1);
	assert_int_equal(tp_sk(fd)->rcv_nxt, 424243);
	tp_discard();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_simultaneous_open, tp_setup, tp_teardown),
		/* Last: while bug 1 lasts it leaves a freed listener hashed. */
		cmocka_unit_test_setup_teardown(test_closed_listener_unhashed, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
