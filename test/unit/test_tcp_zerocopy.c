/* MSG_ZEROCOPY on TCP against a scripted peer, as Linux defines it: the
 * segments carry the caller's bytes without a copy; one id per call; a
 * completion (SO_EE_ORIGIN_ZEROCOPY, ids ee_info..ee_data) only once every
 * skb pointing at the bytes is gone, i.e. after the ACK; consecutive ones
 * merged; SO_EE_CODE_ZEROCOPY_COPIED for what was copied after all (small
 * sends, a device without scatter-gather); MSG_ZEROCOPY ignored without
 * SO_ZEROCOPY; ENOBUFS over optmem_max; a buffer rewritten before its
 * completion shows in a retransmission, so reuse is safe only after it. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "fake_tcp_env.h"
#include "kernel/softirq.h"
#include "net/netdevice.h"
#include "net/sock_zerocopy.h"

#define LPORT 8080
#define PPORT 40000
#define MSS 1448

static uint8_t ubuf[65536];

/* The connection with SO_ZEROCOPY on, tp_dev with SG and checksum offload
 * (what zero-copy needs) unless features says otherwise. */
static int establish(struct tp_peer *p, uint64_t features, bool so_zerocopy)
{
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(LPORT, 16), fd, one = 1;

	tp_dev.features = features;
	*p = tp_peer_make(PPORT, LPORT, 3000000);
	fd = tp_passive_open(p, lfd, &o, NULL);
	if (so_zerocopy)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)), 0);
	tp_fill_pattern(ubuf, 0, sizeof(ubuf));
	return fd;
}

#define ZC_CAPS (NETIF_F_SG | NETIF_F_IP_CSUM)

static ssize_t zc_send(int fd, const void *buf, size_t len)
{
	return tp_errno((int)send(fd, buf, len, MSG_ZEROCOPY | MSG_DONTWAIT));
}

struct zc_note {
	uint32_t lo, hi;
	bool copied;
};

/* One error-queue entry into *n: 0, or -errno. */
static int zc_read(int fd, struct zc_note *n)
{
	uint8_t control[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))];
	struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
	const struct sock_extended_err *ee;
	const struct cmsghdr *cm;
	int rc = tp_errno((int)recvmsg(fd, &msg, MSG_ERRQUEUE));

	if (rc)
		return rc;
	assert_true(msg.msg_flags & MSG_ERRQUEUE);
	cm = CMSG_FIRSTHDR(&msg);
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_level, SOL_IP);
	assert_int_equal(cm->cmsg_type, IP_RECVERR);
	assert_int_equal(cm->cmsg_len, CMSG_LEN(sizeof(*ee) + sizeof(struct sockaddr_in)));
	assert_null(CMSG_NXTHDR(&msg, cm));
	ee = (const struct sock_extended_err *)CMSG_DATA(cm);
	assert_int_equal(ee->ee_errno, 0);
	assert_int_equal(ee->ee_origin, SO_EE_ORIGIN_ZEROCOPY);
	*n = (struct zc_note){ ee->ee_info, ee->ee_data, ee->ee_code == SO_EE_CODE_ZEROCOPY_COPIED };
	return 0;
}

static void expect_note(int fd, uint32_t lo, uint32_t hi, bool copied)
{
	struct zc_note n;

	assert_int_equal(zc_read(fd, &n), 0);
	assert_int_equal(n.lo, lo);
	assert_int_equal(n.hi, hi);
	assert_int_equal(n.copied, copied);
}

static void expect_no_note(int fd)
{
	struct zc_note n;

	assert_int_equal(zc_read(fd, &n), -EAGAIN);
}

/* What poll() reports for the socket (the protocol's mask). */
static bool poll_err(int fd)
{
	struct sock *sk = &tp_sk(fd)->sk;
	unsigned int mask;

	local_bh_disable();
	mask = sk->sk_prot->poll(sk);
	local_bh_enable();
	return mask & POLLERR;
}

