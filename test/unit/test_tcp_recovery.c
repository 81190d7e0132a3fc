/* TCP loss recovery against a scripted peer: the retransmission timer (RFC
 * 6298: RTO from srtt and rttvar, the 200 ms minimum, exponential back-off,
 * Karn's rule), fast retransmit on three duplicate ACKs with NewReno partial
 * ACKs with NewReno partial ACKs (RFC 5681 3.2, RFC 6582, SACK off),
 * limited transmit (RFC 3042) with and without SACK, and SACK loss recovery
 * (RFC 6675) of one hole and of several: only the holes are retransmitted. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "net/tcp_cong.h"

#define LPORT 8080
#define PPORT 40000

static uint8_t buf[128 * 1024];

/* An established connection; o: the peer's SYN options. */
static int establish(struct tp_peer *p, const struct tp_opts *o, uint32_t rtt_ms)
{
	int lfd = tp_listen(LPORT, 16);

	*p = tp_peer_make(PPORT, LPORT, 7000000);
	p->rtt_ms = rtt_ms;
	return tp_passive_open(p, lfd, o, NULL);
}

/* RFC 6298 2.2 / 2.3 (Linux's form): RTO = SRTT + max(4 * RTTVAR, 200 ms);
 * the first sample R gives SRTT = R, RTTVAR = R / 2. */
static void test_rto_from_first_sample(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p;
	int fd = establish(&p, &o, 100);
	struct tcp_sock *tp = tp_sk(fd);

	(void)state;
	assert_int_equal(tp->srtt_us >> 3, 100000);
	assert_int_equal(tp->rttvar_us, 50000);
	assert_int_equal(tp->rto_ms, 300);
}

/* A 10 ms path: 4 * RTTVAR is 20 ms, below the 200 ms floor. Then RFC 6298
 * 5.5: each expiry retransmits the earliest unACKed segment and doubles the
 * RTO; 5.7 / Linux: the backed-off RTO stays until a new RTT sample. */
static void test_rto_minimum_and_backoff(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p;
	int fd = establish(&p, &o, 10);
	struct tcp_sock *tp = tp_sk(fd);
	const struct tp_seg *s, *first;
	uint32_t seq = p.iss + 1, rto;
	uint64_t t;

	(void)state;
	rto = tp->rto_ms;
	assert_int_equal(rto, 10 + TCP_RTO_MIN_MS);
	tp_fill_pattern(buf, 0, 2000);
	assert_int_equal(tp_sendbuf(fd, buf, 2000), 2000);
	first = tp_expect();
	tp_check(first, TCPHDR_ACK, seq, p.seq, 1448);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 1448, p.seq, 552);
	t = s->when;
	for (int i = 0; i < 6; i++) {
		s = tp_expect_after(t, rto);
		/* Only the head goes (cwnd 1 in loss), the same bytes. */
		tp_check(s, TCPHDR_ACK, seq, p.seq, 1448);
		tp_check_pattern(s, 0);
		tp_expect_none();
		assert_int_equal(tp->snd_cwnd, 1);
		assert_int_equal(tp->ca_state, TCP_CA_Loss);
		assert_int_equal(tp->backoff, i + 1);
		t = s->when;
		rto *= 2;
		assert_int_equal(tp->rto_ms, rto);
	}
	assert_int_equal(tcp_mib.tcp_timeouts, 6);
	/* The ACK of the head (Karn: no RTT sample from it, timestamps off
	 * for the echo) resets the back-off, sends the rest. */
	p.ack = seq + 1448;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->backoff, 0);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 1448, p.seq, 552);
	tp_check_pattern(s, 1448);
}

/* Karn (RFC 6298 3): an ACK for a retransmitted segment gives no RTT
 * sample (no timestamps to tell the copies apart); a fresh segment does. */
