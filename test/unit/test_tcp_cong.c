/* Congestion control: the registry and its selection (tcp_cc= and the shell
 * command), RFC 5681's slow start and additive increase counted exactly,
 * NewReno's halving, and CUBIC against RFC 9438's curve computed here in
 * double precision: the concave and convex regions, fast convergence, the
 * Reno-friendly region, the idle shift and the reset after a timeout. Time is
 * this file's tcp_jiffies32(). */
#include <string.h>
#include "host_support.h"
#include "shell_run.h"
#include "kernel/cmdline.h"
#include "net/tcp_cong.h"

#define MSS 1448u

static uint32_t now_ms;

uint32_t tcp_jiffies32(void)
{
	return now_ms;
}

static struct tcp_sock tsk;

/* A connection of `ops` with cwnd and ssthresh set and a full window in
 * flight, so every ACK finds it cwnd-limited. */
static struct tcp_sock *conn(const struct tcp_congestion_ops *ops, uint32_t cwnd,
			     uint32_t ssthresh)
{
	struct tcp_sock *tp = &tsk;

	memset(tp, 0, sizeof(*tp));
	tp->mss_cache = MSS;
	tp->snd_una = tp->snd_nxt = tp->write_seq = 1000;
	tp->snd_wnd = 1u << 30;
	assert_int_equal(cmdline_parse_kparams(ops == &tcp_reno ? "tcp_cc=newreno" : "tcp_cc=cubic"),
			 0);
	tcp_init_congestion_control(tp);
	assert_ptr_equal(tp->ca_ops, ops);
	tp->snd_cwnd = cwnd;
	tp->snd_ssthresh = ssthresh;
	tp->packets_out = cwnd;
	return tp;
}

/* One ACK for `acked` segments, the window still full afterwards. */
static void ack(struct tcp_sock *tp, uint32_t acked)
{
	tp->packets_out = tp->snd_cwnd;
	tp->ca_ops->cong_avoid(tp, tp->snd_una, acked);
}

static int reset(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse_kparams("tcp_cc=cubic"), 0);
	printk_capture_reset();
	now_ms = 1000;
	return 0;
}

/* ---- RFC 9438's curve in double precision --------------------------------- */

static double cube_root(double x)
{
	double y = x > 1 ? x / 3 : 1;

	for (int i = 0; i < 200; i++)
		y -= (y * y * y - x) / (3 * y * y);
	return y;
}

/* W_cubic(t), t in seconds, after a reduction from w_max to cwnd_epoch. */
static double w_cubic(double t, double w_max, double cwnd_epoch)
{
	double k = cube_root((w_max - cwnd_epoch) / 0.4);
	double d = t - k;

	return 0.4 * d * d * d + w_max;
}

/* cwnd is within one segment of the curve's value w, plus what the curve
 * moves in a millisecond (t and K are whole ms) at t s with plateau at k s. */
static void assert_on_curve(uint32_t cwnd, double w, double t, double k)
{
	double slack = 1 + 1.2 * (t - k) * (t - k) / 1000;

	if (cwnd < w - slack || cwnd > w + slack)
		fail_msg("cwnd %u, the curve says %.3f (t %.3f s, K %.3f s)", cwnd, w, t, k);
}

/* A CUBIC connection that just lost at cwnd `w_loss` and was cut to the
 * ssthresh it returned; srtt_ms its RTT. The next ACK starts the epoch. */
static struct tcp_sock *cubic_after_loss(uint32_t w_loss, uint32_t srtt_ms)
{
	struct tcp_sock *tp = conn(&cubictcp, w_loss, UINT32_MAX);

	tp->srtt_us = srtt_ms * 1000 * 8;
	tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
	tp->snd_cwnd = tp->snd_ssthresh;
	return tp;
}

/* ---- registry and selection ---------------------------------------------- */

