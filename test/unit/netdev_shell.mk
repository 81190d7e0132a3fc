UNIT_TESTS += netdev_shell
netdev_shell_SRCS := test/unit/test_netdev_shell.c test/unit/netdev_fixture.c net/core/dev.c \
	net/core/dev_shell.c net/core/skbuff.c kernel/slab.c kernel/page_alloc.c test/unit/skb_arena.c \
	test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/netdev_shell: net/netdevice.h net/skbuff.h