static void test_karn(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p;
	int fd;
	struct tcp_sock *tp;
	const struct tp_seg *s;
	uint32_t seq, srtt;

	(void)state;
	o.ts = false;
	fd = establish(&p, &o, 10);
	tp = tp_sk(fd);
	seq = p.iss + 1;
	srtt = tp->srtt_us;
	assert_int_equal(tp_sendbuf(fd, "abcd", 4), 4);
	s = tp_expect();
	s = tp_expect_after(s->when, tp->rto_ms);
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq, p.seq, 4);
	/* The ACK 100 ms after the retransmission (it may be for the first
	 * copy, sent 310 ms before): neither is a valid sample. */
	tp_advance(100);
	p.ack = seq + 4;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->srtt_us, srtt);
	assert_int_equal(tp->rto_ms, 2 * (10 + TCP_RTO_MIN_MS));	/* still backed off */
	/* A new segment ACKed after 30 ms: srtt = 7/8 * 10 + 1/8 * 30 ms. */
	assert_int_equal(tp_sendbuf(fd, "efgh", 4), 4);
	s = tp_expect();
	tp_check(s, TCPHDR_ACK | TCPHDR_PSH, seq + 4, p.seq, 4);
	tp_advance(30);
	p.ack = seq + 8;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp->srtt_us >> 3, 12500);
	assert_true(tp->rto_ms < 2 * (10 + TCP_RTO_MIN_MS));
	assert_true(tp->rto_ms >= TCP_RTO_MIN_MS);
}

/* RFC 3042 limited transmit: with the cwnd full, each of the first two
 * duplicate ACKs lets one new segment out. opts: SACK or not. */
static void limited_transmit(bool sack)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p;
	int fd;
	struct tcp_sock *tp;
	uint32_t base, mss;
	const struct tp_seg *s;

	o.sack_perm = sack;
	fd = establish(&p, &o, 20);
	tp = tp_sk(fd);
	base = p.iss + 1;
	mss = tp->mss_cache;
	tp_fill_pattern(buf, 0, 20 * mss);
	assert_int_equal(tp_sendbuf(fd, buf, 20 * mss), 20 * mss);
	while (tp_pending())
		tp_saw(&p, tp_expect());
	assert_int_equal(tp->packets_out, 10);
	for (uint32_t k = 1; k <= 2; k++) {
		uint32_t blocks[1][2] = { { base + mss, base + (1 + k) * mss } };

		if (sack)
			tp_send_sack(&p, 1, (const uint32_t(*)[2])blocks);
		else
			tp_send(&p, TCPHDR_ACK, NULL, 0);
		s = tp_expect();
		tp_check(s, TCPHDR_ACK, base + (9 + k) * mss, p.seq, mss);
		tp_expect_none();
	}
	assert_int_equal(tp->total_retrans, 0);
}

static void test_limited_transmit_sack(void **state)
{
	(void)state;
	limited_transmit(true);
}

/* Without SACK the duplicate ACKs themselves leave the pipe (Linux's
 * tcp_add_reno_sack). */
static void test_limited_transmit_newreno(void **state)
{
	(void)state;
	limited_transmit(false);
}

/* RFC 5681 3.2 + RFC 6582 (SACK off): the third duplicate ACK retransmits
 * the first unACKed segment; the partial ACK that follows retransmits the
 * next hole at once; each lost segment goes exactly twice, nothing else is
 * resent, no timeout; recovery ends at ssthresh. */
static void test_fast_retransmit_newreno(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	const unsigned int drop[] = { 0, 3 };
	struct tp_rx m;
	struct tcp_sock *tp;
	int fd;

	(void)state;
	o.sack_perm = false;
	fd = tp_rx_loss(&o, &m, drop, ARRAY_SIZE(drop));
	tp = tp_sk(fd);
	assert_int_equal(m.dupacks_at_first_retx, 3);
	for (unsigned int i = 0; i < m.nseg; i++)
		assert_int_equal(m.retx[i], i == 0 || i == 3 ? 1 : 0);
	assert_int_equal(tcp_mib.tcp_timeouts, 0);
	assert_int_equal(tcp_mib.tcp_reno_recovery, 1);
	assert_int_equal(tcp_mib.tcp_sack_recovery, 0);
	assert_int_equal(tp->ca_state, TCP_CA_Open);
	/* CUBIC's multiplicative decrease from the cwnd of 10: 10 * 0.7. */
	assert_int_equal(tp->snd_ssthresh, 7);
	assert_true(tp->snd_cwnd >= tp->snd_ssthresh);
}


