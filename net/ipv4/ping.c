/* The shell's `ping`, with iputils' options, output and summary:
 *
 *   ping [-c COUNT] [-s SIZE] [-i SECONDS] [-w DEADLINE] [-b] HOST
 *
 * Echo requests go out through ip_queue_xmit (IP fragments those larger than
 * the MTU); replies come back through icmp.c's echo-reply listener, in softirq
 * context, which matches them by id and sequence, takes the time and hands a
 * small record to the shell thread through a ring. The shell thread sleeps on
 * a wait queue between sends and wakes for each reply, the next send, the
 * deadline or Ctrl-C.
 *
 * Times are ktime_get_ns() nanoseconds, reported in iputils' formats with
 * integer arithmetic only (no floating point in the kernel's printf). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/slab.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/ip.h"
#include "net/route.h"
#include "net/skbuff.h"
#include "net/socket.h"

#define PING_SLOTS 1024		/* sequence numbers in flight we can still time */
#define PING_RING 256		/* replies waiting for the shell thread */
#define PING_LINGER_NS (10 * NSEC_PER_SEC)	/* iputils' MAXWAIT with no reply yet */
#define PING_MAX_SIZE (65535 - 20 - 8)	/* the largest datagram less IP and ICMP headers */

struct ping_reply {
	uint16_t seq;
	uint8_t ttl;
	bool dup;
	uint32_t bytes;
	uint64_t rtt_us;
};

struct ping_state {
	be32 daddr;
	be16 id;
	struct wait_queue_head wq;
	struct {
		uint64_t sent_ns;
		uint16_t seq;
		bool used, got;
	} slot[PING_SLOTS];
	/* Single producer (the listener, softirq) and consumer (the shell). */
	struct ping_reply ring[PING_RING];
	uint32_t head, tail;
	uint64_t ring_overflows;
};

static struct ping_state *ping_active;

static void ping_echo_reply(const struct sk_buff *skb, const struct iphdr *iph,
			    const struct icmphdr *icmph)
{
	struct ping_state *st = ping_active;
	uint16_t seq = ntohs(icmph->un.echo.sequence);
	uint64_t now = ktime_get_ns();
	struct ping_reply *r;
	typeof(&st->slot[0]) s;

	if (!st || icmph->un.echo.id != st->id || iph->saddr != st->daddr)
		return;
	s = &st->slot[seq % PING_SLOTS];
	if (!s->used || s->seq != seq)
		return;		/* older than the slots remember */
	if (st->head - st->tail >= PING_RING) {
		st->ring_overflows++;
		return;
	}
	r = &st->ring[st->head % PING_RING];
	r->seq = seq;
	r->ttl = iph->ttl;
	r->bytes = skb->len;
	r->rtt_us = (now - s->sent_ns) / NSEC_PER_USEC;
	r->dup = s->got;
	s->got = true;
	WRITE_ONCE(st->head, st->head + 1);
	wake_up(&st->wq);
}

static int ping_send(struct ping_state *st, uint16_t seq, uint32_t size)
{
	struct flowi4 fl = { .daddr = st->daddr, .proto = IPPROTO_ICMP };
	struct sk_buff *skb = alloc_skb_tx(sizeof(struct icmphdr) + size);
	struct icmphdr *icmph;
	uint8_t *data;
	uint64_t now;

	if (!skb)
		return -ENOBUFS;
	skb_reset_transport_header(skb);
	icmph = (struct icmphdr *)skb_put(skb, sizeof(*icmph) + size);
	icmph->type = ICMP_ECHO;
	icmph->code = 0;
	icmph->checksum = 0;
	icmph->un.echo.id = st->id;
	icmph->un.echo.sequence = htons(seq);
	data = (uint8_t *)(icmph + 1);
	/* The send time first (as iputils puts its timeval), then a counting pattern. */
	now = ktime_get_ns();
	for (uint32_t i = 0; i < size; i++)
		data[i] = (uint8_t)i;
	memcpy(data, &now, MIN((uint32_t)sizeof(now), size));
	icmph->checksum = csum_fold(csum_partial(icmph, sizeof(*icmph) + size, 0));

	st->slot[seq % PING_SLOTS].seq = seq;
	st->slot[seq % PING_SLOTS].used = true;
	st->slot[seq % PING_SLOTS].got = false;
	st->slot[seq % PING_SLOTS].sent_ns = now;
	icmp_out_count(ICMP_ECHO);
	return ip_queue_xmit(NULL, skb, &fl);
}

