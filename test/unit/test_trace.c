/* The send trace's recorder and printer (kernel/trace.c) with a fake clock and
 * a fake context: arming, the port filter, entry/exit pairing and depth
 * through the real TRACE_* macros, the end of a trace, copies, the ring's
 * wrap and overflow, leaf folding in the printout, and the summary's
 * exclusive time per context. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"

/* What the macros read of an skb. */
struct fake_skb {
	uint32_t trace_id;
	uint32_t len;
};

static uint64_t fake_tsc;
static enum trace_ctx fake_ctx;
static int ends_notified;
static struct trace_event ring[64];

uint64_t trace_clock(void) { return fake_tsc; }
uint64_t tsc_to_ns(uint64_t cycles) { return cycles; }
bool in_irq(void) { return fake_ctx == TRACE_CTX_HARDIRQ; }
bool in_serving_softirq(void) { return fake_ctx == TRACE_CTX_SOFTIRQ; }
static unsigned int print_pauses;
void trace_print_pause(void) { print_pauses++; }
void trace_notify_end(void) { ends_notified++; }

static const int SOCK_A = 1, SOCK_B = 2;

/* ---- functions shaped like the stack's, each with its tracepoint ------------- */

static int leaf_fn(struct fake_skb *skb)
{
	TRACE_FUNC(TP_ip_output, skb);
	fake_tsc += 10;
	return 0;
}

/* Two returns: the exit comes on either. */
static int mid_fn(struct fake_skb *skb, bool early)
{
	TRACE_FUNC(TP_ip_queue_xmit, skb);
	fake_tsc += 5;
	if (early)
		return -1;
	return leaf_fn(skb);
}

static void xmit_fn(const void *sk, struct fake_skb *skb, bool early)
{
	TRACE_FUNC_SK(TP_tcp_write_xmit, sk);
	(void)mid_fn(skb, early);
}

static void copy_fn(struct fake_skb *skb, uint32_t bytes)
{
	TRACE_FUNC(TP_tcp_transmit_skb, skb);
	TRACE_COPY(bytes);
}

static void free_fn(struct fake_skb *skb)
{
	TRACE_FUNC(TP_kfree_skb, skb);
	TRACE_SKB_FREE(skb);
}

static void irq_fn(void)
{
	enum trace_ctx was = fake_ctx;

	fake_ctx = TRACE_CTX_HARDIRQ;
	{
		TRACE_FUNC_CTX(TP_igb_msix_ring);
		fake_tsc += 3;
	}
	fake_ctx = was;
}

/* The traced send: sk's tcp_sendmsg queueing skb with bytes, then the callback. */
static void send_fn(const void *sk, uint16_t lport, uint16_t rport, struct fake_skb *skb,
		    uint32_t bytes, void (*inside)(const void *sk, struct fake_skb *skb))
{
	TRACE_SEND(sk, lport, rport);
	fake_tsc += 1;
	if (skb) {
		skb->len += bytes;
		TRACE_COPY(bytes);
		TRACE_SKB_QUEUED(sk, skb, bytes);
	}
	if (inside)
		inside(sk, skb);
}

static void xmit_inside(const void *sk, struct fake_skb *skb)
{
	xmit_fn(sk, skb, false);
}

static const struct trace_event *ev(uint32_t i)
{
	return &ring[i % ARRAY_SIZE(ring)];
}

static int setup(void **state)
{
	(void)state;
	trace_disarm();
	(void)trace_print();
	fake_tsc = 1000;
	fake_ctx = TRACE_CTX_SYS;
	ends_notified = 0;
	printk_capture_reset();
	trace_setup(ring, ARRAY_SIZE(ring));
	return 0;
}

/* ---- arming and the filter --------------------------------------------------- */

static void test_arm_disarm(void **state)
{
	(void)state;
	assert_true(trace_ready());
	assert_int_equal(trace_get_state(), TRACE_OFF);
	assert_false(trace_active);
	assert_int_equal(trace_arm(0), 0);
	assert_int_equal(trace_get_state(), TRACE_ARMED);
	assert_true(trace_active);
	trace_disarm();
	assert_int_equal(trace_get_state(), TRACE_OFF);
	assert_false(trace_active);

	/* Running: a second arm is refused; off ends the trace, still printed. */
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, NULL, 0, NULL);
	assert_int_equal(trace_get_state(), TRACE_DONE);	/* nothing queued: done at return */
	assert_int_equal(trace_arm(0), -EBUSY);
	assert_true(trace_print());
	assert_int_equal(trace_get_state(), TRACE_OFF);
	assert_false(trace_print());
}

