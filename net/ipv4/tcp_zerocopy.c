/* TCP's side of MSG_ZEROCOPY (net/sock_zerocopy.h has the socket's): which
 * calls send from the caller's buffer, and how its bytes join an skb. */
#include <errno.h>
#include <limits.h>
#include "kernel/sysctl.h"
#include "net/netdevice.h"
#include "net/sock_zerocopy.h"
#include "net/socket.h"
#include "net/tcp.h"

/* MSG_ZEROCOPY below this many bytes is copied (and reported so): pinning
 * the caller's buffer costs a completion, and a descriptor per skb, which
 * a copy of less than a page does not. ringos's own knob; Linux pins any size. */
int sysctl_tcp_zerocopy_min = 4096;
SYSCTL_INT("net.ipv4.tcp_zerocopy_min", sysctl_tcp_zerocopy_min, 0, INT_MAX);

/* Linux's rule for the device: it must gather and checksum. */
int tcp_zerocopy_start(struct tcp_sock *tp, size_t len, int flags, struct ubuf_info **uarg,
		       bool *zc)
{
	const struct net_device *dev = tp->sk.dst_valid ? tp->sk.sk_dst.dev : NULL;
	uint64_t caps = NETIF_F_SG | NETIF_F_IP_CSUM;

	*uarg = NULL;
	*zc = false;
	if (!(flags & MSG_ZEROCOPY) || !len || !(tp->sk.sk_flags & SOCK_ZEROCOPY))
		return 0;
	*uarg = msg_zerocopy_alloc(&tp->sk);
	if (!*uarg)
		return -ENOBUFS;
	*zc = dev && (READ_ONCE(dev->features) & caps) == caps &&
	      len >= (size_t)sysctl_tcp_zerocopy_min;
	(*uarg)->zerocopy = *zc;
	return 0;
}

void tcp_zerocopy_append(struct tcp_sock *tp, struct sk_buff *skb, const uint8_t *from,
			 unsigned int copy)
{
	(void)skb_add_frag(skb, (uint8_t *)from, copy);	/* contiguous: never a new frag */
	skb->truesize += copy;
	tp->sk_wmem_queued += copy;
	tcp_mem_charge(tp, copy);
	zerocopy_count_bytes(copy);
}
