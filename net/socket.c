/* The BSD socket calls (the article's "send / sendto syscall" step): find the
 * socket behind a descriptor, check the arguments as Linux does, and call the
 * protocol's struct proto method. Also the socket's lifetime and memory
 * accounting, the waits every protocol's blocking calls share, and the
 * options. poll is in net/core/sock_poll.c, `ss` in net/core/sock_diag.c,
 * the text address forms in net/core/utils.c.
 *
 * A descriptor names a struct socket_file: a use count and the protocol's
 * socket object (struct sock first, obj_size bytes). The descriptor table
 * holds one reference and every call in progress another, so a close from
 * one thread while another sleeps in recv does not free the socket under the
 * sleeper. The last reference closes the protocol side and marks the socket
 * SOCK_DEAD; its memory goes by the one rule of sk_free_if_unused. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/ip_hdr.h"
#include "net/skbuff.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/socket_file.h"
#include "net/sock_zerocopy.h"
#include "net/udp.h"

int sysctl_rmem_default = 212992;
int sysctl_wmem_default = 212992;
int sysctl_rmem_max = 212992;
int sysctl_wmem_max = 212992;
int sysctl_somaxconn = 4096;
SYSCTL_INT("net.core.rmem_default", sysctl_rmem_default, 2304, INT_MAX / 2);
SYSCTL_INT("net.core.wmem_default", sysctl_wmem_default, 4608, INT_MAX / 2);
SYSCTL_INT("net.core.rmem_max", sysctl_rmem_max, 2304, INT_MAX / 2);
SYSCTL_INT("net.core.wmem_max", sysctl_wmem_max, 4608, INT_MAX / 2);
SYSCTL_INT("net.core.somaxconn", sysctl_somaxconn, 0, 65535);

/* Which protocol serves which (type, protocol) pair (Linux's inetsw): UDP's
 * row from the start, others from inet_register_protosw at their init. */
#define INETSW_MAX 4
static struct inet_protosw {
	int type;
	int protocol;
	const struct proto *prot;
} inetsw[INETSW_MAX] = {
	{ SOCK_DGRAM, IPPROTO_UDP, &udp_prot },
};

static struct socket_file *sock_fds[SOCK_MAX];
/* Sockets without a descriptor (SOCK_DEAD and not yet freed): unaccepted
 * children and closed sockets still held or charged. Bottom halves off. */
static unsigned int sock_nofd;

int inet_register_protosw(int type, int protocol, const struct proto *prot)
{
	for (size_t i = 0; i < ARRAY_SIZE(inetsw); i++) {
		if (inetsw[i].prot && inetsw[i].type == type && inetsw[i].protocol == protocol)
			return -EEXIST;
		if (!inetsw[i].prot) {
			inetsw[i] = (struct inet_protosw){ type, protocol, prot };
			return 0;
		}
	}
	return -ENOSPC;
}

/* ---- lifetime ------------------------------------------------------------------ */

/* The one rule for a socket's memory: no descriptor refers to it (SOCK_DEAD),
 * no sent skb charges it (sk_wmem_alloc) and its protocol does not hold it
 * (SOCK_PROTO_HELD). Each of the three changes — sockfd_put, sock_wfree,
 * sk_proto_release — calls this after its change in the same bottom-halves-
 * off section, so exactly one of them sees the last condition come true. */
static bool sk_free_if_unused(struct sock *sk)
{
	uint32_t f = READ_ONCE(sk->sk_flags);

	if ((f & (SOCK_DEAD | SOCK_PROTO_HELD)) != SOCK_DEAD || READ_ONCE(sk->sk_wmem_alloc))
		return false;
	sock_nofd--;
	kfree(sock_file(sk));
	return true;
}

void sk_proto_release(struct sock *sk)
{
	local_bh_disable();
	sk->sk_flags &= ~SOCK_PROTO_HELD;
	sk_free_if_unused(sk);
	local_bh_enable();
}

/* Zeroed memory for prot's object behind the use count; NULL when out of
 * memory. The generic fields are socket()'s defaults. */
static struct sock *sk_alloc(const struct proto *prot, int type, int protocol)
{
	size_t size = MAX(prot->obj_size, sizeof(struct sock));
	struct socket_file *sf = kzalloc(offsetof(struct socket_file, sk) + size);
	struct sock *sk;

