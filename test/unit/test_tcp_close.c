/* Resets and the end of a connection against a scripted peer: RST
 * processing (RFC 5961 3: exact sequence resets, in-window earns a
 * challenge ACK, out of window ignored), SYN on a synchronized connection
 * (RFC 5961 4), RST to a closed port in both RFC 9293 3.10.7.1 forms,
 * TIME_WAIT (60 s, a retransmitted FIN re-ACKed, a new SYN above rcv_nxt
 * accepted), the FIN_WAIT_2 bound of an orphan (tcp_fin_timeout),
 * simultaneous close and half-close. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"

#define LPORT 8080
#define PPORT 40000

static int lfd;

static int establish(struct tp_peer *p)
{
	struct tp_opts o = tp_linux_syn_opts();

	lfd = tp_listen(LPORT, 16);
	*p = tp_peer_make(PPORT, LPORT, 9000000);
	return tp_passive_open(p, lfd, &o, NULL);
}

/* No data sent on these connections: SND.NXT is ISS + 1. */
static uint32_t snd_nxt(const struct tp_peer *p)
{
	return p->iss + 1;
}

/* RFC 5961 3.2: a RST at exactly RCV.NXT resets; the next call reports
 * ECONNRESET, then the socket is closed (EPIPE for send, 0 for recv). */
static void test_rst_exact_seq_resets(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	char c;

	(void)state;
	tp_send(&p, TCPHDR_RST, NULL, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_CLOSE);
	assert_int_equal(tcp_mib.estab_resets, 1);
	assert_int_equal(tp_recvbuf(fd, &c, 1), -ECONNRESET);
	assert_int_equal(tp_recvbuf(fd, &c, 1), 0);
	assert_int_equal(tp_sendbuf(fd, "x", 1), -EPIPE);
}

/* RFC 5961 3.2: in the window but not RCV.NXT: a challenge ACK
 * <SEQ=SND.NXT><ACK=RCV.NXT>, the connection lives. */
