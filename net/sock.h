/* struct sock: what every socket has, whatever its protocol (UDP here, TCP in
 * its own issue). The BSD calls in net/socket.c find the sock behind a file
 * descriptor and call its proto's methods; the protocols fill the receive queue
 * from softirq context and wake sk_wq.
 *
 * Locking: one CPU. Process-context socket calls run with bottom halves
 * disabled while they touch queues or state the receive softirq also touches
 * (lock_sock / release_sock here are local_bh_disable / local_bh_enable). */
#ifndef RINGOS_NET_SOCK_H
#define RINGOS_NET_SOCK_H

#include "kernel/wait.h"
#include "net/byteorder.h"
#include "net/route.h"
#include "net/skbuff.h"

struct sock;
struct msghdr;

struct proto {
	const char *name;
	/* Bytes of the protocol's socket object, struct sock at its start
	 * (TCP's struct tcp_sock); 0: a bare struct sock. */
	size_t obj_size;
	/* After socket() (or sk_alloc_child) set the generic fields; optional. */
	int (*init)(struct sock *sk);
	/* Stream sockets (optional: NULL gives EOPNOTSUPP). listen: 0 or
	 * -errno. accept: a child from the accept queue, or NULL with *err
	 * (-EAGAIN when nonblock, -EINVAL not listening, -EINTR). shutdown: how
	 * is SHUT_RD / SHUT_WR / SHUT_RDWR. */
	int (*listen)(struct sock *sk, int backlog);
	struct sock *(*accept)(struct sock *sk, bool nonblock, int *err);
	int (*shutdown)(struct sock *sk, int how);
	/* Options of the protocol's level (IPPROTO_TCP), and SOL_SOCKET ones
	 * it must know of (SO_KEEPALIVE, SO_LINGER, SO_RCVBUF): called after
	 * socket.c stored the generic value. Optional. */
	int (*setsockopt)(struct sock *sk, int level, int name, const void *val, uint32_t len);
	int (*getsockopt)(struct sock *sk, int level, int name, void *val, uint32_t *len);
	/* (getsockopt: val is socket.c's buffer, room for any value, *len its
	 * size; set *len to the value's size. socket.c copies to the caller
	 * what it has room for, as Linux's min(len, size).) */
	int (*bind)(struct sock *sk, be32 addr, be16 port);
	int (*connect)(struct sock *sk, be32 addr, be16 port);
	/* Return bytes sent or received, or a negative errno. */
	int (*sendmsg)(struct sock *sk, const void *buf, size_t len, int flags,
		       be32 daddr, be16 dport, bool has_dest);
	int (*recvmsg)(struct sock *sk, void *buf, size_t len, int flags,
		       be32 *saddr, be16 *sport);
	/* POLLIN/POLLOUT/POLLERR/POLLHUP bits now true (bottom halves off). */
	unsigned int (*poll)(struct sock *sk);
	void (*close)(struct sock *sk);
	/* An ICMP error about a packet this socket sent (net/protocol.h err_handler
	 * finds the socket; this stores it). */
	void (*err)(struct sock *sk, int err);
};

/* sk_flags */
#define SOCK_REUSEADDR  (1u << 0)
#define SOCK_BROADCAST  (1u << 1)
#define SOCK_NONBLOCK_F (1u << 2)	/* O_NONBLOCK on the descriptor */
#define SOCK_KEEPOPEN   (1u << 3)	/* SO_KEEPALIVE */
#define SOCK_LINGER     (1u << 4)	/* SO_LINGER on (sk_lingertime seconds) */
#define SOCK_ZEROCOPY   (1u << 5)	/* SO_ZEROCOPY: MSG_ZEROCOPY is honoured */
/* No descriptor refers to the socket (closed, or a child not yet accepted):
 * its memory goes when, in addition, no sent skb charges it and the
 * protocol does not hold it. */
#define SOCK_DEAD       (1u << 8)
/* The protocol still needs the socket after its descriptor closed (a TCP
 * connection finishing, a child waiting for accept); sk_proto_release
 * lets go. */
#define SOCK_PROTO_HELD (1u << 9)

struct sock {
	uint16_t sk_family, sk_type, sk_protocol;
	uint32_t sk_flags;
	const struct proto *sk_prot;

