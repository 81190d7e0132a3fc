/* TCP's socket side (Linux's net/ipv4/tcp.c): struct proto tcp_prot for the
 * BSD calls, the article's first step tcp_sendmsg (copy #1: user bytes into
 * skbs on the write queue, then push), tcp_recvmsg (the one copy out of the
 * RX buffers), close and shutdown with their state changes (RFC 9293 3.6),
 * listen/accept, and the memory bounds. Options and TCP_INFO are in
 * tcp_sockopt.c, counters and sysctls in tcp_mib.c.
 *
 * Every touch of TCP state from here runs with bottom halves disabled
 * (lock_sock), and every blocking wait re-enables them while it sleeps. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "kernel/initcall.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/snmp.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/sock_zerocopy.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"
#include "kernel/trace.h"

uint32_t tcp_jiffies32(void)
{
	return (uint32_t)jiffies();
}

/* ---- memory ------------------------------------------------------------------ */

uint64_t tcp_memory_allocated;
bool tcp_memory_pressure;

/* Every TCP queue's truesize, for the box-wide bound: above it the stack is
 * under pressure (new connections refused, receive queues pruned, windows
 * closing) until usage falls below 3/4 of it. */
void tcp_mem_charge(struct tcp_sock *tp, int64_t bytes)
{
	uint64_t limit = (uint64_t)sysctl_tcp_mem_max_kb * 1024;

	(void)tp;
	if (bytes < 0 && (uint64_t)-bytes > tcp_memory_allocated)
		tcp_memory_allocated = 0;
	else
		tcp_memory_allocated += (uint64_t)bytes;
	if (!tcp_memory_pressure && tcp_memory_allocated > limit) {
		tcp_memory_pressure = true;
		TCP_INC_STATS(tcp_memory_pressures);
		pr_warn("tcp: memory pressure (%llu KiB in socket queues)\n",
			(unsigned long long)(tcp_memory_allocated >> 10));
	} else if (tcp_memory_pressure && tcp_memory_allocated < limit / 4 * 3) {
		tcp_memory_pressure = false;
		pr_info("tcp: memory pressure over\n");
	}
}

bool tcp_under_memory_pressure(void)
{
	return READ_ONCE(tcp_memory_pressure);
}

void tcp_wmem_free_skb(struct tcp_sock *tp, struct sk_buff *skb)
{
	tp->sk_wmem_queued -= MIN(tp->sk_wmem_queued, skb->truesize);
	tcp_mem_charge(tp, -(int64_t)skb->truesize);
	kfree_skb(skb);
}

/* ---- state ---------------------------------------------------------------------- */

void tcp_set_state(struct tcp_sock *tp, int state)
{
	int old = tp->state;

	if (old == state)
		return;
	if (state == TCP_ESTABLISHED)
		TCP_INC_STATS(curr_estab);
	else if (old == TCP_ESTABLISHED)
		tcp_mib.curr_estab -= MIN(tcp_mib.curr_estab, 1u);
	if (state == TCP_CLOSE && (old == TCP_SYN_SENT || old == TCP_SYN_RECV))
		TCP_INC_STATS(attempt_fails);
	tp->state = (uint8_t)state;
}

void tcp_wake(struct tcp_sock *tp)
{
	wake_up(&tp->sk.sk_wq);
}

static void tcp_purge_queues(struct tcp_sock *tp)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&tp->sk_write_queue)) != NULL)
		tcp_wmem_free_skb(tp, skb);
	tp->send_head = NULL;
	while ((skb = skb_dequeue(&tp->sk.sk_receive_queue)) != NULL) {
		tcp_mem_charge(tp, -(int64_t)skb_charge(skb));
		kfree_skb(skb);
	}
	tcp_ofo_purge(tp);
}

/* The memory goes once the connection is over and no descriptor holds it. */
static void tcp_maybe_release(struct tcp_sock *tp)
{
	if (!tp->orphan || tp->state != TCP_CLOSE || tp->released)
		return;
	if (tp->busy) {
		tp->release_pending = true;
		return;
	}
	tp->released = true;
	tcp_purge_queues(tp);
	sk_proto_release(&tp->sk);
}

