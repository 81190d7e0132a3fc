/* Compiler helpers shared by every layer, kernel and host unit tests alike. */
#ifndef RINGOS_COMPILER_H
#define RINGOS_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* newlib's <sys/cdefs.h> defines some of these with the same meaning. */
#ifndef __packed
#define __packed        __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(n)    __attribute__((aligned(n)))
#endif
#ifndef __noreturn
#define __noreturn      __attribute__((noreturn))
#endif
#ifndef __unused
#define __unused        __attribute__((unused))
#endif
#ifndef __used
#define __used          __attribute__((used))
#endif
#ifndef __section
#define __section(s)    __attribute__((section(s)))
#endif
#ifndef __printf
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#endif

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)  (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_POW2(x)      ((x) != 0 && ((x) & ((x) - 1)) == 0)
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Stops the compiler from caching or reordering across this point. */
#define barrier()       __asm__ __volatile__("" ::: "memory")

/* Single, untorn accesses to data shared with interrupt context. */
#define READ_ONCE(x)    (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif
