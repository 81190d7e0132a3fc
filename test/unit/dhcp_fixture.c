/* The DHCP client's fakes, captured transport, message checks and scripted
 * server (dhcp_fixture.h). */
#include <errno.h>
#include <string.h>
#include "dhcp_fixture.h"
#include "net/route.h"

const uint8_t MAC[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* ---- fakes for the stack --------------------------------------------------------- */

struct net_device dev;
struct in_device in_dev;

struct addr_call addr_calls[16];
int n_addr_calls, addr_add_err;

struct route_call route_calls[16];
int n_route_calls, route_add_err;

struct in_device *in_dev_get(const struct net_device *d)
{
	return d == &dev ? &in_dev : NULL;
}

int inet_addr_add(struct net_device *d, be32 addr, unsigned int plen, bool dynamic)
{
	assert_ptr_equal(d, &dev);
	assert_true(n_addr_calls < 16);
	addr_calls[n_addr_calls++] = (struct addr_call){ true, addr, plen, dynamic };
	return addr_add_err;
}

int inet_addr_del(struct net_device *d, be32 addr, unsigned int plen)
{
	assert_ptr_equal(d, &dev);
	assert_true(n_addr_calls < 16);
	addr_calls[n_addr_calls++] = (struct addr_call){ false, addr, plen, false };
	return 0;
}

be32 lifetime_addr;
uint64_t lifetime_until;

int inet_addr_set_lifetime(struct net_device *d, be32 addr, uint64_t valid_until)
{
	assert_ptr_equal(d, &dev);
	lifetime_addr = addr;
	lifetime_until = valid_until;
	return 0;
}

int ip_route_add(be32 dst, unsigned int plen, be32 gw, struct net_device *d)
{
	assert_ptr_equal(d, &dev);
	assert_true(n_route_calls < 16);
	route_calls[n_route_calls++] = (struct route_call){ true, dst, gw, plen };
	return route_add_err;
}

int ip_route_del(be32 dst, unsigned int plen, be32 gw)
{
	assert_true(n_route_calls < 16);
	route_calls[n_route_calls++] = (struct route_call){ false, dst, gw, plen };
	return 0;
}

/* ---- the fake transport: every message sent, in order ------------------------------ */

struct sent sent[64];
int n_sent, send_err;

static int fake_send(struct dhcp_client *c, const void *msg, size_t len, be32 daddr)
{
	(void)c;
	assert_true(len <= DHCP_MAX_MSG_LEN);
	assert_true(n_sent < 64);
	memcpy(sent[n_sent].buf, msg, len);
	sent[n_sent].len = len;
	sent[n_sent].daddr = daddr;
	n_sent++;
	return send_err;
}

const struct dhcp_ops fake_ops = { .send = fake_send };
struct dhcp_client client;

const struct dhcp_msg *last_msg(void)
{
	assert_true(n_sent > 0);
	return (const struct dhcp_msg *)sent[n_sent - 1].buf;
}

/* Walks a sent message's options field; NULL if code is absent. */
static const uint8_t *find_opt(const struct sent *s, uint8_t code, uint8_t *len)
{
	const uint8_t *p = s->buf + DHCP_FIXED_LEN, *end = s->buf + s->len;

	while (p < end && *p != DHCP_OPT_END) {
		if (*p == DHCP_OPT_PAD) {
			p++;
			continue;
		}
		assert_true(p + 2 <= end && p + 2 + p[1] <= end);
		if (*p == code) {
			*len = p[1];
			return p + 2;
		}
		p += 2 + p[1];
	}
	assert_true(p < end);	/* the client always ends with END */
	return NULL;
}

static be32 opt_be32(const struct sent *s, uint8_t code)
{
	uint8_t len;
	const uint8_t *d = find_opt(s, code, &len);
	be32 v;

	assert_non_null(d);
	assert_int_equal(len, 4);
	memcpy(&v, d, 4);
	return v;
}

/* The fields every client message has, whatever the state. */
static void check_common(const struct sent *s, uint8_t type, uint32_t xid)
{
	const struct dhcp_msg *m = (const struct dhcp_msg *)s->buf;
	uint8_t len;
	const uint8_t *d;
	static const uint8_t cid[] = { 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	assert_true(s->len >= DHCP_MIN_LEN);
	assert_int_equal(m->op, BOOTREQUEST);
	assert_int_equal(m->htype, 1);
	assert_int_equal(m->hlen, 6);
	assert_int_equal(m->hops, 0);
	assert_int_equal(ntohl(m->xid), xid);
	assert_memory_equal(m->chaddr, MAC, ETH_ALEN);
	for (int i = ETH_ALEN; i < DHCP_CHADDR_LEN; i++)
		assert_int_equal(m->chaddr[i], 0);
	assert_int_equal(m->yiaddr, 0);
	assert_int_equal(m->siaddr, 0);
	assert_int_equal(m->giaddr, 0);
	assert_int_equal(ntohl(m->cookie), DHCP_MAGIC_COOKIE);
	d = find_opt(s, DHCP_OPT_MSG_TYPE, &len);
	assert_non_null(d);
	assert_int_equal(len, 1);
	assert_int_equal(d[0], type);
	d = find_opt(s, DHCP_OPT_CLIENT_ID, &len);
	assert_non_null(d);
	assert_int_equal(len, sizeof(cid));
	assert_memory_equal(d, cid, sizeof(cid));
	d = find_opt(s, DHCP_OPT_PARAM_REQ, &len);
	assert_non_null(d);
	assert_non_null(memchr(d, DHCP_OPT_SUBNET_MASK, len));
	assert_non_null(memchr(d, DHCP_OPT_ROUTER, len));
	assert_non_null(memchr(d, DHCP_OPT_LEASE_TIME, len));
	assert_non_null(memchr(d, DHCP_OPT_T1, len));
	assert_non_null(memchr(d, DHCP_OPT_T2, len));
	d = find_opt(s, DHCP_OPT_MAX_MSG_SIZE, &len);
	assert_non_null(d);
	assert_int_equal(len, 2);
	assert_int_equal((d[0] << 8) | d[1], DHCP_MAX_MSG_LEN);
}

void check_discover(const struct sent *s, uint32_t xid)
{
	const struct dhcp_msg *m = (const struct dhcp_msg *)s->buf;
	uint8_t len;

	check_common(s, DHCPDISCOVER, xid);
	assert_int_equal(s->daddr, BCAST);
	assert_int_equal(ntohs(m->flags), DHCP_FLAG_BROADCAST);
	assert_int_equal(m->ciaddr, 0);
	assert_null(find_opt(s, DHCP_OPT_REQUESTED_IP, &len));
	assert_null(find_opt(s, DHCP_OPT_SERVER_ID, &len));
}

/* REQUEST in REQUESTING (answering an OFFER): broadcast, names address and server. */
void check_select_request(const struct sent *s, uint32_t xid, be32 addr, be32 server)
{
	const struct dhcp_msg *m = (const struct dhcp_msg *)s->buf;

	check_common(s, DHCPREQUEST, xid);
	assert_int_equal(s->daddr, BCAST);
	assert_int_equal(ntohs(m->flags), DHCP_FLAG_BROADCAST);
	assert_int_equal(m->ciaddr, 0);
	assert_int_equal(opt_be32(s, DHCP_OPT_REQUESTED_IP), addr);
	assert_int_equal(opt_be32(s, DHCP_OPT_SERVER_ID), server);
}

/* REQUEST in RENEWING (unicast to the server) or REBINDING (broadcast): ciaddr
 * carries the address, options 50 and 54 must be absent (RFC 2131 4.3.2). */
void check_renew_request(const struct sent *s, uint32_t xid, be32 daddr, be32 addr)
{
	const struct dhcp_msg *m = (const struct dhcp_msg *)s->buf;
	uint8_t len;

	check_common(s, DHCPREQUEST, xid);
	assert_int_equal(s->daddr, daddr);
	assert_int_equal(m->flags, 0);
	assert_int_equal(m->ciaddr, addr);
	assert_null(find_opt(s, DHCP_OPT_REQUESTED_IP, &len));
	assert_null(find_opt(s, DHCP_OPT_SERVER_ID, &len));
}

/* ---- the scripted server ------------------------------------------------------------- */


uint8_t rx[DHCP_MAX_MSG_LEN];

static uint8_t *put(uint8_t *p, uint8_t code, uint8_t len, const void *d)
{
	*p++ = code;
	*p++ = len;
	memcpy(p, d, len);
	return p + len;
}

static uint8_t *put32(uint8_t *p, uint8_t code, uint32_t host_value)
{
	be32 v = htonl(host_value);

	return put(p, code, 4, &v);
}

size_t build_reply(const struct reply *r)
{
	struct dhcp_msg *m = (struct dhcp_msg *)rx;
	uint8_t *p = m->options;

	memset(rx, 0, sizeof(rx));
	m->op = BOOTREPLY;
	m->htype = 1;
	m->hlen = 6;
	m->xid = htonl(r->xid);
	m->yiaddr = r->yiaddr;
	memcpy(m->chaddr, MAC, ETH_ALEN);
	m->cookie = htonl(DHCP_MAGIC_COOKIE);
	p = put(p, DHCP_OPT_MSG_TYPE, 1, &r->type);
	if (!r->no_server_id)
		p = put(p, DHCP_OPT_SERVER_ID, 4, &r->server);
	if (!r->no_mask)
		p = put(p, DHCP_OPT_SUBNET_MASK, 4, &r->mask);
	if (r->router)
		p = put(p, DHCP_OPT_ROUTER, 4, &r->router);
	if (r->lease)
		p = put32(p, DHCP_OPT_LEASE_TIME, r->lease);
	if (r->t1)
		p = put32(p, DHCP_OPT_T1, r->t1);
	if (r->t2)
		p = put32(p, DHCP_OPT_T2, r->t2);
	if (r->message)
		p = put(p, DHCP_OPT_MESSAGE, (uint8_t)strlen(r->message), r->message);
	*p++ = DHCP_OPT_END;
	return (size_t)(p - rx);
}

/* slirp's answer: 10.0.2.15/24, router and server 10.0.2.2. */
struct reply slirp(uint8_t type, uint32_t lease)
{
	return (struct reply){
		.type = type, .xid = client.xid, .yiaddr = OFFERED, .server = SERVER,
		.mask = IP(255, 255, 255, 0), .router = SERVER, .lease = lease,
	};
}

void feed(const struct reply *r, uint64_t now)
{
	size_t len = build_reply(r);

	dhcp_client_input(&client, rx, len, now);
}

int setup(void **state)
{
	(void)state;
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.name, "eth0");
	memcpy(dev.dev_addr, MAC, ETH_ALEN);
	memset(&in_dev, 0, sizeof(in_dev));
	memset(&dhcp_stats, 0, sizeof(dhcp_stats));
	n_addr_calls = n_route_calls = n_sent = 0;
	lifetime_addr = 0;
	lifetime_until = 1;
	addr_add_err = route_add_err = send_err = 0;
	printk_capture_reset();
	dhcp_client_init(&client, &dev, &fake_ops, 42);
	return 0;
}

/* DISCOVER, OFFER, REQUEST, ACK at t = 1 s; returns with the client BOUND. */
void bind_at_1s(uint32_t lease)
{
	struct reply r;

	dhcp_client_start(&client, 1 * SEC);
	r = slirp(DHCPOFFER, lease);
	feed(&r, 1 * SEC + 5);
	r = slirp(DHCPACK, lease);
	feed(&r, 1 * SEC + 10);
	assert_int_equal(client.state, DHCP_BOUND);
	n_sent = 0;
	n_addr_calls = n_route_calls = 0;
}