void tcp_unhold(struct tcp_sock *tp)
{
	if (--tp->busy == 0 && tp->release_pending) {
		tp->release_pending = false;
		tcp_maybe_release(tp);
	}
}

void tcp_done(struct tcp_sock *tp)
{
	bool was_listen = tp->state == TCP_LISTEN;

	/* Unhashed while the state still names its table (listening or
	 * established). */
	tcp_v4_unhash(tp);
	if (was_listen)
		tcp_listen_stop(tp);
	tcp_set_state(tp, TCP_CLOSE);
	tcp_clear_xmit_timers(tp);
	tcp_unlink_from_parent(tp);
	tcp_put_port(tp);
	tp->sk.shutdown_rd = true;
	tp->sk.shutdown_wr = true;
	tp->packets_out = 0;
	/* Sent data nobody will ACK any more is gone now. */
	{
		struct sk_buff *skb;

		while ((skb = skb_dequeue(&tp->sk_write_queue)) != NULL)
			tcp_wmem_free_skb(tp, skb);
		tp->send_head = NULL;
	}
	tcp_ofo_purge(tp);
	tcp_wake(tp);
	tcp_maybe_release(tp);
}

/* ---- proto: setup, bind, connect ------------------------------------------------------ */

static int tcp_init_sock(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->state = TCP_CLOSE;
	skb_queue_head_init(&tp->sk_write_queue);
	skb_queue_head_init(&tp->out_of_order_queue);
	tcp_init_xmit_timers(tp);
	tp->rto_ms = TCP_TIMEOUT_INIT_MS;
	tp->mss_cache = TCP_MSS_DEFAULT;
	tp->advmss = TCP_MSS_DEFAULT;
	tp->snd_cwnd = TCP_INIT_CWND;
	tp->snd_ssthresh = 0x7FFFFFFF;
	tp->snd_cwnd_clamp = 0xFFFF;
	tp->ca_ops = tcp_ca_default();
	tp->created_ns = ktime_get_ns();
	sk->pmtudisc = true;
	/* TCP's own defaults (tcp_rmem[1] / tcp_wmem[1]), unless the parent's
	 * SO_RCVBUF / SO_SNDBUF came along (sk_alloc_child copies them). */
	if (sk->sk_rcvbuf == (uint32_t)sysctl_rmem_default)
		sk->sk_rcvbuf = (uint32_t)sysctl_tcp_rmem[1];
	if (sk->sk_sndbuf == (uint32_t)sysctl_wmem_default)
		sk->sk_sndbuf = (uint32_t)sysctl_tcp_wmem[1];
	sk->sk_flags |= SOCK_PROTO_HELD;
	return 0;
}

static int tcp_bind(struct sock *sk, be32 addr, be16 port)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int err;

	if (sk->inet_sport || tp->state != TCP_CLOSE)
		return -EINVAL;
	if (addr && !inet_addr_is_local(addr))
		return -EADDRNOTAVAIL;
	local_bh_disable();
	err = tcp_v4_get_port(tp, port, addr);
	local_bh_enable();
	return err;
}

static bool tcp_connect_done(const struct tcp_sock *tp)
{
	return READ_ONCE(tp->state) != TCP_SYN_SENT && READ_ONCE(tp->state) != TCP_SYN_RECV;
}

static int tcp_v4_connect_call(struct sock *sk, be32 addr, be16 port)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool nonblock = sk->sk_flags & SOCK_NONBLOCK_F;
	int err;

	local_bh_disable();
	switch (tp->state) {
	case TCP_CLOSE:
		if (sk->connected) {
			/* A finished connection cannot be reused (Linux: EISCONN
			 * only while connected; a closed one reports its error). */
			err = sock_error(sk);
			local_bh_enable();
			return err ? err : -EISCONN;
		}
		break;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		local_bh_enable();
		if (nonblock)
			return -EALREADY;
		goto wait;
	case TCP_LISTEN:
		local_bh_enable();
		return -EISCONN;
	default:
		local_bh_enable();
		return -EISCONN;
	}
	if (!addr && !port) {
		local_bh_enable();
		return -EAFNOSUPPORT;
	}
	err = tcp_v4_connect(tp, addr, port);
	local_bh_enable();
	if (err)
		return err;
	if (nonblock)
		return -EINPROGRESS;
