/* 16550A UART, the PC's COM ports. Registers as offsets from the I/O base. */
#ifndef RINGOS_UART16550_H
#define RINGOS_UART16550_H

#include "kernel/compiler.h"

#define UART_RBR 0	/* receive buffer (read, DLAB=0) */
#define UART_THR 0	/* transmit holding (write, DLAB=0) */
#define UART_DLL 0	/* divisor latch low (DLAB=1) */
#define UART_IER 1	/* interrupt enable (DLAB=0) */
#define  UART_IER_RDI   0x01	/* received data available */
#define  UART_IER_THRI  0x02	/* transmit holding register empty */
#define UART_DLM 1	/* divisor latch high (DLAB=1) */
#define UART_IIR 2	/* interrupt identification (read) */
#define  UART_IIR_NO_INT 0x01
#define UART_FCR 2	/* FIFO control (write) */
#define  UART_FCR_ENABLE 0x01
#define  UART_FCR_CLEAR  0x06	/* clear both FIFOs */
#define  UART_FCR_TRIG1  0x00	/* RX interrupt after 1 byte: the shell wants latency */
#define UART_LCR 3	/* line control */
#define  UART_LCR_8N1   0x03
#define  UART_LCR_DLAB  0x80
#define UART_MCR 4	/* modem control */
#define  UART_MCR_DTR   0x01
#define  UART_MCR_RTS   0x02
#define  UART_MCR_OUT2  0x08	/* gates the interrupt line on PC hardware */
#define UART_LSR 5	/* line status */
#define  UART_LSR_DR    0x01
#define  UART_LSR_THRE  0x20
#define UART_SCR 7	/* scratch: presence test */

#define UART_CLOCK    115200
#define UART_FIFO_LEN 16

struct uart {
	uint16_t base;
	bool present;
};

bool uart_init(struct uart *u, uint16_t base, unsigned baud);
/* Bounded wait for room, then one byte. Returns false if the UART never drained. */
bool uart_putc_sync(struct uart *u, uint8_t c);
bool uart_tx_ready(struct uart *u);
void uart_tx_byte(struct uart *u, uint8_t c);
/* -1 when nothing is waiting. */
int uart_getc(struct uart *u);
void uart_set_ier(struct uart *u, uint8_t ier);

#endif
