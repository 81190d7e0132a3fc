/* An igb adapter with no device behind it, for the unit tests and the fuzz
 * harness: a calloc'd block stands in for BAR0 (under RINGOS_HOST readl and
 * writel are plain volatile accesses, so it keeps what was written), and the
 * queue pairs are wired to their vectors the way igb_request_irq leaves them
 * in MSI-X mode. Whoever holds the adapter plays the device: it writes the
 * descriptor write-backs and head registers itself. */
#ifndef RINGOS_TEST_IGB_FAKE_H
#define RINGOS_TEST_IGB_FAKE_H

#include <stdint.h>
#include "drivers/igb/igb.h"

/* What jiffies() returns: time moves only when the caller moves it. */
extern uint64_t fake_jiffies;
/* igb_wait_reg calls since the last igb_fake_adapter. */
extern unsigned int igb_fake_wait_reg_calls;

/* "eth0" with nq queue pairs of the given ring sizes, MSI-X, no features:
 * what the driver's setup_*_resources and configure_* start from. */
struct igb_adapter *igb_fake_adapter(unsigned int nq, uint16_t tx_count, uint16_t rx_count);
/* Close without a device: every ring that has memory is cleaned and freed,
 * the RX buffer cache destroyed (it fails while any buffer is still out),
 * then the register file and the adapter. */
/* Cleans and frees every ring of ad (buffers back to their pools). */
void igb_fake_rings_free(struct igb_adapter *ad);
void igb_fake_adapter_free(struct igb_adapter *ad);

#endif
