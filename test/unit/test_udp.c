/* UDP through the socket calls, against a capturing ip_queue_xmit: receive
 * checks (checksum, lengths), demultiplexing, port unreachable, ICMP errors
 * as ECONNREFUSED, the receive-buffer limit, ports, and the datagrams
 * udp_sendmsg builds, byte for byte. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "fake_inet.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/udp.h"

static int setup(void **state)
{
	(void)state;
	fake_inet_reset();
	memset(&udp_mib, 0, sizeof(udp_mib));
	memset(&icmp_mib, 0, sizeof(icmp_mib));
	fake_jiffies = 100000;
	icmp_init();
	udp_init();
	test_skb_mark();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int fd = SOCK_FD_BASE; fd < SOCK_FD_BASE + SOCK_MAX; fd++)
		if (sock_fd_is_socket(fd))
			sock_fd_close(fd);
	fake_inet_reset();
	test_skb_assert_all_freed();
	return 0;
}

static struct sockaddr_in addr_in(be32 a, uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				     .sin_addr = { a } };
}

static int udp_socket_bound(be32 a, uint16_t port, bool reuse)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in s = addr_in(a, port);
	int one = 1;

	assert_true(fd >= SOCK_FD_BASE);
	if (reuse)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	return fd;
}

/* Bytes waiting on fd, without blocking: -1 and EAGAIN when none. */
static ssize_t rx(int fd, void *buf, size_t len)
{
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static void test_checksum_rules(void **state)
{
	int fd = udp_socket_bound(0, 5000, false);
	char buf[64];
	struct sk_buff *skb;

	(void)state;
	udp_rcv(fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "good", 4, true));
	udp_rcv(fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "none", 4, false));
	skb = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "bad!", 4, true);
	skb->data[9] ^= 1;
	udp_rcv(skb);
	/* The NIC's verdict stands even over a wrong sum. */
	skb = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "nicv", 4, true);
	skb->data[9] ^= 1;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	udp_rcv(skb);
	assert_int_equal(rx(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "good", 4);
	assert_int_equal(rx(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "none", 4);
	assert_int_equal(rx(fd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "nhcv", 4);
	assert_int_equal(rx(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(udp_mib.in_csum_errors, 1);
	assert_int_equal(udp_mib.in_errors, 1);
	assert_int_equal(udp_mib.in_datagrams, 3);
}

static void test_length_checks(void **state)
{
	struct sk_buff *skb;
	int fd = udp_socket_bound(0, 5000, false);
	char buf[64];

	(void)state;
	/* Length field beyond the packet, and below the header size. */
	skb = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "abcd", 4, false);
	((struct udphdr *)skb->data)->len = htons(40);
	udp_rcv(skb);
	skb = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "abcd", 4, false);
	((struct udphdr *)skb->data)->len = htons(7);
	udp_rcv(skb);
	skb = fake_rx_packet(FAKE_PEER, FAKE_LOCAL, IPPROTO_UDP, "abc", 3);
	udp_rcv(skb);
	assert_int_equal(udp_mib.in_short, 3);
	assert_int_equal(udp_mib.in_errors, 3);
	/* Shorter than the packet: trimmed to the length field (link padding). */
	skb = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 5000, "abcdef", 6, false);
	((struct udphdr *)skb->data)->len = htons(10);
	udp_rcv(skb);
	assert_int_equal(rx(fd, buf, sizeof(buf)), 2);
}

static void test_demux(void **state)
{
	int any = udp_socket_bound(0, 5000, true);
	int local = udp_socket_bound(FAKE_LOCAL, 5000, true);
	int conn = udp_socket_bound(0, 5001, true);
	int open = udp_socket_bound(0, 5001, true);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 6000);
	char buf[8];

	(void)state;
	assert_int_equal(connect(conn, (struct sockaddr *)&peer, sizeof(peer)), 0);
	/* The bound address beats the wildcard. */
	udp_rcv(fake_udp_packet(FAKE_PEER, 1, FAKE_LOCAL, 5000, "L", 1, true));
	assert_int_equal(rx(local, buf, sizeof(buf)), 1);
	assert_int_equal(rx(any, buf, sizeof(buf)), -1);
	/* A broadcast reaches only the wildcard socket. */
	udp_rcv(fake_udp_packet(FAKE_PEER, 1, FAKE_BCAST, 5000, "B", 1, true));
	assert_int_equal(rx(any, buf, sizeof(buf)), 1);
	assert_int_equal(rx(local, buf, sizeof(buf)), -1);
	/* The connected socket gets its peer's datagrams, the other the rest. */
	udp_rcv(fake_udp_packet(FAKE_PEER, 6000, FAKE_LOCAL, 5001, "C", 1, true));
	udp_rcv(fake_udp_packet(FAKE_PEER, 6001, FAKE_LOCAL, 5001, "O", 1, true));
	udp_rcv(fake_udp_packet(FAKE_FAR, 6000, FAKE_LOCAL, 5001, "F", 1, true));
	assert_int_equal(rx(conn, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'C');
	assert_int_equal(rx(conn, buf, sizeof(buf)), -1);
	assert_int_equal(rx(open, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'O');
	assert_int_equal(rx(open, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'F');
}

static void test_port_unreachable(void **state)
{
	struct sk_buff *in = fake_udp_packet(FAKE_PEER, 1234, FAKE_LOCAL, 9, "x", 1, true);
	uint8_t quoted[28];
	const struct icmphdr *h;

	(void)state;
	memcpy(quoted, skb_network_header(in), sizeof(quoted));
	udp_rcv(in);
	assert_int_equal(udp_mib.no_ports, 1);
	assert_int_equal(fake_nxmit, 1);
	h = (const struct icmphdr *)fake_xmits[0].skb->data;
	assert_int_equal(h->type, ICMP_DEST_UNREACH);
	assert_int_equal(h->code, ICMP_PORT_UNREACH);
	assert_memory_equal(h + 1, quoted, sizeof(quoted));
	assert_int_equal(fake_xmits[0].fl.daddr, FAKE_PEER);
	/* Not about a broadcast. */
	udp_rcv(fake_udp_packet(FAKE_PEER, 1234, FAKE_BCAST, 9, "x", 1, true));
	udp_rcv(fake_udp_packet(FAKE_PEER, 1234, 0xFFFFFFFFu, 9, "x", 1, true));
	assert_int_equal(fake_nxmit, 1);
	assert_int_equal(udp_mib.ignored_multi, 2);
	assert_int_equal(udp_mib.no_ports, 1);
}

/* The peer's port unreachable about the datagram the socket fd sent last. */
static void icmp_refused_for(int fd)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	uint8_t msg[8 + 20 + 8] = { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH };
	struct iphdr *q = (struct iphdr *)(msg + 8);
	struct udphdr *uh = (struct udphdr *)(msg + 28);
	struct icmphdr *h = (struct icmphdr *)msg;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &len), 0);
	*q = (struct iphdr){ .ihl_version = 0x45, .tot_len = htons(29), .ttl = 64,
			     .protocol = IPPROTO_UDP, .saddr = FAKE_LOCAL, .daddr = FAKE_FAR };
	*uh = (struct udphdr){ .source = me.sin_port, .dest = htons(53), .len = htons(9) };
	h->checksum = csum_fold(csum_partial(msg, sizeof(msg), 0));
	icmp_rcv(fake_rx_packet(FAKE_FAR, FAKE_LOCAL, IPPROTO_ICMP, msg, sizeof(msg)));
}

