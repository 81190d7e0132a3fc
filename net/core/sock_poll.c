/* poll(2) over socket descriptors (Linux's fs/select.c do_poll, for sockets
 * only): every entry's protocol is asked for its ready bits, and with none
 * ready the thread sleeps on all their wait queues at once until one is
 * woken, the deadline passes or Ctrl-C arrives.
 *
 * A wait entry per descriptor: small polls keep them on the thread's stack,
 * larger ones (up to POLL_MAX_FDS) get one allocation per call, so a
 * thousand-socket poll loop does not need 32 KiB of its 64 KiB stack. */
#include <errno.h>
#include "kernel/irqflags.h"
#include "kernel/slab.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/socket_file.h"

#define POLL_STACK_FDS 64	/* 2 KiB of entries on the stack */

struct poll_entry {
	struct socket_file *sf;		/* NULL: negative fd, or not a socket */
	struct wait_queue_entry w;
};

/* Fills revents for every entry; interrupts or bottom halves off, so no
 * softirq changes a socket half-way. Descriptors outside the socket table
 * are POLLNVAL, negative ones ignored, as POSIX says. */
static int poll_scan(struct pollfd *fds, nfds_t nfds, const struct poll_entry *pe)
{
	int ready = 0;

	for (nfds_t i = 0; i < nfds; i++) {
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!pe[i].sf) {
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		mask = pe[i].sf->sk.sk_prot->poll(&pe[i].sf->sk);
		/* POLLERR, POLLHUP and POLLNVAL are reported unasked. */
		mask &= (unsigned int)fds[i].events | POLLERR | POLLHUP;
		fds[i].revents = (short)mask;
		if (mask)
			ready++;
	}
	return ready;
}

static int poll_scan_bh(struct pollfd *fds, nfds_t nfds, const struct poll_entry *pe)
{
	int ready;

	local_bh_disable();
	ready = poll_scan(fds, nfds, pe);
	local_bh_enable();
	return ready;
}

/* Each pass sleeps until a socket's wait queue is woken, the deadline or
 * Ctrl-C; the queues are joined before the last look, so a wake-up between
 * that look and the sleep is not lost. Returns ready or a negative errno. */
static int do_poll(struct pollfd *fds, nfds_t nfds, struct poll_entry *pe, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX :
			    ktime_get_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
	int ready = poll_scan_bh(fds, nfds, pe), rc = 0;

	while (!ready && timeout_ms != 0) {
		for (nfds_t i = 0; i < nfds; i++)
			if (pe[i].sf)
				prepare_to_wait(&pe[i].sf->sk.sk_wq, &pe[i].w);
		local_irq_disable();	/* also when no queue was joined */
		ready = poll_scan(fds, nfds, pe);
		if (ready) {
			local_irq_enable();
		} else {
			wait_set_wchan(__func__);
			rc = wait_sleep_irqoff(deadline, true);
		}
		for (nfds_t i = 0; i < nfds; i++)
			if (pe[i].sf)
				finish_wait(&pe[i].sf->sk.sk_wq, &pe[i].w);
		if (ready || rc)
			break;
		ready = poll_scan_bh(fds, nfds, pe);
	}
	if (!ready && rc && rc != -ETIMEDOUT)
		return rc;
	return ready;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct poll_entry stack_pe[POLL_STACK_FDS], *pe = stack_pe;
	int rc;

	if (nfds > POLL_MAX_FDS || (!fds && nfds))
		return sock_set_errno(EINVAL);
	if (nfds > POLL_STACK_FDS) {
		pe = kmalloc(nfds * sizeof(*pe));
		if (!pe)
			return sock_set_errno(ENOMEM);
	}
	syscall_enter();
	for (nfds_t i = 0; i < nfds; i++) {
		pe[i].sf = fds[i].fd >= 0 ? sockfd_get(fds[i].fd) : NULL;
		pe[i].w.thread = NULL;
	}
	rc = do_poll(fds, nfds, pe, timeout_ms);
	for (nfds_t i = 0; i < nfds; i++)
		if (pe[i].sf)
			sockfd_put(pe[i].sf);
	syscall_exit();
	if (pe != stack_pe)
		kfree(pe);
	return rc < 0 ? sock_set_errno(-rc) : rc;
}
