/* `netstat -s`: every registered counter table, nstat-style. */
#include <string.h>
#include "net/snmp.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/shell.h"

extern const struct snmp_mib __start_snmpmibs[] __attribute__((weak));
extern const struct snmp_mib __stop_snmpmibs[] __attribute__((weak));
_Static_assert(sizeof(struct snmp_mib) % 8 == 0, "snmpmibs entries tile their section");

static uint64_t snmp_read(const struct snmp_mib *m, uint32_t i)
{
	const uint64_t *p = (const uint64_t *)((const char *)m->base + m->fields[i].offset);

	return READ_ONCE(*p);
}

bool snmp_get(const char *name, uint64_t *value)
{
	for (const struct snmp_mib *m = __start_snmpmibs; m < __stop_snmpmibs; m++)
		for (uint32_t i = 0; i < m->n; i++)
			if (!strcmp(m->fields[i].name, name)) {
				if (m->refresh)
					m->refresh();
				*value = snmp_read(m, i);
				return true;
			}
	return false;
}

/* Sections in a fixed order a Linux user knows, then whatever else exists. */
static const char *const section_order[] = {
	"Ip", "Icmp", "IcmpMsg", "Udp", "Tcp", "IpExt", "TcpExt", "Arp", "Copies",
};

static bool known_section(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(section_order); i++)
		if (!strcmp(section_order[i], s))
			return true;
	return false;
}

static void show_section(const char *section, bool exact)
{
	bool header = false;

	for (const struct snmp_mib *m = __start_snmpmibs; m < __stop_snmpmibs; m++) {
		if (exact ? strcmp(m->section, section) != 0 : known_section(m->section))
			continue;
		if (!header || !exact) {
			kprintf("#%s\n", m->section);
			header = true;
		}
		if (m->refresh)
			m->refresh();
		for (uint32_t i = 0; i < m->n; i++)
			kprintf("%-32s %-16llu %6s\n", m->fields[i].name,
				(unsigned long long)snmp_read(m, i), "0.0");
	}
}

static int cmd_netstat(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "-s") != 0) {
		kprintf("usage: netstat -s\n");
		return -1;
	}
	kprintf("#kernel\n");
	for (size_t i = 0; i < ARRAY_SIZE(section_order); i++)
		show_section(section_order[i], true);
	show_section(NULL, false);
	return 0;
}
SHELL_COMMAND("netstat", "-s: protocol counters (nstat -az names)", cmd_netstat);
