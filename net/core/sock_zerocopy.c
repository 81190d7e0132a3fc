/* MSG_ZEROCOPY completions and the socket error queue (net/sock_zerocopy.h).
 *
 * One ubuf_info_msgzc per MSG_ZEROCOPY call. Its refcount is one per skb
 * struct whose frags point at the call's bytes, plus the caller's while it
 * builds them; the last ubuf_put, wherever that skb is freed (the ACK in
 * NET_RX freeing TCP's original, igb_clean_tx_irq freeing the clone, a
 * purge at close), runs msg_zerocopy_complete. The completed state itself
 * becomes the notification on the error queue (Linux reuses its skb the
 * same way), or is merged into the last one waiting there and freed.
 *
 * Concurrency: completions run in softirqs and in process context; the
 * queue and the counters change with interrupts off. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "kernel/irqflags.h"
#include "kernel/slab.h"
#include "kernel/sysctl.h"
#include "kernel/wait.h"
#include "net/snmp.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/sock_zerocopy.h"

/* Linux's default since 6.9. */
int sysctl_optmem_max = 131072;
SYSCTL_INT("net.core.optmem_max", sysctl_optmem_max, 0, INT_MAX / 2);

static struct zerocopy_stats zc_stats;

static const struct snmp_field zc_fields[] = {
	SNMP_FIELD(struct zerocopy_stats, sends, "ZerocopySends"),
	SNMP_FIELD(struct zerocopy_stats, sends_copied, "ZerocopySendsCopied"),
	SNMP_FIELD(struct zerocopy_stats, bytes_zerocopy, "ZerocopyBytes"),
	SNMP_FIELD(struct zerocopy_stats, completions, "ZerocopyCompleted"),
	SNMP_FIELD(struct zerocopy_stats, completions_copied, "ZerocopyCompletedCopied"),
	SNMP_FIELD(struct zerocopy_stats, merged, "ZerocopyMerged"),
	SNMP_FIELD(struct zerocopy_stats, notifications_read, "ZerocopyNotificationsRead"),
	SNMP_FIELD(struct zerocopy_stats, dropped_dead, "ZerocopyDroppedClosed"),
	SNMP_FIELD(struct zerocopy_stats, enobufs, "ZerocopyNoBufs"),
};
SNMP_MIB("Zerocopy", &zc_stats, zc_fields);

static void zc_count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

void zerocopy_count_bytes(uint32_t bytes)
{
	zc_count(&zc_stats.bytes_zerocopy, bytes);
}

static uint32_t zc_ids(const struct ubuf_info_msgzc *z)
{
	return z->hi - z->lo + 1;
}

/* The state goes with its two charges. */
static void msg_zerocopy_free(struct ubuf_info_msgzc *z, bool uncharge_wmem)
{
	struct sock *sk = z->sk;

	__atomic_fetch_sub(&sk->sk_omem_alloc, MSG_ZC_CHARGE, __ATOMIC_RELAXED);
	kfree(z);
	if (uncharge_wmem)
		sock_wmem_uncharge(sk, MSG_ZC_CHARGE);
}

/* Appends z to the error queue, or merges it into the last notification
 * when its ids follow on with the same code; true if z was merged (and is
 * the caller's to free). Interrupts off. */
static bool errqueue_add(struct sock *sk, struct ubuf_info_msgzc *z)
{
	struct ubuf_info_msgzc *tail = sk->sk_error_tail;

	if (tail && tail->ubuf.zerocopy == z->ubuf.zerocopy && tail->hi + 1 == z->lo &&
	    zc_ids(tail) + zc_ids(z) > zc_ids(tail)) {
		tail->hi = z->hi;
		return true;
	}
	z->next = NULL;
	if (tail)
		tail->next = z;
	else
		sk->sk_error_head = z;
	sk->sk_error_tail = z;
	return false;
}

static void msg_zerocopy_complete(struct ubuf_info *u)
{
	struct ubuf_info_msgzc *z = (struct ubuf_info_msgzc *)u;
	struct sock *sk = z->sk;
	unsigned long flags = local_irq_save();
	bool dead = READ_ONCE(sk->sk_flags) & SOCK_DEAD, merged = false;

	zc_stats.completions += zc_ids(z);
	if (!u->zerocopy)
		zc_stats.completions_copied += zc_ids(z);
	if (dead)
		zc_stats.dropped_dead++;
	else
		merged = errqueue_add(sk, z);
	if (merged)
		zc_stats.merged++;
	local_irq_restore(flags);
	if (dead || merged)
		msg_zerocopy_free(z, true);
	else
		wake_up(&sk->sk_wq);	/* POLLERR for pollers */
}

