/* TCP connection setup against a scripted peer: passive and active open with
 * option negotiation (MSS, window scale, SACK-permitted, timestamps) and
 * with a peer that sends no options (MSS 536, no scaling), the MSS clamps,
 * window scaling applied in both directions, simultaneous open, a closed
 * listener leaving the table, SYN and SYN-ACK retransmission. Every segment the stack sends is checked field
 * by field. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"

#define LPORT 8080
#define PPORT 40000

/* RFC 7323 2.2 / RFC 9293 3.7.1: the SYN-ACK answers the options offered. */
static void test_passive_open_negotiates_linux_options(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p = tp_peer_make(PPORT, LPORT, 1000000);
	int lfd = tp_listen(LPORT, 16);
	struct tp_seg sa;
	struct tcp_sock *tp;
	int fd;

	(void)state;
	fd = tp_passive_open(&p, lfd, &o, &sa);
	assert_int_equal(sa.saddr, TP_LOCAL);
	assert_int_equal(sa.mss, 1460);		/* 1500 - 20 - 20 */
	assert_true(sa.sack_perm);
	assert_true(sa.ts);
	assert_int_equal(sa.tsecr, o.tsval);	/* RFC 7323 3.2: TSecr echoes the SYN's TSval */
	assert_true(sa.ws >= 1 && sa.ws <= TCP_MAX_WSCALE);
	assert_int_equal(sa.len, 0);
	/* Linux's layout: MSS, SACK_PERM + TS, NOP + WS (20 bytes). */
	assert_int_equal(sa.optlen, 20);
	assert_int_equal(sa.opt[0], TCPOPT_MSS);
	assert_int_equal(sa.opt[4], TCPOPT_SACK_PERM);
	assert_int_equal(sa.opt[6], TCPOPT_TIMESTAMP);
	assert_int_equal(sa.opt[16], TCPOPT_NOP);
	assert_int_equal(sa.opt[17], TCPOPT_WINDOW);
	/* RFC 7323 2.2: the window of a SYN is not scaled. */
	assert_true(sa.win > 0);

	tp = tp_sk(fd);
	assert_int_equal(tp->rcv_wscale, sa.ws);
	assert_int_equal(tp->rx_opt.snd_wscale, 7);
	assert_true(tp->rx_opt.tstamp_ok && tp->rx_opt.sack_ok && tp->rx_opt.wscale_ok);
	/* RFC 6691: the peer's MSS less the 12 bytes of timestamps per segment. */
	assert_int_equal(tp->mss_cache, 1448);
	/* The peer's window is scaled from its first non-SYN segment on. */
	assert_int_equal(tp->snd_wnd, 65535u << 7);
	assert_int_equal(tp->snd_una, sa.seq + 1);
	assert_int_equal(tp->rcv_nxt, 1000001);
}

/* A SYN from port 0 (reserved, RFC 6335 6) is dropped and counted: no
 * SYN-ACK to a port nobody listens on, no child (found by the fuzzer). */
static void test_syn_from_port_zero_dropped(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p = tp_peer_make(0, LPORT, 1000000);
	int lfd = tp_listen(LPORT, 16);

	(void)state;
	tp_inject(&p, TCPHDR_SYN, p.seq, 0, p.win, &o, NULL, 0);
	tp_expect_none();
	assert_int_equal(tcp_mib.in_port_zero, 1);
	assert_int_equal(tp_sk(lfd)->syn_qlen, 0);
}

/* A peer without options: MSS 536 (RFC 9293 3.7.1), no scaling, no SACK, no
 * timestamps in either direction. */
