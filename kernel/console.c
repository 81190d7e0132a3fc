/* Console on COM1. Transmit goes through a ring drained by the THR-empty
 * interrupt so a burst of log lines never stalls the caller for the time the
 * wire needs (87 us a byte at 115200 on real hardware); receive fills a ring
 * from the RX interrupt for the shell. Before interrupts work, and whenever
 * the ring is full, bytes go out synchronously instead: nothing is dropped. */
#include <stdlib.h>
#include <string.h>
#include "kernel/console.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/irq.h"
#include "kernel/irqflags.h"
#include "kernel/io.h"
#include "drivers/uart16550.h"
#include "kernel/wait.h"

#define TX_RING   16384		/* power of two */
#define RX_RING   1024		/* power of two */

static struct uart com1;
static bool irq_mode;
static bool thri_on;

/* tx_head/rx_head: producer index; tx_tail/rx_tail: consumer index; both run
 * freely and are masked on use, so head - tail is the fill level. */
static char tx_ring[TX_RING];
static uint32_t tx_head, tx_tail;
static char rx_ring[RX_RING];
static uint32_t rx_head, rx_tail;

struct wait_queue_head console_wq = WAIT_QUEUE_HEAD_INIT(console_wq);
static bool (*intr_hook)(void);

uint64_t console_rx_overruns;
uint64_t console_tx_stalls;

static const uint16_t com_ports[] = { 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
static const uint8_t com_irqs[] = { 4, 3, 4, 3 };
static unsigned com_index;
static char console_opt[24] = "ttyS0,115200";
KPARAM_STRING("console", console_opt, "serial console: ttyS<0-3>[,<baud>]");

void console_init(void)
{
	uart_init(&com1, com_ports[0], 115200);
}

/* Applies `console=`; a value that does not parse keeps ttyS0 at 115200. */
void console_configure(void)
{
	unsigned long idx, baud = 115200;
	char *end;

	if (strncmp(console_opt, "ttyS", 4) != 0)
		goto bad;
	idx = strtoul(console_opt + 4, &end, 10);
	if (end == console_opt + 4 || idx >= ARRAY_SIZE(com_ports))
		goto bad;
	if (*end == ',') {
		const char *b = end + 1;

		baud = strtoul(b, &end, 10);
		if (end == b || baud == 0 || baud > UART_CLOCK || UART_CLOCK % baud)
			goto bad;
	}
	if (*end != '\0')
		goto bad;
	if (idx == 0 && baud == 115200)
		return;
	com_index = (unsigned)idx;
	if (!uart_init(&com1, com_ports[idx], (unsigned)baud)) {
		uart_init(&com1, com_ports[0], 115200);
		com_index = 0;
		pr_warn("console: ttyS%lu not present, staying on ttyS0\n", idx);
	}
	return;
bad:
	pr_warn("console: bad value '%.23s' (expected ttyS<0-3>[,<baud>]), using ttyS0,115200\n",
		console_opt);
}

static void put_raw_sync(char c)
{
	if (!uart_putc_sync(&com1, (uint8_t)c))
		console_tx_stalls++;
}

/* Once THR is empty the whole FIFO is free: one status read per 16 bytes
 * instead of one per byte (each is a VM exit under emulation). */
static void write_sync_fifo(const char *s, size_t len)
{
	size_t i = 0;
	bool cr_done = false;

	while (i < len) {
		if (!uart_putc_sync(&com1, s[i] == '\n' && !cr_done ? '\r' : s[i])) {
			console_tx_stalls++;
			return;
		}
		for (int room = UART_FIFO_LEN - 1;; room--) {
			if (s[i] == '\n' && !cr_done) {
				cr_done = true;
			} else {
				cr_done = false;
				i++;
			}
			if (room == 0 || i == len)
				break;
			uart_tx_byte(&com1, s[i] == '\n' && !cr_done ? '\r' : (uint8_t)s[i]);
		}
	}
}

/* Moves ring bytes into the UART FIFO; called with interrupts off. */
static void tx_drain_fifo(void)
{
	if (!uart_tx_ready(&com1))
		return;
	for (int i = 0; i < UART_FIFO_LEN && tx_tail != tx_head; i++)
		uart_tx_byte(&com1, (uint8_t)tx_ring[tx_tail++ & (TX_RING - 1)]);
	if (tx_tail == tx_head && thri_on) {
		uart_set_ier(&com1, UART_IER_RDI);
		thri_on = false;
	} else if (tx_tail != tx_head && !thri_on) {
		uart_set_ier(&com1, UART_IER_RDI | UART_IER_THRI);
		thri_on = true;
	}
}

/* Ring full: push the oldest bytes out by polling until there is room. */
static void tx_make_room(void)
{
	for (int i = 0; i < 64 && tx_head - tx_tail >= TX_RING; i++) {
		for (int b = 0; b < UART_FIFO_LEN && tx_tail != tx_head; b++)
			put_raw_sync(tx_ring[tx_tail++ & (TX_RING - 1)]);
	}
}

static void tx_queue(char c)
{
	if (tx_head - tx_tail >= TX_RING)
		tx_make_room();
	tx_ring[tx_head++ & (TX_RING - 1)] = c;
}

void console_write(const char *s, size_t len)
{
	unsigned long flags;

	if (!com1.present)
		return;
	if (!irq_mode) {
		write_sync_fifo(s, len);
		return;
	}
	flags = local_irq_save();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			tx_queue('\r');
		tx_queue(s[i]);
	}
	tx_drain_fifo();
	local_irq_restore(flags);
}

