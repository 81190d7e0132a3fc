/* The trace recorder and printer (kernel/trace.h): what a tracepoint keeps,
 * the ring, the end of a trace, and its function_graph-like printout.
 *
 * Every entry point runs with interrupts off for its few stores: a hard IRQ's
 * tracepoint may interrupt a softirq's or a thread's half-way otherwise. The
 * printer works on a finished trace only (state PRINTING), which no
 * tracepoint writes to. */
#include <errno.h>
#include "kernel/trace.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"

const char *const trace_point_names[TP_COUNT] = {
#define TRACE_NAME(name, flags) #name,
	TRACE_POINTS(TRACE_NAME)
#undef TRACE_NAME
};

const uint8_t trace_point_flags[TP_COUNT] = {
#define TRACE_FLAGS(name, flags) flags,
	TRACE_POINTS(TRACE_FLAGS)
#undef TRACE_FLAGS
};

static const char *const ctx_names[TRACE_CTX_COUNT] = { "sys", "softirq", "hardirq" };
static const char *const end_names[] = { "freed", "timeout", "off" };

/* A token (what a tracepoint's local holds until its exit): 0 for a frame
 * that is not kept, else these bits, the trace point and the generation, so
 * an exit after its trace ended (timeout, off) changes nothing. */
#define TOKEN_KEPT	1u
#define TOKEN_STORED	2u
#define TOKEN_SEND	4u

struct trace_frame {
	uint32_t copy;		/* bytes copied directly inside */
	uint8_t ctx;
	bool stored;		/* its entry is in the ring: its exit must be too */
	bool on_skb;		/* kept for a traced skb (not a socket or a context) */
};

bool trace_active;

static struct {
	struct trace_event *ring;
	uint32_t size;			/* a power of two */
	uint32_t head, tail;		/* free-running; the trace is [start, head) */
	uint32_t start;
	enum trace_state state;
	enum trace_end end;
	uint16_t port;			/* filter, 0: any */
	uint16_t lport, rport;		/* the traced socket's */
	const void *sk;
	uint32_t gen;
	/* skb ids never repeat: an skb still carrying one from an earlier trace
	 * (ended by a timeout) is below id_base and not followed. */
	uint32_t next_id, id_base;
	uint64_t t0;
	bool send_open;			/* the traced tcp_sendmsg has not returned */
	uint32_t depth;			/* kept frames open */
	uint32_t open_stored;		/* of those, stored: their exits are owed room */
	struct trace_frame frames[TRACE_DEPTH_MAX];
	struct trace_counts c;
} T = { .next_id = 1 };

static enum trace_ctx current_ctx(void)
{
	if (in_irq())
		return TRACE_CTX_HARDIRQ;
	/* in_softirq() is also true for process context with bottom halves
	 * off (tcp_sendmsg itself): that is still sy. */
	return in_serving_softirq() ? TRACE_CTX_SOFTIRQ : TRACE_CTX_SYS;
}

static bool skb_traced(uint32_t id)
{
	return id && id >= T.id_base;
}

static uint32_t skb_rel(uint32_t id)
{
	return skb_traced(id) ? id - T.id_base + 1 : 0;
}

/* Room for this event and the exits still owed to the stored open frames. */
static bool ring_room(uint32_t need)
{
	return T.size - (T.head - T.tail) >= T.open_stored + need;
}

static bool ring_put(uint16_t tp, enum trace_kind kind, enum trace_ctx ctx, uint32_t skb,
		     uint32_t len, uint32_t copy, uint32_t aux, uint32_t need)
{
	struct trace_event *e;

	if (!ring_room(need)) {
		T.c.lost++;
		return false;
	}
	e = &T.ring[T.head & (T.size - 1)];
	*e = (struct trace_event){
		.tsc = trace_clock(), .skb = skb_rel(skb), .len = len, .copy = copy,
		.aux = skb_rel(aux), .tp = tp, .kind = (uint8_t)kind, .ctx = (uint8_t)ctx,
		.depth = (uint8_t)T.depth,
	};
	T.head++;
	T.c.events++;
	return true;
}

