UNIT_TESTS += skb_frags
skb_frags_SRCS := test/unit/test_skb_frags.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c net/core/snmp.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/skb_frags: net/skbuff.h