static void test_registry(void **state)
{
	struct tcp_sock *tp = &tsk;

	(void)state;
	assert_ptr_equal(tcp_ca_find("cubic"), &cubictcp);
	assert_ptr_equal(tcp_ca_find("newreno"), &tcp_reno);
	assert_null(tcp_ca_find("reno"));
	assert_null(tcp_ca_find(""));
	assert_ptr_equal(tcp_ca_default(), &cubictcp);
	assert_string_equal(tcp_reno.name, "newreno");
	assert_string_equal(cubictcp.name, "cubic");

	/* init zeroes the private state and gives an unset clamp no limit. */
	memset(tp, 0xa5, sizeof(*tp));
	tp->ca_ops = NULL;
	tp->snd_cwnd_clamp = 0;
	tcp_init_congestion_control(tp);
	assert_ptr_equal(tp->ca_ops, &cubictcp);
	for (size_t i = 0; i < ARRAY_SIZE(tp->ca_priv); i++)
		assert_int_equal(tp->ca_priv[i], 0);
	assert_int_equal(tp->snd_cwnd_clamp, UINT32_MAX);
	tp->snd_cwnd_clamp = 77;
	tcp_init_congestion_control(tp);
	assert_int_equal(tp->snd_cwnd_clamp, 77);

	/* One chosen before (TCP_CONGESTION) stays; its state starts clean. */
	tp->ca_ops = &tcp_reno;
	tp->ca_priv[3] = 9;
	tcp_init_congestion_control(tp);
	assert_ptr_equal(tp->ca_ops, &tcp_reno);
	assert_int_equal(tp->ca_priv[3], 0);
}

static void test_cmdline_word(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse_kparams("tcp_cc=newreno"), 0);
	assert_ptr_equal(tcp_ca_default(), &tcp_reno);
	assert_int_equal(printk_capture_lines(), 0);
	assert_int_equal(cmdline_parse_kparams("tcp_cc=cubic"), 0);
	assert_ptr_equal(tcp_ca_default(), &cubictcp);

	/* A bad name: one warning naming it, the default kept. */
	assert_int_equal(cmdline_parse_kparams("tcp_cc=vegas"), 1);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "'vegas' for tcp_cc"));
	assert_non_null(strstr(printk_capture, "cubic|newreno"));
	assert_non_null(strstr(printk_capture, "using default cubic"));
	assert_ptr_equal(tcp_ca_default(), &cubictcp);
	printk_capture_reset();
	assert_int_equal(cmdline_parse_kparams("tcp_cc"), 1);
	assert_int_equal(printk_capture_lines(), 1);
	assert_ptr_equal(tcp_ca_default(), &cubictcp);
}

