/* TCP data transfer against a scripted peer: the initial window of 10
 * segments (RFC 6928) and slow-start growth with the ACK clock (RFC 5681),
 * Nagle and TCP_NODELAY, the receiver's ACK policy (quick ACKs at the start,
 * then an ACK per two full segments, the 40 ms delayed ACK for one, one ACK
 * per receive batch), out-of-order reassembly with SACK blocks and D-SACK
 * (RFC 2018, RFC 2883), byte-exact. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "net/ip.h"

#define LPORT 8080
#define PPORT 40000
#define MSS 1448

static uint8_t buf[256 * 1024];

/* An established connection with Linux's options (MSS 1460, timestamps,
 * SACK, window scale 7): the peer's state in *p, our descriptor returned. */
static int establish(struct tp_peer *p)
{
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(LPORT, 16);

	*p = tp_peer_make(PPORT, LPORT, 2000000);
	return tp_passive_open(p, lfd, &o, NULL);
}

/* Reads every captured segment as data from seq: returns how many, checks
 * they are contiguous and carry the pattern at their stream offsets. */
static unsigned int expect_data_run(struct tp_peer *p, uint32_t *seq)
{
	unsigned int n = 0;

	while (tp_pending()) {
		const struct tp_seg *s = tp_expect();

		assert_true(s->flags & TCPHDR_ACK);
		assert_int_equal(s->seq, *seq);
		assert_int_equal(s->ack, p->seq);
		assert_true(s->len > 0 && s->len <= MSS);
		tp_check_pattern(s, *seq - (p->iss + 1));
		tp_saw(p, s);
		*seq += s->len;
		n++;
	}
	return n;
}

/* RFC 6928: 10 segments before the first ACK; RFC 5681 3.1: each ACK in slow
 * start opens the window by the segments it ACKs, so two more go out for
 * every one ACKed. */
static void test_initial_window_and_slow_start(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	struct tcp_sock *tp = tp_sk(fd);
	uint32_t seq = p.iss + 1, una = seq;

	(void)state;
	assert_int_equal(tp->snd_cwnd, TCP_INIT_CWND);
	tp_fill_pattern(buf, 0, 100 * MSS);
	assert_int_equal(tp_sendbuf(fd, buf, 100 * MSS), 100 * MSS);
	assert_int_equal(expect_data_run(&p, &seq), 10);
	assert_int_equal(seq - una, 10 * MSS);
	tp_advance(20);		/* one RTT */

	/* The peer ACKs two segments: cwnd 12, 8 in flight, 4 new ones. */
	p.ack = una + 2 * MSS;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->snd_cwnd, 12);
	assert_int_equal(expect_data_run(&p, &seq), 4);
	/* The rest of the first flight, one ACK per two segments. */
	for (int i = 0; i < 4; i++) {
		p.ack += 2 * MSS;
		tp_send(&p, TCPHDR_ACK, NULL, 0);
		assert_int_equal(expect_data_run(&p, &seq), 4);
	}
	assert_int_equal(tp->snd_cwnd, 20);
	assert_int_equal(tp->packets_out, 20);
	assert_int_equal(seq - una, 30 * MSS);
	assert_true(tcp_in_slow_start(tp));
	assert_int_equal(tp->ca_state, TCP_CA_Open);
}

/* The peer's receive window caps what is sent whatever the cwnd (RFC 9293
 * 3.8.6); a window update lets the rest go. */
static void test_send_window_limits(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t seq = p.iss + 1, una = seq;

	(void)state;
	/* 3 segments of window (scale 7: the field is in units of 128). */
	/* On the peer's second byte of data: a newer seq, so the window update
	 * is taken (RFC 9293 3.10.7.4: SND.WL1 < SEG.SEQ; a shrink on the same
	 * seq and ack is ignored, as Linux does). */
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "x", 1);
	p.win = (uint16_t)((3 * MSS + 127) / 128);
	tp_send(&p, TCPHDR_ACK | TCPHDR_PSH, "y", 1);
	tp_discard();
	assert_int_equal(tp_sk(fd)->snd_wnd, (uint32_t)p.win << 7);
	tp_fill_pattern(buf, 0, 8 * MSS);
	assert_int_equal(tp_sendbuf(fd, buf, 8 * MSS), 8 * MSS);
	assert_int_equal(expect_data_run(&p, &seq), 3);
	assert_true(seq - una <= (uint32_t)p.win * 128);
	p.ack = seq;
	p.win = 65535;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(expect_data_run(&p, &seq), 5);
	assert_int_equal(seq - una, 8 * MSS);
}

/* RFC 1122 4.2.3.4 Nagle: a small segment waits while data is unACKed;
 * TCP_NODELAY sends at once. */
