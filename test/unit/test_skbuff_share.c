/* Socket buffers that share data: clones and the header split (a clone that
 * pushes into promised headroom writes in place, the second one gets its own
 * copy), padding a clone, the destructor and socket on clones, checksum
 * completion on a shared header, and the copy counters netstat -s shows.
 * Same arena and bookkeeping as test_skbuff.c: every test gives back every
 * skb it took. */
#include <errno.h>
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "net/checksum.h"
#include "net/if_ether.h"
#include "net/ip.h"
#include "net/snmp.h"
#include "net/skbuff.h"
#include "net/tcp_hdr.h"
#include "net/udp_hdr.h"
#include "skb_arena.h"

static int setup(void **state)
{
	(void)state;
	test_skb_mark();
	printk_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(host_irq_disabled, 0);
	return 0;
}

/* ---- clones and the header split ---- */

static void test_two_clones_push_private_headers(void **state)
{
	struct sk_buff *orig = alloc_skb_tx(100), *c1, *c2;
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);
	uint8_t *h1, *h2;

	(void)state;
	memset(skb_put(orig, 100), 0x55, 100);
	/* TCP's queued original: payload only from now on. */
	skb_header_release(orig);
	skb_header_release(orig);	/* once per struct */
	c1 = skb_clone(orig);
	assert_int_equal(*orig->dataref, 2 | (1u << SKB_DATAREF_SHIFT));
	assert_true(skb_cloned(c1));
	assert_false(skb_header_cloned(c1));
	assert_int_equal(skb_cow_head(c1, MAX_HEADER), 0);

	/* The first clone writes its header into the promised headroom. */
	h1 = skb_push(c1, 20);
	assert_ptr_equal(c1->head, orig->head);
	memset(h1, 0x01, 20);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW), cow0);

	/* A retransmit while c1 is in flight: c2 must not write c1's header. */
	c2 = skb_clone(orig);
	assert_true(skb_header_cloned(c2));
	h2 = skb_push(c2, 20);
	assert_non_null(h2);
	assert_ptr_not_equal(c2->head, orig->head);
	memset(h2, 0x02, 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(h1[i], 0x01);
	for (int i = 20; i < 120; i++)
		assert_int_equal(h2[i], 0x55);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW) - cow0, MAX_HEADER + 100);
	assert_int_equal(*orig->dataref, 2 | (1u << SKB_DATAREF_SHIFT));

	/* The original itself may not write a header in place while shared. */
	assert_int_equal(skb_cow_head(orig, 0), 0);
	assert_ptr_not_equal(orig->head, c1->head);
	assert_null(orig->dataref);
	assert_false(orig->nohdr);
	assert_int_equal(*c1->dataref, 1);
	assert_false(skb_cloned(c1));

	kfree_skb(c2);
	kfree_skb(c1);
	kfree_skb(orig);
}

static void test_header_release_after_clone(void **state)
{
	struct sk_buff *orig = alloc_skb_tx(10), *c;

	(void)state;
	c = skb_clone(orig);
	assert_true(skb_header_cloned(c));
	skb_header_release(orig);
	assert_false(skb_header_cloned(c));
	kfree_skb(orig);
	/* The payload-only share went with the original. */
	assert_int_equal(*c->dataref, 1);
	assert_false(skb_header_cloned(c));
	kfree_skb(c);
}

static void test_clone_copies_cb_not_socket(void **state)
{
	struct sk_buff *skb = alloc_skb(64), *c;
	static uint64_t sock_stand_in;
	struct sock *fake_sk = (struct sock *)&sock_stand_in;
	uint64_t made0, shared0;

	(void)state;
	assert_true(snmp_get("ClonesMade", &made0));
	assert_true(snmp_get("CloneBytesShared", &shared0));
	skb_put(skb, 40);
	memset(skb->cb, 0x7e, sizeof(skb->cb));
	skb->sk = fake_sk;
	skb->gso_size = 1448;
	c = skb_clone(skb);
	assert_memory_equal(c->cb, skb->cb, sizeof(skb->cb));
	assert_null(c->sk);
	assert_null(c->destructor);
	assert_int_equal(c->gso_size, 1448);
	assert_ptr_equal(skb->sk, fake_sk);
	assert_int_equal(c->truesize, sizeof(struct sk_buff));
	{
		uint64_t made, shared;

		assert_true(snmp_get("ClonesMade", &made));
		assert_true(snmp_get("CloneBytesShared", &shared));
		assert_int_equal(made - made0, 1);
		assert_int_equal(shared - shared0, 40);
	}
	skb->sk = NULL;
	kfree_skb(c);
	kfree_skb(skb);
}

static int destructed;
static struct sk_buff *destructed_skb;

static void count_destructor(struct sk_buff *skb)
{
	destructed++;
	destructed_skb = skb;
	/* The data is still there for the socket's accounting. */
	assert_int_equal(skb->data[0], 0x99);
}

