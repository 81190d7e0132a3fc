/* The socket layer's stream side against a fake connection-oriented
 * protocol (fake_stream.c): the protocol-sized object and its init, listen
 * and its backlog, accept / accept4 (flags, the peer's address, a full
 * descriptor table before and during the wait), the lifetime rule
 * (descriptor, sent bytes, protocol hold in every order), SOCK_CHILD_MAX,
 * options passed to the protocol and their errno values, close leaving a
 * connection's shutdown state alone, and `ss -t` / `ss -i` over a fake TCP
 * table (fake_tcp_ss.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "shell_run.h"
#include "socket_fixture.h"
#include "fake_inet.h"
#include "fake_stream.h"
#include "fake_tcp_ss.h"
#include "skb_arena.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/udp.h"

/* ---- stream: object, listen, accept ------------------------------------------- */

static int stream(int flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | flags, 0);

	assert_true(fd >= SOCK_FD_BASE);
	return fd;
}

static struct fake_stream_sock *listener(int fd, uint16_t port)
{
	struct sockaddr_in s = addr_in(0, port);
	struct fake_stream_sock *fs = fake_stream_last;

	assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	assert_int_equal(listen(fd, 8), 0);
	return fs;
}

static void test_stream_object(void **state)
{
	uint64_t live = fake_objs_live();
	struct fake_stream_sock *a, *b;
	int fa, fb, v;
	socklen_t len = sizeof(v);

	(void)state;
	assert_ptr_not_equal(kmalloc_cache(FAKE_OBJ_BYTES), kmalloc_cache(offsetof(struct socket_file, sk) + sizeof(struct sock)));
	fa = stream(0);
	a = fake_stream_last;
	fb = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	b = fake_stream_last;
	assert_int_equal(fake_objs_live(), live + 2);
	/* init ran on a zeroed object of obj_size; two of them do not overlap. */
	assert_int_equal(a->magic, FAKE_STREAM_MAGIC);
	assert_true((size_t)labs((char *)b - (char *)a) >= sizeof(*a));
	assert_int_equal(getsockopt(fa, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	assert_int_equal(v, SOCK_STREAM);
	/* init failing: its errno, no descriptor used, nothing kept. */
	fake_stream_init_rc = -ENOMEM;
	assert_int_equal(socket(AF_INET, SOCK_STREAM, 0), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(fake_objs_live(), live + 2);
	fake_stream_init_rc = 0;
	assert_int_equal(stream(0), fb + 1);
	assert_int_equal(fake_stream_closes, 0);
}

static void test_listen(void **state)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = stream(0);
	struct fake_stream_sock *fs = fake_stream_last;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	(void)state;
	assert_int_equal(listen(u, 5), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(accept(u, NULL, NULL), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(listen(99, 5), -1);
	assert_int_equal(errno, EBADF);
	/* Not listening: the protocol's EINVAL. */
	assert_int_equal(accept(t, (struct sockaddr *)&sin, &len), -1);
	assert_int_equal(errno, EINVAL);
	/* The backlog as Linux clamps it. */
	assert_int_equal(listen(t, 5), 0);
	assert_int_equal(fs->backlog, 5);
	assert_int_equal(listen(t, 100000), 0);
	assert_int_equal(fs->backlog, 4096);
	assert_int_equal(listen(t, -1), 0);
	assert_int_equal(fs->backlog, 4096);
	sysctl_somaxconn = 128;
	assert_int_equal(listen(t, 200), 0);
	assert_int_equal(fs->backlog, 128);
	assert_int_equal(listen(t, 0), 0);
	assert_int_equal(fs->backlog, 0);
}

static struct fake_stream_sock *accept_listener;

static int sleeps_then_connects(void)
{
	assert_non_null(fake_stream_child(accept_listener, FAKE_FAR, 40000));
	return 0;
}

static void test_accept(void **state)
{
	int lfd = stream(0), c;
	struct fake_stream_sock *l = listener(lfd, 7);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct sock *child;

	(void)state;
	assert_int_equal(accept4(lfd, NULL, NULL, 0x80000), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(accept(lfd, (struct sockaddr *)&sin, NULL), -1);
	assert_int_equal(errno, EFAULT);
	/* The peer's address, and a descriptor without O_NONBLOCK. */
	child = fake_stream_child(l, FAKE_PEER, 33000);
	assert_true(child->sk_flags & SOCK_DEAD);
	c = accept(lfd, (struct sockaddr *)&sin, &len);
	assert_true(c > lfd);
	assert_int_equal(len, sizeof(sin));
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(sin.sin_addr.s_addr, FAKE_PEER);
	assert_int_equal(ntohs(sin.sin_port), 33000);
	assert_false(child->sk_flags & SOCK_DEAD);
	assert_int_equal(sock_fd_fcntl(c, F_GETFL, 0) & O_NONBLOCK, 0);
	memset(&sin, 0, sizeof(sin));
	assert_int_equal(getpeername(c, (struct sockaddr *)&sin, &len), 0);
	assert_int_equal(sin.sin_addr.s_addr, FAKE_PEER);
	/* accept4 SOCK_NONBLOCK; a short address buffer is cut, the length full. */
	fake_stream_child(l, FAKE_PEER, 33001);
	len = 4;
	memset(&sin, 0, sizeof(sin));
	c = accept4(lfd, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK);
	assert_true(c > lfd);
	assert_int_equal(len, sizeof(sin));
	assert_int_equal(sin.sin_port, htons(33001));
	assert_int_equal(sin.sin_addr.s_addr, 0);
	assert_int_equal(sock_fd_fcntl(c, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
	/* Blocking: the protocol sleeps until a child is queued. */
	accept_listener = l;
	fake_sleep_hook = sleeps_then_connects;
	c = accept(lfd, NULL, NULL);
	assert_true(c > lfd);
	assert_int_equal(fake_sleeps, 1);
	/* Non-blocking listener, empty queue. */
	fake_sleep_hook = NULL;
	assert_int_equal(sock_fd_fcntl(lfd, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	/* Closing the listener ends what is still queued (nothing left behind:
	 * teardown counts the objects). */
	fake_stream_child(l, FAKE_PEER, 33002);
	assert_int_equal(sock_fd_close(lfd), 0);
}

static void fill_table(void)
{
	while (socket(AF_INET, SOCK_DGRAM, 0) >= 0)
		;
	assert_int_equal(errno, EMFILE);
}

static int others_take_the_last_descriptors(void)
{
	fill_table();
	assert_non_null(fake_stream_child(accept_listener, FAKE_PEER, 34000));
	return 0;
}

static void test_accept_emfile(void **state)
{
	int lfd = stream(0), last;
	struct fake_stream_sock *l = listener(lfd, 7);
	uint64_t live;

	(void)state;
	/* Full before the call: EMFILE, the queue untouched (as Linux). */
	fake_stream_child(l, FAKE_PEER, 33000);
	fill_table();
	assert_int_equal(accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(l->qlen, 1);
	/* One descriptor free, the child handed out; then full while a blocking
	 * accept waits: the child taken is closed through the protocol. */
	last = SOCK_FD_BASE + SOCK_MAX - 1;
	assert_int_equal(sock_fd_close(last), 0);
	assert_int_equal(accept(lfd, NULL, NULL), last);
	assert_int_equal(sock_fd_close(last), 0);
	accept_listener = l;
	fake_sleep_hook = others_take_the_last_descriptors;
	live = fake_objs_live();
	fake_stream_closes = 0;
	assert_int_equal(accept(lfd, NULL, NULL), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(fake_stream_closes, 1);
	assert_int_equal(fake_objs_live(), live);	/* the child's memory is back */
	assert_int_equal(l->qlen, 0);
}

/* ---- stream: lifetime ----------------------------------------------------------- */

enum life_event { LIFE_CLOSE, LIFE_SKB_FREED, LIFE_RELEASE };

static void test_lifetime_orders(void **state)
{
	static const enum life_event orders[6][3] = {
		{ LIFE_CLOSE, LIFE_SKB_FREED, LIFE_RELEASE }, { LIFE_CLOSE, LIFE_RELEASE, LIFE_SKB_FREED },
		{ LIFE_SKB_FREED, LIFE_CLOSE, LIFE_RELEASE }, { LIFE_SKB_FREED, LIFE_RELEASE, LIFE_CLOSE },
		{ LIFE_RELEASE, LIFE_CLOSE, LIFE_SKB_FREED }, { LIFE_RELEASE, LIFE_SKB_FREED, LIFE_CLOSE },
	};

	(void)state;
	for (int o = 0; o < 6; o++) {
		uint64_t live = fake_objs_live();
		int fd = stream(0);
		struct fake_stream_sock *fs = fake_stream_last;
		struct sk_buff *skb = alloc_skb(64);

		/* Held by its protocol (a connection), charged by a sent skb. */
		assert_non_null(skb);
		fs->close_keeps_hold = true;
		fs->sk.sk_flags |= SOCK_PROTO_HELD;
		skb_set_owner_w(skb, &fs->sk);
		for (int e = 0; e < 3; e++) {
			assert_int_equal(fake_objs_live(), live + 1);
			switch (orders[o][e]) {
			case LIFE_CLOSE: assert_int_equal(sock_fd_close(fd), 0); break;
			case LIFE_SKB_FREED: kfree_skb(skb); break;
			case LIFE_RELEASE: sk_proto_release(&fs->sk); break;
			}
		}
		/* Freed by whichever came last, and only then. */
		assert_int_equal(fake_objs_live(), live);
	}
}

static void test_child_limit(void **state)
{
	int lfd = stream(0), cfd;
	struct fake_stream_sock *l = listener(lfd, 7);
	static struct sock *kids[SOCK_CHILD_MAX];
	struct sock *one;
	uint64_t live = fake_objs_live();

	(void)state;
	/* Inherits the listener's options, not its O_NONBLOCK. */
	l->sk.sk_flags |= SOCK_KEEPOPEN | SOCK_NONBLOCK_F;
	l->sk.sk_rcvtimeo_ns = 5;
	for (int i = 0; i < SOCK_CHILD_MAX; i++) {
		kids[i] = sk_alloc_child(&l->sk);
		assert_non_null(kids[i]);
	}
	assert_int_equal(kids[0]->sk_flags & (SOCK_KEEPOPEN | SOCK_NONBLOCK_F | SOCK_DEAD | SOCK_PROTO_HELD),
			 SOCK_KEEPOPEN | SOCK_DEAD | SOCK_PROTO_HELD);
	assert_int_equal(kids[0]->sk_rcvtimeo_ns, 5);
	assert_int_equal(fake_stream_sk(kids[0])->magic, FAKE_STREAM_MAGIC);
	assert_null(sk_alloc_child(&l->sk));
	/* One freed: room for one. */
	sk_proto_release(kids[0]);
	kids[0] = sk_alloc_child(&l->sk);
	assert_non_null(kids[0]);
	assert_null(sk_alloc_child(&l->sk));
	/* One given a descriptor: room for one, and an init failing gives the
	 * room back. */
	cfd = sock_attach_fd(kids[1], 0);
	assert_true(cfd > lfd);
	fake_stream_init_rc = -ENOMEM;
	assert_null(sk_alloc_child(&l->sk));
	fake_stream_init_rc = 0;
	one = sk_alloc_child(&l->sk);
	assert_non_null(one);
	assert_null(sk_alloc_child(&l->sk));
	/* A closed socket its protocol still holds is without a descriptor too. */
	sk_proto_release(one);
	fake_stream_sk(kids[1])->close_keeps_hold = true;
	assert_int_equal(sock_fd_close(cfd), 0);
	assert_null(sk_alloc_child(&l->sk));
	sk_proto_release(kids[1]);
	for (int i = 2; i < SOCK_CHILD_MAX; i++)
		sk_proto_release(kids[i]);
	sk_proto_release(kids[0]);
	assert_int_equal(fake_objs_live(), live);
}

static void test_stream_close_and_calls(void **state)
{
	int fd = stream(0), nb = stream(SOCK_NONBLOCK);
	struct fake_stream_sock *fs, *fnb = fake_stream_last;
	struct sockaddr_in peer = addr_in(FAKE_PEER, 80);
	char buf[4];

	(void)state;
	(void)fnb;
	/* Non-blocking connect is the protocol's (it sees SOCK_NONBLOCK_F). */
	assert_int_equal(connect(nb, (struct sockaddr *)&peer, sizeof(peer)), -1);
	assert_int_equal(errno, EINPROGRESS);
	fd = stream(0);
	fs = fake_stream_last;
	assert_int_equal(shutdown(fd, SHUT_WR), -1);
	assert_int_equal(errno, ENOTCONN);
	assert_int_equal(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), 0);
	/* Flags reach the protocol untouched. */
	assert_int_equal(send(fd, "abc", 3, MSG_MORE | MSG_NOSIGNAL), 3);
	assert_int_equal(fs->last_send_flags, MSG_MORE | MSG_NOSIGNAL);
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_WAITALL), 0);
	assert_int_equal(fs->last_recv_flags, MSG_WAITALL);
	assert_int_equal(shutdown(fd, 7), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fs->shut_how, -1);
	assert_int_equal(shutdown(fd, SHUT_RDWR), 0);
	assert_int_equal(fs->shut_how, SHUT_RDWR);
	/* close leaves a connection's shutdown state to its protocol. */
	fd = stream(0);
	fs = fake_stream_last;
	assert_int_equal(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), 0);
	assert_int_equal(sock_fd_close(fd), 0);
	assert_false(fs->saw_shutdown_rd);	/* read at close, before the release */
	assert_false(fs->saw_shutdown_wr);
}

/* ---- options ------------------------------------------------------------------- */

static void test_stream_options(void **state)
{
	int fd = stream(0), u = socket(AF_INET, SOCK_DGRAM, 0), v;
	struct fake_stream_sock *fs = fake_stream_sk(&sock_file(&fake_stream_last->sk)->sk);
	struct linger ling = { 1, 5 };
	struct timeval tv = { 2, 250000 };
	struct tcp_info info;
	socklen_t len;

	(void)state;
	/* SO_KEEPALIVE: the flag, then shown to the protocol, whose
	 * ENOPROTOOPT does not matter but whose other errors do. */
	v = 1;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	assert_true(fs->sk.sk_flags & SOCK_KEEPOPEN);
	assert_int_equal(fs->sol_name, SO_KEEPALIVE);
	len = sizeof(v);
	v = 0;
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len), 0);
	assert_int_equal(v, 1);
	fake_stream_setsockopt_rc = -ENOBUFS;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), -1);
	assert_int_equal(errno, ENOBUFS);
	fake_stream_setsockopt_rc = -ENOPROTOOPT;
	assert_int_equal(setsockopt(u, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	/* SO_LINGER. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling)), 0);
	assert_int_equal(fs->sol_name, SO_LINGER);
	assert_true(fs->sk.sk_flags & SOCK_LINGER);
	assert_int_equal(fs->sk.sk_lingertime, 5);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, sizeof(int)), -1);
	assert_int_equal(errno, EINVAL);
	ling = (struct linger){ 0, 9 };
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling)), 0);
	len = sizeof(ling);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, &len), 0);
	assert_int_equal(len, sizeof(ling));
	assert_int_equal(ling.l_onoff, 0);
	assert_int_equal(ling.l_linger, 5);	/* off keeps the time */
	ling = (struct linger){ 1, -1 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling));
	len = sizeof(int);	/* a short buffer gets the front */
	memset(&ling, 0, sizeof(ling));
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_LINGER, &ling, &len), 0);
	assert_int_equal(len, sizeof(int));
	assert_int_equal(ling.l_onoff, 1);
	assert_int_equal(ling.l_linger, 0);
	assert_int_equal(fs->sk.sk_lingertime, INT_MAX);
	/* SO_RCVTIMEO / SO_SNDTIMEO. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(fs->sk.sk_rcvtimeo_ns, 2250000000ull);
	memset(&tv, 0, sizeof(tv));
	len = sizeof(tv);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
	assert_int_equal(len, sizeof(tv));
	assert_int_equal(tv.tv_sec, 2);
	assert_int_equal(tv.tv_usec, 250000);
	tv = (struct timeval){ 1, 1000000 };
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), -1);
	assert_int_equal(errno, EDOM);
	tv.tv_usec = -1;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), -1);
	assert_int_equal(errno, EDOM);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv) - 1), -1);
	assert_int_equal(errno, EINVAL);
	tv = (struct timeval){ 0, 1500 };
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(fs->sk.sk_sndtimeo_ns, 1500000);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len), 0);
	assert_int_equal(tv.tv_usec, 1500);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, NULL, sizeof(tv)), -1);
	assert_int_equal(errno, EFAULT);
	/* The protocol's level: its own, or ENOPROTOOPT. */
	v = 1;
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), 0);
	assert_int_equal(fs->nodelay, 1);
	len = sizeof(v);
	v = 0;
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len), 0);
	assert_int_equal(v, 1);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(getsockopt(u, IPPROTO_TCP, TCP_INFO, &info, &len), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	/* A struct larger than an int: min(len, size) copied and reported. */
	memset(&info, 0, sizeof(info));
	len = 8;
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(info.tcpi_state, 1);
	assert_int_equal(info.tcpi_snd_wnd, 0);
	len = sizeof(info) + 100;
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	assert_int_equal(len, sizeof(info));
	assert_int_equal(info.tcpi_rtt, 123);
	assert_int_equal(info.tcpi_snd_wnd, 0xABCD);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, 999, &info, &len), -1);
	assert_int_equal(errno, ENOPROTOOPT);
}

