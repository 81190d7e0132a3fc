/* Slab caches and kmalloc over the real page allocator, on a host arena.
 *
 * Slab state outlives a test (the built-in caches are static), so every test
 * gives back all it took, and teardown checks that the page allocator got
 * every page back once the reserves are shrunk. */
#include <stdlib.h>
#include <string.h>
#include "host_support.h"
#include "kernel/page_alloc.h"
#include "kernel/slab.h"
#include "kernel/irqflags.h"
#include "arena.h"

#define ARENA_SIZE  (16UL << 20)

static uintptr_t A;
/* One byte per arena byte: set while a live object covers it. */
static uint8_t *owned;
static uint64_t rng_state;

static uint64_t rng(void)
{
	return test_rng(&rng_state);
}

static int setup(void **state)
{
	(void)state;
	owned = calloc(ARENA_SIZE, 1);
	assert_non_null(owned);
	rng_state = 0x2545f4914f6cdd1dULL;
	printk_capture_reset();
	test_arena_setup_range(ARENA_SIZE, 0x3000, ARENA_SIZE - 0x123);
	A = (uintptr_t)test_arena;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct kmalloc_stats ks;

	test_arena_assert_all_returned();
	kmalloc_stats(&ks);
	assert_int_equal(ks.large_active, 0);
	for (size_t size = KMALLOC_MIN_CLASS; size <= KMALLOC_MAX_CLASS; size *= 2) {
		struct slab_stats ss;
		kmem_cache_stats(kmalloc_cache(size), &ss);
		assert_int_equal(ss.active_objs, 0);
		assert_int_equal(ss.slabs, 0);
	}
	test_arena_teardown();
	free(owned);
	return 0;
}

static void claim(const void *p, size_t len)
{
	size_t off = (uintptr_t)p - A;

	assert_true((uintptr_t)p >= A && off + len <= ARENA_SIZE);
	for (size_t i = 0; i < len; i++) {
		assert_int_equal(owned[off + i], 0);
		owned[off + i] = 1;
	}
}

static void unclaim(const void *p, size_t len)
{
	memset(owned + ((uintptr_t)p - A), 0, len);
}

static struct slab_stats stats_of(const struct kmem_cache *c)
{
	struct slab_stats st;

	kmem_cache_stats(c, &st);
	return st;
}

static void assert_low_waste(const struct slab_stats *st)
{
	size_t block = PAGE_SIZE << st->order;

	assert_true(st->objs_per_slab >= 1);
	assert_true(st->objs_per_slab * st->stride <= block);
	assert_true((block - st->objs_per_slab * st->stride) * 8 <= block || st->order == 3);
}

