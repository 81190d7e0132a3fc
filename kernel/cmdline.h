/* Boot command line: Linux style `key=value` words, each key declared and typed by
 * the module that owns it. A bad word costs one warning line and nothing else: the
 * variable keeps the default it was initialised with. */
#ifndef RINGOS_CMDLINE_H
#define RINGOS_CMDLINE_H

#include "kernel/compiler.h"

/* Longest command line looked at; the rest is ignored with a warning. */
#define CMDLINE_MAX_LEN		4096
/* How much of an offending word a warning shows, so garbage cannot flood the log. */
#define CMDLINE_SHOW_MAX	40
/* Scratch size for non-string values, NUL included: no valid number, address or
 * enum word comes close, and custom parsers never see more. */
#define CMDLINE_VALUE_MAX	128

enum kparam_type {
	KPARAM_T_BOOL,
	KPARAM_T_INT,
	KPARAM_T_UINT,
	KPARAM_T_STRING,
	KPARAM_T_ENUM,
	KPARAM_T_IPV4,
	KPARAM_T_IPV4_CIDR,
	KPARAM_T_CUSTOM,
};

struct ipv4_cidr {
	uint32_t addr;		/* host byte order */
	uint8_t prefix_len;	/* 0..32 */
};

/* For values no built-in type describes (`ip=dhcp` or a CIDR, `send=host:port`).
 * parse() gets the unquoted value, NUL-terminated, and must write *var only when it
 * accepts the whole value; it returns 0 on success. format() renders the current
 * value for warnings and cmdline_dump(), always NUL-terminating within size. */
struct kparam_custom {
	int (*parse)(const char *val, void *var);
	void (*format)(const void *var, char *buf, size_t size);
	const char *expected;	/* completes "expected ...", e.g. "dhcp or a.b.c.d/n" */
};

struct kernel_param {
	const char *name;
	const char *help;
	void *var;
	enum kparam_type type;
	union {
		struct { long long min, max; } i;
		struct { unsigned long long min, max; } u;
		struct { size_t size; } str;
		struct { const char *const *choices; size_t n; } e;
		const struct kparam_custom *custom;
	};
};

/* Every macro below puts one struct kernel_param into the "kparams" section, which
 * the linker collects into an array between __start_kparams and __stop_kparams.
 * The explicit alignment equals the struct's natural one and stops the compiler from
 * raising it for large objects, which would leave gaps between array elements. The
 * _Generic selections make a variable of the wrong C type a compile error. */
#define __KPARAM_CAT2(a, b)	a##b
#define __KPARAM_CAT(a, b)	__KPARAM_CAT2(a, b)
#define __KPARAM(nm, hlp, ptr, ty, ...)						\
	static const struct kernel_param __KPARAM_CAT(__kparam_, __COUNTER__)	\
	__used __section("kparams") __aligned(8) = {				\
		.name = (nm), .help = (hlp), .var = (ptr), .type = (ty),	\
		__VA_ARGS__							\
	}

/* bool: 1/0, on/off, yes/no, true/false; a bare `key` means true. */
#define KPARAM_BOOL(name, var, help)						\
	__KPARAM(name, help, _Generic(&(var), bool *: &(var)), KPARAM_T_BOOL)

/* int within [min, max]; decimal, or hexadecimal with 0x. */
#define KPARAM_INT(name, var, lo, hi, help)					\
	__KPARAM(name, help, _Generic(&(var), int *: &(var)), KPARAM_T_INT,	\
		 .i = { (lo), (hi) })

/* unsigned int within [min, max]; a minus sign is rejected. */
#define KPARAM_UINT(name, var, lo, hi, help)					\
	__KPARAM(name, help, _Generic(&(var), unsigned int *: &(var)),		\
		 KPARAM_T_UINT, .u = { (lo), (hi) })

/* char array holding printable ASCII; a value that does not fit with its NUL is
 * rejected, not truncated. */
#define KPARAM_STRING(name, buf, help)						\
	__KPARAM(name, help, _Generic(&(buf), char (*)[sizeof(buf)]: (buf)),	\
		 KPARAM_T_STRING, .str = { sizeof(buf) })

/* int receiving the index of the matching word in `choices` (an array of strings). */
#define KPARAM_ENUM(name, var, choices, help)					\
	__KPARAM(name, help, _Generic(&(var), int *: &(var)), KPARAM_T_ENUM,	\
		 .e = { (choices), ARRAY_SIZE(choices) })

/* uint32_t from a dotted quad, host byte order. */
#define KPARAM_IPV4(name, var, help)						\
	__KPARAM(name, help, _Generic(&(var), uint32_t *: &(var)), KPARAM_T_IPV4)

/* struct ipv4_cidr from a.b.c.d/n; the prefix length is required. */
#define KPARAM_IPV4_CIDR(name, var, help)					\
	__KPARAM(name, help, _Generic(&(var), struct ipv4_cidr *: &(var)),	\
		 KPARAM_T_IPV4_CIDR)

/* Any type, with a struct kparam_custom describing how to parse and show it. */
#define KPARAM_CUSTOM(name, var, ops, help)					\
	__KPARAM(name, help, &(var), KPARAM_T_CUSTOM, .custom = (ops))

/* Applies every word of cmdline to the matching entry of params[0..n). Returns the
 * number of warning lines printed; 0 means everything was understood. */
int cmdline_parse(const char *cmdline, const struct kernel_param *params, size_t n);
/* The same against every parameter declared with the KPARAM_* macros. */
int cmdline_parse_kparams(const char *cmdline);

/* One line per parameter: name, current value and help text (shell `cmdline`). */
void cmdline_dump_params(const struct kernel_param *params, size_t n);
void cmdline_dump(void);

/* Building blocks for custom parsers. They read a dotted quad (and for the CIDR a
 * /prefix) at the start of s and return the first character after it, or NULL when
 * s does not start with one; *out is written only on success. */
const char *cmdline_scan_ipv4(const char *s, uint32_t *out);
const char *cmdline_scan_ipv4_cidr(const char *s, struct ipv4_cidr *out);
/* A MAC address "52:54:00:12:34:57", one or two hex digits a byte, as iproute2
 * takes it; out is written only on success. */
const char *cmdline_scan_mac(const char *s, uint8_t out[6]);
/* Renders a host-order address as a dotted quad; size >= 16 always fits. */
void cmdline_format_ipv4(uint32_t addr, char *buf, size_t size);

#endif
