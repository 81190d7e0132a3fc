/* TCP (RFC 9293 and friends): the module API shared by the TCP files.
 *
 *   tcp.c          the socket side: tcp_sendmsg (copy #1 into the write
 *                  queue), tcp_recvmsg, close/shutdown, options, TCP_INFO, MIB
 *   tcp_output.c   tcp_write_xmit (cwnd / receive window tests, TSO split),
 *                  tcp_transmit_skb (clone + header in headroom), ACKs, SYN,
 *                  FIN, RST, retransmission, window selection, options
 *   tcp_input.c    tcp_rcv_established / tcp_rcv_state_process: ACK
 *                  processing, RTT, data and the out-of-order queue, PAWS,
 *                  RFC 5961 checks
 *   tcp_recovery.c SACK scoreboard (RFC 6675), fast retransmit and recovery
 *                  (NewReno RFC 6582), loss marking after an RTO
 *   tcp_ipv4.c     tcp_v4_rcv (checksum, lookup), the hash tables, ports,
 *                  connect, listen, SYN handling, resets to closed ports
 *   tcp_minisocks.c request socks (SYN_RECV), SYN cookies' use, TIME_WAIT
 *   tcp_timer.c    retransmit / persist, delayed ACK, keepalive, SYN-ACK,
 *                  FIN_WAIT_2 and TIME_WAIT timers
 *   tcp_cong.c, tcp_cubic.c  congestion control behind tcp_congestion_ops
 *   syncookies.c, net/core/secure_seq.c  ISNs and cookies
 *
 * Context: the receive path and the timers run in softirq context; socket
 * calls in process context with bottom halves disabled around every touch of
 * TCP state (lock_sock == local_bh_disable). One CPU: nothing else runs.
 *
 * Sequence space arithmetic with before()/after() throughout. */
#ifndef RINGOS_NET_TCP_H
#define RINGOS_NET_TCP_H

#include "kernel/timer.h"
#include "net/byteorder.h"
#include "net/skbuff.h"
#include "net/sock.h"
#include "net/tcp_hdr.h"

struct msghdr;

/* sk->sk_state values, Linux's numbering (ss and /proc/net/tcp use them). */
enum tcp_state {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
	TCP_MAX_STATES
};
extern const char *const tcp_state_names[TCP_MAX_STATES];	/* ss's: ESTAB, SYN-SENT, ... */

/* Congestion-avoidance states (Linux's tcp_ca_state, TCP_INFO's ca_state). */
enum tcp_ca_state {
	TCP_CA_Open = 0,
	TCP_CA_Disorder = 1,
	TCP_CA_CWR = 2,
	TCP_CA_Recovery = 3,
	TCP_CA_Loss = 4,
};

/* Option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOPT_WINDOW    3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK      5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_MSS       4
#define TCPOLEN_WINDOW    3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TSTAMP_ALIGNED 12	/* NOP NOP TS */
#define TCP_MAX_WSCALE   14
#define TCP_NUM_SACKS    4		/* SACK blocks we keep / send (3 with timestamps) */

/* Limits and defaults, Linux's values. */
#define TCP_MSS_DEFAULT   536u		/* RFC 9293 3.7.1: no MSS option seen */
#define TCP_MIN_MSS       88u
#define TCP_INIT_CWND     10u		/* RFC 6928 */
#define TCP_RTO_MIN_MS    200u
#define TCP_RTO_MAX_MS    120000u
#define TCP_TIMEOUT_INIT_MS 1000u	/* RFC 6298 2.1 */
#define TCP_DELACK_MAX_MS 40u		/* Linux's TCP_DELACK_MIN/MAX window: at most 40 ms here */
#define TCP_TIMEWAIT_LEN_MS 60000u
#define TCP_SYN_RETRIES   6
#define TCP_SYNACK_RETRIES 5
#define TCP_RETRIES2      15
#define TCP_MAX_TSO_BYTES 65160u	/* 45 segments of 1448: a 64 KB super-packet */
#define TCP_PAWS_24DAYS   (60 * 60 * 24 * 24)

