/* See tcp_peer.h: the capture of what TCP sends, the crafted segments of
 * the peer, the connection helpers and a receiving peer model. The fakes
 * around TCP are in fake_tcp_env.c. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "tcp_peer.h"
#include "fake_tcp_env.h"
#include "skb_arena.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "net/checksum.h"
#include "net/if_ether.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/secure_seq.h"
#include "net/socket_file.h"

/* ---- the IP layer below TCP ---------------------------------------------------- */

int tp_xmit_rc;

static struct tp_seg tp_segs[TP_SEGS_MAX];
static unsigned int tp_head, tp_count;	/* ring: first unread, unread count */

static struct tp_seg *tp_slot(void)
{
	struct tp_seg *s;

	assert_true(tp_count < TP_SEGS_MAX);
	s = &tp_segs[(tp_head + tp_count++) % TP_SEGS_MAX];
	memset(s, 0, offsetof(struct tp_seg, data));
	memset(&s->mss, 0, sizeof(*s) - offsetof(struct tp_seg, mss));
	return s;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The options of a segment TCP built: every one must be well formed. */
static void tp_parse_opts(struct tp_seg *s, const uint8_t *p, unsigned int len)
{
	s->mss = -1;
	s->ws = -1;
	memcpy(s->opt, p, len);
	s->optlen = len;
	for (unsigned int i = 0; i < len;) {
		uint8_t kind = p[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		assert_true(i + 1 < len);
		olen = p[i + 1];
		assert_true(olen >= 2 && i + olen <= len);
		switch (kind) {
		case TCPOPT_MSS:
			assert_int_equal(olen, TCPOLEN_MSS);
			s->mss = p[i + 2] << 8 | p[i + 3];
			break;
		case TCPOPT_WINDOW:
			assert_int_equal(olen, TCPOLEN_WINDOW);
			s->ws = p[i + 2];
			break;
		case TCPOPT_SACK_PERM:
			assert_int_equal(olen, TCPOLEN_SACK_PERM);
			s->sack_perm = true;
			break;
		case TCPOPT_TIMESTAMP:
			assert_int_equal(olen, TCPOLEN_TIMESTAMP);
			s->ts = true;
			s->tsval = get32(p + i + 2);
			s->tsecr = get32(p + i + 6);
			break;
		case TCPOPT_SACK:
			assert_int_equal((olen - 2) % 8, 0);
			s->nsacks = (olen - 2u) / 8u;
			assert_true(s->nsacks >= 1 && s->nsacks <= 4);
			for (unsigned int b = 0; b < s->nsacks; b++) {
				s->sacks[b][0] = get32(p + i + 2 + 8 * b);
				s->sacks[b][1] = get32(p + i + 6 + 8 * b);
			}
			break;
		default:
			fail_msg("unknown option kind %u sent", kind);
		}
		i += olen;
	}
}

/* Captures the segment (cut into wire segments when it is a super-packet)
 * and frees it: the clone's life ends as at a TX completion. */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi4 *fl)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	unsigned int hlen, payload, step;
	uint16_t c;