static void test_econnrefused(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int other = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in far = addr_in(FAKE_FAR, 53);
	int err = 0;
	socklen_t elen = sizeof(err);
	char buf[4];

	(void)state;
	assert_int_equal(connect(fd, (struct sockaddr *)&far, sizeof(far)), 0);
	assert_int_equal(send(fd, "q", 1, 0), 1);
	icmp_refused_for(fd);
	/* The next call returns the error, once. */
	assert_int_equal(send(fd, "q", 1, 0), -1);
	assert_int_equal(errno, ECONNREFUSED);
	assert_int_equal(send(fd, "q", 1, 0), 1);
	icmp_refused_for(fd);
	assert_int_equal(rx(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	icmp_refused_for(fd);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, ECONNREFUSED);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
	assert_int_equal(err, 0);
	/* An unconnected socket is not told (Linux without IP_RECVERR). */
	assert_int_equal(sendto(other, "q", 1, 0, (struct sockaddr *)&far, sizeof(far)), 1);
	icmp_refused_for(other);
	assert_int_equal(sendto(other, "q", 1, 0, (struct sockaddr *)&far, sizeof(far)), 1);
}

static void test_rcvbuf_limit(void **state)
{
	int fd = udp_socket_bound(0, 5000, false);
	int size = 1;	/* the floor: 2304 bytes, a few small skbs */
	char buf[16];
	int got = 0;
	struct sock *sk;

	(void)state;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)), 0);
	for (int i = 0; i < 20; i++)
		udp_rcv(fake_udp_packet(FAKE_PEER, 1, FAKE_LOCAL, 5000, "0123456789", 10, true));
	assert_true(udp_mib.rcvbuf_errors > 0);
	assert_int_equal(udp_mib.in_errors, udp_mib.rcvbuf_errors);
	sk = udp_lib_lookup(FAKE_PEER, htons(1), FAKE_LOCAL, htons(5000));
	assert_non_null(sk);
	assert_int_equal(sk->sk_drops, udp_mib.rcvbuf_errors);
	assert_true(sk->sk_rmem_alloc <= sk->sk_rcvbuf);
	while (rx(fd, buf, sizeof(buf)) == 10)
		got++;
	assert_int_equal(got + udp_mib.rcvbuf_errors, 20);
	assert_int_equal(sk->sk_rmem_alloc, 0);
	/* Room again once read. */
	udp_rcv(fake_udp_packet(FAKE_PEER, 1, FAKE_LOCAL, 5000, "0123456789", 10, true));
	assert_int_equal(rx(fd, buf, sizeof(buf)), 10);
}