static void test_destructor_on_last_user(void **state)
{
	struct sk_buff *skb = alloc_skb(64), *c;

	(void)state;
	destructed = 0;
	memset(skb_put(skb, 8), 0x99, 8);
	skb->destructor = count_destructor;
	c = skb_clone(skb);
	skb_get(skb);
	kfree_skb(skb);
	assert_int_equal(destructed, 0);
	kfree_skb(c);			/* a clone has none */
	assert_int_equal(destructed, 0);
	kfree_skb(skb);
	assert_int_equal(destructed, 1);
	assert_ptr_equal(destructed_skb, skb);
}

static void test_pad_on_clone_copies(void **state)
{
	struct sk_buff *skb = alloc_skb(128), *c;
	uint64_t cow0 = skb_copy_bytes(SKB_COPY_HEADER_COW);

	(void)state;
	memset(skb_put(skb, 20), 0x10, 20);
	memset(skb_tail_pointer(skb), 0xcc, skb_tailroom(skb));
	c = skb_clone(skb);
	assert_true(skb_pad_to(c, ETH_ZLEN));
	assert_int_equal(c->len, ETH_ZLEN);
	assert_ptr_not_equal(c->head, skb->head);
	for (int i = 20; i < ETH_ZLEN; i++)
		assert_int_equal(c->data[i], 0);
	/* The owner's tailroom is untouched: it may skb_put there later. */
	for (int i = 20; i < 128; i++)
		assert_int_equal(skb->data[i], 0xcc);
	assert_int_equal(skb_copy_bytes(SKB_COPY_HEADER_COW) - cow0, 20);
	kfree_skb(c);

	/* A clone with too little tailroom gets what it needs in the copy. */
	c = skb_clone(skb);
	assert_true(skb_pad_to(c, 200));
	assert_int_equal(c->len, 200);
	kfree_skb(c);
	kfree_skb(skb);
}

/* ---- checksum completion ---- */

static struct sk_buff *udp_partial(uint32_t payload)
{
	struct sk_buff *skb = alloc_skb_tx(payload + sizeof(struct udphdr));
	struct udphdr *uh;
	struct iphdr *iph;
	uint8_t *p = skb_put(skb, payload);

