/* TCP's counters, tunables and names: the Tcp and TcpExt sections of
 * `netstat -s` under nstat's names (ours in the same style for drops Linux
 * does not name), the net.ipv4.tcp_* sysctls with Linux's defaults, and the
 * state names `ss` prints. */
#include <limits.h>
#include "kernel/sysctl.h"
#include "net/snmp.h"
#include "net/tcp.h"

struct tcp_mib tcp_mib;

int sysctl_tcp_fin_timeout = 60;
int sysctl_tcp_keepalive_time = 7200;
int sysctl_tcp_keepalive_intvl = 75;
int sysctl_tcp_keepalive_probes = 9;
int sysctl_tcp_syncookies = 1;
int sysctl_tcp_max_syn_backlog = 256;
int sysctl_tcp_timestamps = 1;
int sysctl_tcp_sack = 1;
int sysctl_tcp_window_scaling = 1;
/* The largest receive buffer is 2 MiB, not Linux's 6: a window of 1 MiB
 * already covers any path this appliance sees, and a larger one only lets a
 * fast sender overrun the 1000-frame queue of a tap in front of a guest
 * that reads slower than the link. */
int sysctl_tcp_rmem[3] = { 4096, 131072, 2097152 };
int sysctl_tcp_wmem[3] = { 4096, 1048576, 4194304 };
int sysctl_tcp_mem_max_kb = 65536;
int sysctl_tcp_challenge_ack_limit = 1000;
int sysctl_tcp_moderate_rcvbuf = 1;
SYSCTL_INT("net.ipv4.tcp_fin_timeout", sysctl_tcp_fin_timeout, 1, 3600);
SYSCTL_INT("net.ipv4.tcp_keepalive_time", sysctl_tcp_keepalive_time, 1, 32767);
SYSCTL_INT("net.ipv4.tcp_keepalive_intvl", sysctl_tcp_keepalive_intvl, 1, 32767);
SYSCTL_INT("net.ipv4.tcp_keepalive_probes", sysctl_tcp_keepalive_probes, 1, 127);
SYSCTL_INT("net.ipv4.tcp_syncookies", sysctl_tcp_syncookies, 0, 2);
SYSCTL_INT("net.ipv4.tcp_max_syn_backlog", sysctl_tcp_max_syn_backlog, 8, 65536);
SYSCTL_INT("net.ipv4.tcp_timestamps", sysctl_tcp_timestamps, 0, 1);
SYSCTL_INT("net.ipv4.tcp_sack", sysctl_tcp_sack, 0, 1);
SYSCTL_INT("net.ipv4.tcp_window_scaling", sysctl_tcp_window_scaling, 0, 1);
SYSCTL_INT("net.ipv4.tcp_rmem_max", sysctl_tcp_rmem[2], 4096, INT_MAX / 4);
SYSCTL_INT("net.ipv4.tcp_wmem_max", sysctl_tcp_wmem[2], 4096, INT_MAX / 4);
SYSCTL_INT("net.ipv4.tcp_mem_max_kb", sysctl_tcp_mem_max_kb, 256, INT_MAX / 1024);
SYSCTL_INT("net.ipv4.tcp_challenge_ack_limit", sysctl_tcp_challenge_ack_limit, 1, INT_MAX);
SYSCTL_INT("net.ipv4.tcp_moderate_rcvbuf", sysctl_tcp_moderate_rcvbuf, 0, 1);

static const struct snmp_field tcp_fields[] = {
	SNMP_FIELD(struct tcp_mib, active_opens, "TcpActiveOpens"),
	SNMP_FIELD(struct tcp_mib, passive_opens, "TcpPassiveOpens"),
	SNMP_FIELD(struct tcp_mib, attempt_fails, "TcpAttemptFails"),
	SNMP_FIELD(struct tcp_mib, estab_resets, "TcpEstabResets"),
	SNMP_FIELD(struct tcp_mib, curr_estab, "TcpCurrEstab"),
	SNMP_FIELD(struct tcp_mib, in_segs, "TcpInSegs"),
	SNMP_FIELD(struct tcp_mib, out_segs, "TcpOutSegs"),
	SNMP_FIELD(struct tcp_mib, retrans_segs, "TcpRetransSegs"),
	SNMP_FIELD(struct tcp_mib, in_errs, "TcpInErrs"),
	SNMP_FIELD(struct tcp_mib, out_rsts, "TcpOutRsts"),
	SNMP_FIELD(struct tcp_mib, in_csum_errors, "TcpInCsumErrors"),
};
SNMP_MIB("Tcp", &tcp_mib, tcp_fields);

