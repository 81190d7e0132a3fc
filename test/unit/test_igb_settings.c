/* ethtool -k/-K, -g/-G, -c/-C against a fake adapter: the printed views in
 * Linux's format, features changing what the data path does, ring resizes
 * through a close and open that reclaim what was in flight, EITR written to
 * the running vectors, and every bad value named in one line with nothing
 * changed. Open and close are stand-ins doing what igb_open and igb_close do
 * to the rings. Fixture: igb_fixture.h. */
#include <string.h>
#include "igb_fixture.h"

static unsigned int opens, closes;
static bool fail_open_once;

static int fake_open(struct net_device *dev)
{
	(void)dev;
	opens++;
	if (fail_open_once) {
		fail_open_once = false;
		return -1;
	}
	for (unsigned int q = 0; q < ad->num_queues; q++) {
		if (!ad->tx_ring[q].desc && igb_setup_tx_resources(&ad->tx_ring[q]))
			return -1;
		if (!ad->rx_ring[q].desc && igb_setup_rx_resources(ad, &ad->rx_ring[q]))
			return -1;
	}
	igb_configure_tx(ad);
	igb_configure_rx(ad);
	for (unsigned int q = 0; q < ad->num_queues; q++)
		netif_tx_wake_queue(&ad->netdev.tx_queue[q]);
	return 0;
}

static int fake_close(struct net_device *dev)
{
	(void)dev;
	closes++;
	for (unsigned int q = 0; q < ad->num_queues; q++)
		netif_tx_stop_queue(&ad->netdev.tx_queue[q]);
	igb_disable_rx(ad);
	igb_disable_tx(ad);
	for (unsigned int q = 0; q < ad->num_queues; q++) {
		igb_clean_tx_ring(&ad->tx_ring[q]);
		igb_clean_rx_ring(&ad->rx_ring[q]);
	}
	return 0;
}

static const struct net_device_ops fake_ops = {
	.ndo_open = fake_open,
	.ndo_stop = fake_close,
};

static int setup(void **state)
{
	int rc = igb_fixture_setup(state);

	ad->netdev.netdev_ops = &fake_ops;
	ad->netdev.hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO | NETIF_F_RXCSUM |
				 NETIF_F_RXHASH;
	ad->netdev.features = ad->netdev.hw_features;
	ad->netdev.wanted_features = ad->netdev.hw_features;
	ad->num_q_vectors = NQ;
	for (unsigned int v = 0; v < NQ; v++)
		ad->q_vector[v].v_idx = v + 1;
	opens = closes = 0;
	fail_open_once = false;
	return rc;
}

/* Runs one ethtool command line (after "ethtool -X eth0") and returns its status. */
static int run(const char *opt, const char *args)
{
	static char buf[256];
	char *argv[16];
	int argc = 0;

	strncpy(buf, args, sizeof(buf) - 1);
	for (char *t = strtok(buf, " "); t && argc < 16; t = strtok(NULL, " "))
		argv[argc++] = t;
	printk_capture_reset();
	return igb_ethtool_settings(ad, opt, argc, argv);
}

static unsigned int lines(void)
{
	unsigned int n = 0;

	for (const char *p = printk_capture; *p; p++)
		n += *p == '\n';
	return n;
}

static void bring_up(void)
{
	assert_int_equal(fake_open(&ad->netdev), 0);
	ad->netdev.up = true;
	opens = 0;
}

/* ---- features ---- */

static void test_show_features(void **state)
{
	(void)state;
	assert_int_equal(run("-k", ""), 0);
	assert_non_null(strstr(printk_capture, "Features for eth0:\n"));
	assert_non_null(strstr(printk_capture, "\nrx-checksumming: on\n"));
	assert_non_null(strstr(printk_capture, "\ntx-checksumming: on\n"));
	assert_non_null(strstr(printk_capture, "\ttx-checksum-ipv4: on\n"));
	assert_non_null(strstr(printk_capture, "\ntcp-segmentation-offload: on\n"));
	assert_non_null(strstr(printk_capture, "\nscatter-gather: on\n"));
	assert_non_null(strstr(printk_capture, "\nreceive-hashing: on [fixed]\n"));
	assert_int_equal(run("-k", "extra"), 1);
	assert_int_equal(lines(), 1);
}

