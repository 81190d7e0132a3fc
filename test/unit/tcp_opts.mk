UNIT_TESTS += tcp_opts
tcp_opts_SRCS = test/unit/test_tcp_opts.c $(TCP_PEER_SRCS)
$(BUILD)/unit/tcp_opts: $(TCP_PEER_HDRS)
