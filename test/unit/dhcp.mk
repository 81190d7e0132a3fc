UNIT_TESTS += dhcp
dhcp_SRCS := test/unit/test_dhcp.c test/unit/dhcp_fixture.c net/ipv4/dhcp.c kernel/cmdline.c test/unit/host_support.c
$(BUILD)/unit/dhcp: net/ipconfig.h net/dhcp_hdr.h net/inetdevice.h net/route.h
