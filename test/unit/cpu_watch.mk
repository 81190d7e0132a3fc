UNIT_TESTS += cpu_watch
# cpu -w on a fake accountant and clock: the watcher alone is linked.
cpu_watch_SRCS := test/unit/test_cpu_watch.c kernel/cpu_watch.c test/unit/host_support.c
$(BUILD)/unit/cpu_watch: kernel/cpu.h kernel/softirq.h
