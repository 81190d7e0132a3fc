/* MSG_ZEROCOPY, as Linux defines it (Documentation/networking/msg_zerocopy):
 * after setsockopt(SO_ZEROCOPY, 1), send(fd, buf, len, MSG_ZEROCOPY) on a TCP
 * socket queues skbs whose frags point at buf instead of a copy of it. Each
 * such call gets the next id of the socket (0, 1, 2, ...); once no skb points
 * at its bytes any more (all were ACKed and left the TX ring), a notification
 * waits on the socket's error queue:
 *   recvmsg(fd, &msg, MSG_ERRQUEUE) -> 0, one SOL_IP / IP_RECVERR control
 *   message holding a struct sock_extended_err with ee_origin
 *   SO_EE_ORIGIN_ZEROCOPY, ee_info the first id and ee_data the last, both
 *   inclusive; ee_code SO_EE_CODE_ZEROCOPY_COPIED when the bytes were copied
 *   after all (the route's device has no scatter-gather, or the send was
 *   shorter than net.ipv4.tcp_zerocopy_min).
 * Consecutive completions with the same code merge into one range, so a
 * sender that reads late reads few notifications. Only then may the sender
 * reuse buf. poll() shows POLLERR while notifications wait.
 *
 * Each call's state (struct ubuf_info_msgzc) counts against the socket's
 * net.core.optmem_max, in flight or waiting to be read; past it, a send with
 * MSG_ZEROCOPY fails with ENOBUFS until the sender reads its error queue. It
 * also holds the socket (sk_wmem_alloc), so a completion from a TX ring after
 * close finds it still there. */
#ifndef RINGOS_NET_SOCK_ZEROCOPY_H
#define RINGOS_NET_SOCK_ZEROCOPY_H

#include "net/skbuff.h"

struct sock;
struct msghdr;

struct ubuf_info_msgzc {
	struct ubuf_info ubuf;		/* first: skbs point at this */
	struct ubuf_info_msgzc *next;	/* on the socket's error queue */
	struct sock *sk;
	uint32_t lo, hi;		/* ids covered, inclusive */
};

/* The charge of one call's state against optmem_max (Linux charges the
 * notification skb's truesize). */
#define MSG_ZC_CHARGE 256u

struct zerocopy_stats {
	uint64_t sends;			/* MSG_ZEROCOPY calls that took an id */
	uint64_t sends_copied;		/* of which copied from the start (small, no SG) */
	uint64_t completions;		/* ids completed */
	uint64_t completions_copied;	/* of which reported SO_EE_CODE_ZEROCOPY_COPIED */
	uint64_t merged;		/* notifications merged into the one before */
	uint64_t notifications_read;
	uint64_t dropped_dead;		/* completed after close: nobody to tell */
	uint64_t enobufs;		/* over optmem_max */
	uint64_t bytes_zerocopy;	/* bytes sent from the caller's buffer */
};

/* The state for one MSG_ZEROCOPY call on sk (bottom halves off): its id is
 * the socket's next; refcount 1, the caller's. NULL when optmem_max is
 * reached or memory is short (the caller fails with ENOBUFS). */
struct ubuf_info *msg_zerocopy_alloc(struct sock *sk);
/* The caller is done building skbs: sent false (nothing went out) takes the
 * id back with no notification, as Linux; else the caller's reference goes
 * and the notification follows the last skb's. */
void msg_zerocopy_put_abort(struct ubuf_info *u, bool sent);
/* recvmsg(MSG_ERRQUEUE): the oldest notification into msg's control buffer
 * (MSG_CTRUNC when it does not fit), 0; -EAGAIN when none waits. */
int sock_recv_errqueue(struct sock *sk, struct msghdr *msg);
/* Notifications waiting to be read. */
bool sock_errqueue_pending(const struct sock *sk);
/* At close, bottom halves off, SOCK_DEAD set: drops unread notifications
 * and their charges, without freeing the socket (the caller checks that). */
void sock_errqueue_purge(struct sock *sk);
void zerocopy_get_stats(struct zerocopy_stats *st);
/* For tcp_sendmsg: counted per byte placed in a frag. */
void zerocopy_count_bytes(uint32_t bytes);

extern int sysctl_optmem_max;

#endif