static void test_cache_alloc_free_many(void **state)
{
	(void)state;
	enum { N = 1000 };
	static void *objs[N];
	struct kmem_cache *c = kmem_cache_create("test-obj", 40, 0);

	assert_non_null(c);
	for (int i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(c);
		assert_non_null(objs[i]);
		assert_int_equal((uintptr_t)objs[i] % sizeof(void *), 0);
		claim(objs[i], 40);
		memset(objs[i], i & 0xff, 40);
	}
	struct slab_stats st = stats_of(c);
	assert_string_equal(st.name, "test-obj");
	assert_int_equal(st.obj_size, 40);
	assert_int_equal(st.stride, 40);
	assert_int_equal(st.active_objs, N);
	assert_int_equal(st.slabs, (N + st.objs_per_slab - 1) / st.objs_per_slab);
	assert_int_equal(st.total_objs, st.slabs * st.objs_per_slab);
	assert_int_equal(st.allocs, N);
	assert_low_waste(&st);

	for (int i = 0; i < N; i++) {
		const uint8_t *b = objs[i];
		for (int k = 0; k < 40; k++)
			assert_int_equal(b[k], i & 0xff);
		unclaim(objs[i], 40);
		kmem_cache_free(c, objs[i]);
	}
	st = stats_of(c);
	assert_int_equal(st.active_objs, 0);
	assert_int_equal(st.frees, N);
	/* All but one reserve slab went back to the page allocator. */
	assert_int_equal(st.slabs, 1);
	assert_int_equal(st.empty_slabs, 1);
	assert_int_equal(st.bad_frees, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_alignment_and_sizes(void **state)
{
	(void)state;
	static const struct { size_t size, align; } spec[] = {
		{ 1, 0 }, { 24, 16 }, { 100, 64 }, { 200, 256 }, { 3000, 0 },
		{ 4096, 4096 }, { 9000, 0 }, { 20000, 32 },
	};
	void *objs[ARRAY_SIZE(spec)][20];
	struct kmem_cache *c[ARRAY_SIZE(spec)];

	for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
		c[i] = kmem_cache_create("align", spec[i].size, spec[i].align);
		assert_non_null(c[i]);
		struct slab_stats st = stats_of(c[i]);
		assert_low_waste(&st);
		size_t align = MAX(spec[i].align, sizeof(void *));
		for (int k = 0; k < 20; k++) {
			objs[i][k] = kmem_cache_alloc(c[i]);
			assert_non_null(objs[i][k]);
			assert_int_equal((uintptr_t)objs[i][k] % align, 0);
			claim(objs[i][k], spec[i].size);
			memset(objs[i][k], 0x5a, spec[i].size);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
		for (int k = 0; k < 20; k++) {
			unclaim(objs[i][k], spec[i].size);
			kmem_cache_free(c[i], objs[i][k]);
		}
		assert_int_equal(kmem_cache_destroy(c[i]), 0);
	}
}

static void test_reuse_after_free(void **state)
{
	(void)state;
	struct kmem_cache *c = kmem_cache_create("reuse", 64, 0);

	void *a = kmem_cache_alloc(c);
	void *b = kmem_cache_alloc(c);
	assert_ptr_not_equal(a, b);
	kmem_cache_free(c, a);
	assert_ptr_equal(kmem_cache_alloc(c), a);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	/* The reserve slab is reused rather than a fresh one taken. */
	struct page_stats before, after;
	page_alloc_stats(&before);
	void *d = kmem_cache_alloc(c);
	page_alloc_stats(&after);
	assert_int_equal(before.free_pages, after.free_pages);
	kmem_cache_free(c, d);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_growth_and_empty_slab_return(void **state)
{
	(void)state;
	struct kmem_cache *c = kmem_cache_create("grow", 500, 0);
	struct slab_stats st = stats_of(c);
	size_t per = st.objs_per_slab, n = per * 5;
	size_t slab_pages = (size_t)1 << st.order;
	void **objs = calloc(n, sizeof(*objs));
	struct page_stats ps, base;

	assert_non_null(objs);
	page_alloc_stats(&base);
	for (size_t i = 0; i < n; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c));
	st = stats_of(c);
	assert_int_equal(st.slabs, 5);
	assert_int_equal(st.total_objs, n);
	page_alloc_stats(&ps);
	assert_int_equal(ps.free_pages, base.free_pages - 5 * slab_pages);

	/* Emptying slabs one by one: the first stays as the reserve, the others
	 * go straight back. */
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	st = stats_of(c);
	assert_int_equal(st.slabs, 1);
	assert_int_equal(st.empty_slabs, 1);
	page_alloc_stats(&ps);
	assert_int_equal(ps.free_pages, base.free_pages - slab_pages);

	assert_int_equal(slab_shrink() >= slab_pages, 1);
	st = stats_of(c);
	assert_int_equal(st.slabs, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
	free(objs);
}

static void test_page_exhaustion(void **state)
{
	(void)state;
	struct kmem_cache *c = kmem_cache_create("exhaust", 1000, 0);
	size_t cap = ARENA_SIZE / 1000 + 16, n = 0;
	void **objs = calloc(cap, sizeof(*objs));
	struct page_stats ps;

	assert_non_null(objs);
	while (n < cap && (objs[n] = kmem_cache_alloc(c)) != NULL)
		n++;
	assert_true(n < cap);
	struct slab_stats st = stats_of(c);
	assert_int_equal(st.alloc_failures, 1);
	assert_int_equal(st.active_objs, n);
	page_alloc_stats(&ps);
	assert_true(ps.free_pages < ((size_t)1 << st.order));
	assert_true(ps.alloc_failures >= 1);

	/* kmalloc fails cleanly too, and counts it where it happened. */
	struct kmalloc_stats ks0, ks;
	kmalloc_stats(&ks0);
	assert_null(kmalloc(3000));
	kmalloc_stats(&ks);
	assert_int_equal(ks.large_failures, ks0.large_failures + 1);

	for (size_t i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	void *p = kmem_cache_alloc(c);
	assert_non_null(p);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
	free(objs);
}

static void test_kmalloc_size_classes(void **state)
{
	(void)state;
	static const size_t sizes[] = {
		1, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129,
		255, 256, 257, 511, 512, 513, 1000, 1023, 1024, 1025, 2047, 2048,
	};
	void *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct kmem_cache *c = kmalloc_cache(sizes[i]);
		assert_non_null(c);
		struct slab_stats st = stats_of(c);
		size_t cls = KMALLOC_MIN_CLASS;
		while (cls < sizes[i])
			cls *= 2;
		assert_int_equal(st.obj_size, cls);
		assert_low_waste(&st);

		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % MIN(cls, (size_t)64), 0);
		claim(p[i], cls);
		memset(p[i], 0x11, sizes[i]);
		st = stats_of(c);
		assert_true(st.active_objs >= 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t cls = KMALLOC_MIN_CLASS;
		while (cls < sizes[i])
			cls *= 2;
		unclaim(p[i], cls);
		kfree(p[i]);
	}
	assert_null(kmalloc_cache(0));
	assert_null(kmalloc_cache(KMALLOC_MAX_CLASS + 1));
	assert_null(kmalloc(0));
}

static void test_kmalloc_large(void **state)
{
	(void)state;
	static const size_t sizes[] = {
		2049, 4096, 4097, 65536, 100000, 1UL << 20, 4UL << 20,
	};
	void *p[ARRAY_SIZE(sizes)];
	struct kmalloc_stats ks, ks0;
	size_t pages = 0;

	kmalloc_stats(&ks0);

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % PAGE_SIZE, 0);
		claim(p[i], sizes[i]);
		memset(p[i], 0x22, sizes[i]);
		size_t np = 1;
		while (np * PAGE_SIZE < sizes[i])
			np *= 2;
		pages += np;
	}
	kmalloc_stats(&ks);
	assert_int_equal(ks.large_active, ARRAY_SIZE(sizes));
	assert_int_equal(ks.large_pages, pages);

	assert_null(kmalloc((4UL << 20) + 1));
	kmalloc_stats(&ks);
	assert_int_equal(ks.large_failures, ks0.large_failures + 1);

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unclaim(p[i], sizes[i]);
		kfree(p[i]);
	}
	kmalloc_stats(&ks);
	assert_int_equal(ks.large_active, 0);
	assert_int_equal(ks.large_pages, 0);
	assert_int_equal(ks.bad_frees, ks0.bad_frees);
}