/* Per-skb TCP state on the write and receive queues (skb->cb). */
struct tcp_skb_cb {
	uint32_t seq;		/* first sequence number */
	uint32_t end_seq;	/* seq + SYN + FIN + data length */
	uint32_t when;		/* ms timestamp of the last (re)transmission; TSval on RX */
	uint32_t ack_seq;	/* RX: the segment's ACK field */
	uint8_t tcp_flags;	/* TCPHDR_* */
	uint8_t sacked;		/* TCPCB_* */
	uint16_t tso_segs;	/* segments this skb makes on the wire */
	uint64_t tx_ns;		/* first transmission, for the delivery rate */
	uint32_t tsecr;		/* RX: TSecr of the segment */
	bool has_ts;		/* RX: timestamps option present */
};
#define TCPCB_SACKED_ACKED  0x01	/* the peer SACKed it */
#define TCPCB_SACKED_RETRANS 0x02	/* retransmitted and not yet ACKed or SACKed */
#define TCPCB_LOST          0x04	/* marked lost by recovery */
#define TCPCB_EVER_RETRANS  0x08	/* retransmitted at least once (Karn) */
#define TCP_SKB_CB(skb) ((struct tcp_skb_cb *)&((skb)->cb[0]))
_Static_assert(sizeof(struct tcp_skb_cb) <= sizeof(((struct sk_buff *)0)->cb), "tcp cb fits");

static inline bool before(uint32_t s1, uint32_t s2) { return (int32_t)(s1 - s2) < 0; }
#define after(s2, s1) before(s1, s2)
static inline bool between(uint32_t s1, uint32_t s2, uint32_t s3) { return s3 - s2 >= s1 - s2; }

/* What the options of a received SYN or segment said (tcp_parse_options). */
struct tcp_options_received {
	uint32_t rcv_tsval, rcv_tsecr;
	uint16_t mss_clamp;		/* the peer's MSS option (0: none) */
	uint8_t snd_wscale;		/* the peer's shift */
	bool saw_tstamp, tstamp_ok, sack_ok, wscale_ok;
	uint8_t num_sacks;
	struct { uint32_t start, end; } sacks[TCP_NUM_SACKS];
};

struct tcp_sack_block {
	uint32_t start_seq, end_seq;
};

struct tcp_congestion_ops;

struct tcp_sock {
	struct sock sk;		/* first: tcp_sk(sk) is a cast */

	uint8_t state;		/* enum tcp_state */
	uint8_t ca_state;	/* enum tcp_ca_state */
	bool orphan;		/* the descriptor is closed; TCP finishes alone */
	bool hashed;		/* in the established (or listening) hash */
	bool released;		/* sk_proto_release done: the memory may go */
	/* Inside a receive or timer call that may end the connection: the
	 * release waits for tcp_unhold, so the caller never touches freed
	 * memory. */
	uint8_t busy;
	bool release_pending;
	bool nodelay, cork;	/* TCP_NODELAY, TCP_CORK */
	bool keepalive;		/* SO_KEEPALIVE */
	bool pingpong;		/* interactive: replies carry the ACKs (Linux's pingpong mode) */

	/* Sequence space (RFC 9293 3.3.1). */
	uint32_t snd_una, snd_nxt, snd_wl1, snd_wl2, write_seq;
	uint32_t snd_wnd;	/* the peer's window, scaled */
	uint32_t max_window;
	uint32_t rcv_nxt, rcv_wup, rcv_wnd, copied_seq;
	uint32_t iss, irs;
	uint32_t pushed_seq;	/* write_seq at the last forced push */
	uint32_t snd_sml;	/* end of the last short segment sent (Minshall's Nagle) */

