/* The trace of one send (`trace send [PORT]`, `trace=send[:PORT]`): the next
 * send() on a TCP socket and everything it causes, down the article's path to
 * the NIC and back up through the ACK, until the last skb it made is freed.
 *
 * Tracepoints are compiled in. With no trace armed or running each costs one
 * predictable branch on the global trace_active. The token a function's exit
 * tests is 0 on that path: GCC often threads the test away (ip_local_out's off
 * path is `cmpb $0,trace_active; jne` and the same tail call as without it),
 * else it is a test of a register at the returns (kfree_skb). The out-of-line
 * slow path makes the functions longer, not the off path slower.
 * -DRINGOS_NO_TRACE compiles them to nothing. Host unit
 * suites get them compiled out too, except the trace suite itself
 * (RINGOS_TRACE_HOST), so no other suite needs the recorder.
 *
 *   TRACE_FUNC(TP_x, skb);      first line of a function about one skb
 *   TRACE_FUNC_SK(TP_x, sk);    about one socket (kept for the traced one)
 *   TRACE_FUNC_CTX(TP_x);       context only (IRQ, softirq, NAPI): kept while
 *                               a trace runs, whatever it serves
 * Each declares a local whose cleanup emits the exit event on every return
 * path; entry and exit are recorded or skipped together, so the depth stays
 * right. The others mark points that are not functions: TRACE_LEAF_VAL (the
 * tail write), TRACE_SKB_QUEUED (tcp_sendmsg's copy into an skb: it becomes
 * traced), TRACE_SKB_NEW (a clone or a split of a traced skb), TRACE_SKB_FREE
 * (its struct let go: __kfree_skb) and TRACE_COPY (skb_count_copy's bytes, on
 * the innermost kept frame).
 *
 * Events go to a ring allocated once (trace_setup) and are printed from
 * process context after the trace ends (kernel/trace_cmd.c), never from the
 * softirq that ends it. */
#ifndef RINGOS_TRACE_H
#define RINGOS_TRACE_H

#include "kernel/compiler.h"

#if defined(RINGOS_HOST) && !defined(RINGOS_TRACE_HOST) && !defined(RINGOS_NO_TRACE)
#define RINGOS_NO_TRACE
#endif

/* name, flags. The names are the article's (Linux 3.10's); where ringos's
 * function is called otherwise the tracepoint sits in the function doing that
 * step (tcp_entail is skb_entail, sch_bypass_xmit is the bypass branch of
 * __dev_xmit_skb, tail_write is igb_tx_map's writel of TDT in igb_tx_kick). */
#define TRACE_SLEEPS	1u	/* time directly inside is waiting, not CPU */
#define TRACE_POINTS(X)						\
	X(tcp_sendmsg, 0)					\
	X(sk_stream_wait_memory, TRACE_SLEEPS)			\
	X(skb_entail, 0)					\
	X(tcp_push, 0)						\
	X(tcp_write_xmit, 0)					\
	X(tso_fragment, 0)					\
	X(tcp_transmit_skb, 0)					\
	X(skb_clone, 0)						\
	X(ip_queue_xmit, 0)					\
	X(ip_local_out, 0)					\
	X(ip_output, 0)						\
	X(ip_finish_output, 0)					\
	X(ip_finish_output2, 0)					\
	X(neigh_output, 0)					\
	X(neigh_hh_output, 0)					\
	X(neigh_resolve_output, 0)				\
	X(dev_queue_xmit, 0)					\
	X(__dev_xmit_skb, 0)					\
	X(sch_bypass_xmit, 0)					\
	X(__qdisc_run, 0)					\
	X(sch_direct_xmit, 0)					\
	X(net_tx_action, 0)					\
	X(dev_hard_start_xmit, 0)				\
	X(igb_xmit_frame, 0)					\
	X(igb_xmit_frame_ring, 0)				\
	X(igb_tx_map, 0)					\
	X(tail_write, 0)					\
	X(igb_msix_ring, 0)					\
	X(napi_schedule, 0)					\
	X(net_rx_action, 0)					\
	X(igb_poll, 0)						\
	X(igb_clean_tx_irq, 0)					\
	X(tcp_v4_rcv, 0)					\
	X(tcp_ack, 0)						\
	X(tcp_clean_rtx_queue, 0)				\
	X(kfree_skb, 0)						\
	X(__kfree_skb, 0)

enum trace_point {
#define TRACE_ENUM(name, flags) TP_##name,
	TRACE_POINTS(TRACE_ENUM)
#undef TRACE_ENUM
	TP_COUNT
};

