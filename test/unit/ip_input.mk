UNIT_TESTS += ip_input
ip_input_SRCS = test/unit/test_ip_input.c $(IPV4_TEST_SRCS)
$(BUILD)/unit/ip_input: $(IPV4_TEST_HDRS)