	if (tp_xmit_rc) {
		kfree_skb(skb);
		return tp_xmit_rc;
	}
	assert_int_equal(fl->proto, IPPROTO_TCP);
	assert_true(skb->len >= sizeof(*th));
	hlen = tcp_hdrlen(th);
	assert_true(hlen >= sizeof(*th) && hlen <= skb->len);
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* tp_dev with NETIF_F_IP_CSUM (the zero-copy suite): the
		 * field holds the pseudo-header seed the NIC would finish. */
		assert_true(tp_dev.features & NETIF_F_IP_CSUM);
		assert_int_equal(skb->csum_start, skb_headroom(skb));
		assert_int_equal(skb->csum_offset, offsetof(struct tcphdr, check));
		assert_int_equal(th->check, csum_tcpudp_seed(fl->saddr, fl->daddr, skb->len,
							     IPPROTO_TCP));
	} else {
		/* tp_dev offers no checksum offload: TCP sums in software,
		 * across the frags too. */
		c = csum_tcpudp_magic(fl->saddr, fl->daddr, skb->len, IPPROTO_TCP,
				      skb_checksum(skb, 0, skb->len, 0));
		assert_int_equal(c, 0);
	}
	payload = skb->len - hlen;
	step = skb->gso_size && payload > skb->gso_size ? skb->gso_size : payload;
	for (unsigned int off = 0; off < payload || off == 0; off += step) {
		struct tp_seg *s = tp_slot();
		bool last = off + step >= payload;

		s->saddr = fl->saddr;
		s->daddr = fl->daddr;
		s->sport = ntohs(th->source);
		s->dport = ntohs(th->dest);
		s->seq = ntohl(th->seq) + off;
		s->ack = ntohl(th->ack_seq);
		s->flags = last ? th->flags : (uint8_t)(th->flags & ~(TCPHDR_FIN | TCPHDR_PSH));
		s->win = ntohs(th->window);
		s->len = MIN(step, payload - off);
		assert_true(s->len <= TP_SEG_DATA);
		assert_int_equal(skb_copy_bits(skb, hlen + off, s->data, s->len), 0);
		tp_parse_opts(s, (const uint8_t *)(th + 1), hlen - sizeof(*th));
		s->when = tp_now();
		s->tso = step < payload;
		s->from_socket = sk != NULL;
		if (!step)
			break;
	}
	kfree_skb(skb);
	return 0;
}

const struct tp_seg *tp_expect_after(uint64_t from, uint64_t d)
{
	uint64_t limit = from + d + TP_LATE(d);

	assert_true(tp_now() <= from + d);
	if (tp_now() < from + d)
		tp_advance(from + d - 1 - tp_now());
	tp_expect_none();
	while (!tp_pending()) {
		uint64_t next = tp_next_timer();

		if (next > limit)
			fail_msg("nothing sent within %llu ms of +%llu ms", (unsigned long long)TP_LATE(d),
				 (unsigned long long)d);
		tp_advance(next > tp_now() ? next - tp_now() : 0);
	}
	return tp_expect();
}

/* ---- fixtures ------------------------------------------------------------------------ */

#define TP_OBJ_BYTES (offsetof(struct socket_file, sk) + sizeof(struct tcp_sock))

/* Socket objects share their kmalloc class with skb buffers: the skb cache
 * goes back to the slab first. */
static uint64_t tp_objs_live(void)
{
	struct slab_stats st;

	skb_cache_drain();
	kmem_cache_stats(kmalloc_cache(TP_OBJ_BYTES), &st);
	return st.active_objs;
}

static uint64_t tp_objs_at_setup;

static struct {
	int fin_timeout, ka_time, ka_intvl, ka_probes, syncookies, max_syn_backlog;
	int timestamps, sack, wscale, rmem[3], wmem[3], mem_max_kb, challenge, moderate;
} tp_defaults;

int tp_group_setup(void **state)
{
	uint8_t key[16];
	int rc;

	test_skb_arena_group_setup(state);
	for (unsigned int w = 0; w < NET_SECRET_MAX; w++) {
		for (int i = 0; i < 16; i++)
			key[i] = (uint8_t)(0x41 * w + 3 * i + 5);
		net_secret_set_for_test(w, key);
	}
	rc = inet_register_protosw(SOCK_STREAM, IPPROTO_TCP, &tcp_prot);
	assert_true(rc == 0 || rc == -EEXIST);
	tp_defaults.fin_timeout = sysctl_tcp_fin_timeout;
	tp_defaults.ka_time = sysctl_tcp_keepalive_time;
	tp_defaults.ka_intvl = sysctl_tcp_keepalive_intvl;
	tp_defaults.ka_probes = sysctl_tcp_keepalive_probes;
	tp_defaults.syncookies = sysctl_tcp_syncookies;
	tp_defaults.max_syn_backlog = sysctl_tcp_max_syn_backlog;
	tp_defaults.timestamps = sysctl_tcp_timestamps;
	tp_defaults.sack = sysctl_tcp_sack;
	tp_defaults.wscale = sysctl_tcp_window_scaling;
	memcpy(tp_defaults.rmem, sysctl_tcp_rmem, sizeof(tp_defaults.rmem));
	memcpy(tp_defaults.wmem, sysctl_tcp_wmem, sizeof(tp_defaults.wmem));
	tp_defaults.mem_max_kb = sysctl_tcp_mem_max_kb;
	tp_defaults.challenge = sysctl_tcp_challenge_ack_limit;
	tp_defaults.moderate = sysctl_tcp_moderate_rcvbuf;
	return 0;
}

