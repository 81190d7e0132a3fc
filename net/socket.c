/* The BSD socket calls (the article's "send / sendto syscall" step): find the
 * socket behind a descriptor, check the arguments as Linux does, and call the
 * protocol's struct proto method. Also the socket's memory accounting and the
 * waits every protocol's blocking calls share, and `ss`.
 *
 * A descriptor names a struct socket_file, which wraps the protocol's struct
 * sock and counts its users: the descriptor table holds one reference and
 * every call in progress another, so a close from one thread while another
 * sleeps in recv does not free the socket under the sleeper. The last
 * reference closes the protocol side; the memory goes when, in addition, no
 * sent skb still charges the socket (sk_wmem_alloc). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/ip_hdr.h"
#include "net/skbuff.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/udp.h"

int sysctl_rmem_default = 212992;
int sysctl_wmem_default = 212992;
int sysctl_rmem_max = 212992;
int sysctl_wmem_max = 212992;
SYSCTL_INT("net.core.rmem_default", sysctl_rmem_default, 2304, INT_MAX / 2);
SYSCTL_INT("net.core.wmem_default", sysctl_wmem_default, 4608, INT_MAX / 2);
SYSCTL_INT("net.core.rmem_max", sysctl_rmem_max, 2304, INT_MAX / 2);
SYSCTL_INT("net.core.wmem_max", sysctl_wmem_max, 4608, INT_MAX / 2);

/* Linux's SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF: room for one small packet. */
#define SOCK_MIN_RCVBUF 2304u
#define SOCK_MIN_SNDBUF 4608u

struct socket_file {
	struct sock sk;
	uint32_t refs;		/* the descriptor table's + calls in progress */
	int fd;
};

/* Which protocol serves which (type, protocol) pair (Linux's inetsw). TCP adds
 * its SOCK_STREAM row. */
static const struct inet_protosw {
	int type;
	int protocol;
	const struct proto *prot;
} inetsw[] = {
	{ SOCK_DGRAM, IPPROTO_UDP, &udp_prot },
};

static struct socket_file *sock_fds[SOCK_MAX];

static int set_errno(int err)
{
	errno = err;
	return -1;
}

/* ---- memory accounting -------------------------------------------------------- */

uint32_t skb_charge(const struct sk_buff *skb)
{
	return skb->truesize ? skb->truesize : (uint32_t)sizeof(*skb) + skb->end;
}

static void sk_free(struct sock *sk)
{
	kfree(container_of(sk, struct socket_file, sk));
}

/* The two charges change from process context and from softirqs, so each
 * change is one atomic add (Linux's atomic_t sk_rmem_alloc, refcount
 * sk_wmem_alloc): nothing comes between its read and its write, and it
 * needs no interrupts-off section. */
static void sock_rfree(struct sk_buff *skb)
{
	__atomic_fetch_sub(&skb->sk->sk_rmem_alloc, skb_charge(skb), __ATOMIC_RELAXED);
}

/* Runs where the skb is freed: TX completion in NET_RX, a qdisc drop, or the
 * sender itself when ip_queue_xmit fails. The last charge of a closed socket
 * frees it: sockfd_put marks it dead and looks at the charge with bottom
 * halves off, so it sees either this release or none of it; and a sender
 * releasing its own skb holds a reference, so the socket is not dead. */
static void sock_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	uint32_t left = __atomic_sub_fetch(&sk->sk_wmem_alloc, skb_charge(skb), __ATOMIC_ACQ_REL);

	if (!left && (READ_ONCE(sk->sk_flags) & SOCK_DEAD))
		sk_free(sk);
	else
		wake_up(&sk->sk_wq);
}

void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	skb->sk = sk;
	skb->destructor = sock_rfree;
	__atomic_fetch_add(&sk->sk_rmem_alloc, skb_charge(skb), __ATOMIC_RELAXED);
}

void skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
	skb->sk = sk;
	skb->destructor = sock_wfree;
	__atomic_fetch_add(&sk->sk_wmem_alloc, skb_charge(skb), __ATOMIC_RELAXED);
}

bool sock_rmem_room(const struct sock *sk, uint32_t truesize)
{
	return skb_queue_empty(&sk->sk_receive_queue) ||
	       (uint64_t)sk->sk_rmem_alloc + truesize <= sk->sk_rcvbuf;
}

int sock_error(struct sock *sk)
{
	unsigned long flags;
	int err;

	if (likely(!READ_ONCE(sk->sk_err)))
		return 0;
	flags = local_irq_save();
	err = sk->sk_err;
	sk->sk_err = 0;
	local_irq_restore(flags);
	return -err;
}

