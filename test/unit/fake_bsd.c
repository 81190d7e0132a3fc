/* The scripted socket layer (fake_bsd.h), with the kernel calls the
 * services and the send app make beside it (timers, threads, memory). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "fake_bsd.h"
#include "kernel/ktimer.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "net/ip_hdr.h"

struct fake_sock fake_socks[FAKE_FD_MAX];
int fake_poll_calls, fake_poll_waits, fake_poll_last_timeout;
nfds_t fake_poll_last_nfds;
uint64_t fake_jiffies;
int fake_bind_err_port, fake_bind_err;
struct fake_sock fake_new_sock = { .room = SIZE_MAX };
void (*fake_poll_hook)(struct pollfd *fds, nfds_t nfds);
static struct thread fake_thread;
static void *thread_args[8];
static int threads;

void fake_bsd_reset(void)
{
	for (int i = 0; i < FAKE_FD_MAX; i++) {
		free(fake_socks[i].in);
		free(fake_socks[i].out);
	}
	memset(fake_socks, 0, sizeof(fake_socks));
	fake_poll_calls = fake_poll_waits = 0;
	fake_poll_last_timeout = 0;
	fake_poll_last_nfds = 0;
	fake_jiffies = 1000;
	fake_bind_err_port = fake_bind_err = 0;
	threads = 0;
	fake_new_sock = (struct fake_sock){ .room = SIZE_MAX };
	fake_poll_hook = NULL;
}

static int set_err(int err)
{
	errno = err;
	return -1;
}

static struct fake_sock *get(int fd)
{
	if (fd < SOCK_FD_BASE || fd >= FAKE_FD_MAX || !fake_socks[fd].used || fake_socks[fd].closed)
		return NULL;
	return &fake_socks[fd];
}

static int fd_alloc(void)
{
	for (int fd = SOCK_FD_BASE; fd < FAKE_FD_MAX; fd++)
		if (!fake_socks[fd].used) {
			memset(&fake_socks[fd], 0, sizeof(fake_socks[fd]));
			fake_socks[fd].used = true;
			return fd;
		}
	return -1;
}

int fake_open_count(void)
{
	int n = 0;

	for (int fd = SOCK_FD_BASE; fd < FAKE_FD_MAX; fd++)
		n += fake_socks[fd].used && !fake_socks[fd].closed;
	return n;
}

int fake_listener(int port)
{
	for (int fd = SOCK_FD_BASE; fd < FAKE_FD_MAX; fd++)
		if (get(fd) && fake_socks[fd].listening && fake_socks[fd].port == port)
			return fd;
	return -1;
}

int fake_incoming(int lfd)
{
	struct fake_sock *l = get(lfd);
	int fd = fd_alloc();

	assert_non_null(l);
	assert_true(fd >= 0);
	assert_true(l->queued < (int)(sizeof(l->queue) / sizeof(l->queue[0])));
	fake_socks[fd].stream = true;
	fake_socks[fd].room = SIZE_MAX;
	l->queue[l->queued++] = fd;
	return fd;
}

void fake_peer_send(int fd, const void *data, size_t len)
{
	struct fake_sock *s = &fake_socks[fd];

	s->in = realloc(s->in, s->in_len + len);
	assert_non_null(s->in);
	memcpy(s->in + s->in_len, data, len);
	s->in_len += len;
}

/* ---- the socket API --------------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
	int fd = fd_alloc();

	(void)protocol;
	assert_int_equal(domain, AF_INET);
	if (fd < 0)
		return set_err(EMFILE);
	fake_socks[fd] = fake_new_sock;
	fake_socks[fd].used = true;
	fake_socks[fd].stream = (type & SOCK_TYPE_MASK) == SOCK_STREAM;
	fake_socks[fd].nonblock = type & SOCK_NONBLOCK;
	return fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct fake_sock *s = get(fd);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	if (!s)
		return set_err(EBADF);
	assert_int_equal(len, sizeof(*sin));
	s->port = ntohs(sin->sin_port);
	if (s->port == fake_bind_err_port && fake_bind_err)
		return set_err(fake_bind_err);
	return 0;
}

int listen(int fd, int backlog)
{
	struct fake_sock *s = get(fd);

	if (!s)
		return set_err(EBADF);
	s->listening = true;
	s->backlog = backlog;
	return 0;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct fake_sock *l = get(fd);
	int c;

	(void)addr;
	(void)len;
	if (!l || !l->listening)
		return set_err(EINVAL);
	if (l->accept_err)
		return set_err(l->accept_err);
	if (!l->queued)
		return set_err(EAGAIN);
	c = l->queue[0];
	memmove(l->queue, l->queue + 1, (size_t)--l->queued * sizeof(l->queue[0]));
	fake_socks[c].nonblock = flags & SOCK_NONBLOCK;
	return c;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct fake_sock *s = get(fd);

	(void)addr;
	(void)len;
	if (!s)
		return set_err(EBADF);
	assert_true(s->nonblock);
	return set_err(EINPROGRESS);
}

int shutdown(int fd, int how)
{
	struct fake_sock *s = get(fd);

	if (!s)
		return set_err(EBADF);
	assert_int_equal(how, SHUT_WR);
	s->shut_wr = true;
	if (s->fin_on_shut)
		s->eof = true;
	return 0;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct fake_sock *s = get(fd);
	size_t n;

	(void)flags;
	if (!s)
		return set_err(EBADF);
	s->recv_calls++;
	if (s->reset)
		return set_err(ECONNRESET);
	n = s->in_len - s->in_off;
	if (!n)
		return s->eof ? 0 : set_err(EAGAIN);
	n = n < len ? n : len;
	memcpy(buf, s->in + s->in_off, n);
	s->in_off += n;
	return (ssize_t)n;
}

/* The scripted sockets keep no error queue: no zero-copy completion is
 * ever waiting. Data is read with recv here. */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	(void)msg;
	if (!get(fd))
		return set_err(EBADF);
	if (!(flags & MSG_ERRQUEUE))
		fail_msg("recvmsg without MSG_ERRQUEUE on fd %d", fd);
	return set_err(EAGAIN);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct fake_sock *s = get(fd);
	size_t n;

	(void)flags;
	if (!s)
		return set_err(EBADF);
	s->send_calls++;
	if (s->reset)
		return set_err(ECONNRESET);
	if (s->shut_wr)
		return set_err(EPIPE);
	n = len < s->room ? len : s->room;
	if (!n)
		return set_err(EAGAIN);
	s->out = realloc(s->out, s->out_len + n);
	assert_non_null(s->out);
	memcpy(s->out + s->out_len, buf, n);
	s->out_len += n;
	if (s->room != SIZE_MAX)
		s->room -= n;
	return (ssize_t)n;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src, socklen_t *slen)
{
	(void)src;
	(void)slen;
	return recv(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
	       socklen_t dlen)
{
	(void)dest;
	(void)dlen;
	return send(fd, buf, len, flags);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct fake_sock *s = get(fd);

	if (!s)
		return set_err(EBADF);
	assert_int_equal(len, sizeof(int));
	if (level == IPPROTO_TCP && name == TCP_NODELAY)
		s->nodelay = *(const int *)val;
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct fake_sock *s = get(fd);

	if (!s)
		return set_err(EBADF);
	assert_int_equal(level, SOL_SOCKET);
	assert_int_equal(name, SO_ERROR);
	assert_int_equal(*len, sizeof(int));
	/* As Linux's sock_error: the pending error, once. */
	*(int *)val = s->connect_err ? s->connect_err : s->reset && !s->err_taken ? ECONNRESET : 0;
	s->err_taken |= s->reset;
	s->connect_err = 0;
	return 0;
}

int sock_fd_close(int fd)
{
	struct fake_sock *s = get(fd);

	if (!s)
		return set_err(EBADF);
	s->closed = true;
	return 0;
}

static short revents_of(const struct fake_sock *s, short events)
{
	short r = 0;

	if (s->listening)
		return (short)(s->queued || s->accept_err ? POLLIN & events : 0);
	if (s->in_off < s->in_len || s->eof || s->reset)
		r |= POLLIN;
	if (s->room && !s->shut_wr)
		r |= POLLOUT;
	r &= events;
	if ((s->reset && !s->err_taken) || s->connect_err)
		r |= POLLERR;
	if (s->reset || (s->eof && s->shut_wr))
		r |= POLLHUP;
	return r;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	int ready = 0;

	fake_poll_calls++;
	if (fake_poll_hook)
		fake_poll_hook(fds, nfds);
	fake_poll_last_timeout = timeout_ms;
	fake_poll_last_nfds = nfds;
	for (nfds_t i = 0; i < nfds; i++) {
		struct fake_sock *s;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		s = get(fds[i].fd);
		fds[i].revents = s ? revents_of(s, fds[i].events) : POLLNVAL;
		ready += fds[i].revents != 0;
	}
	if (!ready && timeout_ms != 0)
		fake_poll_waits++;
	return ready;
}

/* ---- the kernel around them ------------------------------------------------- */

uint64_t jiffies(void)
{
	return fake_jiffies;
}

void msleep(uint64_t ms)
{
	fake_jiffies += ms;
}

uint64_t ktime_get_ns(void)
{
	return fake_jiffies * NSEC_PER_MSEC;
}


struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, int bucket)
{
	(void)name;
	(void)fn;
	(void)bucket;
	assert_true(threads < 8);
	thread_args[threads++] = arg;
	return &fake_thread;
}

void *fake_thread_arg(int i)
{
	return i < threads ? thread_args[i] : NULL;
}

void thread_yield(void)
{
}

void *kmalloc(size_t size)
{
	return malloc(size);
}

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}
