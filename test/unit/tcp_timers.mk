UNIT_TESTS += tcp_timers
tcp_timers_SRCS = test/unit/test_tcp_timers.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_timers: $(TCP_PEER_HDRS)