static void test_nagle_and_nodelay(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t seq = p.iss + 1;
	const struct tp_seg *s;
	int one = 1;

	(void)state;
	tp_fill_pattern(buf, 0, 30);
	assert_int_equal(tp_sendbuf(fd, buf, 10), 10);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq, p.seq, 10);
	assert_int_equal(tp_sendbuf(fd, buf + 10, 10), 10);
	tp_expect_none();			/* held: 10 bytes unACKed */
	p.ack = seq + 10;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 10, p.seq, 10);
	tp_check_pattern(s, 10);
	assert_int_equal(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(tp_sendbuf(fd, buf + 20, 5), 5);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 20, p.seq, 5);
	assert_int_equal(tp_sendbuf(fd, buf + 25, 5), 5);
	s = tp_expect();			/* not held despite 5 bytes in flight */
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 25, p.seq, 5);
	tp_check_pattern(s, 25);
}

/* Sends n full segments from the peer, each alone in its receive batch. */
static void peer_data(struct tp_peer *p, uint32_t *off, unsigned int n, uint32_t len)
{
	for (unsigned int i = 0; i < n; i++) {
		tp_fill_pattern(buf, *off, len);
		tp_send(p, TCPHDR_ACK | TCPHDR_PSH, buf, len);
		*off += len;
	}
}

/* Past the quick ACKs of the connection's start. */
static void leave_quickack(struct tp_peer *p, int fd, uint32_t *off)
{
	struct tcp_sock *tp = tp_sk(fd);

	for (unsigned int i = 0; i < 40 && tp->quick_acks; i++) {
		peer_data(p, off, 1, MSS);
		tp_discard();
	}
	assert_int_equal(tp->quick_acks, 0);
	tp_advance(100);
	tp_discard();
}

/* Quick ACKs at the start (Linux: every segment ACKed at once), then RFC
 * 5681 4.2 / RFC 1122 4.2.3.2: an ACK for at least every second full-sized
 * segment, and for a lone segment at most 40 ms later. */
static void test_delayed_ack(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t off = 0;
	const struct tp_seg *s;
	uint64_t t;

	(void)state;
	peer_data(&p, &off, 1, MSS);
	s = tp_expect();			/* quick ACK */
	tp_check(s, TCPHDR_ACK, p.iss + 1, p.seq, 0);
	leave_quickack(&p, fd, &off);

	/* One full segment: no ACK now, one 40 ms later. */
	peer_data(&p, &off, 1, MSS);
	tp_expect_none();
	t = tp_now();
	s = tp_expect_after(t, TCP_DELACK_MAX_MS);
	tp_check(s, TCPHDR_ACK, p.iss + 1, p.seq, 0);
	assert_int_equal(s->when - t, TCP_DELACK_MAX_MS);	/* level 0: exact */
	assert_true(s->ts);
	assert_int_equal(s->tsecr, p.tsval);

	/* Two full segments: the second is ACKed at once. */
	peer_data(&p, &off, 1, MSS);
	tp_expect_none();
	tp_advance(5);
	peer_data(&p, &off, 1, MSS);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 1, p.seq, 0);
	tp_expect_none();
	/* And the delayed-ACK timer is gone with it. */
	tp_advance(100);
	tp_expect_none();
	/* A small segment waits too, 40 ms at most. */
	peer_data(&p, &off, 1, 100);
	tp_expect_none();
	s = tp_expect_after(tp_now(), TCP_DELACK_MAX_MS);
	tp_check(s, TCPHDR_ACK, p.iss + 1, p.seq, 0);
	/* Everything arrived in order and byte-exact. */
	assert_int_equal(tp_recvbuf(fd, buf, sizeof(buf)), off);
	for (uint32_t i = 0; i < off; i++)
		assert_int_equal(buf[i], tp_pattern(i));
}

/* Segments of one receive batch are ACKed once, at its end (the stack's
 * coalescing, as GRO gives Linux). */
static void test_one_ack_per_batch(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t off = 0;
	const struct tp_seg *s;

	(void)state;
	tp_batch_begin();
	peer_data(&p, &off, 6, MSS);
	tp_expect_none();
	tp_batch_end();
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 1, p.seq, 0);
	tp_expect_none();
	assert_int_equal(tp_recvbuf(fd, buf, sizeof(buf)), 6 * MSS);
}

/* Out-of-order segments are ACKed at once with SACK blocks, the newest block
 * first (RFC 2018 4); the hole's arrival ACKs everything and the reader gets
 * the bytes in order. */
