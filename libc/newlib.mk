# newlib, built once from Debian's newlib-source into $(BUILD) (included by the top Makefile).
#
# There is no x86_64-elf cross toolchain: the host gcc and binutils already emit
# x86_64 ELF, so they are handed to newlib's configure as the "target" tools. Only
# target-newlib is built (no libgloss: libc/syscalls.c is our board support).

NEWLIB_DIR     := $(BUILD)/newlib
NEWLIB_STAMP   := $(NEWLIB_DIR)/stamp
NEWLIB_LOG     := $(NEWLIB_DIR)/build.log
NEWLIB_TARGET  := x86_64-elf
NEWLIB_PREFIX  := $(abspath $(NEWLIB_DIR)/install)
NEWLIB_INC     := $(NEWLIB_DIR)/install/$(NEWLIB_TARGET)/include
NEWLIB_LIBS    := $(NEWLIB_DIR)/install/$(NEWLIB_TARGET)/lib/libc.a \
	$(NEWLIB_DIR)/install/$(NEWLIB_TARGET)/lib/libm.a

# Debian names the tarball after the upstream version and its top directory after
# its packaging repository (newlib-salsa), so both are matched loosely. Listed as a prerequisite when
# present so an upgraded newlib-source rebuilds; the recipe globs again because
# `deps` may only just have installed it.
NEWLIB_GLOB    := /usr/src/newlib/newlib-*.tar.*
NEWLIB_TARBALL := $(lastword $(sort $(wildcard $(NEWLIB_GLOB))))

# Same code model as the kernel. No red zone: ring-0 interrupts push their frame on
# the current stack. Frame pointers keep the panic backtrace walkable through libc.
# No unwind tables: nothing unwinds at run time, and .eh_frame would count against
# the image size. --noexecstack marks newlib's assembly files (memcpy, memset,
# setjmp) like the C ones, so the link does not warn about an executable stack.
# -nostdinc keeps the host's glibc headers out of the build.
# MISSING_SYSCALL_NAMES is undone so newlib calls _write, _sbrk, ... rather than
# write, sbrk, ...: the POSIX names stay free for our own socket layer and apps.
NEWLIB_CFLAGS   = -O2 -g -mcmodel=small -mno-red-zone -fno-pic -fno-pie -ffreestanding \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -ffunction-sections -fdata-sections -Wa,--noexecstack \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) -UMISSING_SYSCALL_NAMES

# Full (not nano) formatted I/O: nano's printf takes one length letter at most, so
# %llu, %zu and %hhx, which the kernel prints counters and bytes with, come out as
# garbage. The regular malloc, not nano-malloc: it has size-class bins where nano
# walks one first-fit list, and it returns freed top memory to the region. Lite
# exit: exit() flushes the console streams instead of closing them.
NEWLIB_CONFIGURE = --target=$(NEWLIB_TARGET) --prefix=$(NEWLIB_PREFIX) \
	--disable-multilib --disable-nls --disable-newlib-supplied-syscalls \
	--enable-newlib-io-long-long --enable-newlib-io-c99-formats --enable-lite-exit \
	CC_FOR_TARGET=$(CC) AS_FOR_TARGET=as AR_FOR_TARGET=ar LD_FOR_TARGET=ld \
	NM_FOR_TARGET=nm RANLIB_FOR_TARGET=ranlib OBJCOPY_FOR_TARGET=objcopy \
	OBJDUMP_FOR_TARGET=objdump READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
	CFLAGS_FOR_TARGET="$(NEWLIB_CFLAGS)"

# newlib's <stdatomic.h> (FreeBSD's) does not compile under GCC; without it
# <stdatomic.h> resolves to GCC's own, next on the kernel's include path.
# newlib's own make runs with an empty MAKEFLAGS: our command-line variables
# (BUILD=, CC=, ...) must not leak into its Makefiles, and the plain `make`
# (not $(MAKE)) keeps `make -n` from actually building it. The lock (kept outside
# the directory it guards, which is wiped) serialises two makes started together
# in one tree, which would otherwise delete each other's half-built newlib; the
# one that waited finds the stamp fresh and stops.
$(NEWLIB_STAMP): $(NEWLIB_TARBALL) libc/newlib.mk | deps
	@echo "  NEWLIB  building newlib once (about a minute; log: $(NEWLIB_LOG))"
	@set -e; \
	mkdir -p $(BUILD); \
	exec 9> $(BUILD)/newlib.lock; \
	flock 9; \
	fresh=1; for f in $^; do [ $@ -nt "$$f" ] || fresh=0; done; \
	[ $$fresh = 0 ] || exit 0; \
	tarball=$$(ls -d $(NEWLIB_GLOB) 2>/dev/null | sort | tail -n 1); \
	if [ -z "$$tarball" ]; then \
		echo "newlib: no tarball matches $(NEWLIB_GLOB) (package newlib-source)" >&2; \
		exit 1; \
	fi; \
	rm -rf $(NEWLIB_DIR); \
	mkdir -p $(NEWLIB_DIR)/src $(NEWLIB_DIR)/obj; \
	echo "newlib: $$tarball" > $(NEWLIB_LOG); \
	if ! ( tar -xf "$$tarball" -C $(NEWLIB_DIR)/src --strip-components=1 && \
	       cd $(NEWLIB_DIR)/obj && \
	       ../src/configure $(NEWLIB_CONFIGURE) && \
	       MAKEFLAGS= MFLAGS= make -j2 all-target-newlib && \
	       MAKEFLAGS= MFLAGS= make install-target-newlib \
	     ) >> $(NEWLIB_LOG) 2>&1; then \
		tail -n 40 $(NEWLIB_LOG) >&2; \
		echo "newlib: build failed; full log in $(NEWLIB_LOG)" >&2; \
		exit 1; \
	fi; \
	rm -f $(NEWLIB_INC)/stdatomic.h; \
	touch $@