int tp_group_teardown(void **state)
{
	return test_skb_arena_group_teardown(state);
}

int tp_setup(void **state)
{
	(void)state;
	sysctl_tcp_fin_timeout = tp_defaults.fin_timeout;
	sysctl_tcp_keepalive_time = tp_defaults.ka_time;
	sysctl_tcp_keepalive_intvl = tp_defaults.ka_intvl;
	sysctl_tcp_keepalive_probes = tp_defaults.ka_probes;
	sysctl_tcp_syncookies = tp_defaults.syncookies;
	sysctl_tcp_max_syn_backlog = tp_defaults.max_syn_backlog;
	sysctl_tcp_timestamps = tp_defaults.timestamps;
	sysctl_tcp_sack = tp_defaults.sack;
	sysctl_tcp_window_scaling = tp_defaults.wscale;
	memcpy(sysctl_tcp_rmem, tp_defaults.rmem, sizeof(tp_defaults.rmem));
	memcpy(sysctl_tcp_wmem, tp_defaults.wmem, sizeof(tp_defaults.wmem));
	sysctl_tcp_mem_max_kb = tp_defaults.mem_max_kb;
	sysctl_tcp_challenge_ack_limit = tp_defaults.challenge;
	sysctl_tcp_moderate_rcvbuf = tp_defaults.moderate;
	fake_tcp_env_reset(5000000);	/* 5000 s: TSvals and ISN clocks well away from 0 */
	tcp_init();
	tp_head = tp_count = 0;
	tp_xmit_rc = 0;
	tcp_memory_pressure = false;
	test_skb_mark();
	tp_objs_at_setup = tp_objs_live();
	return 0;
}

#define TP_SOCKS_MAX 1024
static struct tcp_sock *tp_left[TP_SOCKS_MAX];
static unsigned int tp_nleft;

static bool tp_collect(const struct tcp_ss_entry *e, void *arg)
{
	(void)arg;
	if (e->tp && tp_nleft < TP_SOCKS_MAX)
		tp_left[tp_nleft++] = (struct tcp_sock *)e->tp;
	return true;
}

int tp_teardown(void **state)
{
	(void)state;
	tp_sleep_hook = NULL;
	for (int fd = SOCK_FD_BASE; fd < SOCK_FD_BASE + SOCK_MAX; fd++)
		if (sock_fd_is_socket(fd))
			sock_fd_close(fd);
	/* Orphans still finishing (FIN_WAIT, TIME_WAIT, SYN_RECV children). */
	tp_nleft = 0;
	tcp_for_each_socket(tp_collect, NULL);
	for (unsigned int i = 0; i < tp_nleft; i++) {
		local_bh_disable();
		tcp_done(tp_left[i]);
		local_bh_enable();
	}
	tp_nleft = 0;
	tcp_for_each_socket(tp_collect, NULL);
	assert_int_equal(tp_nleft, 0);
	tp_discard();
	assert_int_equal(fake_tcp_env_bh_depth(), 0);
	test_skb_assert_all_freed();
	assert_int_equal(tp_objs_live(), tp_objs_at_setup);
	assert_int_equal(tcp_memory_allocated, 0);
	return 0;
}

