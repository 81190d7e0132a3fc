UNIT_TESTS += page_alloc
# kernel/slab.c only for arena.c's leak check, which this test does not use.
page_alloc_SRCS := test/unit/test_page_alloc.c kernel/page_alloc.c kernel/dma.c kernel/slab.c \
	test/unit/arena.c test/unit/host_support.c