static void test_passive_open_without_options(void **state)
{
	struct tp_opts o = tp_no_opts();
	struct tp_peer p = tp_peer_make(PPORT, LPORT, 7777);
	int lfd = tp_listen(LPORT, 16);
	uint8_t buf[2000];
	struct tp_seg sa;
	const struct tp_seg *s;
	struct tcp_sock *tp;
	int fd;

	(void)state;
	fd = tp_passive_open(&p, lfd, &o, &sa);
	assert_int_equal(sa.mss, 1460);		/* ours is always announced */
	assert_int_equal(sa.ws, -1);
	assert_false(sa.sack_perm);
	assert_false(sa.ts);
	assert_int_equal(sa.optlen, 4);
	tp = tp_sk(fd);
	assert_int_equal(tp->mss_cache, 536);
	assert_int_equal(tp->rcv_wscale, 0);
	assert_int_equal(tp->rx_opt.snd_wscale, 0);
	assert_int_equal(tp->snd_wnd, 65535);

	tp_fill_pattern(buf, 0, sizeof(buf));
	assert_int_equal(tp_sendbuf(fd, buf, sizeof(buf)), sizeof(buf));
	for (uint32_t off = 0; off < sizeof(buf); off += 536) {
		uint32_t n = MIN(536u, (uint32_t)sizeof(buf) - off);

		s = tp_expect();
		tp_check(s, TCPHDR_ACK | (off + n == sizeof(buf) ? TCPHDR_PSH : 0), sa.seq + 1 + off,
			 7778, n);
		tp_check_pattern(s, off);
		assert_int_equal(s->optlen, 0);		/* no timestamps, no SACK */
		/* Unscaled: the field is the window. */
		assert_int_equal(s->win, tp->rcv_wnd);
		assert_true(s->win <= 65535);
	}
	tp_expect_none();
}

/* RFC 9293 3.10.7.3: the SYN, and the ACK completing the handshake. */
static void test_active_open_negotiates_options(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p = tp_peer_make(80, 0, 3000000000u);
	struct tp_seg syn;
	struct tcp_sock *tp;
	int fd;

	(void)state;
	fd = tp_active_open(&p, &o, &syn);
	assert_int_equal(syn.saddr, TP_LOCAL);
	assert_true(syn.sport >= 32768);		/* an ephemeral port */
	assert_int_equal(syn.mss, 1460);
	assert_true(syn.sack_perm);
	assert_true(syn.ts);
	assert_int_equal(syn.tsecr, 0);		/* RFC 7323 3.2: nothing to echo yet */
	assert_true(syn.ws >= 0);
	assert_int_equal(syn.optlen, 20);
	assert_true(syn.win > 0);
	tp = tp_sk(fd);
	assert_int_equal(tp->iss, syn.seq);
	assert_int_equal(tp->snd_una, syn.seq + 1);
	assert_int_equal(tp->rcv_nxt, 3000000001u);
	assert_int_equal(tp->mss_cache, 1448);
	assert_int_equal(tp->rx_opt.snd_wscale, 7);
	assert_int_equal(tp->rcv_wscale, syn.ws);
}

static void test_active_open_peer_without_options(void **state)
{
	struct tp_opts o = tp_no_opts();
	struct tp_peer p = tp_peer_make(80, 0, 55);
	struct tp_seg syn;
	struct tcp_sock *tp;
	const struct tp_seg *s;
	uint8_t buf[600];
	int fd;

	(void)state;
	fd = tp_active_open(&p, &o, &syn);
	tp = tp_sk(fd);
	assert_int_equal(tp->mss_cache, 536);
	assert_false(tp->rx_opt.tstamp_ok);
	assert_false(tp->rx_opt.sack_ok);
	assert_false(tp->rx_opt.wscale_ok);
	/* RFC 7323 2.2: a shift is used only when both sides sent one. */
	assert_int_equal(tp->rcv_wscale, 0);
	tp_fill_pattern(buf, 0, sizeof(buf));
	assert_int_equal(tp_sendbuf(fd, buf, sizeof(buf)), sizeof(buf));
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, syn.seq + 1, 56, 536);
	assert_int_equal(s->optlen, 0);
	assert_int_equal(s->win, tp->rcv_wnd);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, syn.seq + 1 + 536, 56, 64);
	tp_expect_none();
}

/* The send MSS is the smaller of the peer's MSS and the route's. */
static void test_mss_clamped_by_peer_and_route(void **state)
{
	struct tp_opts o = tp_no_opts();
	struct tp_peer p = tp_peer_make(PPORT, LPORT, 1);
	int lfd = tp_listen(LPORT, 16);
	struct tp_peer q = tp_peer_make(PPORT + 1, LPORT, 1);
	int fd;

	(void)state;
	o.mss = 1000;
	fd = tp_passive_open(&p, lfd, &o, NULL);
	assert_int_equal(tp_sk(fd)->mss_cache, 1000);
	o.mss = 9000;
	fd = tp_passive_open(&q, lfd, &o, NULL);
	assert_int_equal(tp_sk(fd)->mss_cache, 1460);
}

