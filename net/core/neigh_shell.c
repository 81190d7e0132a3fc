/* Shell views of the neighbour table: `ip neigh` in iproute2's words and
 * layout, and `arping` in iputils' (one request a second, broadcast until the
 * first answer, then unicast to it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "net/arp.h"
#include "net/arp_hdr.h"
#include "net/inetdevice.h"
#include "net/ip_shell.h"
#include "net/neighbour.h"
#include "net/netdevice.h"
#include "kernel/cmdline.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"

#define NEIGH_USAGE								\
	"Usage: ip neigh { add | del | change | replace } ADDR [ lladdr LLADDR ]\n" \
	"                [ nud STATE ] dev DEV\n"				\
	"       ip neigh { show | flush } [ to ADDR ] [ dev DEV ] [ nud STATE ]\n" \
	"STATE := { permanent | noarp | stale | reachable | none | incomplete |\n" \
	"           delay | probe | failed | all }\n"
#define ARPING_USAGE "Usage: arping [-fb] [-c count] [-w timeout] [-I device] destination\n"
/* Entries copied per neigh_snapshot call while `ip neigh` prints. */
#define SHOW_CHUNK 16

/* A whole word that is a dotted quad. */
static bool parse_ipv4(const char *s, be32 *out)
{
	uint32_t a;
	const char *end = cmdline_scan_ipv4(s, &a);

	if (!end || *end)
		return false;
	*out = htonl(a);
	return true;
}

static void fmt_ipv4(char *buf, be32 addr)
{
	cmdline_format_ipv4(ntohl(addr), buf, 16);
}

static bool parse_mac(const char *s, uint8_t *mac)
{
	const char *end = cmdline_scan_mac(s, mac);

	return end && !*end;
}

/* ---- ip neigh ------------------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t mask;
} nud_names[] = {
	{ "permanent", NUD_PERMANENT }, { "noarp", NUD_NOARP }, { "reachable", NUD_REACHABLE },
	{ "stale", NUD_STALE }, { "none", NUD_MASK_NONE }, { "incomplete", NUD_INCOMPLETE },
	{ "delay", NUD_DELAY }, { "probe", NUD_PROBE }, { "failed", NUD_FAILED },
	{ "all", NUD_MASK_ALL },
};

static bool parse_nud(const char *s, uint32_t *mask)
{
	for (size_t i = 0; i < ARRAY_SIZE(nud_names); i++)
		if (!strcmp(s, nud_names[i].name)) {
			*mask = nud_names[i].mask;
			return true;
		}
	kprintf("Error: argument \"%s\" is wrong: nud state is bad\n", s);
	return false;
}

static struct net_device *find_dev(const char *name)
{
	struct net_device *dev = dev_get_by_name(name);

	if (!dev)
		kprintf("Cannot find device \"%s\"\n", name);
	return dev;
}

static void bad_addr(const char *s)
{
	kprintf("Error: inet prefix is expected rather than \"%s\".\n", s);
}

/* The selectors show and flush share: [to] ADDR, dev DEV, nud STATE. */
struct neigh_filter {
	struct net_device *dev;
	be32 addr;
	bool have_addr;
	uint32_t mask;
	bool any;		/* some selector given (flush needs one) */
};

static bool parse_filter(int argc, char **argv, struct neigh_filter *f)
{
	bool nud_given = false;

	for (int i = 0; i < argc; i++) {
		const char *kw = argv[i];

		if ((!strcmp(kw, "dev") || !strcmp(kw, "nud") || !strcmp(kw, "to")) && ++i == argc) {
			kprintf("Command line is not complete. Try option \"help\"\n");
			return false;
		}
		if (!strcmp(kw, "dev")) {
			f->dev = find_dev(argv[i]);
			if (!f->dev)
				return false;
		} else if (!strcmp(kw, "nud")) {
			uint32_t m;

			if (!parse_nud(argv[i], &m))
				return false;
			f->mask = nud_given ? f->mask | m : m;
			nud_given = true;
		} else if (!strcmp(kw, "all")) {
			/* iproute2's "flush all": every device. */
		} else {
			if (!parse_ipv4(argv[i], &f->addr)) {
				bad_addr(argv[i]);
				return false;
			}
			f->have_addr = true;
		}
		f->any = true;
	}
	return true;
}

static bool filter_match(const struct neigh_filter *f, const struct neigh_info *e)
{
	if (f->have_addr && e->addr != f->addr)
		return false;
	return nud_state_in(e->state, f->mask);
}