/* ---- waits ------------------------------------------------------------------- */

int sk_wait_data(struct sock *sk, bool nonblock)
{
	int rc;

	if (nonblock)
		return skb_queue_empty(&sk->sk_receive_queue) && !sk->sk_err && !sk->shutdown_rd ?
		       -EAGAIN : 0;
	rc = wait_event_interruptible(sk->sk_wq, !skb_queue_empty(&sk->sk_receive_queue) ||
				      READ_ONCE(sk->sk_err) || READ_ONCE(sk->shutdown_rd));
	return rc;
}

static bool sk_wmem_fits(const struct sock *sk, uint32_t truesize)
{
	uint32_t used = READ_ONCE(sk->sk_wmem_alloc);

	return used == 0 || (uint64_t)used + truesize <= sk->sk_sndbuf;
}

int sk_wait_wmem(struct sock *sk, uint32_t truesize, bool nonblock)
{
	if (sk_wmem_fits(sk, truesize))
		return 0;
	if (nonblock)
		return -EAGAIN;
	return wait_event_interruptible(sk->sk_wq, sk_wmem_fits(sk, truesize) ||
					READ_ONCE(sk->sk_err) || READ_ONCE(sk->shutdown_wr));
}

/* ---- descriptors --------------------------------------------------------------- */

static struct socket_file *sockfd_get(int fd)
{
	struct socket_file *sf;

	if (fd < SOCK_FD_BASE || fd >= SOCK_FD_BASE + SOCK_MAX)
		return NULL;
	sf = sock_fds[fd - SOCK_FD_BASE];
	if (sf)
		sf->refs++;
	return sf;
}

/* Drops one reference; the last closes the protocol side and frees the socket
 * once no sent skb charges it any more. */
static void sockfd_put(struct socket_file *sf)
{
	struct sock *sk = &sf->sk;
	bool free_now;

	if (--sf->refs)
		return;
	sk->sk_prot->close(sk);
	local_bh_disable();
	sk->sk_flags |= SOCK_DEAD;
	free_now = READ_ONCE(sk->sk_wmem_alloc) == 0;
	local_bh_enable();
	if (free_now)
		sk_free(sk);
}

bool sock_fd_is_socket(int fd)
{
	return fd >= SOCK_FD_BASE && fd < SOCK_FD_BASE + SOCK_MAX && sock_fds[fd - SOCK_FD_BASE];
}

int socket(int domain, int type, int protocol)
{
	const struct inet_protosw *sw = NULL;
	int base = type & SOCK_TYPE_MASK;
	struct socket_file *sf;
	struct sock *sk;
	int slot;

	if (domain != AF_INET)
		return set_errno(EAFNOSUPPORT);
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK))
		return set_errno(EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(inetsw); i++)
		if (inetsw[i].type == base && (!protocol || protocol == inetsw[i].protocol))
			sw = &inetsw[i];
	if (!sw)
		return set_errno(EPROTONOSUPPORT);	/* SOCK_STREAM until TCP lands */
	for (slot = 0; slot < SOCK_MAX && sock_fds[slot]; slot++)
		;
	if (slot == SOCK_MAX)
		return set_errno(EMFILE);
	sf = kzalloc(sizeof(*sf));
	if (!sf)
		return set_errno(ENOBUFS);
	sk = &sf->sk;
	sk->sk_family = AF_INET;
	sk->sk_type = (uint16_t)base;
	sk->sk_protocol = (uint16_t)sw->protocol;
	sk->sk_prot = sw->prot;
	sk->sk_flags = (type & SOCK_NONBLOCK) ? SOCK_NONBLOCK_F : 0;
	sk->sk_rcvbuf = (uint32_t)sysctl_rmem_default;
	sk->sk_sndbuf = (uint32_t)sysctl_wmem_default;
	sk->sk_tx_queue_mapping = -1;
	skb_queue_head_init(&sk->sk_receive_queue);
	init_waitqueue_head(&sk->sk_wq);
	sf->refs = 1;
	sf->fd = SOCK_FD_BASE + slot;
	sock_fds[slot] = sf;
	return sf->fd;
}

int sock_fd_close(int fd)
{
	struct socket_file *sf = sockfd_get(fd);
	struct sock *sk;

	if (!sf)
		return set_errno(EBADF);
	sk = &sf->sk;
	sock_fds[fd - SOCK_FD_BASE] = NULL;
	/* Whoever sleeps on it now returns (no data, or EPIPE on send). */
	local_bh_disable();
	sk->shutdown_rd = true;
	sk->shutdown_wr = true;
	local_bh_enable();
	wake_up(&sk->sk_wq);
	sf->refs--;		/* the table's reference */
	sockfd_put(sf);		/* ours */
	return 0;
}

