/* `ss`, as iproute2's: one row per socket (Netid when more than one
 * protocol is shown, State, Recv-Q, Send-Q, local and peer address:port),
 * and with -i a second line per TCP connection from TCP_INFO. Linux's
 * sock_diag answers ss over netlink; here the shell command walks the tables
 * itself: UDP sockets from the descriptor table (sock_for_each), TCP ones —
 * listeners, connections, request socks, TIME_WAIT — from
 * tcp_for_each_socket.
 *
 * Which states show, as iproute2's filters: by default the connected ones
 * (all but LISTEN, CLOSE, TIME-WAIT and SYN-RECV), -l LISTEN and CLOSE (an
 * unconnected UDP socket is CLOSE, shown UNCONN), -a all. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

#define SS_BIT(state) (1u << (state))
#define SS_ALL ((1u << TCP_MAX_STATES) - 1)
#define SS_CONN (SS_ALL & ~(SS_BIT(TCP_LISTEN) | SS_BIT(TCP_CLOSE) | \
			    SS_BIT(TCP_TIME_WAIT) | SS_BIT(TCP_SYN_RECV)))
#define SS_LISTENING (SS_BIT(TCP_LISTEN) | SS_BIT(TCP_CLOSE))

struct ss_filter {
	bool tcp, udp;
	bool netid;	/* both shown: say which each row is */
	bool info;	/* -i */
	uint32_t states;
};

static void ss_addr(char *out, size_t n, be32 a, be16 port)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (port)
		snprintf(out, n, "%s:%u", ip, ntohs(port));
	else
		snprintf(out, n, "%s:*", ip);
}

static void ss_row(const struct ss_filter *f, const char *netid, const char *state,
		   uint32_t recv_q, uint32_t send_q, be32 laddr, be16 lport, be32 raddr, be16 rport)
{
	char local[32], peer[32];

	ss_addr(local, sizeof(local), laddr, lport);
	ss_addr(peer, sizeof(peer), raddr, rport);
	if (f->netid)
		kprintf("%-6s ", netid);
	kprintf("%-10s %-8u %-8u %-24s %-24s\n", state, recv_q, send_q, local, peer);
}

/* UDP: ESTAB when connected, else UNCONN (Linux's TCP_CLOSE); the queues
 * are the bytes charged to each side. */
static bool ss_udp_one(const struct sock *sk, void *arg)
{
	const struct ss_filter *f = arg;

	if (sk->sk_type != SOCK_DGRAM ||
	    !(f->states & SS_BIT(sk->connected ? TCP_ESTABLISHED : TCP_CLOSE)))
		return true;
	ss_row(f, "udp", sk->connected ? "ESTAB" : "UNCONN", sk->sk_rmem_alloc, sk->sk_wmem_alloc,
	       sk->inet_rcv_saddr, sk->inet_sport, sk->connected ? sk->inet_daddr : 0,
	       sk->connected ? sk->inet_dport : 0);
	return true;
}

/* ---- ss -i ------------------------------------------------------------------- */

struct ss_line {
	char buf[512];
	size_t len;
};

__printf(2, 3) static void ss_put(struct ss_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf));
}

/* Microseconds as iproute2 prints milliseconds (%g): 204, 0.123, 12.5. */
static void ss_put_ms(struct ss_line *l, uint32_t us)
{
	uint32_t frac = us % 1000u;
	int digits = 3;

	if (!frac) {
		ss_put(l, "%u", us / 1000u);
		return;
	}
	while (frac % 10u == 0) {
		frac /= 10u;
		digits--;
	}
	ss_put(l, "%u.%0*u", us / 1000u, digits, frac);
}

/* iproute2's sprint_bw: one decimal, rounded, in the largest unit below the
 * value. */
static void ss_put_bw(struct ss_line *l, const char *what, uint64_t bps)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{ 1000000000ull, "G" }, { 1000000ull, "M" }, { 1000ull, "K" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (bps > units[i].div) {
			unsigned long long tenths = (bps / 10u * 100u + units[i].div / 2) / units[i].div;

			ss_put(l, " %s %llu.%llu%sbps", what, tenths / 10, tenths % 10, units[i].unit);
			return;
		}
	ss_put(l, " %s %llubps", what, (unsigned long long)bps);
}

/* The second line of `ss -i`, from struct tcp_info alone (the algorithm's
 * name aside, which TCP_INFO does not carry), in iproute2's order and
 * words; retrans is printed even at 0/0. */