static void test_set_features(void **state)
{
	uint64_t all = ad->netdev.hw_features;

	(void)state;
	assert_int_equal(run("-K", "tso off"), 0);
	assert_int_equal(ad->netdev.features, all & ~NETIF_F_TSO);
	assert_int_equal(printk_capture_len, 0);
	run("-k", "");
	assert_non_null(strstr(printk_capture, "\ntcp-segmentation-offload: off\n"));

	assert_int_equal(run("-K", "tso on rx-checksumming off"), 0);
	assert_int_equal(ad->netdev.features, all & ~NETIF_F_RXCSUM);
	assert_int_equal(run("-K", "rx on"), 0);

	/* Segmentation needs checksum insertion: TSO follows tx down. */
	assert_int_equal(run("-K", "tx off"), 0);
	assert_int_equal(ad->netdev.features, all & ~(NETIF_F_IP_CSUM | NETIF_F_TSO));
	assert_non_null(strstr(printk_capture, "Actual changes:\ntcp-segmentation-offload: off\n"));
	assert_int_equal(run("-K", "tso on"), 0);
	assert_non_null(strstr(printk_capture, "tcp-segmentation-offload: off [requested on]\n"));
	assert_false(ad->netdev.features & NETIF_F_TSO);
	assert_int_equal(run("-K", "tx-checksumming on tso on"), 0);
	assert_int_equal(ad->netdev.features, all);

	/* And scatter-gather: TSO follows sg down too. */
	assert_int_equal(run("-K", "sg off"), 0);
	assert_int_equal(ad->netdev.features, all & ~(NETIF_F_SG | NETIF_F_TSO));
	assert_non_null(strstr(printk_capture, "Actual changes:\ntcp-segmentation-offload: off\n"));
	run("-k", "");
	assert_non_null(strstr(printk_capture, "\nscatter-gather: off\n"));
	/* Wanted all along: back with sg, as Linux's wanted features. */
	assert_int_equal(run("-K", "scatter-gather on"), 0);
	assert_int_equal(ad->netdev.features, all);
	assert_non_null(strstr(printk_capture, "Actual changes:\ntcp-segmentation-offload: on\n"));
	/* Asked off, it stays off when its dependency comes back. */
	assert_int_equal(run("-K", "tso off sg off"), 0);
	assert_int_equal(run("-K", "sg on"), 0);
	assert_false(ad->netdev.features & NETIF_F_TSO);
	assert_int_equal(run("-K", "tso on"), 0);
	assert_int_equal(ad->netdev.features, all);
}

static void test_set_features_bad(void **state)
{
	uint64_t all = ad->netdev.hw_features;

	(void)state;
	/* Each: one line naming the culprit, nothing changed, even the good
	 * pairs before it. */
	assert_int_equal(run("-K", "tso off gro off"), 1);
	assert_non_null(strstr(printk_capture, "'gro'"));
	assert_int_equal(lines(), 1);
	assert_int_equal(run("-K", "tso off rx maybe"), 1);
	assert_non_null(strstr(printk_capture, "'maybe'"));
	assert_int_equal(lines(), 1);
	assert_int_equal(run("-K", "tso"), 1);
	assert_int_equal(lines(), 1);
	assert_int_equal(run("-K", ""), 1);
	ad->netdev.hw_features &= ~NETIF_F_TSO;
	assert_int_equal(run("-K", "tso on"), 1);
	assert_non_null(strstr(printk_capture, "tso"));
	assert_int_equal(lines(), 1);
	assert_int_equal(ad->netdev.features, all);
	assert_int_equal(igb_ethtool_settings(ad, "-Q", 0, NULL), -1);
}

