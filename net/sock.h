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

	struct wait_queue_head sk_wq;	/* readers and writers wait here */
	struct sock *hash_next;		/* protocol lookup table chain */
	void *proto_data;		/* protocol-private state */
};

#endif
