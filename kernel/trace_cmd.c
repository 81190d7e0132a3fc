/* The kernel side of the send trace (kernel/trace.h): the ring's memory, the
 * printer thread, `trace=send[:PORT]` on the command line, the `trace` shell
 * command, and the wait app=send makes before it powers off.
 *
 * The printer is a thread of its own: a trace ends in a softirq (the free of
 * its last skb, from the ACK), and thousands of console lines must not be
 * printed there. It lives while a trace is armed, running or unprinted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/initcall.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "kernel/wait.h"

/* 2^15 events of 32 bytes, 1 MiB: a 1 MB send with every ACK it draws made
 * about 9,500 of them in test/integration/trace_send, 64 KB about 500. Taken
 * at the first arm, not at boot: the memory at READY is a headline figure. */
#define TRACE_RING_ORDER	8
#define TRACE_RING_EVENTS	((1u << TRACE_RING_ORDER) * 4096u / sizeof(struct trace_event))
/* A trace whose skbs are not all freed by then (a stalled connection) ends. */
#define TRACE_MAX_NS		(30ULL * NSEC_PER_SEC)
/* The printer's wake-up period, so the time limit holds with nothing to wake it. */
#define TRACE_POLL_NS		NSEC_PER_SEC

static struct wait_queue_head trace_wq = WAIT_QUEUE_HEAD_INIT(trace_wq);
static struct thread *printer;

uint64_t trace_clock(void)
{
	return rdtsc();
}

void trace_notify_end(void)
{
	wake_up(&trace_wq);
}

static bool trace_busy(void)
{
	enum trace_state s = trace_get_state();

	return s == TRACE_RUNNING || s == TRACE_DONE || s == TRACE_PRINTING;
}

static bool printer_has_work(void)
{
	enum trace_state s = trace_get_state();

	return s == TRACE_DONE || s == TRACE_OFF;
}

/* Nothing is recorded while a trace prints (only a running one records), so
 * the ring holds still while others run. */
void trace_print_pause(void)
{
	thread_yield();
}

/* Bounded per wait; ends once nothing is armed, running or left to print. */
static void trace_printer(void *arg)
{
	(void)arg;
	for (;;) {
		(void)wait_event_interruptible_deadline(trace_wq, printer_has_work(),
							ktime_get_ns() + TRACE_POLL_NS);
		trace_check_timeout(TRACE_MAX_NS);
		if (trace_print())
			wake_up(&trace_wq);
		if (trace_get_state() == TRACE_OFF)
			break;
	}
	printer = NULL;
}

/* The ring (once) and a printer (while none lives), then armed. */
static int trace_start(uint16_t port)
{
	int rc;

	if (!trace_ready()) {
		void *ring = alloc_pages(TRACE_RING_ORDER);

		if (!ring)
			return -ENOMEM;
		trace_setup(ring, TRACE_RING_EVENTS);
	}
	rc = trace_arm(port);
	if (rc)
		return rc;
	if (!printer) {
		printer = thread_create("trace", trace_printer, NULL, CPU_SYS);
		if (!printer) {
			trace_disarm();
			return -ENOMEM;
		}
	}
	return 0;
}

bool trace_armed(void)
{
	return trace_get_state() == TRACE_ARMED;
}

void trace_wait_print(unsigned int ms)
{
	uint64_t wait_ns = (uint64_t)ms * NSEC_PER_MSEC;

	if (!trace_busy())
		return;
	if (wait_event_interruptible_deadline(trace_wq, !trace_busy(),
					      ktime_get_ns() + wait_ns) == 0)
		return;
	/* Not ended in time: stop it, and print what it has. */
	trace_disarm();
	(void)wait_event_interruptible_deadline(trace_wq, !trace_busy(), ktime_get_ns() + wait_ns);
}

/* ---- trace=send[:PORT] ------------------------------------------------------------- */

struct trace_param {
	bool on;
	uint16_t port;
};
static struct trace_param boot_trace;

/* "send" or "send:PORT", PORT 1..65535. */
static int parse_send_spec(const char *val, struct trace_param *out)
{
	unsigned long port = 0;
	char *end;

	if (strncmp(val, "send", 4) != 0 || (val[4] && val[4] != ':'))
		return -1;
	if (val[4] == ':') {
		if (val[5] < '0' || val[5] > '9')
			return -1;
		port = strtoul(val + 5, &end, 10);
		if (*end || !port || port > 65535)
			return -1;
	}
	*out = (struct trace_param){ true, (uint16_t)port };
	return 0;
}

static int trace_param_parse(const char *val, void *var)
{
	return parse_send_spec(val, var);
}

static void trace_param_format(const void *var, char *buf, size_t size)
{
	const struct trace_param *p = var;

	if (!p->on)
		snprintf(buf, size, "off");
	else if (p->port)
		snprintf(buf, size, "send:%u", p->port);
	else
		snprintf(buf, size, "send");
}

static const struct kparam_custom trace_param_ops = {
	.parse = trace_param_parse,
	.format = trace_param_format,
	.expected = "send or send:PORT",
};
KPARAM_CUSTOM("trace", boot_trace, &trace_param_ops,
	      "arm the trace of the next TCP send() at boot (shell: trace send [PORT])");

/* After the stack is up, before any application runs. */
static void trace_boot_arm(void)
{
	int rc;

	if (!boot_trace.on)
		return;
	rc = trace_start(boot_trace.port);
	if (rc)
		pr_warn("trace: cannot arm: %s\n", rc == -ENOMEM ? "no memory" : "busy");
	else
		kprintf("trace: armed for the next send() port=%u\n", boot_trace.port);
}
net_initcall(NET_INIT_LATE, trace_boot_arm);

/* ---- the shell command ------------------------------------------------------------- */

static const char *const state_names[] = { "off", "armed", "running", "done", "printing" };

static int cmd_trace(int argc, char **argv)
{
	struct trace_counts c;
	struct trace_param p;
	int rc;

	if (argc == 1) {
		trace_get_counts(&c);
		kprintf("trace: state=%s port=%u skbs=%u live=%u bytes=%llu copies=%u events=%u "
			"lost=%u ring=%u\n", state_names[trace_get_state()], trace_port(), c.skbs,
			c.live, (unsigned long long)c.bytes, c.copies, c.events, c.lost,
			trace_ready() ? (unsigned int)TRACE_RING_EVENTS : 0);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "off") == 0) {
		trace_disarm();
		kprintf("trace: off\n");
		return 0;
	}
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "send") == 0) {
		char spec[16];

		snprintf(spec, sizeof(spec), "send%s%.8s", argc == 3 ? ":" : "",
			 argc == 3 ? argv[2] : "");
		if (parse_send_spec(spec, &p)) {
			kprintf("trace: bad port %.8s (1..65535)\n", argv[2]);
			return 1;
		}
		rc = trace_start(p.port);
		if (rc) {
			kprintf("trace: %s\n", rc == -EBUSY ? "a trace is running or printing" :
				"no memory for the ring");
			return 1;
		}
		kprintf("trace: armed for the next send() port=%u\n", p.port);
		return 0;
	}
	kprintf("usage: trace | trace send [PORT] | trace off\n");
	return 1;
}
SHELL_COMMAND("trace", "trace [send [PORT] | off]: trace the next TCP send() to its last ACK",
	      cmd_trace);