	/* Options negotiated. */
	struct tcp_options_received rx_opt;
	uint8_t rcv_wscale;	/* our shift */
	uint16_t mss_cache;	/* current send MSS (payload bytes, options excluded) */
	uint16_t advmss;	/* the MSS we announced */
	uint16_t user_mss;	/* TCP_MAXSEG */
	uint32_t ts_recent;	/* RFC 7323 TS.Recent */
	uint32_t ts_recent_stamp;	/* seconds, when ts_recent was taken (PAWS 24 days) */
	uint32_t tsoffset;	/* added to our clock in TSval (RFC 7323 5.4) */

	/* Congestion control. */
	uint32_t snd_cwnd, snd_ssthresh, snd_cwnd_cnt, snd_cwnd_clamp;
	uint32_t prior_cwnd;
	uint32_t high_seq;	/* snd_nxt when recovery or loss started */
	uint32_t packets_out;	/* segments sent and not yet ACKed (SACKed included) */
	uint32_t sacked_out, lost_out, retrans_out;
	uint32_t dup_acks;	/* duplicate ACKs in a row (NewReno without SACK) */
	uint32_t prr_delivered, prr_out;
	uint32_t bytes_acked;	/* TCP_INFO tcpi_bytes_acked, 32 bits of it */
	uint64_t bytes_acked64, bytes_received64, bytes_sent64, bytes_retrans64;
	uint32_t delivered;	/* segments delivered (ACKed or SACKed), for the rate */
	uint64_t delivered_ns;	/* when delivered last moved */
	uint64_t rate_bps;	/* the last delivery-rate sample, bytes per second */
	uint32_t segs_out, segs_in, data_segs_out, data_segs_in, total_retrans;
	uint32_t rcv_ooopack, lost_events;
	const struct tcp_congestion_ops *ca_ops;
	uint64_t ca_priv[13] __aligned(8);	/* the algorithm's state (104 bytes, as Linux) */

	/* RTT and RTO (RFC 6298), in microseconds. */
	uint32_t srtt_us;	/* smoothed RTT << 3, Linux's fixed point */
	uint32_t mdev_us, rttvar_us;
	uint32_t min_rtt_us;
	uint32_t rto_ms;
	uint8_t backoff;	/* RTO doublings since the last good ACK */
	uint8_t retransmits;	/* consecutive RTO retransmissions of the head */
	uint8_t probes_out;	/* zero-window or keepalive probes without answer */
	uint64_t rtx_deadline;	/* jiffies; the retransmit / persist timer fires then */
	uint64_t retrans_stamp;	/* jiffies of the first unanswered retransmission, 0: none */
	uint8_t pending;	/* which of ICSK_TIME_* the retransmit timer serves */

	/* Delayed ACK. */
	bool ack_pending;	/* an ACK is owed */
	bool ack_sched;		/* the delayed-ACK timer is armed */
	uint8_t quick_acks;	/* segments to ACK at once before delaying again */
	uint16_t rcv_segs_unacked;	/* full-sized segments since the last ACK */
	uint32_t rcv_mss;	/* estimate of the peer's segment size */
	uint64_t ato_deadline;	/* jiffies */
	struct tcp_sock *ack_defer_next;	/* on the end-of-batch ACK list */
	bool ack_deferred;
	uint64_t lrcvtime;	/* jiffies of the last received segment */
	uint64_t lsndtime;	/* jiffies of the last sent data segment */

	/* SACK as receiver: the blocks we report, most recent first. */
	struct tcp_sack_block selective_acks[TCP_NUM_SACKS];
	struct tcp_sack_block duplicate_sack;	/* D-SACK to send once (RFC 2883) */
	uint8_t num_sacks;
	bool dsack_pending;
	/* SACK as sender: the highest SACKed sequence (RFC 6675 HighACK/HighData). */
	uint32_t highest_sack;

	/* Queues. sk_write_queue: sent-and-unACKed skbs from snd_una, then the
	 * unsent from send_head on; the originals stay here until ACKed. */
	struct sk_buff_head sk_write_queue;
	struct sk_buff *send_head;
	uint32_t sk_wmem_queued;	/* truesize of the write queue */
	struct sk_buff_head out_of_order_queue;	/* in sequence order */
	uint32_t ofo_mem;

