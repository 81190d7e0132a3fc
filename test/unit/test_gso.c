/* Software GSO (net/core/gso.c): a TSO super-packet cut into MSS segments,
 * every field of every segment checked, the checksums against a reference
 * sum written here byte by byte (not net/checksum.h), with and without
 * checksum offload; a clone's shared data left untouched; allocation failure
 * midway and malformed packets dropped, counted, nothing leaked. */
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/page_alloc.h"
#include "net/gso.h"
#include "net/if_ether.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "net/snmp.h"
#include "net/tcp_hdr.h"
#include "skb_arena.h"

#define TCP_HL 32			/* with the timestamp option */
#define HDR (ETH_HLEN + IP_MIN_HLEN + TCP_HL)
#define MSS 1448
#define SEQ0 0xfffff000u		/* wraps inside a 64 KB packet */
#define ID0 0xfff0			/* wraps too */
#define SADDR HTONL_C(0x0a000002)
#define DADDR HTONL_C(0x0a000001)

static uint8_t pattern(uint32_t i) { return (uint8_t)(i * 7 + 3); }

/* RFC 1071 by hand: 16-bit big-endian words, carries folded at the end. */
static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header of RFC 9293 3.1 for a TCP segment of len bytes. */
static uint32_t ref_pseudo(const struct iphdr *iph, uint32_t len)
{
	uint32_t sum = ref_sum((const uint8_t *)&iph->saddr, 4, 0);

	sum = ref_sum((const uint8_t *)&iph->daddr, 4, sum);
	return sum + IPPROTO_TCP + len;
}

