/* Intel 82576 / I350 / I210 register map, bit fields and descriptor formats.
 * Offsets are from BAR0; every register is 32 bits wide and accessed 32 bits
 * at a time. Section numbers: "DS210" is the I210 datasheet (rev 3.5), which
 * shares names and offsets with the 82576 for everything here; "DS576" the
 * 82576 datasheet. The QEMU notes are ../shared/docs/igb-notes.md. */
#ifndef RINGOS_IGB_REGS_H
#define RINGOS_IGB_REGS_H

#include "kernel/compiler.h"

/* ---- General control and status (DS210 8.2) ---- */
#define IGB_CTRL        0x00000	/* Device Control */
#define  IGB_CTRL_FD            (1u << 0)
#define  IGB_CTRL_GIO_MASTER_DISABLE (1u << 2)
#define  IGB_CTRL_SLU           (1u << 6)	/* set link up; ignored by QEMU */
#define  IGB_CTRL_SPEED_MASK    (3u << 8)
#define  IGB_CTRL_FRCSPD        (1u << 11)
#define  IGB_CTRL_FRCDPX        (1u << 12)
#define  IGB_CTRL_RST           (1u << 26)	/* self-clearing device reset */
#define  IGB_CTRL_RFCE          (1u << 27)
#define  IGB_CTRL_TFCE          (1u << 28)
#define  IGB_CTRL_VME           (1u << 30)
#define  IGB_CTRL_PHY_RST       (1u << 31)
#define IGB_STATUS      0x00008	/* Device Status */
#define  IGB_STATUS_FD          (1u << 0)
#define  IGB_STATUS_LU          (1u << 1)	/* link up */
#define  IGB_STATUS_TXOFF       (1u << 4)	/* paused by flow control */
#define  IGB_STATUS_SPEED_SHIFT 6
#define  IGB_STATUS_SPEED_MASK  (3u << 6)	/* 00 10, 01 100, 1x 1000 Mb/s */
#define  IGB_STATUS_PHYRA       (1u << 10)
#define  IGB_STATUS_GIO_MASTER_ENABLE (1u << 19)
#define IGB_EEC         0x00010	/* EEPROM/Flash Control */
#define  IGB_EEC_PRES           (1u << 8)
#define  IGB_EEC_AUTO_RD        (1u << 9)	/* never set by QEMU */
#define IGB_EERD        0x00014	/* EEPROM Read (82576 layout, not 8254x) */
#define  IGB_EERD_START         (1u << 0)
#define  IGB_EERD_DONE          (1u << 1)
#define  IGB_EERD_ADDR_SHIFT    2
#define  IGB_EERD_DATA_SHIFT    16
#define IGB_CTRL_EXT    0x00018	/* Extended Device Control */
#define  IGB_CTRL_EXT_DRV_LOAD  (1u << 28)	/* the driver owns the device */
#define IGB_MDIC        0x00020	/* MDI Control: PHY register access */
#define  IGB_MDIC_DATA_MASK     0xFFFFu
#define  IGB_MDIC_REG_SHIFT     16
#define  IGB_MDIC_PHY_SHIFT     21
#define  IGB_MDIC_OP_WRITE      (1u << 26)
#define  IGB_MDIC_OP_READ       (2u << 26)
#define  IGB_MDIC_READY         (1u << 28)
#define  IGB_MDIC_ERROR         (1u << 30)
#define IGB_VET         0x00038	/* VLAN Ether Type */
#define IGB_PHPM        0x00E14	/* I350/I210 PHY power management */
#define  IGB_PHPM_GO_LINK_D     (1u << 5)
#define IGB_EEMNGCTL    0x01010	/* MNG EEPROM Control */
#define  IGB_EEMNGCTL_CFG_DONE0 (1u << 18)	/* never set by QEMU */

/* PHY registers (IEEE 802.3 clause 22) reached through MDIC. QEMU answers only
 * at PHY address 1. */
#define IGB_PHY_ADDR    1
#define PHY_BMCR        0x00
#define  BMCR_ANRESTART         (1u << 9)
#define  BMCR_PDOWN             (1u << 11)
#define  BMCR_ANENABLE          (1u << 12)
#define  BMCR_LOOPBACK          (1u << 14)
#define PHY_BMSR        0x01
#define  BMSR_LSTATUS           (1u << 2)
#define  BMSR_ANEGCOMPLETE      (1u << 5)
#define PHY_ID1         0x02
#define PHY_ID2         0x03

