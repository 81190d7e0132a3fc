/* `selftest=` boot option: deliberate faults that must end in a PANIC line
 * and a non-zero QEMU exit, a timer accuracy report, and an allocator run to
 * exhaustion and back. The integration tests drive these. */
#include <stdlib.h>
#include "kernel/selftest.h"
#include "kernel/cmdline.h"
#include "kernel/ktimer.h"
#include "kernel/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/slab.h"
#include "kernel/time.h"

enum { ST_NONE, ST_UD2, ST_PAGEFAULT, ST_DIVZERO, ST_TIMER, ST_ALLOC };
static const char *const selftest_names[] = {
	"none", "ud2", "pagefault", "divzero", "timer", "alloc",
};
static int selftest = ST_NONE;
KPARAM_ENUM("selftest", selftest, selftest_names, "run a boot self-test");

/* Sleeps of several lengths at once and one at a time: never early, and how late. */
static void selftest_timer(void)
{
	static const uint64_t lengths[] = { 1, 5, 10, 50, 100, 250 };
	bool ok = true;

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		uint64_t t0 = ktime_get_ns(), took;

		msleep(lengths[i]);
		took = ktime_get_ns() - t0;
		/* Never early by even a fraction of a tick. */
		bool early = took < lengths[i] * NSEC_PER_MSEC;
		ok &= !early;
		kprintf("selftest timer: msleep(%llu) took %llu us (%s)\n",
			(unsigned long long)lengths[i], (unsigned long long)(took / 1000),
			early ? "EARLY" : "not early");
	}
	kprintf("selftest timer: %s\n", ok ? "PASS" : "FAIL");
}

/* Chains the allocated blocks through their own first word: exhausting memory
 * must not need memory to remember what was taken. */
static void selftest_alloc(void)
{
	struct page_stats before, after;
	void *chain = NULL, *p;
	uint64_t pages = 0, heap_blocks[2], objs = 0;
	bool ok;

	page_alloc_stats(&before);
	while ((p = alloc_pages(0)) != NULL) {
		*(void **)p = chain;
		chain = p;
		pages++;
	}
	page_alloc_stats(&after);
	ok = after.free_pages == 0 && after.alloc_failures > before.alloc_failures;
	while (chain) {
		p = chain;
		chain = *(void **)p;
		free_pages(p, 0);
	}
	page_alloc_stats(&after);
	ok &= after.free_pages == before.free_pages;
	kprintf("selftest alloc: %llu pages taken until exhausted, all returned: %s\n",
		(unsigned long long)pages, after.free_pages == before.free_pages ? "yes" : "NO");

	/* newlib keeps freed chunks in its bins, so the proof that nothing leaked
	 * is a second exhaustion that gets exactly as far as the first. */
	for (int round = 0; round < 2; round++) {
		heap_blocks[round] = 0;
		while ((p = malloc(16384)) != NULL) {
			*(void **)p = chain;
			chain = p;
			heap_blocks[round]++;
		}
		while (chain) {
			p = chain;
			chain = *(void **)p;
			free(p);
		}
	}
	ok &= heap_blocks[0] > 0 && heap_blocks[0] == heap_blocks[1];
	kprintf("selftest alloc: heap gave %llu x 16 KiB until ENOMEM, then %llu again after freeing\n",
		(unsigned long long)heap_blocks[0], (unsigned long long)heap_blocks[1]);

	while ((p = kmalloc(512)) != NULL) {
		*(void **)p = chain;
		chain = p;
		objs++;
	}
	while (chain) {
		p = chain;
		chain = *(void **)p;
		kfree(p);
	}
	slab_shrink();
	page_alloc_stats(&after);
	ok &= objs > 0 && after.free_pages == before.free_pages;
	kprintf("selftest alloc: kmalloc(512) gave %llu objects until exhausted, pages back: %s\n",
		(unsigned long long)objs, after.free_pages == before.free_pages ? "yes" : "NO");
	kprintf("selftest alloc: %s\n", ok ? "PASS" : "FAIL");
}

void selftest_run(void)
{
	switch (selftest) {
	case ST_UD2:
		__asm__ __volatile__("ud2");
		break;
	case ST_PAGEFAULT:
		/* Page 0 is unmapped on purpose: this is a NULL-pointer write. */
		__asm__ __volatile__("movq $1, (%0)" :: "r"((uintptr_t)0x8) : "memory");
		break;
	case ST_DIVZERO:
		__asm__ __volatile__("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
		break;
	case ST_TIMER:
		selftest_timer();
		break;
	case ST_ALLOC:
		selftest_alloc();
		break;
	}
}