static void ss_tcp_info(const struct tcp_sock *tp)
{
	struct tcp_info ti;
	struct ss_line l = { .len = 0 };

	memset(&ti, 0, sizeof(ti));
	tcp_get_info(tp, &ti);
	if (ti.tcpi_options & TCPI_OPT_TIMESTAMPS)
		ss_put(&l, " ts");
	if (ti.tcpi_options & TCPI_OPT_SACK)
		ss_put(&l, " sack");
	if (tp->ca_ops)
		ss_put(&l, " %s", tp->ca_ops->name);
	if (ti.tcpi_options & TCPI_OPT_WSCALE)	/* snd_wscale in the low nibble, as Linux's bitfield */
		ss_put(&l, " wscale:%u,%u", ti.tcpi_snd_rcv_wscale & 0xFu, ti.tcpi_snd_rcv_wscale >> 4);
	ss_put(&l, " rto:");
	ss_put_ms(&l, ti.tcpi_rto);
	ss_put(&l, " rtt:");
	ss_put_ms(&l, ti.tcpi_rtt);
	ss_put(&l, "/");
	ss_put_ms(&l, ti.tcpi_rttvar);
	if (ti.tcpi_ato) {
		ss_put(&l, " ato:");
		ss_put_ms(&l, ti.tcpi_ato);
	}
	ss_put(&l, " mss:%u pmtu:%u rcvmss:%u advmss:%u cwnd:%u", ti.tcpi_snd_mss, ti.tcpi_pmtu,
	       ti.tcpi_rcv_mss, ti.tcpi_advmss, ti.tcpi_snd_cwnd);
	/* Linux's "infinite" ssthresh (0x7fffffff) is left out, as iproute2 does. */
	if (ti.tcpi_snd_ssthresh < 0xFFFFu)
		ss_put(&l, " ssthresh:%u", ti.tcpi_snd_ssthresh);
	ss_put(&l, " bytes_sent:%llu", (unsigned long long)ti.tcpi_bytes_sent);
	if (ti.tcpi_bytes_retrans)
		ss_put(&l, " bytes_retrans:%llu", (unsigned long long)ti.tcpi_bytes_retrans);
	ss_put(&l, " bytes_acked:%llu bytes_received:%llu segs_out:%u segs_in:%u",
	       (unsigned long long)ti.tcpi_bytes_acked, (unsigned long long)ti.tcpi_bytes_received,
	       ti.tcpi_segs_out, ti.tcpi_segs_in);
	if (ti.tcpi_data_segs_out)
		ss_put(&l, " data_segs_out:%u", ti.tcpi_data_segs_out);
	if (ti.tcpi_data_segs_in)
		ss_put(&l, " data_segs_in:%u", ti.tcpi_data_segs_in);
	/* iproute2's "send": what the window allows per round trip. */
	if (ti.tcpi_rtt && ti.tcpi_snd_mss && ti.tcpi_snd_cwnd)
		ss_put_bw(&l, "send", (uint64_t)ti.tcpi_snd_cwnd * ti.tcpi_snd_mss * 8u * 1000000u /
				      ti.tcpi_rtt);
	ss_put(&l, " lastsnd:%u lastrcv:%u lastack:%u", ti.tcpi_last_data_sent,
	       ti.tcpi_last_data_recv, ti.tcpi_last_ack_recv);
	if (ti.tcpi_delivery_rate)
		ss_put_bw(&l, "delivery_rate", ti.tcpi_delivery_rate * 8u);
	if (ti.tcpi_delivered)
		ss_put(&l, " delivered:%u", ti.tcpi_delivered);
	ss_put(&l, " retrans:%u/%u", ti.tcpi_retrans, ti.tcpi_total_retrans);
	if (ti.tcpi_dsack_dups)
		ss_put(&l, " dsack_dups:%u", ti.tcpi_dsack_dups);
	ss_put(&l, " rcv_space:%u rcv_ssthresh:%u", ti.tcpi_rcv_space, ti.tcpi_rcv_ssthresh);
	if (ti.tcpi_min_rtt) {
		ss_put(&l, " minrtt:");
		ss_put_ms(&l, ti.tcpi_min_rtt);
	}
	ss_put(&l, " snd_wnd:%u", ti.tcpi_snd_wnd);
	kprintf("\t%s\n", l.buf);
}

static bool ss_tcp_one(const struct tcp_ss_entry *e, void *arg)
{
	const struct ss_filter *f = arg;
	const char *name = e->state < TCP_MAX_STATES ? tcp_state_names[e->state] : NULL;

	if (e->state >= TCP_MAX_STATES || !(f->states & SS_BIT(e->state)))
		return true;
	ss_row(f, "tcp", name ? name : "UNKNOWN", e->recv_q, e->send_q, e->laddr, e->lport,
	       e->raddr, e->rport);
	if (f->info && e->tp && e->state != TCP_LISTEN && e->state != TCP_TIME_WAIT)
		ss_tcp_info(e->tp);
	return true;
}

/* ---- the command --------------------------------------------------------------- */

static int cmd_ss(int argc, char **argv)
{
	struct ss_filter f = { .states = SS_CONN };
	bool all = false, listening = false;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			kprintf("usage: ss [-tuanli]\n");
			return -1;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 't': f.tcp = true; break;
			case 'u': f.udp = true; break;
			case 'a': all = true; break;
			case 'l': listening = true; break;
			case 'i': f.info = true; break;
			case 'n': break;	/* numeric is all there is */
			default:
				kprintf("ss: unknown option -%c (known: -t -u -a -l -n -i)\n", *c);
				return -1;
			}
		}
	}
	if (!f.tcp && !f.udp)
		f.tcp = f.udp = true;
	f.netid = f.tcp && f.udp;
	if (all)
		f.states = SS_ALL;
	else if (listening)
		f.states = SS_LISTENING;
	if (f.netid)
		kprintf("%-6s ", "Netid");
	kprintf("%-10s %-8s %-8s %-24s %-24s\n", "State", "Recv-Q", "Send-Q",
		"Local Address:Port", "Peer Address:Port");
	if (f.tcp)
		tcp_for_each_socket(ss_tcp_one, &f);
	if (f.udp)
		sock_for_each(ss_udp_one, &f);
	return 0;
}
SHELL_COMMAND("ss", "[-tuanli]: sockets (State Recv-Q Send-Q Local Peer; -i: TCP internals)",
	      cmd_ss);