extern const char *const trace_point_names[TP_COUNT];
extern const uint8_t trace_point_flags[TP_COUNT];

/* ---- events ------------------------------------------------------------------ */

enum trace_kind { TRACE_ENTRY, TRACE_EXIT, TRACE_LEAF };
enum trace_ctx { TRACE_CTX_SYS, TRACE_CTX_SOFTIRQ, TRACE_CTX_HARDIRQ, TRACE_CTX_COUNT };

/* One ring slot: fixed size, written whole by the recorder. */
struct trace_event {
	uint64_t tsc;
	uint32_t skb;		/* trace id of the skb, 0: none */
	uint32_t len;		/* its length at this point */
	uint32_t copy;		/* bytes copied inside (on an exit or a leaf) */
	uint32_t aux;		/* clone's or split-off skb's id; the tail value */
	uint16_t tp;		/* enum trace_point */
	uint8_t kind;		/* enum trace_kind */
	uint8_t ctx;		/* enum trace_ctx */
	uint8_t depth;		/* open kept frames around it */
	uint8_t pad[3];
};
_Static_assert(sizeof(struct trace_event) == 32, "a ring slot is 32 bytes");

/* Frames open at once that get recorded; deeper ones are counted lost. */
#define TRACE_DEPTH_MAX 48

enum trace_state {
	TRACE_OFF,
	TRACE_ARMED,	/* waiting for the next send() that passes the filter */
	TRACE_RUNNING,
	TRACE_DONE,	/* captured, waiting for the printer */
	TRACE_PRINTING,
};

/* Why a trace stopped. */
enum trace_end { TRACE_END_FREED, TRACE_END_TIMEOUT, TRACE_END_OFF };

/* What the recorder counted, exactly (the ring may have lost events). */
struct trace_counts {
	uint32_t skbs;		/* skbs the send queued, plus their clones and splits */
	uint32_t live;		/* of those, not yet freed */
	uint64_t bytes;		/* copied into skbs by the traced send() */
	uint64_t copy_bytes;	/* copied inside kept events */
	uint32_t copies;
	uint32_t net_rx_runs, net_tx_runs;
	uint32_t events, lost;
};

/* ---- control (process context) --------------------------------------------- */

/* Hands the recorder its ring: n slots (a power of two), kept from then on. */
void trace_setup(struct trace_event *ring, uint32_t n);
bool trace_ready(void);
/* Arms a trace of the next send() on a TCP socket whose local or remote port
 * is port (0: any). -EBUSY while one runs or waits to be printed, -ENOMEM
 * before trace_setup. */
int trace_arm(uint16_t port);
/* Disarms; a running trace ends (TRACE_END_OFF) and is still printed. */
void trace_disarm(void);
/* Ends a running trace that started more than max_ns ago (TRACE_END_TIMEOUT). */
void trace_check_timeout(uint64_t max_ns);
enum trace_state trace_get_state(void);
uint16_t trace_port(void);
void trace_get_counts(struct trace_counts *out);

/* Printing: claims a finished trace (DONE -> PRINTING), prints every event and
 * the summary, and goes back to OFF. False if there was nothing to claim.
 * Every TRACE_PRINT_BATCH lines it calls trace_print_pause (the printer
 * thread yields there: a 1 MB send's thousands of lines take a minute at
 * 115200 baud, and the services must not stop for it). */
#define TRACE_PRINT_BATCH 32
bool trace_print(void);
void trace_print_pause(void);

/* The numbers of the summary line, from a run of events (exclusive time per
 * context: the gap after an event belongs to the innermost open frame, and
 * none to a frame that sleeps or when none is open). */
struct trace_summary {
	uint64_t ctx_ns[TRACE_CTX_COUNT];
	uint64_t total_ns;
	uint32_t unbalanced;	/* exits without an entry, entries left open */
};
void trace_summarize(const struct trace_event *ev, uint32_t n, uint32_t mask, uint32_t from,
		     struct trace_summary *out);

/* The recorder's clock (TSC) and its conversion, provided by the kernel side
 * (kernel/trace_cmd.c) or by a host test. */
uint64_t trace_clock(void);

/* Called by the recorder when a trace ends (any context): wakes the printer. */
void trace_notify_end(void);

/* ---- tracepoints ------------------------------------------------------------- */

#ifndef RINGOS_NO_TRACE

extern bool trace_active;	/* armed or running: the one branch of a tracepoint */

/* From kernel/trace_cmd.c, for app=send, which powers off after its send.
 * True while a trace is armed (the app then makes one blocking send()). */
