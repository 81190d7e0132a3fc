/* skb_checksum_help: the software fallback for CHECKSUM_PARTIAL, for a device
 * without checksum offload or one that has it switched off (ethtool -K tx
 * off). Its own file, so that only code that completes checksums links the
 * checksum routines (Linux keeps it in dev.c, next to its caller). */
#include <errno.h>
#include <string.h>
#include "net/checksum.h"
#include "net/skbuff.h"

int skb_checksum_help(struct sk_buff *skb)
{
	uint32_t start, field;
	uint16_t sum;
	int err;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	/* Offsets come from the stack, but a bad one must not write outside
	 * the packet: start within the data, the 16-bit field inside it too. */
	if (skb->csum_start < skb_headroom(skb))
		return -EINVAL;
	start = skb->csum_start - skb_headroom(skb);
	field = start + skb->csum_offset;
	if (start > skb->len || field + 2 > skb->len || field < start)
		return -EINVAL;
	/* The field is a header byte the clone may share. */
	err = skb_cow_head(skb, 0);
	if (err)
		return err;
	/* The field holds the pseudo-header seed, so the sum over the segment
	 * is the whole checksum. A UDP sum of zero means "none": send 0xFFFF,
	 * which is the same value in one's complement (RFC 768). */
	sum = csum_fold(csum_partial(skb->data + start, skb->len - start, 0));
	if (!sum)
		sum = 0xFFFF;
	memcpy(skb->data + field, &sum, sizeof(sum));	/* sums are in memory order */
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