	/* Receive buffer auto-tuning (Linux's rcvq_space). */
	uint32_t rcvq_space;
	uint32_t rcvq_seq;
	uint64_t rcvq_time;	/* jiffies */
	uint32_t window_clamp;

	/* Keepalive (seconds, 0: the sysctl). */
	uint32_t keepalive_time, keepalive_intvl;
	uint8_t keepalive_probes;
	uint32_t linger2;	/* FIN_WAIT_2 timeout, seconds (0: tcp_fin_timeout) */

	/* Timers (the wheel: O(1) each). retransmit_timer serves retransmit,
	 * persist and SYN retries, re-armed lazily from rtx_deadline; delack;
	 * keepalive_timer also runs FIN_WAIT_2 and TIME_WAIT. */
	struct timer_list retransmit_timer;
	struct timer_list delack_timer;
	struct timer_list keepalive_timer;

	/* Listener. */
	struct tcp_sock *accept_head, *accept_tail;	/* established children */
	struct tcp_sock *accept_next;
	struct tcp_sock *parent;	/* child: the listener until accepted */
	uint32_t accept_qlen, max_ack_backlog;
	uint32_t syn_qlen;		/* request socks pending for this listener */

	/* Hash chains (established / listening / bound port). */
	struct tcp_sock *ehash_next, *bhash_next;
	uint64_t created_ns;
	int sk_err_soft;		/* last ICMP error, reported on timeout */
};

static inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

/* pending: what the retransmit timer is armed for. */
#define ICSK_TIME_RETRANS 1
#define ICSK_TIME_PROBE0  3

/* ---- counters (netstat -s: Tcp and TcpExt, nstat names) ---------------------- */

struct tcp_mib {
	/* Tcp */
	uint64_t active_opens, passive_opens, attempt_fails, estab_resets;
	uint64_t curr_estab;		/* gauge */
	uint64_t in_segs, out_segs, retrans_segs, in_errs, out_rsts, in_csum_errors;
	/* TcpExt (Linux's LINUX_MIB_* names) */
	uint64_t syncookies_sent, syncookies_recv, syncookies_failed;
	uint64_t prune_called, ofo_pruned, rcv_pruned;
	uint64_t tw_recycled, tw_killed, paws_active, paws_estab;
	uint64_t delayed_acks, delayed_ack_lost, listen_overflows, listen_drops;
	uint64_t tcp_pure_acks;
	uint64_t tcp_reno_recovery, tcp_sack_recovery;
	uint64_t tcp_timeouts;
	uint64_t tcp_fast_retrans, tcp_slow_start_retrans;
	uint64_t tcp_dsack_old_sent, tcp_dsack_ofo_sent, tcp_dsack_recv;
	uint64_t tcp_abort_on_data, tcp_abort_on_close, tcp_abort_on_memory;
	uint64_t tcp_abort_on_timeout, tcp_abort_on_linger, tcp_memory_pressures;
	uint64_t tcp_sack_discard;
	uint64_t tcp_req_q_full_drop, tcp_req_q_full_do_cookies;
	uint64_t tcp_ofo_queue, tcp_ofo_drop, tcp_ofo_merge;
	uint64_t tcp_challenge_ack, tcp_syn_challenge, tcp_ack_skipped_challenge;
	uint64_t tcp_rcv_q_drop, tcp_zero_window_drop, tcp_win_probe, tcp_keep_alive;
	uint64_t tcp_orig_data_sent, tcp_want_zero_window_adv, tcp_to_zero_window_adv;
	uint64_t tcp_from_zero_window_adv, tcp_syn_retrans;
	uint64_t tcp_batch_acks, tcp_tso_split;
	/* ours: drop reasons Linux counts only as InErrs or not at all */
	uint64_t in_bad_doff, in_bad_opts, in_bad_flags, in_short;
	uint64_t in_port_zero;		/* source or destination port 0 */
	uint64_t in_no_socket, in_closed_data, in_out_of_window, in_old_ack;
	uint64_t in_rst_ignored, in_rst_accepted, in_syn_on_estab;
	uint64_t out_no_mem, out_err;
	uint64_t mem_refused_conns;
};
extern struct tcp_mib tcp_mib;
#define TCP_INC_STATS(f) (tcp_mib.f++)
#define TCP_ADD_STATS(f, n) (tcp_mib.f += (n))