/* iputils' reply time: three significant digits below 100 ms. */
static void fmt_ms(char *out, size_t n, uint64_t us)
{
	if (us >= 100000 - 50)
		snprintf(out, n, "%llu", (unsigned long long)((us + 500) / 1000));
	else if (us >= 10000 - 5)
		snprintf(out, n, "%llu.%01llu", (unsigned long long)((us + 50) / 1000),
			 (unsigned long long)((us + 50) % 1000 / 100));
	else if (us >= 1000)
		snprintf(out, n, "%llu.%02llu", (unsigned long long)((us + 5) / 1000),
			 (unsigned long long)((us + 5) % 1000 / 10));
	else
		snprintf(out, n, "%llu.%03llu", (unsigned long long)(us / 1000),
			 (unsigned long long)(us % 1000));
}

/* printf's %g of lost * 100 / sent (six significant digits, trailing zeros
 * dropped), as iputils prints the loss. */
static void fmt_loss(char *out, size_t n, uint64_t lost, uint64_t sent)
{
	const unsigned __int128 num = (unsigned __int128)lost * 100;	/* value = num / sent */
	unsigned __int128 p10 = 1, scaled;
	char frac[16];
	int e, dec, len;

	if (!lost || !sent) {
		snprintf(out, n, "0");
		return;
	}
	/* e = floor(log10(value)), value in (0, 100]; below 1e-8 never happens
	 * with 64-bit counts. */
	if (num >= sent) {
		for (e = 0; e < 2 && num >= (unsigned __int128)sent * (e ? 100 : 10); e++)
			;
	} else {
		unsigned __int128 t = num * 10;

		for (e = -1; e > -9 && t < sent; e--)
			t *= 10;
	}
	dec = 5 - e;
	for (int i = 0; i < dec; i++)
		p10 *= 10;
	scaled = (num * p10 * 2 + sent) / ((unsigned __int128)sent * 2);	/* rounded */
	len = snprintf(frac, sizeof(frac), "%0*llu", dec, (unsigned long long)(scaled % p10));
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	if (len > 0)
		snprintf(out, n, "%llu.%s", (unsigned long long)(scaled / p10), frac);
	else
		snprintf(out, n, "%llu", (unsigned long long)(scaled / p10));
}

static uint64_t isqrt64(uint64_t v)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* "0.2" seconds -> 200 ms; at most three decimals. -1 if malformed. */
static long parse_seconds_ms(const char *s)
{
	long ms = 0, scale = 1000;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p >= '0' && *p <= '9' && ms < 100000000)
		ms = ms * 10 + (*p++ - '0');
	ms *= 1000;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && scale > 1) {
			scale /= 10;
			ms += (*p++ - '0') * scale;
		}
	}
	return *p ? -1 : ms;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = v;
	return true;
}

struct ping_opts {
	unsigned long count, size, deadline_s;
	long interval_ms;
	bool broadcast;
	const char *host;
};

