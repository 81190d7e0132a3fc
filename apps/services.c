/* The default services. Every socket is created and bound in services_start,
 * so the services listen before READY is printed; threads serve them after.
 *
 * UDP echo (RFC 862): a thread blocking in recvfrom sends every datagram back
 * to its sender unchanged, up to the largest one UDP carries.
 *
 * TCP echo (RFC 862), discard (RFC 863) and source (RFC 864's chargen): one
 * thread, one poll() loop over the three listeners and every client, all
 * descriptors non-blocking, so a thousand clients cost a thousand small
 * structs and not a thousand stacks. The loop's rules:
 *   - a descriptor is polled only for what its service can act on now
 *     (POLLOUT only while output is pending, POLLIN off while the echo buffer
 *     is full): a wake-up always has work behind it, so the loop never spins;
 *   - each client gets at most SVC_IO_CALLS socket calls per pass, and each
 *     listener ACCEPT_BATCH accepts, so one busy peer cannot starve the rest;
 *   - when accept fails for want of descriptors or memory, the listeners are
 *     left out of the poll set for SVC_PAUSE_MS instead of failing again at
 *     once on the same pending connection;
 *   - echo never drops a byte: a full per-client buffer stops reading and
 *     TCP's window pushes back on the peer (backpressure);
 *   - a wake-up that moved no byte but reported POLLERR or POLLHUP means the
 *     connection is gone: the client is closed. */
#include <errno.h>
#include <string.h>
#include "apps/services.h"
#include "apps/zc_note.h"
#include "kernel/cpu.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "net/ip_hdr.h"
#include "net/socket.h"
#include "net/udp.h"

enum svc_id { SVC_ECHO, SVC_DISCARD, SVC_SOURCE, SVC_TCP_N, SVC_UDP_ECHO = SVC_TCP_N, SVC_N };

static const struct {
	const char *name, *proto;
	int port;
} svc_info[SVC_N] = {
	[SVC_ECHO] = { "echo", "tcp", ECHO_PORT },
	[SVC_DISCARD] = { "discard", "tcp", DISCARD_PORT },
	[SVC_SOURCE] = { "source", "tcp", SOURCE_PORT },
	[SVC_UDP_ECHO] = { "echo", "udp", ECHO_PORT },
};

struct svc_stats {
	uint64_t accepted;	/* connections taken from the listener (TCP) */
	uint64_t active;	/* clients open now (TCP) */
	uint64_t bytes_in, bytes_out;
	uint64_t resets;	/* ended by the peer's reset (ECONNRESET, EPIPE) */
	uint64_t errors;	/* any other failed call or allocation */
	/* source: MSG_ZEROCOPY sends whose completion was read, and of
	 * those the ones TCP reported copied after all. */
	uint64_t zc_done, zc_copied;
};
static struct svc_stats svc_stats[SVC_N];

#define SVC_BACKLOG   256	/* completed connections waiting for accept */
#define ACCEPT_BATCH  32	/* accepts per listener per pass */
#define SVC_IO_CALLS  4		/* socket calls per client per pass */
#define SVC_PAUSE_MS  100	/* listeners rest this long after EMFILE and kin */
/* A modest buffer per echo client: a thousand of them fit in 4 MB. */
#define ECHO_BUF      4096
/* Discard reads into one shared buffer; big reads mean few calls. */
#define SINK_BUF      65536
/* Source sends from nine periods of the pattern: any offset into the first
 * period leaves at least eight periods (56 KB) for one send(). */
#define SOURCE_BUF    (9 * CHARGEN_PERIOD)
/* Every descriptor but the listeners' and the UDP echo socket's. */
#define CLIENT_MAX    (SOCK_MAX - SVC_TCP_N - 1)

#define CL_RD_EOF 0x01		/* the peer shut its sending side down */

struct svc_client {
	int fd;
	uint8_t svc;		/* enum svc_id */
	uint8_t flags;		/* CL_* */
	/* echo: a ring of ECHO_BUF bytes, count of them pending from head. */
	uint16_t head, count;
	uint16_t src_off;	/* source: where in the pattern's period it is */
	uint8_t *buf;		/* echo only */
};
_Static_assert(ECHO_BUF <= UINT16_MAX && CHARGEN_PERIOD <= UINT16_MAX, "fits uint16_t");

/* Client i is cl[i] and polled as pfd[SVC_TCP_N + i]; pfd[0..SVC_TCP_N) are
 * the listeners. The clients are kept dense: a closed one's slot takes the
 * last one. */
