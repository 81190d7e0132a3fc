/* Reading a MSG_ZEROCOPY completion (net/sock_zerocopy.h) for the apps that
 * send zero-copy: the source service and zcsend. */
#ifndef RINGOS_APPS_ZC_NOTE_H
#define RINGOS_APPS_ZC_NOTE_H

#include <stdbool.h>
#include <stdint.h>

/* The oldest error-queue entry of fd as a zero-copy id range: 1 when one was
 * read (*n ids from *lo, *copied for SO_EE_CODE_ZEROCOPY_COPIED; *n 0 if it
 * was not a zero-copy completion), 0 when none waits. */
int zc_read_note(int fd, uint32_t *lo, uint32_t *n, bool *copied);

#endif