static const struct snmp_field tcpext_fields[] = {
	SNMP_FIELD(struct tcp_mib, syncookies_sent, "TcpExtSyncookiesSent"),
	SNMP_FIELD(struct tcp_mib, syncookies_recv, "TcpExtSyncookiesRecv"),
	SNMP_FIELD(struct tcp_mib, syncookies_failed, "TcpExtSyncookiesFailed"),
	SNMP_FIELD(struct tcp_mib, prune_called, "TcpExtPruneCalled"),
	SNMP_FIELD(struct tcp_mib, ofo_pruned, "TcpExtOfoPruned"),
	SNMP_FIELD(struct tcp_mib, rcv_pruned, "TcpExtRcvPruned"),
	SNMP_FIELD(struct tcp_mib, tw_recycled, "TcpExtTWRecycled"),
	SNMP_FIELD(struct tcp_mib, tw_killed, "TcpExtTWKilled"),
	SNMP_FIELD(struct tcp_mib, paws_active, "TcpExtPAWSActive"),
	SNMP_FIELD(struct tcp_mib, paws_estab, "TcpExtPAWSEstab"),
	SNMP_FIELD(struct tcp_mib, delayed_acks, "TcpExtDelayedACKs"),
	SNMP_FIELD(struct tcp_mib, delayed_ack_lost, "TcpExtDelayedACKLost"),
	SNMP_FIELD(struct tcp_mib, listen_overflows, "TcpExtListenOverflows"),
	SNMP_FIELD(struct tcp_mib, listen_drops, "TcpExtListenDrops"),
	SNMP_FIELD(struct tcp_mib, tcp_pure_acks, "TcpExtTCPPureAcks"),
	SNMP_FIELD(struct tcp_mib, tcp_reno_recovery, "TcpExtTCPRenoRecovery"),
	SNMP_FIELD(struct tcp_mib, tcp_sack_recovery, "TcpExtTCPSackRecovery"),
	SNMP_FIELD(struct tcp_mib, tcp_timeouts, "TcpExtTCPTimeouts"),
	SNMP_FIELD(struct tcp_mib, tcp_fast_retrans, "TcpExtTCPFastRetrans"),
	SNMP_FIELD(struct tcp_mib, tcp_slow_start_retrans, "TcpExtTCPSlowStartRetrans"),
	SNMP_FIELD(struct tcp_mib, tcp_dsack_old_sent, "TcpExtTCPDSACKOldSent"),
	SNMP_FIELD(struct tcp_mib, tcp_dsack_ofo_sent, "TcpExtTCPDSACKOfoSent"),
	SNMP_FIELD(struct tcp_mib, tcp_dsack_recv, "TcpExtTCPDSACKRecv"),
	SNMP_FIELD(struct tcp_mib, tcp_abort_on_data, "TcpExtTCPAbortOnData"),
	SNMP_FIELD(struct tcp_mib, tcp_abort_on_close, "TcpExtTCPAbortOnClose"),
	SNMP_FIELD(struct tcp_mib, tcp_abort_on_memory, "TcpExtTCPAbortOnMemory"),
	SNMP_FIELD(struct tcp_mib, tcp_abort_on_timeout, "TcpExtTCPAbortOnTimeout"),
	SNMP_FIELD(struct tcp_mib, tcp_abort_on_linger, "TcpExtTCPAbortOnLinger"),
	SNMP_FIELD(struct tcp_mib, tcp_memory_pressures, "TcpExtTCPMemoryPressures"),
	SNMP_FIELD(struct tcp_mib, tcp_sack_discard, "TcpExtTCPSACKDiscard"),
	SNMP_FIELD(struct tcp_mib, tcp_req_q_full_drop, "TcpExtTCPReqQFullDrop"),
	SNMP_FIELD(struct tcp_mib, tcp_req_q_full_do_cookies, "TcpExtTCPReqQFullDoCookies"),
	SNMP_FIELD(struct tcp_mib, tcp_ofo_queue, "TcpExtTCPOFOQueue"),
	SNMP_FIELD(struct tcp_mib, tcp_ofo_drop, "TcpExtTCPOFODrop"),
	SNMP_FIELD(struct tcp_mib, tcp_ofo_merge, "TcpExtTCPOFOMerge"),
	SNMP_FIELD(struct tcp_mib, tcp_challenge_ack, "TcpExtTCPChallengeACK"),
	SNMP_FIELD(struct tcp_mib, tcp_syn_challenge, "TcpExtTCPSYNChallenge"),
	SNMP_FIELD(struct tcp_mib, tcp_ack_skipped_challenge, "TcpExtTCPACKSkippedChallenge"),
	SNMP_FIELD(struct tcp_mib, tcp_rcv_q_drop, "TcpExtTCPRcvQDrop"),
	SNMP_FIELD(struct tcp_mib, tcp_zero_window_drop, "TcpExtTCPZeroWindowDrop"),
	SNMP_FIELD(struct tcp_mib, tcp_win_probe, "TcpExtTCPWinProbe"),
	SNMP_FIELD(struct tcp_mib, tcp_keep_alive, "TcpExtTCPKeepAlive"),
	SNMP_FIELD(struct tcp_mib, tcp_orig_data_sent, "TcpExtTCPOrigDataSent"),
	SNMP_FIELD(struct tcp_mib, tcp_want_zero_window_adv, "TcpExtTCPWantZeroWindowAdv"),
	SNMP_FIELD(struct tcp_mib, tcp_to_zero_window_adv, "TcpExtTCPToZeroWindowAdv"),
	SNMP_FIELD(struct tcp_mib, tcp_from_zero_window_adv, "TcpExtTCPFromZeroWindowAdv"),
	SNMP_FIELD(struct tcp_mib, tcp_syn_retrans, "TcpExtTCPSynRetrans"),
	SNMP_FIELD(struct tcp_mib, tcp_tso_split, "TcpExtTCPTsoSplit"),
	SNMP_FIELD(struct tcp_mib, tcp_batch_acks, "TcpExtTCPBatchAcks"),
	SNMP_FIELD(struct tcp_mib, in_bad_doff, "TcpExtInBadDataOffset"),
	SNMP_FIELD(struct tcp_mib, in_bad_opts, "TcpExtInBadOptions"),
	SNMP_FIELD(struct tcp_mib, in_bad_flags, "TcpExtInBadFlags"),
	SNMP_FIELD(struct tcp_mib, in_port_zero, "TcpExtInPortZero"),
	SNMP_FIELD(struct tcp_mib, in_short, "TcpExtInShort"),
	SNMP_FIELD(struct tcp_mib, in_no_socket, "TcpExtInNoSocket"),
	SNMP_FIELD(struct tcp_mib, in_closed_data, "TcpExtInClosedData"),
	SNMP_FIELD(struct tcp_mib, in_out_of_window, "TcpExtInOutOfWindow"),
	SNMP_FIELD(struct tcp_mib, in_old_ack, "TcpExtInOldAck"),
	SNMP_FIELD(struct tcp_mib, in_rst_ignored, "TcpExtInRstIgnored"),
	SNMP_FIELD(struct tcp_mib, in_rst_accepted, "TcpExtInRstAccepted"),
	SNMP_FIELD(struct tcp_mib, in_syn_on_estab, "TcpExtInSynOnEstab"),
	SNMP_FIELD(struct tcp_mib, out_no_mem, "TcpExtOutNoMem"),
	SNMP_FIELD(struct tcp_mib, out_err, "TcpExtOutErr"),
	SNMP_FIELD(struct tcp_mib, mem_refused_conns, "TcpExtMemRefusedConns"),
};
SNMP_MIB("TcpExt", &tcp_mib, tcpext_fields);

const char *const tcp_state_names[TCP_MAX_STATES] = {
	[0] = "UNKNOWN",
	[TCP_ESTABLISHED] = "ESTAB",
	[TCP_SYN_SENT] = "SYN-SENT",
	[TCP_SYN_RECV] = "SYN-RECV",
	[TCP_FIN_WAIT1] = "FIN-WAIT-1",
	[TCP_FIN_WAIT2] = "FIN-WAIT-2",
	[TCP_TIME_WAIT] = "TIME-WAIT",
	[TCP_CLOSE] = "UNCONN",
	[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCP_LAST_ACK] = "LAST-ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};
