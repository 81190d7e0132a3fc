/* DHCP wire format (RFC 2131 section 2, options RFC 2132): the fixed BOOTP
 * header, the magic cookie, option codes and message types. */
#ifndef RINGOS_NET_DHCP_HDR_H
#define RINGOS_NET_DHCP_HDR_H

#include "net/byteorder.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* op */
#define BOOTREQUEST 1
#define BOOTREPLY   2

#define DHCP_HTYPE_ETHER 1	/* htype for 10 Mb Ethernet (RFC 1700 ARP hardware types) */
#define DHCP_FLAG_BROADCAST 0x8000	/* flags, host order: reply by broadcast */

#define DHCP_MAGIC_COOKIE 0x63825363u	/* host order: 99.130.83.99 (RFC 2131 3) */

#define DHCP_CHADDR_LEN 16
#define DHCP_SNAME_LEN  64
#define DHCP_FILE_LEN   128

struct dhcp_msg {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	be32 xid;
	be16 secs;		/* seconds since the client began this exchange */
	be16 flags;
	be32 ciaddr;		/* client's address, only when it has one (BOUND, RENEWING...) */
	be32 yiaddr;		/* "your" address: what the server offers or assigns */
	be32 siaddr;		/* next server (boot file), not the DHCP server */
	be32 giaddr;		/* relay agent */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	char sname[DHCP_SNAME_LEN];	/* options too, if option 52 says so */
	char file[DHCP_FILE_LEN];	/* options too, if option 52 says so */
	be32 cookie;
	uint8_t options[];
} __packed;
_Static_assert(sizeof(struct dhcp_msg) == 240, "BOOTP header + cookie is 240 bytes");
_Static_assert(offsetof(struct dhcp_msg, chaddr) == 28, "chaddr at byte 28");
_Static_assert(offsetof(struct dhcp_msg, cookie) == 236, "magic cookie at byte 236");

#define DHCP_FIXED_LEN ((unsigned int)sizeof(struct dhcp_msg))
/* BOOTP relays and old servers drop requests shorter than a BOOTP message
 * (RFC 951: 300 bytes); clients pad to it as dhclient does. */
#define DHCP_MIN_LEN 300
/* What every DHCP host must accept (RFC 2131 2: 576-byte IP datagrams). */
#define DHCP_DEFAULT_MAX_LEN (576 - 20 - 8)

/* Option codes (RFC 2132). Every option but PAD and END is code, length, data. */
#define DHCP_OPT_PAD            0
#define DHCP_OPT_SUBNET_MASK    1
#define DHCP_OPT_ROUTER         3
#define DHCP_OPT_DNS            6
#define DHCP_OPT_HOSTNAME       12
#define DHCP_OPT_MTU            26
#define DHCP_OPT_BROADCAST      28
#define DHCP_OPT_REQUESTED_IP   50
#define DHCP_OPT_LEASE_TIME     51
#define DHCP_OPT_OVERLOAD       52	/* 1: file, 2: sname, 3: both hold options */
#define DHCP_OPT_MSG_TYPE       53
#define DHCP_OPT_SERVER_ID      54
#define DHCP_OPT_PARAM_REQ      55
#define DHCP_OPT_MESSAGE        56
#define DHCP_OPT_MAX_MSG_SIZE   57
#define DHCP_OPT_T1             58	/* renewal time */
#define DHCP_OPT_T2             59	/* rebinding time */
#define DHCP_OPT_CLIENT_ID      61
#define DHCP_OPT_END            255

#define DHCP_OVERLOAD_FILE  1
#define DHCP_OVERLOAD_SNAME 2

/* Lease, T1 and T2 value meaning "forever" (RFC 2132 9.2). */
#define DHCP_INFINITE 0xFFFFFFFFu

/* Option 53 values (RFC 2132 9.6). */
enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

#endif
