/* skb_checksum_help: the software fallback for CHECKSUM_PARTIAL, for a device
 * without checksum offload or one that has it switched off (ethtool -K tx
 * off). Its own file, so that only code that completes checksums links the
 * checksum routines (Linux keeps it in dev.c, next to its caller). */
#include <errno.h>
#include <string.h>
#include "net/checksum.h"
#include "net/skbuff.h"

/* part, the sum of bytes that start at an odd offset of the whole, added
 * to sum: one's-complement sums are byte-order independent, so a block
 * summed as if it started even only has its two bytes swapped. */
static uint32_t csum_block_add(uint32_t sum, uint32_t part, uint32_t offset)
{
	uint64_t s;

	if (offset & 1) {
		part = (part & 0xFFFF) + (part >> 16);
		part = (part & 0xFFFF) + (part >> 16);
		part = (part & 0xFF) << 8 | part >> 8;
	}
	s = (uint64_t)sum + part;
	return (uint32_t)((s & 0xFFFFFFFFu) + (s >> 32));
}

uint32_t skb_checksum(const struct sk_buff *skb, uint32_t off, uint32_t len, uint32_t sum)
{
	uint32_t head = skb_headlen(skb), pos, done = 0;

	if (off < head) {
		uint32_t n = MIN(len, head - off);

		sum = csum_partial(skb->data + off, n, sum);
		done = n;
	}
	pos = head;
	for (uint8_t i = 0; i < skb->nr_frags && done < len; i++) {
		const struct skb_frag *f = &skb->frags[i];
		uint32_t at = off + done;

		if (at < pos + f->len) {
			uint32_t n = MIN(len - done, pos + f->len - at);

			sum = csum_block_add(sum, csum_partial(f->addr + (at - pos), n, 0), done);
			done += n;
		}
		pos += f->len;
	}
	return sum;
}

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
	if (start > skb->len || field + 2 > skb_headlen(skb) || field < start)
		return -EINVAL;
	/* The field is a header byte the clone may share. */
	err = skb_cow_head(skb, 0);
	if (err)
		return err;
	/* The field holds the pseudo-header seed, so the sum over the segment
	 * is the whole checksum. A UDP sum of zero means "none": send 0xFFFF,
	 * which is the same value in one's complement (RFC 768). */
	sum = csum_fold(skb_checksum(skb, start, skb->len - start, 0));
	if (!sum)
		sum = 0xFFFF;
	memcpy(skb->data + field, &sum, sizeof(sum));	/* sums are in memory order */
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
