/* Boot command line parser. The line comes from the boot loader and may hold
 * anything, so every step works on (pointer, length) spans of the original string,
 * copies only into buffers whose size it checks first, and validates a value
 * completely before storing it: a rejected value never half-overwrites a default. */
#include <limits.h>
#include <string.h>
#include "kernel/cmdline.h"
#include "kernel/printk.h"

/* Placed by the linker around the "kparams" section. Weak, so that an image or a
 * test binary declaring no parameters still links and simply sees none. */
extern const struct kernel_param __start_kparams[] __attribute__((weak));
extern const struct kernel_param __stop_kparams[] __attribute__((weak));

_Static_assert(sizeof(struct kernel_param) % 8 == 0,
	       "kparams entries must tile the section at their 8-byte alignment");

/* Room for a shown word: the visible part, an ellipsis, the NUL. */
#define SHOW_BUF	(CMDLINE_SHOW_MAX + 4)
#define EXPECT_BUF	160

/* ---- bounded string building ------------------------------------------------ */

/* Appends never overrun `size`; an append that does not fit marks the result as
 * truncated, and sb_finish() then ends it with "..." so a reader can tell. */
struct sbuf {
	char *p;
	size_t size;
	size_t len;
	bool truncated;
};

static void sb_init(struct sbuf *sb, char *p, size_t size)
{
	sb->p = p;
	sb->size = size;
	sb->len = 0;
	sb->truncated = false;
	if (size)
		p[0] = '\0';
}

static void sb_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 >= sb->size) {
		sb->truncated = true;
		return;
	}
	sb->p[sb->len++] = c;
	sb->p[sb->len] = '\0';
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	for (size_t i = 0; s[i] && !sb->truncated; i++)
		sb_putc(sb, s[i]);
}

static void sb_putu(struct sbuf *sb, unsigned long long v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(digits));
	while (n)
		sb_putc(sb, digits[--n]);
}

static void sb_puti(struct sbuf *sb, long long v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		/* Negating in unsigned arithmetic keeps LLONG_MIN well defined. */
		sb_putu(sb, 0ULL - (unsigned long long)v);
	} else {
		sb_putu(sb, (unsigned long long)v);
	}
}

static void sb_finish(struct sbuf *sb)
{
	if (!sb->truncated || sb->size < 4)
		return;
	memcpy(sb->p + sb->size - 4, "...", 4);
	sb->len = sb->size - 1;
}

/* ---- character classes -------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool streq_nocase(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && lower(a[i]) == lower(b[i]))
		i++;
	return a[i] == b[i];
}

/* A warning shows at most CMDLINE_SHOW_MAX bytes of what the user typed, with
 * anything unprintable replaced, so binary junk cannot garble the console. */
static void show(char out[SHOW_BUF], const char *p, size_t len, bool strip_quotes)
{
	struct sbuf sb;

	sb_init(&sb, out, SHOW_BUF);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (strip_quotes && c == '"')
			continue;
		if (sb.len == CMDLINE_SHOW_MAX) {
			sb_puts(&sb, "...");
			break;
		}
		sb_putc(&sb, (c >= 0x20 && c < 0x7f) ? (char)c : '?');
	}
}

/* Quotes only group blanks into a word; they are never part of a key or value. */
static size_t unquoted_len(const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] != '"';
	return n;
}

/* Caller guarantees size > unquoted_len(p, len). */
static void unquote(char *dst, const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (p[i] != '"')
			dst[n++] = p[i];
	dst[n] = '\0';
}

static bool key_matches(const char *key, size_t len, const char *name)
{
	size_t j = 0;

	for (size_t i = 0; i < len; i++) {
		if (key[i] == '"')
			continue;
		if (name[j] == '\0' || name[j] != key[i])
			return false;
		j++;
	}
	return name[j] == '\0';
}

/* ---- value parsers: each reads a whole NUL-terminated value or fails ----------- */

/* Decimal, or hexadecimal after 0x; no sign, no blanks, nothing after the digits. */
static bool parse_u64(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned base = 10;
	size_t i = 0, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; s[i]; i++, digits++) {
		char c = lower(s[i]);
		unsigned d;

		if (is_digit(c))
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		if (v > (~0ULL - d) / base)
			return false;
		v = v * base + d;
	}
	if (!digits)
		return false;
	*out = v;
	return true;
}

