UNIT_TESTS += tcp_zerocopy
tcp_zerocopy_SRCS = test/unit/test_tcp_zerocopy.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_zerocopy: $(TCP_PEER_HDRS) net/sock_zerocopy.h