static int ping_parse(int argc, char **argv, struct ping_opts *o)
{
	*o = (struct ping_opts){ .size = 56, .interval_ms = 1000 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-') {
			if (o->host)
				goto usage;
			o->host = a;
			continue;
		}
		if (!strcmp(a, "-b")) {
			o->broadcast = true;
			continue;
		}
		if (!v || a[2])
			goto usage;
		i++;
		switch (a[1]) {
		case 'c':
			if (!parse_uint(v, 0xFFFFFFFFul, &o->count) || !o->count) {
				kprintf("ping: invalid argument: '%s': out of range: 1 <= value <= 4294967295\n", v);
				return -1;
			}
			break;
		case 's':
			if (!parse_uint(v, PING_MAX_SIZE, &o->size)) {
				kprintf("ping: invalid argument: '%s': out of range: 0 <= value <= %d\n",
					v, PING_MAX_SIZE);
				return -1;
			}
			break;
		case 'i':
			o->interval_ms = parse_seconds_ms(v);
			if (o->interval_ms < 1) {
				kprintf("ping: bad timing interval: %s (at least 0.001)\n", v);
				return -1;
			}
			break;
		case 'w':
			if (!parse_uint(v, 2147483, &o->deadline_s)) {
				kprintf("ping: invalid argument: '%s': out of range: 0 <= value <= 2147483\n", v);
				return -1;
			}
			break;
		default:
			goto usage;
		}
	}
	if (o->host)
		return 0;
usage:
	kprintf("usage: ping [-c count] [-s size] [-i interval] [-w deadline] [-b] HOST\n");
	return -1;
}

struct ping_stats {
	uint64_t transmitted, received, repeats;
	uint64_t tmin, tmax, tsum, tsum2;	/* us */
};

static void ping_account(struct ping_stats *s, const struct ping_reply *r, const char *ip)
{
	char t[24];

	/* Duplicates are timed too, and the averages are over both (iputils). */
	if (r->dup)
		s->repeats++;
	else
		s->received++;
	s->tsum += r->rtt_us;
	s->tsum2 += r->rtt_us * r->rtt_us;
	if (s->received + s->repeats == 1 || r->rtt_us < s->tmin)
		s->tmin = r->rtt_us;
	if (r->rtt_us > s->tmax)
		s->tmax = r->rtt_us;
	fmt_ms(t, sizeof(t), r->rtt_us);
	kprintf("%u bytes from %s: icmp_seq=%u ttl=%u time=%s ms%s\n", r->bytes, ip, r->seq,
		r->ttl, t, r->dup ? " (DUP!)" : "");
}

static void ping_summary(const struct ping_stats *s, const char *host, uint64_t elapsed_ns)
{
	uint64_t n = s->received + s->repeats;
	char loss[32];

	kprintf("\n--- %s ping statistics ---\n", host);
	kprintf("%llu packets transmitted, %llu received", (unsigned long long)s->transmitted,
		(unsigned long long)s->received);
	if (s->repeats)
		kprintf(", +%llu duplicates", (unsigned long long)s->repeats);
	if (s->transmitted) {
		fmt_loss(loss, sizeof(loss), s->transmitted > s->received ?
			 s->transmitted - s->received : 0, s->transmitted);
		kprintf(", %s%% packet loss", loss);
	}
	kprintf(", time %llums\n", (unsigned long long)((elapsed_ns + NSEC_PER_MSEC / 2) / NSEC_PER_MSEC));
	if (n) {
		uint64_t avg = s->tsum / n;
		/* Variance as E[x^2] - E[x]^2, subtracting before dividing the
		 * second time so small times keep their precision. */
		uint64_t sq = s->tsum * s->tsum / n;
		uint64_t var = s->tsum2 > sq ? (s->tsum2 - sq) / n : 0;
		uint64_t mdev = isqrt64(var);

		kprintf("rtt min/avg/max/mdev = %llu.%03llu/%llu.%03llu/%llu.%03llu/%llu.%03llu ms\n",
			(unsigned long long)(s->tmin / 1000), (unsigned long long)(s->tmin % 1000),
			(unsigned long long)(avg / 1000), (unsigned long long)(avg % 1000),
			(unsigned long long)(s->tmax / 1000), (unsigned long long)(s->tmax % 1000),
			(unsigned long long)(mdev / 1000), (unsigned long long)(mdev % 1000));
	}
}

