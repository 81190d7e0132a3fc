/* The TCP timers that watch an idle or stuck connection, against a scripted
 * peer: the persist timer and zero-window probes with back-off until the
 * window opens (RFC 9293 3.8.6.1), a zero-window update on the same seq,
 * keepalive (RFC 1122 4.2.3.6:
 * SO_KEEPALIVE, TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT, then a reset and
 * ETIMEDOUT), and the retransmission limit (RFC 1122 4.2.3.5 R2, Linux's
 * tcp_retries2 = 15 with the RTO capped at 120 s). */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "net/ip.h"

#define LPORT 8080
#define PPORT 40000

static uint8_t buf[64 * 1024];

static int establish(struct tp_peer *p)
{
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(LPORT, 16);

	*p = tp_peer_make(PPORT, LPORT, 11000000);
	p->rtt_ms = 10;
	return tp_passive_open(p, lfd, &o, NULL);
}

/* The window closes with the ACK of our data: nothing more is sent; the
 * persist timer probes with one byte below SND.UNA (Linux's zero-window
 * probe), backing off exponentially; the window's opening lets the data go. */
static void test_zero_window_persist(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	uint32_t seq = p.iss + 1;
	const struct tp_seg *s;
	uint32_t rto = tp->rto_ms, gap;
	uint64_t t;

	(void)state;
	tp_fill_pattern(buf, 0, 4000);
	assert_int_equal(tp_sendbuf(fd, buf, 1000), 1000);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq, p.seq, 1000);
	p.ack = seq + 1000;
	p.win = 0;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->snd_wnd, 0);
	assert_int_equal(tp_sendbuf(fd, buf + 1000, 3000), 3000);
	tp_expect_none();
	t = tp_now();
	gap = rto;
	for (int i = 0; i < 5; i++) {
		s = tp_expect_after(t, gap);
		tp_check(s, TCPHDR_ACK, seq + 1000 - 1, p.seq, 0);
		tp_expect_none();
		/* The peer answers: still zero. */
		tp_send(&p, TCPHDR_ACK, NULL, 0);
		tp_expect_none();
		t = s->when;
		gap = MIN(gap * 2, TCP_RTO_MAX_MS);
	}
	assert_int_equal(tcp_mib.tcp_win_probe, 5);
	assert_int_equal(tp->state, TCP_ESTABLISHED);	/* probes answered: no give-up */
	/* The window opens (a window update: same ACK, bigger window). */
	p.win = 65535;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, seq + 1000, p.seq, 1448);
	tp_check_pattern(s, 1000);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, seq + 2448, p.seq, 1448);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 3896, p.seq, 104);
	tp_check_pattern(s, 3896);
	tp_expect_none();
}

/* RFC 9293 3.10.7.4 (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK
 * updates the window) and Linux's tcp_may_update_window (same seq: a larger
 * window or a zero one): a pure window update closing the window to zero,
 * with the same seq and ack as the last segment, stops the sender. */
static void test_zero_window_update_same_seq(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);

	(void)state;
	p.win = 0;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp_sk(fd)->snd_wnd, 0);
	assert_int_equal(tp_sendbuf(fd, "abc", 3), 3);
	tp_expect_none();
}

/* A window smaller than a segment but not zero: the persist probe carries
 * the data that fits (Linux's tcp_write_wakeup). */
static void test_small_window_probe_carries_data(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	uint32_t seq = p.iss + 1;
	const struct tp_seg *s;

	(void)state;
	tp_fill_pattern(buf, 0, 3000);
	assert_int_equal(tp_sendbuf(fd, buf, 1000), 1000);
	tp_discard();
	p.ack = seq + 1000;
	p.win = 0;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp_sendbuf(fd, buf + 1000, 2000), 2000);
	s = tp_expect_after(tp_now(), tp->rto_ms);
	tp_check(s, TCPHDR_ACK, seq + 999, p.seq, 0);
	/* 2 units of 128: 256 bytes. */
	p.win = 2;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	/* Sender SWS avoidance (RFC 9293 3.8.6.2.1): no small segment now. */
	tp_expect_none();
	s = tp_expect_after(s->when, 2 * tp->rto_ms);
	tp_check(s, TCPHDR_ACK, seq + 1000, p.seq, 256);
	tp_check_pattern(s, 1000);
}

