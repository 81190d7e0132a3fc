UNIT_TESTS += netfilter
netfilter_SRCS = test/unit/test_netfilter.c $(IPV4_TEST_SRCS)
$(BUILD)/unit/netfilter: $(IPV4_TEST_HDRS)
