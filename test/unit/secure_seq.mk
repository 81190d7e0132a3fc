UNIT_TESTS += secure_seq
# The real CPUID / RDRAND / RDTSC of the host run; the clock is the test's.
secure_seq_SRCS := test/unit/test_secure_seq.c net/core/secure_seq.c test/unit/host_support.c
$(BUILD)/unit/secure_seq: net/secure_seq.h