static void test_rst_in_window_challenge_ack(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	const struct tp_seg *s;
	struct tp_opts o = tp_no_opts();

	(void)state;
	o.ts = true;
	o.tsval = ++p.tsval;
	tp_inject(&p, TCPHDR_RST, p.seq + 1000, 0, 0, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, snd_nxt(&p), p.seq, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	assert_int_equal(tcp_mib.tcp_challenge_ack, 1);
	/* The real RST the challenge asks for then resets. */
	tp_inject(&p, TCPHDR_RST, p.seq, 0, 0, &o, NULL, 0);
	assert_int_equal(tp_sk(fd)->state, TCP_CLOSE);
}

/* RFC 5961 3.2 / RFC 9293 3.10.7.4: a RST outside the window is dropped
 * silently (no ACK: that would feed a blind attacker). */
static void test_rst_out_of_window_ignored(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tp_opts o = tp_no_opts();

	(void)state;
	o.ts = true;
	o.tsval = ++p.tsval;
	tp_inject(&p, TCPHDR_RST, p.seq + 0x40000000u, 0, 0, &o, NULL, 0);
	tp_inject(&p, TCPHDR_RST, p.seq - 1, 0, 0, &o, NULL, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
}

/* RFC 5961 4.2: any SYN on a synchronized connection gets a challenge ACK
 * and is dropped; the connection is untouched. */
static void test_syn_on_established_challenge_ack(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;

	(void)state;
	o.tsval = ++p.tsval;
	tp_inject(&p, TCPHDR_SYN, p.seq - 1, 0, 65535, &o, NULL, 0);	/* the old ISN */
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, snd_nxt(&p), p.seq, 0);
	tp_inject(&p, TCPHDR_SYN, p.seq + 5000, 0, 65535, &o, NULL, 0);	/* in window */
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, snd_nxt(&p), p.seq, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	assert_int_equal(tp_sk(fd)->rcv_nxt, p.seq);
	assert_int_equal(tcp_mib.tcp_syn_challenge, 2);
}

/* RFC 9293 3.10.7.1: to a closed port, a segment with ACK gets
 * <SEQ=SEG.ACK><CTL=RST>; one without gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK> (SYN and FIN count); a RST gets nothing. */
static void test_rst_to_closed_port(void **state)
{
	struct tp_peer p = tp_peer_make(PPORT, 9999, 500);
	const struct tp_seg *s;

	(void)state;
	tp_inject(&p, TCPHDR_ACK, 500, 123456, 1000, NULL, "abc", 3);
	s = tp_expect();
	tp_check(s, TCPHDR_RST, 123456, 0, 0);
	assert_int_equal(s->win, 0);
	assert_int_equal(s->sport, 9999);
	assert_int_equal(s->dport, PPORT);
	assert_int_equal(s->daddr, TP_PEER);
	assert_int_equal(s->saddr, TP_LOCAL);
	tp_inject(&p, TCPHDR_SYN, 500, 0, 1000, NULL, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_RST | TCPHDR_ACK, 0, 501, 0);
	tp_inject(&p, TCPHDR_FIN | TCPHDR_PSH, 500, 0, 1000, NULL, "hello", 5);
	s = tp_expect();
	tp_check(s, TCPHDR_RST | TCPHDR_ACK, 0, 506, 0);
	tp_inject(&p, TCPHDR_RST, 500, 0, 0, NULL, NULL, 0);
	tp_inject(&p, TCPHDR_RST | TCPHDR_ACK, 500, 77, 0, NULL, NULL, 0);
	tp_expect_none();
	assert_int_equal(tcp_mib.out_rsts, 3);
}

/* Active close to TIME_WAIT: FIN, the peer's ACK (FIN_WAIT_2), the peer's
 * FIN ACKed (TIME_WAIT). Returns our FIN's sequence number. */
static uint32_t close_to_time_wait(struct tp_peer *p, int fd, struct tcp_sock **tpp)
{
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint32_t fin;

	assert_int_equal(tp_close(fd), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_FIN | TCPHDR_ACK, p->iss + 1, p->seq, 0);
	fin = s->seq;
	tp_saw(p, s);
	assert_int_equal(tp->state, TCP_FIN_WAIT1);
	p->ack = fin + 1;
	tp_send(p, TCPHDR_ACK, NULL, 0);
	tp_expect_none();
	assert_int_equal(tp->state, TCP_FIN_WAIT2);
	tp_send(p, TCPHDR_FIN | TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, fin + 1, p->seq, 0);
	assert_int_equal(tp->state, TCP_TIME_WAIT);
	*tpp = tp;
	return fin;
}

static bool find_state(const struct tcp_ss_entry *e, void *arg)
{
	int *want = arg;

	if (e->state == want[0])
		want[1]++;
	return true;
}

static int count_state(int state)
{
	int a[2] = { state, 0 };

	tcp_for_each_socket(find_state, a);
	return a[1];
}

/* RFC 9293 3.10.7.4: in TIME_WAIT a retransmitted FIN is ACKed again and
 * restarts the 2 MSL timer; the socket goes after TCP_TIMEWAIT_LEN (60 s). */
static void test_time_wait(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp;
	const struct tp_seg *s;
	uint32_t fin = close_to_time_wait(&p, fd, &tp);
	uint64_t t;
	struct tp_opts o = tp_no_opts();

	(void)state;
	tp_advance(30000);
	assert_int_equal(tp->state, TCP_TIME_WAIT);
	/* The peer lost our ACK: its FIN again. */
	o.ts = true;
	o.tsval = ++p.tsval;
	o.tsecr = p.ts_echo;
	tp_inject(&p, TCPHDR_FIN | TCPHDR_ACK, p.seq - 1, fin + 1, p.win, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, fin + 1, p.seq, 0);
	t = tp_now();
	tp_advance(TCP_TIMEWAIT_LEN_MS - 1);
	assert_int_equal(count_state(TCP_TIME_WAIT), 1);
	tp_advance(1 + TP_LATE(TCP_TIMEWAIT_LEN_MS));
	assert_true(tp_now() - t <= TCP_TIMEWAIT_LEN_MS + TP_LATE(TCP_TIMEWAIT_LEN_MS));
	assert_int_equal(count_state(TCP_TIME_WAIT), 0);
	tp_expect_none();
}

/* RFC 9293 3.10.7.4 / Linux: a new SYN above RCV.NXT (and with a newer
 * timestamp) on a TIME_WAIT tuple opens a new connection through the
 * listener. */
static void test_time_wait_new_syn_accepted(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp;
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;

	(void)state;
	(void)close_to_time_wait(&p, fd, &tp);
	tp_advance(1000);
	o.tsval = p.tsval + 1000;
	tp_inject(&p, TCPHDR_SYN, p.seq + 100000, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, s->seq, p.seq + 100001, 0);
	assert_int_equal(count_state(TCP_TIME_WAIT), 0);
	assert_int_equal(count_state(TCP_SYN_RECV), 1);
	assert_int_equal(tcp_mib.tw_recycled, 1);
}

/* An old SYN (below RCV.NXT) on a TIME_WAIT tuple is only ACKed. */
static void test_time_wait_old_syn_acked(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp;
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;
	uint32_t fin = close_to_time_wait(&p, fd, &tp);

	(void)state;
	o.tsval = p.tsval + 1;
	tp_inject(&p, TCPHDR_SYN, p.seq - 10, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, fin + 1, p.seq, 0);
	assert_int_equal(tp->state, TCP_TIME_WAIT);
}

/* An orphan in FIN_WAIT_2 whose peer never closes is gone after
 * tcp_fin_timeout; before that, the peer's FIN still completes it. */
static void test_fin_wait2_orphan_timeout(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint64_t t;

	(void)state;
	sysctl_tcp_fin_timeout = 5;
	assert_int_equal(tp_close(fd), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_FIN | TCPHDR_ACK, p.iss + 1, p.seq, 0);
	p.ack = s->seq + 1;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->state, TCP_FIN_WAIT2);
	t = tp_now();
	tp_advance(5000 - 1);
	assert_int_equal(count_state(TCP_FIN_WAIT2), 1);
	tp_advance(1 + TP_LATE(5000));
	assert_true(tp_now() - t <= 5000 + TP_LATE(5000));
	assert_int_equal(count_state(TCP_FIN_WAIT2), 0);
	/* Linux forgets it silently or with a RST at SND.NXT. */
	while (tp_pending()) {
		s = tp_expect();
		tp_check(s, TCPHDR_RST | TCPHDR_ACK, p.iss + 2, p.seq, 0);
	}
}

