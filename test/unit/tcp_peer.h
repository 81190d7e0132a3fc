/* A scripted TCP peer for the TCP suites (test_tcp_*.c): the real TCP core
 * (net/ipv4/tcp*.c) and the real socket layer (net/socket.c) run against
 *   - a capturing ip_queue_xmit: every segment TCP emits is checked (checksum),
 *     parsed into a struct tp_seg (header, options, payload) and freed at
 *     once, as a TX completion would; a TSO super-packet is cut into the wire
 *     segments the peer would see (PSH and FIN only on the last one);
 *   - a fake clock (jiffies in ms, ktime_get_ns in step) driving the real
 *     timer wheel (test/unit/fake_timer.c);
 *   - a one-subnet route (10.0.0.2/24 is us, everything through tp_dev);
 *   - segments the test crafts (IP + TCP header + options + payload, correct
 *     checksum, IPCB RTCF_LOCAL) handed to tcp_v4_rcv.
 * Sockets are used through the BSD calls, non-blocking; a call that would
 * sleep fails the test unless tp_sleep_hook says what happens meanwhile. */
#ifndef RINGOS_TEST_TCP_PEER_H
#define RINGOS_TEST_TCP_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include "net/byteorder.h"
#include "net/socket.h"
#include "net/tcp.h"

#define TP_LOCAL HTONL_C(0x0A000002u)	/* 10.0.0.2: the stack under test */
#define TP_PEER  HTONL_C(0x0A000001u)	/* 10.0.0.1: the scripted peer */
#define TP_PEER2 HTONL_C(0x0A000003u)	/* 10.0.0.3: another peer */

#define TP_SEG_DATA 2048	/* payload bytes kept per segment */
#define TP_SEGS_MAX 4096	/* segments captured and not yet read */

/* One segment as it would appear on the wire. */
struct tp_seg {
	be32 saddr, daddr;
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;			/* TCPHDR_* */
	uint16_t win;			/* the raw 16-bit field */
	uint32_t len;			/* payload bytes */
	uint8_t data[TP_SEG_DATA];
	/* Options (-1: absent). */
	int mss, ws;
	bool sack_perm, ts;
	uint32_t tsval, tsecr;
	unsigned int nsacks;
	uint32_t sacks[4][2];		/* start, end */
	uint8_t opt[40];
	unsigned int optlen;
	uint64_t when;			/* tp_now() when it was sent */
	bool tso;			/* cut from a super-packet */
	bool from_socket;		/* ip_queue_xmit got a socket (not a bare reply) */
};

/* Options of a segment the peer sends (-1 / false: absent). */
struct tp_opts {
	int mss, ws;
	bool sack_perm, ts;
	uint32_t tsval, tsecr;
	unsigned int nsacks;
	uint32_t sacks[4][2];
};
/* What stock Linux puts in a SYN: MSS 1460, SACK-permitted, timestamps,
 * window scale 7. */
struct tp_opts tp_linux_syn_opts(void);
/* No options at all. */
struct tp_opts tp_no_opts(void);

/* The peer's view of one connection. */
struct tp_peer {
	be32 addr;			/* the peer's address */
	uint16_t port;			/* the peer's port (host order) */
	uint16_t lport;			/* ours */
	uint32_t seq;			/* the peer's next sequence number */
	uint32_t ack;			/* what the peer acknowledges */
	uint16_t win;			/* raw window field the peer sends */
	uint8_t wscale;			/* the shift the peer announced (-1 none -> 0) */
	bool ts;			/* timestamps agreed: every segment carries TS */
	uint32_t tsval;			/* the peer's clock, bumped per segment */
	uint32_t ts_echo;		/* TSval of our last segment (tp_saw) */
	uint32_t iss;			/* the stack's ISN, from its SYN or SYN-ACK */
	uint32_t mss;			/* payload per full segment from the stack */
	uint32_t rtt_ms;		/* tp_*_open: time before the peer answers */
};

/* ---- fixtures ---------------------------------------------------------------- */
int tp_group_setup(void **state);
int tp_group_teardown(void **state);
/* Per test: TCP reset (counters, sysctls back to Linux's defaults), the
 * clock at a fixed time, an empty wheel, no captured segments. Teardown
 * closes every descriptor, ends every connection, and checks that every skb,
 * every socket object and all TCP memory came back. */
int tp_setup(void **state);
int tp_teardown(void **state);

/* ---- clock --------------------------------------------------------------------- */
uint64_t tp_now(void);			/* ms */
/* ms pass; every timer due fires at its own time. */
void tp_advance(uint64_t ms);
/* The timer wheel fires a timer d ms away up to 12.7% late (kernel/timer.h). */
#define TP_LATE(d) ((d) / 7 + 1)
/* The next segment, sent by a timer no earlier than from + d and within
 * TP_LATE(d) after it (nothing before); time stops at the send. */
const struct tp_seg *tp_expect_after(uint64_t from, uint64_t d);
/* The time of the next armed timer (UINT64_MAX: none). */
uint64_t tp_next_timer(void);

