/* Fragmentation: sizes, offsets, MF bits and the last fragment's length for
 * several MTUs and payloads; options copied by their flag. Reassembly: in
 * order, reversed, duplicated, overlapping, timed out, oversize, memory and
 * datagram limits, and a flood that never completes. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "ipv4_fakes.h"
#include "skb_arena.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/inetdevice.h"
#include "net/ip.h"
#include "net/protocol.h"

#define US ip4(10, 0, 0, 2)
#define PEER ip4(10, 0, 0, 1)

#define MAX_FRAGS 1400
static struct sk_buff *frags[MAX_FRAGS];
static unsigned int n_frags;
static int frag_output_rc;

static int capture_frag(struct sk_buff *skb)
{
	if (frag_output_rc) {
		kfree_skb(skb);
		return frag_output_rc;
	}
	assert_true(n_frags < MAX_FRAGS);
	frags[n_frags++] = skb;
	return 0;
}

static struct sk_buff *delivered;
static unsigned int n_delivered;
static int udp_handler(struct sk_buff *skb)
{
	kfree_skb(delivered);
	delivered = skb;
	n_delivered++;
	return 0;
}
static const struct net_protocol fake_udp = { .handler = udp_handler };

static int group_setup(void **state)
{
	(void)state;
	ipv4_fakes_setup();
	assert_int_equal(inet_add_protocol(&fake_udp, IPPROTO_UDP), 0);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(inet_addr_add(&fake_eth0, US, 24, false), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < n_frags; i++)
		kfree_skb(frags[i]);
	n_frags = 0;
	kfree_skb(delivered);
	delivered = NULL;
	n_delivered = 0;
	frag_output_rc = 0;
	sysctl_ipfrag_high_thresh = IPFRAG_HIGH_THRESH;
	ipv4_fakes_reset();
	return 0;
}

static uint8_t pattern(uint32_t i, uint16_t id) { return (uint8_t)(i * 7 + id); }

/* A whole datagram PEER -> US: header (hlen, options given) + payload. */
static struct sk_buff *datagram(uint32_t payload, uint16_t id, const uint8_t *opt,
				unsigned int optlen)
{
	unsigned int hlen = 20 + optlen;
	struct sk_buff *skb = alloc_skb_tx(hlen + payload);
	uint8_t *p;

	assert_non_null(skb);
	p = skb_put(skb, hlen + payload);
	fake_iphdr(p, PEER, US, IPPROTO_UDP, (uint16_t)(hlen + payload), id, 0);
	p[0] = (uint8_t)(0x40 | hlen / 4);
	if (optlen)
		memcpy(p + 20, opt, optlen);
	((struct iphdr *)p)->check = 0;
	((struct iphdr *)p)->check = ip_fast_csum(p, hlen / 4);
	for (uint32_t i = 0; i < payload; i++)
		p[hlen + i] = pattern(i, id);
	skb_reset_network_header(skb);
	skb->dev = &fake_eth0;
	return skb;
}

static void make_frags(uint32_t payload, uint32_t mtu, uint16_t id)
{
	assert_int_equal(ip_fragment(datagram(payload, id, NULL, 0), mtu, capture_frag), 0);
}

static void check_fragments(uint32_t payload, uint32_t mtu, unsigned int hlen, uint16_t id)
{
	uint32_t maxdata = (mtu - hlen) & ~7u, expect = 0;
	unsigned int n = (payload + maxdata - 1) / maxdata;

	assert_int_equal(n_frags, n);
	for (unsigned int i = 0; i < n_frags; i++) {
		const struct sk_buff *f = frags[i];
		const struct iphdr *iph = (const struct iphdr *)f->data;
		uint16_t fo = ntohs(iph->frag_off);
		uint32_t len = f->len - hlen;

		assert_true(f->len <= mtu);
		assert_int_equal(ip_hdrlen(iph), hlen);
		assert_int_equal(ntohs(iph->tot_len), f->len);
		assert_int_equal(ip_fast_csum(iph, hlen / 4), 0);
		assert_int_equal((fo & IP_OFFMASK) * 8u, expect);
		assert_int_equal(!!(fo & IP_MF), i + 1 < n_frags);
		assert_int_equal(ntohs(iph->id), id);
		assert_true(skb_headroom(f) >= MAX_HEADER);
		assert_ptr_equal(skb_network_header(f), f->data);
		if (i + 1 < n_frags)
			assert_int_equal(len, maxdata);
		else
			assert_int_equal(len, payload - expect);
		for (uint32_t b = 0; b < len; b++)
			assert_int_equal(f->data[hlen + b], pattern(expect + b, id));
		expect += len;
	}
	assert_int_equal(expect, payload);
}