/* ---- captured segments -------------------------------------------------------------- */

unsigned int tp_pending(void)
{
	return tp_count;
}

const struct tp_seg *tp_expect(void)
{
	const struct tp_seg *s;

	if (!tp_count)
		fail_msg("expected a segment from the stack, none was sent");
	s = &tp_segs[tp_head];
	tp_head = (tp_head + 1) % TP_SEGS_MAX;
	tp_count--;
	return s;
}

void tp_expect_none(void)
{
	if (tp_count) {
		const struct tp_seg *s = &tp_segs[tp_head];

		fail_msg("unexpected segment: flags %#x seq %u ack %u len %u", s->flags, s->seq,
			 s->ack, s->len);
	}
}

void tp_discard(void)
{
	tp_head = tp_count = 0;
}

void tp_saw(struct tp_peer *p, const struct tp_seg *s)
{
	if (s->ts)
		p->ts_echo = s->tsval;
}

void tp_check(const struct tp_seg *s, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	if (s->flags != flags || s->seq != seq || ((flags & TCPHDR_ACK) && s->ack != ack) ||
	    s->len != len)
		fail_msg("segment flags %#x seq %u ack %u len %u, expected flags %#x seq %u ack %u len %u",
			 s->flags, s->seq, s->ack, s->len, flags, seq, ack, len);
}

uint8_t tp_pattern(uint32_t i)
{
	return (uint8_t)(i * 7u + (i >> 8) * 13u + 1u);
}

void tp_fill_pattern(uint8_t *buf, uint32_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = tp_pattern(off + i);
}

void tp_check_pattern(const struct tp_seg *s, uint32_t off)
{
	for (uint32_t i = 0; i < s->len; i++)
		if (s->data[i] != tp_pattern(off + i))
			fail_msg("payload byte %u (stream offset %u) wrong", i, off + i);
}

/* ---- segments from the peer ------------------------------------------------------------ */

struct tp_opts tp_no_opts(void)
{
	return (struct tp_opts){ .mss = -1, .ws = -1 };
}

struct tp_opts tp_linux_syn_opts(void)
{
	return (struct tp_opts){ .mss = 1460, .ws = 7, .sack_perm = true, .ts = true,
				 .tsval = 0x10000000u };
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Linux's option layout. */
static unsigned int tp_build_opts(uint8_t *p, const struct tp_opts *o)
{
	uint8_t *s = p;

	if (o->mss >= 0) {
		*p++ = TCPOPT_MSS;
		*p++ = TCPOLEN_MSS;
		*p++ = (uint8_t)(o->mss >> 8);
		*p++ = (uint8_t)o->mss;
	}
	if (o->ts) {
		*p++ = o->sack_perm ? TCPOPT_SACK_PERM : TCPOPT_NOP;
		*p++ = o->sack_perm ? TCPOLEN_SACK_PERM : TCPOPT_NOP;
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		p = put32(p, o->tsval);
		p = put32(p, o->tsecr);
	} else if (o->sack_perm) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK_PERM;
		*p++ = TCPOLEN_SACK_PERM;
	}
	if (o->ws >= 0) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_WINDOW;
		*p++ = TCPOLEN_WINDOW;
		*p++ = (uint8_t)o->ws;
	}
	if (o->nsacks) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK;
		*p++ = (uint8_t)(2 + 8 * o->nsacks);
		for (unsigned int i = 0; i < o->nsacks; i++) {
			p = put32(p, o->sacks[i][0]);
			p = put32(p, o->sacks[i][1]);
		}
	}
	assert_true(p - s <= 40 && (p - s) % 4 == 0);
	return (unsigned int)(p - s);
}

