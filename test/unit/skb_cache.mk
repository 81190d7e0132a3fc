UNIT_TESTS += skb_cache
skb_cache_SRCS := test/unit/test_skb_cache.c net/core/skbuff.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/skb_cache: net/skbuff.h