/* ---- Interrupts (DS210 7.3, 8.8) ---- */
#define IGB_ICR         0x000C0	/* Interrupt Cause Read (clears on read, non-MSI-X) */
#define IGB_ICS         0x000C8	/* Interrupt Cause Set */
#define IGB_IMS         0x000D0	/* Interrupt Mask Set/Read */
#define IGB_IMC         0x000D8	/* Interrupt Mask Clear (DS576 8.8.10) */
#define IGB_IAM         0x000E0	/* Interrupt Acknowledge Auto Mask */
#define  IGB_ICR_TXDW           (1u << 0)
#define  IGB_ICR_LSC            (1u << 2)	/* link status change */
#define  IGB_ICR_RXSEQ          (1u << 3)
#define  IGB_ICR_RXDMT0         (1u << 4)
#define  IGB_ICR_RXO            (1u << 6)	/* receiver overrun */
#define  IGB_ICR_RXDW           (1u << 7)	/* RXT0 */
#define  IGB_ICR_MDAC           (1u << 9)
#define  IGB_ICR_DOUTSYNC       (1u << 28)
#define  IGB_ICR_DRSTA          (1u << 30)
#define  IGB_ICR_INT_ASSERTED   (1u << 31)
#define IGB_GPIE        0x01514	/* General Purpose Interrupt Enable */
#define  IGB_GPIE_NSICR         (1u << 0)
#define  IGB_GPIE_MSIX_MODE     (1u << 4)
#define  IGB_GPIE_EIAME         (1u << 30)
#define  IGB_GPIE_PBA           (1u << 31)
#define IGB_EICS        0x01520	/* Extended Interrupt Cause Set */
#define IGB_EIMS        0x01524	/* Extended Interrupt Mask Set/Read */
#define IGB_EIMC        0x01528	/* Extended Interrupt Mask Clear */
#define IGB_EIAC        0x0152C	/* Extended Interrupt Auto Clear (QEMU: writes only OR) */
#define IGB_EIAM        0x01530	/* Extended Interrupt Auto Mask (not emulated by QEMU) */
#define IGB_EICR        0x01580	/* Extended Interrupt Cause Read */
#define IGB_EITR(n)     (0x01680 + 4 * (n))	/* DS210 8.8.14 */
#define  IGB_EITR_INTERVAL_SHIFT 2		/* 1 us units on silicon (QEMU: 1.024 us x4) */
#define  IGB_EITR_INTERVAL_MASK 0x7FFCu
#define  IGB_EITR_CNT_IGNR      (1u << 31)
#define IGB_IVAR(n)     (0x01700 + 4 * (n))	/* Interrupt Vector Allocation */
#define IGB_IVAR_MISC   0x01740
#define  IGB_IVAR_VALID         0x80u
#define  IGB_IVAR_MISC_OTHER_SHIFT 8

/* ---- Receive (DS210 8.10) ---- */
#define IGB_RCTL        0x00100	/* Receive Control */
#define  IGB_RCTL_EN            (1u << 1)
#define  IGB_RCTL_SBP           (1u << 2)
#define  IGB_RCTL_UPE           (1u << 3)	/* unicast promiscuous */
#define  IGB_RCTL_MPE           (1u << 4)	/* multicast promiscuous */
#define  IGB_RCTL_LPE           (1u << 5)	/* long packets */
#define  IGB_RCTL_LBM_MAC       (1u << 6)
#define  IGB_RCTL_MO_SHIFT      12
#define  IGB_RCTL_BAM           (1u << 15)	/* accept broadcast */
#define  IGB_RCTL_VFE           (1u << 18)
#define  IGB_RCTL_SECRC         (1u << 26)	/* strip Ethernet CRC */
#define IGB_RXPBS       0x02404
#define IGB_RXCSUM      0x05000	/* Receive Checksum Control */
#define  IGB_RXCSUM_IPOFLD      (1u << 8)
#define  IGB_RXCSUM_TUOFLD      (1u << 9)
#define  IGB_RXCSUM_CRCOFL      (1u << 11)
#define  IGB_RXCSUM_IPPCSE      (1u << 12)
#define  IGB_RXCSUM_PCSD        (1u << 13)	/* RSS hash in the descriptor; QEMU's RSS needs it */
#define IGB_RLPML       0x05004	/* Rx Long Packet Max Length */
#define IGB_RFCTL       0x05008
#define IGB_MTA(n)      (0x05200 + 4 * (n))	/* Multicast Table Array, 128 entries */
#define IGB_RAL(n)      ((n) < 16 ? 0x05400 + 8 * (n) : 0x054E0 + 8 * ((n) - 16))
#define IGB_RAH(n)      (IGB_RAL(n) + 4)
#define  IGB_RAH_AV             (1u << 31)	/* address valid */
#define IGB_VFTA(n)     (0x05600 + 4 * (n))
#define IGB_MRQC        0x05818	/* Multiple Receive Queues Command */
#define  IGB_MRQC_ENABLE_RSS    0x2u
#define  IGB_MRQC_RSS_IPV4_TCP  (1u << 16)
#define  IGB_MRQC_RSS_IPV4      (1u << 17)
#define  IGB_MRQC_RSS_IPV6_TCPEX (1u << 18)
#define  IGB_MRQC_RSS_IPV6_EX   (1u << 19)
#define  IGB_MRQC_RSS_IPV6      (1u << 20)
#define  IGB_MRQC_RSS_IPV6_TCP  (1u << 21)
#define  IGB_MRQC_RSS_IPV4_UDP  (1u << 22)
#define  IGB_MRQC_RSS_IPV6_UDP  (1u << 23)
#define IGB_RETA(n)     (0x05C00 + 4 * (n))	/* Redirection Table, 32 x 4 entries */
#define IGB_RSSRK(n)    (0x05C80 + 4 * (n))	/* RSS Random Key, 10 x 4 bytes */

