/* The socket API over TCP and the SYN-cookie path, against a scripted peer:
 * SYN cookies round trip (the SYN queue full: min(listen backlog,
 * tcp_max_syn_backlog); the next SYN gets a cookie SYN-ACK whose TSval
 * carries wscale and SACK-permitted; its ACK makes an accepted connection
 * with the negotiated MSS, scale and SACK), with and without timestamps and
 * with a forged ACK; and every errno the calls return: ECONNREFUSED,
 * ECONNRESET, ETIMEDOUT (tcp_timers), EAGAIN, EPIPE, EADDRINUSE, ENOTCONN,
 * EISCONN, EALREADY, EINPROGRESS. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "net/secure_seq.h"

#define LPORT 8080

/* Fills the listener's SYN queue with n half-open connections from
 * distinct peer ports. */
static void fill_syn_queue(unsigned int n)
{
	struct tp_opts o = tp_linux_syn_opts();

	for (unsigned int i = 0; i < n; i++) {
		struct tp_peer q = tp_peer_make((uint16_t)(30000 + i), LPORT, 100 * i);

		const struct tp_seg *s;

		tp_inject(&q, TCPHDR_SYN, q.seq, 0, 65535, &o, NULL, 0);
		s = tp_expect();
		tp_check(s, TCPHDR_SYN | TCPHDR_ACK, s->seq, 100 * i + 1, 0);
	}
}

/* A full SYN queue answers with a cookie; the ACK carrying it back makes
 * the connection, with what the TSval's low bits remembered: the PEER's
 * window scale (Linux's cookie_init_timestamp stores ireq->snd_wscale). */
static void test_syncookie_round_trip(void **state)
{
	int lfd;
	struct tp_peer p = tp_peer_make(40000, LPORT, 123456789);
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;
	struct tp_seg sa;
	struct tcp_sock *tp;
	uint8_t ws = 0;
	bool ws_ok = false, sack_ok = false, ecn_ok = false;
	int fd;

	(void)state;
	sysctl_tcp_max_syn_backlog = 8;
	lfd = tp_listen(LPORT, 64);
	fill_syn_queue(8);
	assert_int_equal(tcp_reqsk_count(tp_sk(lfd)), 8);
	tp_inject(&p, TCPHDR_SYN, p.seq, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	sa = *s;
	tp_check(&sa, TCPHDR_SYN | TCPHDR_ACK, sa.seq, 123456790, 0);
	assert_int_equal(tcp_reqsk_count(tp_sk(lfd)), 8);	/* no state kept */
	assert_int_equal(tcp_mib.syncookies_sent, 1);
	assert_int_equal(sa.mss, 1460);
	assert_true(sa.sack_perm);
	assert_true(sa.ts);
	assert_int_equal(sa.tsecr, o.tsval);
	assert_true(sa.ws >= 0);
	assert_true(cookie_timestamp_decode(sa.tsval, &ws, &ws_ok, &sack_ok, &ecn_ok));
	assert_true(ws_ok);
	assert_int_equal(ws, 7);		/* the peer's shift */
	assert_true(sack_ok);
	/* The peer's ACK, echoing the TSval. */
	p.seq = 123456790;
	p.ack = sa.seq + 1;
	p.ts = true;
	p.tsval = o.tsval;
	p.ts_echo = sa.tsval;
	p.win = 1000;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tcp_mib.syncookies_recv, 1);
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= SOCK_FD_BASE);
	tp = tp_sk(fd);
	assert_int_equal(tp->state, TCP_ESTABLISHED);
	assert_int_equal(tp->mss_cache, 1460 - 12);
	assert_true(tp->rx_opt.sack_ok);
	assert_true(tp->rx_opt.tstamp_ok);
	assert_true(tp->rx_opt.wscale_ok);
	assert_int_equal(tp->rx_opt.snd_wscale, 7);
	assert_int_equal(tp->snd_wnd, 1000u << 7);
	assert_int_equal(tp->rcv_wscale, sa.ws);	/* what the SYN-ACK offered */
	/* Data both ways on the cookie connection. */
	assert_int_equal(tp_sendbuf(fd, "cookie", 6), 6);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, sa.seq + 1, p.seq, 6);
	assert_int_equal((uint32_t)s->win << tp->rcv_wscale, tp->rcv_wnd);
	assert_true(s->ts);
	tp_saw(&p, s);
	p.ack += 6;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "crumb", 5);
	{
		char b[8];

		assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 5);
		assert_memory_equal(b, "crumb", 5);
	}
}

