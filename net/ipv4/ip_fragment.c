/* IPv4 fragmentation (RFC 791 3.2, "fragmentation procedure") and
 * reassembly (RFC 815's hole accounting, done here with a sorted list).
 *
 * Reassembly limits, the and close to Linux's: a datagram of at most
 * 65535 bytes, at most IPFRAG_MAX_QUEUES datagrams and ipfrag_high_thresh
 * bytes (skb truesize) held at once, ipfrag_time (30 s) to complete. When a
 * limit is reached the oldest datagram goes first, so a flood of fragments
 * that never complete costs bounded memory and cannot lock real traffic out
 * for longer than it keeps flooding.
 *
 * Overlaps (RFC 5722's rule for IPv6, which Linux applies to IPv4 too): a
 * fragment overlapping another drops the whole datagram; an exact duplicate
 * is ignored. Every drop has its own counter.
 *
 * Queue invariant: q->fragments is sorted by offset with no two fragments
 * overlapping; q->meat is the sum of their payload lengths, so the datagram
 * is complete exactly when the first and last fragments are in and meat
 * equals len. Runs in the NET_RX softirq; the expiry timer in TIMER. */
#include <errno.h>
#include <string.h>
#include "net/ip.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "kernel/ktimer.h"
#include "kernel/sysctl.h"

int sysctl_ipfrag_high_thresh = IPFRAG_HIGH_THRESH;
int sysctl_ipfrag_time = IPFRAG_TIME_MS / 1000;
SYSCTL_INT("net.ipv4.ipfrag_high_thresh", sysctl_ipfrag_high_thresh, 65536, 64 << 20);
SYSCTL_INT("net.ipv4.ipfrag_time", sysctl_ipfrag_time, 1, 3600);

/* Per-fragment state, after the IPCB the layers above read. */
struct ipfrag_cb {
	struct inet_skb_parm h;
	uint32_t offset, end;	/* payload bytes [offset, end) of the datagram */
};
#define FRAG_CB(skb) ((struct ipfrag_cb *)((skb)->cb))
_Static_assert(sizeof(struct ipfrag_cb) <= sizeof(((struct sk_buff *)0)->cb), "fits cb[]");

#define IPQ_FIRST_IN 1u
#define IPQ_LAST_IN  2u

struct ipq {
	bool used;
	uint8_t flags;
	uint8_t protocol;
	be16 id;
	be32 saddr, daddr;
	uint32_t len;		/* payload end: the last fragment's, or the largest seen */
	uint32_t meat;		/* payload bytes held */
	uint32_t mem;		/* truesize held */
	uint64_t seq;		/* creation order: the smallest is the oldest */
	struct sk_buff *fragments, *tail;	/* linked through skb->next */
	struct timer_list timer;
};

static struct ipq ipqs[IPFRAG_MAX_QUEUES];
static unsigned int ipq_count;
static uint32_t ipfrag_mem;
static uint64_t ipq_next_seq;

void ip_frag_usage(unsigned int *queues, uint32_t *mem)
{
	*queues = ipq_count;
	*mem = ipfrag_mem;
}

static uint32_t frag_truesize(const struct sk_buff *skb)
{
	return skb->truesize ? skb->truesize : (uint32_t)sizeof(*skb) + skb->end;
}

static void ipq_kill(struct ipq *q)
{
	struct sk_buff *skb = q->fragments;

	timer_del(&q->timer);
	/* Bounded by the fragments the memory limit let in. */
	while (skb) {
		struct sk_buff *next = skb->next;

		skb->next = NULL;
		kfree_skb(skb);
		skb = next;
	}
	ipfrag_mem -= q->mem;
	ipq_count--;
	q->used = false;
	q->fragments = q->tail = NULL;
}

/* Gives up on q as a failed reassembly, counted under reason too. */
static void ipq_fail(struct ipq *q, uint64_t *reason)
{
	IP_INC_STATS(reasm_fails);
	(*reason)++;
	ipq_kill(q);
}

