UNIT_TESTS += syncookies
# The real SipHash and key table (keys set by the test); the clock and the
# three sysctls the decode reads are the test's.
syncookies_SRCS := test/unit/test_syncookies.c net/ipv4/syncookies.c net/core/secure_seq.c \
	test/unit/host_support.c
$(BUILD)/unit/syncookies: net/secure_seq.h net/tcp.h
