UNIT_TESTS += route
route_SRCS = test/unit/test_route.c $(IPV4_TEST_SRCS)
$(BUILD)/unit/route: $(IPV4_TEST_HDRS)
