UNIT_TESTS += tcp_recovery
tcp_recovery_SRCS = test/unit/test_tcp_recovery.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_recovery: $(TCP_PEER_HDRS)
