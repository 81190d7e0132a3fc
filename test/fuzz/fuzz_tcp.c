/* TCP mode (GF_TCP, on top of stack mode): the input's frames reach TCP
 * sockets through the real receive path, and the harness is their app.
 *
 *   ip_rcv -> tcp_v4_rcv -> the listener on port 7 (SYN queue, cookies) or
 *     a connection (tcp_rcv_established / tcp_rcv_state_process / TIME_WAIT)
 *   the app: accept4, recv and send back (an echo), shutdown, close,
 *     connect out; tcp_sendmsg -> tcp_write_xmit -> tcp_transmit_skb -> ...
 *
 * Our sequence numbers are a keyed hash (RFC 6528) an input cannot know, so
 * the peer's numbers for our side are relative: in a segment on a 4-tuple
 * where the stack has sent a SYN, the ACK field and the SACK blocks count
 * from the ISN of that SYN and TSecr from its TSval (the harness adds them
 * as the frame reaches the device, keeping the TCP sum as right or as wrong
 * as the input made it). So "ack 1" acknowledges our SYN on any run, and a
 * SYN cookie is answered as easily as a SYN-ACK from a socket. The peer's
 * own numbers (seq, TSval) are the input's.
 *
 * GF_TCP_ESTAB: before the input's frames the harness's peer, 10.0.0.1 port
 * 40000, opens a connection with a scripted handshake (MSS 1460, SACK,
 * timestamps, window scale 7, ISN TCP_PEER_ISN, TSval 1 then 2) and the app
 * accepts it, so the fuzzed segments hit a synchronised socket.
 *
 * At the end of the input the app closes every connection, the device goes
 * down and the clock moves an hour on (fuzz_stack.c), after which every TCP
 * socket but the listener must be gone (orphans' FIN and RTO retries,
 * TIME_WAIT, FIN_WAIT_2, SYN_RECV all end well within it), the listener's
 * queues empty and tcp_memory_allocated back at 0; the page and skb checks
 * then catch a socket object or segment that leaked. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "fuzz.h"
#include "kernel/slab.h"
#include "net/checksum.h"
#include "net/ip.h"
#include "net/secure_seq.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"

/* The harness's own peer and the active open's ends. */
#define PEER_IP       HTONL_C(0x0A000001u)	/* 10.0.0.1 */
#define SCRIPT_PORT   40000
#define ACTIVE_LPORT  50000
#define ACTIVE_RPORT  5000
#define LISTEN_BACKLOG 8	/* 8 SYN_RECV children, then cookies */
/* Connections the app holds at once, and children it accepts per turn. */
#define APP_MAX       8
#define ACCEPT_BATCH  16
#define APP_BUF       4096
/* SYNs of ours remembered for the relative numbers. */
#define ISN_SLOTS     16

struct isn_slot {
	bool used;
	be16 peer_port, our_port;
	uint32_t iss, tsval;
};

struct conn {
	int fd;
	bool shut;	/* SHUT_WR done: the next RC_CLOSE closes */
};

static struct isn_slot isns[ISN_SLOTS];
static unsigned int isn_next;
static struct conn conns[APP_MAX];
static unsigned int nconns;
static int listen_fd = -1;
static uint8_t sock_opts;	/* the input's TR_* bits */
static bool zerocopy;		/* the input's GB_TCP_ZEROCOPY */
static uint8_t app_buf[APP_BUF];
/* What a zero-copy echo sends from: allocated at boot (the device reads only
 * the arena), never rewritten, so no send waits for an earlier completion. */
static uint8_t *zc_buf;

/* ---- boot ------------------------------------------------------------------ */

/* Known keys, so ISNs and cookies are the same on every run of an input
 * (the relative numbers make inputs work with any keys; this makes them
 * replay exactly). Before the initcalls, which would draw real ones. */
void tcp_fuzz_keys(void)
{
	for (unsigned int k = 0; k < NET_SECRET_MAX; k++) {
		uint8_t key[16];

		for (unsigned int i = 0; i < sizeof(key); i++)
			key[i] = (uint8_t)(0x40 + 16 * k + i);
		net_secret_set_for_test(k, key);
	}
}

