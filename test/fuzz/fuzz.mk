# Fuzzing the RX -> l2reflect / IPv4 stack -> TX path (test/fuzz/README.md).
#   make fuzz         libFuzzer (clang), FUZZ_SECONDS of it on a copy of the corpus
#   make fuzz-replay  every corpus file once, gcc + ASan/UBSan, no clang needed
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_PKGS    := clang libclang-rt-14-dev
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_SRCS := test/fuzz/fuzz_rx_frame.c test/fuzz/fuzz_stack.c test/fuzz/fuzz_tcp.c test/fuzz/fuzz_kernel.c \
	drivers/igb/igb_rx.c drivers/igb/igb_tx.c drivers/igb/igb_ring.c net/core/dev.c net/core/gso.c net/ethernet/eth.c \
	net/core/link_watch.c net/sched/sch_generic.c net/core/skb_checksum.c net/core/checksum.c \
	net/core/skbuff.c net/core/neighbour.c net/core/neigh_parms.c net/core/snmp.c \
	net/ipv4/arp.c net/ipv4/af_inet.c net/ipv4/devinet.c net/ipv4/route.c net/ipv4/ip_input.c \
	net/ipv4/ip_output.c net/ipv4/ip_fragment.c net/ipv4/netfilter.c net/ipv4/protocol.c \
	net/ipv4/icmp.c net/ipv4/udp.c net/socket.c net/core/sock_poll.c net/core/sock_zerocopy.c net/core/secure_seq.c \
	net/ipv4/syncookies.c net/ipv4/tcp.c net/ipv4/tcp_mib.c net/ipv4/tcp_sockopt.c net/ipv4/tcp_ctl.c net/ipv4/tcp_data_queue.c net/ipv4/tcp_cong.c net/ipv4/tcp_cubic.c \
	net/ipv4/tcp_input.c net/ipv4/tcp_ipv4.c net/ipv4/tcp_minisocks.c net/ipv4/tcp_output.c net/ipv4/tcp_zerocopy.c \
	net/ipv4/tcp_recovery.c net/ipv4/tcp_timer.c apps/l2reflect.c kernel/slab.c \
	kernel/page_alloc.c kernel/dma.c kernel/sysctl.c kernel/cmdline.c kernel/timer_wheel.c \
	kernel/initcall.c test/unit/host_support.c test/unit/igb_fake.c test/unit/fake_timer.c \
	test/unit/skb_arena.c test/unit/arena.c
# The shared unit-test fixtures check through cmocka.
FUZZ_LIBS := -lcmocka -Wl,-T,test/fuzz/netinit.ld
FUZZ_HDRS := $(wildcard drivers/igb/*.h net/*.h kernel/*.h apps/*.h test/unit/*.h test/fuzz/*.h) \
	test/fuzz/netinit.ld test/fuzz/asan_ignore.txt
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -DRINGOS_HOST -I. -Itest/unit \
	-fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzz-replay fuzz-deps

# clang and its sanitizer runtimes only for `make fuzz`: installed as root,
# else the command is printed, as tools/deps.sh does for the rest.
fuzz-deps:
	@missing=""; \
	for p in $(FUZZ_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' \
			|| missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	cmd="apt-get update && apt-get install -y --no-install-recommends$$missing"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "ringos: fuzzing needs$$missing. As root, run:" >&2; \
		echo "  $$cmd" >&2; \
		exit 1; \
	fi; \
	echo "ringos: installing$$missing"; \
	DEBIAN_FRONTEND=noninteractive sh -c "$$cmd"

$(FUZZ_DIR)/fuzz_rx_frame: $(FUZZ_SRCS) $(FUZZ_HDRS) | deps fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fsanitize-ignorelist=test/fuzz/asan_ignore.txt -o $@ $(FUZZ_SRCS) $(FUZZ_LIBS)

$(FUZZ_DIR)/fuzz_rx_frame_replay: $(FUZZ_SRCS) $(FUZZ_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=address,undefined -DFUZZ_REPLAY -o $@ $(FUZZ_SRCS) $(FUZZ_LIBS)

# New inputs libFuzzer finds stay in the working copy, not in the seeds;
# crashes land in $(FUZZ_DIR) as crash-<sha1>.
fuzz: $(FUZZ_DIR)/fuzz_rx_frame
	@mkdir -p $(FUZZ_DIR)/corpus
	cp test/fuzz/corpus/* $(FUZZ_DIR)/corpus/
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus

fuzz-replay: $(FUZZ_DIR)/fuzz_rx_frame_replay
	timeout 120 $< test/fuzz/corpus
