/* The shell's `zcsend HOST:PORT BYTES [CHUNK]`: a MSG_ZEROCOPY sender that
 * follows the rule such a sender lives by (net/sock_zerocopy.h): a buffer
 * handed to send(..., MSG_ZEROCOPY) belongs to the kernel until the error
 * queue says every call that sent from it is complete.
 *
 * It connects, sets SO_ZEROCOPY and sends BYTES of app=send's pattern (byte
 * i of the stream is (i * 7 + (i >> 12)) & 0xFF, so a receiver checks it the
 * same way) in chunks of CHUNK bytes (default 65536) from two buffers used in
 * turn. Before a buffer is rewritten with the next chunk, every id of the
 * calls that sent its previous chunk must have been read from the error
 * queue: had the kernel reported one too early, the peer would see the new
 * chunk's bytes in the old one's place, which the receiver's hash shows.
 *
 * Ids are the kernel's: one per send() that moved bytes, 0, 1, 2, ... A
 * chunk may take several calls (the socket takes what fits), so a buffer
 * owns a run of ids; completions may come merged into ranges and in any
 * order, so each is counted against the run it overlaps.
 *
 * It then shuts its side down, waits for the peer's FIN and for the last
 * completions, and prints
 *   zcsend: <N> bytes, <calls> sends, completions <ids> (copied <c>), <Mbit/s> Mbit/s
 * (the rate from the start of connect to the peer's FIN; copied: the ids
 * reported SO_EE_CODE_ZEROCOPY_COPIED), or for a failing step
 *   zcsend: <step> failed: <ERRNO_NAME>
 * Every wait is bounded by ZC_WAIT_MS, and Ctrl-C ends a wait (EINTR). A
 * failed run still waits, bounded, for the kernel to give its buffers back;
 * if it never does (a kernel bug, or a peer that stopped reading) they are
 * left allocated rather than freed under skbs that point at them, and a
 * second line says so. */
#include <errno.h>
#include <string.h>
#include "apps/errno_name.h"
#include "apps/zc_note.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "net/socket.h"

#define ZC_WAIT_MS    10000
#define ZC_CHUNK_DEF  65536u
#define ZC_CHUNK_MAX  (1u << 20)
#define ZC_BYTES_MAX  1000000000000ULL	/* Mbit/s arithmetic (bytes * 80000) fits */
#define ZC_DRAIN_CALLS 64
/* Once both sides have shut down, poll reports POLLHUP at once: a wait for
 * the last completions (a TX ring not cleaned yet) looks again this often. */
#define ZC_HUP_NAP_MS 1

/* One of the two buffers and the ids of the calls that sent its chunk. */
struct zc_buf {
	uint8_t *data;
	uint32_t first;		/* the first id of its chunk's calls */
	uint32_t ids;		/* calls that sent from it */
	uint32_t done;		/* of those, completions read */
};

struct zc_run {
	int fd;
	bool peer_eof;
	struct zc_buf buf[2];
	uint32_t next_id;		/* the id the next call that moves bytes gets */
	uint64_t completed, copied;	/* ids read from the error queue */
};

static void zc_fail(const char *step, int err)
{
	char buf[24];

	kprintf("zcsend: %s failed: %s\n", step, errno_name(err, buf, sizeof(buf)));
}

/* ---- arguments -------------------------------------------------------------- */

/* A decimal number up to max, nothing after it. */
static bool zc_parse_dec(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* "a.b.c.d:port" into sin; false when either half is not one. */
static bool zc_parse_target(const char *arg, struct sockaddr_in *sin)
{
	const char *colon = strchr(arg, ':');
	char host[INET_ADDRSTRLEN];
	uint64_t port;

	if (!colon || (size_t)(colon - arg) >= sizeof(host))
		return false;
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 || !sin->sin_addr.s_addr)
		return false;
	if (!zc_parse_dec(colon + 1, 65535, &port) || !port)
		return false;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return true;
}

/* ---- completions ------------------------------------------------------------ */

/* How many of the ids [lo, lo + n) fall in b's run; unsigned differences,
 * so a run across the id space's wrap counts the same. */
static uint32_t zc_overlap(const struct zc_buf *b, uint32_t lo, uint32_t n)
{
	uint32_t into_run = lo - b->first, into_range = b->first - lo;

	if (into_run < b->ids)
		return MIN(n, b->ids - into_run);
	if (into_range < n)
		return MIN(b->ids, n - into_range);
	return 0;
}

/* Reads every notification waiting, each counted against the buffer whose
 * run it covers; true if there was one. Bounded: each read frees one, and
 * a socket holds at most optmem_max / MSG_ZC_CHARGE of them. */
static bool zc_reap(struct zc_run *r)
{
	uint32_t lo = 0, n = 0;
	bool copied = false, any = false;

	while (zc_read_note(r->fd, &lo, &n, &copied)) {
		any = true;
		r->completed += n;
		r->copied += copied ? n : 0;
		/* Clamped: a duplicate completion must not free a buffer early;
		 * it still shows in the count of completions. */
		for (int i = 0; i < 2; i++)
			r->buf[i].done = MIN(r->buf[i].ids,
					     r->buf[i].done + zc_overlap(&r->buf[i], lo, n));
	}
	return any;
}