static void test_port_filter(void **state)
{
	struct fake_skb skb = { 0 };

	(void)state;
	assert_int_equal(trace_arm(7), 0);
	send_fn(&SOCK_B, 40000, 5001, &skb, 100, NULL);
	assert_int_equal(trace_get_state(), TRACE_ARMED);
	assert_int_equal(skb.trace_id, 0);
	/* The remote port matches (a client of the echo service's peer). */
	send_fn(&SOCK_A, 40001, 7, &skb, 100, NULL);
	assert_int_equal(trace_get_state(), TRACE_RUNNING);
	assert_int_not_equal(skb.trace_id, 0);
	free_fn(&skb);
	assert_int_equal(trace_get_state(), TRACE_DONE);
	assert_true(trace_print());

	/* The local one too (the echo service replying from port 7). */
	skb = (struct fake_skb){ 0 };
	assert_int_equal(trace_arm(7), 0);
	send_fn(&SOCK_A, 7, 40002, &skb, 100, NULL);
	assert_int_equal(trace_get_state(), TRACE_RUNNING);
	trace_disarm();
	assert_int_equal(trace_get_state(), TRACE_DONE);
	assert_true(trace_print());
	assert_non_null(strstr(printk_capture, "end=off"));
}

/* ---- pairing, depth, what is kept ----------------------------------------------- */

static void test_entry_exit_pairing_and_depth(void **state)
{
	struct fake_skb skb = { 0 }, other = { 0 };
	struct trace_summary s;
	uint32_t n;

	(void)state;
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 1000, xmit_inside);
	/* Another socket's and an untraced skb's steps are not kept. */
	xmit_fn(&SOCK_B, &other, false);
	(void)mid_fn(&other, false);
	/* The same socket from a softirq, with the early return. */
	fake_ctx = TRACE_CTX_SOFTIRQ;
	xmit_fn(&SOCK_A, &skb, true);
	fake_ctx = TRACE_CTX_SYS;
	assert_int_equal(trace_get_state(), TRACE_RUNNING);
	free_fn(&skb);
	assert_int_equal(trace_get_state(), TRACE_DONE);
	assert_int_equal(ends_notified, 1);

	/* sendmsg { entail; write_xmit { queue_xmit { output } } } write_xmit { queue_xmit }
	 * kfree_skb { __kfree_skb } */
	static const struct { uint16_t tp; uint8_t kind, depth, ctx; } want[] = {
		{ TP_tcp_sendmsg, TRACE_ENTRY, 0, TRACE_CTX_SYS },
		{ TP_skb_entail, TRACE_LEAF, 1, TRACE_CTX_SYS },
		{ TP_tcp_write_xmit, TRACE_ENTRY, 1, TRACE_CTX_SYS },
		{ TP_ip_queue_xmit, TRACE_ENTRY, 2, TRACE_CTX_SYS },
		{ TP_ip_output, TRACE_ENTRY, 3, TRACE_CTX_SYS },
		{ TP_ip_output, TRACE_EXIT, 3, TRACE_CTX_SYS },
		{ TP_ip_queue_xmit, TRACE_EXIT, 2, TRACE_CTX_SYS },
		{ TP_tcp_write_xmit, TRACE_EXIT, 1, TRACE_CTX_SYS },
		{ TP_tcp_sendmsg, TRACE_EXIT, 0, TRACE_CTX_SYS },
		{ TP_tcp_write_xmit, TRACE_ENTRY, 0, TRACE_CTX_SOFTIRQ },
		{ TP_ip_queue_xmit, TRACE_ENTRY, 1, TRACE_CTX_SOFTIRQ },
		{ TP_ip_queue_xmit, TRACE_EXIT, 1, TRACE_CTX_SOFTIRQ },
		{ TP_tcp_write_xmit, TRACE_EXIT, 0, TRACE_CTX_SOFTIRQ },
		{ TP_kfree_skb, TRACE_ENTRY, 0, TRACE_CTX_SYS },
		{ TP___kfree_skb, TRACE_LEAF, 1, TRACE_CTX_SYS },
		{ TP_kfree_skb, TRACE_EXIT, 0, TRACE_CTX_SYS },
	};
	struct trace_counts c;

	trace_get_counts(&c);
	n = c.events;
	assert_int_equal(n, ARRAY_SIZE(want));
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(ev(i)->tp, want[i].tp);
		assert_int_equal(ev(i)->kind, want[i].kind);
		assert_int_equal(ev(i)->depth, want[i].depth);
		assert_int_equal(ev(i)->ctx, want[i].ctx);
		if (i)
			assert_true(ev(i)->tsc >= ev(i - 1)->tsc);
	}
	assert_int_equal(ev(1)->skb, 1);	/* ids count from 1 in each trace */
	assert_int_equal(ev(1)->len, 1000);
	assert_int_equal(c.skbs, 1);
	assert_int_equal(c.live, 0);
	assert_int_equal(c.bytes, 1000);
	trace_summarize(ring, n, ARRAY_SIZE(ring) - 1, 0, &s);
	assert_int_equal(s.unbalanced, 0);
	assert_true(trace_print());
}