/* ---- addresses ----------------------------------------------------------------- */

static int sockaddr_get(const struct sockaddr *addr, socklen_t len, bool unspec_ok,
			be32 *a, be16 *port, bool *unspec)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	*unspec = false;
	if (!addr)
		return -EFAULT;
	if (len >= sizeof(sa_family_t) && unspec_ok && addr->sa_family == AF_UNSPEC) {
		*unspec = true;
		return 0;
	}
	if (len < sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*a = sin->sin_addr.s_addr;
	*port = sin->sin_port;
	return 0;
}

static void sockaddr_put(struct sockaddr *addr, socklen_t *len, be32 a, be16 port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = port, .sin_addr = { a } };

	if (!addr || !len)
		return;
	/* As Linux: truncated to the caller's room, the full length reported. */
	memcpy(addr, &sin, MIN((size_t)*len, sizeof(sin)));
	*len = sizeof(sin);
}

/* Every call below: the socket, or -1 with EBADF. From here to sock_return
 * the caller's time is sys (the article's "sy"). */
#define SOCKFD_OR_FAIL(sf, fd)				\
	struct socket_file *sf = sockfd_get(fd);	\
	if (!sf)					\
		return set_errno(EBADF);		\
	syscall_enter()

static int sock_return(struct socket_file *sf, int rc)
{
	sockfd_put(sf);
	syscall_exit();
	return rc < 0 ? set_errno(-rc) : rc;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	SOCKFD_OR_FAIL(sf, fd);
	be32 a = 0;
	be16 port = 0;
	bool unspec;
	int rc = sockaddr_get(addr, len, false, &a, &port, &unspec);

	if (!rc)
		rc = sf->sk.sk_prot->bind(&sf->sk, a, port);
	return sock_return(sf, rc);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	SOCKFD_OR_FAIL(sf, fd);
	be32 a = 0;
	be16 port = 0;
	bool unspec;
	int rc = sockaddr_get(addr, len, true, &a, &port, &unspec);

	if (!rc && !unspec && !a && !port)
		rc = -EINVAL;	/* 0.0.0.0:0 is not a peer; AF_UNSPEC dissolves */
	if (!rc)
		rc = sf->sk.sk_prot->connect(&sf->sk, unspec ? 0 : a, unspec ? 0 : port);
	return sock_return(sf, rc);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *dest, socklen_t dlen)
{
	SOCKFD_OR_FAIL(sf, fd);
	be32 a = 0;
	be16 port = 0;
	bool unspec = false;
	int rc = 0;

	if (sf->sk.shutdown_wr)
		rc = -EPIPE;
	else if (!buf && len)
		rc = -EFAULT;
	else if (dest)
		rc = sockaddr_get(dest, dlen, false, &a, &port, &unspec);
	if (!rc)
		rc = sf->sk.sk_prot->sendmsg(&sf->sk, buf, len, flags, a, port, dest != NULL);
	return sock_return(sf, rc);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *src, socklen_t *slen)
{
	SOCKFD_OR_FAIL(sf, fd);
	be32 a = 0;
	be16 port = 0;
	int rc;

	if (!buf && len) {
		rc = -EFAULT;
	} else {
		rc = sf->sk.sk_prot->recvmsg(&sf->sk, buf, len, flags, &a, &port);
		if (rc >= 0)
			sockaddr_put(src, slen, a, port);
	}
	return sock_return(sf, rc);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t sock_fd_read(int fd, void *buf, size_t len)
{
	return recv(fd, buf, len, 0);
}

ssize_t sock_fd_write(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, 0);
}

