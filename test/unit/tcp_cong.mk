UNIT_TESTS += tcp_cong
# The algorithms alone: time is the test's own tcp_jiffies32().
tcp_cong_SRCS := test/unit/test_tcp_cong.c net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c \
	kernel/cmdline.c test/unit/shell_run.c test/unit/host_support.c
$(BUILD)/unit/tcp_cong: net/tcp_cong.h net/tcp.h