static bool parse_int(const char *s, const struct kernel_param *p, int *out)
{
	unsigned long long mag;
	long long v;
	bool neg = s[0] == '-';

	if (!parse_u64(s + neg, &mag))
		return false;
	if (neg) {
		if (mag > (unsigned long long)LLONG_MAX + 1)
			return false;
		v = mag ? -(long long)(mag - 1) - 1 : 0;
	} else {
		if (mag > (unsigned long long)LLONG_MAX)
			return false;
		v = (long long)mag;
	}
	if (v < p->i.min || v > p->i.max || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

static bool parse_uint(const char *s, const struct kernel_param *p, unsigned int *out)
{
	unsigned long long v;

	if (!parse_u64(s, &v))
		return false;
	if (v < p->u.min || v > p->u.max || v > UINT_MAX)
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (streq_nocase(s, yes[i])) {
			*out = true;
			return true;
		}
		if (streq_nocase(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_enum(const char *s, const struct kernel_param *p, int *out)
{
	for (size_t i = 0; i < p->e.n; i++) {
		if (streq_nocase(s, p->e.choices[i])) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

/* Up to `maxdigits` decimal digits, no leading zero (an octal-looking "010" would
 * mean 8 to some tools and 10 to others, so it is refused). */
static const char *scan_dec(const char *s, unsigned maxdigits, unsigned *out)
{
	unsigned v = 0, n = 0;

	while (n < maxdigits && is_digit(s[n])) {
		v = v * 10 + (unsigned)(s[n] - '0');
		n++;
	}
	if (n == 0 || is_digit(s[n]) || (n > 1 && s[0] == '0'))
		return NULL;
	*out = v;
	return s + n;
}

const char *cmdline_scan_ipv4(const char *s, uint32_t *out)
{
	uint32_t addr = 0;

	for (int i = 0; i < 4; i++) {
		unsigned octet;

		if (i > 0) {
			if (*s != '.')
				return NULL;
			s++;
		}
		s = scan_dec(s, 3, &octet);
		if (!s || octet > 255)
			return NULL;
		addr = (addr << 8) | octet;
	}
	*out = addr;
	return s;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *cmdline_scan_mac(const char *s, uint8_t out[6])
{
	uint8_t mac[6];

	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (i > 0) {
			if (*s != ':')
				return NULL;
			s++;
		}
		hi = hex_digit(*s);
		if (hi < 0)
			return NULL;
		s++;
		lo = hex_digit(*s);
		if (lo >= 0) {
			hi = hi * 16 + lo;
			s++;
		}
		mac[i] = (uint8_t)hi;
	}
	memcpy(out, mac, sizeof(mac));
	return s;
}

const char *cmdline_scan_ipv4_cidr(const char *s, struct ipv4_cidr *out)
{
	uint32_t addr;
	unsigned plen;

	s = cmdline_scan_ipv4(s, &addr);
	if (!s || *s != '/')
		return NULL;
	s = scan_dec(s + 1, 2, &plen);
	if (!s || plen > 32)
		return NULL;
	out->addr = addr;
	out->prefix_len = (uint8_t)plen;
	return s;
}

void cmdline_format_ipv4(uint32_t addr, char *buf, size_t size)
{
	struct sbuf sb;

	sb_init(&sb, buf, size);
	for (int shift = 24; shift >= 0; shift -= 8) {
		sb_putu(&sb, (addr >> shift) & 0xff);
		if (shift)
			sb_putc(&sb, '.');
	}
	sb_finish(&sb);
}

/* Strings hold only printable ASCII: they end up on the console and in protocol
 * fields, where control bytes would do harm. */
static bool span_printable(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f)
			return false;
	return true;
}

/* ---- describing a parameter --------------------------------------------------- */

static void format_value(const struct kernel_param *p, char *buf, size_t size)
{
	struct sbuf sb;
	char ip[16];

	sb_init(&sb, buf, size);
	switch (p->type) {
	case KPARAM_T_BOOL:
		sb_puts(&sb, *(const bool *)p->var ? "on" : "off");
		break;
	case KPARAM_T_INT:
		sb_puti(&sb, *(const int *)p->var);
		break;
	case KPARAM_T_UINT:
		sb_putu(&sb, *(const unsigned int *)p->var);
		break;
	case KPARAM_T_STRING: {
		const char *s = p->var;

		sb_putc(&sb, '"');
		for (size_t i = 0; i < p->str.size && s[i] && !sb.truncated; i++)
			sb_putc(&sb, s[i]);
		sb_putc(&sb, '"');
		break;
	}
	case KPARAM_T_ENUM: {
		int v = *(const int *)p->var;

		if (v >= 0 && (size_t)v < p->e.n) {
			sb_puts(&sb, p->e.choices[v]);
		} else {
			sb_puts(&sb, "invalid index ");
			sb_puti(&sb, v);
		}
		break;
	}
	case KPARAM_T_IPV4:
		cmdline_format_ipv4(*(const uint32_t *)p->var, ip, sizeof(ip));
		sb_puts(&sb, ip);
		break;
	case KPARAM_T_IPV4_CIDR: {
		const struct ipv4_cidr *c = p->var;

		cmdline_format_ipv4(c->addr, ip, sizeof(ip));
		sb_puts(&sb, ip);
		sb_putc(&sb, '/');
		sb_putu(&sb, c->prefix_len);
		break;
	}
	case KPARAM_T_CUSTOM:
		p->custom->format(p->var, buf, size);
		buf[size - 1] = '\0';
		return;
	}
	sb_finish(&sb);
}

static void describe_expected(const struct kernel_param *p, char *buf, size_t size)
{
	struct sbuf sb;

	sb_init(&sb, buf, size);
	switch (p->type) {
	case KPARAM_T_BOOL:
		sb_puts(&sb, "on/off, yes/no, true/false or 1/0");
		break;
	case KPARAM_T_INT:
		sb_puts(&sb, "integer ");
		sb_puti(&sb, p->i.min);
		sb_puts(&sb, "..");
		sb_puti(&sb, p->i.max);
		break;
	case KPARAM_T_UINT:
		sb_puts(&sb, "unsigned integer ");
		sb_putu(&sb, p->u.min);
		sb_puts(&sb, "..");
		sb_putu(&sb, p->u.max);
		break;
	case KPARAM_T_STRING:
		sb_puts(&sb, "printable text of at most ");
		sb_putu(&sb, p->str.size - 1);
		sb_puts(&sb, " characters");
		break;
	case KPARAM_T_ENUM:
		sb_puts(&sb, "one of ");
		for (size_t i = 0; i < p->e.n; i++) {
			if (i)
				sb_putc(&sb, '|');
			sb_puts(&sb, p->e.choices[i]);
		}
		break;
	case KPARAM_T_IPV4:
		sb_puts(&sb, "IPv4 address a.b.c.d");
		break;
	case KPARAM_T_IPV4_CIDR:
		sb_puts(&sb, "IPv4 address with prefix length a.b.c.d/0..32");
		break;
	case KPARAM_T_CUSTOM:
		sb_puts(&sb, p->custom->expected);
		break;
	}
	sb_finish(&sb);
}

/* ---- applying one word -------------------------------------------------------- */

static int reject(const struct kernel_param *p, const char *val, size_t len, bool has_value)
{
	char shown[SHOW_BUF], expected[EXPECT_BUF], def[SHOW_BUF];

	describe_expected(p, expected, sizeof(expected));
	format_value(p, def, sizeof(def));
	if (has_value) {
		show(shown, val, len, true);
		pr_warn("cmdline: bad value '%s' for %s (expected %s), using default %s\n",
			shown, p->name, expected, def);
	} else {
		pr_warn("cmdline: missing value for %s (expected %s), using default %s\n",
			p->name, expected, def);
	}
	return 1;
}

/* Parses into a scratch copy first and stores only a fully accepted value. */
static int set_param(const struct kernel_param *p, const char *val, size_t len, bool has_value)
{
	char buf[CMDLINE_VALUE_MAX];
	size_t ulen = unquoted_len(val, len);
	bool ok = false;

	if (p->type == KPARAM_T_BOOL && !has_value) {
		*(bool *)p->var = true;
		return 0;
	}
	if (!has_value)
		return reject(p, val, len, false);

	if (p->type == KPARAM_T_STRING) {
		if (ulen >= p->str.size || !span_printable(val, len))
			return reject(p, val, len, true);
		unquote(p->var, val, len);
		return 0;
	}

	if (ulen >= sizeof(buf))
		return reject(p, val, len, true);
	unquote(buf, val, len);

	switch (p->type) {
	case KPARAM_T_BOOL: {
		bool v;

		ok = parse_bool(buf, &v);
		if (ok)
			*(bool *)p->var = v;
		break;
	}
	case KPARAM_T_INT: {
		int v;

		ok = parse_int(buf, p, &v);
		if (ok)
			*(int *)p->var = v;
		break;
	}
	case KPARAM_T_UINT: {
		unsigned int v;

		ok = parse_uint(buf, p, &v);
		if (ok)
			*(unsigned int *)p->var = v;
		break;
	}
	case KPARAM_T_ENUM: {
		int v;

		ok = parse_enum(buf, p, &v);
		if (ok)
			*(int *)p->var = v;
		break;
	}
	case KPARAM_T_IPV4: {
		uint32_t v;
		const char *end = cmdline_scan_ipv4(buf, &v);

		ok = end && *end == '\0';
		if (ok)
			*(uint32_t *)p->var = v;
		break;
	}
	case KPARAM_T_IPV4_CIDR: {
		struct ipv4_cidr v;
		const char *end = cmdline_scan_ipv4_cidr(buf, &v);

		ok = end && *end == '\0';
		if (ok)
			*(struct ipv4_cidr *)p->var = v;
		break;
	}
	case KPARAM_T_CUSTOM:
		ok = p->custom->parse(buf, p->var) == 0;
		break;
	case KPARAM_T_STRING:
		break;
	}
	return ok ? 0 : reject(p, val, len, true);
}

static int apply_word(const char *w, size_t len, bool open_quote,
		      const struct kernel_param *params, size_t n)
{
	char shown[SHOW_BUF];
	const char *eq = memchr(w, '=', len);
	size_t keylen = eq ? (size_t)(eq - w) : len;

	if (open_quote) {
		show(shown, w, len, false);
		pr_warn("cmdline: unterminated quote in '%s' ignored\n", shown);
		return 1;
	}
	if (unquoted_len(w, keylen) == 0) {
		show(shown, w, len, false);
		pr_warn("cmdline: option without a name '%s' ignored\n", shown);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (key_matches(w, keylen, params[i].name)) {
			if (!eq)
				return set_param(&params[i], w + len, 0, false);
			return set_param(&params[i], eq + 1, len - keylen - 1, true);
		}
	}
	show(shown, w, keylen, true);
	pr_warn("cmdline: unknown option '%s' ignored\n", shown);
	return 1;
}

int cmdline_parse(const char *cmdline, const struct kernel_param *params, size_t n)
{
	size_t len = 0, pos = 0;
	int warnings = 0;

	if (!cmdline)
		return 0;
	while (len <= CMDLINE_MAX_LEN && cmdline[len])
		len++;
	if (len > CMDLINE_MAX_LEN) {
		/* Cut at a blank so no word is applied with its tail missing. */
		len = CMDLINE_MAX_LEN;
		while (len && !is_blank(cmdline[len]))
			len--;
		pr_warn("cmdline: longer than %u bytes, ignoring everything from offset %lu\n",
			(unsigned)CMDLINE_MAX_LEN, (unsigned long)len);
		warnings++;
	}

	while (pos < len) {
		size_t start;
		bool quoted = false;

		if (is_blank(cmdline[pos])) {
			pos++;
			continue;
		}
		start = pos;
		while (pos < len && (quoted || !is_blank(cmdline[pos]))) {
			if (cmdline[pos] == '"')
				quoted = !quoted;
			pos++;
		}
		warnings += apply_word(cmdline + start, pos - start, quoted, params, n);
	}
	return warnings;
}

static size_t kparams_count(void)
{
	if (!__start_kparams || !__stop_kparams)
		return 0;
	return (size_t)(__stop_kparams - __start_kparams);
}

int cmdline_parse_kparams(const char *cmdline)
{
	return cmdline_parse(cmdline, __start_kparams, kparams_count());
}

void cmdline_dump_params(const struct kernel_param *params, size_t n)
{
	char value[SHOW_BUF], expected[EXPECT_BUF];

	for (size_t i = 0; i < n; i++) {
		format_value(&params[i], value, sizeof(value));
		describe_expected(&params[i], expected, sizeof(expected));
		printk(LOG_INFO, "%-16s %-20s %s (%s)\n", params[i].name, value,
		       params[i].help ? params[i].help : "", expected);
	}
}

void cmdline_dump(void)
{
	cmdline_dump_params(__start_kparams, kparams_count());
}