static void test_shell_command(void **state)
{
	struct tcp_sock *tp = &tsk;

	(void)state;
	assert_int_equal(run_cmd("tcp_cc"), 0);
	assert_string_equal(printk_capture,
			    "tcp_cc: cubic for new connections, available: cubic newreno\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("tcp_cc newreno"), 0);
	assert_string_equal(printk_capture,
			    "tcp_cc: newreno for new connections, available: cubic newreno\n");
	assert_ptr_equal(tcp_ca_default(), &tcp_reno);
	memset(tp, 0, sizeof(*tp));
	tcp_init_congestion_control(tp);
	assert_ptr_equal(tp->ca_ops, &tcp_reno);

	printk_capture_reset();
	assert_int_equal(run_cmd("tcp_cc bbr"), -1);
	assert_string_equal(printk_capture,
			    "tcp_cc: unknown algorithm 'bbr', available: cubic newreno\n");
	assert_ptr_equal(tcp_ca_default(), &tcp_reno);
	assert_int_equal(run_cmd("tcp_cc cubic newreno"), -1);
	assert_ptr_equal(tcp_ca_default(), &tcp_reno);
}

static void test_hooks_through_the_stack_calls(void **state)
{
	struct tcp_sock *tp = conn(&cubictcp, 10, 5);

	(void)state;
	tp->ca_priv[0] = 42;
	tcp_set_ca_state(tp, TCP_CA_Recovery);
	assert_int_equal(tp->ca_state, TCP_CA_Recovery);
	assert_int_equal(tp->ca_priv[0], 42);
	tcp_set_ca_state(tp, TCP_CA_Loss);	/* CUBIC forgets its curve */
	assert_int_equal(tp->ca_state, TCP_CA_Loss);
	assert_int_equal(tp->ca_priv[0], 0);

	/* NewReno has neither hook: the stack's calls just store the state. */
	tp = conn(&tcp_reno, 10, 5);
	tcp_ca_event(tp, CA_EVENT_TX_START);
	tcp_set_ca_state(tp, TCP_CA_Disorder);
	assert_int_equal(tp->ca_state, TCP_CA_Disorder);
	assert_int_equal(tp->snd_cwnd, 10);
}

/* ---- RFC 5681 ---------------------------------------------------------------- */

static void test_slow_start_exact(void **state)
{
	struct tcp_sock *tp = conn(&tcp_reno, TCP_INIT_CWND, 1000);

	(void)state;
	/* Each ACKed segment adds one: a window of ACKs doubles the window. */
	for (int rtt = 0; rtt < 4; rtt++) {
		uint32_t start = tp->snd_cwnd;

		for (uint32_t i = 0; i < start / 2; i++) {
			ack(tp, 2);
			assert_int_equal(tp->snd_cwnd, start + 2 * (i + 1));
		}
		assert_int_equal(tp->snd_cwnd, 2 * start);
	}
	assert_int_equal(tp->snd_cwnd, 160);
	assert_int_equal(tp->snd_cwnd_cnt, 0);

	/* Stopping at ssthresh: the rest is left over for additive increase. */
	tp->snd_cwnd = 98;
	tp->snd_ssthresh = 100;
	assert_int_equal(tcp_slow_start(tp, 5), 3);
	assert_int_equal(tp->snd_cwnd, 100);
	assert_int_equal(tcp_slow_start(tp, 4), 4);
	assert_int_equal(tp->snd_cwnd, 100);

	/* Through NewReno the leftover is counted toward the next segment. */
	tp->snd_cwnd = 98;
	ack(tp, 5);
	assert_int_equal(tp->snd_cwnd, 100);
	assert_int_equal(tp->snd_cwnd_cnt, 3);
}

static void test_additive_increase_exact(void **state)
{
	struct tcp_sock *tp = conn(&tcp_reno, 20, 10);

	(void)state;
	/* One segment per window of ACKed segments, 1 or 3 at a time. */
	for (int i = 0; i < 19; i++)
		ack(tp, 1);
	assert_int_equal(tp->snd_cwnd, 20);
	ack(tp, 1);
	assert_int_equal(tp->snd_cwnd, 21);
	assert_int_equal(tp->snd_cwnd_cnt, 0);
	for (int i = 0; i < 7; i++)
		ack(tp, 3);
	assert_int_equal(tp->snd_cwnd, 22);
	assert_int_equal(tp->snd_cwnd_cnt, 0);
	for (uint32_t rtt = 0; rtt < 50; rtt++) {
		uint32_t w = tp->snd_cwnd;

		for (uint32_t i = 0; i < w; i++)
			ack(tp, 1);
		assert_int_equal(tp->snd_cwnd, w + 1);
	}

	/* The building block: several segments at once, and a carry from a
	 * larger window becomes one segment, not a jump. */
	tp->snd_cwnd = 10;
	tp->snd_cwnd_cnt = 0;
	tcp_cong_avoid_ai(tp, 10, 35);
	assert_int_equal(tp->snd_cwnd, 13);
	assert_int_equal(tp->snd_cwnd_cnt, 5);
	tp->snd_cwnd_cnt = 50;
	tcp_cong_avoid_ai(tp, 10, 2);
	assert_int_equal(tp->snd_cwnd, 14);
	assert_int_equal(tp->snd_cwnd_cnt, 2);
	tp->snd_cwnd_cnt = UINT32_MAX - 1;
	tcp_cong_avoid_ai(tp, UINT32_MAX, 5);
	assert_int_equal(tp->snd_cwnd, 15);
}

static void test_clamp(void **state)
{
	struct tcp_sock *tp = conn(&tcp_reno, 10, 100);

	(void)state;
	tp->snd_cwnd_clamp = 15;
	ack(tp, 10);
	assert_int_equal(tp->snd_cwnd, 15);
	tp->snd_ssthresh = 10;
	for (int i = 0; i < 100; i++)
		ack(tp, 1);
	assert_int_equal(tp->snd_cwnd, 15);

	/* CUBIC: the curve's region and the Reno-friendly one. */
	tp = cubic_after_loss(100, 100);
	tp->snd_cwnd_clamp = 71;
	ack(tp, 70);			/* the curve says 72 */
	assert_int_equal(tp->snd_cwnd, 71);
	now_ms += 1000;
	ack(tp, 71);
	assert_int_equal(tp->snd_cwnd, 71);
	tp = cubic_after_loss(20, 1);
	tp->snd_cwnd_clamp = 30;
	for (int i = 0; i < 100; i++) {
		now_ms += 1;
		ack(tp, tp->snd_cwnd);
	}
	assert_int_equal(tp->snd_cwnd, 30);
	tp->snd_cwnd = 10;
	tp->snd_ssthresh = 50;
	ack(tp, 40);
	assert_int_equal(tp->snd_cwnd, 30);
}

static void test_reno_ssthresh_and_undo(void **state)
{
	struct tcp_sock *tp = conn(&tcp_reno, 100, 1000);

	(void)state;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 50);
	tp->snd_cwnd = 101;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 50);
	tp->snd_cwnd = 3;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 2);
	tp->snd_cwnd = 1;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 2);

	tp->snd_cwnd = 40;
	tp->prior_cwnd = 80;
	assert_int_equal(tp->ca_ops->undo_cwnd(tp), 80);
	tp->prior_cwnd = 10;
	assert_int_equal(tp->ca_ops->undo_cwnd(tp), 40);
	assert_ptr_equal(cubictcp.undo_cwnd, tcp_reno_undo_cwnd);
}

