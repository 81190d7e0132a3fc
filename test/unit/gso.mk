UNIT_TESTS += gso
gso_SRCS := test/unit/test_gso.c net/core/gso.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c net/core/snmp.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/gso: net/gso.h net/skbuff.h net/ip_hdr.h net/tcp_hdr.h
