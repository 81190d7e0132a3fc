/* igb hard-IRQ handlers and the NAPI poll against the device model
 * (igb_irq_model.h): what each handler masks, acknowledges and schedules in
 * MSI-X, MSI and INTx mode, causes that arrive while the poll runs, and how
 * the poll re-arms its vector when it is done. */
#include "igb_irq_model.h"
#include "drivers/igb/igb_irq.c"

/* ---- igb_poll ------------------------------------------------------------- */

static void test_poll_tx_not_done(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[1];
	fk.tx_done = false;
	fk.rx_work = 3;
	assert_int_equal(igb_poll(&q->napi, 64), 64);
	assert_int_equal(fk.completes, 0);
	assert_int_equal(writes_total(), 0);
	assert_int_equal(fk.tx_budget, 64);
	assert_int_equal(fk.rx_budget, 64);
	assert_memory_equal(fk.clean_order, "tr", 2);
}

static void test_poll_rx_budget_spent(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	fk.rx_work = 64;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 64);
	assert_int_equal(fk.completes, 0);
	assert_int_equal(writes_total(), 0);
}

static void test_poll_done_rearms_its_vector(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[2];
	R(IGB_EIMS) = 0x1F & ~q->eims_value;	/* masked by its handler */
	n_ops = 0;
	fk.rx_work = 5;
	assert_int_equal(igb_poll(&q->napi, 64), 5);
	assert_int_equal(fk.completes, 1);
	assert_int_equal(fk.complete_work, 5);
	assert_true(fk.complete_irqs_off);
	assert_false(irqs_disabled());
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_EIMS);
	assert_int_equal(ops[0].val, 1u << 3);
	assert_int_equal(R(IGB_EIMS), 0x1F);
}

static void test_poll_done_legacy_unmasks_queue_causes(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	igb_wr32(&ad->hw, IGB_IMC, IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0);
	n_ops = 0;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 0);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_IMS);
	assert_int_equal(ops[0].val, IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC | IGB_ICR_RXO);
}

static void test_poll_complete_refused(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	fk.complete_ret = false;
	assert_int_equal(igb_poll(&ad->q_vector[0].napi, 64), 0);
	assert_int_equal(fk.completes, 1);
	assert_int_equal(writes_total(), 0);
}

/* ---- handlers ------------------------------------------------------------- */

static void test_msix_ring_masks_and_schedules(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[1];
	fk.msix_handler[2](fk.msix_data[2]);
	assert_int_equal(writes_total(), 1);
	assert_int_equal(ops[0].reg, IGB_EIMC);
	assert_int_equal(ops[0].val, q->eims_value);
	assert_int_equal(R(IGB_EIMS), 0x1F & ~q->eims_value);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(q->irqs, 1);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(ad->other_irqs, 0);
}

static void test_msix_ring_while_polling_keeps_the_cause(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[0];
	fk.msix_handler[1](fk.msix_data[1]);
	/* QEMU's trailing EITR message arrives while the poll runs. */
	fk.msix_handler[1](fk.msix_data[1]);
	assert_int_equal(fk.schedules, 1);
	assert_int_equal(q->irqs, 2);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(R(IGB_EICR) & q->eims_value, q->eims_value);
	assert_int_equal(R(IGB_EIMS) & q->eims_value, 0);
	/* The poll completes: unmasking meets the pending cause, so the
	 * device sends again instead of waiting for the next packet. */
	assert_int_equal(igb_poll(&q->napi, 64), 0);
	assert_int_equal(R(IGB_EIMS) & R(IGB_EICR) & q->eims_value, q->eims_value);
}

/* The watchdog's kick must reach exactly the queue's own vector, or the
 * cause the handler reads, so the poll that refills the ring runs. */
static void test_kick_msix(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	bring_up(IGB_IRQ_MSIX);
	q = &ad->q_vector[1];
	R(IGB_EICR) = 0;
	igb_irq_kick(q);
	assert_int_equal(writes_to(IGB_EICS), 1);
	assert_int_equal(R(IGB_EICR), q->eims_value);
	assert_int_equal(writes_to(IGB_ICS), 0);
}

static void test_kick_msi(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	R(IGB_ICR) = 0;
	igb_irq_kick(&ad->q_vector[0]);
	assert_int_equal(writes_to(IGB_ICS), 1);
	assert_int_equal(R(IGB_ICR), IGB_ICR_RXDW);
	assert_int_equal(writes_to(IGB_EICS), 0);
}

