/* The system console: a serial line (COM1). Output is buffered and drained by the
 * UART's transmit interrupt once interrupts run; before that, and in a panic, it is
 * written synchronously. Input arrives by interrupt into a ring buffer. */
#ifndef RINGOS_CONSOLE_H
#define RINGOS_CONSOLE_H

#include "kernel/compiler.h"

void console_init(void);
/* Applies the `console=` option once the command line is parsed. */
void console_configure(void);
/* Switches to interrupt-driven transmit and receive once the IOAPIC is up. */
void console_enable_irq(void);
void console_write(const char *s, size_t len);
/* Synchronous output for the panic path: bypasses and then flushes the buffer. */
void console_write_sync(const char *s, size_t len);
void console_flush(void);
/* True when received bytes wait to be read; call with interrupts off to
 * decide whether to sleep. */
bool console_input_pending(void);
/* Copies up to len received bytes; never blocks. Returns the count. */
size_t console_read(char *buf, size_t len);

/* Woken when input arrives (interrupt mode only: console_irq_driven()). */
struct wait_queue_head;
extern struct wait_queue_head console_wq;
bool console_irq_driven(void);
/* Called from the receive interrupt on Ctrl-C; returning true swallows the byte. */
void console_set_intr_hook(bool (*hook)(void));

#endif