struct tcp_svc {
	int listen_fd[SVC_TCP_N];
	nfds_t nclients, peak;
	uint64_t resume_ms;	/* listeners left out until this jiffy; 0: polled */
	uint64_t pauses;
	uint64_t poll_errors;
	struct pollfd *pfd;
	struct svc_client *cl;
	uint8_t *sink;		/* SINK_BUF, at the first discard or source client */
	uint8_t *pattern;	/* SOURCE_BUF, at the first source client */
};
static struct tcp_svc *tcp_svc;

void chargen_fill(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t line = i / CHARGEN_LINE_LEN % CHARGEN_RING, col = i % CHARGEN_LINE_LEN;

		if (col < CHARGEN_LINE_CHARS)
			buf[i] = (uint8_t)(' ' + (line + col) % CHARGEN_RING);
		else
			buf[i] = col == CHARGEN_LINE_CHARS ? '\r' : '\n';
	}
}

/* ---- one client's I/O ------------------------------------------------------ */

static bool would_block(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

/* Counts why a client ends; returns -1 so the caller closes it. */
static int client_failed(const struct svc_client *c, int err)
{
	if (err == ECONNRESET || err == EPIPE)
		svc_stats[c->svc].resets++;
	else
		svc_stats[c->svc].errors++;
	return -1;
}

/* Sends what the echo ring holds, at most two calls (the ring may wrap).
 * Returns bytes sent (0: the socket is full), -1 when the connection failed. */
static ssize_t echo_flush(struct svc_client *c)
{
	ssize_t total = 0;

	for (int i = 0; i < 2 && c->count; i++) {
		size_t len = c->count < ECHO_BUF - c->head ? c->count : ECHO_BUF - c->head;
		ssize_t n = send(c->fd, c->buf + c->head, len, MSG_NOSIGNAL);

		if (n < 0)
			return would_block(errno) ? total : client_failed(c, errno);
		c->head = (uint16_t)((c->head + (size_t)n) % ECHO_BUF);
		c->count = (uint16_t)(c->count - n);
		svc_stats[SVC_ECHO].bytes_out += (uint64_t)n;
		total += n;
		if ((size_t)n < len)
			break;
	}
	if (!c->count)
		c->head = 0;	/* an empty ring reads into one contiguous run */
	return total;
}

/* Reads into the ring's free run after the data, flushes, and repeats while a
 * read filled all it was offered (more may wait). Half-close: once the peer
 * has shut down and everything read went back, shut our side down too. */
static int echo_io(struct svc_client *c, short rev)
{
	bool want_read = rev & (POLLIN | POLLERR | POLLHUP), moved = false;

	for (int calls = 0; calls < SVC_IO_CALLS; calls++) {
		if (want_read && !(c->flags & CL_RD_EOF) && c->count < ECHO_BUF) {
			size_t tail = (c->head + c->count) % ECHO_BUF;
			size_t space = tail < c->head ? c->head - tail : ECHO_BUF - tail;
			ssize_t n = recv(c->fd, c->buf + tail, space, 0);

			want_read = false;
			if (n > 0) {
				c->count = (uint16_t)(c->count + n);
				svc_stats[SVC_ECHO].bytes_in += (uint64_t)n;
				moved = true;
				want_read = (size_t)n == space;
			} else if (n == 0) {
				c->flags |= CL_RD_EOF;
				moved = true;
			} else if (!would_block(errno)) {
				return client_failed(c, errno);
			}
		}
		if (c->count) {
			ssize_t n = echo_flush(c);

			if (n < 0)
				return -1;
			moved |= n > 0;
		}
		if (!want_read)
			break;
	}
	if ((c->flags & CL_RD_EOF) && !c->count) {
		/* Our FIN follows the last echoed byte; the descriptor's close
		 * then leaves TCP to finish alone. */
		(void)shutdown(c->fd, SHUT_WR);
		return -1;
	}
	return moved || !(rev & (POLLERR | POLLHUP)) ? 0 : -1;
}

/* Reads and drops up to SVC_IO_CALLS buffers, counted to the client's
 * service (discard, or the source's ignored input). Returns 1 when something
 * was read, 0 when nothing was there, -1 at the peer's FIN (CL_RD_EOF set) or
 * a failure. */
static int sink_read(struct tcp_svc *t, struct svc_client *c)
{
	int moved = 0;

	for (int calls = 0; calls < SVC_IO_CALLS; calls++) {
		ssize_t n = recv(c->fd, t->sink, SINK_BUF, 0);

		if (n < 0)
			return would_block(errno) ? moved : client_failed(c, errno);
		if (n == 0) {
			c->flags |= CL_RD_EOF;
			return -1;
		}
		svc_stats[c->svc].bytes_in += (uint64_t)n;
		moved = 1;
		if (n < SINK_BUF)
			break;
	}
	return moved;
}

/* Discard: whatever arrives is dropped; the peer's FIN ends it and our close
 * answers with ours. */
static int discard_io(struct tcp_svc *t, struct svc_client *c, short rev)
{
	int r = sink_read(t, c);

	if (r < 0)
		return -1;
	return r || !(rev & (POLLERR | POLLHUP)) ? 0 : -1;
}

/* The one place the source service hands its bytes to TCP: the whole rest of
 * the shared pattern from the client's offset, with MSG_ZEROCOPY, so TCP's
 * skbs point into the pattern instead of copying it. The pattern is written
 * once and never freed, so no send has to wait for an earlier one's
 * completion before reusing it; the completions are only read, to keep the
 * socket's optmem free (source_reap). */
static ssize_t source_send(struct tcp_svc *t, struct svc_client *c)
{
	ssize_t n = send(c->fd, t->pattern + c->src_off, SOURCE_BUF - c->src_off,
			 MSG_NOSIGNAL | MSG_ZEROCOPY);

	/* Completions not read yet fill the socket's optmem: this call is
	 * copied instead, and they are read at the next POLLERR. */
	if (n < 0 && errno == ENOBUFS)
		n = send(c->fd, t->pattern + c->src_off, SOURCE_BUF - c->src_off, MSG_NOSIGNAL);

	if (n > 0) {
		c->src_off = (uint16_t)((c->src_off + (size_t)n) % CHARGEN_PERIOD);
		svc_stats[SVC_SOURCE].bytes_out += (uint64_t)n;
	}
	return n;
}

/* Reads the zero-copy completions waiting on the source client's error queue
 * (POLLERR says some do); true if there were any. */
static bool source_reap(struct svc_client *c)
{
	bool any = false;

	for (int calls = 0; calls < SVC_IO_CALLS; calls++) {
		uint32_t lo, n;
		bool copied;

		if (!zc_read_note(c->fd, &lo, &n, &copied))
			break;
		any = true;
		svc_stats[SVC_SOURCE].zc_done += n;
		if (copied)
			svc_stats[SVC_SOURCE].zc_copied += n;
	}
	return any;
}

/* Source: sends until the socket is full or the pass's calls are spent; input
 * is read and dropped (RFC 864). A peer's FIN does not stop the stream, as
 * with inetd's chargen: a half-closed peer may still read, and one that has
 * gone answers with a reset, which ends the client. POLLERR first means
 * completions to read. */
static int source_io(struct tcp_svc *t, struct svc_client *c, short rev)
{
	bool moved = (rev & POLLERR) && source_reap(c);

	if ((rev & (POLLIN | POLLERR | POLLHUP)) && !(c->flags & CL_RD_EOF)) {
		int r = sink_read(t, c);

		if (r < 0 && !(c->flags & CL_RD_EOF))
			return -1;
		moved |= r != 0;
	}
	if (rev & (POLLOUT | POLLERR | POLLHUP)) {
		for (int calls = 0; calls < SVC_IO_CALLS; calls++) {
			ssize_t n = source_send(t, c);

			if (n < 0) {
				if (!would_block(errno))
					return client_failed(c, errno);
				break;
			}
			moved = true;
		}
	}
	return moved || !(rev & (POLLERR | POLLHUP)) ? 0 : -1;
}

static short client_events(const struct svc_client *c)
{
	switch (c->svc) {
	case SVC_ECHO:
		return (short)((!(c->flags & CL_RD_EOF) && c->count < ECHO_BUF ? POLLIN : 0) |
			       (c->count ? POLLOUT : 0));
	case SVC_DISCARD:
		return POLLIN;
	default:
		/* After the peer's FIN its socket stays readable (EOF): asking
		 * for POLLIN then would wake the loop for nothing, forever. */
		return (short)(POLLOUT | (c->flags & CL_RD_EOF ? 0 : POLLIN));
	}
}

static int client_io(struct tcp_svc *t, struct svc_client *c, short rev)
{
	if (rev & POLLNVAL)
		return client_failed(c, EBADF);
	switch (c->svc) {
	case SVC_ECHO:
		return echo_io(c, rev);
	case SVC_DISCARD:
		return discard_io(t, c, rev);
	default:
		return source_io(t, c, rev);
	}
}

/* ---- clients and listeners ------------------------------------------------- */

static void client_remove(struct tcp_svc *t, nfds_t i)
{
	struct svc_client *c = &t->cl[i];
	nfds_t last = t->nclients - 1;

	sock_fd_close(c->fd);
	kfree(c->buf);
	svc_stats[c->svc].active--;
	t->cl[i] = t->cl[last];
	t->pfd[SVC_TCP_N + i] = t->pfd[SVC_TCP_N + last];
	t->nclients = last;
}

/* The shared buffers come with the first client that needs them, so an idle
 * box keeps its memory (the READY figure). */
static int client_add(struct tcp_svc *t, int svc, int fd)
{
	struct svc_client *c = &t->cl[t->nclients];
	struct pollfd *p = &t->pfd[SVC_TCP_N + t->nclients];

	*c = (struct svc_client){ .fd = fd, .svc = (uint8_t)svc };
	if (svc == SVC_ECHO) {
		int one = 1;

		c->buf = kmalloc(ECHO_BUF);
		if (!c->buf)
			return -1;
		/* An echo answers at once: no Nagle wait for the peer's ACK of
		 * an earlier small reply. A refusal only costs latency. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else if (!t->sink && !(t->sink = kmalloc(SINK_BUF))) {
		return -1;
	}
	if (svc == SVC_SOURCE && !t->pattern) {
		t->pattern = kmalloc(SOURCE_BUF);
		if (!t->pattern)
			return -1;
		chargen_fill(t->pattern, SOURCE_BUF);
	}
	if (svc == SVC_SOURCE) {
		int one = 1;

		/* Refused, the sends are copied: slower, not wrong. */
		(void)setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one));
	}
	*p = (struct pollfd){ .fd = fd, .events = client_events(c) };
	t->nclients++;
	if (t->nclients > t->peak)
		t->peak = t->nclients;
	return 0;
}

static void listeners_pause(struct tcp_svc *t)
{
	t->resume_ms = jiffies() + SVC_PAUSE_MS;
	t->pauses++;
}

static void svc_accept(struct tcp_svc *t, int svc)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		int fd;

		if (t->nclients == CLIENT_MAX) {
			listeners_pause(t);
			return;
		}
		fd = accept4(t->listen_fd[svc], NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0) {
			if (would_block(errno))
				return;
			svc_stats[svc].errors++;
			/* A connection reset while queued is gone; try the next. */
			if (errno == ECONNABORTED)
				continue;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the same call would fail
			 * again at once; rest, and let closes free descriptors. */
			listeners_pause(t);
			return;
		}
		if (client_add(t, svc, fd) < 0) {
			sock_fd_close(fd);
			svc_stats[svc].errors++;
			listeners_pause(t);
			return;
		}
		svc_stats[svc].accepted++;
		svc_stats[svc].active++;
	}
}

/* One poll and what it found: the thread runs this forever. */
static void tcp_services_pass(struct tcp_svc *t)
{
	int timeout = -1, n;

	if (t->resume_ms) {
		uint64_t now = jiffies();

		if (now >= t->resume_ms)
			t->resume_ms = 0;
		else
			timeout = (int)(t->resume_ms - now);
	}
	for (int s = 0; s < SVC_TCP_N; s++)
		t->pfd[s] = (struct pollfd){ .fd = t->resume_ms ? -1 : t->listen_fd[s],
					     .events = POLLIN };
	n = poll(t->pfd, SVC_TCP_N + t->nclients, timeout);
	if (n < 0) {
		/* Nothing here asks for an EINTR; whatever it was, do not retry
		 * in a tight loop. */
		t->poll_errors++;
		msleep(SVC_PAUSE_MS);
		return;
	}
	/* Backwards: a removal moves the last client, already seen, into the
	 * hole. Clients accepted below are first polled in the next pass. */
	for (nfds_t i = t->nclients; n > 0 && i-- > 0;) {
		struct pollfd *p = &t->pfd[SVC_TCP_N + i];

		if (!p->revents)
			continue;
		if (client_io(t, &t->cl[i], p->revents) < 0)
			client_remove(t, i);
		else
			p->events = client_events(&t->cl[i]);
	}
	for (int s = 0; s < SVC_TCP_N; s++)
		if (t->pfd[s].fd >= 0 && (t->pfd[s].revents & (POLLIN | POLLERR)))
			svc_accept(t, s);
}