/* RFC 9293 3.6 figure 13: both FINs cross; each side goes FIN_WAIT_1 ->
 * CLOSING -> TIME_WAIT. */
static void test_simultaneous_close(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint32_t fin;

	(void)state;
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_FIN | TCPHDR_ACK, p.iss + 1, p.seq, 0);
	fin = s->seq;
	/* The peer's FIN, sent before it saw ours. */
	tp_send(&p, TCPHDR_FIN | TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->state, TCP_CLOSING);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, fin + 1, p.seq, 0);
	p.ack = fin + 1;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->state, TCP_TIME_WAIT);
	tp_expect_none();
}

/* Half-close: the peer's FIN makes recv return 0 while we still send; our
 * close then goes LAST_ACK -> CLOSED on the ACK of our FIN. */
static void test_half_close_peer_first(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint8_t b[100];
	uint32_t seq = p.iss + 1;

	(void)state;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "last", 4);
	tp_discard();
	tp_send(&p, TCPHDR_FIN | TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, seq, p.seq, 0);
	assert_int_equal(tp->state, TCP_CLOSE_WAIT);
	assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 4);
	assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 0);	/* EOF */
	tp_fill_pattern(b, 0, 100);
	assert_int_equal(tp_sendbuf(fd, b, 100), 100);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq, p.seq, 100);
	tp_check_pattern(s, 0);
	p.ack = seq + 100;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp_close(fd), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_FIN | TCPHDR_ACK, seq + 100, p.seq, 0);
	assert_int_equal(tp->state, TCP_LAST_ACK);
	p.ack = seq + 101;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	tp_expect_none();
	assert_int_equal(count_state(TCP_LAST_ACK), 0);
	assert_int_equal(count_state(TCP_ESTABLISHED), 0);
}

/* Half-close from our side: shutdown(SHUT_WR) sends the FIN, then data
 * still flows in and is ACKed; send fails with EPIPE. */
static void test_half_close_shutdown_wr(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint8_t b[16];

	(void)state;
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_FIN | TCPHDR_ACK, p.iss + 1, p.seq, 0);
	p.ack = s->seq + 1;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->state, TCP_FIN_WAIT2);
	assert_int_equal(tp_sendbuf(fd, "x", 1), -EPIPE);
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "still here", 10);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 2, p.seq, 0);
	assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 10);
	assert_memory_equal(b, "still here", 10);
	tp_send(&p, TCPHDR_FIN | TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 2, p.seq, 0);
	assert_int_equal(tp->state, TCP_TIME_WAIT);
	assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rst_exact_seq_resets, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_rst_in_window_challenge_ack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_rst_out_of_window_ignored, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syn_on_established_challenge_ack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_rst_to_closed_port, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_new_syn_accepted, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_old_syn_acked, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_fin_wait2_orphan_timeout, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_close, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_half_close_peer_first, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_half_close_shutdown_wr, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