static void test_cwnd_limited(void **state)
{
	struct tcp_sock *tp = conn(&tcp_reno, 20, 10);

	(void)state;
	assert_true(tcp_is_cwnd_limited(tp));
	/* SACKed and lost segments are not in flight; retransmissions are. */
	tp->sacked_out = 4;
	tp->lost_out = 2;
	assert_false(tcp_is_cwnd_limited(tp));
	tp->retrans_out = 6;
	assert_true(tcp_is_cwnd_limited(tp));

	/* Application-limited: a few segments out, nothing waiting. */
	tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
	tp->packets_out = 2;
	assert_false(tcp_is_cwnd_limited(tp));
	tp->ca_ops->cong_avoid(tp, tp->snd_una, 2);
	assert_int_equal(tp->snd_cwnd, 20);
	assert_int_equal(tp->snd_cwnd_cnt, 0);

	/* A full segment waits and the peer's window would take it. */
	tp->write_seq = tp->snd_nxt + MSS;
	assert_true(tcp_is_cwnd_limited(tp));
	/* ... but the peer's window is what holds it. */
	tp->snd_wnd = tp->snd_nxt - tp->snd_una + MSS - 1;
	assert_false(tcp_is_cwnd_limited(tp));
	tp->snd_wnd = 1u << 30;
	/* A sub-MSS tail (Nagle, cork) is not the window's doing. */
	tp->write_seq = tp->snd_nxt + MSS - 1;
	assert_false(tcp_is_cwnd_limited(tp));

	/* Slow start grows while half the window is in flight. */
	tp->snd_ssthresh = 100;
	tp->packets_out = 10;
	assert_true(tcp_is_cwnd_limited(tp));
	tp->packets_out = 9;
	assert_false(tcp_is_cwnd_limited(tp));
	tp->ca_ops->cong_avoid(tp, tp->snd_una, 2);
	assert_int_equal(tp->snd_cwnd, 20);
}