static void test_kzalloc_zeroes(void **state)
{
	(void)state;
	uint8_t *a = kmalloc(300);
	memset(a, 0xee, 300);
	kfree(a);
	/* Same object back, now zeroed. */
	uint8_t *b = kzalloc(300);
	assert_ptr_equal(a, b);
	uint8_t *big = kzalloc(10000);
	assert_non_null(big);
	for (size_t i = 0; i < 300; i++)
		assert_int_equal(b[i], 0);
	for (size_t i = 0; i < 10000; i++)
		assert_int_equal(big[i], 0);
	kfree(b);
	kfree(big);
}

static void test_bad_frees(void **state)
{
	(void)state;
	struct kmalloc_stats ks, ks0;
	int on_stack;
	struct kmem_cache *c = kmem_cache_create("victim", 48, 0);
	struct kmem_cache *other = kmem_cache_create("other", 48, 0);

	kmalloc_stats(&ks0);
	kfree(NULL);
	kmem_cache_free(c, NULL);
	kmalloc_stats(&ks);
	assert_int_equal(ks.bad_frees, ks0.bad_frees);

	char *o = kmem_cache_alloc(c);
	kmem_cache_free(c, o + 8);          /* inside an object */
	kmem_cache_free(other, o);          /* wrong cache */
	assert_int_equal(stats_of(c).bad_frees, 1);
	assert_int_equal(stats_of(other).bad_frees, 1);
	kmem_cache_free(c, o);
	kmem_cache_free(c, o);              /* double free */
	kfree(o);                           /* and once more through kfree */
	struct slab_stats st = stats_of(c);
	assert_int_equal(st.bad_frees, 3);
	assert_int_equal(st.active_objs, 0);

	uint64_t class_bad = stats_of(kmalloc_cache(100)).bad_frees;
	char *k = kmalloc(100);
	kfree(k);
	kfree(k);
	assert_int_equal(stats_of(kmalloc_cache(100)).bad_frees, class_bad + 1);

	char *big = kmalloc(20000);
	kfree(big + PAGE_SIZE);             /* inside a large block */
	kfree(&on_stack);                   /* never allocated */
	void *raw = alloc_pages(0);
	kfree(raw);                         /* a block kmalloc did not hand out */
	kmalloc_stats(&ks);
	assert_int_equal(ks.bad_frees, ks0.bad_frees + 3);
	assert_int_equal(ks.large_active, 1);
	kfree(big);
	kfree(big);
	kmalloc_stats(&ks);
	assert_int_equal(ks.bad_frees, ks0.bad_frees + 4);
	free_pages(raw, 0);
	assert_non_null(strstr(printk_capture, "bad free"));

	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_int_equal(kmem_cache_destroy(other), 0);
}