/* Clones and splits are followed to their own free; the trace ends with the
 * last one, once the send has returned and no kept frame is open. */
static void test_end_after_every_skb_freed(void **state)
{
	struct fake_skb skb = { 0 }, clone, rest = { 0 };

	(void)state;
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 500, NULL);
	clone = skb;
	TRACE_SKB_NEW(TP_skb_clone, &skb, &clone);
	assert_int_not_equal(clone.trace_id, skb.trace_id);
	TRACE_SKB_NEW(TP_tso_fragment, &skb, &rest);
	assert_int_not_equal(rest.trace_id, 0);
	free_fn(&skb);
	free_fn(&rest);
	assert_int_equal(trace_get_state(), TRACE_RUNNING);
	fake_ctx = TRACE_CTX_SOFTIRQ;
	{
		/* The last free inside a NAPI poll: the end waits for its exit. */
		TRACE_FUNC_CTX(TP_net_rx_action);
		free_fn(&clone);
		assert_int_equal(trace_get_state(), TRACE_RUNNING);
	}
	fake_ctx = TRACE_CTX_SYS;
	assert_int_equal(trace_get_state(), TRACE_DONE);
	assert_true(trace_print());
	assert_non_null(strstr(printk_capture, "skb_clone(); skb=1 len=500 clone=2"));
	assert_non_null(strstr(printk_capture, "tso_fragment(); skb=1 len=500 new=3"));
	assert_non_null(strstr(printk_capture, "skbs=3 bytes=500"));
	assert_non_null(strstr(printk_capture, "net_rx=1 net_tx=0"));
	assert_non_null(strstr(printk_capture, "live=0 end=freed"));

	/* An skb still carrying that trace's id is nothing to the next one. */
	struct fake_skb fresh = { 0 }, stale = { .trace_id = rest.trace_id, .len = 1 };
	struct trace_counts c;

	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &fresh, 10, NULL);
	free_fn(&stale);
	trace_get_counts(&c);
	assert_int_equal(c.live, 1);
	assert_int_equal(c.events, 3);		/* sendmsg { entail } */
	free_fn(&fresh);
	assert_int_equal(trace_get_state(), TRACE_DONE);
	assert_true(trace_print());
}

static void test_copies_go_to_the_innermost_frame(void **state)
{
	struct fake_skb skb = { 0 };
	struct trace_counts c;

	(void)state;
	TRACE_COPY(999);			/* off: nothing */
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 300, NULL);
	copy_fn(&skb, 40);
	fake_ctx = TRACE_CTX_SOFTIRQ;
	TRACE_COPY(77);				/* no kept frame of this context */
	fake_ctx = TRACE_CTX_SYS;
	TRACE_COPY(55);				/* no frame open */
	trace_get_counts(&c);
	assert_int_equal(c.copies, 2);
	assert_int_equal(c.copy_bytes, 340);
	free_fn(&skb);
	assert_true(trace_print());
	assert_non_null(strstr(printk_capture, "} /* tcp_sendmsg */ copy=300"));
	/* A frame with nothing inside folds, and keeps its copy. */
	assert_non_null(strstr(printk_capture, "tcp_transmit_skb(); skb=1 len=300 copy=40"));
}

/* ---- the printout ----------------------------------------------------------------- */