static void test_ports(void **state)
{
	int fds[40];
	struct sockaddr_in s = addr_in(0, 7000), foreign = addr_in(FAKE_FAR, 7001), got;
	socklen_t len = sizeof(got);
	int a, b, one = 1;

	(void)state;
	for (int i = 0; i < 40; i++) {
		fds[i] = udp_socket_bound(0, 0, false);
		len = sizeof(got);
		assert_int_equal(getsockname(fds[i], (struct sockaddr *)&got, &len), 0);
		assert_int_equal(len, sizeof(got));
		assert_true(ntohs(got.sin_port) >= UDP_PORT_LOW && ntohs(got.sin_port) <= UDP_PORT_HIGH);
		for (int j = 0; j < i; j++) {
			struct sockaddr_in o;
			socklen_t ol = sizeof(o);

			getsockname(fds[j], (struct sockaddr *)&o, &ol);
			assert_int_not_equal(o.sin_port, got.sin_port);
		}
	}
	for (int i = 0; i < 40; i++)
		assert_int_equal(sock_fd_close(fds[i]), 0);

	a = udp_socket_bound(0, 7000, false);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(b, (struct sockaddr *)&s, sizeof(s)), -1);
	assert_int_equal(errno, EADDRINUSE);
	/* SO_REUSEADDR on one side only is not enough. */
	assert_int_equal(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(b, (struct sockaddr *)&s, sizeof(s)), -1);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(b, (struct sockaddr *)&s, sizeof(s)), 0);
	/* Bound once only; foreign addresses are not ours to bind. */
	assert_int_equal(bind(b, (struct sockaddr *)&s, sizeof(s)), -1);
	assert_int_equal(errno, EINVAL);
	a = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(a, (struct sockaddr *)&foreign, sizeof(foreign)), -1);
	assert_int_equal(errno, EADDRNOTAVAIL);
	/* The port is free again after close. */
	assert_int_equal(sock_fd_close(b), 0);
}

static const struct udphdr *sent_udp(unsigned int i, uint32_t *len)
{
	*len = fake_xmits[i].skb->len;
	return (const struct udphdr *)fake_xmits[i].skb->data;
}

