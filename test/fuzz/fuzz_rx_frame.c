/* Fuzz entry point: raw frames and the descriptor write-backs that announce
 * them, through what app=l2reflect runs on the wire:
 *
 *   igb_clean_rx_irq -> netif_receive_skb -> l2reflect -> dev_queue_xmit
 *     -> igb_xmit_frame -> igb_xmit_frame_ring, then igb_clean_tx_irq
 *
 * or, with GF_STACK in the input's flags, through the IPv4 stack (ARP, IP,
 * reassembly, ICMP, UDP and a socket) and its replies (fuzz_stack.c).
 *
 * All of it is the real code (drivers/igb, net/, apps, and the slab, page and
 * DMA allocators on the unit tests' arena, skb_arena.h). The harness plays
 * the device, as the igb unit tests do, on igb_fake.h's adapter and register
 * file: on RX it writes frames into posted buffers and the input's
 * write-backs over their descriptors; on TX it fetches descriptors from TDH
 * to TDT, reads the frames and writes DD back.
 *
 * Being the device, the harness checks what the driver hands a device, which
 * no sanitizer sees inside the arena: every DMA address must be a live RX
 * buffer, every descriptor well formed, and every frame sent must be the one
 * received with its MACs swapped (l2reflect) or a well-formed reply (stack).
 * After each input it drains both rings and aborts unless every skb, buffer
 * and page is back where it came from, so one input cannot leave state that
 * breaks the next. The shared fixtures report through cmocka, which the
 * harness makes abort as die() does. Input format: README.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "host_support.h"
#include "skb_arena.h"
#include "apps/app.h"
#include "kernel/irqflags.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "net/checksum.h"
#include "net/skbuff.h"

#define MAX_RECORDS 256
/* Draining takes at most one poll per posted RX slot plus one per TX packet;
 * twice that is a bound a correct driver never reaches. */
#define MAX_DRAIN   (4 * RING_MAX)

struct expect {
	uint32_t len;
	uint8_t bytes[FRAME_MAX];
};

/* Frames the driver queued on one TX ring and the device has not sent yet, in
 * ring order. One packet takes at least one descriptor, so a ring's worth is
 * always enough. */
struct expect_fifo {
	struct expect e[RING_MAX];
	unsigned int head, n;
};

struct harness h;
static struct expect_fifo fifo[NQ];
static struct expect scratch;
static void *(*real_rx_alloc)(struct skb_buf_pool *);
static void (*real_rx_free)(struct skb_buf_pool *, void *);
static rx_handler_func_t l2reflect_rx;
/* One bit per 2 KiB of arena: set while that RX buffer is allocated. */
static uint8_t rx_live[TEST_SKB_ARENA_BYTES / IGB_RX_BUFSZ / 8];
/* Per RX buffer: the length the device last announced for a frame in it. */
static uint16_t rx_len[TEST_SKB_ARENA_BYTES / IGB_RX_BUFSZ];

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz_rx_frame: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* ---- RX buffer ownership ---- */

size_t arena_off(uint64_t addr, uint64_t len, const char *what)
{
	uint64_t start = (uintptr_t)test_arena;

	if (addr < start || len > TEST_SKB_ARENA_BYTES || addr - start > TEST_SKB_ARENA_BYTES - len)
		die("%s: %llu bytes at %#llx lie outside RAM", what, (unsigned long long)len,
		    (unsigned long long)addr);
	return (size_t)(addr - start);
}

static bool buf_live(size_t off)
{
	size_t b = off / IGB_RX_BUFSZ;

	return rx_live[b / 8] & (1u << (b % 8));
}

static void buf_mark(void *buf, bool live)
{
	size_t off = arena_off((uintptr_t)buf, IGB_RX_BUFSZ, "RX buffer"), b = off / IGB_RX_BUFSZ;

	if (off % IGB_RX_BUFSZ)
		die("RX buffer %p not %u-aligned", buf, IGB_RX_BUFSZ);
	if (buf_live(off) == live)
		die("RX buffer %p %s twice", buf, live ? "allocated" : "freed");
	rx_live[b / 8] ^= (uint8_t)(1u << (b % 8));
}

