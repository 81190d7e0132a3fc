/* A scripted BSD socket layer for the services and send suites: every
 * descriptor is a struct fake_sock the test fills (bytes the peer sent, room
 * in the send buffer, FIN, reset) and reads back (bytes sent, calls made).
 * poll() reports readiness from that state and never sleeps: with nothing
 * ready it counts a wait (fake_poll_waits) and returns 0, so a test sees a
 * loop that would spin as calls without waits. */
#ifndef RINGOS_TEST_FAKE_BSD_H
#define RINGOS_TEST_FAKE_BSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/socket.h"

#define FAKE_FD_MAX (SOCK_FD_BASE + SOCK_MAX + 16)	/* room past the limit */

struct fake_sock {
	bool used, closed, stream, listening, nonblock, nodelay;
	int port, backlog;
	/* listener: descriptors made by fake_incoming, accepted in order */
	int queue[FAKE_FD_MAX];
	int queued;
	int accept_err;		/* accept4 fails with this while set */
	/* connection: the peer's bytes, then its FIN (eof) */
	uint8_t *in;
	size_t in_len, in_off;
	bool eof, reset, err_taken;	/* err_taken: SO_ERROR read the reset */
	/* what we sent; send() takes at most room more bytes */
	uint8_t *out;
	size_t out_len, room;
	bool shut_wr;
	bool fin_on_shut;	/* the peer answers our FIN with its own */
	int recv_calls, send_calls;
	int connect_err;	/* connect: EINPROGRESS, then SO_ERROR says this */
};

extern struct fake_sock fake_socks[FAKE_FD_MAX];
extern int fake_poll_calls, fake_poll_waits, fake_poll_last_timeout;
extern nfds_t fake_poll_last_nfds;
extern uint64_t fake_jiffies;
extern int fake_bind_err_port, fake_bind_err;	/* bind to this port fails */

/* What socket() starts a descriptor with (room, connect_err, fin_on_shut). */
extern struct fake_sock fake_new_sock;
/* Called at the start of every poll: the peer's moves while "time passes". */
extern void (*fake_poll_hook)(struct pollfd *fds, nfds_t nfds);

void fake_bsd_reset(void);
/* A new connection on listener lfd, waiting for accept; returns its fd. */
int fake_incoming(int lfd);
/* The peer sends len more bytes. */
void fake_peer_send(int fd, const void *data, size_t len);
/* The listening descriptor bound to port, or -1. */
int fake_listener(int port);
int fake_open_count(void);
/* The argument of the i-th thread_create since the reset (never run). */
void *fake_thread_arg(int i);

#endif
