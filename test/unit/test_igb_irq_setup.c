/* igb interrupt setup against the device model (igb_irq_model.h): where
 * each queue's causes go in IVAR, getting vectors (MSI-X, else MSI, else
 * INTx) and what is left when they run short, programming GPIE, IVAR, EITR
 * and EIAC in the order the device needs, and enabling and disabling. */
#include <string.h>
#include "igb_irq_model.h"
#include "drivers/igb/igb_irq.c"

/* ---- IVAR placement ------------------------------------------------------- */

static void test_ivar_82576_column_major(void **state)
{
	(void)state;
	for (unsigned q = 0; q < 16; q++) {
		for (int tx = 0; tx < 2; tx++) {
			unsigned reg = 99, shift = 99;

			igb_ivar_location(igb_82576, q, tx, &reg, &shift);
			/* igb-notes 3.3: q < 8 -> IVAR[q] byte 0 (RX) / 1 (TX);
			 * q >= 8 -> IVAR[q - 8] byte 2 (RX) / 3 (TX). */
			assert_int_equal(reg, q < 8 ? q : q - 8);
			assert_int_equal(shift, (q < 8 ? 0 : 16) + (tx ? 8 : 0));
		}
	}
}

static void test_ivar_row_major(void **state)
{
	static const enum igb_mac_type macs[] = { igb_i350, igb_i210, igb_i211 };

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(macs); m++) {
		for (unsigned q = 0; q < 8; q++) {
			for (int tx = 0; tx < 2; tx++) {
				unsigned reg = 99, shift = 99;

				igb_ivar_location(macs[m], q, tx, &reg, &shift);
				/* IVAR[q >> 1]: even queue RX/TX in bytes 0/1, odd in 2/3. */
				assert_int_equal(reg, q / 2);
				assert_int_equal(shift, (q % 2 ? 16 : 0) + (tx ? 8 : 0));
			}
		}
	}
}

static void test_ivar_spot_values(void **state)
{
	unsigned reg, shift;

	(void)state;
	igb_ivar_location(igb_82576, 9, true, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 24);
	igb_ivar_location(igb_82576, 15, false, &reg, &shift);
	assert_int_equal(reg, 7);
	assert_int_equal(shift, 16);
	igb_ivar_location(igb_i350, 3, true, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 24);
	igb_ivar_location(igb_i210, 2, false, &reg, &shift);
	assert_int_equal(reg, 1);
	assert_int_equal(shift, 0);
}

/* ---- igb_request_irq ------------------------------------------------------ */

static void test_request_msix(void **state)
{
	(void)state;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(fk.msix_nvec, 5);
	assert_int_equal(ad->num_queues, 4);
	assert_int_equal(ad->num_q_vectors, 4);
	assert_int_equal(ad->eims_other, 0x1);
	assert_int_equal(ad->eims_enable_mask, 0x1E);
	assert_int_equal(ad->other_vector, FAKE_MSIX_VEC(0));
	assert_ptr_equal(fk.msix_handler[0], igb_msix_other);
	assert_ptr_equal(fk.msix_data[0], ad);
	for (unsigned i = 0; i < 4; i++) {
		struct igb_q_vector *q = &ad->q_vector[i];

		assert_ptr_equal(fk.msix_handler[i + 1], igb_msix_ring);
		assert_ptr_equal(fk.msix_data[i + 1], q);
		assert_int_equal(q->irq_vector, FAKE_MSIX_VEC(i + 1));
		assert_int_equal(q->v_idx, i + 1);
		assert_int_equal(q->eims_value, 1u << (i + 1));
		assert_int_equal(q->itr_val, 100 << 2);
		assert_ptr_equal(q->adapter, ad);
		assert_ptr_equal(q->tx_ring, &ad->tx_ring[i]);
		assert_ptr_equal(q->rx_ring, &ad->rx_ring[i]);
		assert_ptr_equal(ad->tx_ring[i].q_vector, q);
		assert_ptr_equal(ad->rx_ring[i].q_vector, q);
		assert_ptr_equal(q->napi.poll, igb_poll);
		assert_ptr_equal(q->napi.dev, &ad->netdev);
		assert_int_equal(q->napi.weight, NAPI_POLL_WEIGHT);
	}
	assert_int_equal(fk.napi_adds, 4);
	assert_int_equal(fk.msi_calls + fk.gsi_calls, 0);
	assert_int_equal(printk_capture_lines(), 1);
	assert_non_null(strstr(printk_capture, "MSI-X, 5 vectors, 4 queue pairs\n"));
}