static void ipq_expire(struct timer_list *t)
{
	struct ipq *q = container_of(t, struct ipq, timer);

	if (!q->used)
		return;
	/* RFC 792 / 1122 3.2.1.4: time exceeded (reassembly), and only when
	 * fragment zero came: it holds the header and 8 bytes to quote. */
	if (q->flags & IPQ_FIRST_IN)
		icmp_send(q->fragments, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
	ipq_fail(q, &ip_statistics.reasm_timeout);
}

/* The oldest queue other than keep; NULL if there is none. */
static struct ipq *ipq_oldest(const struct ipq *keep)
{
	struct ipq *oldest = NULL;

	for (unsigned int i = 0; i < IPFRAG_MAX_QUEUES; i++) {
		struct ipq *q = &ipqs[i];

		if (q->used && q != keep && (!oldest || q->seq < oldest->seq))
			oldest = q;
	}
	return oldest;
}

static struct ipq *ipq_find(const struct iphdr *iph)
{
	for (unsigned int i = 0; i < IPFRAG_MAX_QUEUES; i++) {
		struct ipq *q = &ipqs[i];

		if (q->used && q->id == iph->id && q->saddr == iph->saddr &&
		    q->daddr == iph->daddr && q->protocol == iph->protocol)
			return q;
	}
	return NULL;
}

static struct ipq *ipq_create(const struct iphdr *iph)
{
	struct ipq *q = NULL;

	if (ipq_count == IPFRAG_MAX_QUEUES)
		ipq_fail(ipq_oldest(NULL), &ip_statistics.reasm_queue_limit);
	for (unsigned int i = 0; i < IPFRAG_MAX_QUEUES && !q; i++)
		if (!ipqs[i].used)
			q = &ipqs[i];
	q->used = true;
	q->flags = 0;
	q->protocol = iph->protocol;
	q->id = iph->id;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->len = q->meat = q->mem = 0;
	q->seq = ipq_next_seq++;
	q->fragments = q->tail = NULL;
	ipq_count++;
	/* From the first fragment seen, not refreshed: a trickle of fragments
	 * cannot keep a datagram alive forever. */
	timer_mod(&q->timer, jiffies() + (uint64_t)sysctl_ipfrag_time * 1000);
	return q;
}

/* The whole datagram in one new linear skb with MAX_HEADER of headroom;
 * consumes every fragment. NULL when the copy could not be made (counted). */
static struct sk_buff *ip_frag_reasm(struct ipq *q, const struct sk_buff *last)
{
	const struct sk_buff *head = q->fragments;
	unsigned int ihl = ip_hdrlen((const struct iphdr *)head->data);
	uint32_t total = ihl + q->len;
	struct sk_buff *skb;
	struct iphdr *iph;
	uint8_t *p;

	if (total > IP_MAX_PACKET) {
		ipq_fail(q, &ip_statistics.reasm_oversize);
		return NULL;
	}
	skb = alloc_skb_tx(total);
	if (!skb) {
		ipq_fail(q, &ip_statistics.reasm_no_mem);
		return NULL;
	}
	p = skb_put(skb, total);
	memcpy(p, head->data, ihl);
	for (const struct sk_buff *f = head; f; f = f->next) {
		unsigned int fihl = ip_hdrlen((const struct iphdr *)f->data);

		memcpy(p + ihl + FRAG_CB(f)->offset, f->data + fihl,
		       FRAG_CB(f)->end - FRAG_CB(f)->offset);
	}
	skb_count_copy(SKB_COPY_REASSEMBLY, total);

	iph = (struct iphdr *)p;
	iph->tot_len = htons((uint16_t)total);
	iph->frag_off = 0;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, ihl / 4);
	skb_reset_network_header(skb);
	skb->dev = last->dev;
	skb->protocol = last->protocol;
	skb->pkt_type = head->pkt_type;
	skb->queue_mapping = last->queue_mapping;
	skb->hash = last->hash;
	/* The NIC verifies no transport checksum over pieces: UDP/TCP sum it. */
	skb->ip_summed = CHECKSUM_NONE;
	memcpy(IPCB(skb), IPCB(last), sizeof(struct inet_skb_parm));
	ipq_kill(q);
	IP_INC_STATS(reasm_oks);
	return skb;
}

