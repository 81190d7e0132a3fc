UNIT_TESTS += tcp_data
tcp_data_SRCS = test/unit/test_tcp_data.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_data: $(TCP_PEER_HDRS)