static void test_sendmsg_bytes(void **state)
{
	int fd = udp_socket_bound(0, 4444, false);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7);
	const struct udphdr *uh;
	uint8_t payload[1473];
	uint32_t len;
	uint64_t copied = skb_copy_bytes(SKB_COPY_USER_TO_SKB);

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i ^ 0x5A);
	/* Software checksum without the offload. */
	assert_int_equal(sendto(fd, payload, 101, 0, (struct sockaddr *)&peer, sizeof(peer)), 101);
	uh = sent_udp(0, &len);
	assert_int_equal(len, 109);
	assert_int_equal(ntohs(uh->source), 4444);
	assert_int_equal(ntohs(uh->dest), 7);
	assert_int_equal(ntohs(uh->len), 109);
	assert_memory_equal(uh + 1, payload, 101);
	assert_int_equal(csum_tcpudp_magic(FAKE_LOCAL, FAKE_PEER, 109, IPPROTO_UDP,
					   csum_partial(uh, 109, 0)), 0);
	assert_int_equal(fake_xmits[0].skb->ip_summed, CHECKSUM_NONE);
	assert_int_equal(fake_xmits[0].fl.saddr, FAKE_LOCAL);
	assert_int_equal(fake_xmits[0].fl.daddr, FAKE_PEER);
	assert_int_equal(fake_xmits[0].fl.proto, IPPROTO_UDP);
	assert_true(skb_headroom(fake_xmits[0].skb) >= MAX_HEADER);
	assert_int_equal(skb_copy_bytes(SKB_COPY_USER_TO_SKB) - copied, 101);

	/* The NIC completes it: seed in the check field, offsets for the driver. */
	fake_dev.features = NETIF_F_IP_CSUM;
	assert_int_equal(sendto(fd, payload, 1472, 0, (struct sockaddr *)&peer, sizeof(peer)), 1472);
	uh = sent_udp(1, &len);
	assert_int_equal(fake_xmits[1].skb->ip_summed, CHECKSUM_PARTIAL);
	assert_int_equal(fake_xmits[1].skb->head + fake_xmits[1].skb->csum_start, (const uint8_t *)uh);
	assert_int_equal(fake_xmits[1].skb->csum_offset, 6);
	assert_int_equal(uh->check, csum_tcpudp_seed(FAKE_LOCAL, FAKE_PEER, 1480, IPPROTO_UDP));
	assert_int_equal(skb_checksum_help(fake_xmits[1].skb), 0);
	assert_int_equal(csum_tcpudp_magic(FAKE_LOCAL, FAKE_PEER, 1480, IPPROTO_UDP,
					   csum_partial(uh, 1480, 0)), 0);
	/* One byte more and IP fragments it: summed here. */
	assert_int_equal(sendto(fd, payload, 1473, 0, (struct sockaddr *)&peer, sizeof(peer)), 1473);
	uh = sent_udp(2, &len);
	assert_int_equal(fake_xmits[2].skb->ip_summed, CHECKSUM_NONE);
	assert_int_equal(csum_tcpudp_magic(FAKE_LOCAL, FAKE_PEER, 1481, IPPROTO_UDP,
					   csum_partial(uh, 1481, 0)), 0);
	assert_int_equal(udp_mib.out_datagrams, 3);
}

static void test_sendmsg_limits(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in peer = addr_in(FAKE_PEER, 7), bcast = addr_in(0xFFFFFFFFu, 67),
			   sbcast = addr_in(FAKE_BCAST, 67), port0 = addr_in(FAKE_PEER, 0);
	static uint8_t big[UDP_MAX_PAYLOAD + 1];
	int one = 1;

	(void)state;
	assert_int_equal(send(fd, "x", 1, 0), -1);
	assert_int_equal(errno, EDESTADDRREQ);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&port0, sizeof(port0)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sendto(fd, big, sizeof(big), 0, (struct sockaddr *)&peer, sizeof(peer)), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(sendto(fd, big, UDP_MAX_PAYLOAD, 0, (struct sockaddr *)&peer, sizeof(peer)),
			 UDP_MAX_PAYLOAD);
	assert_int_equal(fake_xmits[0].skb->len, 65515);
	fake_xmit_free();
	/* Broadcasts need SO_BROADCAST. */
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&bcast, sizeof(bcast)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&sbcast, sizeof(sbcast)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(connect(fd, (struct sockaddr *)&bcast, sizeof(bcast)), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)), 0);
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&bcast, sizeof(bcast)), 1);
	/* No address yet (DHCP): the source is 0.0.0.0. */
	fake_no_address = true;
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&bcast, sizeof(bcast)), 1);
	assert_int_equal(fake_xmits[1].fl.saddr, 0);
	/* No route. */
	fake_route_fail = true;
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer)), -1);
	assert_int_equal(errno, ENETUNREACH);
	fake_route_fail = false;
	fake_xmit_rc = -ENOBUFS;
	assert_int_equal(sendto(fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer)), -1);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(udp_mib.sndbuf_errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checksum_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_econnrefused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rcvbuf_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sendmsg_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sendmsg_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup, test_skb_arena_group_teardown);
}