int sock_fd_fcntl(int fd, int cmd, long arg)
{
	SOCKFD_OR_FAIL(sf, fd);
	int rc;

	switch (cmd) {
	case F_GETFL:
		rc = O_RDWR | ((sf->sk.sk_flags & SOCK_NONBLOCK_F) ? O_NONBLOCK : 0);
		break;
	case F_SETFL:
		if (arg & O_NONBLOCK)
			sf->sk.sk_flags |= SOCK_NONBLOCK_F;
		else
			sf->sk.sk_flags &= ~SOCK_NONBLOCK_F;
		rc = 0;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	return sock_return(sf, rc);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	SOCKFD_OR_FAIL(sf, fd);

	sockaddr_put(addr, len, sf->sk.inet_rcv_saddr, sf->sk.inet_sport);
	return sock_return(sf, addr && len ? 0 : -EFAULT);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	SOCKFD_OR_FAIL(sf, fd);
	int rc = sf->sk.connected ? 0 : -ENOTCONN;

	if (!rc)
		sockaddr_put(addr, len, sf->sk.inet_daddr, sf->sk.inet_dport);
	return sock_return(sf, rc);
}

/* ---- options ----------------------------------------------------------------- */

/* Linux's sock_setsockopt for the buffer sizes: capped by the sysctl maximum,
 * then doubled (the kernel's bookkeeping overhead), with a floor. */
static uint32_t sock_buf_size(int val, int max, uint32_t floor)
{
	uint64_t v = (uint64_t)MIN(MAX(val, 0), max) * 2;

	return (uint32_t)MAX(v, (uint64_t)floor);
}

static void sock_flag_set(struct sock *sk, uint32_t flag, int on)
{
	if (on)
		sk->sk_flags |= flag;
	else
		sk->sk_flags &= ~flag;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk;
	int v, rc = 0;

	if (!val || len < sizeof(int))
		return sock_return(sf, -EINVAL);
	memcpy(&v, val, sizeof(v));
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: sock_flag_set(sk, SOCK_REUSEADDR, v); break;
		case SO_BROADCAST: sock_flag_set(sk, SOCK_BROADCAST, v); break;
		case SO_RCVBUF:
			sk->sk_rcvbuf = sock_buf_size(v, sysctl_rmem_max, SOCK_MIN_RCVBUF);
			break;
		case SO_SNDBUF:
			sk->sk_sndbuf = sock_buf_size(v, sysctl_wmem_max, SOCK_MIN_SNDBUF);
			wake_up(&sk->sk_wq);
			break;
		default: rc = -ENOPROTOOPT; break;
		}
	} else if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL:
			/* -1: back to the default, as Linux. */
			if (v < -1 || v == 0 || v > 255)
				rc = -EINVAL;
			else
				sk->ttl = (uint8_t)(v == -1 ? 0 : v);
			break;
		case IP_TOS: sk->tos = (uint8_t)v; break;
		default: rc = -ENOPROTOOPT; break;
		}
	} else {
		rc = -ENOPROTOOPT;
	}
	return sock_return(sf, rc);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk;
	int v = 0, rc = 0;

	if (!val || !len)
		return sock_return(sf, -EFAULT);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR: v = !!(sk->sk_flags & SOCK_REUSEADDR); break;
		case SO_BROADCAST: v = !!(sk->sk_flags & SOCK_BROADCAST); break;
		case SO_RCVBUF: v = (int)sk->sk_rcvbuf; break;
		case SO_SNDBUF: v = (int)sk->sk_sndbuf; break;
		case SO_TYPE: v = sk->sk_type; break;
		case SO_ERROR: v = -sock_error(sk); break;
		default: rc = -ENOPROTOOPT; break;
		}
	} else if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL: v = sk->ttl ? sk->ttl : IPDEFTTL; break;
		case IP_TOS: v = sk->tos; break;
		default: rc = -ENOPROTOOPT; break;
		}
	} else {
		rc = -ENOPROTOOPT;
	}
	if (!rc) {
		/* Linux copies min(len, sizeof(int)) and reports that length. */
		socklen_t n = MIN(*len, (socklen_t)sizeof(v));

		memcpy(val, &v, n);
		*len = n;
	}
	return sock_return(sf, rc);
}

/* ---- poll -------------------------------------------------------------------- */

/* Fills revents for every entry; interrupts or bottom halves off, so no
 * softirq changes a socket half-way. Descriptors outside the socket table
 * are POLLNVAL, negative ones ignored, as POSIX says. */
static int poll_scan(struct pollfd *fds, nfds_t nfds, struct socket_file **sfs)
{
	int ready = 0;

	for (nfds_t i = 0; i < nfds; i++) {
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!sfs[i]) {
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		mask = sfs[i]->sk.sk_prot->poll(&sfs[i]->sk);
		/* POLLERR, POLLHUP and POLLNVAL are reported unasked. */
		mask &= (unsigned int)fds[i].events | POLLERR | POLLHUP;
		fds[i].revents = (short)mask;
		if (mask)
			ready++;
	}
	return ready;
}