	/* The 4-tuple, network order; 0 where unbound or unconnected. */
	be32 inet_rcv_saddr;		/* bound local address */
	be32 inet_saddr;		/* source address in use */
	be32 inet_daddr;
	be16 inet_sport, inet_dport;
	bool connected;

	uint8_t ttl;			/* 0: sysctl default (64) */
	uint8_t tos;
	bool pmtudisc;			/* DF on, as Linux's IP_PMTUDISC_WANT for TCP */

	/* Route for inet_daddr, cached by ip_queue_xmit: valid while dst_valid and
	 * rt_genid has not moved (route or address changes) — see rt_valid(). */
	struct rtable sk_dst;
	bool dst_valid;
	/* TX queue picked for this flow, remembered so a flow stays on one queue
	 * (-1: not yet picked). */
	int sk_tx_queue_mapping;
	uint32_t sk_hash;		/* flow hash of the 4-tuple, 0: not computed */

	struct sk_buff_head sk_receive_queue;
	uint32_t sk_rcvbuf, sk_sndbuf;	/* bytes (SO_RCVBUF / SO_SNDBUF) */
	uint32_t sk_rmem_alloc;		/* truesize of the skbs on the receive queue */
	uint32_t sk_wmem_alloc;		/* truesize of sent skbs not yet freed */
	uint64_t sk_drops;		/* receive queue full */
	int sk_err;			/* pending error for the next call (SO_ERROR) */
	bool shutdown_rd, shutdown_wr;
	uint64_t sk_rcvtimeo_ns, sk_sndtimeo_ns;	/* SO_RCVTIMEO / SO_SNDTIMEO, 0: none */
	uint32_t sk_lingertime;		/* seconds, with SOCK_LINGER */

	/* MSG_ZEROCOPY (net/sock_zerocopy.h): the next call's id, completions
	 * waiting for recvmsg(MSG_ERRQUEUE) (interrupts off: completions come
	 * from wherever an skb is freed), and the optmem calls in flight and
	 * unread notifications take. */
	uint32_t sk_zckey;
	struct ubuf_info_msgzc *sk_error_head, *sk_error_tail;
	uint32_t sk_omem_alloc;

	struct wait_queue_head sk_wq;	/* readers and writers wait here */
	struct sock *hash_next;		/* protocol lookup table chain */
	void *proto_data;		/* protocol-private state */
};

/* For the protocols (net/socket.c). */
/* A new socket of parent's protocol without a descriptor (TCP's passive
 * open, from softirq): zeroed, generic fields as socket() sets them plus
 * parent's options (flags, buffers, ttl, tos, timeouts, linger), marked
 * SOCK_DEAD | SOCK_PROTO_HELD, prot->init called. NULL when out of memory
 * or the descriptor-less socket limit (SOCK_CHILD_MAX) is reached. */
struct sock *sk_alloc_child(const struct sock *parent);
/* accept: gives sk a descriptor (SOCK_NONBLOCK in flags: non-blocking);
 * the fd, or -EMFILE. sk stays SOCK_PROTO_HELD until the protocol lets go. */
int sock_attach_fd(struct sock *sk, int flags);
/* The protocol is done with sk: freed now, or by the last sent skb's
 * destructor, once no descriptor refers to it. */
void sk_proto_release(struct sock *sk);
/* Deadline (ktime ns) for a blocking call: now + timeout, or UINT64_MAX. */
uint64_t sock_timeo_deadline(uint64_t timeo_ns);
/* socket(AF_INET, type, protocol) is served by prot from now on (Linux's
 * inet_register_protosw; a protocol calls it from its init). protocol 0 in
 * socket() picks the first protocol registered for the type. 0, -EEXIST,
 * or -ENOSPC when the table is full. */
int inet_register_protosw(int type, int protocol, const struct proto *prot);
/* A charge on sk_wmem_alloc that is not an skb's (zero-copy state): it keeps
 * the socket alive as a sent skb does; the uncharge frees a dead socket
 * nobody holds, or wakes its waiters. */
void sock_wmem_charge(struct sock *sk, uint32_t bytes);
void sock_wmem_uncharge(struct sock *sk, uint32_t bytes);
/* Calls fn for every socket with a descriptor (ss), until fn returns false. */
void sock_for_each(bool (*fn)(const struct sock *sk, void *arg), void *arg);

#endif