	for (uint32_t i = 0; i < payload; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	uh = (struct udphdr *)skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = htons(1234);
	uh->dest = htons(7);
	uh->len = htons((uint16_t)(payload + 8));
	uh->check = csum_tcpudp_seed(htonl(0x0a000002), htonl(0x0a000001), payload + 8, IPPROTO_UDP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct udphdr, check);
	iph = (struct iphdr *)skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(iph, 0, sizeof(*iph));
	return skb;
}

static bool udp_sum_ok(struct sk_buff *skb, uint32_t len)
{
	const uint8_t *uh = skb_transport_header(skb);

	return csum_tcpudp_magic(htonl(0x0a000002), htonl(0x0a000001), len, IPPROTO_UDP,
				 csum_partial(uh, len, 0)) == 0;
}

/* RFC 1071 one 16-bit word at a time, the reference for csum_partial. */
static uint16_t csum_ref(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The 64-bit accumulator ends the 8-byte loop near 2^64 on all-ones data;
 * the tail's words must not lose their carry (found by the fuzzer: an echo
 * reply 00 00 ff ff ... of 12 bytes summed to 0xfffe). */
static void test_csum_partial_carries(void **state)
{
	uint8_t buf[64];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	(void)state;
	memset(buf, 0xFF, sizeof(buf));
	buf[0] = buf[1] = 0;
	assert_int_equal(csum_fold(csum_partial(buf, 12, 0)), csum_ref(buf, 12));
	assert_int_equal(csum_fold(csum_partial(buf, 12, 0)), 0);
	for (uint32_t len = 0; len <= sizeof(buf); len++) {
		for (int round = 0; round < 64; round++) {
			for (uint32_t i = 0; i < len; i++)
				buf[i] = (test_rng(&rng) & 3) ? 0xFF : (uint8_t)test_rng(&rng);
			assert_int_equal(csum_fold(csum_partial(buf, len, 0)), csum_ref(buf, len));
		}
	}
}

static void test_checksum_help(void **state)
{
	struct sk_buff *skb = udp_partial(101), *c;
	const struct udphdr *uh;

	(void)state;
	assert_int_equal(skb_checksum_help(skb), 0);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	assert_true(udp_sum_ok(skb, 109));
	uh = (const struct udphdr *)skb_transport_header(skb);
	assert_int_not_equal(uh->check, 0);
	/* Nothing to do the second time. */
	assert_int_equal(skb_checksum_help(skb), 0);
	kfree_skb(skb);

	/* A shared header is copied before the field is written. */
	skb = udp_partial(30);
	c = skb_clone(skb);
	assert_int_equal(skb_checksum_help(c), 0);
	assert_ptr_not_equal(c->head, skb->head);
	assert_true(udp_sum_ok(c, 38));
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	assert_false(udp_sum_ok(skb, 38));
	kfree_skb(c);

	/* Offsets outside the data change nothing. */
	skb->csum_offset = (uint16_t)(skb->len);
	assert_int_equal(skb_checksum_help(skb), -EINVAL);
	skb->csum_offset = 6;
	skb->csum_start = 2;
	assert_int_equal(skb_checksum_help(skb), -EINVAL);
	assert_int_equal(skb->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

static void test_checksum_help_tcp(void **state)
{
	struct sk_buff *skb = alloc_skb_tx(60);
	struct tcphdr *th;
	uint8_t *p = skb_put(skb, 33);
	be32 s = htonl(0xc0a80001), d = htonl(0xc0a80002);

	(void)state;
	memset(p, 0xab, 33);
	th = (struct tcphdr *)skb_push(skb, sizeof(*th));
	memset(th, 0, sizeof(*th));
	th->doff_res = 5 << 4;
	th->check = csum_tcpudp_seed(s, d, 53, IPPROTO_TCP);
	skb_reset_transport_header(skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb->transport_header;
	skb->csum_offset = offsetof(struct tcphdr, check);
	assert_int_equal(skb_checksum_help(skb), 0);
	assert_int_equal(csum_tcpudp_magic(s, d, 53, IPPROTO_TCP, csum_partial(th, 53, 0)), 0);
	kfree_skb(skb);
}

/* ---- copy counters ---- */

static void test_copy_counters(void **state)
{
	static const char *const names[] = {
		"CopyUserToSkb", "CopySkbToUser", "CopyFragment", "CopyLinearize",
		"CopyReassembly", "CopyHeaderCow", "CopyExpandHead",
	};
	uint64_t v0[ARRAY_SIZE(names)], v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_true(snmp_get(names[i], &v0[i]));
	for (int k = 0; k < SKB_COPY_KINDS; k++)
		skb_count_copy((enum skb_copy_kind)k, 100u + (uint32_t)k);
	skb_count_copy(SKB_COPY_KINDS, 5);	/* not a kind: ignored */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_true(snmp_get(names[i], &v));
		assert_int_equal(v - v0[i], 100 + i);
		assert_int_equal(skb_copy_bytes((enum skb_copy_kind)i), v);
	}
	assert_int_equal(skb_copy_bytes(SKB_COPY_KINDS), 0);
}

/* The ratios: send-side copies per byte the socket calls sent, receive-side
 * copies per byte they received, in thousandths, refreshed at each read.
 * The copy counters only grow, so the test works with differences and
 * reads the totals the ratio is made of. */
static void test_copy_ratios(void **state)
{
	static const char *const out[] = {
		"CopyUserToSkb", "CopyFragment", "CopyLinearize", "CopyHeaderCow",
		"CopyExpandHead", "CopyGso", "CopyTcpSplit",
	};
	uint64_t sent, recv, copied_out = 0, to_user, reasm, milli;

	(void)state;
	skb_count_app_bytes(true, 4000);
	skb_count_app_bytes(false, 3000);
	skb_count_copy(SKB_COPY_USER_TO_SKB, 4000);
	skb_count_copy(SKB_COPY_GSO, 2000);
	skb_count_copy(SKB_COPY_SKB_TO_USER, 3000);
	assert_true(snmp_get("AppBytesSent", &sent));
	assert_true(snmp_get("AppBytesReceived", &recv));
	for (size_t i = 0; i < ARRAY_SIZE(out); i++) {
		uint64_t v;

		assert_true(snmp_get(out[i], &v));
		copied_out += v;
	}
	assert_true(snmp_get("CopySkbToUser", &to_user));
	assert_true(snmp_get("CopyReassembly", &reasm));
	assert_true(sent >= 4000 && recv >= 3000);
	assert_true(snmp_get("CopiedPerByteSentMilli", &milli));
	assert_int_equal(milli, copied_out * 1000 / sent);
	assert_true(milli > 0);
	assert_true(snmp_get("CopiedPerByteReceivedMilli", &milli));
	assert_int_equal(milli, (to_user + reasm) * 1000 / recv);
	/* More bytes sent without a copy (zero-copy, later): the ratio falls. */
	skb_count_app_bytes(true, (uint32_t)sent);
	assert_true(snmp_get("CopiedPerByteSentMilli", &milli));
	assert_int_equal(milli, copied_out * 1000 / (2 * sent));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_clones_push_private_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_release_after_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_copies_cb_not_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destructor_on_last_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pad_on_clone_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csum_partial_carries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_help_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_ratios, setup, teardown),
	};
	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
