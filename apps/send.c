/* app=send send=HOST:PORT bytes=N [chunk=SIZE]: the article's send() as a
 * tool, and the boot-to-done benchmark. After READY it connects to HOST:PORT,
 * sends N bytes with send() in chunks of SIZE (default 64 KB), shuts its side
 * down, waits for the peer's close and prints
 *   send: <N> bytes in <s> s, <Mbit/s> Mbit/s; connect <ms> ms, boot_us=<us>
 * (from the start of connect to the peer's FIN; boot_us is the time since the
 * first instruction), then powers off through ACPI S5 (QEMU exits 0). A
 * failing step prints
 *   send: <step> failed: <ERRNO_NAME>
 * and leaves through machine_exit(SEND_EXIT_FAILURE), which QEMU's
 * isa-debug-exit turns into status 5.
 *
 * The data, so a receiver can check every byte: byte i of the stream is
 *   (i * 7 + (i >> 12)) & 0xFF
 * which repeats every 2^20 bytes (SEND_PERIOD); the (i >> 12) term makes
 * swapped or repeated 4 KB runs visible, which a period of 256 would hide.
 * One period plus one chunk is built once, and each send() starts at the
 * stream offset modulo the period: no byte is generated twice.
 *
 * Every wait is bounded by SEND_WAIT_MS: the handshake, a send that makes no
 * progress, the peer's close. Bytes the peer sends back (an echo server) are
 * read and dropped meanwhile, so both sides' buffers cannot lock each other.
 *
 * With a trace armed (trace=send, kernel/trace.h) the socket blocks, with
 * SO_SNDTIMEO of SEND_WAIT_MS, so the first send() is the article's: one call
 * that takes the whole chunk, sleeping while the send buffer is full, and the
 * trace follows all of it. Before powering off the app waits, at most
 * SEND_TRACE_WAIT_MS, for the trace to end and be printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/app.h"
#include "apps/errno_name.h"
#include "kernel/cmdline.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "net/ipconfig.h"
#include "net/socket.h"

#define SEND_PERIOD       (1u << 20)
#define SEND_WAIT_MS      10000
#define SEND_TRACE_WAIT_MS 60000
#define SEND_EXIT_FAILURE 2
#define SEND_CHUNK_MAX    (1u << 20)
#define SEND_BYTES_MAX    1000000000000ULL	/* 1 TB */

struct send_target {
	uint32_t addr;		/* host order; 0: not given */
	uint16_t port;
};
static struct send_target target;
static unsigned long long send_bytes = 1u << 20;
static unsigned int send_chunk = 65536;
/* One period of the pattern plus one chunk; the run never returns, so it is
 * never freed on a failing step. */
static uint8_t *send_buf;

static int target_parse(const char *val, void *var)
{
	struct send_target *t = var;
	uint32_t a;
	const char *p = cmdline_scan_ipv4(val, &a);
	unsigned long port = 0;

	if (!p || *p++ != ':' || !inet_addr_usable(htonl(a)))
		return -1;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return -1;
	}
	if (*p || !port)
		return -1;
	t->addr = a;
	t->port = (uint16_t)port;
	return 0;
}

static void target_format(const void *var, char *buf, size_t size)
{
	const struct send_target *t = var;
	char a[16];

	if (!t->addr) {
		snprintf(buf, size, "none");
		return;
	}
	cmdline_format_ipv4(t->addr, a, sizeof(a));
	snprintf(buf, size, "%s:%u", a, t->port);
}

static const struct kparam_custom target_ops = {
	.parse = target_parse,
	.format = target_format,
	.expected = "a.b.c.d:port",
};
KPARAM_CUSTOM("send", target, &target_ops, "send: where app=send connects, HOST:PORT");

/* Decimal, up to SEND_BYTES_MAX: more than KPARAM_UINT's 32 bits, and small
 * enough that the Mbit/s arithmetic (bytes * 80000) cannot overflow. */
static int bytes_parse(const char *val, void *var)
{
	unsigned long long v = 0;

	if (!*val)
		return -1;
	for (const char *p = val; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > SEND_BYTES_MAX)
			return -1;
	}
	*(unsigned long long *)var = v;
	return 0;
}

static void bytes_format(const void *var, char *buf, size_t size)
{
	snprintf(buf, size, "%llu", *(const unsigned long long *)var);
}

static const struct kparam_custom bytes_ops = {
	.parse = bytes_parse,
	.format = bytes_format,
	.expected = "a byte count 0..1000000000000",
};
KPARAM_CUSTOM("bytes", send_bytes, &bytes_ops, "send: bytes to send");
KPARAM_UINT("chunk", send_chunk, 1, SEND_CHUNK_MAX, "send: bytes per send() call");

static __noreturn void send_fail(const char *step, int err)
{
	char buf[24];

	kprintf("send: %s failed: %s\n", step, errno_name(err, buf, sizeof(buf)));
	machine_exit(SEND_EXIT_FAILURE);
}

/* ---- the run ---------------------------------------------------------------- */

static uint8_t send_pattern_byte(uint64_t i)
{
	return (uint8_t)((i * 7 + (i >> 12)) & 0xFF);
}

