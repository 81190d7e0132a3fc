/* Default services, started when no raw-frame application owns the NIC (the
 * design's service contract): UDP echo on port 7 for now; TCP echo, discard
 * and source join them with TCP. Each service is a thread of its own. */
#ifndef RINGOS_APP_SERVICES_H
#define RINGOS_APP_SERVICES_H

#define ECHO_PORT 7

/* Binds every service's socket (so they listen once this returns) and starts
 * its thread. Failures are logged, one line each; the others still start. */
void services_start(void);

#endif
