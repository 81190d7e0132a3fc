/* See socket_fixture.h. */
#include <string.h>
#include "host_support.h"
#include "socket_fixture.h"
#include "fake_inet.h"
#include "fake_stream.h"
#include "fake_tcp_ss.h"
#include "skb_arena.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "net/icmp.h"
#include "net/socket_file.h"
#include "net/udp.h"

uint64_t fake_objs_live(void)
{
	struct slab_stats st;

	kmem_cache_stats(kmalloc_cache(FAKE_OBJ_BYTES), &st);
	return st.active_objs;
}

static uint64_t objs_at_setup;

/* The fake stream protocol serves SOCK_STREAM for the whole suite. */
int socket_group_setup(void **state)
{
	test_skb_arena_group_setup(state);
	assert_int_equal(inet_register_protosw(SOCK_STREAM, IPPROTO_TCP, &fake_stream_prot), 0);
	return 0;
}

int socket_setup(void **state)
{
	(void)state;
	fake_inet_reset();
	memset(&udp_mib, 0, sizeof(udp_mib));
	fake_jiffies = 100000;
	fake_now_ns = 1000 * NSEC_PER_SEC;
	icmp_init();
	udp_init();
	fake_stream_reset();
	fake_tcp_ss_reset();
	sysctl_somaxconn = 4096;
	test_skb_mark();
	objs_at_setup = fake_objs_live();
	return 0;
}

int socket_teardown(void **state)
{
	(void)state;
	for (int fd = SOCK_FD_BASE; fd < SOCK_FD_BASE + SOCK_MAX; fd++)
		if (sock_fd_is_socket(fd))
			sock_fd_close(fd);
	fake_inet_reset();
	test_skb_assert_all_freed();
	/* Every stream socket and child gone with its descriptor or release. */
	assert_int_equal(fake_objs_live(), objs_at_setup);
	return 0;
}

struct sockaddr_in addr_in(be32 a, uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				     .sin_addr = { a } };
}

int bound(uint16_t port, int type)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in s = addr_in(0, port);

	assert_true(fd >= SOCK_FD_BASE);
	assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	return fd;
}

void arrive(uint16_t port, const char *text)
{
	udp_rcv(fake_udp_packet(FAKE_PEER, 4000, FAKE_LOCAL, port, text, (uint32_t)strlen(text), true));
}


int advance_clock(void)
{
	fake_now_ns += 600 * NSEC_PER_MSEC;
	return 0;
}
