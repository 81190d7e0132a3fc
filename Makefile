# ringos: one entry point for building, booting, testing and benchmarking.
#   make             build/ringos.elf and build/ringos.iso
#   make run         boot the ISO in QEMU (-device igb, user networking, serial here)
#   make run-kernel  boot the ELF with -kernel
#   make test        host unit tests, then integration tests in QEMU
#   make bench       boot-time, driver and round-trip benchmarks (README figures)
#   make fuzz        libFuzzer on the raw-frame entry point (FUZZ_SECONDS=60)
#   make deps        install missing dependencies (root) or print the command
VERSION   := 0.1.0
BUILD     := build
CC        := gcc
PYTHON    := /usr/bin/python3
QEMU      := qemu-system-x86_64
QEMU_EXTRA ?=
CMDLINE   ?=

.DEFAULT_GOAL := all
.PHONY: all iso run run-kernel test unit integration bench deps clean fuzz FORCE

# Dependencies: checked on every entry point, installed only when missing.
deps:
	@sh tools/deps.sh

include libc/newlib.mk

# ---- kernel image -----------------------------------------------------------
KSRC_C := $(sort $(shell find kernel drivers net libc apps -name '*.c'))
KSRC_S := $(sort $(wildcard boot/*.S kernel/*.S))
KOBJ   := $(patsubst %,$(BUILD)/k/%.o,$(KSRC_C) $(KSRC_S))
GCC_INC := $(shell $(CC) -print-file-name=include)
LIBGCC  := $(shell $(CC) -print-libgcc-file-name)

# Freestanding, no red zone (interrupts push on the current stack), frame pointers
# kept for the panic backtrace; SSE stays on because newlib uses it.
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=small -fno-stack-protector -fno-omit-frame-pointer \
	-fno-strict-aliasing -fno-common -nostdinc -isystem $(NEWLIB_INC) -isystem $(GCC_INC) \
	-I. -DRINGOS_VERSION='"$(VERSION)"' -MMD -MP
KLDFLAGS := -nostdlib -static -no-pie -Wl,-n -Wl,--build-id=none -Wl,-T,linker.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments

$(BUILD)/k/%.c.o: %.c | deps $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S | deps $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/ringos.elf: $(KOBJ) linker.ld $(NEWLIB_STAMP)
	$(CC) $(KLDFLAGS) -o $@ $(KOBJ) $(NEWLIB_LIBS) $(LIBGCC)

# The bootable copy carries no debug info: image size is a headline figure.
$(BUILD)/iso/boot/ringos.elf: $(BUILD)/ringos.elf
	@mkdir -p $(dir $@)
	objcopy --strip-debug $< $@

# `make iso CMDLINE="ip=10.0.0.2/24 gw=10.0.0.1"` bakes the command line into the
# ISO's grub.cfg. The stamp holds the value and is rewritten only when it changes,
# so a new CMDLINE rebuilds grub.cfg and the ISO, and the same one rebuilds nothing.
CMDLINE_STAMP := $(BUILD)/cmdline.stamp
$(CMDLINE_STAMP): export RINGOS_CMDLINE := $(value CMDLINE)
$(CMDLINE_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' "$$RINGOS_CMDLINE" | cmp -s - $@ || printf '%s\n' "$$RINGOS_CMDLINE" > $@

# Each word goes to GRUB single-quoted, so GRUB's script syntax ($, ;, #) leaves it
# alone. Quotes and backslashes cannot be passed: GRUB's multiboot loader would
# backslash-escape them, and the kernel reads quotes as grouping.
$(BUILD)/iso/boot/grub/grub.cfg: boot/grub.cfg $(CMDLINE_STAMP)
	@mkdir -p $(dir $@)
	@set -f; args=""; for w in $$(cat $(CMDLINE_STAMP)); do \
		case "$$w" in *[\'\"\\]*) \
			echo "iso: CMDLINE word $$w: quotes and backslashes cannot pass through GRUB" >&2; \
			exit 1;; \
		esac; \
		args="$$args '$$w'"; \
	done; \
	ARGS="$$args" awk '{ i = index($$0, "@CMDLINE@"); \
		if (i) $$0 = substr($$0, 1, i - 1) ENVIRON["ARGS"] substr($$0, i + 9) } 1' $< > $@.tmp
	@mv $@.tmp $@

$(BUILD)/ringos.iso: $(BUILD)/iso/boot/ringos.elf $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# The same kernel with every tracepoint compiled out (-DRINGOS_NO_TRACE,
# kernel/trace.h) and without the recorder, in objects of its own, so
# test/bench/trace.py can boot both in one run. `make TRACE=0` adds it to all.
KOBJ_NOTRACE := $(patsubst $(BUILD)/k/%,$(BUILD)/k-notrace/%,\
	$(filter-out $(BUILD)/k/kernel/trace.c.o $(BUILD)/k/kernel/trace_cmd.c.o,$(KOBJ)))

$(BUILD)/k-notrace/%.c.o: %.c | deps $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -DRINGOS_NO_TRACE -c $< -o $@

$(BUILD)/k-notrace/%.S.o: %.S | deps $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -DRINGOS_NO_TRACE -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/ringos-notrace.elf: $(KOBJ_NOTRACE) linker.ld $(NEWLIB_STAMP)
	$(CC) $(KLDFLAGS) -o $@ $(KOBJ_NOTRACE) $(NEWLIB_LIBS) $(LIBGCC)

all: $(BUILD)/ringos.elf $(BUILD)/ringos.iso $(if $(filter 0,$(TRACE)),$(BUILD)/ringos-notrace.elf)
iso: $(BUILD)/ringos.iso
FORCE:

-include $(KOBJ:.o=.d) $(KOBJ_NOTRACE:.o=.d)

# ---- running ----------------------------------------------------------------
HOSTFWD := hostfwd=tcp::7007-:7,hostfwd=tcp::7009-:9,hostfwd=tcp::7019-:19,hostfwd=udp::7007-:7
QEMU_BASE := $(QEMU) -M q35 -m 256M -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-netdev user,id=n0,$(HOSTFWD) -device igb,netdev=n0 $(QEMU_EXTRA)

run: all
	@echo "ringos: host ports 7007->7 (tcp+udp echo), 7009->9 (discard), 7019->19 (source); Ctrl-a x quits"
	$(QEMU_BASE) -cdrom $(BUILD)/ringos.iso -boot d

run-kernel: all
	@echo "ringos: host ports 7007->7 (tcp+udp echo), 7009->9 (discard), 7019->19 (source); Ctrl-a x quits"
	$(QEMU_BASE) -kernel $(BUILD)/ringos.elf -append "$(CMDLINE)"

# ---- tests ------------------------------------------------------------------
# Each test/unit/NAME.mk adds NAME to UNIT_TESTS and lists NAME_SRCS.
UNIT_TESTS :=
include $(sort $(wildcard test/unit/*.mk))
include test/fuzz/fuzz.mk
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -DRINGOS_HOST -I. -Itest/unit \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard kernel/*.h test/unit/*.h) | deps
	@mkdir -p $$(dir $$@)
	$$(CC) $$(UNIT_CFLAGS) -o $$@ $$($(1)_SRCS) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS) fuzz-replay
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; timeout 120 $$t; done

integration: all
	timeout 1500 $(PYTHON) -m pytest -v -p no:cacheprovider test/integration

test: unit integration

$(BUILD)/bench/empty.elf: test/bench/empty.S
	@mkdir -p $(dir $@)
	as --32 -o $(BUILD)/bench/empty.o $<
	ld -m elf_i386 -Ttext=0x100000 -e _start -o $@ $(BUILD)/bench/empty.o

bench: all $(BUILD)/bench/empty.elf $(BUILD)/ringos-notrace.elf
	$(PYTHON) test/bench/boot.py
	$(PYTHON) test/bench/l2blast.py
	$(PYTHON) test/bench/net_rtt.py
	$(PYTHON) test/bench/raw_ceilings.py
	$(PYTHON) test/bench/tcp.py
	$(PYTHON) test/bench/trace.py

clean:
	rm -rf $(BUILD)