/* rx-checksumming off: the descriptor's "checksums good" is not trusted. */
static void test_rx_csum_off_reaches_data_path(void **state)
{
	union igb_adv_rx_desc *d;

	(void)state;
	bring_up();
	assert_int_equal(run("-K", "rx off"), 0);
	d = IGB_RX_DESC(&ad->rx_ring[0], 0);
	d->wb.length = 60;
	d->wb.status_error = IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_IPCS |
			     IGB_RXD_STAT_L4CS;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 1);
	assert_int_equal(ncaptured, 1);
	assert_int_equal(captured[0]->ip_summed, CHECKSUM_NONE);

	assert_int_equal(run("-K", "rx on"), 0);
	d = IGB_RX_DESC(&ad->rx_ring[0], 1);
	d->wb.length = 60;
	d->wb.status_error = IGB_RXD_STAT_DD | IGB_RXD_STAT_EOP | IGB_RXD_STAT_IPCS |
			     IGB_RXD_STAT_L4CS;
	assert_int_equal(igb_clean_rx_irq(&ad->q_vector[0], 64), 1);
	assert_int_equal(captured[1]->ip_summed, CHECKSUM_UNNECESSARY);
}

/* ---- rings ---- */

static void test_show_rings(void **state)
{
	(void)state;
	assert_int_equal(run("-g", ""), 0);
	assert_non_null(strstr(printk_capture,
		"Ring parameters for eth0:\nPre-set maximums:\nRX:\t\t4096\nRX Mini:\tn/a\n"
		"RX Jumbo:\tn/a\nTX:\t\t4096\nCurrent hardware settings:\nRX:\t\t64\n"
		"RX Mini:\tn/a\nRX Jumbo:\tn/a\nTX:\t\t64\n"));
}

static void test_resize_live(void **state)
{
	struct igb_ring *t = &ad->tx_ring[0];
	struct sk_buff *skb;

	(void)state;
	bring_up();
	/* Two in flight on queue 0: one the device finished, one it did not. */
	for (int k = 0; k < 2; k++) {
		skb = alloc_skb(64);
		memset(skb_put(skb, 60), k, 60);
		assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	}
	IGB_TX_DESC(t, 0)->wb.status |= IGB_TXD_STAT_DD;

	assert_int_equal(run("-G", "rx 512 tx 128"), 0);
	assert_int_equal(closes, 1);
	assert_int_equal(opens, 1);
	for (unsigned int q = 0; q < NQ; q++) {
		assert_int_equal(ad->tx_ring[q].count, 128);
		assert_int_equal(ad->rx_ring[q].count, 512);
		assert_int_equal(reg(IGB_TDLEN(q)), 128 * 16);
		assert_int_equal(reg(IGB_RDLEN(q)), 512 * 16);
		assert_non_null(ad->rx_ring[q].desc);
	}
	/* Reclaimed by the close: the finished one sent, the other dropped. */
	assert_int_equal(t->stats.packets, 1);
	assert_int_equal(t->stats.tx_dropped, 1);
	assert_int_equal(test_skb_live(), 0);
	assert_int_equal(t->next_to_use, 0);
	/* And the resized ring carries traffic. */
	skb = alloc_skb(64);
	skb_put(skb, 60);
	assert_int_equal(igb_xmit_frame_ring(skb, t), NETDEV_TX_OK);
	assert_int_equal(reg(IGB_TDT(0)), 1);
	run("-g", "");
	assert_non_null(strstr(printk_capture, "Current hardware settings:\nRX:\t\t512\n"));
	assert_non_null(strstr(printk_capture, "TX:\t\t128\n"));

	/* One direction only; the same sizes again do nothing at all. */
	assert_int_equal(run("-G", "tx 4096"), 0);
	assert_int_equal(ad->tx_ring[1].count, 4096);
	assert_int_equal(ad->rx_ring[1].count, 512);
	assert_int_equal(closes, 2);
	assert_int_equal(run("-G", "tx 4096 rx 512"), 0);
	assert_int_equal(closes, 2);
}