static void set_keepalive(int fd, int idle, int intvl, int cnt)
{
	int one = 1;

	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)), 0);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)), 0);
}

/* After TCP_KEEPIDLE of silence a probe <SEQ=SND.UNA-1><ACK=RCV.NXT>; an
 * answer makes the connection idle again from then on. */
static void test_keepalive_answered(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	const struct tp_seg *s;
	uint64_t t = tp_now();
	int v = 0;
	socklen_t len = sizeof(v);

	(void)state;
	set_keepalive(fd, 10, 2, 3);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len), 0);
	assert_int_equal(v, 10);
	s = tp_expect_after(t, 10000);
	tp_check(s, TCPHDR_ACK, p.iss, p.seq, 0);
	tp_send(&p, TCPHDR_ACK, NULL, 0);	/* the peer is alive */
	tp_expect_none();
	t = tp_now();
	tp_advance(9000);
	tp_expect_none();
	s = tp_expect_after(t, 10000);
	tp_check(s, TCPHDR_ACK, p.iss, p.seq, 0);
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	assert_int_equal(tcp_mib.tcp_keep_alive, 2);
}

/* TCP_KEEPCNT probes TCP_KEEPINTVL apart without an answer: the connection
 * is reset (RST at SND.NXT) and the next call fails with ETIMEDOUT. */
static void test_keepalive_timeout(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	const struct tp_seg *s;
	uint64_t t = tp_now();
	char c;

	(void)state;
	set_keepalive(fd, 10, 2, 3);
	s = tp_expect_after(t, 10000);
	tp_check(s, TCPHDR_ACK, p.iss, p.seq, 0);
	for (int i = 0; i < 2; i++) {
		s = tp_expect_after(s->when, 2000);
		tp_check(s, TCPHDR_ACK, p.iss, p.seq, 0);
	}
	s = tp_expect_after(s->when, 2000);
	tp_check(s, TCPHDR_RST | TCPHDR_ACK, p.iss + 1, p.seq, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_CLOSE);
	assert_int_equal(tp_recvbuf(fd, &c, 1), -ETIMEDOUT);
}

/* Unanswered data: tcp_retries2 (15) retransmissions, the RTO doubling up
 * to 120 s, then the connection gives up with ETIMEDOUT. */
static void test_retransmission_limit(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint32_t gap = tp->rto_ms;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)state;
	assert_int_equal(tp_sendbuf(fd, "data", 4), 4);
	s = tp_expect();
	for (int i = 0; i < TCP_RETRIES2; i++) {
		s = tp_expect_after(s->when, gap);
		tp_check(s, TCPHDR_ACK | TCPHDR_PSH, p.iss + 1, p.seq, 4);
		gap = MIN(gap * 2, TCP_RTO_MAX_MS);
	}
	assert_int_equal(tp->rto_ms, TCP_RTO_MAX_MS);
	assert_int_equal(tp->state, TCP_ESTABLISHED);
	tp_advance(gap + TP_LATE(gap));
	assert_int_equal(tp->state, TCP_CLOSE);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, ETIMEDOUT);
	assert_int_equal(tcp_mib.tcp_abort_on_timeout, 1);
	while (tp_pending())	/* Linux sends nothing more; a RST would be at SND.NXT */
		tp_check(tp_expect(), TCPHDR_RST | TCPHDR_ACK, p.iss + 5, p.seq, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zero_window_persist, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_zero_window_update_same_seq, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_small_window_probe_carries_data, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_answered, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_timeout, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_retransmission_limit, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
