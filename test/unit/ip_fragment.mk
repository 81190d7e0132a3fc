UNIT_TESTS += ip_fragment
ip_fragment_SRCS = test/unit/test_ip_fragment.c $(IPV4_TEST_SRCS)
$(BUILD)/unit/ip_fragment: $(IPV4_TEST_HDRS)
