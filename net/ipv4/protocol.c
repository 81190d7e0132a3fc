/* The layer-4 handler table above IPv4 (Linux's inet_protos): filled at boot
 * by ICMP, UDP and TCP (NET_INIT_L4), read per packet by ip_local_deliver
 * and icmp_rcv. Entries are never removed, so readers need no lock. */
#include <errno.h>
#include "net/protocol.h"

static const struct net_protocol *inet_protos[256];

int inet_add_protocol(const struct net_protocol *prot, uint8_t protocol)
{
	if (!prot || !prot->handler)
		return -EINVAL;
	if (inet_protos[protocol])
		return -EEXIST;
	WRITE_ONCE(inet_protos[protocol], prot);
	return 0;
}

const struct net_protocol *inet_get_protocol(uint8_t protocol)
{
	return READ_ONCE(inet_protos[protocol]);
}