static void test_create_and_destroy_rules(void **state)
{
	(void)state;
	assert_null(kmem_cache_create("zero", 0, 0));
	assert_null(kmem_cache_create("odd-align", 32, 3));
	assert_null(kmem_cache_create("huge-align", 32, 2 * PAGE_SIZE));
	assert_null(kmem_cache_create("huge", 1UL << 20, 0));

	struct kmem_cache *c = kmem_cache_create("a-rather-long-cache-name-indeed", 32, 0);
	assert_non_null(c);
	struct slab_stats st = stats_of(c);
	assert_int_equal(strlen(st.name), SLAB_NAME_LEN - 1);
	assert_int_equal(strncmp(st.name, "a-rather-long-cache-name-indeed", SLAB_NAME_LEN - 1), 0);

	void *o = kmem_cache_alloc(c);
	assert_int_equal(kmem_cache_destroy(c), -1);
	kmem_cache_free(c, o);
	assert_int_equal(kmem_cache_destroy(kmalloc_cache(64)), -1);
	assert_int_equal(kmem_cache_destroy(NULL), -1);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_null(kmem_cache_alloc(NULL));
}

static void test_random_workload(void **state)
{
	(void)state;
	enum { SLOTS = 700, ROUNDS = 40000 };
	static struct { uint8_t *p; size_t size; struct kmem_cache *c; uint8_t tag; } live[SLOTS];
	struct kmem_cache *caches[3] = {
		kmem_cache_create("rnd-a", 72, 8),
		kmem_cache_create("rnd-b", 520, 64),
		kmem_cache_create("rnd-c", 3000, 0),
	};
	static const size_t csize[3] = { 72, 520, 3000 };
	uint64_t fails = 0, counted = 0;
	struct kmalloc_stats ks;

	/* kmalloc counters are cumulative over the binary: start from now. */
	for (size_t size = KMALLOC_MIN_CLASS; size <= KMALLOC_MAX_CLASS; size *= 2)
		counted -= stats_of(kmalloc_cache(size)).alloc_failures;
	kmalloc_stats(&ks);
	counted -= ks.large_failures;

	memset(live, 0, sizeof(live));
	for (int r = 0; r < ROUNDS; r++) {
		size_t s = rng() % SLOTS;

		if (live[s].p) {
			for (size_t i = 0; i < live[s].size; i += 7)
				assert_int_equal(live[s].p[i], live[s].tag);
			unclaim(live[s].p, live[s].size);
			if (live[s].c)
				kmem_cache_free(live[s].c, live[s].p);
			else
				kfree(live[s].p);
			live[s].p = NULL;
			continue;
		}

		unsigned kind = (unsigned)(rng() % 8);
		struct kmem_cache *c = NULL;
		size_t size;
		uint8_t *p;
		if (kind < 3) {
			c = caches[kind];
			size = csize[kind];
			p = kmem_cache_alloc(c);
		} else if (kind < 7) {
			size = 1 + rng() % KMALLOC_MAX_CLASS;
			p = kmalloc(size);
		} else {
			size = 1 + rng() % 40000;
			p = kmalloc(size);
		}
		if (!p) {
			fails++;
			continue;
		}
		claim(p, size);
		uint8_t tag = (uint8_t)(r | 1);
		memset(p, tag, size);
		live[s].p = p;
		live[s].size = size;
		live[s].c = c;
		live[s].tag = tag;
	}
	for (size_t s = 0; s < SLOTS; s++) {
		if (!live[s].p)
			continue;
		unclaim(live[s].p, live[s].size);
		if (live[s].c)
			kmem_cache_free(live[s].c, live[s].p);
		else
			kfree(live[s].p);
	}

	for (int i = 0; i < 3; i++) {
		struct slab_stats st = stats_of(caches[i]);
		assert_int_equal(st.active_objs, 0);
		assert_int_equal(st.bad_frees, 0);
		assert_int_equal(st.allocs, st.frees);
		counted += st.alloc_failures;
		assert_int_equal(kmem_cache_destroy(caches[i]), 0);
	}
	for (size_t size = KMALLOC_MIN_CLASS; size <= KMALLOC_MAX_CLASS; size *= 2) {
		struct slab_stats st = stats_of(kmalloc_cache(size));
		assert_int_equal(st.allocs, st.frees);
		counted += st.alloc_failures;
	}
	kmalloc_stats(&ks);
	counted += ks.large_failures;
	assert_int_equal(counted, fails);
}