/* A full SYN queue answers with a cookie; the ACK carrying it back makes
 * the connection; here the peer offers no window scale, and the cookie
 * SYN-ACK none either. */
static void test_syncookie_round_trip_no_wscale(void **state)
{
	int lfd;
	struct tp_peer p = tp_peer_make(40000, LPORT, 123456789);
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;
	struct tp_seg sa;

	struct tcp_sock *tp;
	uint8_t ws = 0;
	bool ws_ok = false, sack_ok = false, ecn_ok = false;
	int fd;

	(void)state;
	sysctl_tcp_max_syn_backlog = 8;
	lfd = tp_listen(LPORT, 64);
	fill_syn_queue(8);
	assert_int_equal(tcp_reqsk_count(tp_sk(lfd)), 8);
	o.ws = -1;
	tp_inject(&p, TCPHDR_SYN, p.seq, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	sa = *s;
	tp_check(&sa, TCPHDR_SYN | TCPHDR_ACK, sa.seq, 123456790, 0);
	assert_int_equal(tcp_reqsk_count(tp_sk(lfd)), 8);	/* no state kept */
	assert_int_equal(tcp_mib.syncookies_sent, 1);
	assert_int_equal(sa.mss, 1460);
	assert_true(sa.sack_perm);
	assert_true(sa.ts);
	assert_int_equal(sa.tsecr, o.tsval);
	assert_int_equal(sa.ws, -1);		/* RFC 7323 2.2: only in answer to one */
	assert_true(cookie_timestamp_decode(sa.tsval, &ws, &ws_ok, &sack_ok, &ecn_ok));
	assert_false(ws_ok);
	assert_true(sack_ok);
	/* The peer's ACK, echoing the TSval. */
	p.seq = 123456790;
	p.ack = sa.seq + 1;
	p.ts = true;
	p.tsval = o.tsval;
	p.ts_echo = sa.tsval;
	p.win = 1000;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tcp_mib.syncookies_recv, 1);
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= SOCK_FD_BASE);
	tp = tp_sk(fd);
	assert_int_equal(tp->state, TCP_ESTABLISHED);
	assert_int_equal(tp->mss_cache, 1460 - 12);
	assert_true(tp->rx_opt.sack_ok);
	assert_true(tp->rx_opt.tstamp_ok);
	assert_false(tp->rx_opt.wscale_ok);
	assert_int_equal(tp->rx_opt.snd_wscale, 0);
	assert_int_equal(tp->snd_wnd, 1000);
	assert_int_equal(tp->rcv_wscale, 0);
	/* Data both ways on the cookie connection. */
	assert_int_equal(tp_sendbuf(fd, "cookie", 6), 6);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, sa.seq + 1, p.seq, 6);
	assert_int_equal(s->win, tp->rcv_wnd);
	assert_true(s->ts);
	tp_saw(&p, s);
	p.ack += 6;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "crumb", 5);
	{
		char b[8];

		assert_int_equal(tp_recvbuf(fd, b, sizeof(b)), 5);
		assert_memory_equal(b, "crumb", 5);
	}
}

/* Without timestamps the cookie keeps only the MSS: the SYN-ACK offers no
 * window scale and no SACK (Linux), and the connection has neither. */
static void test_syncookie_without_timestamps(void **state)
{
	int lfd;
	struct tp_peer p = tp_peer_make(40001, LPORT, 5555);
	struct tp_opts o = tp_linux_syn_opts();
	const struct tp_seg *s;
	struct tcp_sock *tp;
	uint32_t isn;
	int fd;

	(void)state;
	sysctl_tcp_max_syn_backlog = 8;
	lfd = tp_listen(LPORT, 64);
	fill_syn_queue(8);
	o.ts = false;
	o.mss = 1400;
	tp_inject(&p, TCPHDR_SYN, p.seq, 0, 65535, &o, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, s->seq, 5556, 0);
	assert_int_equal(s->mss, 1460);
	assert_false(s->ts);
	assert_int_equal(s->ws, -1);
	assert_false(s->sack_perm);
	isn = s->seq;
	p.seq = 5556;
	p.ack = isn + 1;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	assert_true(fd >= SOCK_FD_BASE);
	tp = tp_sk(fd);
	/* The MSS table's entry at or below the peer's 1400: 1300. */
	assert_int_equal(tp->mss_cache, 1300);
	assert_false(tp->rx_opt.sack_ok);
	assert_false(tp->rx_opt.wscale_ok);
	assert_int_equal(tp->rcv_wscale, 0);
}

