/* The symbolic name of an errno value, for the apps' one-line failures
 * ("send: connect failed: ECONNREFUSED"): what a user greps for. */
#ifndef RINGOS_APPS_ERRNO_NAME_H
#define RINGOS_APPS_ERRNO_NAME_H

#include <stddef.h>

/* The name, or "errno N" written into buf for a value without one. */
const char *errno_name(int err, char *buf, size_t size);

#endif