/* Reads everything sent so far, checks it is ubuf's bytes from stream
 * offset 0 on, and returns the end of the data (peer's view). */
static uint32_t take_segments(const struct tp_peer *p, uint32_t *highest)
{
	uint32_t base = p->iss + 1;

	while (tp_pending()) {
		const struct tp_seg *s = tp_expect();

		if (s->len)
			assert_memory_equal(s->data, ubuf + (s->seq - base), s->len);
		if (s->seq + s->len > *highest)
			*highest = s->seq + s->len;
	}
	return *highest;
}

/* The peer ACKs up to seq (and keeps taking what that releases) until the
 * stack has nothing more to send or seq is reached. */
static void ack_to(struct tp_peer *p, uint32_t *highest, uint32_t seq)
{
	for (int round = 0; round < 200; round++) {
		uint32_t upto = MIN(take_segments(p, highest), seq);

		if (upto == p->ack && !tp_pending())
			break;
		p->ack = upto;
		tp_send(p, TCPHDR_ACK, NULL, 0);
	}
}

/* The peer's window shrunk to about bytes, so it ends inside the skbs
 * tcp_sendmsg queues and tcp_write_xmit has to cut them. */
static void small_window(struct tp_peer *p, uint32_t bytes)
{
	p->win = (uint16_t)(bytes >> p->wscale);
	tp_send(p, TCPHDR_ACK, NULL, 0);
	tp_discard();
}

static uint64_t copied_to_skb(void)
{
	return skb_copy_bytes(SKB_COPY_USER_TO_SKB);
}

/* The completion comes after the ACK, not before; three calls ACKed at
 * once read as one merged range. */
static void test_completion_after_ack_merged(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	uint32_t high = p.iss + 1, base = p.iss + 1;
	uint64_t copied0 = copied_to_skb();

	(void)state;
	assert_int_equal(zc_send(fd, ubuf, 8192), 8192);
	assert_int_equal(zc_send(fd, ubuf + 8192, 8192), 8192);
	assert_int_equal(zc_send(fd, ubuf + 16384, 8192), 8192);
	assert_int_equal(copied_to_skb(), copied0);	/* no byte copied */
	take_segments(&p, &high);
	expect_no_note(fd);				/* sent, not ACKed */
	assert_false(poll_err(fd));
	/* The first call's bytes ACKed: its id alone completes. */
	ack_to(&p, &high, base + 8192);
	assert_true(poll_err(fd));
	expect_note(fd, 0, 0, false);
	expect_no_note(fd);
	assert_false(poll_err(fd));
	/* The rest ACKed without reading in between: one merged entry. */
	ack_to(&p, &high, base + 3 * 8192);
	expect_note(fd, 1, 2, false);
	expect_no_note(fd);
	assert_int_equal(copied_to_skb(), copied0);
}

/* Completions reported in the order they happen; a later range merges only
 * with the one just before it. */
static void test_out_of_order_completions(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	struct sock *sk = &tp_sk(fd)->sk;
	struct ubuf_info *u[3];

	(void)state;
	local_bh_disable();
	for (int i = 0; i < 3; i++)
		assert_non_null(u[i] = msg_zerocopy_alloc(sk));
	local_bh_enable();
	ubuf_put(u[2]);
	ubuf_put(u[0]);
	ubuf_put(u[1]);
	expect_note(fd, 2, 2, false);
	expect_note(fd, 0, 1, false);
	expect_no_note(fd);
}

/* Below net.ipv4.tcp_zerocopy_min the bytes are copied and the completion
 * comes at once, marked copied. */