/* An ACK whose cookie does not check out is answered with a RST and makes
 * nothing. */
static void test_syncookie_forged_ack(void **state)
{
	int lfd;
	struct tp_peer p = tp_peer_make(40002, LPORT, 777);
	const struct tp_seg *s;

	(void)state;
	sysctl_tcp_max_syn_backlog = 8;
	lfd = tp_listen(LPORT, 64);
	p.ack = 0xdeadbeef;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_RST, 0xdeadbeef, 0, 0);
	assert_int_equal(tcp_mib.syncookies_failed, 1);
	assert_int_equal(tp_errno(accept4(lfd, NULL, NULL, SOCK_NONBLOCK)), -EAGAIN);
}

static struct sockaddr_in peer_addr(uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				     .sin_addr = { TP_PEER } };
}

/* RST,ACK to our SYN: ECONNREFUSED (RFC 9293 3.10.7.3), reported once by
 * SO_ERROR or the next connect. */
static void test_econnrefused(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = peer_addr(81);
	struct tp_peer p;
	const struct tp_seg *s;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)state;
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	s = tp_expect();
	p = tp_peer_make(81, s->sport, 0);
	tp_inject(&p, TCPHDR_RST | TCPHDR_ACK, 0, s->seq + 1, 0, NULL, NULL, 0);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_CLOSE);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, ECONNREFUSED);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, 0);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	s = tp_expect();
	p.lport = s->sport;
	tp_inject(&p, TCPHDR_RST | TCPHDR_ACK, 0, s->seq + 1, 0, NULL, NULL, 0);
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -ECONNREFUSED);
	/* A RST whose ACK is not for our SYN is ignored (RFC 9293 3.10.7.3). */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	s = tp_expect();
	p.lport = s->sport;
	tp_inject(&p, TCPHDR_RST | TCPHDR_ACK, 0, s->seq + 7, 0, NULL, NULL, 0);
	assert_int_equal(tp_sk(fd)->state, TCP_SYN_SENT);
}

/* EINPROGRESS, then EALREADY while the SYN is out, EISCONN once connected. */
static void test_connect_errnos(void **state)
{
	struct tp_peer p = tp_peer_make(80, 0, 4242);
	struct tp_opts o = tp_linux_syn_opts();
	struct sockaddr_in a = peer_addr(80);
	int fd = tp_active_open(&p, &o, NULL);
	int fd2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	(void)state;
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EISCONN);
	a = peer_addr(82);
	assert_int_equal(tp_errno(connect(fd2, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	assert_int_equal(tp_errno(connect(fd2, (struct sockaddr *)&a, sizeof(a))), -EALREADY);
	/* Before the handshake: no data, EAGAIN both ways (non-blocking). */
	assert_int_equal(tp_sendbuf(fd2, "x", 1), -EAGAIN);
	tp_discard();
}

/* ENOTCONN on a socket never connected; EAGAIN on an empty non-blocking
 * receive and accept; EPIPE once the write side is shut. */
static void test_io_errnos(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int lfd = tp_listen(LPORT, 4);
	struct tp_peer p = tp_peer_make(40000, LPORT, 1);
	struct tp_opts o = tp_linux_syn_opts();
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char c;
	int cfd;

	(void)state;
	assert_int_equal(tp_sendbuf(fd, "x", 1), -ENOTCONN);
	assert_int_equal(tp_recvbuf(fd, &c, 1), -ENOTCONN);
	assert_int_equal(tp_errno(shutdown(fd, SHUT_WR)), -ENOTCONN);
	assert_int_equal(tp_errno(getpeername(fd, (struct sockaddr *)&a, &alen)), -ENOTCONN);
	assert_int_equal(tp_errno(accept4(lfd, NULL, NULL, SOCK_NONBLOCK)), -EAGAIN);
	assert_int_equal(tp_recvbuf(lfd, &c, 1), -ENOTCONN);
	cfd = tp_passive_open(&p, lfd, &o, NULL);
	assert_int_equal(tp_recvbuf(cfd, &c, 1), -EAGAIN);
	assert_int_equal(shutdown(cfd, SHUT_WR), 0);
	tp_discard();
	assert_int_equal(tp_sendbuf(cfd, "x", 1), -EPIPE);
}

/* A full send buffer (the peer's window closed): EAGAIN, not a block. */
static void test_send_buffer_full_eagain(void **state)
{
	static uint8_t big[256 * 1024];
	int lfd = tp_listen(LPORT, 4);
	struct tp_peer p = tp_peer_make(40000, LPORT, 1);
	struct tp_opts o = tp_linux_syn_opts();
	int fd, size = 65536;
	ssize_t n;

	(void)state;
	fd = tp_passive_open(&p, lfd, &o, NULL);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "w", 1);
	p.win = 0;
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "v", 1);	/* a newer seq: window 0 taken */
	tp_discard();
	assert_int_equal(tp_sk(fd)->snd_wnd, 0);
	n = tp_sendbuf(fd, big, sizeof(big));
	assert_true(n > 0 && n < (ssize_t)sizeof(big));
	assert_int_equal(tp_sendbuf(fd, big, sizeof(big)), -EAGAIN);
	tp_expect_none();
}

