# Shared by the TCP suites (tcp_*.mk): the real TCP core and socket layer
# against a scripted peer (test/unit/tcp_peer.c; test/unit/fake_tcp_env.c
# fakes IP below TCP, the clock and the waits). Named to sort before the
# suites that use it.
TCP_PEER_SRCS = test/unit/tcp_peer.c test/unit/fake_tcp_env.c test/unit/fake_wait.c test/unit/fake_timer.c kernel/timer_wheel.c \
	net/ipv4/tcp.c net/ipv4/tcp_mib.c net/ipv4/tcp_sockopt.c net/ipv4/tcp_ctl.c net/ipv4/tcp_data_queue.c net/ipv4/tcp_input.c net/ipv4/tcp_output.c net/ipv4/tcp_ipv4.c \
	net/ipv4/tcp_minisocks.c net/ipv4/tcp_recovery.c net/ipv4/tcp_timer.c net/ipv4/tcp_zerocopy.c \
	net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c net/ipv4/syncookies.c net/core/secure_seq.c \
	net/socket.c net/core/sock_zerocopy.c net/ipv4/udp.c net/ipv4/icmp.c net/core/skbuff.c net/core/skb_checksum.c \
	net/core/checksum.c net/core/snmp.c kernel/cmdline.c kernel/slab.c kernel/page_alloc.c \
	test/unit/skb_arena.c test/unit/arena.c test/unit/shell_run.c test/unit/host_support.c
TCP_PEER_HDRS = net/tcp.h net/tcp_cong.h net/sock.h net/socket.h net/skbuff.h test/unit/tcp_peer.h \
	test/unit/fake_tcp_env.h