/* The listener on port 7, as the box's TCP echo service has it. */
void tcp_fuzz_init(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(TCP_FUZZ_PORT) };
	int one = 1, rc;

	/* The kernel registers SOCK_STREAM in net/ipv4/inet_protosw.c. */
	rc = inet_register_protosw(SOCK_STREAM, IPPROTO_TCP, &tcp_prot);
	if (rc && rc != -EEXIST)
		die("cannot register SOCK_STREAM: %d", rc);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(listen_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(listen_fd, LISTEN_BACKLOG))
		die("cannot listen on TCP port %u: %s", TCP_FUZZ_PORT, strerror(errno));
	zc_buf = kmalloc(APP_BUF);
	if (!zc_buf)
		die("no memory for the zero-copy buffer");
	memset(zc_buf, 0x5A, APP_BUF);
	/* Every echo is short: without this each one would be copied. */
	sysctl_tcp_zerocopy_min = 1;
}

/* ---- relative sequence numbers ------------------------------------------------ */

static uint32_t get32(const uint8_t *p)
{
	be32 v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* RFC 1624 eqn. 3 on each half: the sum stays exactly as valid as it was. */
static void put32_csum(uint8_t *p, uint32_t v, uint8_t *check)
{
	uint16_t old[2], new[2], c;
	be32 nv = htonl(v);
	uint32_t s;

	memcpy(old, p, 4);
	memcpy(p, &nv, 4);
	memcpy(new, p, 4);
	memcpy(&c, check, 2);
	s = (uint16_t)~c;
	for (int i = 0; i < 2; i++)
		s += (uint16_t)~old[i] + (uint32_t)new[i];
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	c = (uint16_t)~s;
	memcpy(check, &c, 2);
}

static struct isn_slot *isn_find(be16 peer_port, be16 our_port)
{
	for (unsigned int i = 0; i < ISN_SLOTS; i++)
		if (isns[i].used && isns[i].peer_port == peer_port && isns[i].our_port == our_port)
			return &isns[i];
	return NULL;
}

/* The TSval of a TCP header's timestamps option, walked as a receiver
 * would (bounded by the header); 0 when it has none. */
static uint32_t opt_tsval(const uint8_t *th, unsigned int doff)
{
	for (unsigned int i = TCP_MIN_HLEN; i < doff;) {
		unsigned int len;

		if (th[i] == TCPOPT_EOL)
			break;
		if (th[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff || (len = th[i + 1]) < 2 || i + len > doff)
			break;
		if (th[i] == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP)
			return get32(th + i + 2);
		i += len;
	}
	return 0;
}

/* Every SYN the stack sends (SYN-ACKs of sockets and of cookies, active
 * opens), seen as it leaves for the device: its ISN and TSval become the
 * base of the peer's numbers on that 4-tuple. skbs are linear here. */
void tcp_fuzz_xmit_peek(const struct sk_buff *skb)
{
	const uint8_t *f = skb->data;
	const struct iphdr *iph = (const struct iphdr *)(f + ETH_HLEN);
	const struct tcphdr *th;
	struct isn_slot *s;
	unsigned int ihl, doff;

	if (skb->len < ETH_HLEN + IP_MIN_HLEN + TCP_MIN_HLEN || f[12] != 0x08 ||
	    f[13] != 0x00 || iph->protocol != IPPROTO_TCP)
		return;
	ihl = ip_hdrlen(iph);
	if (skb->len < ETH_HLEN + ihl + TCP_MIN_HLEN)
		return;
	th = (const struct tcphdr *)((const uint8_t *)iph + ihl);
	doff = tcp_hdrlen(th);
	if (!(th->flags & TCPHDR_SYN) || doff < TCP_MIN_HLEN || skb->len < ETH_HLEN + ihl + doff)
		return;
	s = isn_find(th->dest, th->source);
	if (!s) {
		s = &isns[isn_next];
		isn_next = (isn_next + 1) % ISN_SLOTS;
	}
	s->used = true;
	s->peer_port = th->dest;
	s->our_port = th->source;
	s->iss = ntohl(th->seq);
	s->tsval = opt_tsval((const uint8_t *)th, doff);
}

/* A frame to us as the device is about to receive it: ACK, SACK blocks and
 * TSecr made absolute (see the top). tcp is the TCP header inside an
 * unfragmented datagram whose payload is plen bytes. */
void tcp_fuzz_rewrite(uint8_t *tcp, uint32_t plen)
{
	const struct tcphdr *th = (const struct tcphdr *)tcp;
	uint8_t *check = tcp + offsetof(struct tcphdr, check);
	const struct isn_slot *s;
	unsigned int doff;

	if (!h.tcp || plen < TCP_MIN_HLEN)
		return;
	doff = tcp_hdrlen(th);
	s = isn_find(th->source, th->dest);
	if (!s || doff < TCP_MIN_HLEN || doff > plen)
		return;
	put32_csum(tcp + 8, get32(tcp + 8) + s->iss, check);
	for (unsigned int i = TCP_MIN_HLEN; i < doff;) {
		unsigned int len;

		if (tcp[i] == TCPOPT_EOL)
			break;
		if (tcp[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff || (len = tcp[i + 1]) < 2 || i + len > doff)
			break;
		if (tcp[i] == TCPOPT_SACK)
			for (unsigned int b = i + 2; b + 4 <= i + len; b += 4)
				put32_csum(tcp + b, get32(tcp + b) + s->iss, check);
		else if (tcp[i] == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP)
			put32_csum(tcp + i + 6, get32(tcp + i + 6) + s->tsval, check);
		i += len;
	}
}

/* ---- what the stack sends --------------------------------------------------------- */

/* One option of a segment we send: known, well formed, where it belongs. */
static void wire_option(unsigned int q, uint8_t kind, unsigned int len, bool syn,
			const uint8_t *o)
{
	switch (kind) {
	case TCPOPT_MSS:
		if (!syn || len != TCPOLEN_MSS || get32(o) >> 16 < TCP_MIN_MSS)
			die("tx%u: TCP MSS option of %u bytes (SYN %d)", q, len, syn);
		return;
	case TCPOPT_WINDOW:
		if (!syn || len != TCPOLEN_WINDOW || o[2] > TCP_MAX_WSCALE)
			die("tx%u: TCP window scale option of %u bytes (SYN %d)", q, len, syn);
		return;
	case TCPOPT_SACK_PERM:
		if (!syn || len != TCPOLEN_SACK_PERM)
			die("tx%u: TCP SACK-permitted option of %u bytes (SYN %d)", q, len, syn);
		return;
	case TCPOPT_TIMESTAMP:
		if (len != TCPOLEN_TIMESTAMP)
			die("tx%u: TCP timestamps option of %u bytes", q, len);
		return;
	case TCPOPT_SACK:
		if (syn || len < 10 || (len - 2) % 8 || (len - 2) / 8 > TCP_NUM_SACKS)
			die("tx%u: TCP SACK option of %u bytes (SYN %d)", q, len, syn);
		for (unsigned int b = 2; b < len; b += 8)
			if (!after(get32(o + b + 4), get32(o + b)))
				die("tx%u: SACK block %08x-%08x", q, get32(o + b), get32(o + b + 4));
		return;
	default:
		die("tx%u: TCP option kind %u sent", q, kind);
	}
}

/* A TCP segment the stack sends: header, sum, flags and options sane. */
void tcp_fuzz_wire_check(unsigned int q, const struct iphdr *iph, const uint8_t *l4,
			 uint32_t plen)
{
	const struct tcphdr *th = (const struct tcphdr *)l4;
	unsigned int doff;
	uint8_t f;
	bool syn;

	if (plen < TCP_MIN_HLEN)
		die("tx%u: TCP segment of %u bytes", q, plen);
	doff = tcp_hdrlen(th);
	f = th->flags;
	syn = f & TCPHDR_SYN;
	if (doff < TCP_MIN_HLEN || doff > plen || (th->doff_res & 0x0F))
		die("tx%u: TCP data offset %u in %u bytes, reserved %x", q, doff, plen,
		    th->doff_res & 0x0F);
	if (csum_tcpudp_magic(iph->saddr, iph->daddr, plen, IPPROTO_TCP, csum_partial(l4, plen, 0)))
		die("tx%u: TCP checksum %04x wrong", q, ntohs(th->check));
	/* Port 0 only in a reset answering a segment that used it. */
	if ((!th->source || !th->dest) && !(th->flags & TCPHDR_RST))
		die("tx%u: TCP port %u -> %u", q, ntohs(th->source), ntohs(th->dest));
	/* Every segment but a first SYN and a RST to an ACK-less segment
	 * carries an ACK; nothing mixes SYN with FIN or RST; URG is never sent. */
	if ((syn && (f & (TCPHDR_FIN | TCPHDR_RST))) || (f & TCPHDR_URG) ||
	    (!(f & TCPHDR_ACK) && f != TCPHDR_SYN && f != TCPHDR_RST))
		die("tx%u: TCP flags %02x", q, f);
	if ((f & TCPHDR_RST) && plen != doff)
		die("tx%u: RST with %u bytes of data", q, plen - doff);
	if (syn && plen != doff)
		die("tx%u: SYN with %u bytes of data", q, plen - doff);
	for (unsigned int i = TCP_MIN_HLEN; i < doff;) {
		unsigned int len;

		if (l4[i] == TCPOPT_EOL) {
			for (; i < doff; i++)
				if (l4[i])
					die("tx%u: TCP option bytes after EOL", q);
			break;
		}
		if (l4[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff || (len = l4[i + 1]) < 2 || i + len > doff)
			die("tx%u: TCP option %u at %u runs past a %u-byte header", q, l4[i], i,
			    doff);
		wire_option(q, l4[i], len, syn, l4 + i);
		i += len;
	}
}

void tcp_fuzz_trace(const char *dir, unsigned int q, const struct iphdr *iph, const uint8_t *l4,
		    uint32_t plen)
{
	static const char names[] = "FSRPAUEC";
	const struct tcphdr *th = (const struct tcphdr *)l4;
	bool tx = dir[0] == 't';
	const struct isn_slot *s = tx ? isn_find(th->dest, th->source) : isn_find(th->source, th->dest);
	uint32_t seq = ntohl(th->seq), ack = ntohl(th->ack_seq);
	char flags[9];
	unsigned int n = 0;

	for (unsigned int b = 0; b < 8; b++)
		if (th->flags & (1u << b))
			flags[n++] = names[b];
	flags[n] = 0;
	/* Our numbers relative, the peer's as they are on the wire. */
	if (s && tx)
		seq -= s->iss;
	else if (s)
		ack -= s->iss;
	fprintf(stderr, "%s%u: TCP %u -> %u [%s] seq %u ack %u win %u len %u%s\n", dir, q,
		ntohs(th->source), ntohs(th->dest), flags, seq, ack, ntohs(th->window),
		plen - MIN(plen, tcp_hdrlen(th)), iph->saddr == iph->daddr ? " (to self)" : "");
}

/* ---- the scripted handshake ------------------------------------------------------- */

static size_t put_tcp_opts_syn(uint8_t *o)
{
	static const uint8_t syn_opts[] = {
		TCPOPT_MSS, 4, 0x05, 0xB4,		/* 1460 */
		TCPOPT_SACK_PERM, 2,
		TCPOPT_TIMESTAMP, 10, 0, 0, 0, 1, 0, 0, 0, 0,	/* TSval 1 */
		TCPOPT_NOP, TCPOPT_WINDOW, 3, 7,
	};

	memcpy(o, syn_opts, sizeof(syn_opts));
	return sizeof(syn_opts);
}

static size_t put_tcp_opts_ts(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	be32 v;

	o[0] = TCPOPT_NOP;
	o[1] = TCPOPT_NOP;
	o[2] = TCPOPT_TIMESTAMP;
	o[3] = TCPOLEN_TIMESTAMP;
	v = htonl(tsval);
	memcpy(o + 4, &v, 4);
	v = htonl(tsecr);
	memcpy(o + 8, &v, 4);
	return TCPOLEN_TSTAMP_ALIGNED;
}

/* A segment from the script's peer, its numbers relative as the input's,
 * through the device like any frame the input brings. */
static void script_send(uint8_t flags, uint32_t seq, uint32_t ack, bool syn_opts)
{
	static const uint8_t peer_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	uint8_t f[ETH_ZLEN + 64] = { 0 };
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
	struct tcphdr *th = (struct tcphdr *)(f + ETH_HLEN + IP_MIN_HLEN);
	size_t olen, tcp_len, len;

	memcpy(f, stack_mac(), ETH_ALEN);
	memcpy(f + ETH_ALEN, peer_mac, ETH_ALEN);
	f[12] = 0x08;
	olen = syn_opts ? put_tcp_opts_syn((uint8_t *)(th + 1)) :
			  put_tcp_opts_ts((uint8_t *)(th + 1), 2, 0);
	tcp_len = sizeof(*th) + olen;
	iph->ihl_version = 0x45;
	iph->tot_len = htons((uint16_t)(IP_MIN_HLEN + tcp_len));
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = PEER_IP;
	iph->daddr = stack_ip();
	th->source = htons(SCRIPT_PORT);
	th->dest = htons(TCP_FUZZ_PORT);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (uint8_t)((tcp_len / 4) << 4);
	th->flags = flags;
	th->window = htons(65535);
	tcp_fuzz_rewrite((uint8_t *)th, (uint32_t)tcp_len);
	stack_fix_checksums(f, sizeof(f));
	len = MAX((size_t)ETH_ZLEN, ETH_HLEN + IP_MIN_HLEN + tcp_len);
	harness_inject(f, (uint32_t)len);
}

/* ---- the app ------------------------------------------------------------------------ */

static void conn_opts(int fd, bool nodelay)
{
	int one = 1, idle = 10, intvl = 2, cnt = 3;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (nodelay)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (sock_opts & TR_KEEPALIVE) {
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	}
	if (sock_opts & TR_LINGER0)
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (zerocopy)
		(void)setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one));
}

/* Reads (and forgets) a connection's zero-copy completions, a few a turn:
 * the error queue and its merging run on every input with them. */
static void app_reap(int fd)
{
	uint8_t control[64];

	for (int k = 0; k < 4; k++) {
		struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };

		if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
			break;
	}
}

static void conn_add(int fd, bool nodelay)
{
	conn_opts(fd, nodelay);
	conns[nconns++] = (struct conn){ .fd = fd };
}

static void conn_close(unsigned int i)
{
	if (sock_fd_close(conns[i].fd))
		die("close(%d): %s", conns[i].fd, strerror(errno));
	memmove(&conns[i], &conns[i + 1], (nconns - i - 1) * sizeof(conns[0]));
	nconns--;
}

/* Children the listener has ready, up to the app's room; the rest wait in
 * the accept queue (bounded by the backlog) for a later turn. */
static unsigned int app_accept(void)
{
	unsigned int n;

	for (n = 0; n < ACCEPT_BATCH && nconns < APP_MAX; n++) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno != EAGAIN && errno != ECONNABORTED)
				die("accept4: %s", strerror(errno));
			break;
		}
		conn_add(fd, false);
	}
	return n;
}