/* RFC 7323 2.3: window fields are shifted by the sender's announced scale
 * both ways. */
static void test_window_scaling_both_ways(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p = tp_peer_make(PPORT, LPORT, 100);
	int lfd = tp_listen(LPORT, 16);
	const struct tp_seg *s;
	struct tcp_sock *tp;
	uint8_t buf[100];
	int fd;

	(void)state;
	o.ws = 2;
	fd = tp_passive_open(&p, lfd, &o, NULL);
	tp = tp_sk(fd);
	assert_int_equal(tp->snd_wnd, 65535u << 2);
	/* Our window field, shifted by our scale, is the window we offer. */
	tp_fill_pattern(buf, 0, sizeof(buf));
	assert_int_equal(tp_sendbuf(fd, buf, sizeof(buf)), sizeof(buf));
	s = tp_expect();
	assert_int_equal(s->len, 100);
	assert_int_equal((uint32_t)s->win << tp->rcv_wscale, tp->rcv_wnd);
	assert_true(s->ts);
	assert_int_equal(s->tsecr, p.tsval);	/* the peer's latest TSval */
	/* The peer ACKs and shrinks its window to 1000 << 2 bytes. */
	p.ack += 100;
	p.win = 1000;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->snd_wnd, 4000);
}

static bool count_sock(const struct tcp_ss_entry *e, void *arg)
{
	(void)e;
	++*(unsigned int *)arg;
	return true;
}

/* close() of a listener takes it out of the listening table; a SYN
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

/* RFC 9293 3.5 figure 7: both sides send SYNs; each answers SYN-ACK. */
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

/* RFC 6298 2.1 / 5.5: SYN retransmitted after 1 s, then 2 s, 4 s, ... with
 * the same sequence number; after tcp_syn_retries the connect fails with
 * ETIMEDOUT. */
static void test_syn_retransmission_backoff(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80),
				 .sin_addr = { TP_PEER } };
	const struct tp_seg *s;
	uint64_t t0, gap = 1000;
	uint32_t iss;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)state;
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	s = tp_expect();
	iss = s->seq;
	t0 = s->when;
	for (int i = 0; i < TCP_SYN_RETRIES; i++) {
		s = tp_expect_after(t0, gap);
		tp_check(s, TCPHDR_SYN, iss, 0, 0);
		assert_int_equal(s->mss, 1460);
		t0 = s->when;
		gap *= 2;
	}
	assert_int_equal(tp_sk(fd)->state, TCP_SYN_SENT);
	tp_advance(gap + TP_LATE(gap));
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_CLOSE);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, ETIMEDOUT);
}

/* The SYN-ACK is retransmitted like a SYN (1 s, 2 s, ...) until the ACK. */
static void test_synack_retransmission(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p = tp_peer_make(PPORT, LPORT, 5000);
	int lfd = tp_listen(LPORT, 16);
	const struct tp_seg *s;
	uint32_t iss;
	int fd;

	(void)state;
	tp_inject(&p, TCPHDR_SYN, 5000, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, s->seq, 5001, 0);
	iss = s->seq;
	s = tp_expect_after(s->when, 1000);
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, iss, 5001, 0);
	assert_int_equal(s->mss, 1460);
	s = tp_expect_after(s->when, 2000);
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, iss, 5001, 0);
	/* Not yet established: nothing to accept. */
	assert_int_equal(tp_errno(accept4(lfd, NULL, NULL, SOCK_NONBLOCK)), -EAGAIN);
	p.seq = 5001;
	p.ack = iss + 1;
	p.ts = true;
	p.ts_echo = s->tsval;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	tp_expect_none();
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	/* Karn: no RTT sample from a retransmitted SYN-ACK; RTO stays 1 s. */
	assert_int_equal(tp_sk(fd)->rto_ms, TCP_TIMEOUT_INIT_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_passive_open_negotiates_linux_options, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_passive_open_without_options, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_active_open_negotiates_options, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_active_open_peer_without_options, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_mss_clamped_by_peer_and_route, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_window_scaling_both_ways, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_open, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_closed_listener_unhashed, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syn_from_port_zero_dropped, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syn_retransmission_backoff, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_synack_retransmission, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