/* ---- CUBIC --------------------------------------------------------------------- */

static void test_cubic_ssthresh(void **state)
{
	struct tcp_sock *tp = conn(&cubictcp, 100, UINT32_MAX);

	(void)state;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 70);
	tp->snd_cwnd = 1000;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 700);
	tp->snd_cwnd = 2;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 2);
	tp->snd_cwnd = 3000000000u;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 2100000000u);
}

/* One ACK for a whole window at epoch time t moves cwnd exactly to the
 * target W_cubic(t + RTT): check it at points on both sides of K. */
static void test_cubic_follows_the_curve(void **state)
{
	static const struct {
		uint32_t w_loss, rtt_ms;
	} cases[] = { { 100, 100 }, { 1000, 50 }, { 1000000, 20 } };

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		double w_max = cases[c].w_loss, w_epoch = cases[c].w_loss * 7 / 10;
		double k = cube_root((w_max - w_epoch) / 0.4);
		struct tcp_sock *tp = cubic_after_loss(cases[c].w_loss, cases[c].rtt_ms);
		uint32_t epoch = now_ms;

		assert_int_equal(tp->snd_cwnd, (uint32_t)w_epoch);
		ack(tp, 0);	/* the epoch begins, nothing grows */
		assert_int_equal(tp->snd_cwnd, (uint32_t)w_epoch);
		for (double f = 0.3; f < 1.8; f += 0.1) {
			uint32_t t_ms = (uint32_t)(k * f * 1000);
			double t = t_ms / 1000.0 + cases[c].rtt_ms / 1000.0;
			double want = w_cubic(t, w_max, w_epoch);
			/* A window below the target, far enough below for the
			 * 1.5 x cwnd limit not to apply, above ssthresh. */
			uint32_t cwnd = (uint32_t)(want * 0.9);

			assert_true(cwnd >= tp->snd_ssthresh);
			now_ms = epoch + t_ms;
			tp->snd_cwnd = cwnd;
			ack(tp, cwnd);
			assert_on_curve(tp->snd_cwnd, want, t, k);
		}
		/* Past the limit: at most 1.5 x cwnd in one window. */
		now_ms = epoch + (uint32_t)(k * 2500);
		tp->snd_cwnd = (uint32_t)w_epoch;
		ack(tp, tp->snd_cwnd);
		assert_int_equal(tp->snd_cwnd, (uint32_t)w_epoch + (uint32_t)w_epoch / 2);
	}
}

/* ACK-clocked, one window an RTT: growth slows toward W_max (concave), the
 * window stays near W_max around K, then growth speeds up (convex). */
static void test_cubic_concave_then_convex(void **state)
{
	const uint32_t rtt = 100;
	struct tcp_sock *tp = cubic_after_loss(1000, rtt);
	const double k = cube_root(300 / 0.4);	/* 9.08 s */
	uint32_t epoch = now_ms, cwnd[160];

	(void)state;
	for (int i = 0; i < 160; i++) {
		double t = i * rtt / 1000.0, want;

		now_ms = epoch + (uint32_t)i * rtt;
		ack(tp, tp->snd_cwnd);
		cwnd[i] = tp->snd_cwnd;
		want = w_cubic(t + rtt / 1000.0, 1000, 700);
		assert_on_curve(cwnd[i], want, t + rtt / 1000.0, k);
		if (i)
			assert_true(cwnd[i] >= cwnd[i - 1]);
	}
	/* The growth per second in the first second, the second before K,
	 * the second after K, and the sixth second after. */
	uint32_t kr = (uint32_t)(k * 10);
	uint32_t g0 = cwnd[10] - cwnd[0], g_before = cwnd[kr] - cwnd[kr - 10];
	uint32_t g_after = cwnd[kr + 10] - cwnd[kr], g_late = cwnd[kr + 60] - cwnd[kr + 50];

	assert_true(g0 > 5 * g_before);
	assert_true(g_before <= 2);
	assert_true(g_after <= 2);
	assert_true(g_late > 5 * g_after);
	assert_true(cwnd[kr - 1] <= 1000);
	assert_true(cwnd[kr + 1] >= 999);
}

