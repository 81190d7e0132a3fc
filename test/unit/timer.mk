UNIT_TESTS += timer
timer_SRCS := test/unit/test_timer.c kernel/timer_wheel.c test/unit/host_support.c