/* ---- sysctls (Linux's names under net.ipv4.) --------------------------------- */
extern int sysctl_tcp_fin_timeout;	/* 60 */
extern int sysctl_tcp_keepalive_time, sysctl_tcp_keepalive_intvl, sysctl_tcp_keepalive_probes;
extern int sysctl_tcp_syncookies;	/* 1: when the SYN queue overflows */
extern int sysctl_tcp_max_syn_backlog;	/* per listener */
extern int sysctl_tcp_timestamps, sysctl_tcp_sack, sysctl_tcp_window_scaling;
extern int sysctl_tcp_rmem[3], sysctl_tcp_wmem[3];
extern int sysctl_tcp_mem_max_kb;	/* all TCP sockets' memory, above it: pressure */
extern int sysctl_tcp_challenge_ack_limit;	/* per second */
extern int sysctl_tcp_moderate_rcvbuf;

/* ---- global memory (all sockets' queues) ------------------------------------- */
extern uint64_t tcp_memory_allocated;	/* bytes, truesize of every TCP queue */
extern bool tcp_memory_pressure;
void tcp_mem_charge(struct tcp_sock *tp, int64_t bytes);
bool tcp_under_memory_pressure(void);

/* ---- tcp.c ---------------------------------------------------------------- */
extern const struct proto tcp_prot;
void tcp_set_state(struct tcp_sock *tp, int state);
/* The connection is over: state CLOSE, timers off, queues purged, unhashed;
 * an orphan's memory goes back. Softirq or bottom halves off. */
void tcp_done(struct tcp_sock *tp);
/* Brackets a softirq call on tp that may reach tcp_done. */
static inline void tcp_hold(struct tcp_sock *tp) { tp->busy++; }
void tcp_unhold(struct tcp_sock *tp);
/* Wakes readers / writers / pollers. */
void tcp_wake(struct tcp_sock *tp);
/* Frees the write queue up to snd_una (tcp_clean_rtx_queue's release). */
void tcp_wmem_free_skb(struct tcp_sock *tp, struct sk_buff *skb);
/* MSG_ZEROCOPY (net/ipv4/tcp_zerocopy.c). start: the call's state in *uarg
 * (NULL for a plain send), *zc true when its bytes go out from the caller's
 * buffer, false when they are copied (the device cannot gather, or the send
 * is shorter than net.ipv4.tcp_zerocopy_min); -ENOBUFS over optmem_max.
 * append: copy more of the caller's bytes as skb's frags, charged as the
 * skb's own (the send buffer bounds what is pinned). */
struct ubuf_info;
extern int sysctl_tcp_zerocopy_min;
int tcp_zerocopy_start(struct tcp_sock *tp, size_t len, int flags, struct ubuf_info **uarg,
		       bool *zc);
void tcp_zerocopy_append(struct tcp_sock *tp, struct sk_buff *skb, const uint8_t *from,
			 unsigned int copy);
uint32_t tcp_jiffies32(void);		/* ms clock, also TSval's unit */
struct tcp_info;
/* TCP_INFO and `ss -ti`: Linux's field meanings (net/socket.h). */
void tcp_get_info(const struct tcp_sock *tp, struct tcp_info *info);
/* struct proto's option calls (tcp_sockopt.c). */
int tcp_setsockopt(struct sock *sk, int level, int name, const void *val, uint32_t len);
int tcp_getsockopt(struct sock *sk, int level, int name, void *val, uint32_t *len);