static void test_small_send_copied(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	uint32_t high = p.iss + 1;
	uint64_t copied0 = copied_to_skb();

	(void)state;
	assert_true(100 < sysctl_tcp_zerocopy_min);
	assert_int_equal(zc_send(fd, ubuf, 100), 100);
	assert_int_equal(copied_to_skb() - copied0, 100);
	expect_note(fd, 0, 0, true);
	take_segments(&p, &high);
	/* The next big one is zero-copy again, with the next id. */
	assert_int_equal(zc_send(fd, ubuf + 100, 5000), 5000);
	assert_int_equal(copied_to_skb() - copied0, 100);
	ack_to(&p, &high, p.iss + 1 + 5100);
	expect_note(fd, 1, 1, false);
}

/* A device without scatter-gather: copied, and said so. */
static void test_no_sg_copied(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, NETIF_F_IP_CSUM, true);
	uint32_t high = p.iss + 1;
	uint64_t copied0 = copied_to_skb();

	(void)state;
	assert_int_equal(zc_send(fd, ubuf, 8192), 8192);
	assert_int_equal(copied_to_skb() - copied0, 8192);
	expect_note(fd, 0, 0, true);
	ack_to(&p, &high, p.iss + 1 + 8192);
	expect_no_note(fd);
}

/* Without SO_ZEROCOPY, MSG_ZEROCOPY is ignored (Linux): a plain copy, no id,
 * no completion. */
static void test_flag_ignored_without_option(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, false);
	uint32_t high = p.iss + 1;
	uint64_t copied0 = copied_to_skb();
	int v = -1;
	socklen_t vl = sizeof(v);

	(void)state;
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &v, &vl), 0);
	assert_int_equal(v, 0);
	assert_int_equal(zc_send(fd, ubuf, 8192), 8192);
	assert_int_equal(copied_to_skb() - copied0, 8192);
	ack_to(&p, &high, p.iss + 1 + 8192);
	expect_no_note(fd);
	assert_int_equal(tp_sk(fd)->sk.sk_zckey, 0);
}

/* The segments point at the caller's buffer until the completion: bytes
 * rewritten before it go out in a retransmission (so a sender must wait),
 * and once it came the stack holds nothing of the buffer. */
static void test_buffer_reused_only_after_completion(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s;
	uint32_t base = p.iss + 1, high = base;

	(void)state;
	assert_int_equal(zc_send(fd, ubuf, 4096), 4096);
	tp_discard();					/* all of it lost */
	memset(ubuf, 0xEE, 4096);			/* too early */
	tp_advance(tp->rto_ms + TP_LATE(tp->rto_ms));
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, base, p.seq, MSS);
	assert_int_equal(s->data[0], 0xEE);		/* the rewrite went out */
	expect_no_note(fd);
	tp_fill_pattern(ubuf, 0, 4096);
	tp_discard();
	p.ack = base + 4096;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	expect_note(fd, 0, 0, false);
	assert_true(skb_queue_empty(&tp->sk_write_queue));
	(void)high;
}

/* A 60 KB call through a window of about two segments: the skbs are cut
 * where the window ends and trimmed by partial ACKs, all without a copy,
 * and the call's one id completes after the last byte is ACKed. */
static void test_split_and_partial_ack_without_copy(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	uint32_t base = p.iss + 1, high = base;
	uint64_t split0 = skb_copy_bytes(SKB_COPY_TCP_SPLIT), copied0 = copied_to_skb();

	uint64_t splits0 = tcp_mib.tcp_tso_split;

	(void)state;
	small_window(&p, 3000);
	assert_int_equal(zc_send(fd, ubuf, 60000), 60000);
	take_segments(&p, &high);
	assert_true(high - base < 60000);		/* window-limited */
	/* Half of what came, ACKed: the head skb loses its first bytes. */
	ack_to(&p, &high, base + (high - base) / 2);
	expect_no_note(fd);
	ack_to(&p, &high, base + 60000);
	assert_int_equal(high, base + 60000);
	expect_note(fd, 0, 0, false);
	assert_true(tcp_mib.tcp_tso_split > splits0);
	assert_int_equal(skb_copy_bytes(SKB_COPY_TCP_SPLIT), split0);
	assert_int_equal(copied_to_skb(), copied0);
}