static uint64_t frame_push(uint16_t tp, uint32_t skb, uint32_t len, bool on_skb)
{
	enum trace_ctx ctx = current_ctx();
	bool stored;

	if (T.depth >= TRACE_DEPTH_MAX) {
		T.c.lost++;
		return 0;
	}
	if (tp == TP_net_rx_action)
		T.c.net_rx_runs++;
	else if (tp == TP_net_tx_action)
		T.c.net_tx_runs++;
	stored = ring_put(tp, TRACE_ENTRY, ctx, skb, len, 0, 0, 2);
	T.frames[T.depth] = (struct trace_frame){
		.ctx = (uint8_t)ctx, .stored = stored, .on_skb = on_skb,
	};
	T.depth++;
	if (stored)
		T.open_stored++;
	return TOKEN_KEPT | (stored ? TOKEN_STORED : 0) | (uint64_t)tp << 8 | (uint64_t)T.gen << 32;
}

static void trace_stop(enum trace_end why)
{
	T.state = TRACE_DONE;
	T.end = why;
	T.sk = NULL;
	trace_active = false;
	trace_notify_end();
}

static void check_end(void)
{
	if (!T.send_open && !T.c.live && !T.depth)
		trace_stop(TRACE_END_FREED);
}

uint64_t __trace_send_enter(const void *sk, uint16_t lport, uint16_t rport)
{
	unsigned long flags = local_irq_save();
	uint64_t token = 0;

	if (T.state == TRACE_ARMED && (!T.port || T.port == lport || T.port == rport)) {
		T.state = TRACE_RUNNING;
		T.sk = sk;
		T.lport = lport;
		T.rport = rport;
		T.gen++;
		T.id_base = T.next_id;
		T.c = (struct trace_counts){ 0 };
		T.depth = 0;
		T.open_stored = 0;
		T.start = T.head;
		T.send_open = true;
		T.t0 = trace_clock();
		token = frame_push(TP_tcp_sendmsg, 0, 0, false);
		if (token)
			token |= TOKEN_SEND;
	}
	local_irq_restore(flags);
	return token;
}

uint64_t __trace_enter(uint16_t tp, uint32_t skb, uint32_t len, const void *sk, int subject)
{
	unsigned long flags = local_irq_save();
	uint64_t token = 0;
	bool keep = false;

	if (T.state == TRACE_RUNNING) {
		if (subject == TRACE_SUBJ_SKB)
			keep = skb_traced(skb);
		else if (subject == TRACE_SUBJ_SOCK)
			keep = sk == T.sk;
		else
			keep = true;
	}
	if (keep)
		token = frame_push(tp, skb, len, subject == TRACE_SUBJ_SKB);
	local_irq_restore(flags);
	return token;
}

void __trace_exit(uint64_t token)
{
	unsigned long flags = local_irq_save();
	struct trace_frame *f;

	if (T.state != TRACE_RUNNING || (uint32_t)(token >> 32) != T.gen || !T.depth) {
		local_irq_restore(flags);
		return;
	}
	f = &T.frames[--T.depth];
	if (f->stored) {
		T.open_stored--;
		/* Cannot fail: its room was kept since the entry. */
		ring_put((uint16_t)(token >> 8 & 0xff), TRACE_EXIT, current_ctx(), 0, 0, f->copy, 0, 1);
	}
	if (token & TOKEN_SEND)
		T.send_open = false;
	check_end();
	local_irq_restore(flags);
}

/* Directly inside the innermost kept frame: in that frame's context. */
static bool in_kept_frame(void)
{
	return T.state == TRACE_RUNNING && T.depth &&
	       T.frames[T.depth - 1].ctx == (uint8_t)current_ctx();
}

/* A point (the tail write) knows no skb: it belongs to the trace when the
 * frame around it is about a traced one. */
void __trace_leaf(uint16_t tp, uint32_t skb, uint32_t len, uint32_t aux)
{
	unsigned long flags = local_irq_save();

	if (in_kept_frame() && T.frames[T.depth - 1].on_skb)
		ring_put(tp, TRACE_LEAF, current_ctx(), skb, len, 0, aux, 1);
	local_irq_restore(flags);
}

uint32_t __trace_skb_new(uint16_t tp, uint32_t parent, uint32_t len)
{
	unsigned long flags = local_irq_save();
	uint32_t id = 0;

	if (T.state == TRACE_RUNNING && skb_traced(parent)) {
		id = T.next_id++;
		T.c.skbs++;
		T.c.live++;
		ring_put(tp, TRACE_LEAF, current_ctx(), parent, len, 0, id, 1);
	}
	local_irq_restore(flags);
	return id;
}