wait:
	err = wait_event_interruptible_deadline(sk->sk_wq, tcp_connect_done(tp),
						sock_timeo_deadline(sk->sk_sndtimeo_ns));
	if (err == -ETIMEDOUT)
		return -EINPROGRESS;	/* Linux: a connect timeout leaves it going */
	if (err)
		return err;
	local_bh_disable();
	err = tp->state == TCP_CLOSE ? sock_error(sk) : 0;
	if (tp->state == TCP_CLOSE && !err)
		err = -ECONNREFUSED;
	local_bh_enable();
	return err;
}

/* ---- send (the article's tcp_sendmsg) ---------------------------------------------------------- */

static bool tcp_can_send(const struct tcp_sock *tp)
{
	return tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT;
}

/* Linux's sk_stream_memory_free: the write queue below sk_sndbuf. */
static bool tcp_wmem_free(const struct tcp_sock *tp)
{
	return tp->sk_wmem_queued < tp->sk.sk_sndbuf;
}

static bool tcp_send_wait_done(const struct tcp_sock *tp)
{
	return tcp_wmem_free(tp) || READ_ONCE(tp->sk.sk_err) || !tcp_can_send(tp) ||
	       READ_ONCE(tp->sk.shutdown_wr);
}

/* A full send buffer: sleep until ACKs free some (bottom halves are
 * re-enabled for the wait). 0, -EAGAIN or -EINTR. */
static int sk_stream_wait_memory(struct tcp_sock *tp, uint64_t deadline)
{
	TRACE_FUNC_SK(TP_sk_stream_wait_memory, &tp->sk);
	int err;

	local_bh_enable();
	err = wait_event_interruptible_deadline(tp->sk.sk_wq, tcp_send_wait_done(tp), deadline);
	local_bh_disable();
	return err == -ETIMEDOUT ? -EAGAIN : err;
}

static void tcp_mark_push(struct tcp_sock *tp, struct sk_buff *skb)
{
	TCP_SKB_CB(skb)->tcp_flags |= TCPHDR_PSH;
	tp->pushed_seq = tp->write_seq;
}

static bool forced_push(const struct tcp_sock *tp)
{
	return after(tp->write_seq, tp->pushed_seq + (tp->max_window >> 1));
}

static int tcp_nonagle(const struct tcp_sock *tp)
{
	return tp->cork ? TCP_NAGLE_CORK : tp->nodelay ? TCP_NAGLE_OFF : 0;
}

/* A new skb at the tail of the write queue (Linux's skb_entail). */
static struct sk_buff *tcp_entail(struct tcp_sock *tp, unsigned int size)
{
	struct sk_buff *skb = alloc_skb_tx(size);

	if (!skb)
		return NULL;
	TCP_SKB_CB(skb)->seq = tp->write_seq;
	TCP_SKB_CB(skb)->end_seq = tp->write_seq;
	TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK;
	TCP_SKB_CB(skb)->sacked = 0;
	TCP_SKB_CB(skb)->tso_segs = 0;
	TCP_SKB_CB(skb)->tx_ns = 0;
	skb_header_release(skb);
	tp->sk_wmem_queued += skb->truesize;
	tcp_mem_charge(tp, skb->truesize);
	skb_queue_tail(&tp->sk_write_queue, skb);
	if (!tp->send_head)
		tp->send_head = skb;
	return skb;
}

static int tcp_sendmsg(struct sock *sk, const void *buf, size_t len, int flags,
		       be32 daddr, be16 dport, bool has_dest)
{
	TRACE_SEND(sk, ntohs(sk->inet_sport), ntohs(sk->inet_dport));
	struct tcp_sock *tp = tcp_sk(sk);
	bool nonblock = (flags & MSG_DONTWAIT) || (sk->sk_flags & SOCK_NONBLOCK_F);
	uint64_t deadline = nonblock ? 0 : sock_timeo_deadline(sk->sk_sndtimeo_ns);
	const uint8_t *from = buf;
	unsigned int mss_now, size_goal;
	struct ubuf_info *uarg = NULL;
	size_t copied = 0;
	bool zc = false;
	int err = 0;

	(void)daddr;
	(void)dport;
	(void)has_dest;	/* sendto's address is ignored on a stream (Linux) */
	local_bh_disable();
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV) {
		local_bh_enable();
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible_deadline(sk->sk_wq, tcp_connect_done(tp), deadline);
		if (err)
			return err == -ETIMEDOUT ? -EAGAIN : err;
		local_bh_disable();
	}
	err = sock_error(sk);
	if (err)
		goto out_err;
	if (!tcp_can_send(tp) || sk->shutdown_wr) {
		err = sk->connected ? -EPIPE : -ENOTCONN;
		goto out_err;
	}
	err = tcp_zerocopy_start(tp, len, flags, &uarg, &zc);
	if (err)
		goto out_err;
	mss_now = tcp_current_mss(tp);
	size_goal = tcp_send_size_goal(tp, mss_now);
	while (copied < len) {
		struct sk_buff *skb = tcp_write_queue_tail(tp);
		unsigned int copy;

		/* Append to the unsent tail while it is below the size goal: a
		 * copy goes into its tailroom, a zero-copy call's bytes into
		 * frags of an skb holding only this call's bytes. */
		if (!skb || !tp->send_head || skb->len >= size_goal ||
		    (zc ? skb->ubuf != uarg : !skb_tailroom(skb)) ||
		    (TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_FIN | TCPHDR_SYN))) {
			if (!tcp_wmem_free(tp))
				goto wait_for_memory;
			/* Sized for what this call still has, in whole segments:
			 * a small write gets a small buffer, not a 64 KB one;
			 * zero-copy only needs room for the headers. */
			skb = tcp_entail(tp, zc ? 0 : (unsigned int)MIN((size_t)size_goal,
									(len - copied + mss_now - 1) /
									mss_now * mss_now));
			if (!skb) {
				TCP_INC_STATS(out_no_mem);
				goto wait_for_memory;
			}
			if (zc) {
				skb->ubuf = uarg;
				ubuf_get(uarg);
			}
		}
		copy = (unsigned int)MIN(len - copied, (size_t)(size_goal - skb->len));
		if (zc) {
			tcp_zerocopy_append(tp, skb, from + copied, copy);
		} else {
			copy = MIN(copy, skb_tailroom(skb));
			memcpy(skb_put(skb, copy), from + copied, copy);
			skb_count_copy(SKB_COPY_USER_TO_SKB, copy);
		}
		TRACE_SKB_QUEUED(sk, skb, copy);
		tp->write_seq += copy;
		TCP_SKB_CB(skb)->end_seq += copy;
		copied += copy;
		if (copied == len)
			break;
		if (skb->len < size_goal)
			continue;
		if (forced_push(tp)) {
			tcp_mark_push(tp, skb);
			__tcp_push_pending_frames(tp, mss_now, TCP_NAGLE_PUSH);
		} else if (skb == tp->send_head) {
			tcp_push_one(tp, mss_now);
		}
		continue;

wait_for_memory:
		if (copied)
			tcp_push(tp, flags & ~MSG_MORE, mss_now, TCP_NAGLE_PUSH);
		if (nonblock) {
			err = -EAGAIN;
			goto out;
		}
		err = sk_stream_wait_memory(tp, deadline);
		if (err)
			goto out;
		if (sk->sk_err || !tcp_can_send(tp) || sk->shutdown_wr) {
			err = sock_error(sk);
			if (!err)
				err = -EPIPE;
			goto out;
		}
		mss_now = tcp_current_mss(tp);
		size_goal = tcp_send_size_goal(tp, mss_now);
	}