static uint16_t be16_at(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A super-packet as TCP and IP hand it down: Ethernet, IPv4 (DF), TCP with
 * NOP NOP TIMESTAMP, payload bytes, the TCP checksum partial. */
static struct sk_buff *tso_skb(uint32_t payload, uint16_t mss, uint8_t flags)
{
	struct sk_buff *skb = alloc_skb_tx(HDR + payload);
	uint8_t *p, *ip, *th;

	assert_non_null(skb);
	p = skb_put(skb, HDR + payload);
	assert_non_null(p);
	memset(p, 0, HDR);
	memcpy(p, "\x52\x54\x00\x00\x00\x01\x52\x54\x00\x12\x34\x56\x08\x00", ETH_HLEN);
	ip = p + ETH_HLEN;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((IP_MIN_HLEN + TCP_HL + payload) >> 8);
	ip[3] = (uint8_t)(IP_MIN_HLEN + TCP_HL + payload);
	ip[4] = ID0 >> 8;
	ip[5] = ID0 & 0xff;
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &(be32){ SADDR }, 4);
	memcpy(ip + 16, &(be32){ DADDR }, 4);
	th = ip + IP_MIN_HLEN;
	memcpy(th, "\x9c\x40\x00\x13", 4);	/* 40000 -> 19 */
	th[4] = SEQ0 >> 24;
	th[5] = (SEQ0 >> 16) & 0xff;
	th[6] = (SEQ0 >> 8) & 0xff;
	th[7] = SEQ0 & 0xff;
	memcpy(th + 8, "\x11\x22\x33\x44", 4);
	th[12] = (TCP_HL / 4) << 4;
	th[13] = flags;
	th[14] = 0xfa;
	th[15] = 0xf0;
	memcpy(th + 20, "\x01\x01\x08\x0a\x00\x00\x10\x00\x00\x00\x20\x00", 12);
	for (uint32_t i = 0; i < payload; i++)
		p[HDR + i] = pattern(i);
	skb->protocol = HTONS_C(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb->network_header = (uint16_t)(skb->mac_header + ETH_HLEN);
	skb->transport_header = (uint16_t)(skb->network_header + IP_MIN_HLEN);
	skb->gso_size = mss;
	skb->gso_type = SKB_GSO_TCPV4;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = 16;
	skb->queue_mapping = 2;
	skb->hash = 0x1234;
	return skb;
}

static struct gso_stats st0;
static uint64_t copy0;

static struct gso_stats gso_delta(void)
{
	struct gso_stats s;
	uint64_t v;

	gso_get_stats(&s);
	/* The same counters are what netstat -s shows. */
	assert_true(snmp_get("GsoSegments", &v));
	assert_int_equal(v, s.segments);
	assert_true(snmp_get("GsoDropMalformed", &v));
	assert_int_equal(v, s.dropped_malformed);
	s.packets -= st0.packets;
	s.segments -= st0.segments;
	s.dropped_malformed -= st0.dropped_malformed;
	s.dropped_nomem -= st0.dropped_nomem;
	return s;
}

static uint64_t copied(void)
{
	uint64_t v;

	assert_true(snmp_get("CopyGso", &v));
	assert_int_equal(v, skb_copy_bytes(SKB_COPY_GSO));
	return v - copy0;
}

static int setup(void **state)
{
	(void)state;
	test_skb_mark();
	gso_get_stats(&st0);
	copy0 = skb_copy_bytes(SKB_COPY_GSO);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(host_irq_disabled, 0);
	return 0;
}

/* Checks the chain against a tso_skb(payload, mss, flags) and frees it;
 * returns the number of segments. */
static unsigned int check_segments(struct sk_buff *segs, uint32_t payload, uint16_t mss,
				   uint8_t flags, uint64_t features)
{
	unsigned int n = 0;
	uint32_t off = 0;

	while (segs) {
		struct sk_buff *seg = segs, *next = seg->next;
		uint32_t size = payload - off < mss ? payload - off : mss;
		bool last = next == NULL;
		const uint8_t *p = seg->data, *ip = p + ETH_HLEN, *th = ip + IP_MIN_HLEN;
		uint8_t want = flags;

		assert_int_equal(seg->len, HDR + size);
		assert_memory_equal(p, "\x52\x54\x00\x00\x00\x01\x52\x54\x00\x12\x34\x56\x08\x00",
				    ETH_HLEN);
		assert_int_equal(seg->gso_size, 0);
		assert_int_equal(seg->queue_mapping, 2);
		assert_int_equal(seg->hash, 0x1234);
		assert_int_equal(seg->protocol, HTONS_C(ETH_P_IP));
		assert_ptr_equal(skb_mac_header(seg), p);
		assert_ptr_equal(skb_network_header(seg), ip);
		assert_ptr_equal(skb_transport_header(seg), th);
		/* IPv4: length, consecutive ID, DF kept, a valid header sum. */
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(be16_at(ip + 2), IP_MIN_HLEN + TCP_HL + size);
		assert_int_equal(be16_at(ip + 4), (uint16_t)(ID0 + n));
		assert_int_equal(be16_at(ip + 6), IP_DF);
		assert_int_equal(ip[8], 64);
		assert_int_equal(ref_fold(ref_sum(ip, IP_MIN_HLEN, 0)), 0xffff);
		/* TCP: seq at the payload offset, the rest of the header as sent. */
		assert_int_equal(be32_at(th + 4), (uint32_t)(SEQ0 + off));
		assert_memory_equal(th + 8, "\x11\x22\x33\x44", 4);
		if (!last)
			want &= (uint8_t)~(TCPHDR_FIN | TCPHDR_PSH);
		if (n)
			want &= (uint8_t)~TCPHDR_CWR;
		assert_int_equal(th[13], want);
		assert_int_equal(be16_at(th + 14), 0xfaf0);
		assert_memory_equal(th + 20, "\x01\x01\x08\x0a\x00\x00\x10\x00\x00\x00\x20\x00", 12);
		for (uint32_t i = 0; i < size; i++)
			assert_int_equal(p[HDR + i], pattern(off + i));
		if (features & NETIF_F_IP_CSUM) {
			/* The seed is the folded pseudo-header, for the NIC to finish. */
			assert_int_equal(seg->ip_summed, CHECKSUM_PARTIAL);
			assert_int_equal(seg->csum_start, seg->transport_header);
			assert_int_equal(seg->csum_offset, 16);
			assert_int_equal(be16_at(th + 16), ref_fold(ref_pseudo((const void *)ip,
									      TCP_HL + size)));
			assert_int_equal(skb_checksum_help(seg), 0);
		} else {
			assert_int_equal(seg->ip_summed, CHECKSUM_NONE);
		}
		assert_int_equal(ref_fold(ref_sum(th, TCP_HL + size,
						  ref_pseudo((const void *)ip, TCP_HL + size))),
				 0xffff);
		seg->next = NULL;
		kfree_skb(seg);
		segs = next;
		off += size;
		n++;
	}
	assert_int_equal(off, payload);
	return n;
}

/* ---- segmentation ---- */

/* The largest datagram: 46 segments, the last one short, with and without
 * checksum offload, the header flags split as Linux's TSO does. */
static void test_64k_into_46_segments(void **state)
{
	const uint32_t payload = IP_MAX_PACKET - IP_MIN_HLEN - TCP_HL;
	const uint8_t flags = TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN | TCPHDR_CWR;
	uint64_t features[] = { 0, NETIF_F_IP_CSUM };

	(void)state;
	for (unsigned int k = 0; k < 2; k++) {
		struct sk_buff *segs = skb_gso_segment(tso_skb(payload, MSS, flags), features[k]);

		assert_non_null(segs);
		assert_int_equal(check_segments(segs, payload, MSS, flags, features[k]), 46);
		assert_int_equal(payload - 45 * MSS, 323);
	}
	assert_int_equal(gso_delta().packets, 2);
	assert_int_equal(gso_delta().segments, 92);
	assert_int_equal(copied(), 2 * (46 * HDR + payload));
}

/* An MSS above the payload, or a payload of exactly one MSS: one segment,
 * which keeps every flag. */
static void test_one_segment(void **state)
{
	const uint8_t flags = TCPHDR_ACK | TCPHDR_PSH | TCPHDR_CWR;
	struct sk_buff *segs;

	(void)state;
	segs = skb_gso_segment(tso_skb(1000, MSS, flags), 0);
	assert_non_null(segs);
	assert_null(segs->next);
	assert_int_equal(check_segments(segs, 1000, MSS, flags, 0), 1);
	segs = skb_gso_segment(tso_skb(MSS, MSS, flags), NETIF_F_IP_CSUM);
	assert_int_equal(check_segments(segs, MSS, MSS, flags, NETIF_F_IP_CSUM), 1);
	/* Two exactly. */
	segs = skb_gso_segment(tso_skb(2 * MSS, MSS, flags), 0);
	assert_int_equal(check_segments(segs, 2 * MSS, MSS, flags, 0), 2);
	assert_int_equal(gso_delta().segments, 4);
}

/* TCP's queued original shares its data with the clone sent down: the
 * segments are built from it without writing a byte of it. */
static void test_clone_left_untouched(void **state)
{
	const uint32_t payload = 10 * MSS + 7;
	struct sk_buff *orig = tso_skb(payload, MSS, TCPHDR_ACK | TCPHDR_PSH), *c, *segs;
	uint8_t *saved = malloc(orig->len);

	(void)state;
	assert_non_null(saved);
	memcpy(saved, orig->data, orig->len);
	skb_header_release(orig);
	c = skb_clone(orig);
	assert_non_null(c);
	segs = skb_gso_segment(c, 0);
	assert_non_null(segs);
	/* The clone's reference is gone, the original's bytes and fields are not. */
	assert_false(skb_cloned(orig));
	assert_int_equal(orig->len, HDR + payload);
	assert_int_equal(orig->gso_size, MSS);
	assert_int_equal(orig->ip_summed, CHECKSUM_PARTIAL);
	assert_memory_equal(orig->data, saved, orig->len);
	assert_int_equal(check_segments(segs, payload, MSS, TCPHDR_ACK | TCPHDR_PSH, 0), 11);
	free(saved);
	kfree_skb(orig);
}

/* ---- failures ---- */

/* With the allocator dry after ten segments, the eleventh fails: the ten
 * and the super-packet are freed, the drop counted once. The ten come from
 * the skb caches, emptied and then given exactly ten segment-sized skbs
 * taken before the pages ran out; whatever the slabs still had is held. */
static void test_alloc_failure_midway_frees_all(void **state)
{
	const size_t max = TEST_SKB_ARENA_BYTES / PAGE_SIZE;
	void **pages = calloc(max, sizeof(*pages));
	struct sk_buff *ten[10], *held[4096], *skb = tso_skb(20 * MSS, MSS, TCPHDR_ACK);
	size_t npages = 0, nheld = 0;
	struct skb_stats s0, s1;

	(void)state;
	assert_non_null(pages);
	skb_cache_drain();
	for (size_t i = 0; i < ARRAY_SIZE(ten); i++)
		assert_non_null(ten[i] = alloc_skb_tx(HDR + MSS));
	while (npages < max && (pages[npages] = alloc_pages(0)) != NULL)
		npages++;
	while (nheld < ARRAY_SIZE(held) && (held[nheld] = alloc_skb_tx(HDR + MSS)) != NULL)
		nheld++;
	assert_true(nheld < ARRAY_SIZE(held));
	for (size_t i = 0; i < ARRAY_SIZE(ten); i++)
		kfree_skb(ten[i]);
	skb_get_stats(&s0);

	assert_null(skb_gso_segment(skb, 0));
	skb_get_stats(&s1);
	assert_int_equal(s1.alloc_failures - s0.alloc_failures, 1);
	assert_int_equal(gso_delta().dropped_nomem, 1);
	assert_int_equal(gso_delta().packets, 0);
	assert_int_equal(copied(), 10 * (HDR + MSS));

	while (nheld)
		kfree_skb(held[--nheld]);
	for (size_t i = 0; i < npages; i++)
		free_pages(pages[i], 0);
	free(pages);
}

/* Not TCP over IPv4 behind Ethernet, or headers past the data: dropped and
 * counted, the skb freed. */
static void test_malformed_dropped(void **state)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	(void)state;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->gso_type = SKB_GSO_UDP;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->gso_size = 0;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[12] = 0x86;	/* IPv6 ethertype */
	skb->data[13] = 0xdd;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN] = 0x65;	/* version 6 */
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN + 9] = IPPROTO_UDP;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN + 6] = 0x20;	/* a fragment */
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN] = 0x44;	/* IHL 16 bytes */
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN + IP_MIN_HLEN + 12] = 4 << 4;	/* doff 16 bytes */
	assert_null(skb_gso_segment(skb, 0)), n++;
	/* Headers past the data: IHL 60 and doff 60 in a short packet. */
	skb = tso_skb(0, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN] = 0x4f;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(20, MSS, TCPHDR_ACK);
	skb->data[ETH_HLEN + IP_MIN_HLEN + 12] = 15 << 4;
	assert_null(skb_gso_segment(skb, 0)), n++;
	skb = tso_skb(3000, MSS, TCPHDR_ACK);
	skb_trim(skb, ETH_HLEN + IP_MIN_HLEN + 10);
	assert_null(skb_gso_segment(skb, 0)), n++;
	/* More than one datagram's worth. */
	skb = tso_skb(IP_MAX_PACKET, MSS, TCPHDR_ACK);
	assert_null(skb_gso_segment(skb, 0)), n++;
	assert_int_equal(gso_delta().dropped_malformed, n);
	assert_int_equal(gso_delta().packets, 0);
	assert_int_equal(copied(), 0);
}

/* A bare header with gso_size set still goes out, once. */
static void test_no_payload_one_segment(void **state)
{
	struct sk_buff *segs = skb_gso_segment(tso_skb(0, MSS, TCPHDR_ACK | TCPHDR_FIN), 0);

	(void)state;
	assert_non_null(segs);
	assert_int_equal(check_segments(segs, 0, MSS, TCPHDR_ACK | TCPHDR_FIN, 0), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_64k_into_46_segments),
		T(test_one_segment),
		T(test_clone_left_untouched),
		T(test_alloc_failure_midway_frees_all),
		T(test_malformed_dropped),
		T(test_no_payload_one_segment),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup, test_skb_arena_group_teardown);
}