uint32_t __trace_skb_queued(const void *sk, uint32_t id, uint32_t len, uint32_t copy)
{
	unsigned long flags = local_irq_save();

	if (T.state == TRACE_RUNNING && T.send_open && sk == T.sk &&
	    current_ctx() == TRACE_CTX_SYS) {
		T.c.bytes += copy;
		if (!skb_traced(id)) {
			id = T.next_id++;
			T.c.skbs++;
			T.c.live++;
			ring_put(TP_skb_entail, TRACE_LEAF, TRACE_CTX_SYS, id, len, 0, 0, 1);
		}
	}
	local_irq_restore(flags);
	return id;
}

void __trace_skb_free(uint32_t id, uint32_t len)
{
	unsigned long flags = local_irq_save();

	if (T.state == TRACE_RUNNING && skb_traced(id)) {
		T.c.live--;
		ring_put(TP___kfree_skb, TRACE_LEAF, current_ctx(), id, len, 0, 0, 1);
		check_end();
	}
	local_irq_restore(flags);
}

void __trace_copy(uint32_t bytes)
{
	unsigned long flags = local_irq_save();

	if (in_kept_frame()) {
		T.frames[T.depth - 1].copy += bytes;
		T.c.copies++;
		T.c.copy_bytes += bytes;
	}
	local_irq_restore(flags);
}

/* ---- control ----------------------------------------------------------------- */

void trace_setup(struct trace_event *ring, uint32_t n)
{
	unsigned long flags = local_irq_save();

	if (ring && IS_POW2(n) && T.state == TRACE_OFF) {
		T.ring = ring;
		T.size = n;
		T.head = T.tail = T.start = 0;
	}
	local_irq_restore(flags);
}

bool trace_ready(void)
{
	return READ_ONCE(T.ring) != NULL;
}

int trace_arm(uint16_t port)
{
	unsigned long flags = local_irq_save();
	int rc = 0;

	if (!T.ring)
		rc = -ENOMEM;
	else if (T.state != TRACE_OFF && T.state != TRACE_ARMED)
		rc = -EBUSY;
	else {
		T.state = TRACE_ARMED;
		T.port = port;
		trace_active = true;
	}
	local_irq_restore(flags);
	return rc;
}

void trace_disarm(void)
{
	unsigned long flags = local_irq_save();

	if (T.state == TRACE_ARMED) {
		T.state = TRACE_OFF;
		trace_active = false;
	} else if (T.state == TRACE_RUNNING) {
		trace_stop(TRACE_END_OFF);
	}
	local_irq_restore(flags);
}

void trace_check_timeout(uint64_t max_ns)
{
	unsigned long flags = local_irq_save();

	if (T.state == TRACE_RUNNING && tsc_to_ns(trace_clock() - T.t0) > max_ns)
		trace_stop(TRACE_END_TIMEOUT);
	local_irq_restore(flags);
}

enum trace_state trace_get_state(void)
{
	return READ_ONCE(T.state);
}

uint16_t trace_port(void)
{
	return READ_ONCE(T.port);
}

void trace_get_counts(struct trace_counts *out)
{
	unsigned long flags = local_irq_save();

	*out = T.c;
	local_irq_restore(flags);
}

/* ---- summary and printing ---------------------------------------------------- */

void trace_summarize(const struct trace_event *ev, uint32_t n, uint32_t mask, uint32_t from,
		     struct trace_summary *out)
{
	struct { uint8_t ctx; bool sleeps; } stack[TRACE_DEPTH_MAX];
	uint32_t depth = 0;