/* A loss before the window got back to W_max sets W_max lower: the curve
 * flattens at (1 + beta) / 2 of the window, not at it. */
static void test_cubic_fast_convergence(void **state)
{
	struct tcp_sock *tp = cubic_after_loss(100, 100);
	uint32_t epoch;
	double k;

	(void)state;
	tp->snd_cwnd = 80;
	tp->snd_ssthresh = tp->ca_ops->ssthresh(tp);
	assert_int_equal(tp->snd_ssthresh, 56);
	tp->snd_cwnd = 56;
	ack(tp, 0);
	epoch = now_ms;
	/* W_max 68: the plateau at t = K = cbrt(12 / 0.4). */
	k = cube_root(12 / 0.4);
	now_ms = epoch + (uint32_t)(k * 1000) - 100;
	ack(tp, 56);
	assert_int_equal(tp->snd_cwnd, 68);
	/* Without fast convergence it would be near 80 by then. */
	assert_true(w_cubic(k, 80, 56) > 79);

	/* A loss at or above W_max takes the window as the new W_max. */
	tp = cubic_after_loss(100, 100);
	tp->snd_cwnd = 120;
	assert_int_equal(tp->ca_ops->ssthresh(tp), 84);
	tp->snd_cwnd = 84;
	ack(tp, 0);
	epoch = now_ms;
	k = cube_root(36 / 0.4);
	now_ms = epoch + (uint32_t)(k * 1000) - 100;
	ack(tp, 84);
	assert_int_equal(tp->snd_cwnd, 120);
}

/* At a 1 ms RTT the curve hardly moves per RTT; Reno's estimate, 9/17 of a
 * segment an RTT until it reaches cwnd_prior and one after, is the window. */
static void test_cubic_reno_friendly(void **state)
{
	struct tcp_sock *tp = cubic_after_loss(20, 1);
	uint32_t epoch = now_ms;
	double est = 14;

	(void)state;
	for (int i = 1; i <= 300; i++) {
		double t = i / 1000.0;

		now_ms = epoch + (uint32_t)i;
		ack(tp, tp->snd_cwnd);
		est += est >= 20 ? 1.0 : 9.0 / 17.0;
		assert_true(tp->snd_cwnd >= (uint32_t)est - 1);
		assert_true(tp->snd_cwnd <= (uint32_t)est + 1);
		assert_true(tp->snd_cwnd > w_cubic(t, 20, 14) || tp->snd_cwnd == 14);
	}
	assert_true(tp->snd_cwnd > 250);

	/* alpha_cubic exactly: 9/17 of a segment an RTT from 140 until the
	 * estimate reaches cwnd_prior (200), 113 RTTs on. */
	tp = cubic_after_loss(200, 1);
	epoch = now_ms;
	for (uint32_t n = 1; n <= 130; n++) {
		now_ms = epoch + n;
		ack(tp, tp->snd_cwnd);
		if (n < 113 && n % 17)
			assert_int_equal(tp->snd_cwnd, 140 + n * 9 / 17);
	}
	assert_in_range(tp->snd_cwnd, 216, 218);

	/* With a long RTT the curve is ahead (the estimate would be near 17
	 * after six RTTs) and the window is the curve's. */
	tp = cubic_after_loss(20, 500);
	epoch = now_ms;
	for (int i = 0; i < 6; i++) {
		now_ms = epoch + (uint32_t)i * 500;
		ack(tp, tp->snd_cwnd);
	}
	assert_on_curve(tp->snd_cwnd, w_cubic(3.0, 20, 14), 3.0, cube_root(15));
	assert_true(tp->snd_cwnd >= 19);
}