/* Waits up to SEND_WAIT_MS for events on fd; 0 when they came, else an errno. */
static int send_wait(int fd, short events, short *revents)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, SEND_WAIT_MS);

	if (n < 0)
		return errno;
	if (n == 0)
		return ETIMEDOUT;
	*revents = p.revents;
	return 0;
}

/* Reads and drops what the peer sent. 0: it closed (EOF); 1: drained for now;
 * -1 with errno on failure. */
static int send_drain(int fd, uint64_t *back)
{
	uint8_t buf[512];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -1;
		*back += (uint64_t)n;
	}
}

/* The socket's pending error after poll said POLLERR (or a connect ended). */
static int sock_pending_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

static void send_connect(int fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(target.port),
				   .sin_addr = { htonl(target.addr) } };
	short rev = 0;
	int err;

	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return;
	if (errno != EINPROGRESS)
		send_fail("connect", errno);
	err = send_wait(fd, POLLOUT, &rev);
	if (!err)
		err = sock_pending_error(fd);
	if (err)
		send_fail("connect", err);
}

static void send_all(int fd, const uint8_t *pattern, uint64_t *back)
{
	uint64_t sent = 0;

	while (sent < send_bytes) {
		uint64_t left = send_bytes - sent;
		size_t len = left < send_chunk ? (size_t)left : send_chunk;
		ssize_t n = send(fd, pattern + sent % SEND_PERIOD, len, MSG_NOSIGNAL);
		short rev = 0;
		int err;

		if (n > 0) {
			sent += (uint64_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			send_fail("send", errno);
		/* The socket is full: sleep until it takes more, reading what
		 * the peer sends meanwhile. */
		err = send_wait(fd, POLLOUT | POLLIN, &rev);
		if (err)
			send_fail("send", err);
		/* An error with nothing pending was taken already: the next
		 * send reports it. */
		if ((rev & POLLERR) && (err = sock_pending_error(fd)))
			send_fail("send", err);
		if ((rev & POLLIN) && send_drain(fd, back) < 0)
			send_fail("recv", errno);
	}
}

/* After our FIN: until the peer's FIN (recv returns 0). */
static void send_wait_close(int fd, uint64_t *back)
{
	for (;;) {
		short rev = 0;
		int r = send_drain(fd, back), err;

		if (r == 0)
			return;
		if (r < 0)
			send_fail("close", errno);
		err = send_wait(fd, POLLIN, &rev);
		if (err)
			send_fail("close", err);
	}
}

static int send_init(struct net_device *dev)
{
	(void)dev;
	return 0;
}

static void send_run(struct net_device *dev)
{
	static const struct timeval send_timeo = { .tv_sec = SEND_WAIT_MS / 1000 };
	uint64_t t0, t_conn, t1, ns, back = 0;
	char host[24];
	bool traced;
	int fd;

	(void)dev;
	if (!target.addr) {
		kprintf("send: no send=HOST:PORT on the command line\n");
		send_fail("connect", EDESTADDRREQ);
	}
	target_format(&target, host, sizeof(host));
	kprintf("send: %llu bytes to %s in chunks of %u\n", send_bytes, host, send_chunk);
	send_buf = kmalloc(SEND_PERIOD + send_chunk);
	if (!send_buf)
		send_fail("buffer", ENOMEM);
	for (uint64_t i = 0; i < SEND_PERIOD + send_chunk; i++)
		send_buf[i] = send_pattern_byte(i);

	traced = trace_armed();
	fd = socket(AF_INET, SOCK_STREAM | (traced ? 0 : SOCK_NONBLOCK), 0);
	if (fd < 0)
		send_fail("socket", errno);
	if (traced && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeo, sizeof(send_timeo)) < 0)
		send_fail("socket", errno);
	t0 = ktime_get_ns();
	send_connect(fd);
	t_conn = ktime_get_ns();
	send_all(fd, send_buf, &back);
	if (shutdown(fd, SHUT_WR) < 0)
		send_fail("shutdown", errno);
	send_wait_close(fd, &back);
	t1 = ktime_get_ns();
	sock_fd_close(fd);
	kfree(send_buf);
	send_buf = NULL;

	ns = t1 > t0 ? t1 - t0 : 1;
	kprintf("send: %llu bytes in %llu.%06llu s, %llu.%llu Mbit/s; connect %llu.%03llu ms",
		send_bytes, (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / 1000),
		send_bytes * 8000 / ns, send_bytes * 80000 / ns % 10,
		(unsigned long long)((t_conn - t0) / NSEC_PER_MSEC),
		(unsigned long long)((t_conn - t0) % NSEC_PER_MSEC / 1000));
	if (back)
		kprintf(", %llu bytes came back", (unsigned long long)back);
	kprintf(", boot_us=%llu\n", (unsigned long long)(ktime_get_ns() / 1000));
	trace_wait_print(SEND_TRACE_WAIT_MS);
	machine_acpi_poweroff();
}

const struct app app_send = { "send", send_init, send_run, .raw = false };
