/* The newlib port: the "system calls" newlib's reentrant wrappers (_write_r, _sbrk_r,
 * ...) end in. One address space and no file system or processes: fds 0-2 are the
 * console, fds from SOCK_FD_BASE up are sockets (net/socket.c), the heap is one
 * bounded region, and the rest fails with ENOSYS.
 *
 * newlib is built with MISSING_SYSCALL_NAMES undone, so libc.a defines none of
 * the POSIX names (close, read, write, fcntl): they are defined here, over the
 * same descriptor switch as the underscore names newlib's stdio calls.
 *
 * errno is newlib's: <errno.h> resolves it through the reent pointer, so a value set
 * here is what the caller of write(), malloc(), ... reads back. */

/* Newlib declares the _<syscall> prototypes only for its own build; asking for them
 * checks each definition below against what newlib's objects were compiled to call. */
#define _COMPILING_NEWLIB

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <envlock.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/console.h"
#include "kernel/irqflags.h"
#include "kernel/power.h"
#include "kernel/time.h"
#include "libc/libc.h"
#include "net/socket.h"

#define CONSOLE_FDS 3

static bool is_console(int fd)
{
	return fd >= 0 && fd < CONSOLE_FDS;
}

_READ_WRITE_RETURN_TYPE _write(int fd, const void *buf, size_t len)
{
	if (sock_fd_is_socket(fd))
		return (_READ_WRITE_RETURN_TYPE)sock_fd_write(fd, buf, MIN(len, (size_t)INT_MAX));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	/* The return type is int for this target; a larger request is a short write. */
	len = MIN(len, (size_t)INT_MAX);
	console_write(buf, len);
	return (_READ_WRITE_RETURN_TYPE)len;
}

_READ_WRITE_RETURN_TYPE _read(int fd, void *buf, size_t len)
{
	if (sock_fd_is_socket(fd))
		return (_READ_WRITE_RETURN_TYPE)sock_fd_read(fd, buf, MIN(len, (size_t)INT_MAX));
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	len = MIN(len, (size_t)INT_MAX);
	return (_READ_WRITE_RETURN_TYPE)console_read(buf, len);
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
	return _write(fd, buf, len);
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
	return _read(fd, buf, len);
}

/* The console takes no flags; a socket takes O_NONBLOCK. */
static int fd_fcntl(int fd, int cmd, long arg)
{
	if (sock_fd_is_socket(fd))
		return sock_fd_fcntl(fd, cmd, arg);
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	if (cmd == F_GETFL)
		return O_RDWR;
	errno = EINVAL;
	return -1;
}

/* Only F_SETFL reads its third argument (an int, as the caller passed it). */
int _fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg = 0;

	if (cmd == F_SETFL) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	return fd_fcntl(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...) __attribute__((alias("_fcntl")));

int _isatty(int fd)
{
	if (!is_console(fd)) {
		errno = EBADF;
		return 0;
	}
	return 1;
}

/* A character device makes stdio line-buffer stdout (and leave stderr unbuffered). */
int _fstat(int fd, struct stat *st)
{
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	*st = (struct stat){ .st_mode = S_IFCHR };
	return 0;
}

/* ---- the heap ------------------------------------------------------------------ */

static char *heap_base;
static char *heap_brk;
static char *heap_end;

void libc_heap_init(void *base, size_t size)
{
	heap_base = base;
	heap_brk = base;
	heap_end = heap_base + size;
}

/* malloc calls this under __malloc_lock, so interrupts are already off. */
void *_sbrk(ptrdiff_t incr)
{
	char *old = heap_brk;

	/* Compared as distances, never by forming a pointer outside the region. */
	if ((incr > 0 && (size_t)incr > (size_t)(heap_end - heap_brk)) ||
	    (incr < 0 && (size_t)-incr > (size_t)(heap_brk - heap_base))) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += incr;
	return old;
}

void libc_heap_stats(struct libc_heap_stats *st)
{
	st->size = (size_t)(heap_end - heap_base);
	st->used = (size_t)(heap_brk - heap_base);
}

/* ---- locks --------------------------------------------------------------------- */

/* One CPU: with interrupts off nothing else can run, so that is the whole lock. It
 * nests because newlib re-enters (realloc calls malloc with the lock held); only the
 * outermost unlock restores the interrupt state found by the outermost lock. */
struct irq_lock {
	unsigned int depth;
	unsigned long flags;
};

static void irq_lock_acquire(struct irq_lock *lock)
{
	unsigned long flags = local_irq_save();

	if (lock->depth++ == 0)
		lock->flags = flags;
}

static void irq_lock_release(struct irq_lock *lock)
{
	if (--lock->depth == 0)
		local_irq_restore(lock->flags);
}

static struct irq_lock malloc_lock;
static struct irq_lock env_lock;

void __malloc_lock(struct _reent *r)
{
	(void)r;
	irq_lock_acquire(&malloc_lock);
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	irq_lock_release(&malloc_lock);
}

void __env_lock(struct _reent *r)
{
	(void)r;
	irq_lock_acquire(&env_lock);
}

void __env_unlock(struct _reent *r)
{
	(void)r;
	irq_lock_release(&env_lock);
}

/* ---- time and the process ------------------------------------------------------ */

/* There is no RTC: the epoch is boot, so time() counts seconds of uptime. */
int _gettimeofday(struct timeval *tv, void *tz)
{
	uint64_t ns = ktime_get_ns();

	if (tv) {
		tv->tv_sec = (time_t)(ns / NSEC_PER_SEC);
		tv->tv_usec = (suseconds_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
	}
	if (tz)
		*(struct timezone *)tz = (struct timezone){ 0 };
	return 0;
}

/* clock() adds these fields up and divides by CLOCKS_PER_SEC; all of uptime is ours. */
clock_t _times(struct tms *buf)
{
	clock_t ticks = (clock_t)(ktime_get_ns() / (NSEC_PER_SEC / CLOCKS_PER_SEC));

	*buf = (struct tms){ .tms_utime = ticks };
	return ticks;
}

void _exit(int code)
{
	machine_exit(code);
}

pid_t _getpid(void)
{
	return 1;
}

/* abort() raises SIGABRT through here; refusing it sends abort on to _exit(1). */
int _kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = EINVAL;
	return -1;
}

/* ---- no file system, no other processes ---------------------------------------- */

int _open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
}

int _close(int fd)
{
	if (sock_fd_is_socket(fd))
		return sock_fd_close(fd);
	/* The console stays open: closing it is refused, as for any fd not open. */
	errno = EBADF;
	return -1;
}

int close(int fd)
{
	return _close(fd);
}

_off_t _lseek(int fd, _off_t offset, int whence)
{
	(void)fd;
	(void)offset;
	(void)whence;
	errno = ENOSYS;
	return -1;
}

int _stat(const char *restrict path, struct stat *restrict st)
{
	(void)path;
	(void)st;
	errno = ENOSYS;
	return -1;
}

int _link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	errno = ENOSYS;
	return -1;
}

int _unlink(const char *path)
{
	(void)path;
	errno = ENOSYS;
	return -1;
}

pid_t _fork(void)
{
	errno = ENOSYS;
	return -1;
}

int _execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	errno = ENOSYS;
	return -1;
}

pid_t _wait(int *status)
{
	(void)status;
	errno = ENOSYS;
	return -1;
}
