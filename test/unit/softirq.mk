UNIT_TESTS += softirq
softirq_SRCS := test/unit/test_softirq.c kernel/softirq.c test/unit/host_support.c