static void print_neigh(const struct neigh_info *e, bool show_dev)
{
	char addr[16];

	fmt_ipv4(addr, e->addr);
	kprintf("%s", addr);
	if (show_dev)
		kprintf(" dev %s", e->dev->name);
	if (e->state & NUD_VALID)
		kprintf(" lladdr %02x:%02x:%02x:%02x:%02x:%02x", e->ha[0], e->ha[1], e->ha[2],
			e->ha[3], e->ha[4], e->ha[5]);
	kprintf(" %s\n", neigh_state_name(e->state));
}

static int neigh_show(int argc, char **argv)
{
	/* iproute2's default: every state but NOARP (and NONE). */
	struct neigh_filter f = { .mask = 0xFF & ~NUD_NOARP };
	struct neigh_info chunk[SHOW_CHUNK];
	unsigned int skip = 0, got;

	if (!parse_filter(argc, argv, &f))
		return -1;
	/* Bounded: every pass moves skip on by a full chunk or ends. */
	do {
		got = neigh_snapshot(f.dev, chunk, SHOW_CHUNK, skip);
		for (unsigned int i = 0; i < got; i++)
			if (filter_match(&f, &chunk[i]))
				print_neigh(&chunk[i], !f.dev);
		skip += got;
	} while (got == SHOW_CHUNK);
	return 0;
}

static int neigh_flush_cmd(int argc, char **argv)
{
	/* iproute2 flushes every state but PERMANENT and NOARP unless told. */
	struct neigh_filter f = { .mask = NUD_MASK_ALL & ~(NUD_PERMANENT | NUD_NOARP) };
	struct neigh_info chunk[SHOW_CHUNK];
	unsigned int skip = 0, got;

	if (!parse_filter(argc, argv, &f))
		return -1;
	if (!f.any) {
		kprintf("Flush requires arguments.\n");
		return -1;
	}
	/* Bounded: each pass removes entries or moves skip past kept ones. */
	do {
		unsigned int kept = 0;

		got = neigh_snapshot(f.dev, chunk, SHOW_CHUNK, skip);
		for (unsigned int i = 0; i < got; i++) {
			if (filter_match(&f, &chunk[i]))
				neigh_delete(chunk[i].dev, chunk[i].addr);
			else
				kept++;
		}
		skip += kept;
	} while (got == SHOW_CHUNK);
	return 0;
}

