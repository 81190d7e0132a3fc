#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kernel/panic.h"
#include "kernel/irq.h"
#include "kernel/io.h"
#include "kernel/gdt.h"
#include "kernel/console.h"
#include "kernel/power.h"

#define BACKTRACE_MAX 24

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static volatile int panic_depth;
extern char boot_stack_bottom[], boot_stack_top[];

/* Minimal output for a fault inside the panic path: no newlib, no buffers. */
static void raw_puts(const char *s)
{
	console_write_sync(s, strlen(s));
}

static void raw_hex(uint64_t v)
{
	char b[19] = "0x";

	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
	b[18] = '\0';
	raw_puts(b);
}

static void out(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		console_write_sync(buf, MIN((size_t)n, sizeof(buf) - 1));
}

static bool on_known_stack(uintptr_t p)
{
	size_t size;
	uintptr_t lo;

	if (p >= (uintptr_t)boot_stack_bottom && p + 16 <= (uintptr_t)boot_stack_top)
		return true;
	for (int ist = 1; ist <= 2; ist++) {
		lo = ist_stack_bottom(ist, &size);
		if (p >= lo && p + 16 <= lo + size)
			return true;
	}
	return false;
}

/* Walks saved frame pointers; stops at anything not plausibly a frame. */
static void backtrace(uint64_t rip, uint64_t rbp)
{
	out("Backtrace (addr2line -e build/ringos.elf):\n  #0  0x%016llx\n",
	    (unsigned long long)rip);
	for (int i = 1; i < BACKTRACE_MAX; i++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;

		if (rbp == 0 || (rbp & 7) || !on_known_stack(rbp))
			break;
		if (fp[1] == 0)
			break;
		out("  #%-2d 0x%016llx\n", i, (unsigned long long)fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

/* Returns only for the first entry; nested entries halt right here. */
static void panic_enter(uint64_t vector, uint64_t rip)
{
	__asm__ __volatile__("cli");
	if (++panic_depth == 1)
		return;
	if (panic_depth == 2) {
		raw_puts("\nPANIC: nested fault in panic path, vector ");
		raw_hex(vector);
		raw_puts(" rip ");
		raw_hex(rip);
		raw_puts("\n");
		machine_exit(EXIT_PANIC);
	}
	for (;;)
		halt();
}

static void dump_frame(const struct irq_frame *f)
{
	out("RIP %016llx CS %04llx RFLAGS %016llx\n", (unsigned long long)f->rip,
	    (unsigned long long)f->cs, (unsigned long long)f->rflags);
	out("RSP %016llx SS %04llx CR2 %016llx CR3 %016llx\n", (unsigned long long)f->rsp,
	    (unsigned long long)f->ss, (unsigned long long)read_cr2(),
	    (unsigned long long)read_cr3());
	out("RAX %016llx RBX %016llx RCX %016llx\n", (unsigned long long)f->rax,
	    (unsigned long long)f->rbx, (unsigned long long)f->rcx);
	out("RDX %016llx RSI %016llx RDI %016llx\n", (unsigned long long)f->rdx,
	    (unsigned long long)f->rsi, (unsigned long long)f->rdi);
	out("RBP %016llx R8  %016llx R9  %016llx\n", (unsigned long long)f->rbp,
	    (unsigned long long)f->r8, (unsigned long long)f->r9);
	out("R10 %016llx R11 %016llx R12 %016llx\n", (unsigned long long)f->r10,
	    (unsigned long long)f->r11, (unsigned long long)f->r12);
	out("R13 %016llx R14 %016llx R15 %016llx\n", (unsigned long long)f->r13,
	    (unsigned long long)f->r14, (unsigned long long)f->r15);
}

void panic_exception(const struct irq_frame *f)
{
	unsigned v = (unsigned)f->vector;

	panic_enter(v, f->rip);
	out("\nPANIC: exception %u %s, error code 0x%llx", v,
	    v < 32 ? exception_names[v] : "?", (unsigned long long)f->error);
	if (v == 14)
		out(", CR2 0x%llx (%s %s)", (unsigned long long)read_cr2(),
		    f->error & 1 ? "protection" : "not-present",
		    f->error & 2 ? "write" : "read");
	out(", RIP 0x%llx\n", (unsigned long long)f->rip);
	dump_frame(f);
	backtrace(f->rip, f->rbp);
	machine_exit(EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	uint64_t rbp = (uintptr_t)__builtin_frame_address(0);

	panic_enter(0, (uintptr_t)__builtin_return_address(0));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("\nPANIC: %s\n", msg);
	backtrace((uintptr_t)__builtin_return_address(0), ((const uint64_t *)rbp)[0]);
	machine_exit(EXIT_PANIC);
}
