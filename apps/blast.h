/* What the blasting apps (l2blast, tsoblast) share: waiting for room on the
 * TX queue without missing the wake, handing one frame to the stack as a
 * system call would, tail writes batched, and the result line. */
#ifndef RINGOS_APPS_BLAST_H
#define RINGOS_APPS_BLAST_H

#include "kernel/time.h"
#include "net/netdevice.h"

/* Frames handed over with xmit_more between tail writes. */
#define BLAST_BATCH 32
/* A stalled ring (link down, hung queue) must not hang the app forever. */
#define BLAST_STALL_NS (5 * NSEC_PER_SEC)

struct blast {
	const char *name;
	uint64_t total, sent, failed;
	uint64_t t0, stall_since;
};

void blast_start(struct blast *b, const char *name, uint64_t total);
/* More frames to send? */
static inline bool blast_more(const struct blast *b) { return b->sent + b->failed < b->total; }
/* Sleeps until ready(q); false once the queue has not been ready for
 * BLAST_STALL_NS (the run ends). Completions arrive by interrupt and NAPI;
 * readiness is decided with interrupts off so the wake cannot slip past. */
bool blast_wait(struct blast *b, bool (*ready)(const struct netdev_queue *q),
		const struct netdev_queue *q);
/* Hands skb to dev_queue_xmit as kernel time, xmit_more set but for every
 * BLAST_BATCH-th and the last frame; counts it sent or failed. */
void blast_xmit(struct blast *b, struct sk_buff *skb);
/* "NAME: N frames[what] in S s: F frames/s, M Mbit/s" and what was lost. */
void blast_report(const struct blast *b, const char *what, uint64_t frame_len);

#endif
