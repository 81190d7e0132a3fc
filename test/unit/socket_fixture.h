/* What the socket suites (test_socket.c, test_socket_stream.c) share: the
 * fixtures (fake IP layer, UDP, the fake stream protocol registered as
 * SOCK_STREAM for the whole group, a fake TCP table for ss) and helpers. */
#ifndef RINGOS_TEST_SOCKET_FIXTURE_H
#define RINGOS_TEST_SOCKET_FIXTURE_H

#include <stddef.h>
#include "fake_stream.h"
#include "net/socket.h"
#include "net/socket_file.h"

/* Group: the skb arena, and the fake stream protocol registered. */
int socket_group_setup(void **state);
/* Per test: fakes reset; teardown closes every descriptor and checks that
 * every skb and every fake stream object is gone. */
int socket_setup(void **state);
int socket_teardown(void **state);

/* The fake protocol's objects are counted in their kmalloc class (no other
 * allocation of the suites lands in it). */
#define FAKE_OBJ_BYTES (offsetof(struct socket_file, sk) + sizeof(struct fake_stream_sock))
uint64_t fake_objs_live(void);

struct sockaddr_in addr_in(be32 a, uint16_t port);
/* A socket of type bound to 0.0.0.0:port. */
int bound(uint16_t port, int type);
/* A datagram from FAKE_PEER:4000 to FAKE_LOCAL:port. */
void arrive(uint16_t port, const char *text);
/* A fake_sleep_hook: 600 ms pass. */
int advance_clock(void);

#endif
