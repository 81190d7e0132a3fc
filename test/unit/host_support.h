#ifndef RINGOS_TEST_HOST_SUPPORT_H
#define RINGOS_TEST_HOST_SUPPORT_H

#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>
#include "kernel/printk.h"

#define PRINTK_CAPTURE_SIZE 65536
extern char printk_capture[PRINTK_CAPTURE_SIZE];
extern size_t printk_capture_len;
void printk_capture_reset(void);
int printk_capture_lines(void);

#endif
