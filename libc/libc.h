/* The newlib port: what the kernel hands to the C library and reads back from it.
 *
 * stdio's stdin/stdout/stderr are the console. Reading never blocks: with no input
 * pending, stdio sees end-of-file and latches it on the stream, so a reader must
 * clearerr() before trying again, or use console_read() directly. */
#ifndef RINGOS_LIBC_H
#define RINGOS_LIBC_H

#include "kernel/compiler.h"

/* Gives malloc its bounded region; called once at boot before anything allocates.
 * Until then every allocation fails cleanly. */
void libc_heap_init(void *base, size_t size);

/* Heap usage for the shell's `mem` command: `used` is what malloc has taken from the
 * region (in 4 KiB steps; a free top larger than 128 KiB is given back), so it counts
 * live allocations plus malloc's slack. (newlib 3.3's mallinfo() is unusable here:
 * inside libc its struct has int fields, in <malloc.h> size_t ones.) */
struct libc_heap_stats {
	size_t size;
	size_t used;
};

void libc_heap_stats(struct libc_heap_stats *st);

#endif