out:
	if (copied) {
		struct sk_buff *tail = tcp_write_queue_tail(tp);

		if (tail && tp->send_head && !(flags & MSG_MORE))
			tcp_mark_push(tp, tail);
		tcp_push(tp, flags, mss_now, tcp_nonagle(tp));
	}
	if (uarg)
		msg_zerocopy_put_abort(uarg, copied != 0);
	local_bh_enable();
	if (copied)
		return (int)MIN(copied, (size_t)INT_MAX);
	return err;
out_err:
	local_bh_enable();
	return err;
}

/* ---- receive ----------------------------------------------------------------------------------- */

/* After the reader took data: tell the peer when the window opened a lot
 * (Linux's tcp_cleanup_rbuf: the new window at least twice the old one, or
 * an ACK was owed and the queue is drained). */
void tcp_cleanup_rbuf(struct tcp_sock *tp, int copied)
{
	uint32_t cur = tcp_receive_window(tp);
	bool send = false;

	if (tp->ack_sched && tp->ack_pending && skb_queue_empty(&tp->sk.sk_receive_queue) &&
	    copied > 0 && tp->rcv_segs_unacked &&
	    (!tp->pingpong || tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss))
		send = true;
	if (copied > 0 && !send && tp->state != TCP_CLOSE_WAIT) {
		uint32_t space = tcp_space(tp);

		if (space >= 2 * cur && space >= 2u * tp->advmss)
			send = true;
	}
	if (send && tp->state != TCP_CLOSE)
		tcp_send_ack(tp);
}

static bool tcp_recv_ready(const struct tcp_sock *tp)
{
	return !skb_queue_empty(&tp->sk.sk_receive_queue) || READ_ONCE(tp->sk.sk_err) ||
	       READ_ONCE(tp->sk.shutdown_rd) || READ_ONCE(tp->state) == TCP_CLOSE;
}

static int tcp_recvmsg(struct sock *sk, void *buf, size_t len, int flags,
		       be32 *saddr, be16 *sport)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool nonblock = (flags & MSG_DONTWAIT) || (sk->sk_flags & SOCK_NONBLOCK_F);
	bool peek = flags & MSG_PEEK;
	uint64_t deadline = sock_timeo_deadline(sk->sk_rcvtimeo_ns);
	size_t target = (flags & MSG_WAITALL) && !peek ? len : MIN(len, (size_t)1);
	uint32_t peek_seq;
	size_t copied = 0;
	uint8_t *to = buf;
	int err = 0;

	*saddr = sk->inet_daddr;
	*sport = sk->inet_dport;
	local_bh_disable();
	if (tp->state == TCP_LISTEN) {
		local_bh_enable();
		return -ENOTCONN;
	}
	peek_seq = tp->copied_seq;
	while (copied < len) {
		uint32_t *seq = peek ? &peek_seq : &tp->copied_seq;
		struct sk_buff *skb;
		bool fin = false;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			uint32_t off = *seq - TCP_SKB_CB(skb)->seq;

			if (off < skb->len || ((TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN) && off == skb->len))
				break;
		}
		if (skb) {
			uint32_t off = *seq - TCP_SKB_CB(skb)->seq;
			size_t n = MIN(len - copied, (size_t)(skb->len - off));

			if (n) {
				memcpy(to + copied, skb->data + off, n);
				skb_count_copy(SKB_COPY_SKB_TO_USER, (uint32_t)n);
				copied += n;
				*seq += (uint32_t)n;
			}
			fin = (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN) && off + n == skb->len;
			if (!peek && off + n == skb->len) {
				if (fin)
					tp->copied_seq++;	/* the FIN's sequence number */
				__skb_unlink(skb, &sk->sk_receive_queue);
				tcp_mem_charge(tp, -(int64_t)skb_charge(skb));
				kfree_skb(skb);
			}
			if (fin)
				break;
			continue;
		}
		if (copied >= target)
			break;
		if (copied && (sk->sk_err || sk->shutdown_rd || tp->state == TCP_CLOSE))
			break;
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->shutdown_rd)
			break;
		if (tp->state == TCP_CLOSE) {
			if (!sk->connected)
				err = -ENOTCONN;
			break;
		}
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		tcp_cleanup_rbuf(tp, (int)copied);
		local_bh_enable();
		err = wait_event_interruptible_deadline(sk->sk_wq, tcp_recv_ready(tp), deadline);
		local_bh_disable();
		if (err) {
			if (err == -ETIMEDOUT)
				err = -EAGAIN;
			break;
		}
	}
	if (!peek && copied) {
		tcp_rcv_space_adjust(tp);
		tcp_cleanup_rbuf(tp, (int)copied);
	}
	local_bh_enable();
	if (copied)
		return (int)MIN(copied, (size_t)INT_MAX);
	return err;
}