	*out = (struct trace_summary){ 0 };
	for (uint32_t i = 0; i < n; i++) {
		const struct trace_event *e = &ev[(from + i) & mask];

		if (e->kind == TRACE_ENTRY) {
			if (depth < TRACE_DEPTH_MAX)
				stack[depth++] = (typeof(stack[0])){
					e->ctx, (trace_point_flags[e->tp % TP_COUNT] & TRACE_SLEEPS) != 0
				};
			else
				out->unbalanced++;
		} else if (e->kind == TRACE_EXIT) {
			if (depth)
				depth--;
			else
				out->unbalanced++;
		}
		if (i + 1 < n && depth && !stack[depth - 1].sleeps)
			out->ctx_ns[stack[depth - 1].ctx % TRACE_CTX_COUNT] +=
				tsc_to_ns(ev[(from + i + 1) & mask].tsc - e->tsc);
	}
	out->unbalanced += depth;
	if (n)
		out->total_ns = tsc_to_ns(ev[(from + n - 1) & mask].tsc - ev[from & mask].tsc);
}

static void print_us(const char *label, uint64_t ns)
{
	kprintf(" %s=%llu.%03llu", label, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

/* skb=, len=, the second skb or the tail value, copy= where they apply. */
static void print_attrs(const struct trace_event *e, uint32_t copy)
{
	if (e->skb)
		kprintf(" skb=%u len=%u", e->skb, e->len);
	if (e->aux || e->tp == TP_tail_write)
		kprintf(" %s=%u", e->tp == TP_skb_clone ? "clone" :
				  e->tp == TP_tail_write ? "tdt" : "new", e->aux);
	if (copy)
		kprintf(" copy=%u", copy);
}

static void print_event(const struct trace_event *e, const struct trace_event *next)
{
	uint64_t ns = tsc_to_ns(e->tsc - T.t0);
	const char *name = trace_point_names[e->tp % TP_COUNT];

	kprintf("%7llu.%03llu | %-7s | %*s", (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000), ctx_names[e->ctx % TRACE_CTX_COUNT],
		2 * e->depth, "");
	if (e->kind == TRACE_EXIT) {
		kprintf("} /* %s */", name);
		if (e->copy)
			kprintf(" copy=%u", e->copy);
	} else if (e->kind == TRACE_LEAF || next) {
		kprintf("%s();", name);
		print_attrs(e, next ? next->copy : e->copy);
	} else {
		kprintf("%s() {", name);
		print_attrs(e, 0);
	}
	kprintf("\n");
}

bool trace_print(void)
{
	unsigned long flags = local_irq_save();
	struct trace_summary s;
	uint32_t n, mask, lines = 0;

	if (T.state != TRACE_DONE) {
		local_irq_restore(flags);
		return false;
	}
	T.state = TRACE_PRINTING;
	local_irq_restore(flags);

	n = T.head - T.start;
	mask = T.size - 1;
	kprintf("trace: begin send sport=%u dport=%u filter=%u events=%u\n", T.lport, T.rport,
		T.port, n);
	kprintf("     us     | context | function\n");
	/* An entry followed at once by its own exit folds into one leaf line. */
	for (uint32_t i = 0; i < n; i++) {
		const struct trace_event *e = &T.ring[(T.start + i) & mask];
		const struct trace_event *nx = i + 1 < n ? &T.ring[(T.start + i + 1) & mask] : NULL;
		bool fold = e->kind == TRACE_ENTRY && nx && nx->kind == TRACE_EXIT &&
			    nx->depth == e->depth;

		print_event(e, fold ? nx : NULL);
		if (fold)
			i++;
		if (++lines % TRACE_PRINT_BATCH == 0)
			trace_print_pause();
	}
	trace_summarize(T.ring, n, mask, T.start, &s);
	kprintf("trace: summary skbs=%u bytes=%llu copies=%u copy_bytes=%llu net_rx=%u net_tx=%u",
		T.c.skbs, (unsigned long long)T.c.bytes, T.c.copies,
		(unsigned long long)T.c.copy_bytes, T.c.net_rx_runs, T.c.net_tx_runs);
	print_us("sys_us", s.ctx_ns[TRACE_CTX_SYS]);
	print_us("softirq_us", s.ctx_ns[TRACE_CTX_SOFTIRQ]);
	print_us("hardirq_us", s.ctx_ns[TRACE_CTX_HARDIRQ]);
	print_us("total_us", s.total_ns);
	kprintf(" events=%u lost=%u live=%u end=%s\n", T.c.events, T.c.lost, T.c.live,
		end_names[T.end]);

	flags = local_irq_save();
	T.tail = T.head;
	T.state = TRACE_OFF;
	local_irq_restore(flags);
	return true;
}