static void test_request_msix_small_table(void **state)
{
	(void)state;
	pdev.msix_table_size = 3;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(fk.msix_nvec, 3);
	assert_int_equal(ad->num_queues, 2);
	assert_int_equal(ad->num_q_vectors, 2);
	assert_int_equal(ad->eims_enable_mask, 0x6);
	assert_int_equal(fk.napi_adds, 2);
	assert_non_null(strstr(printk_capture, "MSI-X, 3 vectors, 2 queue pairs, 4 queues wanted"));
}

static void test_request_msix_vectors_run_out(void **state)
{
	(void)state;
	fk.fail_msix_entry = 3;		/* queue pairs 0 and 1 get a vector, pair 2 does not */
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSIX);
	assert_int_equal(ad->num_queues, 2);
	assert_int_equal(ad->eims_enable_mask, 0x6);
	assert_int_equal(fk.msix_disable_calls, 0);
}

static void test_request_msix_link_vector_fails(void **state)
{
	(void)state;
	fk.fail_msix_entry = 0;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(fk.msix_disable_calls, 1);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
}

static void check_single_vector(int vector)
{
	struct igb_q_vector *q = &ad->q_vector[0];

	assert_int_equal(ad->num_queues, 1);
	assert_int_equal(ad->num_q_vectors, 1);
	assert_int_equal(ad->eims_enable_mask, 0);
	assert_int_equal(ad->eims_other, 0);
	assert_int_equal(q->v_idx, 0);
	assert_int_equal(q->eims_value, 0);
	assert_int_equal(q->irq_vector, vector);
	assert_int_equal(ad->other_vector, vector);
	assert_ptr_equal(ad->tx_ring[0].q_vector, q);
	assert_ptr_equal(ad->rx_ring[0].q_vector, q);
	assert_int_equal(fk.napi_adds, 1);
	assert_int_equal(printk_capture_lines(), 1);
}

static void test_request_msi_fallback(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
	assert_ptr_equal(fk.msi_handler, igb_intr_msi);
	assert_ptr_equal(fk.msi_data, ad);
	check_single_vector(FAKE_MSI_VEC);
	assert_int_equal(fk.gsi_calls, 0);
	assert_non_null(strstr(printk_capture, "MSI, 1 vector, 1 queue pair, MSI-X unavailable, 4 queues wanted\n"));
}

static void test_request_intx_fallback(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_INTX);
	assert_int_equal(fk.gsi, 11);
	assert_ptr_equal(fk.gsi_handler, igb_intr_intx);
	assert_ptr_equal(fk.gsi_data, ad);
	assert_int_equal(fk.intx_disable, 0);
	check_single_vector(FAKE_GSI_VEC);
	assert_non_null(strstr(printk_capture, "INTx, 1 vector, 1 queue pair, GSI 11 level, MSI-X unavailable, 4 queues wanted\n"));
}

static void test_request_asked_mode_is_the_ceiling(void **state)
{
	(void)state;
	ad->irq_mode = IGB_IRQ_MSI;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_MSI);
	assert_int_equal(fk.msix_enable_calls, 0);
	assert_null(strstr(printk_capture, "unavailable"));

	teardown(state);
	setup(state);
	ad->irq_mode = IGB_IRQ_INTX;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, IGB_IRQ_INTX);
	assert_int_equal(fk.msix_enable_calls + fk.msi_calls, 0);
	assert_int_equal(fk.gsi_calls, 1);
}

static void test_request_nothing_available(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	pdev.irq_line = 0xFF;
	assert_int_equal(igb_request_irq(ad), -1);
	assert_int_equal(fk.gsi_calls, 0);
	assert_int_equal(fk.napi_adds, 0);

	pdev.irq_line = 11;
	fk.gsi_ret = -1;
	assert_int_equal(igb_request_irq(ad), -1);
	assert_int_equal(fk.gsi_calls, 1);
	assert_int_equal(fk.napi_adds, 0);
}

