/* What `ss` reads from TCP (net/tcp.h: tcp_for_each_socket, tcp_get_info,
 * tcp_state_names), played by a table the test fills. */
#ifndef RINGOS_TEST_FAKE_TCP_SS_H
#define RINGOS_TEST_FAKE_TCP_SS_H

#include "net/socket.h"
#include "net/tcp.h"

#define FAKE_TCP_SS_MAX 8

extern struct tcp_ss_entry fake_tcp_ss[FAKE_TCP_SS_MAX];
extern unsigned int fake_tcp_nss;
/* What tcp_get_info reports for every socket. */
extern struct tcp_info fake_tcp_info;
/* A connection for e->tp (cubic as its algorithm). */
extern struct tcp_sock fake_tcp_conn;

void fake_tcp_ss_reset(void);

#endif
