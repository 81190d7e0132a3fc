/* See fake_tcp_env.h. */
#include <errno.h>
#include "host_support.h"
#include "fake_tcp_env.h"
#include "fake_timer.h"
#include "tcp_peer.h"
#include "kernel/irqflags.h"
#include "kernel/ktimer.h"
#include "kernel/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/netdevice.h"
#include "net/protocol.h"
#include "net/route.h"

struct net_device tp_dev = { .name = "eth0", .mtu = 1500, .up = true };
uint32_t rt_genid = 1;
static uint64_t tp_clock;		/* ms */

/* ---- the IP layer below TCP (ip_queue_xmit is tcp_peer.c's) ------------------- */

int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol)
{
	(void)prot;
	(void)protocol;
	return 0;
}

const struct net_protocol *inet_get_protocol(uint8_t protocol)
{
	(void)protocol;
	return NULL;
}

bool inet_addr_is_local(be32 addr)
{
	return addr == TP_LOCAL;
}

bool inet_addr_is_broadcast(const struct net_device *dev, be32 addr)
{
	(void)dev;
	return addr == 0xFFFFFFFFu || addr == HTONL_C(0x0A0000FFu);
}

be32 inet_select_addr(const struct net_device *dev, be32 dst)
{
	(void)dev;
	(void)dst;
	return TP_LOCAL;
}

int ip_route_output(be32 daddr, be32 saddr, struct rtable *rt)
{
	*rt = (struct rtable){
		.dev = &tp_dev, .rt_dst = daddr, .rt_gateway = daddr,
		.rt_src = saddr ? saddr : TP_LOCAL, .rt_pmtu = tp_dev.mtu, .rt_genid = rt_genid,
	};
	if (daddr == 0xFFFFFFFFu || daddr == HTONL_C(0x0A0000FFu))
		rt->rt_flags |= RTCF_BROADCAST;
	return 0;
}

bool rt_expired(const struct rtable *rt)
{
	(void)rt;
	return false;
}

void ip_rt_update_pmtu(be32 daddr, uint32_t mtu)
{
	(void)daddr;
	(void)mtu;
}

struct net_device *first_netdev(void)
{
	return &tp_dev;
}



uint64_t jiffies(void)
{
	return tp_clock;
}

uint64_t ktime_get_ns(void)
{
	return tp_clock * NSEC_PER_MSEC;
}

uint64_t tp_now(void)
{
	return tp_clock;
}

void tp_advance(uint64_t ms)
{
	fake_timer_advance(&tp_clock, ms);
}

uint64_t tp_next_timer(void)
{
	return fake_timer_next();
}

static int tp_bh_depth;
static bool tp_in_softirq;
static unsigned int tp_batch_depth;
#define TP_FLUSH_MAX 4
static struct net_rx_flush *tp_flushes[TP_FLUSH_MAX];

bool in_serving_softirq(void)
{
	return tp_in_softirq;
}

/* Registered from tcp_init, which every test's setup calls: once is enough. */
void net_rx_flush_register(struct net_rx_flush *f)
{
	for (unsigned int i = 0; i < TP_FLUSH_MAX; i++) {
		if (tp_flushes[i] == f)
			return;
		if (!tp_flushes[i]) {
			tp_flushes[i] = f;
			return;
		}
	}
	fail_msg("too many net_rx_flush handlers");
}

/* The end of a NET_RX run. */
static void tp_netrx_flush(void)
{
	tp_in_softirq = true;
	local_bh_disable();
	for (unsigned int i = 0; i < TP_FLUSH_MAX && tp_flushes[i]; i++)
		tp_flushes[i]->fn();
	local_bh_enable();
	tp_in_softirq = false;
}

void tp_batch_begin(void)
{
	tp_batch_depth++;
}

void tp_batch_end(void)
{
	assert_true(tp_batch_depth > 0);
	if (--tp_batch_depth == 0)
		tp_netrx_flush();
}

void local_bh_disable(void)
{
	tp_bh_depth++;
}

void local_bh_enable(void)
{
	assert_true(tp_bh_depth > 0);
	tp_bh_depth--;
}

static struct thread tp_thread = { .name = "test" };
struct thread *current = &tp_thread;
int (*tp_sleep_hook)(void);

void syscall_enter(void)
{
}

void syscall_exit(void)
{
}

int wait_sleep_irqoff(uint64_t deadline_ns, bool interruptible)
{
	(void)interruptible;
	assert_int_equal(tp_bh_depth, 0);
	local_irq_enable();
	if (deadline_ns != UINT64_MAX && ktime_get_ns() >= deadline_ns)
		return -ETIMEDOUT;
	if (!tp_sleep_hook)
		fail_msg("a socket call would sleep");
	return tp_sleep_hook();
}

int fake_tcp_env_bh_depth(void)
{
	return tp_bh_depth;
}

void fake_tcp_env_reset(uint64_t now)
{
	tp_clock = now;
	fake_timer_init(now);
	tp_sleep_hook = NULL;
	tp_bh_depth = 0;
	tp_batch_depth = 0;
	tp_in_softirq = false;
	tp_dev.mtu = 1500;
	tp_dev.features = 0;
}

/* As NET_RX delivers it: softirq context, bottom halves off, then the
 * end-of-run flush unless a batch goes on. */
void fake_tcp_env_deliver(struct sk_buff *skb)
{
	tp_in_softirq = true;
	local_bh_disable();
	tcp_v4_rcv(skb);
	local_bh_enable();
	tp_in_softirq = false;
	if (!tp_batch_depth)
		tp_netrx_flush();
}
