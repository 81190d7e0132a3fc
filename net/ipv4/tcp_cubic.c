/* CUBIC congestion control (RFC 9438), Linux's default.
 *
 * After a loss the window follows W_cubic(t) = C * (t - K)^3 + W_max: it
 * climbs fast, flattens as it nears W_max, the window at the last loss
 * (concave region), then probes beyond it ever faster (convex region). A
 * Reno-friendly estimate W_est keeps CUBIC at least as fast as Reno where
 * the cubic curve is slow: small RTTs and small windows.
 *
 * Constants: beta_cubic = 0.7 (7/10), C = 0.4 (2/5 segment/s^3). Time is in
 * ms from tcp_jiffies32(). Integer arithmetic only, the kernel keeps no FPU
 * state for its own code: with t and K in ms, C * d^3 = d^3 / 2.5e9 segments.
 *
 * HyStart (RFC 9406) is not implemented: slow start runs to ssthresh (or to
 * the first loss) as RFC 5681 has it. */
#include <string.h>
#include "net/tcp_cong.h"

#define CUBIC_BETA_NUM	7u		/* beta_cubic = 7/10 */
#define CUBIC_BETA_DEN	10u
/* alpha_cubic = 3 * (1 - beta) / (1 + beta) = 9/17 (RFC 9438 4.3); 1 once
 * W_est reaches cwnd_prior. Kept as the numerator over this denominator. */
#define CUBIC_ALPHA_NUM	9u
#define CUBIC_ALPHA_DEN	17u
/* 1 / C in ms^3 per segment: d ms off K move the curve d^3 / this segments. */
#define CUBIC_MS3_PER_SEG 2500000000ull
/* The largest |t - K| used: its cube stays within 64 bits. It is 35 min, on
 * either side of K: K itself only gets that far for W_max - cwnd_epoch of
 * about 3.7e9 segments, and beyond it the 1.5 x cwnd per RTT limit rules. */
#define CUBIC_MAX_OFFS_MS (1u << 21)

struct cubic {
	uint64_t w_est_fp;	/* Reno-friendly estimate, segments << 32 */
	uint64_t cwnd_carry;	/* growth owed, in 1/cwnd segments (RFC 9438 4.2's fraction) */
	uint32_t w_max;		/* W_max after fast convergence; 0: no loss remembered */
	uint32_t cwnd_prior;	/* cwnd when ssthresh was last set (alpha's switch) */
	uint32_t origin;	/* the curve's plateau this epoch: W_max, or cwnd_epoch */
	uint32_t k_ms;		/* K: from the epoch start to the plateau */
	uint32_t epoch_start;	/* tcp_jiffies32() when this congestion avoidance began */
	bool in_epoch;		/* origin, k_ms, epoch_start, w_est_fp, cwnd_carry are this epoch's */
};
_Static_assert(sizeof(struct cubic) <= sizeof(((struct tcp_sock *)0)->ca_priv),
	       "CUBIC's state fits in ca_priv");
_Static_assert(_Alignof(struct cubic) <= 8, "ca_priv is 8-byte aligned");

static struct cubic *cubic_ca(struct tcp_sock *tp)
{
	return (struct cubic *)tp->ca_priv;
}

/* floor(cbrt(x)), one result bit per step from the top three bits of x
 * down (Hacker's Delight 11-2): y2 tracks y^2 so each step adds a bit with
 * one compare. 22 steps, no division. */
static uint32_t cubic_cbrt(uint64_t x)
{
	uint64_t y = 0, y2 = 0;

	for (int s = 63; s >= 0; s -= 3) {
		uint64_t b;

		y2 <<= 2;
		y <<= 1;
		b = 3 * (y2 + y) + 1;		/* (y + 1)^3 - y^3, y doubled */
		if ((x >> s) >= b) {
			x -= b << s;
			y2 += 2 * y + 1;
			y++;
		}
	}
	return (uint32_t)y;
}

/* RFC 9438 (1): W_cubic at t ms into the epoch, in segments. */
static uint64_t cubic_w(const struct cubic *ca, uint64_t t)
{
	uint64_t d = t < ca->k_ms ? ca->k_ms - t : t - ca->k_ms;
	uint64_t delta;

	d = MIN(d, (uint64_t)CUBIC_MAX_OFFS_MS);
	delta = (d * d * d + CUBIC_MS3_PER_SEG / 2) / CUBIC_MS3_PER_SEG;	/* nearest */
	if (t < ca->k_ms)
		return delta < ca->origin ? ca->origin - delta : 0;
	return ca->origin + delta;
}

/* RFC 9438 4.2: the first ACK of congestion avoidance starts the epoch at
 * the current window, cwnd_epoch, and places the plateau. */
static void cubic_epoch_begin(struct cubic *ca, struct tcp_sock *tp, uint32_t now)
{
	uint32_t cwnd = tp->snd_cwnd;

	ca->in_epoch = true;
	ca->epoch_start = now;
	ca->w_est_fp = (uint64_t)cwnd << 32;
	ca->cwnd_carry = 0;
	if (ca->w_max > cwnd) {
		/* K = cbrt((W_max - cwnd_epoch) / C), in ms. */
		ca->origin = ca->w_max;
		ca->k_ms = MIN(cubic_cbrt((uint64_t)(ca->w_max - cwnd) * CUBIC_MS3_PER_SEG),
			       CUBIC_MAX_OFFS_MS);
	} else {
		/* No plateau above (the first epoch after a timeout, RFC 9438
		 * 4.8, or slow start went past W_max): convex from here. */
		ca->origin = cwnd;
		ca->k_ms = 0;
	}
}

