/* What the fuzz harness's files share (README.md has the input format):
 *
 *   fuzz_rx_frame.c  the entry point, the device model and l2reflect mode
 *   fuzz_stack.c     stack mode: the IPv4 stack configured on the adapter,
 *                    the UDP echo service, the checks on what it sends
 *   fuzz_kernel.c    the kernel around the code: bottom halves, softirqs,
 *                    the clock and its timers, wait queues, system calls */
#ifndef RINGOS_TEST_FUZZ_H
#define RINGOS_TEST_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include "igb_fake.h"

#define NQ          2
/* No jumbo frames: the longest frame either ring takes (tagged MTU frame). */
#define FRAME_MAX   (ETH_FRAME_LEN + VLAN_HLEN)
/* Ring sizes an input can pick: 64 to 120 descriptors in steps of 8. */
#define RING_MIN    64
#define RING_MAX    (RING_MIN + 7 * 8)

/* Global header. */
enum { G_FLAGS, G_RX_BUDGET, G_TX_BUDGET, G_RINGS, G_ALLOC_FAIL, G_LEN };
#define GF_RXCSUM    0x01
#define GF_RXHASH    0x02
#define GF_DEV_DOWN  0x04
#define GF_ONE_QUEUE 0x08
#define GF_STACK     0x10	/* the IPv4 stack instead of l2reflect */
#define GF_FIX_CSUM  0x20	/* stack mode: the harness completes the input's checksums */
#define GF_TCP       0x40	/* stack mode with the TCP app and relative numbers (fuzz_tcp.c) */
#define GF_TCP_ESTAB 0x80	/* TCP mode: a scripted handshake before the input's frames */
/* TCP mode: G_RINGS' two high bits set options on every connection. */
#define TR_KEEPALIVE 0x40	/* SO_KEEPALIVE, TCP_KEEPIDLE 10 s, KEEPINTVL 2 s, KEEPCNT 3 */
#define TR_LINGER0   0x80	/* SO_LINGER 0 s: close sends RST */
/* TCP mode: G_RX_BUDGET's high bit (the budget takes b % 64): the device
 * gathers and checksums (NETIF_F_SG | NETIF_F_IP_CSUM, the model inserting
 * the sums), and the echo sends with MSG_ZEROCOPY. */
#define GB_TCP_ZEROCOPY 0x80
#define TCP_FUZZ_PORT 7		/* the listener */
#define TCP_PEER_ISN 0xFFFFF000u	/* the scripted peer's ISN: its data wraps at 4 KiB */

/* Per record: the 16-byte write-back, a control byte, a 16-bit data length;
 * in stack mode one more byte, the time step. */
#define WB_LEN       16
#define REC_CTL      WB_LEN
#define REC_DLEN     (WB_LEN + 1)
#define REC_TIME     (WB_LEN + 3)
#define REC_HDR_LEN  (WB_LEN + 3)
#define REC_HDR_LEN_STACK (REC_HDR_LEN + 1)
#define RC_QUEUE     0x01	/* RX queue 1 instead of 0 */
#define RC_POLL      0x02	/* the burst ends here: the driver polls */
/* What happens around that poll, in poll()'s order: */
#define RC_RESET     0x20	/* the rings are reset, as ifdown + ifup do */
#define RC_HANG      0x10	/* the watchdog's hang check runs, 2 s later */
#define RC_TX_DEVICE 0x04	/* the device sends what the TX rings hold */
#define RC_TX_CLEAN  0x08	/* the poll reclaims TX before RX, as igb_poll does */
#define RC_ECHO      0x40	/* stack mode, after the poll: the echo services read */
#define RC_CLOSE     0x80	/* TCP mode, before RC_ECHO: the app closes or connects */

struct harness {
	struct igb_adapter *ad;
	unsigned int nq;
	int rx_budget, tx_budget;
	uint8_t alloc_fail_mask;
	unsigned int rx_allocs;
	bool rx_pending[NQ];		/* a write-back without DD waits for its DD */
	uint16_t rx_pending_idx[NQ];
	bool stack;			/* this input runs stack mode */
	bool tcp;			/* ... with GF_TCP */
};

