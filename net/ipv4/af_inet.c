/* IPv4 bring-up (Linux's inet_init): the ETH_P_IP packet type, routes,
 * addresses, the IP layer's boot state; and the Ip / IpExt counters with
 * the names `nstat -az` prints. Runs at NET_INIT_PROTO, before ICMP, UDP
 * and TCP register themselves in the protocol table (NET_INIT_L4). */
#include "net/ip.h"
#include "net/inetdevice.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "net/snmp.h"
#include "kernel/initcall.h"
#include "kernel/sysctl.h"

int sysctl_ip_default_ttl = IPDEFTTL;

struct ip_mib ip_statistics = { .forwarding = 2, .default_ttl = IPDEFTTL };

static void ip_default_ttl_changed(const struct ctl_table *t)
{
	ip_statistics.default_ttl = (uint64_t)*t->data;
}
SYSCTL_INT_CB("net.ipv4.ip_default_ttl", sysctl_ip_default_ttl, 1, 255, ip_default_ttl_changed);

#define IPF(member, name) SNMP_FIELD(struct ip_mib, member, name)
static const struct snmp_field ip_fields[] = {
	IPF(forwarding, "IpForwarding"),
	IPF(default_ttl, "IpDefaultTTL"),
	IPF(in_receives, "IpInReceives"),
	IPF(in_hdr_errors, "IpInHdrErrors"),
	IPF(in_addr_errors, "IpInAddrErrors"),
	IPF(forw_datagrams, "IpForwDatagrams"),
	IPF(in_unknown_protos, "IpInUnknownProtos"),
	IPF(in_discards, "IpInDiscards"),
	IPF(in_delivers, "IpInDelivers"),
	IPF(out_requests, "IpOutRequests"),
	IPF(out_discards, "IpOutDiscards"),
	IPF(out_no_routes, "IpOutNoRoutes"),
	IPF(reasm_timeout, "IpReasmTimeout"),
	IPF(reasm_reqds, "IpReasmReqds"),
	IPF(reasm_oks, "IpReasmOKs"),
	IPF(reasm_fails, "IpReasmFails"),
	IPF(frag_oks, "IpFragOKs"),
	IPF(frag_fails, "IpFragFails"),
	IPF(frag_creates, "IpFragCreates"),
	/* Ours: why a packet counted above was dropped. */
	IPF(in_bad_version, "IpInBadVersion"),
	IPF(in_bad_hdr_len, "IpInBadHdrLen"),
	IPF(in_bad_length, "IpInBadLength"),
	IPF(in_bad_options, "IpInBadOptions"),
	IPF(in_martian_source, "IpInMartianSource"),
	IPF(in_other_host, "IpInOtherHost"),
	IPF(in_filtered, "IpInFiltered"),
	IPF(reasm_overlaps, "IpReasmOverlaps"),
	IPF(reasm_duplicates, "IpReasmDuplicates"),
	IPF(reasm_oversize, "IpReasmOversize"),
	IPF(reasm_mem_limit, "IpReasmMemLimit"),
	IPF(reasm_queue_limit, "IpReasmQueueLimit"),
	IPF(reasm_malformed, "IpReasmMalformed"),
	IPF(reasm_inconsistent, "IpReasmInconsistent"),
	IPF(reasm_no_mem, "IpReasmNoMem"),
	IPF(out_no_neigh, "IpOutNoNeigh"),
	IPF(out_no_headroom, "IpOutNoHeadroom"),
	IPF(out_too_big, "IpOutTooBig"),
	IPF(out_filtered, "IpOutFiltered"),
	IPF(out_no_loopback, "IpOutNoLoopback"),
};
SNMP_MIB("Ip", &ip_statistics, ip_fields);

static const struct snmp_field ipext_fields[] = {
	IPF(in_no_routes, "IpExtInNoRoutes"),
	IPF(in_truncated_pkts, "IpExtInTruncatedPkts"),
	IPF(in_mcast_pkts, "IpExtInMcastPkts"),
	IPF(out_mcast_pkts, "IpExtOutMcastPkts"),
	IPF(in_bcast_pkts, "IpExtInBcastPkts"),
	IPF(out_bcast_pkts, "IpExtOutBcastPkts"),
	IPF(in_octets, "IpExtInOctets"),
	IPF(out_octets, "IpExtOutOctets"),
	IPF(in_csum_errors, "IpExtInCsumErrors"),
};
SNMP_MIB("IpExt", &ip_statistics, ipext_fields);

static struct packet_type ip_packet_type = {
	.type = HTONS_C(ETH_P_IP),
	.func = ip_rcv,
};

static void inet_init(void)
{
	ip_init();
	ip_route_init();
	devinet_init();
	dev_add_pack(&ip_packet_type);
}
net_initcall(NET_INIT_PROTO, inet_init);
