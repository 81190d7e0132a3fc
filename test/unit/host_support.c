/* What kernel modules expect from their surroundings, for host unit tests:
 * printk into a capture buffer a test can inspect, and the fake IRQ flag. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "host_support.h"

int host_irq_disabled;
int console_loglevel = LOG_DEBUG;
char printk_capture[PRINTK_CAPTURE_SIZE];
size_t printk_capture_len;

static void capture(const char *fmt, va_list ap)
{
	int n = vsnprintf(printk_capture + printk_capture_len,
			  sizeof(printk_capture) - printk_capture_len, fmt, ap);

	if (n > 0) {
		printk_capture_len += (size_t)n;
		if (printk_capture_len >= sizeof(printk_capture))
			printk_capture_len = sizeof(printk_capture) - 1;
	}
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	capture(fmt, ap);
	va_end(ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	capture(fmt, ap);
	va_end(ap);
}

void printk_capture_reset(void)
{
	printk_capture_len = 0;
	printk_capture[0] = '\0';
}

int printk_capture_lines(void)
{
	int n = 0;
	for (size_t i = 0; i < printk_capture_len; i++)
		n += printk_capture[i] == '\n';
	return n;
}