	if (!sf)
		return NULL;
	sf->fd = -1;
	sk = &sf->sk;
	sk->sk_family = AF_INET;
	sk->sk_type = (uint16_t)type;
	sk->sk_protocol = (uint16_t)protocol;
	sk->sk_prot = prot;
	sk->sk_rcvbuf = (uint32_t)sysctl_rmem_default;
	sk->sk_sndbuf = (uint32_t)sysctl_wmem_default;
	sk->sk_tx_queue_mapping = -1;
	skb_queue_head_init(&sk->sk_receive_queue);
	init_waitqueue_head(&sk->sk_wq);
	return sk;
}

/* prot->init, when the protocol has one; on failure the object goes at once
 * (it was never visible to anyone). */
static int sk_proto_init(struct sock *sk)
{
	int rc = sk->sk_prot->init ? sk->sk_prot->init(sk) : 0;

	if (rc)
		kfree(sock_file(sk));
	return rc;
}

/* What a child takes over from its listener: the options, not the
 * descriptor's O_NONBLOCK (accept4's flags decide that) nor the lifetime bits. */
#define SOCK_INHERITED (SOCK_REUSEADDR | SOCK_BROADCAST | SOCK_KEEPOPEN | SOCK_LINGER)

struct sock *sk_alloc_child(const struct sock *parent)
{
	struct sock *sk;
	bool room;

	local_bh_disable();
	room = sock_nofd < SOCK_CHILD_MAX;
	if (room)
		sock_nofd++;	/* claimed now: a softirq cannot pass the limit meanwhile */
	local_bh_enable();
	if (!room)
		return NULL;
	sk = sk_alloc(parent->sk_prot, parent->sk_type, parent->sk_protocol);
	if (sk) {
		sk->sk_flags = (parent->sk_flags & SOCK_INHERITED) | SOCK_DEAD | SOCK_PROTO_HELD;
		sk->sk_rcvbuf = parent->sk_rcvbuf;
		sk->sk_sndbuf = parent->sk_sndbuf;
		sk->ttl = parent->ttl;
		sk->tos = parent->tos;
		sk->pmtudisc = parent->pmtudisc;
		sk->sk_rcvtimeo_ns = parent->sk_rcvtimeo_ns;
		sk->sk_sndtimeo_ns = parent->sk_sndtimeo_ns;
		sk->sk_lingertime = parent->sk_lingertime;
		if (sk_proto_init(sk))
			sk = NULL;
	}
	if (!sk) {
		local_bh_disable();
		sock_nofd--;
		local_bh_enable();
	}
	return sk;
}

/* ---- memory accounting -------------------------------------------------------- */

uint32_t skb_charge(const struct sk_buff *skb)
{
	return skb->truesize ? skb->truesize : (uint32_t)sizeof(*skb) + skb->end;
}

/* The two charges change from process context and from softirqs, so each
 * change is one atomic add (Linux's atomic_t sk_rmem_alloc, refcount
 * sk_wmem_alloc): nothing comes between its read and its write. */
static void sock_rfree(struct sk_buff *skb)
{
	__atomic_fetch_sub(&skb->sk->sk_rmem_alloc, skb_charge(skb), __ATOMIC_RELAXED);
}

/* Runs where the skb is freed: TX completion in NET_RX, a qdisc drop, or the
 * sender itself when ip_queue_xmit fails. The last charge of a dead socket
 * nobody holds frees it; otherwise writers waiting for room are woken. */
void sock_wmem_uncharge(struct sock *sk, uint32_t bytes)
{
	uint32_t left;

	local_bh_disable();
	left = __atomic_sub_fetch(&sk->sk_wmem_alloc, bytes, __ATOMIC_ACQ_REL);
	if (left || !sk_free_if_unused(sk))
		wake_up(&sk->sk_wq);
	local_bh_enable();
}

void sock_wmem_charge(struct sock *sk, uint32_t bytes)
{
	__atomic_fetch_add(&sk->sk_wmem_alloc, bytes, __ATOMIC_RELAXED);
}

