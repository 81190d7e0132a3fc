/* UDP (RFC 768, RFC 1122 4.1): udp_rcv demultiplexes datagrams to sockets,
 * udp_sendmsg builds one skb per datagram and hands it to ip_queue_xmit,
 * udp_err turns ICMP errors into the socket's pending error.
 *
 * Sockets are hashed by local port (udp_table); a lookup scores the sockets
 * on that port and takes the best: a bound address beats the wildcard, a
 * connected socket that matches the remote beats an unconnected one.
 *
 * Counters: struct udp_mib (netstat -s, section Udp). */
#ifndef RINGOS_NET_UDP_H
#define RINGOS_NET_UDP_H

#include "net/byteorder.h"
#include "net/udp_hdr.h"

struct sock;
struct sk_buff;
struct proto;

/* Largest payload: 65535 - IPv4 header - UDP header. */
#define UDP_MAX_PAYLOAD (65535 - 20 - 8)
/* Ephemeral ports (Linux's net.ipv4.ip_local_port_range default). */
#define UDP_PORT_LOW  32768
#define UDP_PORT_HIGH 60999

struct udp_mib {
	uint64_t in_datagrams;		/* UdpInDatagrams: read by an application */
	uint64_t no_ports;		/* UdpNoPorts: unicast to a closed port */
	uint64_t in_errors;		/* UdpInErrors: every receive drop below */
	uint64_t out_datagrams;		/* UdpOutDatagrams */
	uint64_t rcvbuf_errors;		/* UdpRcvbufErrors: receive queue full */
	uint64_t sndbuf_errors;		/* UdpSndbufErrors: no send memory */
	uint64_t in_csum_errors;	/* UdpInCsumErrors */
	uint64_t ignored_multi;		/* UdpIgnoredMulti: broadcast nobody wanted */
	uint64_t in_short;		/* UdpInShort: shorter than its header or length field */
};
extern struct udp_mib udp_mib;

extern const struct proto udp_prot;

/* The IPPROTO_UDP handler: data at the UDP header, network header set;
 * consumes skb. */
int udp_rcv(struct sk_buff *skb);
/* The ICMP error handler (net/protocol.h): skb data at the quoted IP header. */
void udp_err(struct sk_buff *skb, uint8_t type, uint8_t code, uint32_t info);

/* The socket a datagram from saddr:sport to daddr:dport goes to, or NULL. */
struct sock *udp_lib_lookup(be32 saddr, be16 sport, be32 daddr, be16 dport);

void udp_init(void);

#endif