static void test_request_clamps_itr(void **state)
{
	(void)state;
	ad->itr_us = 1000000;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->q_vector[0].itr_val, IGB_EITR_INTERVAL_MASK);
}

/* ---- igb_configure_irq ---------------------------------------------------- */

static void test_model_drops_eiac_before_msix_mode(void **state)
{
	(void)state;
	/* The reason for the ordering rule, as the model (and QEMU) has it. */
	writel(0x1F, ad->hw.hw_addr + IGB_EIAC);
	assert_int_equal(R(IGB_EIAC), 0);
	writel(IGB_GPIE_MSIX_MODE, ad->hw.hw_addr + IGB_GPIE);
	writel(0x6, ad->hw.hw_addr + IGB_EIAC);
	writel(0x0, ad->hw.hw_addr + IGB_EIAC);
	assert_int_equal(R(IGB_EIAC), 0x6);
}

static void test_configure_msix_82576(void **state)
{
	long gpie;

	(void)state;
	R(IGB_EICR) = 0x7;		/* stale bits from legacy-mode activity */
	R(IGB_ICR) = IGB_ICR_LSC;
	assert_int_equal(igb_request_irq(ad), 0);
	n_ops = 0;
	igb_configure_irq(ad);

	gpie = first_write(IGB_GPIE, 0);
	assert_int_equal(gpie, 0);
	assert_int_equal(ops[0].val, 0xC0000011u);
	assert_int_equal(writes_to(IGB_GPIE), 1);
	for (size_t i = 1; i < n_ops; i++)
		assert_true(!ops[i].write || ops[i].reg != IGB_GPIE);

	assert_int_equal(R(IGB_IVAR(0)), 0x00008181);
	assert_int_equal(R(IGB_IVAR(1)), 0x00008282);
	assert_int_equal(R(IGB_IVAR(2)), 0x00008383);
	assert_int_equal(R(IGB_IVAR(3)), 0x00008484);
	for (unsigned n = 4; n < 8; n++) {
		assert_int_equal(R(IGB_IVAR(n)), 0);
		assert_int_equal(writes_to(IGB_IVAR(n)), 0);
	}
	assert_int_equal(R(IGB_IVAR_MISC), 0x00008000);
	assert_int_equal(writes_to(IGB_EITR(0)), 0);
	for (unsigned v = 1; v <= 4; v++)
		assert_int_equal(R(IGB_EITR(v)), 400);
	assert_int_equal(writes_to(IGB_EITR(5)), 0);
	/* Only sticks in the model when GPIE went first. */
	assert_int_equal(R(IGB_EIAC), 0x1F);
	assert_int_equal(R(IGB_EICR), 0);
	assert_int_equal(R(IGB_ICR), 0);
	assert_true(was_read(IGB_ICR));
	assert_int_equal(writes_to(IGB_EIMS), 0);
	assert_int_equal(writes_to(IGB_EIAM), 0);
}

static void test_configure_msix_i350(void **state)
{
	(void)state;
	ad->hw.mac_type = igb_i350;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_IVAR(0)), 0x82828181);
	assert_int_equal(R(IGB_IVAR(1)), 0x84848383);
	for (unsigned n = 2; n < 8; n++)
		assert_int_equal(writes_to(IGB_IVAR(n)), 0);
	assert_int_equal(R(IGB_IVAR_MISC), 0x00008000);
	assert_int_equal(R(IGB_GPIE), 0xC0000011u);
	assert_int_equal(R(IGB_EIAC), 0x1F);
}

static void test_configure_clears_stale_ivar(void **state)
{
	(void)state;
	pdev.msix_table_size = 3;	/* two queue pairs */
	R(IGB_IVAR(2)) = 0x00008383;
	R(IGB_IVAR(3)) = 0x00008484;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_IVAR(0)), 0x00008181);
	assert_int_equal(R(IGB_IVAR(1)), 0x00008282);
	assert_int_equal(R(IGB_IVAR(2)), 0);
	assert_int_equal(R(IGB_IVAR(3)), 0);
	assert_int_equal(R(IGB_EIAC), 0x7);
}

