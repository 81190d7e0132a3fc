# Sources shared by the IPv4 core suites (route, ip_input, ip_output,
# ip_fragment, netfilter): the whole layer against test/unit/ipv4_fakes.c.
# Named to sort before the suites' .mk files, which use these.
IPV4_TEST_SRCS = test/unit/ipv4_fakes.c test/unit/fake_timer.c net/ipv4/af_inet.c net/ipv4/devinet.c \
	net/ipv4/route.c net/ipv4/ip_input.c net/ipv4/ip_output.c net/ipv4/ip_fragment.c \
	net/ipv4/netfilter.c net/ipv4/protocol.c net/ipv4/ip_shell.c net/ethernet/eth.c net/core/snmp.c \
	net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c kernel/cmdline.c \
	kernel/timer_wheel.c kernel/slab.c kernel/page_alloc.c test/unit/skb_arena.c \
	test/unit/arena.c test/unit/host_support.c
IPV4_TEST_HDRS = net/ip.h net/route.h net/inetdevice.h net/protocol.h net/netfilter.h \
	net/ip_shell.h net/skbuff.h test/unit/ipv4_fakes.h
