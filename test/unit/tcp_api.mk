UNIT_TESTS += tcp_api
tcp_api_SRCS = test/unit/test_tcp_api.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_api: $(TCP_PEER_HDRS)