#define POLL_MAX_FDS (SOCK_FD_BASE + SOCK_MAX)

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct socket_file *sfs[POLL_MAX_FDS];
	struct wait_queue_entry w[POLL_MAX_FDS];
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX :
			    ktime_get_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
	int ready, rc = 0;

	if (nfds > POLL_MAX_FDS || (!fds && nfds))
		return set_errno(EINVAL);
	syscall_enter();
	for (nfds_t i = 0; i < nfds; i++) {
		sfs[i] = fds[i].fd >= 0 ? sockfd_get(fds[i].fd) : NULL;
		w[i].thread = NULL;
	}
	local_bh_disable();
	ready = poll_scan(fds, nfds, sfs);
	local_bh_enable();
	/* Each pass sleeps until a socket's wait queue is woken, the deadline or
	 * Ctrl-C; the queues are joined before the last look, so a wake-up
	 * between that look and the sleep is not lost. */
	while (!ready && timeout_ms != 0) {
		for (nfds_t i = 0; i < nfds; i++)
			if (sfs[i])
				prepare_to_wait(&sfs[i]->sk.sk_wq, &w[i]);
		local_irq_disable();	/* also when no queue was joined */
		ready = poll_scan(fds, nfds, sfs);
		if (ready) {
			local_irq_enable();
		} else {
			wait_set_wchan(__func__);
			rc = wait_sleep_irqoff(deadline, true);
		}
		for (nfds_t i = 0; i < nfds; i++)
			if (sfs[i])
				finish_wait(&sfs[i]->sk.sk_wq, &w[i]);
		if (ready || rc)
			break;
		local_bh_disable();
		ready = poll_scan(fds, nfds, sfs);
		local_bh_enable();
	}
	for (nfds_t i = 0; i < nfds; i++)
		if (sfs[i])
			sockfd_put(sfs[i]);
	syscall_exit();
	if (!ready && rc && rc != -ETIMEDOUT)
		return set_errno(-rc);
	return ready;
}

/* ---- text addresses ---------------------------------------------------------- */

int inet_pton(int af, const char *src, void *dst)
{
	uint32_t a = 0;
	int parts = 0;
	const char *p = src;

	if (af != AF_INET)
		return set_errno(EAFNOSUPPORT);
	/* Four decimal parts 0..255, no leading zeros (inet_pton(3) form). */
	while (parts < 4) {
		unsigned int v = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255 || (digits > 1 && p[-(int)digits] == '0'))
			return 0;
		a = a << 8 | v;
		if (++parts < 4 && *p++ != '.')
			return 0;
	}
	if (*p)
		return 0;
	a = htonl(a);
	memcpy(dst, &a, sizeof(a));
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const uint8_t *b = src;
	char tmp[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, (size_t)n + 1);
	return dst;
}

/* ---- ss ---------------------------------------------------------------------- */

static void ss_addr(char *out, size_t n, be32 a, be16 port, bool any_port)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (any_port)
		snprintf(out, n, "%s:*", ip);
	else
		snprintf(out, n, "%s:%u", ip, ntohs(port));
}

/* `ss -uan`: State Recv-Q Send-Q Local Address:Port Peer Address:Port, with
 * Linux's UNCONN (unconnected datagram socket) and ESTAB. Without -a (or -l)
 * only connected sockets, as ss does. */
static int cmd_ss(int argc, char **argv)
{
	bool all = false, listening = false;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			kprintf("usage: ss [-uanl]\n");
			return -1;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'a')
				all = true;
			else if (*c == 'l')
				listening = true;
			else if (*c != 'u' && *c != 'n') {
				kprintf("ss: unknown option -%c (known: -u -a -n -l)\n", *c);
				return -1;
			}
		}
	}
	kprintf("%-8s %-8s %-8s %-24s %-24s\n", "State", "Recv-Q", "Send-Q",
		"Local Address:Port", "Peer Address:Port");
	for (int i = 0; i < SOCK_MAX; i++) {
		const struct socket_file *sf = sock_fds[i];
		char local[32], peer[32];
		const struct sock *sk;

		if (!sf || sf->sk.sk_type != SOCK_DGRAM)
			continue;
		sk = &sf->sk;
		if (!(all || (listening ? !sk->connected : sk->connected)))
			continue;
		ss_addr(local, sizeof(local), sk->inet_rcv_saddr, sk->inet_sport, !sk->inet_sport);
		ss_addr(peer, sizeof(peer), sk->inet_daddr, sk->inet_dport, !sk->connected);
		kprintf("%-8s %-8u %-8u %-24s %-24s\n", sk->connected ? "ESTAB" : "UNCONN",
			sk->sk_rmem_alloc, sk->sk_wmem_alloc, local, peer);
	}
	return 0;
}
SHELL_COMMAND("ss", "[-uanl]: sockets (State Recv-Q Send-Q Local Peer)", cmd_ss);
