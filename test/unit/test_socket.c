/* The BSD calls over UDP: creation errors, blocking and non-blocking receive
 * (EAGAIN, EINTR, a wake-up by an arriving datagram), MSG_PEEK and
 * MSG_TRUNC, poll readiness and timeouts (200 descriptors too), options,
 * SO_RCVTIMEO / SO_SNDTIMEO turning into EAGAIN, send-buffer accounting,
 * close with datagrams still in flight, shutdown, address text forms and
 * `ss -u`. The stream side is test_socket_stream.c. */
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

static void test_socket_errors(void **state)
{
	int fds[SOCK_MAX];

	(void)state;
	assert_int_equal(socket(AF_UNSPEC, SOCK_DGRAM, 0), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
	assert_int_equal(socket(AF_INET, 3, 0), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
	assert_int_equal(inet_register_protosw(SOCK_STREAM, IPPROTO_TCP, &fake_stream_prot), -EEXIST);
	assert_int_equal(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), -1);
	assert_int_equal(errno, EPROTONOSUPPORT);
	assert_int_equal(socket(AF_INET, SOCK_DGRAM | 0x10000, 0), -1);
	assert_int_equal(errno, EINVAL);
	for (int i = 0; i < SOCK_MAX; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
		assert_int_equal(fds[i], SOCK_FD_BASE + i);
	}
	assert_int_equal(socket(AF_INET, SOCK_DGRAM, 0), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(sock_fd_close(fds[5]), 0);
	assert_int_equal(sock_fd_close(fds[5]), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(socket(AF_INET, SOCK_DGRAM, 0), fds[5]);
	assert_int_equal(send(1, "x", 1, 0), -1);
	assert_int_equal(errno, EBADF);
}

static void test_nonblocking(void **state)
{
	int a = bound(5000, SOCK_DGRAM | SOCK_NONBLOCK), b = bound(5001, SOCK_DGRAM);
	char buf[8];

	(void)state;
	assert_int_equal(recv(a, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(recv(b, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(sock_fd_fcntl(b, F_GETFL, 0) & O_NONBLOCK, 0);
	assert_int_equal(sock_fd_fcntl(b, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(sock_fd_fcntl(b, F_GETFL, 0) & O_NONBLOCK, O_NONBLOCK);
	assert_int_equal(sock_fd_read(b, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fake_sleeps, 0);
	arrive(5001, "hi");
	assert_int_equal(sock_fd_read(b, buf, sizeof(buf)), 2);
}

static int sleeps_then_arrive(void)
{
	arrive(5000, "late");
	return 0;
}

static void test_blocking_recv(void **state)
{
	int fd = bound(5000, SOCK_DGRAM);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[8];

	(void)state;
	/* Sleeps; the "softirq" delivers; the call returns it. */
	fake_sleep_hook = sleeps_then_arrive;
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 4);
	assert_memory_equal(buf, "late", 4);
	assert_int_equal(fake_sleeps, 1);
	assert_int_equal(flen, sizeof(from));
	assert_int_equal(from.sin_family, AF_INET);
	assert_int_equal(from.sin_addr.s_addr, FAKE_PEER);
	assert_int_equal(ntohs(from.sin_port), 4000);
	/* Ctrl-C: EINTR. */
	fake_sleep_hook = NULL;
	current->pending_signal = SIGINT_PENDING;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EINTR);
	current->pending_signal = 0;
}

static void test_peek_trunc(void **state)
{
	int fd = bound(5000, SOCK_DGRAM);
	char buf[16];

	(void)state;
	arrive(5000, "0123456789abcdef0123");
	arrive(5000, "second");
	assert_int_equal(recv(fd, buf, 4, MSG_PEEK | MSG_DONTWAIT), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(recv(fd, buf, 4, MSG_PEEK | MSG_TRUNC), 20);
	assert_int_equal(udp_mib.in_datagrams, 0);
	/* A short buffer gets the front; the rest of the datagram is gone. */
	assert_int_equal(recv(fd, buf, 10, 0), 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(recv(fd, buf, 2, MSG_TRUNC), 6);
	assert_memory_equal(buf, "se", 2);
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(udp_mib.in_datagrams, 2);
	/* A zero-length datagram is a datagram. */
	arrive(5000, "");
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 0);
}

static void test_poll(void **state)
{
	int a = bound(5000, SOCK_DGRAM), b = bound(5001, SOCK_DGRAM);
	struct pollfd p[4] = {
		{ .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN | POLLOUT },
		{ .fd = -1, .events = POLLIN }, { .fd = 50, .events = POLLIN },
	};

	(void)state;
	/* Writable at once; a closed descriptor is POLLNVAL; -1 ignored. */
	assert_int_equal(poll(p, 4, 0), 2);
	assert_int_equal(p[0].revents, 0);
	assert_int_equal(p[1].revents, POLLOUT);
	assert_int_equal(p[2].revents, 0);
	assert_int_equal(p[3].revents, POLLNVAL);
	/* Nothing ready: sleeps until the deadline. */
	fake_sleep_hook = advance_clock;
	assert_int_equal(poll(p, 1, 1000), 0);
	assert_int_equal(fake_sleeps, 3);	/* two 600 ms naps, then the deadline */
	/* Woken by a datagram for one of them. */
	fake_sleeps = 0;
	fake_sleep_hook = sleeps_then_arrive;
	assert_int_equal(poll(p, 1, -1), 1);
	assert_int_equal(p[0].revents, POLLIN);
	assert_int_equal(fake_sleeps, 1);
	/* Ctrl-C. */
	fake_sleep_hook = NULL;
	arrive(5001, "x");
	p[1].events = POLLIN;
	assert_int_equal(poll(p, 2, 0), 2);
	char buf[8];
	assert_int_equal(recv(a, buf, sizeof(buf), 0), 4);
	assert_int_equal(recv(b, buf, sizeof(buf), 0), 1);
	current->pending_signal = SIGINT_PENDING;
	assert_int_equal(poll(p, 2, -1), -1);
	assert_int_equal(errno, EINTR);
	current->pending_signal = 0;
	assert_int_equal(poll(p, POLL_MAX_FDS + 1, 0), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_options(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int v;
	socklen_t len = sizeof(v);

	(void)state;
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
	assert_int_equal(v, 212992);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	assert_int_equal(v, SOCK_DGRAM);
	/* Doubled as Linux does, capped at rmem_max, with a floor. */
	v = 100000;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
	assert_int_equal(v, 200000);
	v = 1 << 30;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
	assert_int_equal(v, 2 * 212992);
	v = 10;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len);
	assert_int_equal(v, 4608);
	v = 1;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)), 0);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, &len), 0);
	assert_int_equal(v, 1);
	v = 5;
	assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
	assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &len), 0);
	assert_int_equal(v, 5);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, 999, &v, sizeof(v)), -1);
	assert_int_equal(errno, ENOPROTOOPT);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, 2), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_sndbuf(void **state)
{
	int fd = bound(5000, SOCK_DGRAM | SOCK_NONBLOCK);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7);
	static char data[3000];
	int v = 1, sent = 0;

	(void)state;
	/* The captured skbs stay charged, as if still in a TX ring. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	while (sent < 20 && sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&peer, sizeof(peer)) > 0)
		sent++;
	assert_true(sent >= 1 && sent < 20);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(udp_mib.sndbuf_errors, 1);
	fake_xmit_free();
	assert_int_equal(sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&peer, sizeof(peer)),
			 (ssize_t)sizeof(data));
}

static void test_close_in_flight(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7);

	(void)state;
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer)), 1);
	arrive(0, "");	/* nothing for it: the port was ephemeral */
	assert_int_equal(sock_fd_close(fd), 0);
	/* The socket's memory goes with the last sent skb (ASan watches). */
	fake_xmit_free();
}