void tp_inject_raw(be32 saddr, be32 daddr, const void *tcp, uint32_t len, bool bad_csum)
{
	struct sk_buff *skb = alloc_skb(ETH_HLEN + IP_MIN_HLEN + len + 64);
	struct iphdr *iph;
	struct tcphdr *th;

	assert_non_null(skb);
	assert_true(skb_reserve(skb, ETH_HLEN + 16));
	skb_reset_network_header(skb);
	iph = (struct iphdr *)skb_put(skb, sizeof(*iph));
	*iph = (struct iphdr){
		.ihl_version = 0x45, .tot_len = htons((uint16_t)(IP_MIN_HLEN + len)),
		.id = htons(0x4321), .ttl = 64, .protocol = IPPROTO_TCP,
		.saddr = saddr, .daddr = daddr,
	};
	iph->check = ip_fast_csum(iph, 5);
	th = (struct tcphdr *)skb_put(skb, len);
	memcpy(th, tcp, len);
	if (len >= sizeof(*th)) {
		th->check = 0;
		th->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP, csum_partial(th, len, 0));
		if (bad_csum)
			th->check ^= 0x5a5a;
	}
	skb_pull(skb, sizeof(*iph));
	skb_reset_transport_header(skb);
	skb->dev = &tp_dev;
	skb->pkt_type = PACKET_HOST;
	skb->protocol = htons(ETH_P_IP);
	IPCB(skb)->flags = RTCF_LOCAL;
	fake_tcp_env_deliver(skb);
}

void tp_inject(const struct tp_peer *p, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	       const struct tp_opts *o, const void *data, uint32_t len)
{
	static uint8_t buf[60 + 65536];
	struct tcphdr *th = (struct tcphdr *)buf;
	unsigned int olen = o ? tp_build_opts(buf + sizeof(*th), o) : 0;
	unsigned int hlen = (unsigned int)sizeof(*th) + olen;

	assert_true(len <= 65536);
	*th = (struct tcphdr){
		.source = htons(p->port), .dest = htons(p->lport), .seq = htonl(seq),
		.ack_seq = htonl(ack), .doff_res = (uint8_t)((hlen / 4) << 4), .flags = flags,
		.window = htons(win),
	};
	if (len)
		memcpy(buf + hlen, data, len);
	tp_inject_raw(p->addr, TP_LOCAL, buf, hlen + len, false);
}

static struct tp_opts tp_peer_opts(struct tp_peer *p)
{
	struct tp_opts o = tp_no_opts();

	if (p->ts) {
		o.ts = true;
		o.tsval = ++p->tsval;
		o.tsecr = p->ts_echo;
	}
	return o;
}

void tp_send(struct tp_peer *p, uint8_t flags, const void *data, uint32_t len)
{
	struct tp_opts o = tp_peer_opts(p);
	uint32_t seq = p->seq;

	p->seq += len + !!(flags & TCPHDR_SYN) + !!(flags & TCPHDR_FIN);
	tp_inject(p, flags, seq, p->ack, p->win, &o, data, len);
}

void tp_send_sack(struct tp_peer *p, unsigned int n, const uint32_t (*blocks)[2])
{
	struct tp_opts o = tp_peer_opts(p);

	assert_true(n <= (p->ts ? 3u : 4u));
	o.nsacks = n;
	for (unsigned int i = 0; i < n; i++) {
		o.sacks[i][0] = blocks[i][0];
		o.sacks[i][1] = blocks[i][1];
	}
	tp_inject(p, TCPHDR_ACK, p->seq, p->ack, p->win, &o, NULL, 0);
}

/* ---- connections ------------------------------------------------------------------------ */

struct tp_peer tp_peer_make(uint16_t port, uint16_t lport, uint32_t iss)
{
	return (struct tp_peer){ .addr = TP_PEER, .port = port, .lport = lport, .seq = iss,
				 .win = 65535, .tsval = 0x10000000u, .mss = 536 };
}

struct tcp_sock *tp_sk(int fd)
{
	struct socket_file *sf = sockfd_get(fd);
	struct tcp_sock *tp;

	assert_non_null(sf);
	tp = tcp_sk(&sf->sk);
	sockfd_put(sf);
	return tp;
}

