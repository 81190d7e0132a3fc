#include "drivers/uart16550.h"
#include "kernel/io.h"

/* At 9600 baud one byte takes ~1 ms; 200k polls of a port is far beyond that
 * and still ends if the UART is absent or wedged. */
#define UART_TX_SPIN_LIMIT 200000

bool uart_init(struct uart *u, uint16_t base, unsigned baud)
{
	uint16_t div;

	u->base = base;
	/* An absent port reads back 0xFF; the scratch register must hold a value. */
	outb(base + UART_SCR, 0x5A);
	if (inb(base + UART_SCR) != 0x5A) {
		u->present = false;
		return false;
	}
	if (baud == 0 || baud > UART_CLOCK)
		baud = UART_CLOCK;
	div = (uint16_t)(UART_CLOCK / baud);
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, UART_LCR_DLAB);
	outb(base + UART_DLL, div & 0xFF);
	outb(base + UART_DLM, div >> 8);
	outb(base + UART_LCR, UART_LCR_8N1);
	outb(base + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR | UART_FCR_TRIG1);
	outb(base + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	u->present = true;
	return true;
}

bool uart_tx_ready(struct uart *u)
{
	return inb(u->base + UART_LSR) & UART_LSR_THRE;
}

void uart_tx_byte(struct uart *u, uint8_t c)
{
	outb(u->base + UART_THR, c);
}

bool uart_putc_sync(struct uart *u, uint8_t c)
{
	if (!u->present)
		return false;
	for (int i = 0; i < UART_TX_SPIN_LIMIT; i++) {
		if (uart_tx_ready(u)) {
			uart_tx_byte(u, c);
			return true;
		}
		cpu_relax();
	}
	return false;
}

int uart_getc(struct uart *u)
{
	if (!u->present || !(inb(u->base + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(u->base + UART_RBR);
}

void uart_set_ier(struct uart *u, uint8_t ier)
{
	if (u->present)
		outb(u->base + UART_IER, ier);
}