/* ---- tcp_output.c ------------------------------------------------------------ */
/* The article's steps. */
int tcp_transmit_skb(struct tcp_sock *tp, struct sk_buff *skb, bool clone);
bool tcp_write_xmit(struct tcp_sock *tp, unsigned int mss_now, int nonagle, bool push_one);
void tcp_push(struct tcp_sock *tp, int flags, unsigned int mss_now, int nonagle);
void tcp_push_one(struct tcp_sock *tp, unsigned int mss_now);
void __tcp_push_pending_frames(struct tcp_sock *tp, unsigned int cur_mss, int nonagle);
unsigned int tcp_current_mss(struct tcp_sock *tp);
unsigned int tcp_send_size_goal(struct tcp_sock *tp, unsigned int mss_now);
uint32_t tcp_sync_mss(struct tcp_sock *tp, uint32_t pmtu);
void tcp_send_ack(struct tcp_sock *tp);
void tcp_send_delayed_ack(struct tcp_sock *tp);
int tcp_send_synack(struct tcp_sock *tp);
int tcp_connect(struct tcp_sock *tp);
void tcp_send_fin(struct tcp_sock *tp);
void tcp_send_active_reset(struct tcp_sock *tp);
int tcp_retransmit_skb(struct tcp_sock *tp, struct sk_buff *skb);
/* Cuts a write-queue skb after len payload bytes (SACK edges): the first
 * part (the second follows it on the queue), or NULL without memory. */
struct sk_buff *tcp_fragment_at(struct tcp_sock *tp, struct sk_buff *skb, uint32_t len);
void tcp_xmit_retransmit_queue(struct tcp_sock *tp);
void tcp_send_probe0(struct tcp_sock *tp);
int tcp_write_wakeup(struct tcp_sock *tp);
void tcp_send_window_probe(struct tcp_sock *tp);
/* advmss from the route, and the initial receive window and scale. */
void tcp_init_rcv_window(struct tcp_sock *tp, bool wscale_ok);
/* The SYN-ACK of a SYN answered with a cookie: no socket, everything the
 * child needs is in the ISN and the TSval. */
void tcp_v4_send_synack_cookie(const struct tcp_sock *lp, const struct sk_buff *syn,
			       const struct tcp_options_received *peer);
uint16_t tcp_select_window(struct tcp_sock *tp);
void tcp_select_initial_window(uint32_t space, uint32_t mss, uint32_t *rcv_wnd,
			       uint32_t *window_clamp, bool wscale_ok, uint8_t *rcv_wscale);
uint32_t tcp_space(const struct tcp_sock *tp);
void tcp_cleanup_rbuf(struct tcp_sock *tp, int copied);
void tcp_rearm_rto(struct tcp_sock *tp);
void tcp_reset_xmit_timer(struct tcp_sock *tp, int what, uint32_t when_ms);
void tcp_clear_xmit_timers(struct tcp_sock *tp);
void tcp_check_probe_timer(struct tcp_sock *tp);
/* tcp_output.c's pieces tcp_ctl.c shares: skb segment counts at an MSS (the
 * second keeps the flight counts right for a sent skb), and the bookkeeping
 * of a first transmission. */
void tcp_set_skb_tso_segs(struct sk_buff *skb, unsigned int mss_now);
void tcp_resegment(struct tcp_sock *tp, struct sk_buff *skb, unsigned int mss_now);
void tcp_event_new_data_sent(struct tcp_sock *tp, struct sk_buff *skb);
/* Nagle (RFC 1122 4.2.3.4) flags for tcp_push. */
#define TCP_NAGLE_OFF  1
#define TCP_NAGLE_CORK 2
#define TCP_NAGLE_PUSH 4