static void test_out_of_order_reassembly_and_sack(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t base = p.seq;
	const uint32_t order[] = { 1, 3, 2, 5, 0, 4 };
	const struct tp_seg *s;
	uint8_t got[6 * MSS];

	(void)state;
	tp_fill_pattern(buf, 0, 6 * MSS);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		uint32_t k = order[i];
		struct tp_opts o = tp_no_opts();

		o.ts = true;
		o.tsval = ++p.tsval;
		o.tsecr = p.ts_echo;
		tp_inject(&p, TCPHDR_ACK, base + k * MSS, p.ack, p.win, &o, buf + k * MSS, MSS);
		s = tp_expect();
		assert_int_equal(s->flags, TCPHDR_ACK);
		assert_int_equal(s->len, 0);
		switch (i) {
		case 0:		/* [1] */
			assert_int_equal(s->ack, base);
			assert_int_equal(s->nsacks, 1);
			assert_int_equal(s->sacks[0][0], base + MSS);
			assert_int_equal(s->sacks[0][1], base + 2 * MSS);
			break;
		case 1:		/* [3] [1] */
			assert_int_equal(s->nsacks, 2);
			assert_int_equal(s->sacks[0][0], base + 3 * MSS);
			assert_int_equal(s->sacks[0][1], base + 4 * MSS);
			assert_int_equal(s->sacks[1][0], base + MSS);
			assert_int_equal(s->sacks[1][1], base + 2 * MSS);
			break;
		case 2:		/* 2 fills between: [1..4) */
			assert_int_equal(s->nsacks, 1);
			assert_int_equal(s->sacks[0][0], base + MSS);
			assert_int_equal(s->sacks[0][1], base + 4 * MSS);
			break;
		case 3:		/* [5] [1..4) */
			assert_int_equal(s->nsacks, 2);
			assert_int_equal(s->sacks[0][0], base + 5 * MSS);
			assert_int_equal(s->sacks[0][1], base + 6 * MSS);
			assert_int_equal(s->sacks[1][0], base + MSS);
			assert_int_equal(s->sacks[1][1], base + 4 * MSS);
			break;
		case 4:		/* the head: up to 4, [5] left */
			assert_int_equal(s->ack, base + 4 * MSS);
			assert_int_equal(s->nsacks, 1);
			assert_int_equal(s->sacks[0][0], base + 5 * MSS);
			assert_int_equal(s->sacks[0][1], base + 6 * MSS);
			break;
		default:	/* all in */
			assert_int_equal(s->ack, base + 6 * MSS);
			assert_int_equal(s->nsacks, 0);
			break;
		}
		if (i < 5)
			assert_int_equal(s->ack, i == 4 ? base + 4 * MSS : base);
	}
	tp_expect_none();
	assert_int_equal(tp_recvbuf(fd, got, sizeof(got)), sizeof(got));
	assert_memory_equal(got, buf, sizeof(got));
	assert_int_equal(tp_recvbuf(fd, got, sizeof(got)), -EAGAIN);
}

/* RFC 2883: a segment received twice is reported in a D-SACK block, first,
 * in an immediate ACK: below the ACK point alone, above it before the SACK
 * block that holds it. */
static void test_dsack(void **state)
{
	struct tp_peer p;
	int fd = establish(&p);
	uint32_t base = p.seq;
	const struct tp_seg *s;
	struct tp_opts o = tp_no_opts();

	(void)state;
	(void)fd;
	tp_fill_pattern(buf, 0, 4 * MSS);
	o.ts = true;
	o.tsval = p.tsval;
	tp_inject(&p, TCPHDR_ACK, base, p.ack, p.win, &o, buf, MSS);
	tp_discard();
	/* The same segment again: D-SACK [base, base + MSS). */
	tp_inject(&p, TCPHDR_ACK, base, p.ack, p.win, &o, buf, MSS);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 1, base + MSS, 0);
	assert_int_equal(s->nsacks, 1);
	assert_int_equal(s->sacks[0][0], base);
	assert_int_equal(s->sacks[0][1], base + MSS);
	/* Out of order [2], then [2] again: D-SACK [2] then SACK [2]. */
	tp_inject(&p, TCPHDR_ACK, base + 2 * MSS, p.ack, p.win, &o, buf + 2 * MSS, MSS);
	s = tp_expect();
	assert_int_equal(s->nsacks, 1);
	tp_inject(&p, TCPHDR_ACK, base + 2 * MSS, p.ack, p.win, &o, buf + 2 * MSS, MSS);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK, p.iss + 1, base + MSS, 0);
	assert_int_equal(s->nsacks, 2);
	assert_int_equal(s->sacks[0][0], base + 2 * MSS);
	assert_int_equal(s->sacks[0][1], base + 3 * MSS);
	assert_int_equal(s->sacks[1][0], base + 2 * MSS);
	assert_int_equal(s->sacks[1][1], base + 3 * MSS);
	/* The D-SACK is sent once: the next ACK has the SACK block only. */
	tp_inject(&p, TCPHDR_ACK, base + 3 * MSS, p.ack, p.win, &o, buf + 3 * MSS, MSS);
	s = tp_expect();
	assert_int_equal(s->nsacks, 1);
	assert_int_equal(s->sacks[0][0], base + 2 * MSS);
	assert_int_equal(s->sacks[0][1], base + 4 * MSS);
	assert_int_equal(tcp_mib.tcp_dsack_old_sent, 1);
	assert_int_equal(tcp_mib.tcp_dsack_ofo_sent, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_window_and_slow_start, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_send_window_limits, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_nagle_and_nodelay, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_delayed_ack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_one_ack_per_batch, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_reassembly_and_sack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_dsack, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
