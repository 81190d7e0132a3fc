#ifndef RINGOS_TEST_HOST_SUPPORT_H
#define RINGOS_TEST_HOST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>
#include "kernel/printk.h"

#define PRINTK_CAPTURE_SIZE 65536
extern char printk_capture[PRINTK_CAPTURE_SIZE];
extern size_t printk_capture_len;
void printk_capture_reset(void);
int printk_capture_lines(void);

/* xorshift64*: one deterministic PRNG for every test, so a failure replays
 * from its seed. *state must start non-zero. */
static inline uint64_t test_rng(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

#endif