static void tcp_services_thread(void *arg)
{
	for (;;)
		tcp_services_pass(arg);
}

static int tcp_listen_on(int svc)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(svc_info[svc].port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    listen(fd, SVC_BACKLOG) == 0)
		return fd;
	pr_err("services: tcp %s: cannot listen on port %d: %s\n", svc_info[svc].name,
	       svc_info[svc].port, strerror(errno));
	if (fd >= 0)
		sock_fd_close(fd);
	return -1;
}

static void tcp_services_start(void)
{
	struct tcp_svc *t = kzalloc(sizeof(*t));
	int listening = 0;

	if (t) {
		t->pfd = kzalloc((SVC_TCP_N + CLIENT_MAX) * sizeof(*t->pfd));
		t->cl = kzalloc(CLIENT_MAX * sizeof(*t->cl));
	}
	if (!t || !t->pfd || !t->cl) {
		pr_err("services: tcp echo, discard, source: out of memory\n");
		goto fail;
	}
	for (int s = 0; s < SVC_TCP_N; s++) {
		t->listen_fd[s] = tcp_listen_on(s);
		listening += t->listen_fd[s] >= 0;
	}
	if (listening && thread_create("tcp-services", tcp_services_thread, t, CPU_SYS)) {
		tcp_svc = t;
		return;
	}
	for (int s = 0; s < SVC_TCP_N; s++)
		if (t->listen_fd[s] >= 0)
			sock_fd_close(t->listen_fd[s]);
fail:
	if (t) {
		kfree(t->pfd);
		kfree(t->cl);
	}
	kfree(t);
}