/* add, change, replace and del: ADDR [lladdr MAC] [nud STATE] dev DEV. */
static int neigh_modify(const char *verb, int argc, char **argv)
{
	bool del = !strcmp(verb, "del") || !strcmp(verb, "delete");
	bool excl = !strcmp(verb, "add"), create = excl || !strcmp(verb, "replace");
	struct net_device *dev = NULL;
	uint8_t mac[ETH_ALEN];
	bool have_mac = false, have_addr = false;
	uint32_t state = NUD_PERMANENT;
	struct neighbour *n;
	be32 addr = 0;
	int rc;

	for (int i = 0; i < argc; i++) {
		const char *kw = argv[i];

		if ((!strcmp(kw, "dev") || !strcmp(kw, "lladdr") || !strcmp(kw, "nud")) &&
		    ++i == argc) {
			kprintf("Command line is not complete. Try option \"help\"\n");
			return -1;
		}
		if (!strcmp(kw, "dev")) {
			dev = find_dev(argv[i]);
			if (!dev)
				return -1;
		} else if (!strcmp(kw, "lladdr")) {
			if (!parse_mac(argv[i], mac)) {
				kprintf("\"%s\" is invalid lladdr.\n", argv[i]);
				return -1;
			}
			have_mac = true;
		} else if (!strcmp(kw, "nud")) {
			if (!parse_nud(argv[i], &state))
				return -1;
			if (state == NUD_MASK_NONE || state == NUD_MASK_ALL) {
				kprintf("Error: argument \"%s\" is wrong: nud state is bad\n", argv[i]);
				return -1;
			}
		} else {
			if (have_addr) {
				kprintf("Error: either \"to\" is duplicate, or \"%s\" is a garbage.\n", kw);
				return -1;
			}
			if (!parse_ipv4(kw, &addr)) {
				bad_addr(kw);
				return -1;
			}
			have_addr = true;
		}
	}
	if (!dev || !have_addr) {
		kprintf("Device and destination are required arguments.\n");
		return -1;
	}
	if (del) {
		if (neigh_delete(dev, addr) < 0) {
			kprintf("RTNETLINK answers: No such file or directory\n");
			return -1;
		}
		return 0;
	}
	n = create ? NULL : neigh_lookup(dev, addr);
	if (create) {
		if (excl && neigh_lookup(dev, addr)) {
			kprintf("RTNETLINK answers: File exists\n");
			return -1;
		}
		n = neigh_lookup_or_create(dev, addr);
		if (!n) {
			kprintf("RTNETLINK answers: No buffer space available\n");
			return -1;
		}
	} else if (!n) {
		kprintf("RTNETLINK answers: No such file or directory\n");
		return -1;
	}
	rc = neigh_update(n, have_mac ? mac : NULL, (uint8_t)state,
			  NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
	if (rc < 0) {
		/* A new entry the update refused holds nothing: do not keep it. */
		if (n->nud_state == NUD_NONE)
			neigh_delete(dev, addr);
		kprintf("RTNETLINK answers: Invalid argument\n");
		return -1;
	}
	return 0;
}

static int cmd_ip_neigh(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "show";

	if (argc <= 1 || !strcmp(verb, "show") || !strcmp(verb, "list") || !strcmp(verb, "ls"))
		return neigh_show(argc > 1 ? argc - 2 : 0, argv + 2);
	if (!strcmp(verb, "flush"))
		return neigh_flush_cmd(argc - 2, argv + 2);
	if (!strcmp(verb, "add") || !strcmp(verb, "change") || !strcmp(verb, "replace") ||
	    !strcmp(verb, "del") || !strcmp(verb, "delete"))
		return neigh_modify(verb, argc - 2, argv + 2);
	if (!strcmp(verb, "help")) {
		kprintf(NEIGH_USAGE);
		return 0;
	}
	kprintf("Command \"%s\" is unknown, try \"ip neigh help\".\n", verb);
	return -1;
}
IP_OBJECT("neighbour",
	  "       ip neigh [ show | flush ] [ to ADDR ] [ dev DEV ] [ nud STATE ]\n"
	  "       ip neigh { add | del | change | replace } ADDR [ lladdr LLADDR ]\n"
	  "                [ nud STATE ] dev DEV\n",
	  cmd_ip_neigh);

/* ---- arping --------------------------------------------------------------- */

struct arping {
	struct arp_watch w;
	struct net_device *dev;
	be32 src;
	int count;		/* probes to send; 0: no limit */
	bool broadcast_only;	/* -b */
	bool quit_on_reply;	/* -f */
	uint64_t deadline_ns;	/* -w; UINT64_MAX: none */
	int sent, broadcasts, received;
	uint32_t seen;		/* replies taken from the watch ring */
	uint64_t last_sent_ns;
	bool have_peer;
	uint8_t peer[ETH_ALEN];
};

static void arping_send(struct arping *a)
{
	bool unicast = a->have_peer && !a->broadcast_only;

	/* Stamped first: the answer may be processed before arp_send returns. */
	a->last_sent_ns = ktime_get_ns();
	arp_send(ARPOP_REQUEST, a->dev, a->w.sip, a->src, unicast ? a->peer : NULL, NULL);
	a->sent++;
	a->broadcasts += !unicast;
}

/* Prints what arrived since the last look; true if anything did. */
static bool arping_drain(struct arping *a)
{
	struct arp_watch_reply got[ARP_WATCH_RING];
	unsigned int n = 0;
	uint32_t head;
	char ip[16];

	/* Copied out first: the console may be slow, NET_RX must not wait. */
	local_bh_disable();
	head = a->w.head;
	/* The ring keeps the newest ARP_WATCH_RING replies. */
	if (head - a->seen > ARP_WATCH_RING)
		a->seen = head - ARP_WATCH_RING;
	for (; a->seen != head; a->seen++)
		got[n++] = a->w.ring[a->seen % ARP_WATCH_RING];
	local_bh_enable();

	fmt_ipv4(ip, a->w.sip);
	for (unsigned int i = 0; i < n; i++) {
		const struct arp_watch_reply *r = &got[i];
		uint64_t us = r->t_ns > a->last_sent_ns ? (r->t_ns - a->last_sent_ns) / 1000 : 0;

		kprintf("%s reply from %s [%02X:%02X:%02X:%02X:%02X:%02X]  %llu.%03llums\n",
			r->broadcast ? "Broadcast" : "Unicast", ip, r->sha[0], r->sha[1], r->sha[2],
			r->sha[3], r->sha[4], r->sha[5], (unsigned long long)(us / 1000),
			(unsigned long long)(us % 1000));
		if (!a->have_peer) {
			memcpy(a->peer, r->sha, ETH_ALEN);
			a->have_peer = true;
		}
		a->received++;
	}
	return n > 0;
}

/* iputils' loop: a probe a second; stop on Ctrl-C, at the -w deadline, on
 * the first answer with -f, after -c probes (with -w: -c answers). */
static void arping_run(struct arping *a)
{
	for (;;) {
		uint64_t next_ns, until;
		bool answered = false;

		arping_send(a);
		next_ns = a->last_sent_ns + NSEC_PER_SEC;
		for (;;) {
			until = MIN(next_ns, a->deadline_ns);
			int rc = wait_event_interruptible_deadline(a->w.wq,
								   READ_ONCE(a->w.head) != a->seen, until);

			answered |= arping_drain(a);
			if (rc == -EDEADLK)
				return;	/* cannot sleep here: logged by the scheduler */
			if (signal_pending(current) || ktime_get_ns() >= a->deadline_ns)
				return;
			if (a->quit_on_reply && a->received)
				return;
			if (a->deadline_ns != UINT64_MAX && a->count && a->received >= a->count)
				return;
			/* The last probe's answer ends a counted run early. */
			if (a->deadline_ns == UINT64_MAX && a->count && a->sent >= a->count && answered)
				return;
			if (ktime_get_ns() >= next_ns)
				break;
		}
		if (a->deadline_ns == UINT64_MAX && a->count && a->sent >= a->count)
			return;
	}
}

static bool parse_count(const char *s, int *out, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < min || v > 1000000)
		return false;
	*out = (int)v;
	return true;
}