static void test_connect_unspec(void **state)
{
	int fd = bound(5000, SOCK_DGRAM);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7), got;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(got);
	char buf[4];

	(void)state;
	assert_int_equal(getpeername(fd, (struct sockaddr *)&got, &len), -1);
	assert_int_equal(errno, ENOTCONN);
	assert_int_equal(connect(fd, (struct sockaddr *)&peer, sizeof(peer)), 0);
	assert_int_equal(getpeername(fd, (struct sockaddr *)&got, &len), 0);
	assert_int_equal(got.sin_addr.s_addr, FAKE_PEER);
	assert_int_equal(send(fd, "abc", 3, 0), 3);
	assert_int_equal(fake_xmits[0].fl.daddr, FAKE_PEER);
	/* Only the peer's datagrams now. */
	udp_rcv(fake_udp_packet(FAKE_FAR, 7, FAKE_LOCAL, 5000, "no", 2, true));
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(connect(fd, &unspec, sizeof(unspec)), 0);
	assert_int_equal(send(fd, "abc", 3, 0), -1);
	assert_int_equal(errno, EDESTADDRREQ);
	udp_rcv(fake_udp_packet(FAKE_FAR, 7, FAKE_LOCAL, 5000, "ok", 2, true));
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 2);
}

static void test_text_addresses(void **state)
{
	be32 a;
	char s[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(inet_pton(AF_INET, "10.0.0.1", &a), 1);
	assert_int_equal(a, FAKE_PEER);
	assert_int_equal(inet_pton(AF_INET, "255.255.255.255", &a), 1);
	assert_int_equal(a, 0xFFFFFFFFu);
	assert_int_equal(inet_pton(AF_INET, "10.0.0", &a), 0);
	assert_int_equal(inet_pton(AF_INET, "10.0.0.256", &a), 0);
	assert_int_equal(inet_pton(AF_INET, "10.0.0.01", &a), 0);
	assert_int_equal(inet_pton(AF_INET, "10.0.0.1 ", &a), 0);
	assert_int_equal(inet_pton(AF_INET, "1.2.3.4.5", &a), 0);
	assert_int_equal(inet_pton(AF_INET, "", &a), 0);
	a = FAKE_FAR;
	assert_string_equal(inet_ntop(AF_INET, &a, s, sizeof(s)), "192.168.1.5");
	assert_null(inet_ntop(AF_INET, &a, s, 5));
	assert_int_equal(errno, ENOSPC);
}


static void test_ss(void **state)
{
	int a = bound(7, SOCK_DGRAM), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 53);

	(void)state;
	(void)a;
	assert_int_equal(connect(b, (struct sockaddr *)&peer, sizeof(peer)), 0);
	arrive(7, "abcd");
	printk_capture_reset();
	assert_int_equal(run_cmd("ss -uan"), 0);
	assert_non_null(strstr(printk_capture, "State      Recv-Q   Send-Q"));
	assert_null(strstr(printk_capture, "Netid"));
	assert_non_null(strstr(printk_capture, "UNCONN"));
	assert_non_null(strstr(printk_capture, "0.0.0.0:7 "));
	assert_non_null(strstr(printk_capture, "0.0.0.0:*"));
	assert_non_null(strstr(printk_capture, "ESTAB"));
	assert_non_null(strstr(printk_capture, "10.0.0.1:53"));
	assert_non_null(strstr(printk_capture, "10.0.0.2:"));
}

