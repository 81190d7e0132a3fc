/* See fake_tcp_ss.h. */
#include <string.h>
#include "host_support.h"
#include "fake_tcp_ss.h"
#include "net/tcp_cong.h"

struct tcp_ss_entry fake_tcp_ss[FAKE_TCP_SS_MAX];
unsigned int fake_tcp_nss;
struct tcp_info fake_tcp_info;
struct tcp_sock fake_tcp_conn;

static const struct tcp_congestion_ops fake_cubic = { .name = "cubic" };

/* iproute2's names for Linux's states. */
const char *const tcp_state_names[TCP_MAX_STATES] = {
	[TCP_ESTABLISHED] = "ESTAB", [TCP_SYN_SENT] = "SYN-SENT", [TCP_SYN_RECV] = "SYN-RECV",
	[TCP_FIN_WAIT1] = "FIN-WAIT-1", [TCP_FIN_WAIT2] = "FIN-WAIT-2",
	[TCP_TIME_WAIT] = "TIME-WAIT", [TCP_CLOSE] = "UNCONN", [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_LAST_ACK] = "LAST-ACK", [TCP_LISTEN] = "LISTEN", [TCP_CLOSING] = "CLOSING",
};

void fake_tcp_ss_reset(void)
{
	memset(fake_tcp_ss, 0, sizeof(fake_tcp_ss));
	fake_tcp_nss = 0;
	memset(&fake_tcp_info, 0, sizeof(fake_tcp_info));
	memset(&fake_tcp_conn, 0, sizeof(fake_tcp_conn));
	fake_tcp_conn.ca_ops = &fake_cubic;
}

void tcp_for_each_socket(bool (*fn)(const struct tcp_ss_entry *e, void *arg), void *arg)
{
	for (unsigned int i = 0; i < fake_tcp_nss; i++)
		if (!fn(&fake_tcp_ss[i], arg))
			return;
}

void tcp_get_info(const struct tcp_sock *tp, struct tcp_info *info)
{
	assert_ptr_equal(tp, &fake_tcp_conn);
	*info = fake_tcp_info;
}