static void sock_wfree(struct sk_buff *skb)
{
	sock_wmem_uncharge(skb->sk, skb_charge(skb));
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

uint64_t sock_timeo_deadline(uint64_t timeo_ns)
{
	uint64_t now;

	if (!timeo_ns)
		return UINT64_MAX;
	now = ktime_get_ns();
	return timeo_ns >= UINT64_MAX - now ? UINT64_MAX : now + timeo_ns;
}

/* SO_RCVTIMEO / SO_SNDTIMEO running out is EAGAIN, as on Linux. */
static int sock_wait_result(int rc)
{
	return rc == -ETIMEDOUT ? -EAGAIN : rc;
}

int sk_wait_data(struct sock *sk, bool nonblock)
{
	if (nonblock)
		return skb_queue_empty(&sk->sk_receive_queue) && !sk->sk_err && !sk->shutdown_rd ?
		       -EAGAIN : 0;
	return sock_wait_result(wait_event_interruptible_deadline(sk->sk_wq,
		!skb_queue_empty(&sk->sk_receive_queue) || READ_ONCE(sk->sk_err) ||
		READ_ONCE(sk->shutdown_rd), sock_timeo_deadline(sk->sk_rcvtimeo_ns)));
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
	return sock_wait_result(wait_event_interruptible_deadline(sk->sk_wq,
		sk_wmem_fits(sk, truesize) || READ_ONCE(sk->sk_err) || READ_ONCE(sk->shutdown_wr),
		sock_timeo_deadline(sk->sk_sndtimeo_ns)));
}

/* ---- descriptors --------------------------------------------------------------- */

struct socket_file *sockfd_get(int fd)
{
	struct socket_file *sf;

	if (fd < SOCK_FD_BASE || fd >= SOCK_FD_BASE + SOCK_MAX)
		return NULL;
	sf = sock_fds[fd - SOCK_FD_BASE];
	if (sf)
		sf->refs++;
	return sf;
}

/* Drops one reference; the last closes the protocol side and marks the
 * socket dead (the protocol's close may have taken a hold to finish). */
void sockfd_put(struct socket_file *sf)
{
	struct sock *sk = &sf->sk;

	if (--sf->refs)
		return;
	sk->sk_prot->close(sk);
	local_bh_disable();
	sk->sk_flags |= SOCK_DEAD;
	sock_nofd++;
	/* Nobody can read them now; their charges may have been the last. */
	sock_errqueue_purge(sk);
	sk_free_if_unused(sk);
	local_bh_enable();
}

int sock_set_errno(int err)
{
	errno = err;
	return -1;
}

int sock_return(struct socket_file *sf, int rc)
{
	sockfd_put(sf);
	syscall_exit();
	return rc < 0 ? sock_set_errno(-rc) : rc;
}

/* The lowest free slot (POSIX: the lowest free descriptor), or -1. */
static int sock_free_slot(void)
{
	for (int slot = 0; slot < SOCK_MAX; slot++)
		if (!sock_fds[slot])
			return slot;
	return -1;
}

static int sock_install(struct socket_file *sf, int slot)
{
	sf->refs = 1;
	sf->fd = SOCK_FD_BASE + slot;
	sock_fds[slot] = sf;
	return sf->fd;
}

int sock_attach_fd(struct sock *sk, int flags)
{
	int slot = sock_free_slot();

	if (!(sk->sk_flags & SOCK_DEAD))
		return -EINVAL;		/* it has a descriptor already */
	if (slot < 0)
		return -EMFILE;
	local_bh_disable();
	sk->sk_flags &= ~(SOCK_DEAD | SOCK_NONBLOCK_F);
	if (flags & SOCK_NONBLOCK)
		sk->sk_flags |= SOCK_NONBLOCK_F;
	sock_nofd--;
	local_bh_enable();
	return sock_install(sock_file(sk), slot);
}

bool sock_fd_is_socket(int fd)
{
	return fd >= SOCK_FD_BASE && fd < SOCK_FD_BASE + SOCK_MAX && sock_fds[fd - SOCK_FD_BASE];
}

void sock_for_each(bool (*fn)(const struct sock *sk, void *arg), void *arg)
{
	for (int i = 0; i < SOCK_MAX; i++)
		if (sock_fds[i] && !fn(&sock_fds[i]->sk, arg))
			return;
}

int socket(int domain, int type, int protocol)
{
	const struct inet_protosw *sw = NULL;
	int base = type & SOCK_TYPE_MASK;
	struct sock *sk;
	int slot, rc;

	if (domain != AF_INET)
		return sock_set_errno(EAFNOSUPPORT);
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK))
		return sock_set_errno(EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(inetsw) && !sw; i++)
		if (inetsw[i].prot && inetsw[i].type == base &&
		    (!protocol || protocol == inetsw[i].protocol))
			sw = &inetsw[i];
	if (!sw)
		return sock_set_errno(EPROTONOSUPPORT);
	slot = sock_free_slot();
	if (slot < 0)
		return sock_set_errno(EMFILE);
	sk = sk_alloc(sw->prot, base, sw->protocol);
	if (!sk)
		return sock_set_errno(ENOBUFS);
	if (type & SOCK_NONBLOCK)
		sk->sk_flags |= SOCK_NONBLOCK_F;
	rc = sk_proto_init(sk);
	if (rc)
		return sock_set_errno(-rc);
	return sock_install(sock_file(sk), slot);
}