/* Also fails on the input's pattern, so the refill-failure paths run. */
static void *harness_rx_alloc(struct skb_buf_pool *pool)
{
	void *buf;

	if (h.alloc_fail_mask & (1u << (h.rx_allocs++ % 8)))
		return NULL;
	buf = real_rx_alloc(pool);
	if (buf)
		buf_mark(buf, true);
	return buf;
}

static void harness_rx_free(struct skb_buf_pool *pool, void *buf)
{
	buf_mark(buf, false);
	real_rx_free(pool, buf);
}

/* What the device may touch: len bytes inside one allocated RX buffer. */
static void *dma_target(uint64_t addr, uint32_t len, const char *what)
{
	size_t off = arena_off(addr, len, what);

	if (!buf_live(off) || off / IGB_RX_BUFSZ != (off + len - 1) / IGB_RX_BUFSZ)
		die("%s: %u bytes at %#llx are not inside an allocated RX buffer", what, len,
		    (unsigned long long)addr);
	return (void *)(uintptr_t)addr;
}

/* What the device may read for TX: l2reflect sends received frames, so an
 * allocated RX buffer; the stack sends skbs of its own, anywhere in RAM. */
static const void *tx_dma_source(uint64_t addr, uint32_t len)
{
	if (h.stack)
		return (const uint8_t *)test_arena + arena_off(addr, len, "TX buffer_addr");
	return dma_target(addr, len, "TX buffer_addr");
}

/* ---- the device ---- */

