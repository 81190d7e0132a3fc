/* The default services: each binds its socket in services_start, so it
 * listens before READY is printed, and serves in its own thread.
 *
 * UDP echo (RFC 862): every datagram goes back to its sender unchanged, up
 * to the largest one UDP carries. */
#include <errno.h>
#include <string.h>
#include "apps/services.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "net/socket.h"
#include "net/udp.h"

struct udp_echo {
	int fd;
	uint8_t buf[UDP_MAX_PAYLOAD];
};

static void udp_echo_thread(void *arg)
{
	struct udp_echo *e = arg;

	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(e->fd, e->buf, sizeof(e->buf), 0,
				     (struct sockaddr *)&from, &flen);

		if (n < 0) {
			/* A pending ICMP error (cleared by this call) or an
			 * interrupted wait: let the others run, then read on. */
			thread_yield();
			continue;
		}
		/* A full socket buffer or a vanished route drops this one reply,
		 * as a lost datagram would. */
		(void)sendto(e->fd, e->buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
	}
}

static void udp_echo_start(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(ECHO_PORT) };
	struct udp_echo *e = kmalloc(sizeof(*e));

	if (!e) {
		pr_err("services: udp echo: out of memory\n");
		return;
	}
	e->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (e->fd < 0 || bind(e->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		pr_err("services: udp echo: cannot bind port %d: %s\n", ECHO_PORT, strerror(errno));
		if (e->fd >= 0)
			sock_fd_close(e->fd);
		kfree(e);
		return;
	}
	if (!thread_create("udp-echo", udp_echo_thread, e, CPU_SYS)) {
		sock_fd_close(e->fd);
		kfree(e);
	}
}

void services_start(void)
{
	udp_echo_start();
}
