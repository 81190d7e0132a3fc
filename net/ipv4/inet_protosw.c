/* Which protocol serves socket(AF_INET, SOCK_STREAM, 0 / IPPROTO_TCP):
 * Linux's inetsw_array entry for TCP, registered at boot with
 * inet_register_protosw. UDP's row lives in net/socket.c itself, so the
 * UDP-only test builds that link net/socket.c need no TCP; this file is the
 * kernel's, where TCP is always there. */
#include "kernel/initcall.h"
#include "kernel/printk.h"
#include "net/ip_hdr.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h"

static void inet_protosw_init(void)
{
	int rc = inet_register_protosw(SOCK_STREAM, IPPROTO_TCP, &tcp_prot);

	if (rc)
		pr_err("inet: cannot register SOCK_STREAM for TCP (%d)\n", rc);
}
net_initcall(NET_INIT_L4, inet_protosw_init);