struct sk_buff *ip_defrag(struct sk_buff *skb)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	unsigned int ihl = ip_hdrlen(iph);
	uint16_t fo = ntohs(iph->frag_off);
	uint32_t offset = (uint32_t)(fo & IP_OFFMASK) << 3;
	uint32_t end = offset + (skb->len - ihl);
	bool more = fo & IP_MF;
	uint32_t mem = frag_truesize(skb);
	struct sk_buff *prev = NULL, *next;
	struct ipq *q;

	IP_INC_STATS(reasm_reqds);
	q = ipq_find(iph);
	/* All but the last fragment carry a non-empty multiple of 8 bytes
	 * (RFC 791: offsets count 8-byte units). */
	if (more && (end == offset || ((end - offset) & 7))) {
		if (q)
			ipq_fail(q, &ip_statistics.reasm_malformed);
		else
			ip_statistics.reasm_malformed++;
		goto drop;
	}
	if (ihl + end > IP_MAX_PACKET) {
		IP_INC_STATS(reasm_fails);
		ip_statistics.reasm_oversize++;
		if (q)
			ipq_kill(q);
		goto drop;
	}
	if (!q)
		q = ipq_create(iph);

	/* The last fragment fixes the length; nothing may lie beyond it, and a
	 * second last fragment must agree. */
	if (!more) {
		if (end < q->len || ((q->flags & IPQ_LAST_IN) && end != q->len)) {
			ipq_fail(q, &ip_statistics.reasm_inconsistent);
			goto drop;
		}
		q->flags |= IPQ_LAST_IN;
		q->len = end;
	} else if (end > q->len) {
		if (q->flags & IPQ_LAST_IN) {
			ipq_fail(q, &ip_statistics.reasm_inconsistent);
			goto drop;
		}
		q->len = end;
	}

	/* Where it goes: after prev, before next. In-order arrival appends. */
	if (q->tail && FRAG_CB(q->tail)->offset < offset) {
		prev = q->tail;
		next = NULL;
	} else {
		for (next = q->fragments; next && FRAG_CB(next)->offset < offset; next = next->next)
			prev = next;
	}
	if (next && FRAG_CB(next)->offset == offset && FRAG_CB(next)->end == end) {
		ip_statistics.reasm_duplicates++;
		goto drop;
	}
	if ((prev && FRAG_CB(prev)->end > offset) || (next && FRAG_CB(next)->offset < end)) {
		ipq_fail(q, &ip_statistics.reasm_overlaps);
		goto drop;
	}

	/* Room for it: the oldest other datagrams go first; if even that is
	 * not enough, this one goes too. */
	while (ipfrag_mem + mem > (uint32_t)sysctl_ipfrag_high_thresh) {
		struct ipq *victim = ipq_oldest(q);

		if (!victim) {
			ipq_fail(q, &ip_statistics.reasm_mem_limit);
			goto drop;
		}
		ipq_fail(victim, &ip_statistics.reasm_mem_limit);
	}

	FRAG_CB(skb)->offset = offset;
	FRAG_CB(skb)->end = end;
	skb->next = next;
	if (prev)
		prev->next = skb;
	else
		q->fragments = skb;
	if (!next)
		q->tail = skb;
	q->meat += end - offset;
	q->mem += mem;
	ipfrag_mem += mem;
	if (offset == 0)
		q->flags |= IPQ_FIRST_IN;

	if (q->flags == (IPQ_FIRST_IN | IPQ_LAST_IN) && q->meat == q->len)
		return ip_frag_reasm(q, skb);
	return NULL;

drop:
	kfree_skb(skb);
	return NULL;
}

