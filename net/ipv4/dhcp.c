/* The DHCP client (RFC 2131, options RFC 2132): DISCOVER -> OFFER -> REQUEST
 * -> ACK, then renew at T1 (unicast to the server), rebind at T2 (broadcast),
 * give the address up at expiry. Its owner supplies the clock and the
 * transport (net/ipconfig.h); what the client does to the device is adding
 * and removing its address and default route.
 *
 * Every received message is checked before it can touch the state: length,
 * op/htype/hlen and the magic cookie (else DhcpBadPackets), xid and chaddr
 * (else DhcpNotOurs: on a shared LAN broadcast replies to other clients are
 * normal), every option's length against its area (else DhcpBadPackets), and
 * the offered address and mask for sanity. */
#include <errno.h>
#include <string.h>
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "net/inetdevice.h"
#include "net/ip_hdr.h"
#include "net/ipconfig.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "net/snmp.h"

/* 255.255.255.255 reads the same in either byte order. */
#define LIMITED_BROADCAST 0xFFFFFFFFu

struct dhcp_mib dhcp_stats;

static const struct snmp_field dhcp_fields[] = {
	SNMP_FIELD(struct dhcp_mib, discovers, "DhcpDiscovers"),
	SNMP_FIELD(struct dhcp_mib, offers, "DhcpOffers"),
	SNMP_FIELD(struct dhcp_mib, requests, "DhcpRequests"),
	SNMP_FIELD(struct dhcp_mib, acks, "DhcpAcks"),
	SNMP_FIELD(struct dhcp_mib, naks, "DhcpNaks"),
	SNMP_FIELD(struct dhcp_mib, bad_packets, "DhcpBadPackets"),
	SNMP_FIELD(struct dhcp_mib, not_ours, "DhcpNotOurs"),
	SNMP_FIELD(struct dhcp_mib, unexpected, "DhcpUnexpected"),
	SNMP_FIELD(struct dhcp_mib, renewals, "DhcpRenewals"),
	SNMP_FIELD(struct dhcp_mib, rebinds, "DhcpRebinds"),
	SNMP_FIELD(struct dhcp_mib, expiries, "DhcpExpiries"),
	SNMP_FIELD(struct dhcp_mib, tx_errors, "DhcpTxErrors"),
	SNMP_FIELD(struct dhcp_mib, config_errors, "DhcpConfigErrors"),
};
SNMP_MIB("Dhcp", &dhcp_stats, dhcp_fields);

/* What we ask for (option 55): mask, router, DNS (shown by `dhcp`), lease
 * time, T1, T2. */
static const uint8_t dhcp_param_req[] = {
	DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS,
	DHCP_OPT_LEASE_TIME, DHCP_OPT_T1, DHCP_OPT_T2,
};

/* The longest option list we build: type, client id, requested address,
 * server id, max size, parameter list, END. It must leave the message inside
 * the BOOTP minimum, which the padding then fills. */
#define DHCP_OPTS_MAX (3 + (2 + 1 + ETH_ALEN) + 6 + 6 + 4 + (2 + sizeof(dhcp_param_req)) + 1)
_Static_assert(DHCP_FIXED_LEN + DHCP_OPTS_MAX <= DHCP_MIN_LEN, "options fit in 300 bytes");
_Static_assert(DHCP_MIN_LEN <= DHCP_MAX_MSG_LEN, "txbuf holds a padded message");