/* A connection-oriented protocol (one that listens: TCP) decides in its
 * close what the end means — FIN after the queued data, RST for unread data
 * or SO_LINGER 0, lingering — so close leaves its shutdown state alone. */
static bool sk_is_connection(const struct sock *sk)
{
	return sk->sk_prot->listen != NULL;
}

int sock_fd_close(int fd)
{
	struct socket_file *sf = sockfd_get(fd);
	struct sock *sk;

	if (!sf)
		return sock_set_errno(EBADF);
	sk = &sf->sk;
	sock_fds[fd - SOCK_FD_BASE] = NULL;
	sf->fd = -1;
	/* A datagram socket's sleepers return now (no data, or EPIPE on send);
	 * a connection's sleepers re-check its state. */
	if (!sk_is_connection(sk)) {
		local_bh_disable();
		sk->shutdown_rd = true;
		sk->shutdown_wr = true;
		local_bh_enable();
	}
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

/* ---- calls ------------------------------------------------------------------- */

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

/* Blocking or not (EINPROGRESS, EALREADY) is the protocol's: it reads
 * SOCK_NONBLOCK_F. */
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

int listen(int fd, int backlog)
{
	SOCKFD_OR_FAIL(sf, fd);
	const struct proto *prot = sf->sk.sk_prot;

	/* As Linux: above net.core.somaxconn, or negative (taken unsigned), is
	 * somaxconn. */
	if ((unsigned int)backlog > (unsigned int)sysctl_somaxconn)
		backlog = sysctl_somaxconn;
	return sock_return(sf, prot->listen ? prot->listen(&sf->sk, backlog) : -EOPNOTSUPP);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk, *child;
	int err = -EINVAL, newfd;

	if (flags & ~SOCK_NONBLOCK)
		return sock_return(sf, -EINVAL);
	if (!sk->sk_prot->accept)
		return sock_return(sf, -EOPNOTSUPP);
	if (addr && !len)
		return sock_return(sf, -EFAULT);
	/* Linux takes the descriptor before the connection: a full table
	 * leaves the accept queue as it is. */
	if (sock_free_slot() < 0)
		return sock_return(sf, -EMFILE);
	child = sk->sk_prot->accept(sk, (sk->sk_flags & SOCK_NONBLOCK_F) != 0, &err);
	if (!child)
		return sock_return(sf, err);
	newfd = sock_attach_fd(child, flags);
	if (newfd < 0) {
		/* Other threads took the last descriptors while accept slept: the
		 * connection ends through its protocol, which lets go of it. */
		child->sk_prot->close(child);
		return sock_return(sf, newfd);
	}
	sockaddr_put(addr, len, child->inet_daddr, child->inet_dport);
	return sock_return(sf, newfd);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

/* Linux's inet_shutdown for a datagram socket: the directions are shut and
 * sleepers woken even when it is not connected — a way to wake a thread
 * blocked in recv — only the answer is then ENOTCONN. */
static int sock_dgram_shutdown(struct sock *sk, int how)
{
	local_bh_disable();
	if (how != SHUT_WR)
		sk->shutdown_rd = true;
	if (how != SHUT_RD)
		sk->shutdown_wr = true;
	local_bh_enable();
	wake_up(&sk->sk_wq);
	return sk->connected ? 0 : -ENOTCONN;
}

int shutdown(int fd, int how)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk;
	int rc;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		rc = -EINVAL;
	else if (sk->sk_prot->shutdown)
		rc = sk->sk_prot->shutdown(sk, how);
	else
		rc = sock_dgram_shutdown(sk, how);
	return sock_return(sf, rc);
}

/* flags (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE, ...) go to the protocol as
 * they are. */
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
	if (rc > 0)
		skb_count_app_bytes(true, (uint32_t)rc);
	return sock_return(sf, rc);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

/* flags (MSG_PEEK, MSG_WAITALL, MSG_TRUNC, ...) go to the protocol. */
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
		if (rc > 0 && !(flags & MSG_PEEK))
			skb_count_app_bytes(false, (uint32_t)rc);
		if (rc >= 0)
			sockaddr_put(src, slen, a, port);
	}
	return sock_return(sf, rc);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	socklen_t namelen;
	ssize_t rc;

	if (!msg || msg->msg_iovlen > 1 || (msg->msg_iovlen && !msg->msg_iov))
		return sock_set_errno(msg ? EINVAL : EFAULT);
	if (flags & MSG_ERRQUEUE) {
		SOCKFD_OR_FAIL(sf, fd);
		int err;

		local_bh_disable();
		err = sock_recv_errqueue(&sf->sk, msg);
		local_bh_enable();
		return sock_return(sf, err);
	}
	namelen = msg->msg_name ? msg->msg_namelen : 0;
	rc = recvfrom(fd, msg->msg_iovlen ? msg->msg_iov[0].iov_base : NULL,
		      msg->msg_iovlen ? msg->msg_iov[0].iov_len : 0, flags,
		      msg->msg_name, msg->msg_name ? &namelen : NULL);
	if (rc >= 0) {
		msg->msg_namelen = namelen;
		msg->msg_controllen = 0;
		msg->msg_flags = 0;
	}
	return rc;
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