extern struct harness h;

__noreturn __printf(1, 2) void die(const char *fmt, ...);

/* fuzz_rx_frame.c: the device's view of RX buffers, and the rings' bring-up
 * and teardown that both modes share. */
size_t arena_off(uint64_t addr, uint64_t len, const char *what);
void rx_skb_check(const struct sk_buff *skb);
/* h as the input's header says, nothing set up yet. */
void harness_reset(const uint8_t *g);
void rings_setup(struct igb_adapter *ad, const uint8_t *g);
void rings_teardown(struct igb_adapter *ad);
void drain(void);
void tx_rings_check_empty(void);
void check_all_returned(void);
/* A frame (at least 60 bytes) received on queue 0 with DD and EOP, then a
 * poll with the device sending and the apps reading: the harness's own. */
void harness_inject(const uint8_t *frame, uint32_t len);

/* fuzz_stack.c */
void stack_up(const uint8_t *g);
void stack_down(void);
/* Writes into out (IGB_RX_BUFSZ bytes) the frame the device receives
 * and into wb the write-back it reports: the input's, with the checksums
 * completed when asked and no checksum verdict the device did not earn. */
void stack_device_frame(const uint8_t *g, const uint8_t *wb_in, const uint8_t *data,
			uint32_t dlen, uint8_t *out, uint8_t *wb);
void stack_wire_check(unsigned int q, const uint8_t *frame, uint32_t len);
/* The echo service's turn: what its socket holds goes back to the senders. */
unsigned int stack_echo(void);
bool stack_idle(void);
const uint8_t *stack_mac(void);
be32 stack_ip(void);
/* GF_FIX_CSUM's sums: IPv4 header, and ICMP, UDP (unless zero) and TCP of
 * unfragmented packets. */
void stack_fix_checksums(uint8_t *f, uint32_t len);
/* The peer (10.0.0.1) asks ARP for us: the stack answers and learns it. */
void harness_inject_arp_request(void);

/* fuzz_tcp.c */
void tcp_fuzz_keys(void);
void tcp_fuzz_init(void);
void tcp_fuzz_up(const uint8_t *g);
void tcp_fuzz_xmit_peek(const struct sk_buff *skb);
void tcp_fuzz_rewrite(uint8_t *tcp, uint32_t plen);
struct iphdr;
void tcp_fuzz_wire_check(unsigned int q, const struct iphdr *iph, const uint8_t *l4,
			 uint32_t plen);
/* The app's turn (accept, echo) and RC_CLOSE's action. */
unsigned int tcp_fuzz_app(void);
/* FUZZ_TRACE's line for a TCP segment (dir "tx" or "rx"): ports, flags,
 * our numbers relative to the SYN the harness saw. */
void tcp_fuzz_trace(const char *dir, unsigned int q, const struct iphdr *iph, const uint8_t *l4,
		    uint32_t plen);
void tcp_fuzz_ctl(uint8_t ctl);
void tcp_fuzz_close_all(void);
void tcp_fuzz_check_idle(void);

/* fuzz_kernel.c */
/* Pending softirqs run, as at the end of a hard IRQ or a bottom-half section. */
void run_softirqs(void);
/* The clock moves on by ms, each timer firing at its own time and the
 * softirqs it raised running after it. */
void clock_advance(uint64_t ms);
void kernel_fakes_init(void);
/* The harness's NAPI poll as the NET_RX softirq: bottom halves off and
 * in_serving_softirq() between the two; at the end the flushes the layers
 * registered at boot (found once, after the initcalls) run, then the
 * softirqs the poll raised. */
void net_rx_flushes_found(void);
void net_rx_begin(void);
void net_rx_end(void);
void kernel_fakes_check_idle(void);

#endif
