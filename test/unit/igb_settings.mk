UNIT_TESTS += igb_settings
igb_settings_SRCS := test/unit/test_igb_settings.c test/unit/igb_fixture.c test/unit/igb_fake.c \
	drivers/igb/igb_settings.c drivers/igb/igb_tx.c drivers/igb/igb_rx.c drivers/igb/igb_ring.c \
	net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c kernel/slab.c kernel/page_alloc.c kernel/dma.c test/unit/skb_arena.c \
	test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/igb_settings: drivers/igb/igb.h drivers/igb/igb_regs.h net/netdevice.h net/skbuff.h