/* ---- poll -------------------------------------------------------------------------------------- */

static unsigned int tcp_poll(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int mask = 0;

	if (tp->state == TCP_LISTEN)
		return tp->accept_head ? POLLIN : 0;
	/* Zero-copy completions to read count as an error (Linux's
	 * sk_error_queue). */
	if (sk->sk_err || sock_errqueue_pending(sk))
		mask |= POLLERR;
	if (tp->state == TCP_CLOSE && sk->connected)
		mask |= POLLHUP | POLLIN;
	if (sk->shutdown_rd && sk->shutdown_wr)
		mask |= POLLHUP;
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RECV)
		return mask;
	if (!skb_queue_empty(&sk->sk_receive_queue) || sk->shutdown_rd)
		mask |= POLLIN;
	if (tcp_can_send(tp) && !sk->shutdown_wr) {
		/* Linux's sk_stream_is_writeable: a third of the buffer free. */
		if (tp->sk_wmem_queued < sk->sk_sndbuf / 3 * 2)
			mask |= POLLOUT;
	} else if (sk->connected && tp->state != TCP_CLOSE) {
		mask |= POLLOUT;	/* a write will fail at once (EPIPE) */
	}
	if (tp->state == TCP_CLOSE && !sk->connected)
		mask |= POLLOUT | POLLHUP;
	return mask;
}

/* ---- close, shutdown, listen, accept ---------------------------------------------------------- */

static void tcp_close_state_fin(struct tcp_sock *tp)
{
	switch (tp->state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		tcp_set_state(tp, TCP_FIN_WAIT1);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(tp, TCP_LAST_ACK);
		break;
	default:
		return;
	}
	tcp_send_fin(tp);
}

static void tcp_close(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool unread;

	local_bh_disable();
	tp->orphan = true;
	if (tp->state == TCP_LISTEN) {
		tcp_done(tp);
		local_bh_enable();
		return;
	}
	unread = !skb_queue_empty(&sk->sk_receive_queue) &&
		 tp->rcv_nxt - tp->copied_seq > (sk->shutdown_rd ? 1u : 0u);
	/* Nobody reads any more: data arriving from now on aborts (below,
	 * tcp_data_queue), as Linux's SHUTDOWN_MASK. */
	sk->shutdown_rd = true;
	if (tp->state == TCP_CLOSE) {
		/* Bound but never (or no longer) connected: the port goes too. */
		tcp_put_port(tp);
		tcp_maybe_release(tp);
	} else if (tp->state == TCP_SYN_SENT) {
		tcp_done(tp);
	} else if (unread || ((sk->sk_flags & SOCK_LINGER) && !sk->sk_lingertime)) {
		/* RFC 9293 3.6 / RFC 2525 2.17: unread data (or SO_LINGER 0)
		 * aborts with RST. */
		if (unread)
			TCP_INC_STATS(tcp_abort_on_close);
		else
			TCP_INC_STATS(tcp_abort_on_linger);
		if (tp->state != TCP_TIME_WAIT)
			tcp_send_active_reset(tp);
		tcp_done(tp);
	} else if (tp->state == TCP_TIME_WAIT || tp->state == TCP_FIN_WAIT2 ||
		   tp->state == TCP_FIN_WAIT1 || tp->state == TCP_CLOSING ||
		   tp->state == TCP_LAST_ACK) {
		if (tp->state == TCP_FIN_WAIT2)
			tcp_reset_keepalive_timer(tp, (tp->linger2 ? tp->linger2 :
						       (uint32_t)sysctl_tcp_fin_timeout) * 1000u);
	} else {
		sk->shutdown_wr = true;
		tcp_close_state_fin(tp);
		if ((sk->sk_flags & SOCK_LINGER) && sk->sk_lingertime) {
			uint64_t deadline = ktime_get_ns() + (uint64_t)sk->sk_lingertime * NSEC_PER_SEC;

			local_bh_enable();
			(void)wait_event_interruptible_deadline(sk->sk_wq,
				READ_ONCE(tp->state) != TCP_FIN_WAIT1 &&
				READ_ONCE(tp->state) != TCP_LAST_ACK &&
				READ_ONCE(tp->state) != TCP_CLOSING, deadline);
			local_bh_disable();
		}
	}
	local_bh_enable();
}

