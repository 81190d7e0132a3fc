/* Boot's network step (net/core/net_start.c). */
#ifndef RINGOS_NET_START_H
#define RINGOS_NET_START_H

/* Initialises the stack, probes and opens the NIC, starts the application and
 * prints READY once the link is up. */
void net_start(void);

#endif
