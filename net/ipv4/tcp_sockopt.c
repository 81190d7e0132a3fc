/* TCP's socket options (the IPPROTO_TCP level, and the SOL_SOCKET ones TCP
 * acts on) and TCP_INFO with Linux's field meanings, for getsockopt and
 * `ss -ti`. */
#include <errno.h>
#include <string.h>
#include "kernel/ktimer.h"
#include "kernel/softirq.h"
#include "net/ip_hdr.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"
#include "net/tcp_cong.h"

static int opt_int(const void *val, uint32_t len, int *v)
{
	if (!val || len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

int tcp_setsockopt(struct sock *sk, int level, int name, const void *val, uint32_t len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int v = 0, err = 0;

	if (level == SOL_SOCKET) {
		local_bh_disable();
		switch (name) {
		case SO_KEEPALIVE:
			tcp_set_keepalive(tp, sk->sk_flags & SOCK_KEEPOPEN);
			break;
		case SO_RCVBUF:
			/* A fixed buffer: no auto-tuning beyond it (Linux's
			 * SOCK_RCVBUF_LOCK). */
			tp->window_clamp = MIN(tp->window_clamp ? tp->window_clamp : UINT32_MAX,
					       MAX(sk->sk_rcvbuf / 2, 2u * TCP_MSS_DEFAULT));
			tp->rcvq_space = UINT32_MAX;
			break;
		case SO_SNDBUF:
			tcp_wake(tp);
			break;
		default:
			err = -ENOPROTOOPT;
			break;
		}
		local_bh_enable();
		return err;
	}
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	if (name == TCP_CONGESTION) {
		char nm[16] = { 0 };
		const struct tcp_congestion_ops *ops;

		if (!val || !len)
			return -EINVAL;
		memcpy(nm, val, MIN((size_t)len, sizeof(nm) - 1));
		ops = tcp_ca_find(nm);
		if (!ops)
			return -ENOENT;
		local_bh_disable();
		tp->ca_ops = ops;
		if (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT) {
			memset(tp->ca_priv, 0, sizeof(tp->ca_priv));
			if (ops->init)
				ops->init(tp);
		}
		local_bh_enable();
		return 0;
	}
	err = opt_int(val, len, &v);
	if (err)
		return err;
	local_bh_disable();
	switch (name) {
	case TCP_NODELAY:
		tp->nodelay = v != 0;
		if (tp->nodelay)
			__tcp_push_pending_frames(tp, tcp_current_mss(tp), TCP_NAGLE_PUSH);
		break;
	case TCP_CORK:
		tp->cork = v != 0;
		if (!tp->cork)
			__tcp_push_pending_frames(tp, tcp_current_mss(tp),
						  tp->nodelay ? TCP_NAGLE_PUSH : 0);
		break;
	case TCP_MAXSEG:
		/* Linux: 0 clears; else TCP_MIN_MSS .. 32767. */
		if (v && (v < (int)TCP_MIN_MSS || v > 32767))
			err = -EINVAL;
		else
			tp->user_mss = (uint16_t)v;
		break;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767) {
			err = -EINVAL;
		} else if (name == TCP_KEEPIDLE) {
			tp->keepalive_time = (uint32_t)v;
			if (tp->keepalive)
				tcp_set_keepalive(tp, true);
		} else {
			tp->keepalive_intvl = (uint32_t)v;
		}
		break;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			err = -EINVAL;
		else
			tp->keepalive_probes = (uint8_t)v;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	local_bh_enable();
	return err;
}

void tcp_get_info(const struct tcp_sock *tp, struct tcp_info *info)
{
	uint64_t now = jiffies();

	memset(info, 0, sizeof(*info));
	info->tcpi_state = tp->state;
	info->tcpi_ca_state = tp->ca_state;
	info->tcpi_retransmits = tp->retransmits;
	info->tcpi_probes = tp->probes_out;
	info->tcpi_backoff = tp->backoff;
	if (tp->rx_opt.tstamp_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->rx_opt.sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (tp->rx_opt.wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_rcv_wscale = (uint8_t)(tp->rx_opt.snd_wscale | tp->rcv_wscale << 4);
	}
	info->tcpi_rto = tp->rto_ms * 1000u;
	info->tcpi_ato = TCP_DELACK_MAX_MS * 1000u;
	info->tcpi_snd_mss = tp->mss_cache;
	info->tcpi_rcv_mss = tp->rcv_mss;
	info->tcpi_unacked = tp->packets_out;
	info->tcpi_sacked = tp->sacked_out;
	info->tcpi_lost = tp->lost_out;
	info->tcpi_retrans = tp->retrans_out;
	info->tcpi_last_data_sent = (uint32_t)(now - MIN(now, tp->lsndtime));
	info->tcpi_last_data_recv = (uint32_t)(now - MIN(now, tp->lrcvtime));
	info->tcpi_last_ack_recv = info->tcpi_last_data_recv;
	info->tcpi_pmtu = tp->sk.dst_valid ? tp->sk.sk_dst.rt_pmtu : 0;
	info->tcpi_rcv_ssthresh = tp->window_clamp;
	info->tcpi_rtt = tp->srtt_us >> 3;
	info->tcpi_rttvar = tp->rttvar_us;
	info->tcpi_snd_ssthresh = tp->snd_ssthresh;
	info->tcpi_snd_cwnd = tp->snd_cwnd;
	info->tcpi_advmss = tp->advmss;
	info->tcpi_reordering = 3;
	info->tcpi_rcv_space = tp->rcvq_space == UINT32_MAX ? 0 : tp->rcvq_space;
	info->tcpi_total_retrans = tp->total_retrans;
	info->tcpi_bytes_acked = tp->bytes_acked64;
	info->tcpi_bytes_received = tp->bytes_received64;
	info->tcpi_segs_out = tp->segs_out;
	info->tcpi_segs_in = tp->segs_in;
	info->tcpi_notsent_bytes = tp->send_head ? tp->write_seq - TCP_SKB_CB(tp->send_head)->seq : 0;
	info->tcpi_min_rtt = tp->min_rtt_us;
	info->tcpi_data_segs_in = tp->data_segs_in;
	info->tcpi_data_segs_out = tp->data_segs_out;
	info->tcpi_delivery_rate = tp->rate_bps;
	info->tcpi_delivered = tp->delivered;
	info->tcpi_bytes_sent = tp->bytes_sent64;
	info->tcpi_bytes_retrans = tp->bytes_retrans64;
	info->tcpi_rcv_ooopack = tp->rcv_ooopack;
	info->tcpi_snd_wnd = tp->snd_wnd;
	if (tp->srtt_us)
		info->tcpi_pacing_rate = (uint64_t)tp->snd_cwnd * tp->mss_cache * 1000000ull * 2 /
					 (tp->srtt_us >> 3 ? tp->srtt_us >> 3 : 1);
}

int tcp_getsockopt(struct sock *sk, int level, int name, void *val, uint32_t *len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int v;

	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	if (!val || !len)
		return -EFAULT;
	if (name == TCP_INFO) {
		struct tcp_info info;

		local_bh_disable();
		tcp_get_info(tp, &info);
		local_bh_enable();
		*len = MIN(*len, (uint32_t)sizeof(info));
		memcpy(val, &info, *len);
		return 0;
	}
	if (name == TCP_CONGESTION) {
		const char *nm = tp->ca_ops ? tp->ca_ops->name : "";
		uint32_t n = MIN(*len, 16u);

		memset(val, 0, n);
		memcpy(val, nm, MIN(n, (uint32_t)strlen(nm)));
		*len = n;
		return 0;
	}
	switch (name) {
	case TCP_NODELAY: v = tp->nodelay; break;
	case TCP_CORK: v = tp->cork; break;
	case TCP_MAXSEG:
		v = tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT ? tp->mss_cache :
		    tp->user_mss ? tp->user_mss : (int)TCP_MSS_DEFAULT;
		break;
	case TCP_KEEPIDLE: v = (int)(tcp_keepalive_time_ms(tp) / 1000); break;
	case TCP_KEEPINTVL:
		v = tp->keepalive_intvl ? (int)tp->keepalive_intvl : sysctl_tcp_keepalive_intvl;
		break;
	case TCP_KEEPCNT:
		v = tp->keepalive_probes ? tp->keepalive_probes : sysctl_tcp_keepalive_probes;
		break;
	default:
		return -ENOPROTOOPT;
	}
	*len = MIN(*len, (uint32_t)sizeof(v));
	memcpy(val, &v, *len);
	return 0;
}
