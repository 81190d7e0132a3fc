UNIT_TESTS += softirq_causes
softirq_causes_SRCS := test/unit/test_softirq_causes.c test/unit/netdev_fixture.c net/core/dev.c net/core/gso.c net/ethernet/eth.c net/core/link_watch.c net/sched/sch_generic.c \
	net/core/softirq_causes.c net/core/skbuff.c net/core/skb_checksum.c net/core/checksum.c net/core/snmp.c kernel/slab.c \
	kernel/page_alloc.c test/unit/skb_arena.c test/unit/arena.c test/unit/host_support.c
$(BUILD)/unit/softirq_causes: net/netdevice.h net/skbuff.h net/sch_generic.h kernel/softirq.h
