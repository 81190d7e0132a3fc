/* Default services, started when no application is chosen (the design's
 * service contract): UDP echo on port 7 in a thread of its own, and TCP echo
 * (7), discard (9) and source (19) together in one thread around one poll()
 * loop over their listeners and every client. `services` in the shell shows
 * each one's counters. */
#ifndef RINGOS_APP_SERVICES_H
#define RINGOS_APP_SERVICES_H

#include "kernel/compiler.h"

#define ECHO_PORT    7	/* RFC 862, TCP and UDP */
#define DISCARD_PORT 9	/* RFC 863 */
#define SOURCE_PORT  19	/* RFC 864, chargen */

/* RFC 864's pattern: line N holds the 72 printable ASCII characters (space
 * 0x20 .. '~' 0x7E, 95 of them as a ring) numbered N mod 95 through
 * N + 71 mod 95, then CR LF. It repeats after 95 lines. */
#define CHARGEN_LINE_CHARS 72
#define CHARGEN_LINE_LEN   (CHARGEN_LINE_CHARS + 2)
#define CHARGEN_RING       95
#define CHARGEN_PERIOD     (CHARGEN_RING * CHARGEN_LINE_LEN)	/* 7030 bytes */

/* Writes the first len bytes of the pattern (from line 0) into buf. */
void chargen_fill(uint8_t *buf, size_t len);

/* Creates, binds and (for TCP) listens on every service's socket, so they
 * listen once this returns, then starts the threads that serve them. A
 * service that cannot bind logs one line; the others still start. */
void services_start(void);

#endif