void ipfrag_init(void)
{
	for (unsigned int i = 0; i < IPFRAG_MAX_QUEUES; i++)
		timer_setup(&ipqs[i].timer, ipq_expire);
}

/* ---- fragmentation --------------------------------------------------------------- */

/* The header of the second and later fragments: options without the copy
 * flag (RFC 791 3.1: bit 0x80 of the kind) are replaced by NOOPs, keeping
 * the header length, as Linux's ip_options_fragment. */
static void ip_options_fragment(uint8_t *hdr, unsigned int hlen)
{
	unsigned int i = sizeof(struct iphdr);

	while (i < hlen) {
		unsigned int optlen;

		if (hdr[i] == IPOPT_END)
			return;
		if (hdr[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 1 >= hlen)
			return;
		optlen = hdr[i + 1];
		if (optlen < 2 || optlen > hlen - i)
			return;
		if (!(hdr[i] & 0x80))
			memset(hdr + i, IPOPT_NOOP, optlen);
		i += optlen;
	}
}

static int ip_frag_fail(struct sk_buff *skb, int err)
{
	IP_INC_STATS(frag_fails);
	kfree_skb(skb);
	return err;
}

int ip_fragment(struct sk_buff *skb, uint32_t mtu, int (*output)(struct sk_buff *))
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	unsigned int hlen = ip_hdrlen(iph);
	uint16_t fo = ntohs(iph->frag_off);
	uint32_t left = skb->len - hlen, maxdata, pos, len;
	uint8_t later_hdr[IP_MAX_HLEN];
	int err = 0;

	if (fo & IP_DF)
		return ip_frag_fail(skb, -EMSGSIZE);
	if (mtu < hlen + 8)
		return ip_frag_fail(skb, -EMSGSIZE);
	/* Each fragment's payload is copied out of the linear buffer. */
	if (skb_linearize(skb))
		return ip_frag_fail(skb, -ENOMEM);
	/* A sum the NIC was to finish would cover only the first fragment. */
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_help(skb);
		if (err)
			return ip_frag_fail(skb, err);
		iph = (const struct iphdr *)skb->data;
	}
	maxdata = (mtu - hlen) & ~7u;
	memcpy(later_hdr, iph, hlen);
	ip_options_fragment(later_hdr, hlen);

	for (pos = 0; pos < left; pos += len) {
		struct sk_buff *f;
		struct iphdr *fiph;
		uint8_t *d;
		uint16_t ffo;

		len = MIN(maxdata, left - pos);
		f = alloc_skb_tx(hlen + len);
		if (!f) {
			err = -ENOBUFS;
			break;
		}
		d = skb_put(f, hlen + len);
		memcpy(d, pos ? later_hdr : (const uint8_t *)iph, hlen);
		memcpy(d + hlen, skb->data + hlen + pos, len);
		skb_count_copy(SKB_COPY_FRAGMENT, len);

		fiph = (struct iphdr *)d;
		ffo = (uint16_t)(((fo & IP_OFFMASK) + (pos >> 3)) & IP_OFFMASK);
		/* A fragment of a fragment keeps MF when the original had it. */
		if (pos + len < left || (fo & IP_MF))
			ffo |= IP_MF;
		fiph->frag_off = htons(ffo);
		fiph->tot_len = htons((uint16_t)(hlen + len));
		fiph->check = 0;
		fiph->check = ip_fast_csum(fiph, hlen / 4);

		skb_reset_network_header(f);
		f->transport_header = (uint16_t)(f->network_header + hlen);
		f->dev = skb->dev;
		f->rt = skb->rt;
		f->protocol = skb->protocol;
		f->queue_mapping = skb->queue_mapping;
		f->hash = skb->hash;
		f->ip_summed = CHECKSUM_NONE;
		IP_INC_STATS(frag_creates);
		err = output(f);
		if (err)
			break;
	}
	if (err)
		return ip_frag_fail(skb, err);
	IP_INC_STATS(frag_oks);
	kfree_skb(skb);
	return 0;
}
