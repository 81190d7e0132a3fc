/* csum_partial: 64-bit accumulation, 8 bytes a step, so the carries of the
 * 16-bit one's-complement sum collect in the upper half and are folded once.
 * The unaligned loads are __builtin_memcpy: the kernel builds freestanding,
 * where a plain memcpy is a call into newlib's (a rep movsb here), four of
 * them for an IPv4 header. */
#include <string.h>
#include "net/checksum.h"

uint32_t csum_partial(const void *buf, uint32_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 8) {
		uint64_t w;
		uint64_t prev;

		__builtin_memcpy(&w, p, 8);
		prev = acc;
		acc += w;
		acc += acc < prev;	/* end-around carry */
		p += 8;
		len -= 8;
	}
	/* Down to 33 bits first: the tail's plain additions (at most three
	 * words and a byte) must not carry out of 64 bits, where the carry
	 * would be lost (12 bytes 00 00 ff..ff summed to 0xfffe). */
	acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	while (len >= 2) {
		uint16_t w;

		__builtin_memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len)
		acc += *p;	/* little-endian: the odd byte is the high byte on the wire */
	acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
	return (uint32_t)acc;
}
