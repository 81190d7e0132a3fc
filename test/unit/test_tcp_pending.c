/* TCP scenarios that fail because of a core bug (each listed in
 * /work/notes/tcp_bugs.md with its number). Not run by `make test`: its
 * .mk is test/unit/tcp_pending.mk.off. Build and run by hand with
 *   make -f Makefile -f test/unit/tcp_pending.mk.off build/unit/tcp_pending
 * A test moves into its real suite once the core passes it. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"

/* Bug 3. RFC 5681 3.2 + RFC 6582 (SACK off): the third duplicate ACK retransmits
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

/* Bug 4. RFC 3042 limited transmit without SACK (Linux counts duplicate
 * ACKs as SACKed segments for the pipe): with the cwnd full, each of the
 * first two duplicate ACKs lets one new segment out. */
static void test_limited_transmit_newreno(void **state)
{
	static uint8_t buf[20 * 1448];
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(8080, 16);
	struct tp_peer p = tp_peer_make(40000, 8080, 7000000);
	struct tcp_sock *tp;
	const struct tp_seg *s;
	uint32_t base, mss;
	int fd;

	(void)state;
	o.sack_perm = false;
	p.rtt_ms = 20;
	fd = tp_passive_open(&p, lfd, &o, NULL);
	tp = tp_sk(fd);
	base = p.iss + 1;
	mss = tp->mss_cache;
	tp_fill_pattern(buf, 0, 20 * mss);
	assert_int_equal(tp_sendbuf(fd, buf, 20 * mss), 20 * mss);
	while (tp_pending())
		tp_saw(&p, tp_expect());
	for (uint32_t k = 1; k <= 2; k++) {
		tp_send(&p, TCPHDR_ACK, NULL, 0);
		s = tp_expect();
		tp_check(s, TCPHDR_ACK, base + (9 + k) * mss, p.seq, mss);
		tp_expect_none();
	}
}

/* Bug 5. RFC 9293 3.10.7.4 (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK
 * updates the window) and Linux's tcp_may_update_window (same seq: a larger
 * window or a zero one): a pure window update closing the window to zero,
 * with the same seq and ack as the last segment, stops the sender. */
static void test_zero_window_update_same_seq(void **state)
{
	struct tp_opts o = tp_linux_syn_opts();
	int lfd = tp_listen(8080, 16);
	struct tp_peer p = tp_peer_make(40000, 8080, 1000);
	int fd;

	(void)state;
	fd = tp_passive_open(&p, lfd, &o, NULL);
	p.win = 0;
	tp_send(&p, TCPHDR_ACK, NULL, 0);
	assert_int_equal(tp_sk(fd)->snd_wnd, 0);
	assert_int_equal(tp_sendbuf(fd, "abc", 3), 3);
	tp_expect_none();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fast_retransmit_newreno, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_limited_transmit_newreno, tp_setup, tp_teardown),
		cmocka_unit_test_setup_teardown(test_zero_window_update_same_seq, tp_setup, tp_teardown),
	};

	return cmocka_run_group_tests(tests, tp_group_setup, tp_group_teardown);
}
