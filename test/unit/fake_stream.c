/* See fake_stream.h. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "fake_stream.h"
#include "kernel/wait.h"
#include "net/ip_hdr.h"

int fake_stream_init_rc;
int fake_stream_setsockopt_rc;
unsigned int fake_stream_closes;
struct fake_stream_sock *fake_stream_last;

void fake_stream_reset(void)
{
	fake_stream_init_rc = 0;
	fake_stream_setsockopt_rc = -ENOPROTOOPT;
	fake_stream_closes = 0;
	fake_stream_last = NULL;
}

static int fs_init(struct sock *sk)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);

	/* The whole object is there and zeroed. */
	for (size_t i = 0; i < sizeof(fs->tail); i++)
		assert_int_equal(fs->tail[i], 0);
	assert_int_equal(fs->magic, 0);
	memset(fs->tail, 0xA5, sizeof(fs->tail));
	fs->magic = FAKE_STREAM_MAGIC;
	fs->shut_how = -1;
	fake_stream_last = fs;
	return fake_stream_init_rc;
}

static int fs_listen(struct sock *sk, int backlog)
{
	fake_stream_sk(sk)->listening = true;
	fake_stream_sk(sk)->backlog = backlog;
	return 0;
}

static struct sock *fs_accept(struct sock *sk, bool nonblock, int *err)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);
	struct sock *child;
	int rc;

	if (!fs->listening) {
		*err = -EINVAL;
		return NULL;
	}
	if (!fs->qlen && nonblock) {
		*err = -EAGAIN;
		return NULL;
	}
	rc = wait_event_interruptible(sk->sk_wq, fs->qlen > 0);
	if (rc) {
		*err = rc;
		return NULL;
	}
	child = fs->queue[0];
	memmove(fs->queue, fs->queue + 1, --fs->qlen * sizeof(fs->queue[0]));
	/* Handed over still held, as the contract says. */
	assert_true(child->sk_flags & SOCK_PROTO_HELD);
	return child;
}

static void fs_close(struct sock *sk)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);

	assert_int_equal(fs->magic, FAKE_STREAM_MAGIC);
	fs->saw_shutdown_rd = sk->shutdown_rd;
	fs->saw_shutdown_wr = sk->shutdown_wr;
	fake_stream_closes++;
	while (fs->qlen)
		fs_close(fs->queue[--fs->qlen]);
	if (!fs->close_keeps_hold)
		sk_proto_release(sk);	/* may free sk */
}

static int fs_shutdown(struct sock *sk, int how)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);

	if (!fs->established)
		return -ENOTCONN;
	fs->shut_how = how;
	sk->shutdown_rd |= how != SHUT_WR;
	sk->shutdown_wr |= how != SHUT_RD;
	return 0;
}

static int fs_setsockopt(struct sock *sk, int level, int name, const void *val, uint32_t len)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);

	if (level == SOL_SOCKET) {
		fs->sol_name = name;
		return fake_stream_setsockopt_rc;
	}
	assert_int_equal(level, IPPROTO_TCP);
	if (name != TCP_NODELAY)
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&fs->nodelay, val, sizeof(int));
	return 0;
}

static int fs_getsockopt(struct sock *sk, int level, int name, void *val, uint32_t *len)
{
	struct tcp_info info = { .tcpi_state = 1, .tcpi_rtt = 123, .tcpi_snd_cwnd = 10,
				 .tcpi_snd_wnd = 0xABCD };

	assert_int_equal(level, IPPROTO_TCP);
	/* socket.c lends a buffer as large as any value. */
	assert_true(*len >= sizeof(info));
	if (name == TCP_NODELAY) {
		memcpy(val, &fake_stream_sk(sk)->nodelay, sizeof(int));
		*len = sizeof(int);
		return 0;
	}
	if (name == TCP_INFO) {
		memcpy(val, &info, sizeof(info));
		*len = sizeof(info);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int fs_bind(struct sock *sk, be32 addr, be16 port)
{
	sk->inet_rcv_saddr = addr;
	sk->inet_sport = port;
	return 0;
}

static int fs_connect(struct sock *sk, be32 addr, be16 port)
{
	sk->inet_daddr = addr;
	sk->inet_dport = port;
	fake_stream_sk(sk)->established = true;
	if (sk->sk_flags & SOCK_NONBLOCK_F)
		return -EINPROGRESS;
	sk->connected = true;
	return 0;
}

static int fs_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
		      be32 daddr, be16 dport, bool has_dest)
{
	(void)buf;
	(void)daddr;
	(void)dport;
	(void)has_dest;
	fake_stream_sk(sk)->last_send_flags = flags;
	return (int)len;
}

static int fs_recvmsg(struct sock *sk, void *buf, size_t len, int flags, be32 *saddr, be16 *sport)
{
	(void)buf;
	(void)len;
	(void)saddr;
	(void)sport;
	fake_stream_sk(sk)->last_recv_flags = flags;
	return 0;
}

static unsigned int fs_poll(struct sock *sk)
{
	struct fake_stream_sock *fs = fake_stream_sk(sk);

	return (fs->qlen ? POLLIN : 0) | (fs->established ? POLLOUT : 0);
}

const struct proto fake_stream_prot = {
	.name = "FAKESTREAM",
	.obj_size = sizeof(struct fake_stream_sock),
	.init = fs_init,
	.listen = fs_listen,
	.accept = fs_accept,
	.shutdown = fs_shutdown,
	.setsockopt = fs_setsockopt,
	.getsockopt = fs_getsockopt,
	.bind = fs_bind,
	.connect = fs_connect,
	.sendmsg = fs_sendmsg,
	.recvmsg = fs_recvmsg,
	.poll = fs_poll,
	.close = fs_close,
};

struct sock *fake_stream_child(struct fake_stream_sock *listener, be32 peer, uint16_t port)
{
	struct sock *child = sk_alloc_child(&listener->sk);

	if (!child)
		return NULL;
	assert_true(listener->qlen < FAKE_STREAM_QUEUE);
	child->inet_rcv_saddr = listener->sk.inet_rcv_saddr;
	child->inet_sport = listener->sk.inet_sport;
	child->inet_daddr = peer;
	child->inet_dport = htons(port);
	child->connected = true;
	fake_stream_sk(child)->established = true;
	listener->queue[listener->qlen++] = child;
	wake_up(&listener->sk.sk_wq);
	return child;
}