/* ---- UDP echo -------------------------------------------------------------- */

struct udp_echo {
	int fd;
	uint8_t buf[UDP_MAX_PAYLOAD];
};

static void udp_echo_thread(void *arg)
{
	struct udp_echo *e = arg;
	struct svc_stats *st = &svc_stats[SVC_UDP_ECHO];

	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(e->fd, e->buf, sizeof(e->buf), 0,
				     (struct sockaddr *)&from, &flen);

		if (n < 0) {
			/* A pending ICMP error (cleared by this call) or an
			 * interrupted wait: let the others run, then read on. */
			st->errors++;
			thread_yield();
			continue;
		}
		st->bytes_in += (uint64_t)n;
		/* A full socket buffer or a vanished route drops this one reply,
		 * as a lost datagram would. */
		if (sendto(e->fd, e->buf, (size_t)n, 0, (struct sockaddr *)&from, flen) < 0)
			st->errors++;
		else
			st->bytes_out += (uint64_t)n;
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
	tcp_services_start();
}

/* ---- shell ----------------------------------------------------------------- */

static int cmd_services(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		kprintf("usage: services\n");
		return 1;
	}
	kprintf("service  proto  port   accepted   active       bytes_in      bytes_out"
		"     resets     errors\n");
	for (int s = 0; s < SVC_N; s++) {
		const struct svc_stats *st = &svc_stats[s];

		kprintf("%-8s %-5s %5d ", svc_info[s].name, svc_info[s].proto, svc_info[s].port);
		if (s < SVC_TCP_N)
			kprintf("%10llu %8llu", (unsigned long long)st->accepted,
				(unsigned long long)st->active);
		else
			kprintf("%10s %8s", "-", "-");
		kprintf(" %14llu %14llu %10llu %10llu\n", (unsigned long long)st->bytes_in,
			(unsigned long long)st->bytes_out, (unsigned long long)st->resets,
			(unsigned long long)st->errors);
	}
	kprintf("source zero-copy sends completed %llu, of them copied %llu\n",
		(unsigned long long)svc_stats[SVC_SOURCE].zc_done,
		(unsigned long long)svc_stats[SVC_SOURCE].zc_copied);
	if (tcp_svc)
		kprintf("tcp clients %llu (peak %llu, at most %d); listeners paused %llu times "
			"(no descriptor or memory for a connection); poll failed %llu times\n",
			(unsigned long long)tcp_svc->nclients, (unsigned long long)tcp_svc->peak,
			CLIENT_MAX, (unsigned long long)tcp_svc->pauses,
			(unsigned long long)tcp_svc->poll_errors);
	else
		kprintf("tcp services not running\n");
	return 0;
}
SHELL_COMMAND("services", "TCP echo/discard/source and UDP echo: connections, bytes, errors",
	      cmd_services);
