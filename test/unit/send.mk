# app=send (apps/send.c, included by the test) against the scripted socket
# layer test/unit/fake_bsd.c, with the real command-line parser.
UNIT_TESTS += send
send_SRCS := test/unit/test_send.c apps/errno_name.c test/unit/fake_bsd.c kernel/cmdline.c test/unit/host_support.c
$(BUILD)/unit/send: apps/send.c net/socket.h test/unit/fake_bsd.h