/* RFC 9438 4.3: W_est += alpha_cubic * acked / cwnd, in 32-bit fixed
 * point: the fraction survives cwnd changing between ACKs, and the floor
 * loses under 2^-32 segment an ACK. Returns W_est in whole segments. */
static uint32_t cubic_reno_estimate(struct cubic *ca, uint32_t cwnd, uint32_t acked)
{
	uint32_t alpha = (uint32_t)(ca->w_est_fp >> 32) >= ca->cwnd_prior ? CUBIC_ALPHA_DEN
									   : CUBIC_ALPHA_NUM;
	unsigned __int128 inc = ((unsigned __int128)acked * alpha << 32) /
				((uint64_t)CUBIC_ALPHA_DEN * MAX(cwnd, 1u));
	unsigned __int128 est = ca->w_est_fp + inc;

	ca->w_est_fp = est > ((unsigned __int128)UINT32_MAX << 32) ? (uint64_t)UINT32_MAX << 32
								     : (uint64_t)est;
	return (uint32_t)(ca->w_est_fp >> 32);
}

static void cubic_cong_avoid(struct tcp_sock *tp, uint32_t ack, uint32_t acked)
{
	struct cubic *ca = cubic_ca(tp);
	uint64_t t, target, cwnd, inc;
	uint32_t now, w_est;

	(void)ack;
	if (!tcp_is_cwnd_limited(tp))
		return;
	if (tcp_in_slow_start(tp)) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	now = tcp_jiffies32();
	if (!ca->in_epoch)
		cubic_epoch_begin(ca, tp, now);
	cwnd = MAX(tp->snd_cwnd, 1u);
	t = (uint32_t)(now - ca->epoch_start);

	w_est = cubic_reno_estimate(ca, tp->snd_cwnd, acked);
	if (cubic_w(ca, t) < w_est) {
		/* Reno-friendly region: Reno would be ahead, so be Reno. */
		if (w_est > tp->snd_cwnd)
			tp->snd_cwnd = MIN(w_est, tp->snd_cwnd_clamp);
		return;
	}

	/* Concave or convex region: aim at where the curve is one RTT on,
	 * at most 1.5 x cwnd, never below cwnd (no growth then). Each ACKed
	 * segment adds (target - cwnd) / cwnd; a window of them reaches the
	 * target. Capping acked at cwnd keeps one ACK from passing it. */
	target = cubic_w(ca, t + tp->srtt_us / 8 / 1000);
	if (target <= cwnd)
		return;
	target = MIN(target, cwnd + cwnd / 2);
	ca->cwnd_carry += (target - cwnd) * MIN((uint64_t)acked, cwnd);
	inc = ca->cwnd_carry / cwnd;
	ca->cwnd_carry -= inc * cwnd;
	tp->snd_cwnd = (uint32_t)MIN(cwnd + inc, (uint64_t)tp->snd_cwnd_clamp);
}

/* RFC 9438 4.6 and 4.7: a loss ends the epoch; W_max is the window it hit,
 * or with fast convergence, when the window did not get back to the last
 * W_max (more flows compete), (1 + beta) / 2 of it, to yield bandwidth. */
static uint32_t cubic_ssthresh(struct tcp_sock *tp)
{
	struct cubic *ca = cubic_ca(tp);
	uint32_t cwnd = tp->snd_cwnd;

	ca->in_epoch = false;
	if (cwnd < ca->w_max)
		ca->w_max = (uint32_t)((uint64_t)cwnd * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
				       (2 * CUBIC_BETA_DEN));
	else
		ca->w_max = cwnd;
	ca->cwnd_prior = cwnd;
	return MAX((uint32_t)((uint64_t)cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN), 2u);
}

/* RFC 9438 4.8: after a timeout the first epoch starts with K = 0 from the
 * window congestion avoidance begins with; nothing of the old curve stays. */
static void cubic_set_state(struct tcp_sock *tp, uint8_t new_state)
{
	if (new_state == TCP_CA_Loss)
		memset(cubic_ca(tp), 0, sizeof(struct cubic));
}

/* Sending again after an idle period: the time without ACKs is not time on
 * the curve, so the epoch moves forward by it, as Linux does, rather than
 * letting the window jump to where the curve went meanwhile. The stack
 * raises CA_EVENT_TX_START before it updates lsndtime for this send. */
static void cubic_cwnd_event(struct tcp_sock *tp, enum tcp_ca_event ev)
{
	struct cubic *ca = cubic_ca(tp);
	uint32_t now = tcp_jiffies32();
	int32_t idle = (int32_t)(now - (uint32_t)tp->lsndtime);

	if (ev != CA_EVENT_TX_START || !ca->in_epoch || idle <= 0)
		return;
	ca->epoch_start += (uint32_t)idle;
	if (after(ca->epoch_start, now))
		ca->epoch_start = now;
}

const struct tcp_congestion_ops cubictcp = {
	.name = "cubic",
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.set_state = cubic_set_state,
	.cwnd_event = cubic_cwnd_event,
	.undo_cwnd = tcp_reno_undo_cwnd,
};