/* ---- ss -------------------------------------------------------------------------- */

static void tcp_row(uint8_t st, be32 la, uint16_t lp, be32 ra, uint16_t rp, uint32_t rq, uint32_t sq,
		    bool info)
{
	assert_true(fake_tcp_nss < FAKE_TCP_SS_MAX);
	fake_tcp_ss[fake_tcp_nss++] = (struct tcp_ss_entry){
		.state = st, .laddr = la, .lport = htons(lp), .raddr = ra, .rport = htons(rp),
		.recv_q = rq, .send_q = sq, .tp = info ? &fake_tcp_conn : NULL,
	};
}

static void test_ss_tcp(void **state)
{
	int u = bound(53, SOCK_DGRAM);

	(void)state;
	(void)u;
	tcp_row(TCP_LISTEN, 0, 7, 0, 0, 0, 128, true);
	tcp_row(TCP_ESTABLISHED, FAKE_LOCAL, 7, FAKE_PEER, 40000, 5, 1448, true);
	tcp_row(TCP_TIME_WAIT, FAKE_LOCAL, 9, FAKE_PEER, 40001, 0, 0, true);
	tcp_row(TCP_SYN_RECV, FAKE_LOCAL, 7, FAKE_FAR, 40002, 0, 0, false);
	tcp_row(TCP_FIN_WAIT1, FAKE_LOCAL, 19, FAKE_PEER, 40003, 0, 10, true);
	/* Default: connected states only, no Netid column for one protocol. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -t"), 0);
	assert_null(strstr(printk_capture, "Netid"));
	assert_non_null(strstr(printk_capture, "ESTAB      5        1448     10.0.0.2:7"));
	assert_non_null(strstr(printk_capture, "10.0.0.1:40000"));
	assert_non_null(strstr(printk_capture, "FIN-WAIT-1"));
	assert_null(strstr(printk_capture, "LISTEN"));
	assert_null(strstr(printk_capture, "TIME-WAIT"));
	assert_null(strstr(printk_capture, "SYN-RECV"));
	assert_null(strstr(printk_capture, "UNCONN"));
	/* -l: listening (and UNCONN UDP with -u). */
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -tl"), 0);
	assert_non_null(strstr(printk_capture, "LISTEN     0        128      0.0.0.0:7                0.0.0.0:*"));
	assert_null(strstr(printk_capture, "ESTAB"));
	/* -tuan: everything, with Netid. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -tuan"), 0);
	assert_non_null(strstr(printk_capture, "Netid  State"));
	assert_non_null(strstr(printk_capture, "tcp    LISTEN"));
	assert_non_null(strstr(printk_capture, "tcp    TIME-WAIT"));
	assert_non_null(strstr(printk_capture, "tcp    SYN-RECV"));
	assert_non_null(strstr(printk_capture, "udp    UNCONN"));
	assert_non_null(strstr(printk_capture, "0.0.0.0:53"));
	/* No type: both. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -a"), 0);
	assert_non_null(strstr(printk_capture, "udp    UNCONN"));
	assert_non_null(strstr(printk_capture, "tcp    ESTAB"));
	/* Bad options. */
	assert_int_equal(run_cmd("ss -x"), -1);
	assert_int_equal(run_cmd("ss t"), -1);
}