static void test_resize_closed_port(void **state)
{
	(void)state;
	assert_int_equal(run("-G", "rx 64 tx 256"), 0);
	assert_int_equal(closes + opens, 0);
	assert_int_equal(ad->tx_ring[0].count, 256);
	assert_null(ad->tx_ring[0].desc);
	/* The next open allocates the new size. */
	bring_up();
	assert_int_equal(reg(IGB_TDLEN(0)), 256 * 16);
}

static void test_resize_bad_values(void **state)
{
	static const char *const bad[] = {
		"rx 100", "tx 56", "rx 4104", "tx 0", "rx -8", "rx 0x40", "rx", "mini 64",
		"tx 128 rx 65", "rx 99999999999",
	};

	(void)state;
	bring_up();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(run("-G", bad[i]), 1);
		assert_int_equal(lines(), 1);
		assert_int_equal(ad->tx_ring[0].count, RING);
		assert_int_equal(ad->rx_ring[0].count, RING);
	}
	run("-G", "rx 100");
	assert_non_null(strstr(printk_capture, "rx ring size 100 is invalid"));
	assert_int_equal(closes, 0);
}

static void test_resize_open_fails_restores(void **state)
{
	(void)state;
	bring_up();
	fail_open_once = true;
	assert_int_equal(run("-G", "tx 1024"), 1);
	assert_non_null(strstr(printk_capture, "back to 64/64"));
	assert_int_equal(ad->tx_ring[0].count, RING);
	assert_non_null(ad->tx_ring[0].desc);
	assert_int_equal(reg(IGB_TDLEN(0)), RING * 16);
	assert_int_equal(opens, 2);
}

/* ---- moderation ---- */

static void test_coalesce(void **state)
{
	(void)state;
	bring_up();
	assert_int_equal(run("-c", ""), 0);
	assert_non_null(strstr(printk_capture, "Coalesce parameters for eth0:\n"));
	assert_non_null(strstr(printk_capture, "\nrx-usecs: 0\n"));

	assert_int_equal(run("-C", "rx-usecs 50"), 0);
	assert_int_equal(ad->itr_us, 50);
	for (unsigned int v = 0; v < NQ; v++) {
		assert_int_equal(reg(IGB_EITR(v + 1)), 50u << 2);
		assert_int_equal(ad->q_vector[v].itr_val, 50u << 2);
	}
	run("-c", "");
	assert_non_null(strstr(printk_capture, "\nrx-usecs: 50\n"));

	assert_int_equal(run("-C", "rx-usecs 8192"), 1);
	assert_non_null(strstr(printk_capture, "8192"));
	assert_int_equal(lines(), 1);
	assert_int_equal(run("-C", "tx-usecs 5"), 1);
	assert_int_equal(run("-C", "rx-usecs 5x"), 1);
	assert_int_equal(ad->itr_us, 50);
	assert_int_equal(run("-C", "rx-usecs 0"), 0);
	assert_int_equal(reg(IGB_EITR(1)), 0);

	/* A closed port keeps the value for its next open. */
	ad->netdev.up = false;
	set_reg(IGB_EITR(1), 0x1234);
	assert_int_equal(run("-C", "rx-usecs 8191"), 0);
	assert_int_equal(reg(IGB_EITR(1)), 0x1234);
	assert_int_equal(ad->q_vector[0].itr_val, 0x7FFC);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, igb_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_show_features),
		T(test_set_features),
		T(test_set_features_bad),
		T(test_rx_csum_off_reaches_data_path),
		T(test_show_rings),
		T(test_resize_live),
		T(test_resize_closed_port),
		T(test_resize_bad_values),
		T(test_resize_open_fails_restores),
		T(test_coalesce),
	};

	return cmocka_run_group_tests(tests, test_skb_arena_group_setup,
				      test_skb_arena_group_teardown);
}
