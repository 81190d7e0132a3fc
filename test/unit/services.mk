# The default services' poll loop (apps/services.c, included by the test)
# against the scripted socket layer test/unit/fake_bsd.c.
UNIT_TESTS += services
services_SRCS := test/unit/test_services.c apps/zc_note.c test/unit/fake_bsd.c test/unit/shell_run.c \
	test/unit/host_support.c
$(BUILD)/unit/services: apps/services.c apps/services.h net/socket.h test/unit/fake_bsd.h
