/* Inside the socket layer (net/socket.c, net/core/sock_poll.c): what a
 * descriptor names, and the lookup every call starts with. Protocols use
 * net/sock.h, applications net/socket.h. */
#ifndef RINGOS_NET_SOCKET_FILE_H
#define RINGOS_NET_SOCKET_FILE_H

#include "kernel/compiler.h"
#include "kernel/cpu.h"
#include "net/sock.h"

/* One allocation per socket: the use count, then the protocol's object
 * (struct sock first, prot->obj_size bytes in all), so sk must stay last. */
struct socket_file {
	uint32_t refs;		/* the descriptor table's + calls in progress */
	int fd;			/* -1 without a descriptor */
	struct sock sk;
};

static inline struct socket_file *sock_file(struct sock *sk)
{
	return container_of(sk, struct socket_file, sk);
}

/* The socket behind fd with one more reference, or NULL. */
struct socket_file *sockfd_get(int fd);
/* Drops a reference; the last closes the protocol side. */
void sockfd_put(struct socket_file *sf);
/* -1 with errno = err. */
int sock_set_errno(int err);
/* The end of a call: drops its reference, leaves sys time, and turns a
 * negative errno into -1 with errno. */
int sock_return(struct socket_file *sf, int rc);

/* Every call below: the socket, or -1 with EBADF. From here to sock_return
 * the caller's time is sys (the article's "sy"). */
#define SOCKFD_OR_FAIL(sf, fd)				\
	struct socket_file *sf = sockfd_get(fd);	\
	if (!sf)					\
		return sock_set_errno(EBADF);		\
	syscall_enter()

#endif