/* Rings of 64 with every RX buffer posted and nothing in flight: no work. */
static void rings_idle(void)
{
	for (unsigned int i = 0; i < ad->num_queues; i++) {
		ad->tx_ring[i].count = 64;
		ad->tx_ring[i].next_to_use = ad->tx_ring[i].next_to_clean = 10;
		ad->rx_ring[i].count = 64;
		ad->rx_ring[i].next_to_clean = 5;
		ad->rx_ring[i].next_to_use = 4;
		ad->rx_ring[i].rx_fill = 63;
	}
}

/* A lost TX completion interrupt: the watchdog raises every vector with
 * work pending, TX included, in one EICS write. */
static void test_kick_pending_msix(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	assert_true(ad->num_q_vectors >= 3);
	rings_idle();
	R(IGB_EICR) = 0;
	assert_int_equal(igb_kick_pending(ad), 0);
	assert_int_equal(writes_total(), 0);

	ad->tx_ring[0].next_to_use = 12;	/* sent, never reclaimed */
	ad->rx_ring[2].next_to_use = 60;	/* refill failed: 8 + 16 holes */
	ad->rx_ring[2].next_to_clean = 20;
	assert_int_equal(igb_kick_pending(ad), 2);
	assert_int_equal(writes_to(IGB_EICS), 1);
	assert_int_equal(R(IGB_EICR), ad->q_vector[0].eims_value | ad->q_vector[2].eims_value);
	assert_int_equal(ad->tx_clean_kicks, 1);
	assert_int_equal(ad->rx_refill_kicks, 1);

	/* Wrapped TX ring with work; a few RX holes are not starvation. */
	rings_idle();
	ad->tx_ring[1].next_to_clean = 60;
	ad->tx_ring[1].next_to_use = 2;
	ad->rx_ring[1].next_to_use = 0;		/* 4 holes */
	R(IGB_EICR) = 0;
	assert_int_equal(igb_kick_pending(ad), 1);
	assert_int_equal(R(IGB_EICR), ad->q_vector[1].eims_value);
	assert_int_equal(ad->tx_clean_kicks, 2);
	assert_int_equal(ad->rx_refill_kicks, 1);

	/* A large ring posts only its fill: the descriptors beyond it are no
	 * holes, a fill raised past what is posted is. */
	rings_idle();
	ad->rx_ring[0].count = 1024;
	ad->rx_ring[0].rx_fill = 256;
	ad->rx_ring[0].next_to_clean = 0;
	ad->rx_ring[0].next_to_use = 250;
	assert_int_equal(igb_kick_pending(ad), 0);
	ad->rx_ring[0].rx_fill = 1023;
	assert_int_equal(igb_kick_pending(ad), 1);
	assert_int_equal(ad->rx_refill_kicks, 2);
}

static void test_kick_pending_msi(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	rings_idle();
	R(IGB_ICR) = 0;
	assert_int_equal(igb_kick_pending(ad), 0);
	ad->tx_ring[0].next_to_use = 11;
	assert_int_equal(igb_kick_pending(ad), 1);
	assert_int_equal(writes_to(IGB_ICS), 1);
	assert_int_equal(R(IGB_ICR), IGB_ICR_TXDW);
	assert_int_equal(writes_to(IGB_EICS), 0);
	ad->rx_ring[0].next_to_use = 30;
	R(IGB_ICR) = 0;
	assert_int_equal(igb_kick_pending(ad), 1);
	assert_int_equal(R(IGB_ICR), IGB_ICR_TXDW | IGB_ICR_RXDW);
}

static void test_msix_other(void **state)
{
	(void)state;
	bring_up(IGB_IRQ_MSIX);
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_RXDW;
	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 1);
	assert_int_equal(R(IGB_ICR), 0);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(writes_total(), 0);

	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 2);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);

	/* An overrun report: counted, cleared by the read, no link check. */
	R(IGB_ICR) = IGB_ICR_RXO;
	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(ad->rx_overruns, 1);
	assert_int_equal(R(IGB_ICR), 0);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->spurious_irqs, 1);
	R(IGB_ICR) = IGB_ICR_RXO | IGB_ICR_LSC;
	fk.msix_handler[0](fk.msix_data[0]);
	assert_int_equal(ad->rx_overruns, 2);
	assert_int_equal(fk.check_link_calls, 2);
}