/* RFC 6675 with one hole: the SACKed segments are never resent. */
static void test_sack_recovery_one_hole(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	const unsigned int drop[] = { 2 };
	struct tp_rx m;
	struct tcp_sock *tp;
	int fd;

	(void)state;
	fd = tp_rx_loss(&o, &m, drop, ARRAY_SIZE(drop));
	tp = tp_sk(fd);
	for (unsigned int i = 0; i < m.nseg; i++)
		assert_int_equal(m.retx[i], i == 2 ? 1 : 0);
	/* Entered on the third SACKed segment above the hole (DupThresh). */
	assert_int_equal(m.dupacks_at_first_retx, 3);
	assert_int_equal(tcp_mib.tcp_timeouts, 0);
	assert_int_equal(tcp_mib.tcp_sack_recovery, 1);
	assert_int_equal(tp->ca_state, TCP_CA_Open);
	assert_int_equal(tp->sacked_out, 0);
	assert_int_equal(tp->retrans_out, 0);
	assert_int_equal(tp->lost_out, 0);
}

/* RFC 6675 with three holes in one window: each hole once, in one recovery
 * episode, nothing SACKed resent. */
static void test_sack_recovery_several_holes(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	const unsigned int drop[] = { 1, 3, 5 };
	struct tp_rx m;
	int fd;

	(void)state;
	fd = tp_rx_loss(&o, &m, drop, ARRAY_SIZE(drop));
	for (unsigned int i = 0; i < m.nseg; i++)
		assert_int_equal(m.retx[i], i == 1 || i == 3 || i == 5 ? 1 : 0);
	assert_int_equal(tcp_mib.tcp_timeouts, 0);
	assert_int_equal(tcp_mib.tcp_sack_recovery, 1);
	assert_int_equal(tp_sk(fd)->ca_state, TCP_CA_Open);
}

/* After an RTO with SACK, the SACKed segments stay SACKed: only the holes
 * go again (RFC 6675 5.1). */
static void test_rto_keeps_sacked(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	struct tp_peer p;
	int fd = establish(&p, &o, 20);
	struct tcp_sock *tp = tp_sk(fd);
	uint32_t base = p.iss + 1, mss = tp->mss_cache;
	uint32_t blocks[1][2] = { { base + mss, base + 2 * mss } };
	const struct tp_seg *s;
	unsigned int seen = 0;

	(void)state;
	tp_fill_pattern(buf, 0, 3 * mss);
	assert_int_equal(tp_sendbuf(fd, buf, 3 * mss), 3 * mss);
	tp_discard();
	/* Only the middle segment arrived: one SACK, not enough for recovery. */
	tp_send_sack(&p, 1, (const uint32_t(*)[2])blocks);
	tp_expect_none();
	s = tp_expect_after(tp_now(), tp->rto_ms);
	tp_check(s, TCPHDR_ACK, base, p.seq, mss);
	assert_int_equal(tp->ca_state, TCP_CA_Loss);
	/* The head ACKed: the third goes, the SACKed second does not. */
	p.ack = base + mss;
	tp_send_sack(&p, 1, (const uint32_t(*)[2])blocks);
	while (tp_pending()) {
		s = tp_expect();
		assert_int_not_equal(s->seq, base + mss);
		if (s->seq == base + 2 * mss)
			seen++;
	}
	assert_int_equal(seen, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rto_from_first_sample, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_rto_minimum_and_backoff, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_karn, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_limited_transmit_sack, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_limited_transmit_newreno, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_fast_retransmit_newreno, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_sack_recovery_one_hole, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_sack_recovery_several_holes, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_rto_keeps_sacked, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
