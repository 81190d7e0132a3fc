/* The BSD socket API for the applications, services and the shell (net/socket.c):
 * socket, bind, connect, sendto, recvfrom, send, recv, poll, setsockopt,
 * getsockopt, getsockname, getpeername, and close/read/write/fcntl on a socket
 * descriptor through libc/syscalls.c. Semantics and errno values are Linux's;
 * errno itself is newlib's (<errno.h>). Constants carry Linux's numbers, so a
 * reader can compare them with strace output.
 *
 * Descriptors: 0-2 are the console; sockets take SOCK_FD_BASE and up.
 *
 * Blocking calls sleep on the socket's wait queue (sk_wq) until the softirq
 * that changes its state wakes it, a deadline passes (poll) or Ctrl-C reaches
 * the calling thread (-1 with errno EINTR). */
#ifndef RINGOS_NET_SOCKET_H
#define RINGOS_NET_SOCKET_H

#include <sys/types.h>
#include "kernel/compiler.h"
#include "net/byteorder.h"

struct sock;
struct sk_buff;

typedef uint16_t sa_family_t;
typedef uint32_t socklen_t;
typedef unsigned long nfds_t;

#define AF_UNSPEC 0
#define AF_INET   2
#define PF_INET   AF_INET

#define SOCK_STREAM   1
#define SOCK_DGRAM    2
#define SOCK_TYPE_MASK 0xF
#define SOCK_NONBLOCK 04000	/* or'ed into socket()'s type, as Linux */

/* Levels and options (asm-generic/socket.h numbering). */
#define SOL_SOCKET   1
#define SO_REUSEADDR 2
#define SO_TYPE      3
#define SO_ERROR     4
#define SO_BROADCAST 6
#define SO_SNDBUF    7
#define SO_RCVBUF    8
#define SO_KEEPALIVE 9
#define SO_LINGER    13
#define SO_RCVTIMEO  20
#define SO_SNDTIMEO  21
#define SO_ZEROCOPY  60	/* MSG_ZEROCOPY honoured (net/sock_zerocopy.h); TCP only */

struct linger {
	int l_onoff;
	int l_linger;	/* seconds */
};

#define IPPROTO_IP 0
#define SOL_IP     0
#define IP_TOS     1
#define IP_TTL     2
#define IP_RECVERR 11	/* the control message type of an error-queue entry */

/* IPPROTO_TCP options (linux/tcp.h numbering). */
#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_CORK      3
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6
#define TCP_INFO      11
#define TCP_CONGESTION 13

/* TCP_INFO, Linux's struct tcp_info layout and meanings (times in
 * microseconds unless named otherwise). */
struct tcp_info {
	uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes;
	uint8_t tcpi_backoff, tcpi_options;
	uint8_t tcpi_snd_rcv_wscale;	/* snd_wscale : 4, rcv_wscale : 4 */
	uint8_t tcpi_delivery_rate_app_limited;
	uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
	uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans, tcpi_fackets;
	uint32_t tcpi_last_data_sent, tcpi_last_ack_sent, tcpi_last_data_recv, tcpi_last_ack_recv;
	uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh;
	uint32_t tcpi_snd_cwnd, tcpi_advmss, tcpi_reordering;
	uint32_t tcpi_rcv_rtt, tcpi_rcv_space;
	uint32_t tcpi_total_retrans;
	uint64_t tcpi_pacing_rate, tcpi_max_pacing_rate;
	uint64_t tcpi_bytes_acked, tcpi_bytes_received;
	uint32_t tcpi_segs_out, tcpi_segs_in;
	uint32_t tcpi_notsent_bytes, tcpi_min_rtt;
	uint32_t tcpi_data_segs_in, tcpi_data_segs_out;
	uint64_t tcpi_delivery_rate;
	uint64_t tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited;
	uint32_t tcpi_delivered, tcpi_delivered_ce;
	uint64_t tcpi_bytes_sent, tcpi_bytes_retrans;
	uint32_t tcpi_dsack_dups, tcpi_reord_seen;
	uint32_t tcpi_rcv_ooopack, tcpi_snd_wnd;
};
#define TCPI_OPT_TIMESTAMPS 1
#define TCPI_OPT_SACK       2
#define TCPI_OPT_WSCALE     4

/* send/recv flags */
#define MSG_PEEK     0x02
#define MSG_TRUNC    0x20	/* recv: return the datagram's real length */
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL  0x100	/* recv: until len bytes, EOF, an error or a signal */
#define MSG_NOSIGNAL 0x4000	/* accepted; there are no signals for EPIPE */
#define MSG_MORE     0x8000	/* send: more follows (TCP_CORK for one call) */
#define MSG_CTRUNC   0x08	/* recvmsg: the control buffer was too short */
#define MSG_ERRQUEUE 0x2000	/* recvmsg: read the error queue (zero-copy completions) */
#define MSG_ZEROCOPY 0x4000000	/* send: from the caller's buffer, after SO_ZEROCOPY */

/* recvmsg's message: one data buffer at most (msg_iovlen 0 or 1), and
 * control messages (cmsghdr, Linux's x86_64 layout) after it. */
struct iovec {
	void *iov_base;
	size_t iov_len;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct cmsghdr {
	size_t cmsg_len;	/* header and data, unpadded */
	int cmsg_level;
	int cmsg_type;
};

#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_DATA(cm)   ((unsigned char *)((struct cmsghdr *)(cm) + 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len)   (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(m) \
	((m)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr *)(m)->msg_control : \
							   (struct cmsghdr *)NULL)
