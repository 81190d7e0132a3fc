UNIT_TESTS += tcp_handshake
tcp_handshake_SRCS = test/unit/test_tcp_handshake.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_handshake: $(TCP_PEER_HDRS)