/* Per RX queue n = 0..15 */
#define IGB_RDBAL(n)    (0x0C000 + 0x40 * (n))
#define IGB_RDBAH(n)    (0x0C004 + 0x40 * (n))
#define IGB_RDLEN(n)    (0x0C008 + 0x40 * (n))
#define IGB_SRRCTL(n)   (0x0C00C + 0x40 * (n))	/* Split and Replication Rx Control */
#define  IGB_SRRCTL_BSIZEPKT_SHIFT 0		/* 1 KiB units */
#define  IGB_SRRCTL_BSIZEHDR_SHIFT 8		/* 64-byte units */
#define  IGB_SRRCTL_DESCTYPE_ADV_ONEBUF (1u << 25)
#define  IGB_SRRCTL_DROP_EN     (1u << 31)
#define IGB_RDH(n)      (0x0C010 + 0x40 * (n))
#define IGB_RDT(n)      (0x0C018 + 0x40 * (n))
#define IGB_RXDCTL(n)   (0x0C028 + 0x40 * (n))
#define IGB_RQDPC(n)    (0x0C030 + 0x40 * (n))	/* per-queue drop count */

/* ---- Transmit (DS210 8.12) ---- */
#define IGB_TCTL        0x00400	/* Transmit Control */
#define  IGB_TCTL_EN            (1u << 1)
#define  IGB_TCTL_PSP           (1u << 3)	/* pad short packets (QEMU ignores) */
#define  IGB_TCTL_CT_SHIFT      4
#define  IGB_TCTL_COLD_SHIFT    12
#define  IGB_TCTL_RTLC          (1u << 24)
#define IGB_TIPG        0x00410
#define IGB_TXPBS       0x03404

/* Per TX queue n = 0..15 */
#define IGB_TDBAL(n)    (0x0E000 + 0x40 * (n))
#define IGB_TDBAH(n)    (0x0E004 + 0x40 * (n))
#define IGB_TDLEN(n)    (0x0E008 + 0x40 * (n))
#define IGB_TDH(n)      (0x0E010 + 0x40 * (n))
#define IGB_TDT(n)      (0x0E018 + 0x40 * (n))
#define IGB_TXDCTL(n)   (0x0E028 + 0x40 * (n))

/* RXDCTL / TXDCTL share a layout. */
#define  IGB_XDCTL_PTHRESH_SHIFT 0
#define  IGB_XDCTL_HTHRESH_SHIFT 8
#define  IGB_XDCTL_WTHRESH_SHIFT 16
#define  IGB_XDCTL_ENABLE       (1u << 25)
#define  IGB_XDCTL_SWFLSH       (1u << 26)

/* ---- Statistics (DS210 8.19; clear on read, see igb-notes 5) ---- */
#define IGB_CRCERRS     0x04000
#define IGB_ALGNERRC    0x04004
#define IGB_RXERRC      0x0400C
#define IGB_MPC         0x04010	/* missed packets */
#define IGB_RUC         0x040A4	/* receive undersize */
#define IGB_RFC         0x040A8
#define IGB_ROC         0x040AC	/* receive oversize */
#define IGB_RJC         0x040B0
#define IGB_GPRC        0x04074	/* good packets received */
#define IGB_BPRC        0x04078
#define IGB_MPRC        0x0407C
#define IGB_GPTC        0x04080	/* good packets transmitted */
#define IGB_GORCL       0x04088	/* 64-bit pairs: read low, then high */
#define IGB_GORCH       0x0408C
#define IGB_GOTCL       0x04090
#define IGB_GOTCH       0x04094
#define IGB_RNBC        0x040A0	/* receive no buffers */
#define IGB_TORL        0x040C0
#define IGB_TORH        0x040C4
#define IGB_TOTL        0x040C8
#define IGB_TOTH        0x040CC
#define IGB_TPR         0x040D0
#define IGB_TPT         0x040D4
#define IGB_MPTC        0x040F0
#define IGB_BPTC        0x040F4
#define IGB_TSCTC       0x040F8	/* TSO contexts */