/* ---- what the stack sent ------------------------------------------------------ */
unsigned int tp_pending(void);		/* captured, not yet read */
/* The next captured segment; fails the test if there is none. */
const struct tp_seg *tp_expect(void);
/* Fails the test if anything was sent. */
void tp_expect_none(void);
void tp_discard(void);			/* forget everything captured */
/* The peer records what it saw: TS echo (and nothing else). */
void tp_saw(struct tp_peer *p, const struct tp_seg *s);
/* Asserts the segment's main fields (flags exactly; ack checked only when
 * ACK is set). */
void tp_check(const struct tp_seg *s, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len);
/* Payload check: s carries bytes [off, off + s->len) of tp_pattern. */
void tp_check_pattern(const struct tp_seg *s, uint32_t off);
/* A deterministic byte pattern (for byte-exact transfers). */
uint8_t tp_pattern(uint32_t i);
void tp_fill_pattern(uint8_t *buf, uint32_t off, uint32_t len);
/* ip_queue_xmit returns this (0) after capturing, or drops with it. */
extern int tp_xmit_rc;

/* ---- what the peer sends ------------------------------------------------------- */
/* Any segment: p's addresses and ports, the given fields. */
void tp_inject(const struct tp_peer *p, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	       const struct tp_opts *o, const void *data, uint32_t len);
/* A raw TCP segment (header included, as is) from saddr to daddr with a
 * correct checksum unless bad_csum. */
void tp_inject_raw(be32 saddr, be32 daddr, const void *tcp, uint32_t len, bool bad_csum);
/* Segments injected between these arrive in one NET_RX run: what TCP
 * defers to the end of a run (the ACK of a batch) happens at tp_batch_end. */
void tp_batch_begin(void);
void tp_batch_end(void);
/* From p's state: seq = p->seq, ack = p->ack, win = p->win, timestamps when
 * p->ts; p->seq moves on by len (+1 for SYN, FIN). */
void tp_send(struct tp_peer *p, uint8_t flags, const void *data, uint32_t len);
/* An ACK from p with SACK blocks (pairs start, end). */
void tp_send_sack(struct tp_peer *p, unsigned int n, const uint32_t (*blocks)[2]);

/* ---- connections ----------------------------------------------------------------- */
/* A listening non-blocking socket on 0.0.0.0:port. */
int tp_listen(uint16_t port, int backlog);
/* Passive open: p sends a SYN with o to p->lport, the stack's SYN-ACK is
 * returned through *synack (if not NULL) after the basic checks, p ACKs, and
 * the accepted non-blocking descriptor is returned. */
int tp_passive_open(struct tp_peer *p, int lfd, const struct tp_opts *o, struct tp_seg *synack);
/* Active open: a non-blocking connect to p (EINPROGRESS), the SYN returned
 * through *syn, p answers SYN-ACK with o (its ISN p->seq), the stack's ACK is
 * checked; the connected descriptor. */
int tp_active_open(struct tp_peer *p, const struct tp_opts *o, struct tp_seg *syn);
/* A peer at TP_PEER:port talking to our lport, window 65535, seq iss. */
struct tp_peer tp_peer_make(uint16_t port, uint16_t lport, uint32_t iss);
/* The TCP socket behind a descriptor. */
struct tcp_sock *tp_sk(int fd);

/* ---- socket calls with errno ---------------------------------------------------- */
/* Returns the call's result; -errno when it failed (so tests compare with
 * -EAGAIN etc. in one line). */
int tp_errno(int rc);
ssize_t tp_sendbuf(int fd, const void *buf, size_t len);
ssize_t tp_recvbuf(int fd, void *buf, size_t len);
int tp_close(int fd);

/* A receiver for whole segments of mss from base: it loses the first copy
 * of the segments in drop[], ACKs every arrival at once (cumulative ACK,
 * and SACK blocks when sack: the block of the newest arrival first), and
 * counts retransmissions per segment. */
#define TP_RX_SEGS 64
struct tp_rx {
	uint32_t base, mss;
	unsigned int nseg;	/* segments of data in all */
	bool sack;
	bool drop[TP_RX_SEGS], seen[TP_RX_SEGS], got[TP_RX_SEGS];
	unsigned int retx[TP_RX_SEGS];
	unsigned int dupacks;	/* duplicate ACKs sent so far */
	unsigned int dupacks_at_first_retx;	/* when the stack first retransmitted */
	struct tcp_sock *tp;
};
/* Segments from the first unreceived on. */
unsigned int tp_rx_cum(const struct tp_rx *m);
/* Delivers everything the stack sends, answering each, until it stops. */
void tp_rx_run(struct tp_peer *p, struct tp_rx *m);
/* A passive open on 8080 with the peer's SYN options o (20 ms RTT), 40
 * segments sent, the first copy of each in drop lost, the exchange run to
 * its end (everything ACKed); the descriptor. */
int tp_rx_loss(const struct tp_opts *o, struct tp_rx *m, const unsigned int *drop,
	       unsigned int ndrop);

/* Every sleep of a blocking call lands here (NULL: the test fails). */
extern int (*tp_sleep_hook)(void);

#endif
