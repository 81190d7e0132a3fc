UNIT_TESTS += slab
slab_SRCS := test/unit/test_slab.c kernel/slab.c kernel/page_alloc.c test/unit/arena.c \
	test/unit/host_support.c
