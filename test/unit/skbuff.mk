UNIT_TESTS += skbuff
skbuff_SRCS := test/unit/test_skbuff.c net/core/skbuff.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/skbuff: net/skbuff.h
