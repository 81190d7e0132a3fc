UNIT_TESTS += sched
# The real scheduler, context switch and softirq core; memory, timers and the
# idle instruction are faked in the test.
sched_SRCS := test/unit/test_sched.c kernel/sched.c kernel/wait.c kernel/switch.S \
	kernel/softirq.c test/unit/host_support.c
$(BUILD)/unit/sched: kernel/sched.h kernel/wait.h