static int cmd_ping(int argc, char **argv)
{
	struct ping_stats stats = { 0 };
	struct ping_opts o;
	struct ping_state *st;
	struct rtable rt;
	char ip[INET_ADDRSTRLEN];
	uint64_t start, next_send, last_send = 0, end_at;
	uint16_t seq = 1;
	be32 daddr;
	int rc;

	if (ping_parse(argc, argv, &o) < 0)
		return -1;
	if (inet_pton(AF_INET, o.host, &daddr) != 1) {
		kprintf("ping: %s: Name or service not known\n", o.host);
		return -1;
	}
	inet_ntop(AF_INET, &daddr, ip, sizeof(ip));
	rc = ip_route_output(daddr, 0, &rt);
	if (rc) {
		kprintf("ping: connect: %s\n", strerror(-rc));
		return -1;
	}
	if ((ipv4_is_lbcast(daddr) || (rt.rt_flags & RTCF_BROADCAST)) && !o.broadcast) {
		kprintf("Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n");
		return -1;
	}
	st = kzalloc(sizeof(*st));
	if (!st) {
		kprintf("ping: out of memory\n");
		return -1;
	}
	st->daddr = daddr;
	st->id = htons((uint16_t)(ktime_get_ns() >> 10));
	init_waitqueue_head(&st->wq);
	ping_active = st;
	if (!icmp_set_echo_reply_listener(ping_echo_reply)) {
		ping_active = NULL;
		kfree(st);
		kprintf("ping: another ping is running\n");
		return -1;
	}
	kprintf("PING %s (%s) %lu(%lu) bytes of data.\n", o.host, ip, o.size, o.size + 28);
	start = ktime_get_ns();
	next_send = start;
	end_at = o.deadline_s ? start + o.deadline_s * NSEC_PER_SEC : UINT64_MAX;
	/* Bounded: every pass sends, prints or sleeps until the next event, and
	 * the count, the deadline or Ctrl-C end it. */
	for (;;) {
		uint64_t now, wake;

		while (st->tail != READ_ONCE(st->head)) {
			ping_account(&stats, &st->ring[st->tail % PING_RING], ip);
			st->tail++;
		}
		if (signal_pending(current))
			break;
		if (o.count && stats.received >= o.count)
			break;
		now = ktime_get_ns();
		if (now >= end_at)
			break;
		/* With a deadline, ping goes on sending until count replies came
		 * (iputils' -w); without, it stops after count requests. */
		if (!o.count || stats.transmitted < o.count || o.deadline_s) {
			if (now >= next_send) {
				rc = ping_send(st, seq++, (uint32_t)o.size);
				stats.transmitted++;
				last_send = now;
				next_send += (uint64_t)o.interval_ms * NSEC_PER_MSEC;
				if (next_send < now)
					next_send = now;
				if (rc < 0)
					kprintf("ping: sendmsg: %s\n", strerror(-rc));
				continue;
			}
			wake = next_send;
		} else {
			/* All sent: wait for the last replies (iputils: twice the
			 * longest round trip, at least one interval; 10 s if none came). */
			uint64_t linger = stats.received ?
				MAX(2 * stats.tmax * NSEC_PER_USEC, (uint64_t)o.interval_ms * NSEC_PER_MSEC) :
				PING_LINGER_NS;

			if (now >= last_send + linger)
				break;
			wake = last_send + linger;
		}
		wake = MIN(wake, end_at);
		wait_event_interruptible_deadline(st->wq, st->tail != READ_ONCE(st->head), wake);
	}
	icmp_clear_echo_reply_listener(ping_echo_reply);
	ping_active = NULL;
	/* iputils reports the time of the last request, not of the linger after it. */
	ping_summary(&stats, o.host, (stats.transmitted ? last_send : ktime_get_ns()) - start);
	kfree(st);
	return stats.received ? 0 : -1;
}
SHELL_COMMAND("ping", "[-c N] [-s SIZE] [-i SEC] [-w DEADLINE] [-b] HOST: ICMP echo", cmd_ping);
