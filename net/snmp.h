/* Protocol counters for `netstat -s`, under the names `nstat -az` prints on
 * Linux (IpInReceives, UdpNoPorts, ...), with our own names in the same style
 * for drop reasons Linux has no name for. Each layer keeps its counters in one
 * struct of uint64_t and describes it with a name/offset table; SNMP_MIB puts
 * the description in a linker table that `netstat -s` walks.
 *
 * Counters are written in softirq context or with bottom halves disabled on
 * the one CPU, so a plain increment is never torn. */
#ifndef RINGOS_NET_SNMP_H
#define RINGOS_NET_SNMP_H

#include "kernel/compiler.h"

struct snmp_field {
	const char *name;
	uint32_t offset;	/* of a uint64_t in the layer's struct */
};

struct snmp_mib {
	const char *section;	/* "Ip", "Icmp", "Udp", "Arp", "Copies", ... */
	const void *base;
	const struct snmp_field *fields;
	uint32_t n;
	/* Derived values (ratios) brought up to date before a read; optional. */
	void (*refresh)(void);
};

#define SNMP_FIELD(type, member, nm) { (nm), offsetof(type, member) }

#define __SNMP_CAT2(a, b) a##b
#define __SNMP_CAT(a, b) __SNMP_CAT2(a, b)
#define SNMP_MIB_REFRESH(sec, basep, fieldarr, fn)				\
	static const struct snmp_mib __SNMP_CAT(__snmp_mib_, __COUNTER__)	\
	__used __section("snmpmibs") __aligned(8) = {				\
		.section = (sec), .base = (basep), .fields = (fieldarr),	\
		.n = ARRAY_SIZE(fieldarr), .refresh = (fn),			\
	}
#define SNMP_MIB(sec, basep, fieldarr) SNMP_MIB_REFRESH(sec, basep, fieldarr, NULL)

/* The value of one counter by its nstat name (tests and benchmarks); false if
 * no layer has it. */
bool snmp_get(const char *name, uint64_t *value);

#endif
