/* TCP's socket options and the receive flags against a scripted peer: PAWS
 * (RFC 7323 5) drops a segment with an older timestamp, TCP_CORK holds data
 * until a full segment, MSG_PEEK reads without consuming, MSG_WAITALL on a
 * non-blocking socket returns what there is, SO_LINGER with 0 s closes with
 * a RST, and TCP_INFO reports Linux's fields. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "net/ip.h"

#define LPORT 8080
#define PPORT 40000
#define MSS 1448

static uint8_t buf[8192];

static int establish(struct tp_peer *p)
{
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(LPORT, 16);

	*p = tp_peer_make(PPORT, LPORT, 3000000);
	return tp_passive_open(p, lfd, &o, NULL);
}

/* A segment whose TSval is older than TS.Recent is an old duplicate: dropped
 * (counted as PAWSEstab) and answered with an ACK, its data not taken. */
static void test_paws_rejects_older_timestamp(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	struct tp_opts o = tp_no_opts();
	uint32_t rcv_nxt;
	const struct tp_seg *s;

	(void)state;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "fresh", 5);
	tp_discard();
	rcv_nxt = tp->rcv_nxt;
	o.ts = true;
	o.tsval = tp->ts_recent - 1000;
	o.tsecr = p.ts_echo;
	tp_inject(&p, TCPHDR_ACK | TCPHDR_PSH, p.seq, p.ack, p.win, &o, "stale", 5);
	assert_int_equal(tp->rcv_nxt, rcv_nxt);
	assert_int_equal(tcp_mib.paws_estab, 1);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.ack, rcv_nxt, 0);
	assert_int_equal(tp_recvbuf(fd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "fresh", 5);
}

/* TCP_CORK: small writes wait until they fill a segment; uncorking sends the
 * rest at once. */
static void test_cork_holds_until_full_segment(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t seq = p.iss + 1;
	const struct tp_seg *s;
	int on = 1, off = 0;

	(void)state;
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)), 0);
	tp_fill_pattern(buf, 0, 1500);
	assert_int_equal(tp_sendbuf(fd, buf, 100), 100);
	tp_expect_none();
	assert_int_equal(tp_sendbuf(fd, buf + 100, 1400), 1400);
	s = tp_expect();
	/* PSH came with the first call's end (as on Linux, corked or not). */
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq, p.seq, MSS);
	tp_check_pattern(s, 0);
	tp_expect_none();			/* 52 bytes still corked */
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_CORK, &off, sizeof(off)), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + MSS, p.seq, 1500 - MSS);
	tp_check_pattern(s, MSS);
}

static void test_peek_and_waitall(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);

	(void)state;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "abcdef", 6);
	assert_int_equal(recv(fd, buf, 3, MSG_PEEK), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(recv(fd, buf, 3, MSG_PEEK), 3);	/* still there */
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 6);
	assert_memory_equal(buf, "abcdef", 6);
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "wxyz", 4);
	/* Non-blocking: MSG_WAITALL gives what there is rather than wait. */
	assert_int_equal(recv(fd, buf, 10, MSG_WAITALL), 4);
	assert_memory_equal(buf, "wxyz", 4);
	assert_int_equal(tp_errno((int)recv(fd, buf, 10, MSG_WAITALL)), -EAGAIN);
}

/* SO_LINGER on with 0 s: close aborts with RST instead of a FIN. */
static void test_linger_zero_resets(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	const struct tp_seg *s;

	(void)state;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(tp_close(fd), 0);
	s = tp_expect();
	tp_check(s, TCPHDR_RST | TCPHDR_ACK, p.iss + 1, p.seq, 0);
	assert_int_equal(tcp_mib.tcp_abort_on_linger, 1);
	tp_expect_none();
}

/* TCP_INFO after a round trip: Linux's fields and meanings. */
static void test_tcp_info(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	const struct tp_seg *s;

	(void)state;
	tp_fill_pattern(buf, 0, 1000);
	assert_int_equal(tp_sendbuf(fd, buf, 1000), 1000);
	s = tp_expect();
	tp_saw(&p, s);
	tp_advance(20);
	p.ack = s->seq + s->len;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	assert_int_equal(len, sizeof(ti));
	assert_int_equal(ti.tcpi_state, TCP_ESTABLISHED);
	assert_int_equal(ti.tcpi_ca_state, TCP_CA_Open);
	assert_int_equal(ti.tcpi_options, TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE);
	assert_int_equal(ti.tcpi_snd_rcv_wscale & 0xF, 7);	/* the peer's shift */
	assert_int_equal(ti.tcpi_snd_mss, MSS);
	assert_int_equal(ti.tcpi_snd_cwnd, 10);
	assert_int_equal(ti.tcpi_unacked, 0);
	assert_int_equal(ti.tcpi_bytes_acked, 1000);
	assert_int_equal(ti.tcpi_bytes_sent, 1000);
	assert_int_equal(ti.tcpi_total_retrans, 0);
	/* RFC 6298 after the handshake's ~0 sample and this 20 ms one:
	 * srtt = 20 ms / 8, rttvar = 20 ms / 4; RTO = srtt + max(4 rttvar,
	 * 200 ms), in whole ms. */
	assert_true(ti.tcpi_rtt >= 2400 && ti.tcpi_rtt <= 2600);
	assert_true(ti.tcpi_rttvar >= 4900 && ti.tcpi_rttvar <= 5100);
	assert_int_equal(ti.tcpi_rto, 203000);
	/* A short buffer gets the start of the struct, and its length. */
	len = 8;
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	assert_int_equal(len, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paws_rejects_older_timestamp, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_cork_holds_until_full_segment, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_peek_and_waitall, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_linger_zero_resets, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_tcp_info, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
