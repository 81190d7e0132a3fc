/* Address configuration at boot (net/ipv4/ipconfig.c) and the DHCP client
 * (net/ipv4/dhcp.c).
 *
 * `ip=A.B.C.D/N gw=G` configures statically; `ip=dhcp`, the default, runs the
 * DHCP client (RFC 2131) on the first device. The client is a state machine
 * with no clock and no sockets of its own: its owner feeds it received
 * messages and the time (ms), asks it when it next needs the time, and gives
 * it a send method. The kernel drives it from a thread over a UDP socket; the
 * unit tests drive it with a fake clock and a scripted server. */
#ifndef RINGOS_NET_IPCONFIG_H
#define RINGOS_NET_IPCONFIG_H

#include "net/byteorder.h"
#include "net/dhcp_hdr.h"
#include "net/if_ether.h"
#include "net/ip_hdr.h"

struct net_device;

/* ---- boot (ipconfig.c) -------------------------------------------------------- */

/* After link-up, in process context: configures dev as the command line says.
 * Static: adds the address and the default route. DHCP: starts the client
 * thread and waits until it has a lease or IPCONFIG_DHCP_WAIT_MS passed (then
 * says so in one line; the client keeps trying). Returns 0 when dev has an
 * address, -EAGAIN when DHCP got none yet, another negative errno on failure. */
int ip_auto_config(struct net_device *dev);
#define IPCONFIG_DHCP_WAIT_MS 10000

/* READY's address field, " ip=A.B.C.D/N" (dev's first address) or " ip=none". */
void ipconfig_ready_field(const struct net_device *dev, char *buf, size_t size);

/* Usable as a host's address (or a router's): not 0/8, loopback, multicast
 * or class E (which holds the limited broadcast). */
static inline bool inet_addr_usable(be32 a)
{
	return !ipv4_is_zeronet(a) && !ipv4_is_loopback(a) && !ipv4_is_multicast(a) &&
	       (ntohl(a) >> 28) != 0xF;
}

/* ... and on a prefix_len subnet, not its network or broadcast address
 * (subnets up to /30 have them; /31 and /32 do not, RFC 3021). */
static inline bool inet_host_addr_ok(be32 a, unsigned int prefix_len)
{
	uint32_t host_mask = prefix_len >= 32 ? 0 : 0xFFFFFFFFu >> prefix_len;

	if (!inet_addr_usable(a) || prefix_len < 1 || prefix_len > 32)
		return false;
	return prefix_len > 30 || ((ntohl(a) & host_mask) != 0 &&
				   (ntohl(a) & host_mask) != host_mask);
}

/* ---- the DHCP client (dhcp.c) --------------------------------------------------- */

/* RFC 2131 figure 5, without INIT-REBOOT (no lease survives a reboot here). */
enum dhcp_state {
	DHCP_INIT,		/* waiting to send a DISCOVER (after a NAK, back-off) */
	DHCP_SELECTING,		/* DISCOVER sent, waiting for an OFFER */
	DHCP_REQUESTING,	/* REQUEST for an OFFER broadcast, waiting for ACK/NAK */
	DHCP_BOUND,		/* address configured; nothing to do until T1 */
	DHCP_RENEWING,		/* T1 passed: REQUEST unicast to the leasing server */
	DHCP_REBINDING,		/* T2 passed: REQUEST broadcast to any server */
};

/* Transmission back-off (RFC 2131 4.1): 4 s, doubled per retry up to 64 s,
 * each randomised by +-1 s. */
#define DHCP_BACKOFF_FIRST_MS   4000u
#define DHCP_BACKOFF_MAX_MS     64000u
#define DHCP_BACKOFF_JITTER_MS  1000u
/* REQUESTs for one OFFER before starting over with a DISCOVER. */
#define DHCP_REQUEST_TRIES      4
/* RENEWING / REBINDING retransmit after half the time left, at least this
 * (RFC 2131 4.4.5). */
#define DHCP_RENEW_MIN_RETRY_MS 60000u
/* Shorter leases are taken as this long: a 0 or 1 s lease would have the
 * client configure and remove the address in a tight loop. */
#define DHCP_MIN_LEASE_S        10u
/* An ACK must carry a lease time (RFC 2131 table 3); one that does not is
 * taken for an hour, so the client soon asks the server again. */
#define DHCP_DEFAULT_LEASE_S    3600u
/* After a NAK the next DISCOVER waits 1 s, doubled per NAK in a row up to the
 * back-off maximum, so a server that NAKs everything is not hammered. */
#define DHCP_NAK_DELAY_MS       1000u

/* Largest message we send or accept: an Ethernet MTU's UDP payload. Advertised
 * in option 57 so servers may use all of it. */
#define DHCP_MAX_MSG_LEN (ETH_DATA_LEN - 20 - 8)

