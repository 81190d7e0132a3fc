/* The DHCP client's surroundings for its unit tests (dhcp_fixture.c): fakes for
 * the address and route calls that record what the client asked of the stack,
 * a transport that captures every message sent, checks of those messages field
 * by field, and a scripted server that builds replies by hand. The clock is a
 * plain number each test moves. */
#ifndef RINGOS_TEST_DHCP_FIXTURE_H
#define RINGOS_TEST_DHCP_FIXTURE_H

#include "host_support.h"
#include "net/inetdevice.h"
#include "net/ipconfig.h"
#include "net/netdevice.h"

#define IP(a, b, c, d) HTONL_C(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define BCAST 0xFFFFFFFFu
#define SEC 1000ull

extern const uint8_t MAC[ETH_ALEN];
#define SERVER  IP(10, 0, 2, 2)
#define OFFERED IP(10, 0, 2, 15)

extern struct net_device dev;
extern struct in_device in_dev;
extern struct dhcp_client client;
extern const struct dhcp_ops fake_ops;

/* inet_addr_add / inet_addr_del calls, in order. */
struct addr_call {
	bool add;
	be32 addr;
	unsigned int plen;
	bool dynamic;
};
extern struct addr_call addr_calls[16];
extern int n_addr_calls, addr_add_err;
/* The last inet_addr_set_lifetime. */
extern be32 lifetime_addr;
extern uint64_t lifetime_until;

/* ip_route_add / ip_route_del calls, in order. */
struct route_call {
	bool add;
	be32 dst, gw;
	unsigned int plen;
};
extern struct route_call route_calls[16];
extern int n_route_calls, route_add_err;

/* Every message the client sent; send_err is what the next sends return. */
struct sent {
	uint8_t buf[DHCP_MAX_MSG_LEN];
	size_t len;
	be32 daddr;
};
extern struct sent sent[64];
extern int n_sent, send_err;
const struct dhcp_msg *last_msg(void);

/* What every message must hold for its state (RFC 2131 4.3.2, table 5). */
void check_discover(const struct sent *s, uint32_t xid);
/* REQUESTING: broadcast, names the offered address and the server. */
void check_select_request(const struct sent *s, uint32_t xid, be32 addr, be32 server);
/* RENEWING (daddr the server) or REBINDING (broadcast): ciaddr set, no 50/54. */
void check_renew_request(const struct sent *s, uint32_t xid, be32 daddr, be32 addr);

/* One reply from the scripted server. */
struct reply {
	uint8_t type;
	uint32_t xid;
	be32 yiaddr, server, mask, router;
	uint32_t lease, t1, t2;		/* 0: option left out */
	bool no_server_id, no_mask;
	const char *message;
};
/* The reply is built here; tests may corrupt it before feeding it by hand. */
extern uint8_t rx[DHCP_MAX_MSG_LEN];
size_t build_reply(const struct reply *r);
/* slirp's answer to the current exchange: 10.0.2.15/24, router and server 10.0.2.2. */
struct reply slirp(uint8_t type, uint32_t lease);
void feed(const struct reply *r, uint64_t now);

/* Fresh fakes, counters and client (seed 42). */
int setup(void **state);
/* DISCOVER, OFFER, REQUEST, ACK at t = 1 s; returns BOUND with the call logs cleared. */
void bind_at_1s(uint32_t lease);

#endif