/* Segments an skb makes at mss (1 for a pure control skb). */
static inline unsigned int tcp_skb_pcount(const struct sk_buff *skb)
{
	return TCP_SKB_CB(skb)->tso_segs ? TCP_SKB_CB(skb)->tso_segs : 1;
}
static inline uint32_t tcp_skb_len(const struct sk_buff *skb)
{
	return TCP_SKB_CB(skb)->end_seq - TCP_SKB_CB(skb)->seq;
}
static inline struct sk_buff *tcp_write_queue_head(const struct tcp_sock *tp)
{
	return skb_peek(&tp->sk_write_queue);
}
static inline struct sk_buff *tcp_write_queue_tail(const struct tcp_sock *tp)
{
	return skb_peek_tail(&tp->sk_write_queue);
}
static inline uint32_t tcp_packets_in_flight(const struct tcp_sock *tp)
{
	return tp->packets_out - (tp->sacked_out + tp->lost_out) + tp->retrans_out;
}
static inline uint32_t tcp_wnd_end(const struct tcp_sock *tp)
{
	return tp->snd_una + tp->snd_wnd;
}
static inline bool tcp_in_slow_start(const struct tcp_sock *tp)
{
	return tp->snd_cwnd < tp->snd_ssthresh;
}
static inline uint32_t tcp_receive_window(const struct tcp_sock *tp)
{
	int32_t win = (int32_t)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

	return win < 0 ? 0 : (uint32_t)win;
}
/* RFC 6298 RTO from srtt/rttvar, clamped to [200 ms, 120 s]. */
uint32_t tcp_rto_ms(const struct tcp_sock *tp);

/* ---- tcp_input.c --------------------------------------------------------------- */
void tcp_rcv_established(struct tcp_sock *tp, struct sk_buff *skb);
/* Every state but ESTABLISHED, LISTEN and TIME_WAIT. Consumes skb. */
void tcp_rcv_state_process(struct tcp_sock *tp, struct sk_buff *skb);
/* Parses the options after th; false if malformed (a length of 0 or 1, or
 * one running past the header). */
bool tcp_parse_options(const struct tcphdr *th, struct tcp_options_received *opt, bool syn);
void tcp_init_transfer(struct tcp_sock *tp);
/* Options agreed from the peer's SYN (or SYN-ACK) and our sysctls. */
void tcp_negotiate(struct tcp_sock *tp, const struct tcp_options_received *peer);
void tcp_fin(struct tcp_sock *tp);
/* tcp_data_queue.c: data and FIN of an acceptable segment, header pulled;
 * consumes skb. */
void tcp_data_queue(struct tcp_sock *tp, struct sk_buff *skb);
/* An immediate ACK, quick-ACK mode on (a duplicate or out-of-window segment). */
void tcp_send_dupack(struct tcp_sock *tp);
void tcp_reset(struct tcp_sock *tp);
bool tcp_send_challenge_ack(struct tcp_sock *tp);
void tcp_update_rtt(struct tcp_sock *tp, int64_t rtt_us);
void tcp_enter_quickack_mode(struct tcp_sock *tp);
void tcp_rcv_space_adjust(struct tcp_sock *tp);
bool tcp_paws_reject(const struct tcp_sock *tp, const struct tcp_options_received *opt, bool rst);
void tcp_ofo_purge(struct tcp_sock *tp);
/* Boot: the end-of-batch ACK flush. */
void tcp_input_init(void);

/* ---- tcp_recovery.c ------------------------------------------------------------ */
/* SACK blocks of an ACK applied to the write queue; returns newly SACKed segments. */
uint32_t tcp_sacktag_write_queue(struct tcp_sock *tp, const struct tcp_options_received *opt,
				 uint32_t ack);
/* After the ACK was processed: enter / run / leave fast recovery (SACK or NewReno). */
void tcp_fastretrans_alert(struct tcp_sock *tp, uint32_t prior_snd_una, uint32_t acked_segs,
			   bool is_dupack, uint32_t newly_sacked);
void tcp_enter_loss(struct tcp_sock *tp);
void tcp_mark_head_lost(struct tcp_sock *tp, uint32_t segs);
void tcp_clear_retrans(struct tcp_sock *tp);
void tcp_enter_cwr(struct tcp_sock *tp);

