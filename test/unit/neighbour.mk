# The neighbour table against test/unit/neigh_fixture.c. NEIGH_TEST_SRCS is
# shared with arp.mk (the same layer seen from the wire side).
NEIGH_TEST_SRCS = test/unit/neigh_fixture.c test/unit/fake_timer.c net/core/neighbour.c net/ethernet/eth.c net/core/neigh_parms.c net/ipv4/arp.c \
	net/core/neigh_shell.c net/core/snmp.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c kernel/sysctl.c kernel/cmdline.c kernel/timer_wheel.c kernel/slab.c \
	kernel/page_alloc.c test/unit/skb_arena.c test/unit/arena.c test/unit/shell_run.c test/unit/host_support.c
NEIGH_TEST_HDRS = net/neighbour.h net/arp.h net/arp_hdr.h net/inetdevice.h net/netdevice.h \
	net/skbuff.h net/ip_shell.h test/unit/neigh_fixture.h test/unit/fake_timer.h
UNIT_TESTS += neighbour
neighbour_SRCS = test/unit/test_neighbour.c $(NEIGH_TEST_SRCS)
$(BUILD)/unit/neighbour: $(NEIGH_TEST_HDRS)
