UNIT_TESTS += tcp_close
tcp_close_SRCS = test/unit/test_tcp_close.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_close: $(TCP_PEER_HDRS)