/* EADDRINUSE for a second bind or a listen on a taken port; SO_REUSEADDR
 * on both lets a port be bound again while a connection still holds it. */
static void test_eaddrinuse(void **state)
{
	int a = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int b = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(LPORT) };
	struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(LPORT),
				 .sin_addr = { TP_LOCAL } };
	int one = 1;

	(void)state;
	assert_int_equal(bind(a, (struct sockaddr *)&s, sizeof(s)), 0);
	assert_int_equal(tp_errno(bind(b, (struct sockaddr *)&s, sizeof(s))), -EADDRINUSE);
	assert_int_equal(tp_errno(bind(b, (struct sockaddr *)&l, sizeof(l))), -EADDRINUSE);
	assert_int_equal(listen(a, 4), 0);
	assert_int_equal(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	/* A listener is never shared, even with SO_REUSEADDR. */
	assert_int_equal(tp_errno(bind(c, (struct sockaddr *)&s, sizeof(s))), -EADDRINUSE);
	/* Another port is free. */
	s.sin_port = htons(LPORT + 1);
	assert_int_equal(bind(b, (struct sockaddr *)&s, sizeof(s)), 0);
}

/* SO_REUSEADDR: a new listener on the port of a connection in TIME_WAIT
 * (which needs the lone FIN of close to go out). */
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

/* All sockets' queues past tcp_mem_max_kb: the pressure state refuses new
 * connections (counted, no SYN-ACK) and ends when the reader drains the
 * queue below three quarters; then a new connection is taken again. */
static void test_memory_pressure_refuses_then_recovers(void **state)
{
	struct tp_peer p = tp_peer_make(40000, LPORT, 1000);
	struct tp_peer q = tp_peer_make(40001, LPORT, 5000);
	struct tp_opts o = tp_linux_syn_opts();
	uint8_t seg[1448], buf[4096];
	int lfd, fd, fd2;
	unsigned int n;

	(void)state;
	memset(seg, 'm', sizeof(seg));
	sysctl_tcp_mem_max_kb = 64;
	lfd = tp_listen(LPORT, 8);
	fd = tp_passive_open(&p, lfd, &o, NULL);
	for (n = 0; n < 200 && !tcp_memory_pressure; n++)
		tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, seg, sizeof(seg));
	assert_true(tcp_memory_pressure);
	assert_int_equal(tcp_mib.tcp_memory_pressures, 1);
	tp_discard();

	tp_inject(&q, TCPHDR_SYN, q.seq, 0, 65535, &o, NULL, 0);
	tp_expect_none();
	assert_int_equal(tcp_mib.mem_refused_conns, 1);

	while (tp_recvbuf(fd, buf, sizeof(buf)) > 0)
		;
	assert_false(tcp_memory_pressure);
	tp_discard();
	fd2 = tp_passive_open(&q, lfd, &o, NULL);
	assert_true(fd2 >= SOCK_FD_BASE);
	assert_int_equal(tcp_mib.mem_refused_conns, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syncookie_round_trip, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syncookie_round_trip_no_wscale, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syncookie_without_timestamps, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_syncookie_forged_ack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_econnrefused, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_connect_errnos, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_io_errnos, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_send_buffer_full_eagain, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_eaddrinuse, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_reuseaddr_time_wait, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_memory_pressure_refuses_then_recovers, tp_setup,
						tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
