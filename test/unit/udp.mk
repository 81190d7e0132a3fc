UNIT_TESTS += udp
udp_SRCS := test/unit/test_udp.c test/unit/fake_inet.c test/unit/fake_wait.c net/ipv4/udp.c net/ipv4/icmp.c \
	net/socket.c net/core/sock_zerocopy.c net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c net/core/snmp.c \
	kernel/slab.c kernel/page_alloc.c test/unit/skb_arena.c test/unit/arena.c \
	test/unit/host_support.c
$(BUILD)/unit/udp: net/udp.h net/socket.h net/sock.h net/skbuff.h test/unit/fake_inet.h