static int tcp_shutdown(struct sock *sk, int how)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	local_bh_disable();
	if (tp->state == TCP_LISTEN && how != SHUT_WR) {
		tcp_done(tp);
		tp->orphan = false;
		local_bh_enable();
		return 0;
	}
	if (!sk->connected || tp->state == TCP_CLOSE || tp->state == TCP_SYN_SENT) {
		err = -ENOTCONN;
		if (tp->state == TCP_SYN_SENT) {
			tcp_done(tp);
			err = 0;
		}
		local_bh_enable();
		return err;
	}
	if (how != SHUT_WR)
		sk->shutdown_rd = true;
	if (how != SHUT_RD && !sk->shutdown_wr) {
		sk->shutdown_wr = true;
		tcp_close_state_fin(tp);
	}
	tcp_wake(tp);
	local_bh_enable();
	return 0;
}

static int tcp_listen(struct sock *sk, int backlog)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int err = 0;

	local_bh_disable();
	if (tp->state == TCP_LISTEN) {
		tp->max_ack_backlog = (uint32_t)backlog;
		goto out;
	}
	if (tp->state != TCP_CLOSE || sk->connected) {
		err = -EINVAL;
		goto out;
	}
	if (!sk->inet_sport) {
		err = tcp_v4_get_port(tp, 0, 0);
		if (err)
			goto out;
	} else if (tcp_sk(sk)->hashed) {
		err = -EADDRINUSE;
		goto out;
	}
	tp->max_ack_backlog = (uint32_t)backlog;
	tcp_set_state(tp, TCP_LISTEN);
	tcp_listen_hash(tp);
out:
	local_bh_enable();
	return err;
}

static struct sock *tcp_accept(struct sock *sk, bool nonblock, int *errp)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sock *child = NULL;
	int err = 0;

	for (unsigned int guard = 0; guard < 1000000; guard++) {
		local_bh_disable();
		if (tp->state != TCP_LISTEN) {
			err = -EINVAL;
		} else {
			child = tcp_accept_dequeue(tp);
			if (child)
				child->orphan = false;
			else if (nonblock)
				err = -EAGAIN;
		}
		local_bh_enable();
		if (child || err)
			break;
		err = wait_event_interruptible_deadline(sk->sk_wq, READ_ONCE(tp->accept_head) ||
							READ_ONCE(tp->state) != TCP_LISTEN,
							sock_timeo_deadline(sk->sk_rcvtimeo_ns));
		if (err) {
			if (err == -ETIMEDOUT)
				err = -EAGAIN;
			break;
		}
	}
	*errp = err;
	return child ? &child->sk : NULL;
}

static void tcp_err(struct sock *sk, int err)
{
	sk->sk_err = err;
	tcp_wake(tcp_sk(sk));
}

const struct proto tcp_prot = {
	.name = "TCP",
	.obj_size = sizeof(struct tcp_sock),
	.init = tcp_init_sock,
	.bind = tcp_bind,
	.connect = tcp_v4_connect_call,
	.sendmsg = tcp_sendmsg,
	.recvmsg = tcp_recvmsg,
	.poll = tcp_poll,
	.close = tcp_close,
	.err = tcp_err,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.shutdown = tcp_shutdown,
	.setsockopt = tcp_setsockopt,
	.getsockopt = tcp_getsockopt,
};

void tcp_init(void)
{
	memset(&tcp_mib, 0, sizeof(tcp_mib));
	tcp_input_init();
}
