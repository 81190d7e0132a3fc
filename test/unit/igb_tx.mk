UNIT_TESTS += igb_tx
igb_tx_SRCS := test/unit/test_igb_tx.c test/unit/igb_fixture.c test/unit/igb_fake.c \
	drivers/igb/igb_tx.c drivers/igb/igb_rx.c drivers/igb/igb_ring.c net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c \
	kernel/slab.c kernel/page_alloc.c kernel/dma.c test/unit/skb_arena.c test/unit/arena.c \
	test/unit/host_support.c