/* The same send copied: the window's edge inside a queued skb costs a copy
 * of one side (CopyTcpSplit), which the zero-copy skb above did not. */
static void test_split_of_copied_skb_copies(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, false);
	uint32_t base = p.iss + 1, high = base;
	uint64_t split0 = skb_copy_bytes(SKB_COPY_TCP_SPLIT), copied0 = copied_to_skb();

	(void)state;
	small_window(&p, 3000);
	assert_int_equal(tp_sendbuf(fd, ubuf, 60000), 60000);
	assert_int_equal(copied_to_skb() - copied0, 60000);
	take_segments(&p, &high);
	assert_true(high - base < 60000);
	ack_to(&p, &high, base + 60000);
	assert_int_equal(high, base + 60000);
	assert_true(skb_copy_bytes(SKB_COPY_TCP_SPLIT) > split0);
	expect_no_note(fd);
}

/* optmem_max bounds calls in flight plus unread completions: past it
 * ENOBUFS, no id taken; merging and reading make room. */
static void test_optmem_limit(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	uint32_t base = p.iss + 1, high = base;
	int saved = sysctl_optmem_max;

	(void)state;
	sysctl_optmem_max = 2 * MSG_ZC_CHARGE;
	assert_int_equal(zc_send(fd, ubuf, 5000), 5000);
	assert_int_equal(zc_send(fd, ubuf + 5000, 5000), 5000);
	assert_int_equal(zc_send(fd, ubuf + 10000, 5000), -ENOBUFS);
	ack_to(&p, &high, base + 10000);
	/* The two completions merged into one unread entry: room for one. */
	assert_int_equal(zc_send(fd, ubuf + 10000, 5000), 5000);
	assert_int_equal(zc_send(fd, ubuf + 15000, 5000), -ENOBUFS);
	expect_note(fd, 0, 1, false);
	ack_to(&p, &high, base + 15000);
	expect_note(fd, 2, 2, false);
	sysctl_optmem_max = saved;
}

/* A control buffer too short: MSG_CTRUNC, the entry consumed anyway. */
static void test_short_control_buffer(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	uint8_t control[8];
	struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };

	(void)state;
	assert_int_equal(zc_send(fd, ubuf, 100), 100);	/* small: completes at once */
	assert_int_equal(recvmsg(fd, &msg, MSG_ERRQUEUE), 0);
	assert_true(msg.msg_flags & MSG_CTRUNC);
	assert_int_equal(msg.msg_controllen, 0);
	expect_no_note(fd);
}

/* Closed with calls in flight and an unread completion: nothing leaks (the
 * teardown checks every skb and socket came back), and the late
 * completions find the socket still there. */
static void test_close_with_zerocopy_pending(void **state)
{
	struct tp_peer p;
	int fd = establish(&p, ZC_CAPS, true);
	struct zerocopy_stats before, after;

	(void)state;
	zerocopy_get_stats(&before);
	assert_int_equal(zc_send(fd, ubuf, 100), 100);	/* completed, unread */
	assert_int_equal(zc_send(fd, ubuf, 8192), 8192);	/* in flight */
	tp_discard();
	assert_int_equal(tp_close(fd), 0);
	zerocopy_get_stats(&after);
	assert_int_equal(after.sends - before.sends, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_completion_after_ack_merged, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_completions, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_small_send_copied, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_no_sg_copied, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_flag_ignored_without_option, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_buffer_reused_only_after_completion, tp_setup,
						tp_teardown),
		cmocka_unit_test_setup_teardown(test_split_and_partial_ack_without_copy, tp_setup,
						tp_teardown),
		cmocka_unit_test_setup_teardown(test_split_of_copied_skb_copies, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_optmem_limit, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_short_control_buffer, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_close_with_zerocopy_pending, tp_setup, tp_teardown),
	};
	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
