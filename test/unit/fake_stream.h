/* A connection-oriented protocol for the socket-layer suite: what TCP
 * does at the struct proto boundary (a larger object with an init, listen,
 * an accept queue fed by sk_alloc_child, shutdown, options of its own
 * level, a close that may keep the socket held), with every call recorded,
 * and without any TCP behind it. Registered as SOCK_STREAM / IPPROTO_TCP. */
#ifndef RINGOS_TEST_FAKE_STREAM_H
#define RINGOS_TEST_FAKE_STREAM_H

#include "net/sock.h"
#include "net/socket.h"

#define FAKE_STREAM_QUEUE 8

struct fake_stream_sock {
	struct sock sk;			/* first, as tcp_sock */
	uint32_t magic;			/* set by init */
	bool listening, established;
	int backlog;
	struct sock *queue[FAKE_STREAM_QUEUE];	/* children waiting for accept */
	unsigned int qlen;
	bool close_keeps_hold;		/* close leaves SOCK_PROTO_HELD as it is (a FIN
					 * to finish); else close lets go */
	bool saw_shutdown_rd, saw_shutdown_wr;	/* sk's flags when close ran */
	int shut_how;			/* last shutdown how, -1 none */
	int last_send_flags, last_recv_flags;
	int nodelay;			/* TCP_NODELAY */
	int sol_name;			/* last SOL_SOCKET name shown to setsockopt */
	uint8_t tail[300];		/* makes the object larger than struct sock */
};
#define FAKE_STREAM_MAGIC 0x5354524du

extern const struct proto fake_stream_prot;
extern int fake_stream_init_rc;		/* init's answer (0) */
extern int fake_stream_setsockopt_rc;	/* answer to SOL_SOCKET names (-ENOPROTOOPT) */
extern unsigned int fake_stream_closes;	/* close calls */
extern struct fake_stream_sock *fake_stream_last;	/* the last socket init saw */

void fake_stream_reset(void);
static inline struct fake_stream_sock *fake_stream_sk(struct sock *sk)
{
	return (struct fake_stream_sock *)sk;
}
/* A blocking accept with an empty queue waits on the listener's sk_wq: the
 * suite's fake_sleep_hook plays the softirq that queues a child. */

/* A child of listener from peer:port, established and queued for accept;
 * NULL when sk_alloc_child refused. */
struct sock *fake_stream_child(struct fake_stream_sock *listener, be32 peer, uint16_t port);

#endif