static void check_configure_single_vector(enum igb_mac_type mac, bool msi)
{
	ad->hw.mac_type = mac;
	fk.msix_enable_ret = -1;
	fk.msi_ret = msi ? 0 : -1;
	R(IGB_GPIE) = 0xC0000011u;	/* left over from an MSI-X run */
	R(IGB_IVAR(1)) = 0x00008282;
	R(IGB_IVAR_MISC) = 0x00008000;
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_INT_ASSERTED;
	assert_int_equal(igb_request_irq(ad), 0);
	assert_int_equal(ad->irq_mode, msi ? IGB_IRQ_MSI : IGB_IRQ_INTX);
	n_ops = 0;
	igb_configure_irq(ad);
	assert_int_equal(R(IGB_GPIE), 0);
	assert_int_equal(R(IGB_IVAR(0)), 0x00008080);
	assert_int_equal(R(IGB_IVAR(1)), 0);
	assert_int_equal(R(IGB_IVAR_MISC), 0);
	assert_int_equal(R(IGB_ICR), 0);
	for (unsigned v = 0; v < 5; v++)
		assert_int_equal(writes_to(IGB_EITR(v)), 0);
	assert_int_equal(writes_to(IGB_EIAC), 0);
	assert_int_equal(writes_to(IGB_IMS), 0);
}

static void test_configure_msi_intx(void **state)
{
	check_configure_single_vector(igb_82576, true);
	teardown(state);
	setup(state);
	check_configure_single_vector(igb_82576, false);
	teardown(state);
	setup(state);
	check_configure_single_vector(igb_i210, true);
}

/* ---- enable / disable ----------------------------------------------------- */

static void test_enable_msix(void **state)
{
	size_t mark;
	long eims, ims;

	(void)state;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	mark = n_ops;
	igb_irq_enable(ad);
	eims = first_write(IGB_EIMS, mark);
	ims = first_write(IGB_IMS, 0);
	assert_true(eims > first_write(IGB_GPIE, 0));
	assert_true(eims > first_write(IGB_EICR, 0));
	assert_int_equal(ops[eims].val, 0x1F);
	/* Link changes, and overruns only to be counted (rx_overruns). */
	assert_int_equal(ops[ims].val, IGB_ICR_LSC | IGB_ICR_RXO);
	assert_int_equal(R(IGB_EIMS), 0x1F);
	assert_int_equal(R(IGB_IMS), IGB_ICR_LSC | IGB_ICR_RXO);
}

static void test_enable_legacy(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	assert_int_equal(igb_request_irq(ad), 0);
	igb_configure_irq(ad);
	n_ops = 0;
	igb_irq_enable(ad);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC | IGB_ICR_RXO);
	assert_int_equal(writes_to(IGB_EIMS), 0);
}

static void test_disable(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	igb_irq_disable(ad);
	assert_int_equal(R(IGB_EIMS), 0);
	assert_int_equal(R(IGB_IMS), 0);
	assert_int_equal(ops[first_write(IGB_EIMC, 0)].val, 0xFFFFFFFFu);
	assert_int_equal(ops[first_write(IGB_IMC, 0)].val, 0xFFFFFFFFu);
	/* The last access is the flushing read. */
	assert_false(ops[n_ops - 1].write);
	assert_int_equal(ops[n_ops - 1].reg, IGB_STATUS);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ivar_82576_column_major),
		T(test_ivar_row_major),
		T(test_ivar_spot_values),
		T(test_request_msix),
		T(test_request_msix_small_table),
		T(test_request_msix_vectors_run_out),
		T(test_request_msix_link_vector_fails),
		T(test_request_msi_fallback),
		T(test_request_intx_fallback),
		T(test_request_asked_mode_is_the_ceiling),
		T(test_request_nothing_available),
		T(test_request_clamps_itr),
		T(test_model_drops_eiac_before_msix_mode),
		T(test_configure_msix_82576),
		T(test_configure_msix_i350),
		T(test_configure_clears_stale_ivar),
		T(test_configure_msi_intx),
		T(test_enable_msix),
		T(test_enable_legacy),
		T(test_disable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
