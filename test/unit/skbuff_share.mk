UNIT_TESTS += skbuff_share
skbuff_share_SRCS := test/unit/test_skbuff_share.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c net/core/snmp.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/skbuff_share: net/skbuff.h