static int cmd_arping(int argc, char **argv)
{
	struct arping a = { .deadline_ns = UINT64_MAX };
	const char *ifname = NULL, *host = NULL;
	char src[16], dst[16];
	int secs = -1;
	be32 target;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-f")) {
			a.quit_on_reply = true;
		} else if (!strcmp(o, "-b")) {
			a.broadcast_only = true;
		} else if ((!strcmp(o, "-c") || !strcmp(o, "-w") || !strcmp(o, "-I")) && i + 1 < argc) {
			const char *v = argv[++i];

			if ((o[1] == 'c' && !parse_count(v, &a.count, 1)) ||
			    (o[1] == 'w' && !parse_count(v, &secs, 0))) {
				kprintf("arping: invalid argument: '%s'\n", v);
				return 2;
			}
			if (o[1] == 'I')
				ifname = v;
		} else if (o[0] != '-' && !host) {
			host = o;
		} else {
			kprintf(ARPING_USAGE);
			return 2;
		}
	}
	if (!host) {
		kprintf(ARPING_USAGE);
		return 2;
	}
	if (!parse_ipv4(host, &target)) {
		kprintf("arping: %s: Name or service not known\n", host);
		return 2;
	}
	a.dev = ifname ? dev_get_by_name(ifname) : first_netdev();
	if (!a.dev) {
		kprintf("arping: Device %s not available.\n", ifname ? ifname : "(none)");
		return 2;
	}
	if (!READ_ONCE(a.dev->up)) {
		kprintf("arping: Interface \"%s\" is down\n", a.dev->name);
		return 2;
	}
	a.src = inet_select_addr(a.dev, target);
	a.w.dev = a.dev;
	a.w.sip = target;
	if (arp_watch_start(&a.w) < 0) {
		kprintf("arping: another arping is running\n");
		return 2;
	}
	if (secs >= 0)
		a.deadline_ns = ktime_get_ns() + (uint64_t)secs * NSEC_PER_SEC;
	fmt_ipv4(dst, target);
	fmt_ipv4(src, a.src);
	kprintf("ARPING %s from %s %s\n", dst, src, a.dev->name);
	arping_run(&a);
	arp_watch_stop(&a.w);
	kprintf("Sent %d probes (%d broadcast(s))\n", a.sent, a.broadcasts);
	kprintf("Received %d response(s)\n", a.received);
	return a.received ? 0 : 1;
}
SHELL_COMMAND("arping", "[-fb] [-c N] [-w SEC] [-I DEV] HOST: ARP requests, one a second",
	      cmd_arping);