/* ---- UDP: shutdown, timeouts, many-descriptor poll ----------------------------- */

static void test_dgram_shutdown(void **state)
{
	int a = bound(5000, SOCK_DGRAM), b = bound(5001, SOCK_DGRAM);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7);
	char buf[4];

	(void)state;
	assert_int_equal(shutdown(a, 3), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(shutdown(a, -1), -1);
	assert_int_equal(errno, EINVAL);
	/* As Linux: ENOTCONN, but reading is shut all the same (a blocked
	 * reader wakes with 0). */
	assert_int_equal(shutdown(a, SHUT_RD), -1);
	assert_int_equal(errno, ENOTCONN);
	assert_int_equal(recv(a, buf, sizeof(buf), 0), 0);
	assert_int_equal(connect(b, (struct sockaddr *)&peer, sizeof(peer)), 0);
	assert_int_equal(shutdown(b, SHUT_WR), 0);
	assert_int_equal(send(b, "x", 1, 0), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(fake_sleeps, 0);
}

static void set_timeo(int fd, int name, long sec, long usec)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };

	assert_int_equal(setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)), 0);
}

static void test_timeouts_eagain(void **state)
{
	int fd = bound(5000, SOCK_DGRAM);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7);
	static char data[3000];
	char buf[8];
	int v = 1, sent = 0;

	(void)state;
	/* 1 s with 600 ms naps: the second one passes the deadline. */
	set_timeo(fd, SO_RCVTIMEO, 1, 0);
	fake_sleep_hook = advance_clock;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fake_sleeps, 3);
	/* A negative time does not wait. */
	fake_sleeps = 0;
	set_timeo(fd, SO_RCVTIMEO, -1, 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EAGAIN);
	assert_true(fake_sleeps <= 2);
	/* {0, 0}: forever again, until Ctrl-C. */
	set_timeo(fd, SO_RCVTIMEO, 0, 0);
	fake_sleep_hook = NULL;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, EINTR);
	/* The send side: a full buffer waits SO_SNDTIMEO, then EAGAIN. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	set_timeo(fd, SO_SNDTIMEO, 0, 900000);
	fake_sleeps = 0;
	fake_sleep_hook = advance_clock;
	while (sent < 20 && sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&peer, sizeof(peer)) > 0)
		sent++;
	assert_true(sent >= 1 && sent < 20);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fake_sleeps, 3);
	fake_xmit_free();
}

static int poll_arrive_42(void)
{
	arrive(5042, "many");
	return 0;
}

static void test_poll_many(void **state)
{
	enum { N = 200 };
	static struct pollfd p[N];
	struct kmalloc_stats before, during;
	char buf[8];

	(void)state;
	for (int i = 0; i < N; i++)
		p[i] = (struct pollfd){ .fd = bound((uint16_t)(5000 + i), SOCK_DGRAM), .events = POLLIN };
	kmalloc_stats(&before);
	assert_int_equal(poll(p, N, 0), 0);
	/* Woken by a datagram for the 43rd; the entries lived in one allocation. */
	fake_sleep_hook = poll_arrive_42;
	assert_int_equal(poll(p, N, -1), 1);
	assert_int_equal(p[42].revents, POLLIN);
	assert_int_equal(p[41].revents, 0);
	assert_int_equal(fake_sleeps, 1);
	kmalloc_stats(&during);
	assert_int_equal(during.large_active, before.large_active);
	assert_int_equal(recv(p[42].fd, buf, sizeof(buf), 0), 4);
	/* Ctrl-C over all of them. */
	fake_sleep_hook = NULL;
	current->pending_signal = SIGINT_PENDING;
	assert_int_equal(poll(p, N, -1), -1);
	assert_int_equal(errno, EINTR);
	current->pending_signal = 0;
	/* As many entries as there can be descriptors, and not one more. */
	static struct pollfd big[POLL_MAX_FDS + 1];
	for (int i = 0; i <= POLL_MAX_FDS; i++)
		big[i] = (struct pollfd){ .fd = i < N ? p[i].fd : -1, .events = POLLOUT };
	assert_int_equal(poll(big, POLL_MAX_FDS, 0), N);
	assert_int_equal(poll(big, POLL_MAX_FDS + 1, 0), -1);
	assert_int_equal(errno, EINVAL);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_errors, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_nonblocking, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_blocking_recv, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_peek_trunc, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_poll, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_options, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_sndbuf, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_close_in_flight, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_connect_unspec, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_text_addresses, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_ss, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_dgram_shutdown, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_timeouts_eagain, socket_setup, socket_teardown),
		cmocka_unit_test_setup_teardown(test_poll_many, socket_setup, socket_teardown),
	};

	return cmocka_run_group_tests(tests, socket_group_setup, test_skb_arena_group_teardown);
}