/* ---- Descriptors (DS210 7.1.5, 7.2.2) ---- */

/* Advanced receive descriptor: software writes `read`, the device writes `wb`. */
union igb_adv_rx_desc {
	struct {
		uint64_t pkt_addr;
		uint64_t hdr_addr;	/* 0 unless header split: DD lands in its low dword */
	} read;
	struct {
		uint16_t pkt_info;	/* bits 3:0 RSS type, 15:4 packet type */
		uint16_t hdr_info;
		uint32_t rss_or_csum;	/* RSS hash when RXCSUM.PCSD, else IP id / csum */
		uint32_t status_error;
		uint16_t length;
		uint16_t vlan;
	} wb;
} __packed;
_Static_assert(sizeof(union igb_adv_rx_desc) == 16, "advanced RX descriptor");

#define IGB_RXD_STAT_DD     (1u << 0)
#define IGB_RXD_STAT_EOP    (1u << 1)
#define IGB_RXD_STAT_VP     (1u << 3)
#define IGB_RXD_STAT_UDPCS  (1u << 4)
#define IGB_RXD_STAT_L4CS   (1u << 5)
#define IGB_RXD_STAT_IPCS   (1u << 6)
#define IGB_RXD_STAT_PIF    (1u << 7)
#define IGB_RXD_ERR_HBO     (1u << 23)
#define IGB_RXD_ERR_L4E     (1u << 29)
#define IGB_RXD_ERR_IPE     (1u << 30)
#define IGB_RXD_ERR_RXE     (1u << 31)
#define IGB_RXD_PKTTYPE_IPV4 0x0010u
#define IGB_RXD_PKTTYPE_TCP  0x0100u
#define IGB_RXD_PKTTYPE_UDP  0x0200u
#define IGB_RXD_RSSTYPE_MASK 0x000Fu

/* Advanced transmit data descriptor. */
union igb_adv_tx_desc {
	struct {
		uint64_t buffer_addr;
		uint32_t cmd_type_len;
		uint32_t olinfo_status;
	} read;
	struct {
		uint64_t rsvd;
		uint32_t nxtseq_seed;
		uint32_t status;	/* bit 0: DD */
	} wb;
} __packed;
_Static_assert(sizeof(union igb_adv_tx_desc) == 16, "advanced TX descriptor");

#define IGB_ADVTXD_DTALEN_MASK  0xFFFFu
#define IGB_ADVTXD_MAC_TSTAMP   (1u << 19)
#define IGB_ADVTXD_DTYP_DATA    (3u << 20)
#define IGB_ADVTXD_DTYP_CTXT    (2u << 20)
#define IGB_ADVTXD_DCMD_EOP     (1u << 24)
#define IGB_ADVTXD_DCMD_IFCS    (1u << 25)	/* append the Ethernet CRC: always */
#define IGB_ADVTXD_DCMD_RS      (1u << 27)	/* report status (DD write-back) */
#define IGB_ADVTXD_DCMD_DEXT    (1u << 29)
#define IGB_ADVTXD_DCMD_VLE     (1u << 30)
#define IGB_ADVTXD_DCMD_TSE     (1u << 31)
#define IGB_TXD_STAT_DD         (1u << 0)
#define IGB_ADVTXD_IDX_SHIFT    4
#define IGB_ADVTXD_POPTS_IXSM   (1u << 8)	/* insert IPv4 header checksum */
#define IGB_ADVTXD_POPTS_TXSM   (1u << 9)	/* insert TCP/UDP checksum */
#define IGB_ADVTXD_PAYLEN_SHIFT 14

/* Advanced transmit context descriptor: offload parameters for what follows. */
struct igb_adv_tx_context_desc {
	uint32_t vlan_macip_lens;	/* 8:0 IPLEN, 15:9 MACLEN, 31:16 VLAN */
	uint32_t seqnum_seed;
	uint32_t type_tucmd_mlhl;	/* 10 IPV4, 12:11 L4T, 23:20 DTYP, 29 DEXT */
	uint32_t mss_l4len_idx;		/* 6:4 IDX, 15:8 L4LEN, 31:16 MSS */
} __packed;
_Static_assert(sizeof(struct igb_adv_tx_context_desc) == 16, "advanced TX context descriptor");

#define IGB_ADVTXD_MACLEN_SHIFT 9
#define IGB_ADVTXD_VLAN_SHIFT   16
#define IGB_ADVTXD_TUCMD_IPV4   (1u << 10)
#define IGB_ADVTXD_TUCMD_L4T_UDP (0u << 11)
#define IGB_ADVTXD_TUCMD_L4T_TCP (1u << 11)
#define IGB_ADVTXD_L4LEN_SHIFT  8
#define IGB_ADVTXD_MSS_SHIFT    16

#endif