static uint32_t reg(uint32_t off)
{
	return igb_rd32(&h.ad->hw, off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	igb_wr32(&h.ad->hw, off, v);
}

static uint16_t ring_next(const struct igb_ring *r, uint32_t i)
{
	return (uint16_t)(i + 1 == r->count ? 0 : i + 1);
}

/* Writes one frame and its write-back into the next posted slot. Returns
 * false when the write-back lacks DD: the device is still busy with that
 * descriptor and writes nothing after it until it finishes. */
static bool device_rx(unsigned int q, const uint8_t *wb, const uint8_t *data, uint32_t dlen)
{
	struct igb_ring *r = &h.ad->rx_ring[q];
	uint32_t head = reg(IGB_RDH(q)), tail = reg(IGB_RDT(q));
	union igb_adv_rx_desc *d;
	uint8_t *buf;

	if (tail >= r->count)
		die("rx%u: RDT %u past a ring of %u", q, tail, r->count);
	/* Queue off or nothing posted: the frame is missed (RNBC on hardware). */
	if (!(reg(IGB_RCTL) & IGB_RCTL_EN) || !(reg(IGB_RXDCTL(q)) & IGB_XDCTL_ENABLE) ||
	    head == tail)
		return true;
	d = IGB_RX_DESC(r, head);
	if (d->read.hdr_addr)
		die("rx%u slot %u: hdr_addr %#llx without header split", q, head,
		    (unsigned long long)d->read.hdr_addr);
	buf = dma_target(d->read.pkt_addr, IGB_RX_BUFSZ, "RX pkt_addr");
	/* The rest of the buffer is zeroed so an input replays the same no matter
	 * which buffer, with what left in it, the slot holds. */
	memcpy(buf, data, dlen);
	memset(buf + dlen, 0, IGB_RX_BUFSZ - dlen);
	memcpy(d, wb, WB_LEN);
	rx_len[arena_off((uintptr_t)buf, IGB_RX_BUFSZ, "RX buffer") / IGB_RX_BUFSZ] = d->wb.length;
	set_reg(IGB_RDH(q), ring_next(r, head));
	if (d->wb.status_error & IGB_RXD_STAT_DD)
		return true;
	h.rx_pending[q] = true;
	h.rx_pending_idx[q] = (uint16_t)head;
	return false;
}

static void device_rx_finish(void)
{
	for (unsigned int q = 0; q < h.nq; q++) {
		if (h.rx_pending[q])
			IGB_RX_DESC(&h.ad->rx_ring[q], h.rx_pending_idx[q])->wb.status_error |=
				IGB_RXD_STAT_DD;
		h.rx_pending[q] = false;
	}
}

static void wire_check(unsigned int q, const uint8_t *frame, uint32_t len)
{
	struct expect_fifo *f = &fifo[q];
	const struct expect *e;

	if (!f->n)
		die("tx%u: a %u-byte frame nobody queued", q, len);
	e = &f->e[f->head];
	if (e->len != len)
		die("tx%u: frame of %u bytes sent, %u expected", q, len, e->len);
	for (uint32_t k = 0; k < len; k++)
		if (frame[k] != e->bytes[k])
			die("tx%u: byte %u of %u sent as %02x, expected %02x", q, k, len,
			    frame[k], e->bytes[k]);
	f->head = (f->head + 1) % RING_MAX;
	f->n--;
}

/* TXSM, as the device does it: the L4 sum from the end of the context's
 * IPLEN to the frame's end (the stack left the pseudo-header seed in the
 * field), folded into the field of the context's L4 type. */
static void device_tx_csum(unsigned int q, uint8_t *frame, uint32_t flen,
			   const struct igb_adv_tx_context_desc *ctx)
{
	uint32_t maclen = ctx->vlan_macip_lens >> IGB_ADVTXD_MACLEN_SHIFT & 0x7F;
	uint32_t off = maclen + (ctx->vlan_macip_lens & 0x1FF);
	bool tcp = ctx->type_tucmd_mlhl & IGB_ADVTXD_TUCMD_L4T_TCP;
	uint32_t field = off + (tcp ? 16 : 6);
	uint16_t sum;

	if (field + 2 > flen)
		die("tx%u: TXSM with the L4 sum at %u of a %u-byte frame", q, field, flen);
	sum = csum_fold(csum_partial(frame + off, flen - off, 0));
	if (!tcp && !sum)
		sum = 0xFFFF;
	memcpy(frame + field, &sum, 2);
}

/* Fetches and sends every descriptor from TDH up to TDT, reporting DD on
 * those with RS, as the device does. The driver moves TDT past whole packets
 * only, so TDT inside a packet is a driver bug. */
static void device_tx(unsigned int q)
{
	struct igb_ring *t = &h.ad->tx_ring[q];
	uint32_t head = reg(IGB_TDH(q)), tail = reg(IGB_TDT(q));
	static uint8_t frame[FRAME_MAX];
	struct igb_adv_tx_context_desc ctx = { 0 };
	uint32_t flen = 0, paylen = 0;
	bool in_packet = false, have_ctx = false, txsm = false;

	if (tail >= t->count || head >= t->count)
		die("tx%u: TDH %u / TDT %u past a ring of %u", q, head, tail, t->count);
	/* A queue left off never sends: the drain then reports it. */
	if (!(reg(IGB_TCTL) & IGB_TCTL_EN) || !(reg(IGB_TXDCTL(q)) & IGB_XDCTL_ENABLE))
		return;
	for (unsigned int n = 0; n < t->count && head != tail; n++) {
		union igb_adv_tx_desc *d = IGB_TX_DESC(t, head);
		uint32_t cmd = d->read.cmd_type_len, len = cmd & IGB_ADVTXD_DTALEN_MASK;

		if (!(cmd & IGB_ADVTXD_DCMD_DEXT))
			die("tx%u slot %u: legacy descriptor %08x", q, head, cmd);
		if ((cmd & (0xFu << 20)) == IGB_ADVTXD_DTYP_CTXT) {
			if (in_packet)
				die("tx%u slot %u: context descriptor inside a packet", q, head);
			memcpy(&ctx, d, sizeof(ctx));
			have_ctx = true;
		} else if ((cmd & (0xFu << 20)) == IGB_ADVTXD_DTYP_DATA) {
			/* Neither mode turns TSO on. */
			if (cmd & IGB_ADVTXD_DCMD_TSE)
				die("tx%u slot %u: TSO asked without NETIF_F_TSO", q, head);
			if (!in_packet) {
				paylen = d->read.olinfo_status >> IGB_ADVTXD_PAYLEN_SHIFT;
				txsm = d->read.olinfo_status & IGB_ADVTXD_POPTS_TXSM;
				if (txsm && !have_ctx)
					die("tx%u slot %u: TXSM without a context descriptor", q, head);
				flen = 0;
				in_packet = true;
			}
			if (!len || len > FRAME_MAX - flen)
				die("tx%u slot %u: %u more bytes after %u", q, head, len, flen);
			memcpy(frame + flen, tx_dma_source(d->read.buffer_addr, len), len);
			flen += len;
			if (cmd & IGB_ADVTXD_DCMD_EOP) {
				if (!(cmd & IGB_ADVTXD_DCMD_RS))
					die("tx%u slot %u: EOP without RS, never reported", q, head);
				if (flen != paylen)
					die("tx%u: PAYLEN %u for a %u-byte frame", q, paylen, flen);
				if (txsm)
					device_tx_csum(q, frame, flen, &ctx);
				if (h.stack)
					stack_wire_check(q, frame, flen);
				else
					wire_check(q, frame, flen);
				in_packet = false;
			}
			if (cmd & IGB_ADVTXD_DCMD_RS)
				d->wb.status = IGB_TXD_STAT_DD;
		} else {
			die("tx%u slot %u: descriptor type %08x", q, head, cmd);
		}
		head = ring_next(t, head);
	}
	if (in_packet)
		die("tx%u: TDT %u inside a packet", q, tail);
	set_reg(IGB_TDH(q), head);
}

/* ---- the app, watched ---- */

/* Around the real l2reflect handler: checks the skb against what the device
 * wrote, notes what the frame must look like on the wire and, if the driver
 * queued it, on which ring. */
/* What the driver hands up must be the frame the device wrote, where it
 * wrote it, at the length it announced. */
void rx_skb_check(const struct sk_buff *skb)
{
	size_t off = arena_off((uintptr_t)skb->data, skb->len, "received skb");

	if (off % IGB_RX_BUFSZ || !buf_live(off))
		die("skb data at %p, not at the start of a live RX buffer", skb->data);
	if (skb->len != rx_len[off / IGB_RX_BUFSZ])
		die("skb of %u bytes for a frame announced as %u", skb->len,
		    rx_len[off / IGB_RX_BUFSZ]);
}

static bool reflect_and_expect(struct sk_buff *skb)
{
	struct expect *e = &scratch;
	uint16_t used[NQ];
	int queued = -1;
	bool consumed;

	rx_skb_check(skb);
	e->len = MIN(skb->len, (uint32_t)FRAME_MAX);
	memcpy(e->bytes, skb->data, e->len);
	memcpy(e->bytes, skb->data + ETH_ALEN, ETH_ALEN);
	memcpy(e->bytes + ETH_ALEN, skb->data, ETH_ALEN);
	/* The device does not pad: the driver sends zeroes up to the minimum. */
	if (e->len < ETH_ZLEN) {
		memset(e->bytes + e->len, 0, ETH_ZLEN - e->len);
		e->len = ETH_ZLEN;
	}
	for (unsigned int q = 0; q < h.nq; q++)
		used[q] = h.ad->tx_ring[q].next_to_use;

	consumed = l2reflect_rx(skb);

	for (unsigned int q = 0; q < h.nq; q++) {
		if (h.ad->tx_ring[q].next_to_use == used[q])
			continue;
		if (queued >= 0)
			die("one frame queued on tx%d and tx%u", queued, q);
		queued = (int)q;
	}
	if (queued >= 0) {
		struct expect_fifo *f = &fifo[queued];

		if (f->n == RING_MAX)
			die("tx%d: more frames in flight than descriptors", queued);
		f->e[(f->head + f->n) % RING_MAX] = *e;
		f->n++;
	}
	return consumed;
}

static const struct net_device_ops harness_ops = {
	.ndo_start_xmit = igb_xmit_frame,
};

/* ---- one input ---- */

/* cmocka's asserts outside a cmocka test would exit(); aborting instead
 * makes a failed shared check a crash libFuzzer keeps, like die(). */
static void harness_init(void)
{
	if (setenv("CMOCKA_TEST_ABORT", "1", 1))
		die("setenv failed");
	test_skb_arena_setup();
	kernel_fakes_init();
}

/* The rings as the input's header asks, on an adapter made for NQ queue
 * pairs: what igb_open does for them, with the link up. */
void rings_setup(struct igb_adapter *ad, const uint8_t *g)
{
	uint16_t rx_count = (uint16_t)(RING_MIN + 8 * (g[G_RINGS] & 7));
	uint16_t tx_count = (uint16_t)(RING_MIN + 8 * ((g[G_RINGS] >> 3) & 7));

	ad->num_queues = h.nq;
	ad->netdev.real_num_tx_queues = h.nq;
	for (unsigned int q = 0; q < h.nq; q++) {
		ad->tx_ring[q].count = tx_count;
		ad->rx_ring[q].count = rx_count;
		if (igb_setup_tx_resources(&ad->tx_ring[q]) ||
		    igb_setup_rx_resources(ad, &ad->rx_ring[q]))
			die("ring setup failed on an empty arena");
	}
	if (ad->rx_pool.alloc != harness_rx_alloc) {
		real_rx_alloc = ad->rx_pool.alloc;
		real_rx_free = ad->rx_pool.free;
		ad->rx_pool.alloc = harness_rx_alloc;
		ad->rx_pool.free = harness_rx_free;
	}
	igb_configure_tx(ad);
	igb_configure_rx(ad);
	set_reg(IGB_STATUS, IGB_STATUS_LU);
	/* Failures only from here on: bring-up itself must fill the rings. */
	h.alloc_fail_mask = g[G_ALLOC_FAIL];
}

/* The data-path half of igb_close: DMA off, every skb and buffer the rings
 * hold reclaimed, their memory freed; the adapter stays. */
void rings_teardown(struct igb_adapter *ad)
{
	h.alloc_fail_mask = 0;
	igb_disable_rx(ad);
	igb_disable_tx(ad);
	igb_fake_rings_free(ad);
	for (unsigned int q = 0; q < NQ; q++)
		h.rx_pending[q] = false;
}

/* The input's header, common to both modes. */
void harness_reset(const uint8_t *g)
{
	memset(&h, 0, sizeof(h));
	for (unsigned int q = 0; q < NQ; q++)
		fifo[q].head = fifo[q].n = 0;
	h.nq = g[G_FLAGS] & GF_ONE_QUEUE ? 1 : NQ;
	h.rx_budget = 1 + g[G_RX_BUDGET] % NAPI_POLL_WEIGHT;
	h.tx_budget = 1 + g[G_TX_BUDGET] % NAPI_POLL_WEIGHT;
	h.stack = g[G_FLAGS] & (GF_STACK | GF_TCP);
	h.tcp = g[G_FLAGS] & GF_TCP;
}

static void adapter_up(const uint8_t *g)
{
	struct igb_adapter *ad;

	ad = h.ad = igb_fake_adapter(h.nq, RING_MIN, RING_MIN);
	ad->netdev.netdev_ops = &harness_ops;
	ad->netdev.num_tx_queues = h.nq;
	ad->netdev.up = !(g[G_FLAGS] & GF_DEV_DOWN);
	ad->netdev.carrier = true;
	if (g[G_FLAGS] & GF_RXCSUM)
		ad->netdev.features |= NETIF_F_RXCSUM;
	if (g[G_FLAGS] & GF_RXHASH)
		ad->netdev.features |= NETIF_F_RXHASH;
	rings_setup(ad, g);
	app_l2reflect.init(&ad->netdev);
	l2reflect_rx = ad->netdev.rx_handler;
	ad->netdev.rx_handler = reflect_and_expect;
}

/* The data-path half of igb_close then igb_open: queues stopped, DMA off,
 * every skb and buffer reclaimed, rings rebuilt and refilled, queues woken
 * as the link check does with the link up. Frames in flight are lost. */
static void reset_rings(void)
{
	struct igb_adapter *ad = h.ad;

	local_bh_disable();
	for (unsigned int q = 0; q < h.nq; q++)
		netif_tx_stop_queue(netdev_get_tx_queue(&ad->netdev, q));
	igb_disable_rx(ad);
	igb_disable_tx(ad);
	for (unsigned int q = 0; q < h.nq; q++) {
		igb_clean_tx_ring(&ad->tx_ring[q]);
		igb_clean_rx_ring(&ad->rx_ring[q]);
		fifo[q].n = 0;
		h.rx_pending[q] = false;
	}
	igb_configure_tx(ad);
	igb_configure_rx(ad);
	for (unsigned int q = 0; q < h.nq; q++)
		netif_tx_wake_queue(netdev_get_tx_queue(&ad->netdev, q));
	local_bh_enable();
}

/* The watchdog, IGB_TX_HANG_MS on: a ring the device has not worked since
 * is reset with its frames, which then never reach the wire. */
static void hang_check(void)
{
	clock_advance(IGB_TX_HANG_MS);
	for (unsigned int q = 0; q < h.nq; q++) {
		struct igb_ring *t = &h.ad->tx_ring[q];
		uint64_t hangs = t->stats.tx_hang;

		igb_check_tx_hang(h.ad, t);
		if (t->stats.tx_hang != hangs)
			fifo[q].n = 0;
	}
}

/* One igb_poll's worth on every vector, after the events ctl asks for;
 * returns the RX work done. */
static int poll(uint8_t ctl)
{
	int work = 0;

	clock_advance(1);
	if (ctl & RC_RESET)
		reset_rings();
	if (ctl & RC_HANG)
		hang_check();
	if (ctl & RC_TX_DEVICE)
		for (unsigned int q = 0; q < h.nq; q++)
			device_tx(q);
	/* The NAPI poll runs in the NET_RX softirq: what it raises (NET_TX for
	 * a qdisc the driver's wake rescheduled) runs as it ends. */
	net_rx_begin();
	for (unsigned int q = 0; q < h.nq; q++) {
		int w;

		if (ctl & RC_TX_CLEAN)
			igb_clean_tx_irq(&h.ad->q_vector[q], h.tx_budget);
		w = igb_clean_rx_irq(&h.ad->q_vector[q], h.rx_budget);
		if (w < 0 || w > h.rx_budget)
			die("rx%u: poll did %d with budget %d", q, w, h.rx_budget);
		work += w;
	}
	net_rx_end();
	device_rx_finish();
	kernel_fakes_check_idle();
	if (h.stack) {
		tcp_fuzz_ctl(ctl);
		if (ctl & RC_ECHO)
			stack_echo();
	}
	return work;
}

void harness_inject(const uint8_t *frame, uint32_t len)
{
	union igb_adv_rx_desc d;
	uint8_t wb[WB_LEN];

	memset(&d, 0, sizeof(d));
	d.wb.status_error = IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP;
	d.wb.length = (uint16_t)len;
	memcpy(wb, &d, WB_LEN);
	device_rx(0, wb, frame, len);
	poll(RC_POLL | RC_TX_DEVICE | RC_TX_CLEAN | RC_ECHO);
}

static bool tx_idle(void)
{
	for (unsigned int q = 0; q < h.nq; q++)
		if (h.ad->tx_ring[q].next_to_clean != h.ad->tx_ring[q].next_to_use)
			return false;
	return true;
}

/* Lets the device and the driver (and in stack mode the echo service and the
 * qdiscs) finish everything in flight. */
void drain(void)
{
	unsigned int n;

	for (n = 0; n < MAX_DRAIN; n++) {
		unsigned int echoed = h.stack ? stack_echo() : 0;

		if (!poll(RC_TX_DEVICE | RC_TX_CLEAN) && !echoed && tx_idle() &&
		    (!h.stack || stack_idle()))
			break;
	}
	if (n == MAX_DRAIN)
		die("rings not drained after %u polls", MAX_DRAIN);
	for (unsigned int q = 0; q < h.nq; q++) {
		if (fifo[q].n)
			die("tx%u: %u queued frames never sent", q, fifo[q].n);
		if (netif_tx_queue_stopped(&h.ad->netdev.tx_queue[q]))
			die("tx%u: queue left stopped on an empty ring", q);
	}
}

/* The drain left the TX rings empty, so closing frees no TX skb: one still
 * owned would be a packet the driver lost track of. */
void tx_rings_check_empty(void)
{
	for (unsigned int q = 0; q < h.nq; q++) {
		struct igb_ring *t = &h.ad->tx_ring[q];

		for (unsigned int i = 0; t->desc && i < t->count; i++)
			if (t->tx_buffer_info[i].skb || t->tx_buffer_info[i].next_to_watch)
				die("tx%u slot %u still owned after the drain", q, i);
	}
}

/* Between inputs nothing may stay out: every RX buffer, skb and page. */
void check_all_returned(void)
{
	for (size_t b = 0; b < sizeof(rx_live); b++)
		if (rx_live[b])
			die("RX buffer at arena offset %zu never freed", b * 8 * IGB_RX_BUFSZ);
	test_skb_assert_all_freed();
	test_arena_assert_all_returned();
}

static void adapter_down(void)
{
	tx_rings_check_empty();
	igb_fake_adapter_free(h.ad);
	check_all_returned();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stack mode's time step: 1 ms to 18 h on a rough logarithmic scale. */
static uint64_t time_step_ms(uint8_t b)
{
	return (uint64_t)(b & 0x1F) << (3 * (b >> 5));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[IGB_RX_BUFSZ];
	size_t at = G_LEN, hdr_len;
	uint8_t ctl = 0;

	if (size < G_LEN)
		return 0;
	if (!test_arena)
		harness_init();
	printk_capture_reset();
	harness_reset(data);
	if (h.stack)
		stack_up(data);
	else
		adapter_up(data);
	hdr_len = h.stack ? REC_HDR_LEN_STACK : REC_HDR_LEN;
	for (unsigned int n = 0; n < MAX_RECORDS && size - at >= hdr_len; n++) {
		const uint8_t *rec = data + at, *wb = rec, *bytes = data + at + hdr_len;
		uint32_t dlen = (uint32_t)rec[REC_DLEN] | (uint32_t)rec[REC_DLEN + 1] << 8;
		uint8_t stack_wb[WB_LEN];

		at += hdr_len;
		dlen = MIN(dlen, (uint32_t)MIN(size - at, (size_t)IGB_RX_BUFSZ));
		ctl = rec[REC_CTL];
		if (h.stack) {
			uint64_t step = time_step_ms(rec[REC_TIME]);

			/* Longer than the watchdog's period: it resets a ring the
			 * device has not worked, as on hardware, so no frame (and
			 * no TCP clone) stays in a ring for hours. */
			if (step > IGB_TX_HANG_MS) {
				hang_check();
				step -= IGB_TX_HANG_MS;
			}
			clock_advance(step);
			stack_device_frame(data, rec, bytes, dlen, frame, stack_wb);
			wb = stack_wb;
			bytes = frame;
		}
		if (!device_rx(ctl & RC_QUEUE & (h.nq - 1), wb, bytes, dlen) || (ctl & RC_POLL))
			poll(ctl);
		at += dlen;
	}
	/* Whatever the last burst left unpolled is seen first with the input's
	 * own TX choices, then everything is drained. */
	if (!(ctl & RC_POLL))
		poll(ctl);
	drain();
	if (h.stack)
		stack_down();
	else
		adapter_down();
	return 0;
}

#ifdef FUZZ_REPLAY
/* Replays inputs without libFuzzer (gcc, ASan/UBSan): each argument is a file
 * or a directory of them, run in name order. */
#include <dirent.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT (1u << 20)

static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	int rc = 0;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "fuzz_rx_frame: %s: not a regular file of at most %u bytes\n",
			path, REPLAY_MAX_INPUT);
		return -1;
	}
	/* Exactly the input's size, so reads past its end are caught. */
	buf = malloc((size_t)st.st_size + !st.st_size);
	f = fopen(path, "rb");
	if (!buf || !f || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		perror(path);
		rc = -1;
	} else {
		if (getenv("FUZZ_TRACE"))
			fprintf(stderr, "== %s\n", path);
		LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
	}
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	unsigned int inputs = 0;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int n;

		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			failed |= replay_file(argv[i]);
			inputs++;
			continue;
		}
		n = scandir(argv[i], &names, skip_dots, alphasort);
		if (n < 0) {
			perror(argv[i]);
			failed = -1;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]->d_name);
			failed |= replay_file(path);
			inputs++;
			free(names[k]);
		}
		free(names);
	}
	if (!inputs || failed) {
		fprintf(stderr, "usage: %s FILE|DIR... (every input must be readable)\n", argv[0]);
		return 1;
	}
	printf("fuzz_rx_frame: %u inputs replayed\n", inputs);
	return 0;
}
#endif
