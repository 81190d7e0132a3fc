UNIT_TESTS += socket socket_stream
socket_LIB_SRCS := test/unit/socket_fixture.c test/unit/fake_inet.c test/unit/fake_wait.c test/unit/fake_stream.c \
	test/unit/fake_tcp_ss.c net/socket.c net/core/sock_poll.c net/core/sock_zerocopy.c net/core/sock_diag.c \
	net/core/utils.c net/ipv4/udp.c net/ipv4/icmp.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c net/core/snmp.c kernel/slab.c kernel/page_alloc.c test/unit/skb_arena.c \
	test/unit/arena.c test/unit/shell_run.c test/unit/host_support.c
socket_SRCS := test/unit/test_socket.c $(socket_LIB_SRCS)
socket_stream_SRCS := test/unit/test_socket_stream.c $(socket_LIB_SRCS)
socket_HDRS := net/udp.h net/socket.h net/sock.h net/socket_file.h net/skbuff.h net/tcp.h \
	test/unit/fake_inet.h test/unit/fake_stream.h test/unit/fake_tcp_ss.h test/unit/socket_fixture.h
$(BUILD)/unit/socket: $(socket_HDRS)
$(BUILD)/unit/socket_stream: $(socket_HDRS)