static inline struct cmsghdr *__cmsg_nxthdr(const struct msghdr *m, const struct cmsghdr *cm)
{
	const unsigned char *end = (const unsigned char *)m->msg_control + m->msg_controllen;
	const unsigned char *next = (const unsigned char *)cm + CMSG_ALIGN(cm->cmsg_len);

	if (cm->cmsg_len < sizeof(*cm) || next + sizeof(*cm) > end ||
	    next + CMSG_ALIGN(((const struct cmsghdr *)next)->cmsg_len) > end)
		return NULL;
	return (struct cmsghdr *)next;
}
#define CMSG_NXTHDR(m, cm) __cmsg_nxthdr((m), (cm))

/* An error-queue entry (linux/errqueue.h). */
struct sock_extended_err {
	uint32_t ee_errno;
	uint8_t ee_origin;
	uint8_t ee_type;
	uint8_t ee_code;
	uint8_t ee_pad;
	uint32_t ee_info;	/* zero-copy: first id of the range */
	uint32_t ee_data;	/* zero-copy: last id, inclusive */
};
#define SO_EE_ORIGIN_ZEROCOPY      5
#define SO_EE_CODE_ZEROCOPY_COPIED 1

/* shutdown() */
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

/* poll */
#define POLLIN   0x001
#define POLLPRI  0x002
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020

struct pollfd {
	int fd;
	short events;
	short revents;
};

#define INADDR_ANY       ((be32)0x00000000u)
#define INADDR_BROADCAST ((be32)0xFFFFFFFFu)
#define INADDR_LOOPBACK  HTONL_C(0x7F000001u)
#define INET_ADDRSTRLEN  16

struct in_addr {
	be32 s_addr;
};

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_in {
	sa_family_t sin_family;
	be16 sin_port;
	struct in_addr sin_addr;
	uint8_t sin_zero[8];
};
_Static_assert(sizeof(struct sockaddr_in) == sizeof(struct sockaddr), "sockaddr_in is 16 bytes");

#define SOCK_FD_BASE 3
#define SOCK_MAX     1024	/* open socket descriptors at once */
#define SOCK_CHILD_MAX 4096	/* sockets without a descriptor (TCP children, orphans) */

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
/* flags: SOCK_NONBLOCK. */
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int shutdown(int fd, int how);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *dest, socklen_t dlen);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *src, socklen_t *slen);
ssize_t recv(int fd, void *buf, size_t len, int flags);
/* recv with the source address in msg_name and, with MSG_ERRQUEUE, the
 * oldest error-queue entry (0 bytes, EAGAIN if none). EINVAL for more than
 * one iovec. */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
/* timeout_ms: -1 waits forever, 0 only looks. Returns how many entries have
 * revents set, 0 on timeout, -1 with errno (EINTR, EINVAL for more than
 * POLL_MAX_FDS entries, ENOMEM). */
#define POLL_MAX_FDS (SOCK_FD_BASE + SOCK_MAX)
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);

/* Text forms of IPv4 addresses (AF_INET only). inet_pton: 1, 0 for a
 * malformed string, -1 (EAFNOSUPPORT). inet_ntop: dst, or NULL (ENOSPC). */
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

/* What libc/syscalls.c calls for a descriptor at SOCK_FD_BASE or above:
 * close, read (recv without flags), write (send), fcntl F_GETFL / F_SETFL
 * with O_NONBLOCK. -1 and errno as the POSIX call; EBADF for no socket. */
bool sock_fd_is_socket(int fd);
int sock_fd_close(int fd);
ssize_t sock_fd_read(int fd, void *buf, size_t len);
ssize_t sock_fd_write(int fd, const void *buf, size_t len);
int sock_fd_fcntl(int fd, int cmd, long arg);

/* Receive- and send-side memory accounting (Linux's skb_set_owner_r/w): the
 * skb's truesize is charged to sk until the skb is freed. A socket closed
 * while its sent skbs are still in a queue or a TX ring is freed by the last
 * of their destructors. */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk);
void skb_set_owner_w(struct sk_buff *skb, struct sock *sk);
/* May a datagram of truesize bytes more be queued for sk? Within sk_rcvbuf,
 * or the queue is empty (one datagram always fits, as on Linux). */
bool sock_rmem_room(const struct sock *sk, uint32_t truesize);
/* The pending error as a negative errno, cleared (Linux's sock_error); 0 if none. */
int sock_error(struct sock *sk);
/* For the protocols' blocking calls, in process context with bottom halves
 * enabled. sk_wait_data: until the receive queue holds something, an error
 * is pending or reading was shut down. sk_wait_wmem: until truesize more
 * bytes fit in sk_sndbuf (or nothing is in flight). 0, or -EAGAIN when
 * nonblock, -EINTR on Ctrl-C. */
int sk_wait_data(struct sock *sk, bool nonblock);
int sk_wait_wmem(struct sock *sk, uint32_t truesize, bool nonblock);
/* The truesize an skb is charged at (struct + buffer). */
uint32_t skb_charge(const struct sk_buff *skb);

/* Socket buffer limits (net.core.rmem_default / wmem_default / rmem_max /
 * wmem_max; Linux's 212992 each). */
extern int sysctl_rmem_default, sysctl_wmem_default, sysctl_rmem_max, sysctl_wmem_max;
/* listen()'s backlog ceiling (net.core.somaxconn, Linux's 4096). */
extern int sysctl_somaxconn;

#endif