static bool zc_buf_free(const struct zc_buf *b)
{
	return b->done == b->ids;
}

/* ---- waiting ---------------------------------------------------------------- */

/* Reads and drops what the peer sent, at most ZC_DRAIN_CALLS reads (the
 * next poll says if more waits); notes its FIN. -1 with errno on failure. */
static int zc_drain(struct zc_run *r)
{
	uint8_t sink[512];

	for (int calls = 0; calls < ZC_DRAIN_CALLS; calls++) {
		ssize_t n = recv(r->fd, sink, sizeof(sink), MSG_DONTWAIT);

		if (n == 0) {
			r->peer_eof = true;
			return 0;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
	return 0;
}

/* One poll for events until deadline (ns), then whatever it reported is
 * handled: completions read, the peer's bytes drained, a socket error
 * taken. 0, or the errno that ends the wait (ETIMEDOUT at the deadline,
 * EINTR on Ctrl-C). POLLERR and POLLHUP come unasked. */
static int zc_wait(struct zc_run *r, short events, uint64_t deadline)
{
	uint64_t now = ktime_get_ns();
	struct pollfd p = { .fd = r->fd, .events = events };
	bool moved = false;
	int n, err = 0;
	socklen_t len = sizeof(err);

	if (r->peer_eof)
		p.events &= (short)~POLLIN;	/* EOF stays readable: it would spin */
	if (now >= deadline)
		return ETIMEDOUT;
	n = poll(&p, 1, (int)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
	if (n < 0)
		return errno;
	if (n == 0)
		return ETIMEDOUT;
	if (p.revents & POLLERR) {
		moved = zc_reap(r);
		if (!moved && getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
			return err;
	}
	if ((p.revents & POLLIN) && !r->peer_eof) {
		if (zc_drain(r) < 0)
			return errno;
		moved = true;
	}
	if (!(p.revents & POLLHUP) || moved)
		return 0;
	/* Hung up with nothing read or reaped: a send can only fail now, but
	 * completions still come as the last skbs are freed. */
	if (events & POLLOUT)
		return EPIPE;
	return msleep_interruptible(ZC_HUP_NAP_MS) ? EINTR : 0;
}

static uint64_t zc_deadline(void)
{
	return ktime_get_ns() + ZC_WAIT_MS * NSEC_PER_MSEC;
}

/* Until b's chunk is completed, or the wait ends in an error. */
static int zc_wait_buf(struct zc_run *r, const struct zc_buf *b)
{
	uint64_t deadline = zc_deadline();
	int err = 0;

	zc_reap(r);
	while (!zc_buf_free(b) && !err)
		err = zc_wait(r, POLLIN, deadline);
	return err;
}

/* ---- the run ---------------------------------------------------------------- */

static void zc_fill(uint8_t *p, uint64_t off, uint32_t len)
{
	for (uint32_t k = 0; k < len; k++) {
		uint64_t i = off + k;

		p[k] = (uint8_t)((i * 7 + (i >> 12)) & 0xFF);
	}
}

static int zc_connect(struct zc_run *r, const struct sockaddr_in *sin)
{
	struct pollfd p = { .fd = r->fd, .events = POLLOUT };
	int n, err = 0;
	socklen_t len = sizeof(err);

	if (connect(r->fd, (const struct sockaddr *)sin, sizeof(*sin)) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	/* Connected or refused, POLLOUT or POLLERR ends the poll: the pending
	 * error tells which. */
	n = poll(&p, 1, ZC_WAIT_MS);
	if (n < 0)
		return errno;
	if (n == 0)
		return ETIMEDOUT;
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

/* One chunk from b, as many calls as it takes; each that moves bytes takes
 * the next id. */
static int zc_send_chunk(struct zc_run *r, struct zc_buf *b, uint32_t len, uint64_t *calls)
{
	uint32_t sent = 0;

	b->first = r->next_id;
	b->ids = 0;
	b->done = 0;
	while (sent < len) {
		ssize_t n = send(r->fd, b->data + sent, len - sent, MSG_NOSIGNAL | MSG_ZEROCOPY);
		int err;

		if (n > 0) {
			sent += (uint32_t)n;
			b->ids++;
			r->next_id++;
			(*calls)++;
			continue;
		}
		if (n == 0)
			return EPIPE;
		if (errno == ENOBUFS) {
			/* optmem_max is full of notifications or calls in flight:
			 * only a completion frees it, so wait for POLLERR alone
			 * (POLLOUT would be true and spin). */
			err = zc_wait(r, POLLIN, zc_deadline());
		} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			err = zc_wait(r, POLLOUT | POLLIN, zc_deadline());
		} else {
			err = errno;
		}
		if (err)
			return err;
	}
	return 0;
}

/* After our FIN: until the peer's FIN. */
static int zc_wait_close(struct zc_run *r)
{
	uint64_t deadline = zc_deadline();
	int err = 0;

	if (zc_drain(r) < 0)
		return errno;
	while (!r->peer_eof && !err)
		err = zc_wait(r, POLLIN, deadline);
	return err;
}

/* Every buffer given back by the kernel, or false. After a Ctrl-C this wait
 * must still happen: the signal was seen, so it is cleared for it. */
static bool zc_reclaim(struct zc_run *r)
{
	if (signal_pending(current))
		clear_signal(current);
	for (int i = 0; i < 2; i++)
		if (zc_wait_buf(r, &r->buf[i]))
			return false;
	return true;
}

static int zc_run_all(struct zc_run *r, const struct sockaddr_in *sin, uint64_t bytes,
		      uint32_t chunk)
{
	uint64_t t0, ns, off = 0, calls = 0;
	int one = 1, err;

	r->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (r->fd < 0) {
		zc_fail("socket", errno);
		return -1;
	}
	if (setsockopt(r->fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0) {
		zc_fail("setsockopt", errno);
		return -1;
	}
	t0 = ktime_get_ns();
	err = zc_connect(r, sin);
	if (err) {
		zc_fail("connect", err);
		return -1;
	}
	for (uint64_t k = 0; off < bytes; k++) {
		struct zc_buf *b = &r->buf[k & 1];
		uint32_t len = (uint32_t)MIN((uint64_t)chunk, bytes - off);

		err = zc_wait_buf(r, b);
		if (err) {
			zc_fail("completion", err);
			return -1;
		}
		zc_fill(b->data, off, len);
		err = zc_send_chunk(r, b, len, &calls);
		if (err) {
			zc_fail("send", err);
			return -1;
		}
		off += len;
	}
	if (shutdown(r->fd, SHUT_WR) < 0) {
		zc_fail("shutdown", errno);
		return -1;
	}
	err = zc_wait_close(r);
	if (err) {
		zc_fail("close", err);
		return -1;
	}
	ns = MAX(ktime_get_ns() - t0, 1ULL);
	for (int i = 0; i < 2 && !err; i++)
		err = zc_wait_buf(r, &r->buf[i]);
	if (err) {
		zc_fail("completion", err);
		return -1;
	}
	kprintf("zcsend: %llu bytes, %llu sends, completions %llu (copied %llu), "
		"%llu.%llu Mbit/s\n", (unsigned long long)bytes, (unsigned long long)calls,
		(unsigned long long)r->completed, (unsigned long long)r->copied,
		(unsigned long long)(bytes * 8000 / ns),
		(unsigned long long)(bytes * 80000 / ns % 10));
	return 0;
}

static int cmd_zcsend(int argc, char **argv)
{
	struct sockaddr_in sin = { 0 };
	struct zc_run r = { .fd = -1 };
	uint64_t bytes, chunk = ZC_CHUNK_DEF;
	int rc;

	if (argc < 3 || argc > 4) {
		kprintf("usage: zcsend HOST:PORT BYTES [CHUNK]\n");
		return -1;
	}
	if (!zc_parse_target(argv[1], &sin)) {
		kprintf("zcsend: bad HOST:PORT '%s'\n", argv[1]);
		return -1;
	}
	if (!zc_parse_dec(argv[2], ZC_BYTES_MAX, &bytes)) {
		kprintf("zcsend: bad BYTES '%s' (0..%llu)\n", argv[2], ZC_BYTES_MAX);
		return -1;
	}
	if (argc == 4 && (!zc_parse_dec(argv[3], ZC_CHUNK_MAX, &chunk) || !chunk)) {
		kprintf("zcsend: bad CHUNK '%s' (1..%u)\n", argv[3], ZC_CHUNK_MAX);
		return -1;
	}
	r.buf[0].data = kmalloc((size_t)chunk);
	r.buf[1].data = kmalloc((size_t)chunk);
	if (!r.buf[0].data || !r.buf[1].data) {
		kfree(r.buf[0].data);
		kfree(r.buf[1].data);
		zc_fail("buffer", ENOMEM);
		return -1;
	}
	rc = zc_run_all(&r, &sin, bytes, (uint32_t)chunk);
	/* A failed run may have calls in flight: their skbs point into the
	 * buffers until their completions come. */
	if (rc && r.fd >= 0 && !zc_reclaim(&r)) {
		kprintf("zcsend: %u sends never completed; their buffers stay allocated\n",
			(r.buf[0].ids - r.buf[0].done) + (r.buf[1].ids - r.buf[1].done));
		sock_fd_close(r.fd);
		return rc;
	}
	if (r.fd >= 0)
		sock_fd_close(r.fd);
	kfree(r.buf[0].data);
	kfree(r.buf[1].data);
	return rc;
}
SHELL_COMMAND("zcsend", "HOST:PORT BYTES [CHUNK]: send a pattern with MSG_ZEROCOPY from two "
	      "buffers, each rewritten only after its completions", cmd_zcsend);