static void test_irq_state_preserved(void **state)
{
	(void)state;
	host_irq_disabled = 1;
	void *a = kmalloc(32), *b = kmalloc(9000);
	kfree(a);
	kfree(b);
	assert_int_equal(host_irq_disabled, 1);
	host_irq_disabled = 0;
	a = kzalloc(32);
	kfree(a);
	assert_int_equal(host_irq_disabled, 0);
}

static void test_dump_lines(void **state)
{
	(void)state;
	struct kmem_cache *c = kmem_cache_create("skbuff", 256, 64);
	void *o = kmem_cache_alloc(c);

	printk_capture_reset();
	slab_dump();
	/* Header, kmem_cache, eight size classes, ours, the large line. */
	assert_int_equal(printk_capture_lines(), 1 + 1 + 8 + 1 + 1);
	assert_non_null(strstr(printk_capture, "kmalloc-2048"));
	assert_non_null(strstr(printk_capture, "kmalloc-16 "));
	assert_non_null(strstr(printk_capture, "skbuff"));
	assert_non_null(strstr(printk_capture, "kmalloc large"));
	kmem_cache_free(c, o);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cache_alloc_free_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alignment_and_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_after_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_and_empty_slab_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmalloc_size_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmalloc_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kzalloc_zeroes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_and_destroy_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_workload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_state_preserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