static void free_frags(void)
{
	for (unsigned int i = 0; i < n_frags; i++)
		kfree_skb(frags[i]);
	n_frags = 0;
}

static void test_fragment_sizes(void **state)
{
	static const uint32_t mtus[] = { 1500, 1006, 576, 68, 9000 };
	static const uint32_t sizes[] = { 9, 1481, 3000, 8000, 65515 };
	uint64_t copied = skb_copy_bytes(SKB_COPY_FRAGMENT), total = 0;
	unsigned int datagrams = 0, created = 0;

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(mtus); m++) {
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			if (sizes[s] + 20 <= mtus[m])
				continue;
			make_frags(sizes[s], mtus[m], (uint16_t)(m * 16 + s));
			check_fragments(sizes[s], mtus[m], 20, (uint16_t)(m * 16 + s));
			total += sizes[s];
			datagrams++;
			created += n_frags;
			free_frags();
		}
	}
	assert_int_equal(skb_copy_bytes(SKB_COPY_FRAGMENT) - copied, total);
	assert_int_equal(mib("IpFragCreates"), created);
	assert_int_equal(mib("IpFragOKs"), datagrams);
	test_skb_assert_all_freed();
}

static void test_fragment_options_and_errors(void **state)
{
	/* Router alert (copied) then record route (not copied), then END. */
	static const uint8_t opt[12] = { 0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0 };
	struct sk_buff *skb;

	(void)state;
	assert_int_equal(ip_fragment(datagram(2000, 5, opt, 12), 1000, capture_frag), 0);
	check_fragments(2000, 1000, 32, 5);
	assert_memory_equal(frags[0]->data + 20, opt, 12);
	assert_memory_equal(frags[1]->data + 20, opt, 4);
	for (unsigned int i = 4; i < 11; i++)
		assert_int_equal(frags[1]->data[20 + i], IPOPT_NOOP);
	free_frags();

	skb = datagram(2000, 6, NULL, 0);
	((struct iphdr *)skb->data)->frag_off = htons(IP_DF);
	assert_int_equal(ip_fragment(skb, 1500, capture_frag), -EMSGSIZE);
	assert_int_equal(ip_fragment(datagram(2000, 6, NULL, 0), 27, capture_frag), -EMSGSIZE);
	/* An output error stops the split and fails it. */
	frag_output_rc = -ENOBUFS;
	assert_int_equal(ip_fragment(datagram(2000, 6, NULL, 0), 1500, capture_frag), -ENOBUFS);
	assert_int_equal(mib("IpFragFails"), 3);
	frag_output_rc = 0;

	/* A checksum left for the NIC is completed before the split. */
	skb = datagram(2000, 7, NULL, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (uint16_t)(skb_headroom(skb) + 20);
	skb->csum_offset = 6;
	memset(skb->data + 26, 0, 2);
	assert_int_equal(ip_fragment(skb, 1500, capture_frag), 0);
	assert_int_equal(frags[0]->ip_summed, CHECKSUM_NONE);
	{
		uint32_t sum = 0;

		for (unsigned int i = 0; i < n_frags; i++)
			sum = csum_partial(frags[i]->data + 20, frags[i]->len - 20, sum);
		/* Sums over 8-byte-aligned pieces chain: the whole sum folds to 0. */
		assert_int_equal(csum_fold(sum), 0);
	}
}

/* Feeds fragment i through the full receive path. */
static void rx_frag(unsigned int i)
{
	struct sk_buff *f = frags[i];

	frags[i] = NULL;
	f->dev = &fake_eth0;
	f->pkt_type = PACKET_HOST;
	assert_int_equal(ip_rcv(f), 0);
}

static void check_delivered(uint32_t payload, uint16_t id)
{
	const struct iphdr *iph;

	assert_int_equal(n_delivered, 1);
	assert_int_equal(delivered->len, payload);
	for (uint32_t b = 0; b < payload; b++)
		assert_int_equal(delivered->data[b], pattern(b, id));
	iph = (const struct iphdr *)skb_network_header(delivered);
	assert_int_equal(ntohs(iph->tot_len), payload + 20);
	assert_int_equal(iph->frag_off, 0);
	assert_int_equal(ip_fast_csum(iph, 5), 0);
	assert_true((uint32_t)((const uint8_t *)iph - delivered->head) >= MAX_HEADER);
}

static void test_reassemble_in_order_and_reversed(void **state)
{
	uint64_t copied = skb_copy_bytes(SKB_COPY_REASSEMBLY);

	(void)state;
	make_frags(8000, 1500, 100);
	for (unsigned int i = 0; i < n_frags; i++)
		rx_frag(i);
	check_delivered(8000, 100);
	assert_int_equal(mib("IpReasmReqds"), 6);
	assert_int_equal(mib("IpReasmOKs"), 1);
	assert_int_equal(skb_copy_bytes(SKB_COPY_REASSEMBLY) - copied, 8020);
	n_frags = 0;
	n_delivered = 0;

	make_frags(8000, 1500, 101);
	for (unsigned int i = n_frags; i-- > 0;) {
		rx_frag(i);
		assert_int_equal(n_delivered, i == 0);
	}
	check_delivered(8000, 101);
	n_frags = 0;
	n_delivered = 0;

	/* The largest datagram there is. */
	make_frags(65515, 1500, 102);
	for (unsigned int i = 0; i < n_frags; i++)
		rx_frag((i * 7) % n_frags);	/* 45 fragments, 7 coprime: a shuffle */
	check_delivered(65515, 102);
	assert_int_equal(mib("IpReasmOKs"), 3);
	n_frags = 0;
	assert_int_equal(mib("IpReasmFails"), 0);
}

static void test_reassemble_duplicates(void **state)
{
	(void)state;
	make_frags(3000, 1500, 200);
	frags[n_frags] = skb_clone(frags[1]);
	n_frags++;
	rx_frag(1);
	rx_frag(3);		/* the copy of fragment 1 */
	assert_int_equal(mib("IpReasmDuplicates"), 1);
	rx_frag(0);
	rx_frag(2);
	check_delivered(3000, 200);
	n_frags = 0;
}

static void test_reassemble_overlap(void **state)
{
	struct iphdr *iph;
	unsigned int q;
	uint32_t mem;

	(void)state;
	make_frags(3000, 1500, 300);
	rx_frag(0);
	/* Fragment 1 moved 8 bytes back: it overlaps fragment 0. */
	iph = (struct iphdr *)frags[1]->data;
	iph->frag_off = htons((uint16_t)(IP_MF | (1480 / 8 - 1)));
	iph->check = 0;
	iph->check = ip_fast_csum(iph, 5);
	rx_frag(1);
	assert_int_equal(mib("IpReasmOverlaps"), 1);
	assert_int_equal(mib("IpReasmFails"), 1);
	ip_frag_usage(&q, &mem);
	assert_int_equal(q, 0);
	assert_int_equal(mem, 0);
	/* The rest starts a new datagram that cannot complete. */
	rx_frag(2);
	assert_int_equal(n_delivered, 0);
	n_frags = 0;
}

static void test_reassemble_timeout(void **state)
{
	(void)state;
	make_frags(3000, 1500, 400);
	rx_frag(0);
	rx_frag(1);
	fake_clock_advance(29999);
	assert_int_equal(mib("IpReasmTimeout"), 0);
	/* The wheel may fire a 30 s timer up to 1/8 late, never early. */
	fake_clock_advance(3750);
	assert_int_equal(mib("IpReasmTimeout"), 1);
	assert_int_equal(mib("IpReasmFails"), 1);
	assert_int_equal(fake_icmp_count, 1);
	assert_int_equal(fake_icmp[0].type, ICMP_TIME_EXCEEDED);
	assert_int_equal(fake_icmp[0].code, ICMP_EXC_FRAGTIME);
	assert_int_equal(((const struct iphdr *)fake_icmp[0].quoted)->id, htons(400));
	assert_int_equal(fake_icmp[0].quoted[20], pattern(0, 400));
	/* Without fragment zero, no ICMP: there is nothing to quote. */
	rx_frag(2);
	fake_clock_advance(33750);
	assert_int_equal(mib("IpReasmTimeout"), 2);
	assert_int_equal(fake_icmp_count, 1);
	n_frags = 0;
}

static void test_reassemble_bad_fragments(void **state)
{
	uint8_t buf[1500];
	struct iphdr *iph = (struct iphdr *)buf;

	(void)state;
	/* Beyond 65535 bytes. */
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1020, 500, 8189);	/* offset 65512 */
	ip_rcv(fake_rx_skb(buf, 1020, 0));
	assert_int_equal(mib("IpReasmOversize"), 1);
	/* Not the last, yet not a multiple of 8 bytes. */
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1021, 501, IP_MF);
	ip_rcv(fake_rx_skb(buf, 1021, 0));
	assert_int_equal(mib("IpReasmMalformed"), 1);
	/* Two last fragments that disagree. */
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1020, 502, 200);
	ip_rcv(fake_rx_skb(buf, 1020, 0));
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1028, 502, 200);
	ip_rcv(fake_rx_skb(buf, 1028, 0));
	assert_int_equal(mib("IpReasmInconsistent"), 1);
	/* Data beyond the last fragment. */
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1020, 503, 10);
	ip_rcv(fake_rx_skb(buf, 1020, 0));
	fake_iphdr(buf, PEER, US, IPPROTO_UDP, 1020, 503, IP_MF | 200);
	ip_rcv(fake_rx_skb(buf, 1020, 0));
	assert_int_equal(mib("IpReasmInconsistent"), 2);
	(void)iph;
	assert_int_equal(n_delivered, 0);
}