int tp_errno(int rc)
{
	return rc < 0 ? -errno : rc;
}

ssize_t tp_sendbuf(int fd, const void *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

ssize_t tp_recvbuf(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

int tp_close(int fd)
{
	return tp_errno(sock_fd_close(fd));
}

int tp_listen(uint16_t port, int backlog)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	assert_true(fd >= SOCK_FD_BASE);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

/* What the peer learns from the stack's SYN or SYN-ACK. */
static void tp_learn_syn(struct tp_peer *p, const struct tp_seg *s, const struct tp_opts *o)
{
	p->iss = s->seq;
	p->ack = s->seq + 1;
	p->ts = o->ts && s->ts;
	if (s->ts)
		p->ts_echo = s->tsval;
	if (o->ts)
		p->tsval = o->tsval;
	p->wscale = o->ws >= 0 && s->ws >= 0 ? (uint8_t)o->ws : 0;
	p->mss = (uint32_t)(MIN(s->mss >= 0 ? s->mss : 536, o->mss >= 0 ? o->mss : 536) -
			    (p->ts ? TCPOLEN_TSTAMP_ALIGNED : 0));
}

int tp_passive_open(struct tp_peer *p, int lfd, const struct tp_opts *o, struct tp_seg *synack)
{
	const struct tp_seg *s;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	uint32_t isn = p->seq;
	int fd;

	tp_inject(p, TCPHDR_SYN, isn, 0, p->win, o, NULL, 0);
	p->seq = isn + 1;
	s = tp_expect();
	tp_check(s, TCPHDR_SYN | TCPHDR_ACK, s->seq, isn + 1, 0);
	assert_int_equal(s->dport, p->port);
	assert_int_equal(s->sport, p->lport);
	assert_int_equal(s->daddr, p->addr);
	if (synack)
		*synack = *s;
	tp_learn_syn(p, s, o);
	tp_advance(p->rtt_ms);
	tp_send(p, TCPHDR_ACK, NULL, 0);
	tp_expect_none();
	fd = accept4(lfd, (struct sockaddr *)&a, &alen, SOCK_NONBLOCK);
	assert_true(fd >= SOCK_FD_BASE);
	assert_int_equal(a.sin_addr.s_addr, p->addr);
	assert_int_equal(ntohs(a.sin_port), p->port);
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	return fd;
}

int tp_active_open(struct tp_peer *p, const struct tp_opts *o, struct tp_seg *syn)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p->port),
				 .sin_addr = { p->addr } };
	const struct tp_seg *s, *ack;
	uint32_t isn = p->seq;

	assert_true(fd >= SOCK_FD_BASE);
	if (p->lport) {
		struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(p->lport) };

		assert_int_equal(bind(fd, (struct sockaddr *)&b, sizeof(b)), 0);
	}
	assert_int_equal(tp_errno(connect(fd, (struct sockaddr *)&a, sizeof(a))), -EINPROGRESS);
	s = tp_expect();
	tp_check(s, TCPHDR_SYN, s->seq, 0, 0);
	assert_int_equal(s->dport, p->port);
	assert_int_equal(s->daddr, p->addr);
	p->lport = s->sport;
	if (syn)
		*syn = *s;
	{
		struct tp_opts so = *o;

		so.tsecr = s->tsval;
		tp_advance(p->rtt_ms);
		tp_inject(p, TCPHDR_SYN | TCPHDR_ACK, isn, s->seq + 1, p->win, &so, NULL, 0);
	}
	p->seq = isn + 1;
	tp_learn_syn(p, s, o);
	ack = tp_expect();
	tp_check(ack, TCPHDR_ACK, s->seq + 1, isn + 1, 0);
	tp_saw(p, ack);
	tp_expect_none();
	assert_int_equal(tp_sk(fd)->state, TCP_ESTABLISHED);
	return fd;
}