bool trace_armed(void);
/* Waits up to ms for a started trace to end and be printed; returns at once
 * when none runs. */
void trace_wait_print(unsigned int ms);

uint64_t __trace_send_enter(const void *sk, uint16_t lport, uint16_t rport);
uint64_t __trace_enter(uint16_t tp, uint32_t skb, uint32_t len, const void *sk, int subject);
void __trace_exit(uint64_t token);
void __trace_leaf(uint16_t tp, uint32_t skb, uint32_t len, uint32_t aux);
uint32_t __trace_skb_new(uint16_t tp, uint32_t parent, uint32_t len);
uint32_t __trace_skb_queued(const void *sk, uint32_t id, uint32_t len, uint32_t copy);
void __trace_skb_free(uint32_t id, uint32_t len);
void __trace_copy(uint32_t bytes);

enum { TRACE_SUBJ_SKB, TRACE_SUBJ_SOCK, TRACE_SUBJ_CTX };

static inline void __trace_frame_end(uint64_t *token)
{
	if (unlikely(*token))
		__trace_exit(*token);
}

#define __TRACE_CAT2(a, b) a##b
#define __TRACE_CAT(a, b) __TRACE_CAT2(a, b)
#define __TRACE_FRAME(enter)								\
	uint64_t __TRACE_CAT(__trace_frame_, __LINE__)					\
		__attribute__((cleanup(__trace_frame_end))) =				\
		unlikely(trace_active) ? (enter) : 0

#define TRACE_FUNC(tp, skb)								\
	__TRACE_FRAME(__trace_enter((tp), (skb) ? (skb)->trace_id : 0,			\
				    (skb) ? (skb)->len : 0, NULL, TRACE_SUBJ_SKB))
#define TRACE_FUNC_SK(tp, sk)	__TRACE_FRAME(__trace_enter((tp), 0, 0, (sk), TRACE_SUBJ_SOCK))
#define TRACE_FUNC_CTX(tp)	__TRACE_FRAME(__trace_enter((tp), 0, 0, NULL, TRACE_SUBJ_CTX))
/* tcp_sendmsg's: starts an armed trace when a port matches. */
#define TRACE_SEND(sk, lport, rport)	__TRACE_FRAME(__trace_send_enter((sk), (lport), (rport)))

/* A point inside a kept frame (the tail write), with a value to show. */
#define TRACE_LEAF_VAL(tp, val)								\
	do {										\
		if (unlikely(trace_active))						\
			__trace_leaf((tp), 0, 0, (val));				\
	} while (0)
/* child was made from a traced parent (a clone, a split): it is traced too.
 * The leaf shows the parent with its length, and the child's id. */
#define TRACE_SKB_NEW(tp, parent, child)						\
	do {										\
		if (unlikely(trace_active) && (parent)->trace_id)			\
			(child)->trace_id = __trace_skb_new((tp), (parent)->trace_id,	\
							    (parent)->len);		\
	} while (0)
/* copy bytes went into skb on sk's write queue: traced when the traced send
 * made the copy. */
#define TRACE_SKB_QUEUED(sk, skb, copy)							\
	do {										\
		if (unlikely(trace_active))						\
			(skb)->trace_id = __trace_skb_queued((sk), (skb)->trace_id,	\
							     (skb)->len, (copy));	\
	} while (0)
/* The struct goes back: the last reference of skb was dropped. */
#define TRACE_SKB_FREE(skb)								\
	do {										\
		if (unlikely(trace_active) && (skb)->trace_id)				\
			__trace_skb_free((skb)->trace_id, (skb)->len);			\
	} while (0)
#define TRACE_COPY(bytes)								\
	do {										\
		if (unlikely(trace_active))						\
			__trace_copy(bytes);						\
	} while (0)

#else

#define TRACE_FUNC(tp, skb)		((void)0)
#define TRACE_FUNC_SK(tp, sk)		((void)0)
#define TRACE_FUNC_CTX(tp)		((void)0)
#define TRACE_SEND(sk, lport, rport)	((void)0)
#define TRACE_LEAF_VAL(tp, val)		((void)0)
#define TRACE_SKB_NEW(tp, parent, child) ((void)0)
#define TRACE_SKB_QUEUED(sk, skb, copy)	((void)0)
#define TRACE_SKB_FREE(skb)		((void)0)
#define TRACE_COPY(bytes)		((void)0)

static inline bool trace_armed(void) { return false; }
static inline void trace_wait_print(unsigned int ms) { (void)ms; }

#endif

#endif
