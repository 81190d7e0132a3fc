UNIT_TESTS += sysctl
# The shell runs the command as typed; its other commands are not linked.
sysctl_SRCS := test/unit/test_sysctl.c kernel/sysctl.c test/unit/shell_run.c test/unit/host_support.c
$(BUILD)/unit/sysctl: kernel/sysctl.h