/* ---- a receiving peer ------------------------------------------------------------ */

unsigned int tp_rx_cum(const struct tp_rx *m)
{
	unsigned int i = 0;

	while (i < m->nseg && m->got[i])
		i++;
	return i;
}

static void tp_rx_ack(struct tp_peer *p, struct tp_rx *m, unsigned int newest)
{
	unsigned int cum = tp_rx_cum(m), n = 0;
	uint32_t blocks[3][2];
	uint32_t prior = p->ack;

	p->ack = m->base + cum * m->mss;
	if (p->ack == prior)
		m->dupacks++;
	if (!m->sack) {
		tp_send(p, TCPHDR_ACK, NULL, 0);
		goto out;
	}
	/* The block holding the newest arrival, then the others from the top. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = (int)m->nseg - 1; i > (int)cum && n < 3; i--) {
			int lo = i, hi = i;
			bool has_newest;

			if (!m->got[i] || (i + 1 < (int)m->nseg && m->got[i + 1]))
				continue;	/* i is the top of a block */
			while (lo - 1 > (int)cum && m->got[lo - 1])
				lo--;
			has_newest = (unsigned int)lo <= newest && newest <= (unsigned int)hi;
			if (has_newest != (pass == 0))
				continue;
			blocks[n][0] = m->base + (uint32_t)lo * m->mss;
			blocks[n][1] = m->base + (uint32_t)(hi + 1) * m->mss;
			n++;
		}
	if (n)
		tp_send_sack(p, n, (const uint32_t(*)[2])blocks);
	else
		tp_send(p, TCPHDR_ACK, NULL, 0);
out:
	if (m->tp->total_retrans && !m->dupacks_at_first_retx)
		m->dupacks_at_first_retx = m->dupacks;
}

/* Delivers everything the stack sends, answering each, until it stops. */
void tp_rx_run(struct tp_peer *p, struct tp_rx *m)
{
	for (unsigned int guard = 0; tp_pending() && guard < 10000; guard++) {
		const struct tp_seg *s = tp_expect();
		unsigned int i;

		assert_true(s->flags & TCPHDR_ACK);
		assert_int_equal((s->seq - m->base) % m->mss, 0);
		i = (s->seq - m->base) / m->mss;
		assert_true(i < m->nseg);
		assert_int_equal(s->len, m->mss);
		tp_check_pattern(s, s->seq - m->base);
		tp_saw(p, s);
		if (m->seen[i]) {
			m->retx[i]++;
		} else {
			m->seen[i] = true;
			if (m->drop[i])
				continue;
		}
		m->got[i] = true;
		tp_rx_ack(p, m, i);
	}
	tp_expect_none();
}


int tp_rx_loss(const struct tp_opts *o, struct tp_rx *m, const unsigned int *drop,
	       unsigned int ndrop)
{
	static uint8_t data[TP_RX_SEGS * 1460];
	int lfd = tp_listen(8080, 16);
	struct tp_peer p = tp_peer_make(40000, 8080, 7000000);
	struct tcp_sock *tp;
	int fd;

	p.rtt_ms = 20;
	fd = tp_passive_open(&p, lfd, o, NULL);
	tp = tp_sk(fd);
	memset(m, 0, sizeof(*m));
	m->base = p.iss + 1;
	m->mss = tp->mss_cache;
	m->nseg = 40;
	m->sack = o->sack_perm;
	m->tp = tp;
	for (unsigned int i = 0; i < ndrop; i++)
		m->drop[drop[i]] = true;
	tp_fill_pattern(data, 0, m->nseg * m->mss);
	assert_int_equal(tp_sendbuf(fd, data, m->nseg * m->mss), m->nseg * m->mss);
	tp_rx_run(&p, m);
	assert_int_equal(tp_rx_cum(m), m->nseg);
	assert_int_equal(tp->snd_una, m->base + m->nseg * m->mss);
	assert_int_equal(tp->packets_out, 0);
	return fd;
}