/* What an OFFER or ACK carries, options decoded (network order addresses). */
struct dhcp_lease {
	be32 addr;			/* yiaddr */
	be32 mask;
	unsigned int prefix_len;
	be32 router;			/* 0: none offered */
	be32 server;			/* option 54 */
	be32 dns;			/* first DNS server, 0: none */
	uint32_t lease_s;		/* DHCP_INFINITE: forever */
	uint32_t t1_s, t2_s;
};

/* Decoded options of one message. */
struct dhcp_options {
	uint8_t msg_type;		/* 0: absent */
	uint8_t overload;
	bool has_mask, has_router, has_server_id, has_lease, has_t1, has_t2;
	be32 mask, router, server_id, dns;	/* router, dns: the first listed */
	uint32_t lease, t1, t2;
	const char *message;		/* option 56 (NAK reason), not NUL-terminated */
	uint8_t message_len;
};

/* Parses the options of msg (len bytes, the fixed part included), honouring
 * option 52 (options continued in file, then sname). 0, or -EINVAL when an
 * option runs past its area or a known option has an impossible length. */
int dhcp_parse_options(const struct dhcp_msg *msg, size_t len, struct dhcp_options *o);

struct dhcp_client;
struct dhcp_ops {
	/* Sends a message to UDP port 67 at daddr (0xFFFFFFFF, limited broadcast, or
	 * the server): from 0.0.0.0 while the client has no address, else from it.
	 * 0 or a negative errno (the retransmission timer retries). */
	int (*send)(struct dhcp_client *c, const void *msg, size_t len, be32 daddr);
};

struct dhcp_client {
	struct net_device *dev;
	const struct dhcp_ops *ops;
	void *priv;			/* the owner's */
	uint8_t mac[ETH_ALEN];
	enum dhcp_state state;
	uint32_t xid;			/* of the exchange in progress */
	uint64_t rng;			/* xorshift64 state, never 0 */
	uint64_t started_ms;		/* client started: "no server in 10 s" */
	uint64_t exchange_ms;		/* this exchange's first message: secs */
	uint64_t request_ms;		/* first REQUEST of this exchange: lease start */
	uint64_t next_tx_ms;		/* next (re)transmission; UINT64_MAX: none */
	unsigned int tries;		/* messages sent in this state */
	unsigned int naks_in_row;
	struct dhcp_lease offer;	/* being requested (REQUESTING) */
	/* The lease in force while configured (BOUND, RENEWING, REBINDING). The
	 * times are absolute ms; UINT64_MAX for an infinite lease. */
	struct dhcp_lease lease;
	bool configured;		/* lease.addr is on the device */
	bool route_added;		/* default route via lease.router is ours */
	uint64_t bound_ms, t1_ms, t2_ms, expiry_ms;
	uint8_t txbuf[DHCP_MAX_MSG_LEN];	/* one message at a time: no allocation */
};

/* Counters (netstat -s, section Dhcp). */
struct dhcp_mib {
	uint64_t discovers, offers, requests, acks, naks;
	uint64_t bad_packets;		/* truncated, wrong op/htype/cookie, malformed options, insane lease */
	uint64_t not_ours;		/* another client's reply (xid or chaddr differ) */
	uint64_t unexpected;		/* valid, but not what this state waits for */
	uint64_t renewals, rebinds, expiries;
	uint64_t tx_errors;		/* ops->send failed; the timer retries */
	uint64_t config_errors;		/* inet_addr_add / ip_route_add refused the lease */
};
extern struct dhcp_mib dhcp_stats;

/* seed: any value (0 is replaced); the xids and jitter come from it. */
void dhcp_client_init(struct dhcp_client *c, struct net_device *dev,
		      const struct dhcp_ops *ops, uint64_t seed);
/* Sends the first DISCOVER at once. */
void dhcp_client_start(struct dhcp_client *c, uint64_t now_ms);
/* A UDP payload received on port 68 (any source); bad ones are counted. */
void dhcp_client_input(struct dhcp_client *c, const void *msg, size_t len, uint64_t now_ms);
/* Does whatever has come due by now_ms: retransmissions, T1, T2, expiry. */
void dhcp_client_timer(struct dhcp_client *c, uint64_t now_ms);
/* When dhcp_client_timer next has work; UINT64_MAX: never. */
uint64_t dhcp_client_next_timer(const struct dhcp_client *c);
/* Drops the lease (address and route) and stops; start again to restart. */
void dhcp_client_stop(struct dhcp_client *c);

static inline bool dhcp_client_bound(const struct dhcp_client *c) { return c->configured; }
const char *dhcp_state_name(enum dhcp_state s);
/* Human-readable state, lease and timers (the shell's `dhcp`). */
void dhcp_client_show(const struct dhcp_client *c, uint64_t now_ms);

#endif