static void test_ss_info(void **state)
{
	(void)state;
	fake_tcp_info = (struct tcp_info){
		.tcpi_options = TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE,
		.tcpi_snd_rcv_wscale = 7 | 9 << 4,
		.tcpi_rto = 204000, .tcpi_rtt = 123, .tcpi_rttvar = 45, .tcpi_ato = 40000,
		.tcpi_snd_mss = 1448, .tcpi_rcv_mss = 536, .tcpi_advmss = 1448, .tcpi_pmtu = 1500,
		.tcpi_snd_cwnd = 10, .tcpi_snd_ssthresh = 0x7fffffff,
		.tcpi_bytes_acked = 1000001, .tcpi_bytes_received = 77, .tcpi_bytes_sent = 1000002,
		.tcpi_segs_out = 700, .tcpi_segs_in = 350, .tcpi_delivery_rate = 150000000,
		.tcpi_retrans = 0, .tcpi_total_retrans = 3, .tcpi_min_rtt = 100, .tcpi_snd_wnd = 65535,
	};
	tcp_row(TCP_ESTABLISHED, FAKE_LOCAL, 7, FAKE_PEER, 40000, 0, 0, true);
	tcp_row(TCP_LISTEN, 0, 7, 0, 0, 0, 128, true);
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -tin"), 0);
	assert_non_null(strstr(printk_capture,
		"\t ts sack cubic wscale:7,9 rto:204 rtt:0.123/0.045 ato:40 mss:1448 pmtu:1500 "
		"rcvmss:536 advmss:1448 cwnd:10 bytes_sent:1000002 bytes_acked:1000001 "
		"bytes_received:77 segs_out:700 segs_in:350 send 941.8Mbps "));
	assert_non_null(strstr(printk_capture, " delivery_rate 1.2Gbps retrans:0/3 "));
	assert_non_null(strstr(printk_capture, " minrtt:0.1 snd_wnd:65535\n"));
	assert_null(strstr(printk_capture, " ssthresh:"));	/* "infinite" */
	/* One info line: the listener has none. */
	assert_int_equal(printk_capture_lines(), 3);
	fake_tcp_info.tcpi_snd_ssthresh = 7;
	fake_tcp_info.tcpi_rtt = 12500;
	fake_tcp_info.tcpi_delivery_rate = 100;
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -ti"), 0);
	assert_non_null(strstr(printk_capture, " rtt:12.5/0.045 "));
	assert_non_null(strstr(printk_capture, " cwnd:10 ssthresh:7 "));
	assert_non_null(strstr(printk_capture, " send 9.3Mbps "));
	assert_non_null(strstr(printk_capture, " delivery_rate 800bps "));
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stream_object, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_listen, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_accept, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_accept_emfile, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_lifetime_orders, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_child_limit, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_stream_close_and_calls, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_stream_options, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_ss_tcp, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_ss_info, socket_setup, socket_teardown),
	};

	return cmocka_run_group_tests(tests, socket_group_setup, test_skb_arena_group_teardown);
}
