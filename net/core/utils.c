/* Text forms of IPv4 addresses (inet_pton / inet_ntop, net/socket.h); Linux
 * keeps its in4_pton in net/core/utils.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "net/byteorder.h"
#include "net/socket.h"

int inet_pton(int af, const char *src, void *dst)
{
	uint32_t a = 0;
	int parts = 0;
	const char *p = src;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* Four decimal parts 0..255, no leading zeros (inet_pton(3) form). */
	while (parts < 4) {
		unsigned int v = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255 || (digits > 1 && p[-(int)digits] == '0'))
			return 0;
		a = a << 8 | v;
		if (++parts < 4 && *p++ != '.')
			return 0;
	}
	if (*p)
		return 0;
	a = htonl(a);
	memcpy(dst, &a, sizeof(a));
	return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	const uint8_t *b = src;
	char tmp[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, (size_t)n + 1);
	return dst;
}