/* One turn of the echo: what each connection has is sent back (what does
 * not fit the send buffer is dropped: the app never blocks); end of stream
 * or an error closes. Returns the connections that did something. */
static unsigned int app_echo(void)
{
	unsigned int work = 0;

	for (unsigned int i = 0; i < nconns;) {
		ssize_t n = recv(conns[i].fd, app_buf, sizeof(app_buf), MSG_DONTWAIT);

		if (zerocopy)
			app_reap(conns[i].fd);
		if (n > 0) {
			(void)send(conns[i].fd, zerocopy ? zc_buf : app_buf, (size_t)n,
				   MSG_DONTWAIT | (zerocopy ? MSG_ZEROCOPY : 0));
			work++;
		} else if (n == 0 || (errno != EAGAIN && errno != ENOTCONN)) {
			conn_close(i);
			work++;
			continue;
		}
		i++;
	}
	return work;
}

unsigned int tcp_fuzz_app(void)
{
	if (!h.tcp)
		return 0;
	return app_accept() + app_echo();
}

/* RC_CLOSE: the oldest connection is half-closed (SHUT_WR, our FIN), the
 * next time closed; with RC_ECHO too, the app connects out instead, from
 * port 50000 to 10.0.0.1:5000, without Nagle. */
void tcp_fuzz_ctl(uint8_t ctl)
{
	if (!h.tcp || !(ctl & RC_CLOSE))
		return;
	if (ctl & RC_ECHO) {
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(ACTIVE_LPORT) };
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(ACTIVE_RPORT),
					  .sin_addr = { PEER_IP } };
		int one = 1, fd;

		if (nconns == APP_MAX)
			return;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
		    (connect(fd, (struct sockaddr *)&to, sizeof(to)) && errno != EINPROGRESS)) {
			if (sock_fd_close(fd))
				die("close(%d): %s", fd, strerror(errno));
			return;
		}
		conn_add(fd, true);
		return;
	}
	if (!nconns)
		return;
	if (!conns[0].shut) {
		conns[0].shut = true;
		if (shutdown(conns[0].fd, SHUT_WR) && errno != ENOTCONN)
			die("shutdown: %s", strerror(errno));
	} else {
		conn_close(0);
	}
}

