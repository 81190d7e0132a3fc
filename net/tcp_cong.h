/* Congestion control behind a small interface (Linux's tcp_congestion_ops):
 * the stack calls the algorithm on ACKs, on loss and on state changes; the
 * algorithm moves snd_cwnd and snd_ssthresh. CUBIC (RFC 9438) is the default,
 * as on Linux; NewReno (RFC 5681 / RFC 6582) is selectable with the command
 * line word tcp_cc=newreno|cubic or the shell's `tcp_cc NAME` (new
 * connections take it; sysctls are integers only), and per socket with
 * setsockopt(TCP_CONGESTION).
 *
 * All counts are in segments (snd_cwnd, snd_ssthresh), as Linux keeps them. */
#ifndef RINGOS_NET_TCP_CONG_H
#define RINGOS_NET_TCP_CONG_H

#include "net/tcp.h"

/* cwnd_event events. */
enum tcp_ca_event {
	CA_EVENT_TX_START,	/* first transmission when nothing was in flight */
	CA_EVENT_CWND_RESTART,	/* restart after idle (RFC 5681 4.1) */
	CA_EVENT_COMPLETE_CWR,	/* end of a CWR / recovery period */
	CA_EVENT_LOSS,		/* RTO: loss state */
};

struct tcp_congestion_ops {
	const char *name;
	/* New connection (after the handshake); ca_priv is zeroed before. */
	void (*init)(struct tcp_sock *tp);
	/* ssthresh to use after a loss (called once per loss event). */
	uint32_t (*ssthresh)(struct tcp_sock *tp);
	/* An ACK advanced snd_una by `acked` segments while in TCP_CA_Open
	 * (or Disorder); grow snd_cwnd. */
	void (*cong_avoid)(struct tcp_sock *tp, uint32_t ack, uint32_t acked);
	/* ca_state is about to change to new_state. Optional. */
	void (*set_state)(struct tcp_sock *tp, uint8_t new_state);
	/* Optional. */
	void (*cwnd_event)(struct tcp_sock *tp, enum tcp_ca_event ev);
	/* acked segments with an RTT sample (rtt_us < 0: none). Optional. */
	void (*pkts_acked)(struct tcp_sock *tp, uint32_t acked, int64_t rtt_us);
	/* cwnd to restore when a loss proved spurious. Optional. */
	uint32_t (*undo_cwnd)(struct tcp_sock *tp);
};

extern const struct tcp_congestion_ops tcp_reno;	/* "newreno" */
extern const struct tcp_congestion_ops cubictcp;	/* "cubic" */

/* The algorithm new connections get (tcp_cc= / the sysctl). */
const struct tcp_congestion_ops *tcp_ca_default(void);
/* By name, or NULL. */
const struct tcp_congestion_ops *tcp_ca_find(const char *name);
/* Sets tp's algorithm and calls its init (ca_priv zeroed first). */
void tcp_init_congestion_control(struct tcp_sock *tp);
/* Called by the stack through these, so an optional hook may be absent. */
void tcp_ca_event(struct tcp_sock *tp, enum tcp_ca_event ev);
void tcp_set_ca_state(struct tcp_sock *tp, uint8_t ca_state);

/* Building blocks, for the algorithms (RFC 5681). */
/* Slow start: cwnd += acked up to ssthresh; returns the acked left over. */
uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked);
/* Additive increase: cwnd += 1 per w segments ACKed (cwnd_cnt carries). */
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked);
/* Was the sender using its whole cwnd (growth only then, RFC 7661)? */
bool tcp_is_cwnd_limited(const struct tcp_sock *tp);
/* NewReno's pieces, reusable. */
uint32_t tcp_reno_ssthresh(struct tcp_sock *tp);
void tcp_reno_cong_avoid(struct tcp_sock *tp, uint32_t ack, uint32_t acked);
uint32_t tcp_reno_undo_cwnd(struct tcp_sock *tp);

#endif
