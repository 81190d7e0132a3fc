UNIT_TESTS += igb_irq_handlers
# test_igb_irq_handlers.c #includes drivers/igb/igb_irq.c after igb_irq_model.h so
# that the driver's MMIO goes through the device model; the driver file is
# therefore a prerequisite rather than a separately compiled source.
igb_irq_handlers_SRCS := test/unit/test_igb_irq_handlers.c test/unit/igb_irq_model.c test/unit/host_support.c
$(BUILD)/unit/igb_irq_handlers: drivers/igb/igb_irq.c drivers/igb/igb.h drivers/igb/igb_regs.h \
	net/netdevice.h