static void test_datagram_limit(void **state)
{
	unsigned int q;
	uint32_t mem;

	(void)state;
	/* 65 datagrams, first fragment each: the oldest goes. */
	for (uint16_t id = 0; id < 65; id++) {
		make_frags(3000, 1500, (uint16_t)(1000 + id));
		rx_frag(n_frags - 3);
		free_frags();
	}
	ip_frag_usage(&q, &mem);
	assert_int_equal(q, IPFRAG_MAX_QUEUES);
	assert_int_equal(mib("IpReasmQueueLimit"), 1);
	/* The newest one still completes. */
	make_frags(3000, 1500, 1064);
	rx_frag(1);
	rx_frag(2);
	check_delivered(3000, 1064);
	free_frags();
}

static void test_memory_limit(void **state)
{
	unsigned int q;
	uint32_t mem, one;

	(void)state;
	make_frags(3000, 1500, 2000);
	rx_frag(0);
	ip_frag_usage(&q, &one);
	free_frags();
	sysctl_ipfrag_high_thresh = (int)(one * 5 + one / 2);
	for (uint16_t id = 1; id <= 20; id++) {
		make_frags(3000, 1500, (uint16_t)(2000 + id));
		rx_frag(0);
		free_frags();
		ip_frag_usage(&q, &mem);
		assert_true(mem <= (uint32_t)sysctl_ipfrag_high_thresh);
	}
	assert_int_equal(q, 5);
	assert_int_equal(mib("IpReasmMemLimit"), 16);
	/* The newest completes; one held datagram alone over the limit does
	 * not get in at all. */
	make_frags(3000, 1500, 2020);
	rx_frag(1);
	rx_frag(2);
	check_delivered(3000, 2020);
	free_frags();
	n_delivered = 0;
	sysctl_ipfrag_high_thresh = (int)(one / 2);
	make_frags(3000, 1500, 2100);
	rx_frag(0);
	ip_frag_usage(&q, &mem);
	assert_int_equal(mem, 0);
	free_frags();
}

static void test_flood(void **state)
{
	uint64_t rng = 42;
	uint8_t buf[600];
	unsigned int q;
	uint32_t mem;

	(void)state;
	/* Never-completing fragments from many sources and IDs. */
	for (unsigned int i = 0; i < 20000; i++) {
		uint32_t r = (uint32_t)test_rng(&rng);
		uint16_t off = (uint16_t)(1 + r % 4000);

		fake_iphdr(buf, ip4(10, 0, 0, (uint8_t)(3 + r % 200)), US, IPPROTO_UDP, 520,
			   (uint16_t)(r >> 8), (uint16_t)(IP_MF | off));
		ip_rcv(fake_rx_skb(buf, 520, 0));
		ip_frag_usage(&q, &mem);
		assert_true(q <= IPFRAG_MAX_QUEUES);
		assert_true(mem <= IPFRAG_HIGH_THRESH);
	}
	/* Real traffic still gets through. */
	make_frags(8000, 1500, 7);
	for (unsigned int i = 0; i < n_frags; i++)
		rx_frag(i);
	check_delivered(8000, 7);
	n_frags = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fragment_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_options_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassemble_in_order_and_reversed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassemble_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassemble_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassemble_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reassemble_bad_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_datagram_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, ipv4_group_teardown);
}