/* Linux's SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF: room for one small packet. */
#define SOCK_MIN_RCVBUF 2304u
#define SOCK_MIN_SNDBUF 4608u

/* An option's value on its way in or out, as large as the largest any level
 * has (TCP_INFO). */
union sockopt_val {
	int i;
	struct linger ling;
	struct timeval tv;
	struct tcp_info info;
};

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

/* Linux's sock_set_timeout: tv_usec out of range is EDOM, {0, 0} waits
 * forever (0 here), a negative time does not wait at all (1 ns). */
static int sock_set_timeout(uint64_t *timeo_ns, const void *val, socklen_t len)
{
	struct timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0)
		*timeo_ns = 1;
	else if ((uint64_t)tv.tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1)
		*timeo_ns = UINT64_MAX;
	else
		*timeo_ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC + (uint64_t)tv.tv_usec * 1000u;
	return 0;
}

static struct timeval sock_get_timeout(uint64_t timeo_ns)
{
	return (struct timeval){ .tv_sec = (time_t)(timeo_ns / NSEC_PER_SEC),
				 .tv_usec = (suseconds_t)(timeo_ns % NSEC_PER_SEC / 1000u) };
}

static int sock_setsockopt(struct sock *sk, int name, const void *val, socklen_t len)
{
	struct linger ling;
	int v;

	if (name == SO_RCVTIMEO)
		return sock_set_timeout(&sk->sk_rcvtimeo_ns, val, len);
	if (name == SO_SNDTIMEO)
		return sock_set_timeout(&sk->sk_sndtimeo_ns, val, len);
	if (name == SO_LINGER) {
		if (len < sizeof(ling))
			return -EINVAL;
		memcpy(&ling, val, sizeof(ling));
		/* Off keeps the time, as Linux; a negative time lingers "forever". */
		if (ling.l_onoff)
			sk->sk_lingertime = ling.l_linger < 0 ? INT_MAX : (uint32_t)ling.l_linger;
		sock_flag_set(sk, SOCK_LINGER, ling.l_onoff);
		return 0;
	}
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_REUSEADDR: sock_flag_set(sk, SOCK_REUSEADDR, v); break;
	case SO_BROADCAST: sock_flag_set(sk, SOCK_BROADCAST, v); break;
	case SO_KEEPALIVE: sock_flag_set(sk, SOCK_KEEPOPEN, v); break;
	case SO_ZEROCOPY:
		/* Only TCP builds skbs from the caller's buffer here (Linux has
		 * UDP too). */
		if (sk->sk_type != SOCK_STREAM)
			return -EOPNOTSUPP;
		sock_flag_set(sk, SOCK_ZEROCOPY, v);
		break;
	case SO_RCVBUF:
		sk->sk_rcvbuf = sock_buf_size(v, sysctl_rmem_max, SOCK_MIN_RCVBUF);
		break;
	case SO_SNDBUF:
		sk->sk_sndbuf = sock_buf_size(v, sysctl_wmem_max, SOCK_MIN_SNDBUF);
		wake_up(&sk->sk_wq);
		break;
	default: return -ENOPROTOOPT;
	}
	return 0;
}