struct ubuf_info *msg_zerocopy_alloc(struct sock *sk)
{
	struct ubuf_info_msgzc *z;

	if ((uint64_t)READ_ONCE(sk->sk_omem_alloc) + MSG_ZC_CHARGE > (uint64_t)sysctl_optmem_max) {
		zc_count(&zc_stats.enobufs, 1);
		return NULL;
	}
	z = kmalloc(sizeof(*z));
	if (!z) {
		zc_count(&zc_stats.enobufs, 1);
		return NULL;
	}
	*z = (struct ubuf_info_msgzc){
		.ubuf = { .complete = msg_zerocopy_complete, .refcnt = 1, .zerocopy = true },
		.sk = sk,
		.lo = sk->sk_zckey,
		.hi = sk->sk_zckey,
	};
	sk->sk_zckey++;
	__atomic_fetch_add(&sk->sk_omem_alloc, MSG_ZC_CHARGE, __ATOMIC_RELAXED);
	sock_wmem_charge(sk, MSG_ZC_CHARGE);
	zc_count(&zc_stats.sends, 1);
	return &z->ubuf;
}

void msg_zerocopy_put_abort(struct ubuf_info *u, bool sent)
{
	struct ubuf_info_msgzc *z = (struct ubuf_info_msgzc *)u;

	/* Nothing sent: no skb took a reference, and the id is free again
	 * (unless another thread's call took the next one meanwhile). */
	if (!sent && u->refcnt == 1 && z->lo + 1 == z->sk->sk_zckey) {
		z->sk->sk_zckey--;
		zc_count(&zc_stats.sends, (uint64_t)-1);
		msg_zerocopy_free(z, true);
		return;
	}
	if (!u->zerocopy)
		zc_count(&zc_stats.sends_copied, 1);
	ubuf_put(u);
}

bool sock_errqueue_pending(const struct sock *sk)
{
	return READ_ONCE(sk->sk_error_head) != NULL;
}

static struct ubuf_info_msgzc *errqueue_pop(struct sock *sk)
{
	unsigned long flags = local_irq_save();
	struct ubuf_info_msgzc *z = sk->sk_error_head;

	if (z) {
		sk->sk_error_head = z->next;
		if (!z->next)
			sk->sk_error_tail = NULL;
	}
	local_irq_restore(flags);
	return z;
}

/* Linux's errhdr: the error and, for an ICMP one, who sent it (none here). */
struct sock_errhdr {
	struct sock_extended_err ee;
	struct sockaddr_in offender;
};

int sock_recv_errqueue(struct sock *sk, struct msghdr *msg)
{
	struct ubuf_info_msgzc *z = errqueue_pop(sk);
	struct sock_errhdr eh;
	struct cmsghdr *cm;

	if (!z)
		return -EAGAIN;
	memset(&eh, 0, sizeof(eh));
	eh.ee.ee_origin = SO_EE_ORIGIN_ZEROCOPY;
	eh.ee.ee_code = z->ubuf.zerocopy ? 0 : SO_EE_CODE_ZEROCOPY_COPIED;
	eh.ee.ee_info = z->lo;
	eh.ee.ee_data = z->hi;
	msg->msg_flags = MSG_ERRQUEUE;
	cm = CMSG_FIRSTHDR(msg);
	if (cm && msg->msg_controllen >= CMSG_LEN(sizeof(eh))) {
		cm->cmsg_len = CMSG_LEN(sizeof(eh));
		cm->cmsg_level = SOL_IP;
		cm->cmsg_type = IP_RECVERR;
		memcpy(CMSG_DATA(cm), &eh, sizeof(eh));
		msg->msg_controllen = MIN(msg->msg_controllen, (size_t)CMSG_SPACE(sizeof(eh)));
	} else {
		/* As Linux: the notification is consumed even so. */
		msg->msg_flags |= MSG_CTRUNC;
		msg->msg_controllen = 0;
	}
	zc_count(&zc_stats.notifications_read, 1);
	msg_zerocopy_free(z, true);
	return 0;
}

void sock_errqueue_purge(struct sock *sk)
{
	struct ubuf_info_msgzc *z;

	/* Bounded: each notification holds optmem, so there are at most
	 * optmem_max / MSG_ZC_CHARGE of them. */
	while ((z = errqueue_pop(sk)) != NULL) {
		__atomic_fetch_sub(&sk->sk_wmem_alloc, MSG_ZC_CHARGE, __ATOMIC_RELAXED);
		msg_zerocopy_free(z, false);
	}
}

void zerocopy_get_stats(struct zerocopy_stats *st)
{
	unsigned long flags = local_irq_save();

	*st = zc_stats;
	local_irq_restore(flags);
}