static void test_printer_folds_leaves(void **state)
{
	struct fake_skb skb = { 0 };
	const char *p;

	(void)state;
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 64, xmit_inside);
	irq_fn();
	free_fn(&skb);
	assert_true(trace_print());
	p = printk_capture;
	assert_non_null(strstr(p, "trace: begin send sport=40000 dport=5001 filter=0 events="));
	assert_non_null(p = strstr(p, "      0.000 | sys     | tcp_sendmsg() {\n"));
	assert_non_null(p = strstr(p, " | sys     |   skb_entail(); skb=1 len=64\n"));
	assert_non_null(p = strstr(p, " | sys     |   tcp_write_xmit() {\n"));
	assert_non_null(p = strstr(p, " | sys     |     ip_queue_xmit() { skb=1 len=64\n"));
	assert_non_null(p = strstr(p, " | sys     |       ip_output(); skb=1 len=64\n"));
	assert_non_null(p = strstr(p, " | sys     |     } /* ip_queue_xmit */\n"));
	assert_non_null(p = strstr(p, " | sys     |   } /* tcp_write_xmit */\n"));
	assert_non_null(p = strstr(p, " | sys     | } /* tcp_sendmsg */ copy=64\n"));
	assert_non_null(p = strstr(p, " | hardirq | igb_msix_ring();\n"));
	assert_non_null(p = strstr(p, " | sys     | kfree_skb() { skb=1 len=64\n"));
	assert_non_null(p = strstr(p, "trace: summary skbs=1 bytes=64 copies=1 copy_bytes=64"));
	/* Times: µs with three decimals since the send (1 tick = 1 ns here). */
	assert_non_null(strstr(printk_capture, "      0.001 | sys     |   skb_entail();"));
}

/* A long printout pauses (the printer thread yields) every
 * TRACE_PRINT_BATCH lines. */
static void test_printer_pauses_between_batches(void **state)
{
	static struct trace_event big[1024];
	struct fake_skb skb = { 0 };
	unsigned int lines = 0;

	(void)state;
	trace_setup(big, ARRAY_SIZE(big));
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 64, NULL);
	for (int i = 0; i < 40; i++)
		xmit_fn(&SOCK_A, &skb, false);
	free_fn(&skb);
	print_pauses = 0;
	assert_true(trace_print());
	for (const char *p = printk_capture; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	lines -= 3;				/* begin, column heads, summary */
	assert_true(lines > 2 * TRACE_PRINT_BATCH);
	assert_int_equal(print_pauses, lines / TRACE_PRINT_BATCH);
}

/* ---- the ring ------------------------------------------------------------------- */

/* Full: later events are lost and counted, but never an exit whose entry is
 * stored, so what is printed still balances. */
static void test_overflow_counted_and_balanced(void **state)
{
	struct fake_skb skb = { 0 };
	struct trace_summary s;
	struct trace_counts c;

	(void)state;
	trace_setup(ring, 8);
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 10, NULL);
	for (int i = 0; i < 5; i++)
		xmit_fn(&SOCK_A, &skb, false);
	free_fn(&skb);
	assert_int_equal(trace_get_state(), TRACE_DONE);
	trace_get_counts(&c);
	assert_true(c.lost > 0);
	assert_true(c.events <= 8);
	trace_summarize(ring, c.events, 7, 0, &s);
	assert_int_equal(s.unbalanced, 0);
	assert_true(trace_print());
	assert_non_null(strstr(printk_capture, "lost="));
	assert_null(strstr(printk_capture, "lost=0 "));
	trace_setup(ring, ARRAY_SIZE(ring));
}

/* Positions run on across traces and wrap round the ring. */
static void test_ring_wraps(void **state)
{
	(void)state;
	trace_setup(ring, 16);
	for (int round = 0; round < 6; round++) {
		struct fake_skb skb = { 0 };
		struct trace_counts c;

		printk_capture_reset();
		assert_int_equal(trace_arm(0), 0);
		send_fn(&SOCK_A, 40000, (uint16_t)(6000 + round), &skb, 8, xmit_inside);
		free_fn(&skb);
		trace_get_counts(&c);
		assert_int_equal(c.lost, 0);
		assert_int_equal(c.events, 12);		/* 6 rounds of 12 in 16 slots */
		assert_true(trace_print());
		assert_non_null(strstr(printk_capture, "      0.000 | sys     | tcp_sendmsg() {"));
		assert_non_null(strstr(printk_capture, "    } /* ip_queue_xmit */"));
		assert_non_null(strstr(printk_capture, "lost=0 live=0 end=freed"));
	}
	trace_setup(ring, ARRAY_SIZE(ring));
}

