/* Network byte order. x86 is little-endian; wire fields are big-endian. The be16 /
 * be32 names mark a value kept in network order (as Linux's __be16 / __be32 do),
 * so a reader knows which side of a conversion a variable lives on. */
#ifndef RINGOS_NET_BYTEORDER_H
#define RINGOS_NET_BYTEORDER_H

#include "kernel/compiler.h"

typedef uint16_t be16;
typedef uint32_t be32;

static inline uint16_t ntohs(be16 x) { return __builtin_bswap16(x); }
static inline be16 htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t ntohl(be32 x) { return __builtin_bswap32(x); }
static inline be32 htonl(uint32_t x) { return __builtin_bswap32(x); }

/* For constants in case labels and initialisers. */
#define HTONS_C(x) ((be16)((((x) & 0xFFu) << 8) | (((x) >> 8) & 0xFFu)))
#define HTONL_C(x) ((be32)((((x) & 0xFFu) << 24) | (((x) & 0xFF00u) << 8) | \
			   (((x) >> 8) & 0xFF00u) | (((x) >> 24) & 0xFFu)))

#endif
