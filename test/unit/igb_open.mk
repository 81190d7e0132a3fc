UNIT_TESTS += igb_open
# The driver's own igb_open/igb_close (igb_main.c) and interrupt path
# (igb_irq.c), with PCI, igb_hw.c and the stack faked in the test file.
igb_open_SRCS := test/unit/test_igb_open.c test/unit/igb_fake.c \
	drivers/igb/igb_main.c drivers/igb/igb_irq.c drivers/igb/igb_settings.c \
	drivers/igb/igb_tx.c drivers/igb/igb_rx.c drivers/igb/igb_ring.c \
	net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c \
	kernel/slab.c kernel/page_alloc.c kernel/dma.c test/unit/skb_arena.c \
	test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/igb_open: drivers/igb/igb.h drivers/igb/igb_regs.h net/netdevice.h net/skbuff.h
