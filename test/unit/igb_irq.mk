UNIT_TESTS += igb_irq
# test_igb_irq.c #includes drivers/igb/igb_irq.c so that the driver's MMIO goes
# through the test's device model; the driver file is therefore a prerequisite
# rather than a separately compiled source.
igb_irq_SRCS := test/unit/test_igb_irq.c test/unit/host_support.c
$(BUILD)/unit/igb_irq: drivers/igb/igb_irq.c drivers/igb/igb.h drivers/igb/igb_regs.h \
	net/netdevice.h