static int ip_setsockopt(struct sock *sk, int name, const void *val, socklen_t len)
{
	int v;

	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case IP_TTL:
		/* -1: back to the default, as Linux. */
		if (v < -1 || v == 0 || v > 255)
			return -EINVAL;
		sk->ttl = (uint8_t)(v == -1 ? 0 : v);
		return 0;
	case IP_TOS: sk->tos = (uint8_t)v; return 0;
	default: return -ENOPROTOOPT;
	}
}

/* SOL_SOCKET values are stored here, then shown to the protocol, which may
 * act on them (TCP arms keepalive, resizes its window) and need not know
 * them all (-ENOPROTOOPT from it is fine). The protocol's own level
 * (IPPROTO_TCP for TCP) is the protocol's alone. */
int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk;
	const struct proto *prot = sk->sk_prot;
	int rc;

	if (!val)
		rc = len ? -EFAULT : -EINVAL;
	else if (level == SOL_SOCKET) {
		rc = sock_setsockopt(sk, name, val, len);
		if (!rc && prot->setsockopt) {
			rc = prot->setsockopt(sk, level, name, val, len);
			if (rc == -ENOPROTOOPT)
				rc = 0;
		}
	} else if (level == IPPROTO_IP) {
		rc = ip_setsockopt(sk, name, val, len);
	} else if (level == sk->sk_protocol && prot->setsockopt) {
		rc = prot->setsockopt(sk, level, name, val, len);
	} else {
		rc = -ENOPROTOOPT;
	}
	return sock_return(sf, rc);
}

/* Fills *v and its size *n. */
static int sock_getsockopt(struct sock *sk, int name, union sockopt_val *v, uint32_t *n)
{
	*n = sizeof(int);
	switch (name) {
	case SO_REUSEADDR: v->i = !!(sk->sk_flags & SOCK_REUSEADDR); break;
	case SO_BROADCAST: v->i = !!(sk->sk_flags & SOCK_BROADCAST); break;
	case SO_KEEPALIVE: v->i = !!(sk->sk_flags & SOCK_KEEPOPEN); break;
	case SO_ZEROCOPY: v->i = !!(sk->sk_flags & SOCK_ZEROCOPY); break;
	case SO_RCVBUF: v->i = (int)sk->sk_rcvbuf; break;
	case SO_SNDBUF: v->i = (int)sk->sk_sndbuf; break;
	case SO_TYPE: v->i = sk->sk_type; break;
	case SO_ERROR: v->i = -sock_error(sk); break;
	case SO_LINGER:
		v->ling.l_onoff = !!(sk->sk_flags & SOCK_LINGER);
		v->ling.l_linger = (int)MIN(sk->sk_lingertime, (uint32_t)INT_MAX);
		*n = sizeof(v->ling);
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		v->tv = sock_get_timeout(name == SO_RCVTIMEO ? sk->sk_rcvtimeo_ns : sk->sk_sndtimeo_ns);
		*n = sizeof(v->tv);
		break;
	default: return -ENOPROTOOPT;
	}
	return 0;
}

/* Every level fills a kernel-side value of its own size; the caller gets as
 * much of it as it has room for and that length, as Linux copies
 * min(len, size) (an int or a struct tcp_info alike). */
int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	SOCKFD_OR_FAIL(sf, fd);
	struct sock *sk = &sf->sk;
	const struct proto *prot = sk->sk_prot;
	union sockopt_val v;
	uint32_t n = sizeof(v);
	int rc;

	if (!val || !len)
		return sock_return(sf, -EFAULT);
	memset(&v, 0, sizeof(v));
	if (level == SOL_SOCKET) {
		rc = sock_getsockopt(sk, name, &v, &n);
	} else if (level == IPPROTO_IP) {
		n = sizeof(int);
		if (name == IP_TTL)
			v.i = sk->ttl ? sk->ttl : IPDEFTTL;
		else if (name == IP_TOS)
			v.i = sk->tos;
		rc = name == IP_TTL || name == IP_TOS ? 0 : -ENOPROTOOPT;
	} else if (level == sk->sk_protocol && prot->getsockopt) {
		rc = prot->getsockopt(sk, level, name, &v, &n);
	} else {
		rc = -ENOPROTOOPT;
	}
	if (!rc) {
		n = MIN(MIN(n, (uint32_t)sizeof(v)), *len);
		memcpy(val, &v, n);
		*len = n;
	}
	return sock_return(sf, rc);
}