static void test_msi_handler(void **state)
{
	struct igb_q_vector *q;
	const uint32_t queue = IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0;

	(void)state;
	fk.msix_enable_ret = -1;
	bring_up(IGB_IRQ_MSI);
	q = &ad->q_vector[0];

	fk.msi_handler(fk.msi_data);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(writes_total(), 0);

	R(IGB_ICR) = IGB_ICR_RXDW | IGB_ICR_INT_ASSERTED;
	fk.msi_handler(fk.msi_data);
	assert_int_equal(R(IGB_ICR), 0);
	assert_int_equal(ops[first_write(IGB_IMC, 0)].val, queue);
	assert_int_equal(R(IGB_IMS) & queue, 0);
	assert_int_equal(R(IGB_IMS) & IGB_ICR_LSC, IGB_ICR_LSC);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(q->irqs, 1);
	assert_int_equal(fk.check_link_calls, 0);

	/* Link change during the poll: link handled, the queue cause that came
	 * with it kept for the re-arm. */
	R(IGB_ICR) = IGB_ICR_LSC | IGB_ICR_TXDW | IGB_ICR_INT_ASSERTED;
	fk.msi_handler(fk.msi_data);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->other_irqs, 1);
	assert_int_equal(fk.schedules, 1);
	assert_int_equal(R(IGB_ICR), IGB_ICR_TXDW);
	assert_int_equal(ad->spurious_irqs, 1);
}

static void test_intx_spurious(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(ad->intx_irqs, 1);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(fk.check_link_calls, 0);
	assert_int_equal(writes_total(), 0);
	assert_true(was_read(IGB_ICR));
}

static void test_intx_not_ours_keeps_masked_causes(void **state)
{
	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	/* Silicon: a masked cause is pending, but the line belongs to someone else. */
	R(IGB_ICR) = IGB_ICR_RXDW;
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(ad->spurious_irqs, 1);
	assert_int_equal(fk.schedules, 0);
	assert_int_equal(R(IGB_ICR), IGB_ICR_RXDW);
}

static void test_intx_ours(void **state)
{
	struct igb_q_vector *q;

	(void)state;
	fk.msix_enable_ret = -1;
	fk.msi_ret = -1;
	bring_up(IGB_IRQ_INTX);
	q = &ad->q_vector[0];
	R(IGB_ICR) = IGB_ICR_RXDW | IGB_ICR_LSC | IGB_ICR_INT_ASSERTED;
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(R(IGB_ICR), 0);	/* the read deasserts the line */
	assert_int_equal(ad->intx_irqs, 1);
	assert_int_equal(ad->spurious_irqs, 0);
	assert_int_equal(fk.schedules, 1);
	assert_ptr_equal(fk.last_scheduled, &q->napi);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->rx_overruns, 0);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXSEQ | IGB_ICR_LSC | IGB_ICR_RXO);

	/* Poll completes: queue causes unmasked again. */
	assert_int_equal(igb_poll(&q->napi, 64), 0);
	assert_int_equal(R(IGB_IMS), IGB_ICR_RXDW | IGB_ICR_TXDW | IGB_ICR_RXDMT0 |
				     IGB_ICR_RXSEQ | IGB_ICR_LSC | IGB_ICR_RXO);

	/* An overrun alone: counted, nothing scheduled, no link check. */
	R(IGB_ICR) = IGB_ICR_RXO | IGB_ICR_INT_ASSERTED;
	fk.gsi_handler(fk.gsi_data);
	assert_int_equal(ad->rx_overruns, 1);
	assert_int_equal(fk.schedules, 1);
	assert_int_equal(fk.check_link_calls, 1);
	assert_int_equal(ad->spurious_irqs, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_poll_tx_not_done),
		T(test_poll_rx_budget_spent),
		T(test_poll_done_rearms_its_vector),
		T(test_poll_done_legacy_unmasks_queue_causes),
		T(test_poll_complete_refused),
		T(test_msix_ring_masks_and_schedules),
		T(test_msix_ring_while_polling_keeps_the_cause),
		T(test_kick_msix),
		T(test_kick_msi),
		T(test_kick_pending_msix),
		T(test_kick_pending_msi),
		T(test_msix_other),
		T(test_msi_handler),
		T(test_intx_spurious),
		T(test_intx_not_ours_keeps_masked_causes),
		T(test_intx_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
