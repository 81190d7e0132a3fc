# The send trace's recorder and printer (kernel/trace.c) with a fake clock and
# context; the only host suite that builds the tracepoints in (kernel/trace.h).
UNIT_TESTS += trace
trace_SRCS := test/unit/test_trace.c kernel/trace.c test/unit/host_support.c
$(BUILD)/unit/trace: UNIT_CFLAGS += -DRINGOS_TRACE_HOST