static void test_timeout_ends_a_trace(void **state)
{
	struct fake_skb skb = { 0 };

	(void)state;
	assert_int_equal(trace_arm(0), 0);
	send_fn(&SOCK_A, 40000, 5001, &skb, 10, NULL);
	trace_check_timeout(1000);
	assert_int_equal(trace_get_state(), TRACE_RUNNING);
	fake_tsc += 5000;
	trace_check_timeout(1000);
	assert_int_equal(trace_get_state(), TRACE_DONE);
	free_fn(&skb);				/* after the end: nothing */
	assert_true(trace_print());
	assert_non_null(strstr(printk_capture, "live=1 end=timeout"));
}

/* ---- the summary's arithmetic ------------------------------------------------------- */

static struct trace_event mk(uint64_t tsc, uint16_t tp, uint8_t kind, uint8_t ctx)
{
	return (struct trace_event){ .tsc = tsc, .tp = tp, .kind = kind, .ctx = ctx };
}

static void test_summary_exclusive_time(void **state)
{
	/* sys 0..100 with a hard IRQ 20..25 and a softirq 40..70 inside it; the
	 * sleep 100..1100 counts for nobody; the NET_RX run after it for si. */
	const struct trace_event e[] = {
		mk(0, TP_tcp_sendmsg, TRACE_ENTRY, TRACE_CTX_SYS),
		mk(20, TP_igb_msix_ring, TRACE_ENTRY, TRACE_CTX_HARDIRQ),
		mk(25, TP_igb_msix_ring, TRACE_EXIT, TRACE_CTX_HARDIRQ),
		mk(40, TP_net_rx_action, TRACE_ENTRY, TRACE_CTX_SOFTIRQ),
		mk(50, TP___kfree_skb, TRACE_LEAF, TRACE_CTX_SOFTIRQ),
		mk(70, TP_net_rx_action, TRACE_EXIT, TRACE_CTX_SOFTIRQ),
		mk(100, TP_sk_stream_wait_memory, TRACE_ENTRY, TRACE_CTX_SYS),
		mk(1100, TP_sk_stream_wait_memory, TRACE_EXIT, TRACE_CTX_SYS),
		mk(1110, TP_tcp_sendmsg, TRACE_EXIT, TRACE_CTX_SYS),
		mk(1500, TP_net_rx_action, TRACE_ENTRY, TRACE_CTX_SOFTIRQ),
		mk(1540, TP_net_rx_action, TRACE_EXIT, TRACE_CTX_SOFTIRQ),
	};
	struct trace_event wrapped[16];
	struct trace_summary s;

	(void)state;
	trace_summarize(e, ARRAY_SIZE(e), 15, 0, &s);
	assert_int_equal(s.ctx_ns[TRACE_CTX_SYS], 20 + 15 + 30 + 10);
	assert_int_equal(s.ctx_ns[TRACE_CTX_HARDIRQ], 5);
	assert_int_equal(s.ctx_ns[TRACE_CTX_SOFTIRQ], 30 + 40);
	assert_int_equal(s.total_ns, 1540);
	assert_int_equal(s.unbalanced, 0);

	/* The same run starting near the ring's end gives the same sums. */
	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		wrapped[(12 + i) & 15] = e[i];
	trace_summarize(wrapped, ARRAY_SIZE(e), 15, 12, &s);
	assert_int_equal(s.ctx_ns[TRACE_CTX_SYS], 75);
	assert_int_equal(s.ctx_ns[TRACE_CTX_SOFTIRQ], 70);

	/* An exit without its entry, an entry left open. */
	trace_summarize(e + 2, 4, 15, 0, &s);
	assert_int_equal(s.unbalanced, 1);
	trace_summarize(e, 2, 15, 0, &s);
	assert_int_equal(s.unbalanced, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_arm_disarm, setup),
		cmocka_unit_test_setup(test_port_filter, setup),
		cmocka_unit_test_setup(test_entry_exit_pairing_and_depth, setup),
		cmocka_unit_test_setup(test_end_after_every_skb_freed, setup),
		cmocka_unit_test_setup(test_copies_go_to_the_innermost_frame, setup),
		cmocka_unit_test_setup(test_printer_folds_leaves, setup),
		cmocka_unit_test_setup(test_printer_pauses_between_batches, setup),
		cmocka_unit_test_setup(test_overflow_counted_and_balanced, setup),
		cmocka_unit_test_setup(test_ring_wraps, setup),
		cmocka_unit_test_setup(test_timeout_ends_a_trace, setup),
		cmocka_unit_test(test_summary_exclusive_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