/* ---- tcp_ipv4.c ---------------------------------------------------------------- */
int tcp_v4_rcv(struct sk_buff *skb);
void tcp_v4_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info);
int tcp_v4_connect(struct tcp_sock *tp, be32 daddr, be16 dport);
int tcp_v4_get_port(struct tcp_sock *tp, be16 port, be32 addr);
void tcp_v4_hash(struct tcp_sock *tp);
void tcp_v4_unhash(struct tcp_sock *tp);
void tcp_listen_hash(struct tcp_sock *tp);
void tcp_put_port(struct tcp_sock *tp);
/* A child takes its listener's port in the bind table. */
void tcp_inherit_port(struct tcp_sock *child);
/* RST answering skb (data at the TCP header), RFC 9293 3.10.7.1 rules. */
void tcp_v4_send_reset(const struct sk_buff *skb);
/* A bare ACK (TIME_WAIT, SYN_RECV request socks, challenge ACKs of minisocks). */
void tcp_v4_send_ack(const struct sk_buff *skb, uint32_t seq, uint32_t ack, uint32_t win,
		     uint32_t tsval, uint32_t tsecr, bool ts);
/* Fills the TCP checksum fields for offload (CHECKSUM_PARTIAL) or software. */
void tcp_v4_send_check(struct sk_buff *skb, be32 saddr, be32 daddr);
/* Walks every TCP socket, listeners, established, request and TIME_WAIT
 * included (ss). fn returns false to stop. */
struct tcp_ss_entry {
	uint8_t state;
	be32 laddr, raddr;
	be16 lport, rport;
	uint32_t recv_q, send_q;
	const struct tcp_sock *tp;	/* NULL for request socks */
	uint32_t timer_ms;		/* request / TIME_WAIT remaining */
};
void tcp_for_each_socket(bool (*fn)(const struct tcp_ss_entry *e, void *arg), void *arg);

/* ---- tcp_minisocks.c ----------------------------------------------------------- */
/* A SYN for a listener: a child in SYN_RECV (hashed, counted in the
 * listener's syn_qlen), or a SYN cookie when that queue is full. */
void tcp_conn_request(struct tcp_sock *listener, struct sk_buff *skb);
/* A bare ACK to a listener: a valid SYN cookie makes the child (established,
 * queued for accept), else NULL and the caller resets. */
struct tcp_sock *tcp_cookie_check(struct tcp_sock *listener, struct sk_buff *skb);
/* A child reached ESTABLISHED: from the SYN queue to the accept queue. */
void tcp_child_established(struct tcp_sock *child);
/* TIME_WAIT: one segment for a TIME_WAIT socket; consumes skb. */
/* Returns true when the segment (a new SYN) ended the TIME_WAIT and must be
 * looked up again; else it was consumed. */
bool tcp_timewait_state_process(struct tcp_sock *tp, struct sk_buff *skb);
void tcp_time_wait(struct tcp_sock *tp, int state, uint32_t timeo_ms);
/* The listener is going away: every pending request and unaccepted child ends. */
void tcp_listen_stop(struct tcp_sock *listener);
/* tcp_done of a child still in its listener's SYN or accept queue. */
void tcp_unlink_from_parent(struct tcp_sock *child);
/* Ends every SYN_RECV child of a listener (tcp_ipv4.c walks the hash). */
void tcp_v4_kill_children(struct tcp_sock *listener);
/* accept's dequeue: the oldest established child, or NULL. */
struct tcp_sock *tcp_accept_dequeue(struct tcp_sock *listener);
unsigned int tcp_reqsk_count(const struct tcp_sock *listener);

/* ---- tcp_timer.c ----------------------------------------------------------------- */
void tcp_init_xmit_timers(struct tcp_sock *tp);
void tcp_reset_keepalive_timer(struct tcp_sock *tp, uint32_t ms);
void tcp_delete_keepalive_timer(struct tcp_sock *tp);
void tcp_set_keepalive(struct tcp_sock *tp, bool on);
uint32_t tcp_keepalive_time_ms(const struct tcp_sock *tp);

/* ---- init ------------------------------------------------------------------------ */
void tcp_init(void);

#endif
