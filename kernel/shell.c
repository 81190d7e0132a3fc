/* A line-oriented shell on the serial console. Characters are echoed as typed;
 * backspace, Ctrl-U (kill line) and Ctrl-C (cancel) edit; escape sequences from
 * arrow keys are swallowed. Commands come from the "shellcmds" linker table. */
#include <string.h>
#include "kernel/shell.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/irqflags.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/wait.h"

#define LINE_MAX 256
#define PROMPT "ringos> "

extern const struct shell_cmd __start_shellcmds[], __stop_shellcmds[];

static char line[LINE_MAX];
static size_t line_len;
static bool line_overflow;
static bool last_was_cr;
static int esc_state;	/* 0 normal, 1 after ESC, 2 inside a CSI sequence */
static volatile bool command_running;

void shell_prompt(void)
{
	kprintf(PROMPT);
}

static const struct shell_cmd *find(const char *name)
{
	for (const struct shell_cmd *c = __start_shellcmds; c < __stop_shellcmds; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int shell_exec(char *s)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = 0;
	const struct shell_cmd *c;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			break;
		if (argc == SHELL_MAX_ARGS) {
			kprintf("shell: too many arguments (max %d)\n", SHELL_MAX_ARGS);
			return -1;
		}
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	c = find(argv[0]);
	if (!c) {
		kprintf("shell: unknown command '%.40s' (type 'help')\n", argv[0]);
		return -1;
	}
	command_running = true;
	int rc = c->fn(argc, argv);
	command_running = false;
	/* A Ctrl-C the command did not look at ends with it. */
	clear_signal(current);
	return rc;
}

static void end_of_line(void)
{
	kprintf("\n");
	if (line_overflow)
		kprintf("shell: line too long (max %d characters), ignored\n", LINE_MAX - 1);
	else {
		line[line_len] = '\0';
		shell_exec(line);
	}
	line_len = 0;
	line_overflow = false;
	shell_prompt();
}

static void feed(char c)
{
	if (esc_state == 1) {
		esc_state = (c == '[' || c == 'O') ? 2 : 0;
		return;
	}
	if (esc_state == 2) {
		if (c >= 0x40 && c <= 0x7E)
			esc_state = 0;
		return;
	}
	if (c == '\n' && last_was_cr) {
		last_was_cr = false;
		return;
	}
	last_was_cr = c == '\r';
	switch (c) {
	case '\r':
	case '\n':
		end_of_line();
		return;
	case 0x1B:
		esc_state = 1;
		return;
	case 0x03:	/* Ctrl-C */
		kprintf("^C\n");
		line_len = 0;
		line_overflow = false;
		shell_prompt();
		return;
	case 0x15:	/* Ctrl-U */
		while (line_len) {
			line_len--;
			kprintf("\b \b");
		}
		return;
	case 0x08:
	case 0x7F:
		if (line_len) {
			line_len--;
			kprintf("\b \b");
		}
		return;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E)
		return;
	if (line_len >= LINE_MAX - 1) {
		line_overflow = true;
		return;
	}
	line[line_len++] = c;
	console_write(&c, 1);
}

void shell_poll(void)
{
	char buf[64];
	size_t n;

	/* Bounded: a flood of input yields to the rest of the main loop. */
	for (int i = 0; i < 8 && (n = console_read(buf, sizeof(buf))) > 0; i++)
		for (size_t j = 0; j < n; j++)
			feed(buf[j]);
}

/* Console interrupt: Ctrl-C while a command runs interrupts it. */
static bool shell_intr(void)
{
	struct thread *fg = foreground_thread();

	if (!command_running || !fg)
		return false;
	send_sigint(fg);
	return true;
}

static void shell_thread(void *arg)
{
	(void)arg;
	shell_prompt();
	for (;;) {
		/* Without receive interrupts the console is polled. */
		uint64_t deadline = console_irq_driven() ? UINT64_MAX :
				    ktime_get_ns() + 20 * NSEC_PER_MSEC;

		wait_event_interruptible_deadline(console_wq, console_input_pending(), deadline);
		clear_signal(current);
		shell_poll();
	}
}

void shell_start(void)
{
	struct thread *t = thread_create("shell", shell_thread, NULL, CPU_SYS);

	if (!t)
		return;
	set_foreground_thread(t);
	console_set_intr_hook(shell_intr);
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *sorted[128];
	size_t n = 0;

	(void)argc;
	(void)argv;
	for (const struct shell_cmd *c = __start_shellcmds; c < __stop_shellcmds && n < 128; c++) {
		size_t i = n++;

		while (i > 0 && strcmp(sorted[i - 1]->name, c->name) > 0) {
			sorted[i] = sorted[i - 1];
			i--;
		}
		sorted[i] = c;
	}
	for (size_t i = 0; i < n; i++)
		kprintf("  %-12s %s\n", sorted[i]->name, sorted[i]->help);
	return 0;
}
SHELL_COMMAND("help", "list commands", cmd_help);