void console_flush(void)
{
	unsigned long flags = local_irq_save();

	while (tx_tail != tx_head)
		put_raw_sync(tx_ring[tx_tail++ & (TX_RING - 1)]);
	local_irq_restore(flags);
}

void console_write_sync(const char *s, size_t len)
{
	irq_mode = false;
	console_flush();
	console_write(s, len);
}

bool console_input_pending(void)
{
	if (!irq_mode)
		return com1.present && (inb(com1.base + UART_LSR) & UART_LSR_DR);
	return rx_head != rx_tail;
}

size_t console_read(char *buf, size_t len)
{
	unsigned long flags = local_irq_save();
	size_t n = 0;

	if (!irq_mode) {
		int c;
		while (n < len && (c = uart_getc(&com1)) >= 0)
			buf[n++] = (char)c;
	}
	while (n < len && rx_tail != rx_head)
		buf[n++] = rx_ring[rx_tail++ & (RX_RING - 1)];
	local_irq_restore(flags);
	return n;
}

static void com1_interrupt(void *data)
{
	int c;

	(void)data;
	/* Bounded: at most a FIFO's worth of input per pass plus a few passes. */
	for (int pass = 0; pass < 8; pass++) {
		for (int i = 0; i < 64 && (c = uart_getc(&com1)) >= 0; i++) {
			/* Ctrl-C for a running command goes to it as a signal, not
			 * into the line the shell reads after the command. */
			if (c == 0x03 && intr_hook && intr_hook())
				continue;
			if (rx_head - rx_tail >= RX_RING) {
				console_rx_overruns++;
				continue;
			}
			rx_ring[rx_head++ & (RX_RING - 1)] = (char)c;
		}
		tx_drain_fifo();
		if (rx_head != rx_tail)
			wake_up(&console_wq);
		if (inb(com1.base + UART_IIR) & UART_IIR_NO_INT)
			break;
	}
}

bool console_irq_driven(void)
{
	return irq_mode;
}

void console_set_intr_hook(bool (*hook)(void))
{
	intr_hook = hook;
}

void console_enable_irq(void)
{
	unsigned long flags;

	if (!com1.present || irq_setup_isa(com_irqs[com_index], com1_interrupt, NULL, "serial") < 0)
		return;
	flags = local_irq_save();
	irq_mode = true;
	uart_set_ier(&com1, UART_IER_RDI);
	local_irq_restore(flags);
}