/* ---- one input ------------------------------------------------------------------------ */

void tcp_fuzz_up(const uint8_t *g)
{
	memset(isns, 0, sizeof(isns));
	isn_next = 0;
	nconns = 0;
	sock_opts = g[G_RINGS];
	zerocopy = g[G_RX_BUDGET] & GB_TCP_ZEROCOPY;
	if (!(g[G_FLAGS] & GF_TCP_ESTAB) || (g[G_FLAGS] & GF_DEV_DOWN))
		return;
	/* The peer announces itself (the SYN-ACK then needs no ARP wait),
	 * opens, and the app accepts. */
	harness_inject_arp_request();
	script_send(TCPHDR_SYN, TCP_PEER_ISN, 0, true);
	script_send(TCPHDR_ACK, TCP_PEER_ISN + 1, 1, false);
}

/* Every connection closed by the app, and the children nobody accepted
 * (in every stack mode: the listener is always there). */
void tcp_fuzz_close_all(void)
{
	unsigned int guard;

	for (guard = 0; guard < 4 * LISTEN_BACKLOG; guard++) {
		while (nconns)
			conn_close(0);
		if (!app_accept())
			break;
	}
	while (nconns)
		conn_close(0);
}

static bool count_socket(const struct tcp_ss_entry *e, void *arg)
{
	const struct tcp_sock **lp = arg;

	if (e->state == TCP_LISTEN && e->lport == htons(TCP_FUZZ_PORT) && !*lp) {
		*lp = e->tp;
		return true;
	}
	die("a TCP socket outlives its timers: %s %08x:%u -> %08x:%u (recv-q %u send-q %u)",
	    tcp_state_names[e->state], ntohl(e->laddr), ntohs(e->lport), ntohl(e->raddr),
	    ntohs(e->rport), e->recv_q, e->send_q);
}

/* After the hour without a device: only the listener is left. */
void tcp_fuzz_check_idle(void)
{
	const struct tcp_sock *lp = NULL;

	if (listen_fd < 0)
		return;
	tcp_for_each_socket(count_socket, &lp);
	if (!lp)
		die("the listener on port %u is gone", TCP_FUZZ_PORT);
	if (lp->syn_qlen || lp->accept_qlen || lp->accept_head)
		die("listener with %u SYN_RECV and %u to accept", lp->syn_qlen, lp->accept_qlen);
	if (tcp_memory_allocated)
		die("tcp_memory_allocated is %llu with no connection",
		    (unsigned long long)tcp_memory_allocated);
	if (tcp_mib.curr_estab)
		die("CurrEstab is %llu with no connection", (unsigned long long)tcp_mib.curr_estab);
	if (tcp_memory_pressure)
		die("TCP memory pressure with no connection");
}