const char *dhcp_state_name(enum dhcp_state s)
{
	static const char *const names[] = {
		[DHCP_INIT] = "INIT", [DHCP_SELECTING] = "SELECTING",
		[DHCP_REQUESTING] = "REQUESTING", [DHCP_BOUND] = "BOUND",
		[DHCP_RENEWING] = "RENEWING", [DHCP_REBINDING] = "REBINDING",
	};

	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* ---- small helpers -------------------------------------------------------------- */

static uint32_t get_be32(const uint8_t *p)
{
	be32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* xorshift64: xids and jitter need to differ between boxes, not be secret. */
static uint32_t dhcp_random(struct dhcp_client *c)
{
	uint64_t x = c->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return (uint32_t)(x >> 16);
}

/* A dotted quad in buf (16 bytes), from a network-order address. */
static const char *ip_str(be32 addr, char buf[16])
{
	cmdline_format_ipv4(ntohl(addr), buf, 16);
	return buf;
}

/* Prefix length of a contiguous netmask, -1 for a mask with holes. */
static int mask_to_prefix(be32 mask)
{
	uint32_t m = ntohl(mask), host = ~m;

	if (host & (host + 1))
		return -1;
	return __builtin_popcount(m);
}

/* What RFC 1122 3.3.1.1 assumes without a mask option: the class's. */
static unsigned int classful_prefix(be32 a)
{
	uint32_t h = ntohl(a);

	if (h < 0x80000000u)
		return 8;
	return h < 0xC0000000u ? 16 : 24;
}

/* Seconds from now until an absolute ms time, 0 once past. */
static uint64_t secs_until(uint64_t t, uint64_t now)
{
	return t > now ? (t - now) / 1000 : 0;
}

/* ---- options ---------------------------------------------------------------------- */

/* One options area: the options field, or file/sname when overloaded. An option
 * whose length byte is missing or runs past the area, or a known option with an
 * impossible length, makes the whole message malformed; unknown options are
 * skipped. The first instance of an option counts. */
static int parse_area(const uint8_t *p, size_t n, bool options_field, struct dhcp_options *o)
{
	size_t i = 0;

	while (i < n) {
		uint8_t code = p[i], len;
		const uint8_t *d;

		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return 0;
		if (n - i < 2 || p[i + 1] > n - i - 2)
			return -EINVAL;
		len = p[i + 1];
		d = p + i + 2;
		i += 2u + len;

		switch (code) {
		case DHCP_OPT_MSG_TYPE:
			if (len != 1)
				return -EINVAL;
			if (!o->msg_type)
				o->msg_type = d[0];
			break;
		case DHCP_OPT_SUBNET_MASK:
		case DHCP_OPT_SERVER_ID:
		case DHCP_OPT_LEASE_TIME:
		case DHCP_OPT_T1:
		case DHCP_OPT_T2: {
			bool *has = code == DHCP_OPT_SUBNET_MASK ? &o->has_mask :
				    code == DHCP_OPT_SERVER_ID ? &o->has_server_id :
				    code == DHCP_OPT_LEASE_TIME ? &o->has_lease :
				    code == DHCP_OPT_T1 ? &o->has_t1 : &o->has_t2;

			if (len != 4)
				return -EINVAL;
			if (*has)
				break;
			*has = true;
			if (code == DHCP_OPT_SUBNET_MASK)
				o->mask = get_be32(d);
			else if (code == DHCP_OPT_SERVER_ID)
				o->server_id = get_be32(d);
			else if (code == DHCP_OPT_LEASE_TIME)
				o->lease = ntohl(get_be32(d));
			else if (code == DHCP_OPT_T1)
				o->t1 = ntohl(get_be32(d));
			else
				o->t2 = ntohl(get_be32(d));
			break;
		}
		case DHCP_OPT_ROUTER:
		case DHCP_OPT_DNS:
			if (len < 4 || len % 4)
				return -EINVAL;
			if (code == DHCP_OPT_ROUTER && !o->has_router) {
				o->has_router = true;
				o->router = get_be32(d);
			} else if (code == DHCP_OPT_DNS && !o->dns) {
				o->dns = get_be32(d);
			}
			break;
		case DHCP_OPT_OVERLOAD:
			if (len != 1 || d[0] < 1 || d[0] > 3)
				return -EINVAL;
			/* Only the options field may say where more options are. */
			if (options_field)
				o->overload = d[0];
			break;
		case DHCP_OPT_MESSAGE:
			if (!o->message) {
				o->message = (const char *)d;
				o->message_len = len;
			}
			break;
		default:
			break;
		}
	}
	/* No END: RFC 2131 wants one, but an area filled to its last byte with
	 * well-formed options is not worth refusing a lease over. */
	return 0;
}

int dhcp_parse_options(const struct dhcp_msg *msg, size_t len, struct dhcp_options *o)
{
	memset(o, 0, sizeof(*o));
	if (len < DHCP_FIXED_LEN)
		return -EINVAL;
	if (parse_area(msg->options, len - DHCP_FIXED_LEN, true, o) < 0)
		return -EINVAL;
	/* RFC 2131 4.1: options field first, then file, then sname. */
	if ((o->overload & DHCP_OVERLOAD_FILE) &&
	    parse_area((const uint8_t *)msg->file, DHCP_FILE_LEN, false, o) < 0)
		return -EINVAL;
	if ((o->overload & DHCP_OVERLOAD_SNAME) &&
	    parse_area((const uint8_t *)msg->sname, DHCP_SNAME_LEN, false, o) < 0)
		return -EINVAL;
	return 0;
}

/* An OFFER or ACK's lease, or -EINVAL when it offers nothing usable: an
 * unusable address, a mask with holes, the subnet's own network or broadcast
 * address, or no server identifier (RFC 2131 table 3: MUST). */
static int dhcp_lease_from_msg(const struct dhcp_msg *m, const struct dhcp_options *o,
			       struct dhcp_lease *l)
{
	int plen;

	memset(l, 0, sizeof(*l));
	l->addr = m->yiaddr;
	if (!inet_addr_usable(l->addr) || !o->has_server_id || !o->server_id)
		return -EINVAL;
	plen = o->has_mask ? mask_to_prefix(o->mask) : (int)classful_prefix(l->addr);
	if (plen < 1)
		return -EINVAL;
	l->prefix_len = (unsigned int)plen;
	l->mask = htonl(plen == 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> plen));
	if (!inet_host_addr_ok(l->addr, l->prefix_len))
		return -EINVAL;
	l->server = o->server_id;
	/* A router we could not use is ignored, not a reason to refuse the lease. */
	if (o->has_router && inet_addr_usable(o->router) && o->router != l->addr)
		l->router = o->router;
	if (inet_addr_usable(o->dns))
		l->dns = o->dns;

	l->lease_s = o->has_lease ? o->lease : DHCP_DEFAULT_LEASE_S;
	if (l->lease_s == DHCP_INFINITE) {
		l->t1_s = l->t2_s = DHCP_INFINITE;
		return 0;
	}
	l->lease_s = MAX(l->lease_s, DHCP_MIN_LEASE_S);
	/* RFC 2131 4.4.5 defaults: 0.5 and 0.875 of the lease; given values only
	 * when they keep T1 < T2 < lease. */
	l->t1_s = o->has_t1 ? o->t1 : l->lease_s / 2;
	l->t2_s = o->has_t2 ? o->t2 : (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	if (!(l->t1_s < l->t2_s && l->t2_s < l->lease_s)) {
		l->t1_s = l->lease_s / 2;
		l->t2_s = (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	}
	return 0;
}

/* ---- sending ------------------------------------------------------------------------ */

static uint8_t *opt_put(uint8_t *p, uint8_t code, uint8_t len, const void *data)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, data, len);
	return p + 2 + len;
}

/* Builds a DISCOVER or REQUEST for the current state into txbuf; its length. */
static size_t dhcp_build(struct dhcp_client *c, uint8_t type, uint64_t now)
{
	struct dhcp_msg *m = (struct dhcp_msg *)c->txbuf;
	uint8_t *p = m->options;
	uint8_t client_id[1 + ETH_ALEN] = { DHCP_HTYPE_ETHER };
	be16 max_size = htons(DHCP_MAX_MSG_LEN);
	uint64_t secs = (now - c->exchange_ms) / 1000;
	bool has_addr = c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;

	memset(c->txbuf, 0, DHCP_MIN_LEN);
	m->op = BOOTREQUEST;
	m->htype = DHCP_HTYPE_ETHER;
	m->hlen = ETH_ALEN;
	m->xid = htonl(c->xid);
	m->secs = htons((uint16_t)MIN(secs, 0xFFFFu));
	/* Until it has an address the stack may not take unicast for it: ask
	 * the server to broadcast (RFC 2131 4.1). */
	m->flags = htons(has_addr ? 0 : DHCP_FLAG_BROADCAST);
	m->ciaddr = has_addr ? c->lease.addr : 0;
	memcpy(m->chaddr, c->mac, ETH_ALEN);
	m->cookie = htonl(DHCP_MAGIC_COOKIE);

	p = opt_put(p, DHCP_OPT_MSG_TYPE, 1, &type);
	memcpy(client_id + 1, c->mac, ETH_ALEN);
	p = opt_put(p, DHCP_OPT_CLIENT_ID, sizeof(client_id), client_id);
	/* RFC 2131 4.3.2: the REQUEST answering an OFFER names the address and
	 * the server; a renewing or rebinding one names neither (ciaddr does). */
	if (c->state == DHCP_REQUESTING) {
		p = opt_put(p, DHCP_OPT_REQUESTED_IP, 4, &c->offer.addr);
		p = opt_put(p, DHCP_OPT_SERVER_ID, 4, &c->offer.server);
	}
	p = opt_put(p, DHCP_OPT_MAX_MSG_SIZE, 2, &max_size);
	p = opt_put(p, DHCP_OPT_PARAM_REQ, sizeof(dhcp_param_req), dhcp_param_req);
	*p++ = DHCP_OPT_END;
	return MAX((size_t)(p - c->txbuf), (size_t)DHCP_MIN_LEN);
}

static void dhcp_send(struct dhcp_client *c, uint8_t type, uint64_t now)
{
	size_t len = dhcp_build(c, type, now);
	be32 daddr = c->state == DHCP_RENEWING ? c->lease.server : LIMITED_BROADCAST;

	c->tries++;
	if (type == DHCPDISCOVER)
		dhcp_stats.discovers++;
	else
		dhcp_stats.requests++;
	if (c->ops->send(c, c->txbuf, len, daddr) < 0)
		dhcp_stats.tx_errors++;
}

/* RFC 2131 4.1: 4 s before the first retransmission, doubling up to 64 s,
 * each randomised by up to a second either way. Call after dhcp_send. */
static uint64_t dhcp_backoff_ms(struct dhcp_client *c)
{
	unsigned int shift = MIN(c->tries ? c->tries - 1 : 0, 4u);
	uint32_t base = MIN(DHCP_BACKOFF_FIRST_MS << shift, DHCP_BACKOFF_MAX_MS);
	uint32_t jitter = dhcp_random(c) % (2 * DHCP_BACKOFF_JITTER_MS + 1);

	return (uint64_t)base + jitter - DHCP_BACKOFF_JITTER_MS;
}

/* RENEWING and REBINDING: half of what is left until `until`, at least 60 s. */
static uint64_t dhcp_renew_retry_ms(uint64_t until, uint64_t now)
{
	uint64_t half = until > now ? (until - now) / 2 : 0;

	return now + MAX(half, (uint64_t)DHCP_RENEW_MIN_RETRY_MS);
}

static void dhcp_new_exchange(struct dhcp_client *c, uint64_t now)
{
	c->xid = dhcp_random(c);
	c->exchange_ms = now;
	c->request_ms = now;
	c->tries = 0;
}

/* ---- configuring the device ---------------------------------------------------------- */

static void dhcp_accept_any_unicast(struct dhcp_client *c, bool on)
{
	struct in_device *in_dev = in_dev_get(c->dev);

	if (in_dev)
		in_dev->accept_any_unicast = on;
}

static void dhcp_unconfigure(struct dhcp_client *c)
{
	if (c->route_added) {
		ip_route_del(0, 0, c->lease.router);
		c->route_added = false;
	}
	if (c->configured) {
		inet_addr_del(c->dev, c->lease.addr, c->lease.prefix_len);
		c->configured = false;
	}
	dhcp_accept_any_unicast(c, true);
}

/* Back to INIT; the next DISCOVER goes out after delay_ms. */
static void dhcp_restart(struct dhcp_client *c, uint64_t now, uint64_t delay_ms)
{
	dhcp_unconfigure(c);
	c->state = DHCP_INIT;
	c->next_tx_ms = now + delay_ms;
}

static void dhcp_discover(struct dhcp_client *c, uint64_t now)
{
	dhcp_new_exchange(c, now);
	c->state = DHCP_SELECTING;
	dhcp_accept_any_unicast(c, true);
	dhcp_send(c, DHCPDISCOVER, now);
	c->next_tx_ms = now + dhcp_backoff_ms(c);
}

static uint64_t lease_time_ms(uint64_t start, uint32_t secs)
{
	return secs == DHCP_INFINITE ? UINT64_MAX : start + (uint64_t)secs * 1000;
}

/* An ACK: put the lease on the device (or keep it there, renewed). */
static void dhcp_bind(struct dhcp_client *c, const struct dhcp_lease *l, uint64_t now)
{
	bool renewed = c->configured && c->lease.addr == l->addr &&
		       c->lease.prefix_len == l->prefix_len;
	char a[16], s[16], r[16];
	int err;

	if (c->configured && !renewed)
		dhcp_unconfigure(c);
	if (!c->configured) {
		err = inet_addr_add(c->dev, l->addr, l->prefix_len, true);
		if (err < 0 && err != -EEXIST) {
			dhcp_stats.config_errors++;
			pr_warn("dhcp: %s: cannot add %s/%u (error %d); starting over\n",
				c->dev->name, ip_str(l->addr, a), l->prefix_len, err);
			dhcp_restart(c, now, dhcp_backoff_ms(c));
			return;
		}
		c->configured = true;
	}
	if (c->route_added && c->lease.router != l->router) {
		ip_route_del(0, 0, c->lease.router);
		c->route_added = false;
	}
	if (!c->route_added && l->router) {
		err = ip_route_add(0, 0, l->router, c->dev);
		if (err == 0) {
			c->route_added = true;
		} else {
			dhcp_stats.config_errors++;
			pr_warn("dhcp: %s: default route via %s not added (error %d)\n",
				c->dev->name, ip_str(l->router, r), err);
		}
	}
	c->lease = *l;
	c->bound_ms = c->request_ms;
	c->t1_ms = lease_time_ms(c->request_ms, l->t1_s);
	c->t2_ms = lease_time_ms(c->request_ms, l->t2_s);
	c->expiry_ms = lease_time_ms(c->request_ms, l->lease_s);
	/* `ip addr` shows the lease's end as valid_lft (the clock is jiffies). */
	inet_addr_set_lifetime(c->dev, l->addr, c->expiry_ms == UINT64_MAX ? 0 : c->expiry_ms);
	c->state = DHCP_BOUND;
	c->next_tx_ms = UINT64_MAX;
	c->naks_in_row = 0;
	dhcp_accept_any_unicast(c, false);
	pr_info("dhcp: %s: %s %s/%u from %s, router %s, lease %u s\n", c->dev->name,
		renewed ? "renewed" : "leased", ip_str(l->addr, a), l->prefix_len,
		ip_str(l->server, s), l->router ? ip_str(l->router, r) : "none", l->lease_s);
}

/* ---- receiving ------------------------------------------------------------------------ */

static void dhcp_nak(struct dhcp_client *c, const struct dhcp_options *o, uint64_t now)
{
	char reason[64], srv[16];
	size_t n = MIN((size_t)o->message_len, sizeof(reason) - 1);
	unsigned int shift = MIN(c->naks_in_row, 6u);

	/* The server's text goes to the console: printable bytes only. */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)o->message[i];

		reason[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	reason[n] = '\0';
	pr_warn("dhcp: %s: NAK from %s%s%s; starting over\n", c->dev->name,
		ip_str(o->server_id, srv), n ? ": " : "", reason);
	c->naks_in_row++;
	dhcp_restart(c, now, MIN((uint64_t)DHCP_NAK_DELAY_MS << shift,
				 (uint64_t)DHCP_BACKOFF_MAX_MS));
}

void dhcp_client_input(struct dhcp_client *c, const void *buf, size_t len, uint64_t now)
{
	const struct dhcp_msg *m = buf;
	struct dhcp_options o;
	struct dhcp_lease l;
	bool waiting_ack = c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING ||
			   c->state == DHCP_REBINDING;

	if (len < DHCP_FIXED_LEN || m->op != BOOTREPLY || m->htype != DHCP_HTYPE_ETHER ||
	    m->hlen != ETH_ALEN || ntohl(m->cookie) != DHCP_MAGIC_COOKIE) {
		dhcp_stats.bad_packets++;
		return;
	}
	if (ntohl(m->xid) != c->xid || memcmp(m->chaddr, c->mac, ETH_ALEN) != 0) {
		dhcp_stats.not_ours++;
		return;
	}
	if (dhcp_parse_options(m, len, &o) < 0 || !o.msg_type) {
		dhcp_stats.bad_packets++;
		return;
	}

	switch (o.msg_type) {
	case DHCPOFFER:
		dhcp_stats.offers++;
		if (c->state != DHCP_SELECTING) {
			dhcp_stats.unexpected++;
			return;
		}
		if (dhcp_lease_from_msg(m, &o, &l) < 0) {
			dhcp_stats.bad_packets++;
			return;
		}
		/* The first acceptable OFFER wins (RFC 2131 4.4.1 allows any). */
		c->offer = l;
		c->state = DHCP_REQUESTING;
		c->tries = 0;
		c->request_ms = now;
		dhcp_send(c, DHCPREQUEST, now);
		c->next_tx_ms = now + dhcp_backoff_ms(c);
		return;
	case DHCPACK:
		dhcp_stats.acks++;
		if (!waiting_ack || (c->state == DHCP_REQUESTING && o.server_id != c->offer.server)) {
			dhcp_stats.unexpected++;
			return;
		}
		if (dhcp_lease_from_msg(m, &o, &l) < 0) {
			dhcp_stats.bad_packets++;
			return;
		}
		dhcp_bind(c, &l, now);
		return;
	case DHCPNAK:
		dhcp_stats.naks++;
		if (!waiting_ack || (c->state == DHCP_REQUESTING && o.server_id != c->offer.server)) {
			dhcp_stats.unexpected++;
			return;
		}
		dhcp_nak(c, &o, now);
		return;
	default:
		dhcp_stats.unexpected++;
		return;
	}
}

/* ---- timers ----------------------------------------------------------------------------- */

void dhcp_client_timer(struct dhcp_client *c, uint64_t now)
{
	char a[16], s[16];

	/* Deadlines are checked latest first, so a clock that jumped past several
	 * of them does only the last one's work. */
	if (c->configured && now >= c->expiry_ms) {
		dhcp_stats.expiries++;
		pr_warn("dhcp: %s: lease of %s expired; address removed, back to discovery\n",
			c->dev->name, ip_str(c->lease.addr, a));
		dhcp_restart(c, now, 0);
		dhcp_discover(c, now);
		return;
	}
	switch (c->state) {
	case DHCP_INIT:
		if (now >= c->next_tx_ms)
			dhcp_discover(c, now);
		return;
	case DHCP_SELECTING:
		if (now >= c->next_tx_ms) {
			dhcp_send(c, DHCPDISCOVER, now);
			c->next_tx_ms = now + dhcp_backoff_ms(c);
		}
		return;
	case DHCP_REQUESTING:
		if (now < c->next_tx_ms)
			return;
		if (c->tries >= DHCP_REQUEST_TRIES) {
			pr_warn("dhcp: %s: no answer from %s for %s; starting over\n",
				c->dev->name, ip_str(c->offer.server, s), ip_str(c->offer.addr, a));
			dhcp_discover(c, now);
			return;
		}
		dhcp_send(c, DHCPREQUEST, now);
		c->next_tx_ms = now + dhcp_backoff_ms(c);
		return;
	case DHCP_BOUND:
	case DHCP_RENEWING:
		if (now >= c->t2_ms) {
			dhcp_stats.rebinds++;
			pr_info("dhcp: %s: no renewal from %s; rebinding %s with any server\n",
				c->dev->name, ip_str(c->lease.server, s), ip_str(c->lease.addr, a));
			dhcp_new_exchange(c, now);
			c->state = DHCP_REBINDING;
			dhcp_send(c, DHCPREQUEST, now);
			c->next_tx_ms = dhcp_renew_retry_ms(c->expiry_ms, now);
		} else if (c->state == DHCP_BOUND && now >= c->t1_ms) {
			dhcp_stats.renewals++;
			pr_info("dhcp: %s: renewing %s with %s\n", c->dev->name,
				ip_str(c->lease.addr, a), ip_str(c->lease.server, s));
			dhcp_new_exchange(c, now);
			c->state = DHCP_RENEWING;
			dhcp_send(c, DHCPREQUEST, now);
			c->next_tx_ms = dhcp_renew_retry_ms(c->t2_ms, now);
		} else if (c->state == DHCP_RENEWING && now >= c->next_tx_ms) {
			dhcp_send(c, DHCPREQUEST, now);
			c->next_tx_ms = dhcp_renew_retry_ms(c->t2_ms, now);
		}
		return;
	case DHCP_REBINDING:
		if (now >= c->next_tx_ms) {
			dhcp_send(c, DHCPREQUEST, now);
			c->next_tx_ms = dhcp_renew_retry_ms(c->expiry_ms, now);
		}
		return;
	}
}

uint64_t dhcp_client_next_timer(const struct dhcp_client *c)
{
	switch (c->state) {
	case DHCP_BOUND:
		return c->t1_ms;
	case DHCP_RENEWING:
		return MIN(c->next_tx_ms, c->t2_ms);
	case DHCP_REBINDING:
		return MIN(c->next_tx_ms, c->expiry_ms);
	default:
		return c->next_tx_ms;
	}
}

/* ---- life cycle --------------------------------------------------------------------------- */

void dhcp_client_init(struct dhcp_client *c, struct net_device *dev,
		      const struct dhcp_ops *ops, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->ops = ops;
	memcpy(c->mac, dev->dev_addr, ETH_ALEN);
	/* Mixing in the MAC keeps two boxes booted with one seed apart. */
	for (int i = 0; i < ETH_ALEN; i++)
		seed = (seed ^ c->mac[i]) * 0x100000001B3ull;
	c->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
	c->state = DHCP_INIT;
	c->next_tx_ms = UINT64_MAX;
	c->t1_ms = c->t2_ms = c->expiry_ms = UINT64_MAX;
}

void dhcp_client_start(struct dhcp_client *c, uint64_t now)
{
	c->started_ms = now;
	dhcp_discover(c, now);
}

void dhcp_client_stop(struct dhcp_client *c)
{
	dhcp_unconfigure(c);
	dhcp_accept_any_unicast(c, false);
	c->state = DHCP_INIT;
	c->next_tx_ms = UINT64_MAX;
}

void dhcp_client_show(const struct dhcp_client *c, uint64_t now)
{
	char a[16], r[16], s[16], d[16];
	const struct dhcp_lease *l = &c->lease;

	kprintf("%s: state %s, xid 0x%08x\n", c->dev->name, dhcp_state_name(c->state),
		(unsigned int)c->xid);
	if (!c->configured) {
		if (c->state == DHCP_REQUESTING)
			kprintf("  requesting %s/%u from %s\n", ip_str(c->offer.addr, a),
				c->offer.prefix_len, ip_str(c->offer.server, s));
		else
			kprintf("  no lease\n");
		if (c->next_tx_ms != UINT64_MAX)
			kprintf("  next message in %llu s\n",
				(unsigned long long)secs_until(c->next_tx_ms, now));
		return;
	}
	kprintf("  address %s/%u, router %s, server %s, dns %s\n", ip_str(l->addr, a),
		l->prefix_len, l->router ? ip_str(l->router, r) : "none",
		ip_str(l->server, s), l->dns ? ip_str(l->dns, d) : "none");
	if (l->lease_s == DHCP_INFINITE) {
		kprintf("  lease infinite\n");
		return;
	}
	kprintf("  lease %u s, obtained %llu s ago; renew (T1) in %llu s, rebind (T2) in %llu s, "
		"expires in %llu s\n", l->lease_s,
		(unsigned long long)(now > c->bound_ms ? (now - c->bound_ms) / 1000 : 0),
		(unsigned long long)secs_until(c->t1_ms, now),
		(unsigned long long)secs_until(c->t2_ms, now),
		(unsigned long long)secs_until(c->expiry_ms, now));
}