/* Sending again after an idle period shifts the epoch by the idle time. */
static void test_cubic_idle_shifts_the_epoch(void **state)
{
	struct tcp_sock *tp = cubic_after_loss(1000, 50);
	uint32_t epoch;

	(void)state;
	ack(tp, 0);
	epoch = now_ms;
	now_ms = epoch + 2000;
	tp->snd_cwnd = 700;
	tp->lsndtime = now_ms;
	now_ms += 30000;		/* 30 s idle: the curve would be far past K */
	tcp_ca_event(tp, CA_EVENT_TX_START);
	ack(tp, 700);
	assert_on_curve(tp->snd_cwnd, w_cubic(2.05, 1000, 700), 2.05, cube_root(750));

	/* Other events, and one before any epoch, leave it alone. */
	tp = cubic_after_loss(1000, 50);
	tp->lsndtime = now_ms;
	now_ms += 5000;
	tcp_ca_event(tp, CA_EVENT_TX_START);
	ack(tp, 0);
	epoch = now_ms;
	tp->lsndtime = epoch;
	now_ms += 1000;
	tcp_ca_event(tp, CA_EVENT_CWND_RESTART);
	tcp_ca_event(tp, CA_EVENT_LOSS);
	now_ms += 1000;
	tcp_ca_event(tp, CA_EVENT_COMPLETE_CWR);
	tp->snd_cwnd = 700;
	ack(tp, 700);
	assert_on_curve(tp->snd_cwnd, w_cubic(2.05, 1000, 700), 2.05, cube_root(750));
}

/* After a timeout the first epoch has K = 0 from the window it starts at
 * (RFC 9438 4.8): convex at once, no plateau at the old W_max. */
static void test_cubic_timeout_resets(void **state)
{
	struct tcp_sock *tp = cubic_after_loss(100, 100);
	uint32_t epoch;

	(void)state;
	tcp_set_ca_state(tp, TCP_CA_Loss);
	tp->snd_cwnd = 1;
	/* Slow start to ssthresh (70) runs first; the epoch starts above it. */
	ack(tp, 69);
	assert_int_equal(tp->snd_cwnd, 70);
	ack(tp, 0);
	epoch = now_ms;
	now_ms = epoch + 2000;
	ack(tp, 70);
	assert_on_curve(tp->snd_cwnd, 70 + 0.4 * 2.1 * 2.1 * 2.1, 2.1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registry, reset),
		cmocka_unit_test_setup(test_cmdline_word, reset),
		cmocka_unit_test_setup(test_shell_command, reset),
		cmocka_unit_test_setup(test_hooks_through_the_stack_calls, reset),
		cmocka_unit_test_setup(test_slow_start_exact, reset),
		cmocka_unit_test_setup(test_additive_increase_exact, reset),
		cmocka_unit_test_setup(test_clamp, reset),
		cmocka_unit_test_setup(test_reno_ssthresh_and_undo, reset),
		cmocka_unit_test_setup(test_cwnd_limited, reset),
		cmocka_unit_test_setup(test_cubic_ssthresh, reset),
		cmocka_unit_test_setup(test_cubic_follows_the_curve, reset),
		cmocka_unit_test_setup(test_cubic_concave_then_convex, reset),
		cmocka_unit_test_setup(test_cubic_fast_convergence, reset),
		cmocka_unit_test_setup(test_cubic_reno_friendly, reset),
		cmocka_unit_test_setup(test_cubic_idle_shifts_the_epoch, reset),
		cmocka_unit_test_setup(test_cubic_timeout_resets, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
