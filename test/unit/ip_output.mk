UNIT_TESTS += ip_output
ip_output_SRCS = test/unit/test_ip_output.c $(IPV4_TEST_SRCS)
$(BUILD)/unit/ip_output: $(IPV4_TEST_HDRS)
