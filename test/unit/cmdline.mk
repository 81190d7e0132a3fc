UNIT_TESTS += cmdline
cmdline_SRCS := test/unit/test_cmdline.c kernel/cmdline.c test/unit/host_support.c
