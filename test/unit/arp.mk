# ARP, `ip neigh` and `arping` against test/unit/neigh_fixture.c (sources
# from neighbour.mk, which sorts first).
UNIT_TESTS += arp
arp_SRCS = test/unit/test_arp.c $(NEIGH_TEST_SRCS)
$(BUILD)/unit/arp: $(NEIGH_TEST_HDRS)
