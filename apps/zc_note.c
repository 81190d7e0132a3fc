#include <string.h>
#include "apps/zc_note.h"
#include "net/socket.h"

int zc_read_note(int fd, uint32_t *lo, uint32_t *n, bool *copied)
{
	uint8_t control[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))];
	struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
	const struct cmsghdr *cm;
	struct sock_extended_err ee;

	if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
		return 0;
	*n = 0;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_len < CMSG_LEN(sizeof(ee)) || cm->cmsg_level != SOL_IP ||
	    cm->cmsg_type != IP_RECVERR)
		return 1;
	memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
	if (ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY) {
		*lo = ee.ee_info;
		*n = ee.ee_data - ee.ee_info + 1;
		*copied = ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED;
	}
	return 1;
}
