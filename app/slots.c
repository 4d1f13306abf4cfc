/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's figures as its readers (the stats, the health checks, the
 * self metrics) see them while the pollers write: the poller counters
 * summed, and a shard's figures, its slot's counters summed less what
 * earlier shards of the slot counted (struct sr_slot.base). Each figure is
 * exact, the set a moment's.
 */
#include <string.h>

#include "relay.h"

/* The poller counters summed (each figure exact, the set a moment's). */
void sr_counters_sum(const struct sr_relay *r, struct sr_counters *t)
{
	unsigned int i;
	int d;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < r->n_pollers; i++) {
		const struct sr_counters *c = &r->pollers[i]->ctr;
#define ADD(name) t->name += __atomic_load_n(&c->name, __ATOMIC_RELAXED);
		SR_COUNTERS(ADD)
#undef ADD
		for (d = 0; d < SR_DROP__COUNT; d++)
			t->drops[d] += __atomic_load_n(&c->drops[d], __ATOMIC_RELAXED);
	}
}

struct sr_shard_counters sr_slot_figures(const struct sr_relay *r, uint16_t slot)
{
	struct sr_shard_counters t = { 0 };
	unsigned int i;

	for (i = 0; i < r->n_pollers; i++) {
		const struct sr_shard_counters *c = &r->pollers[i]->shard_ctr[slot];
		t.lines += __atomic_load_n(&c->lines, __ATOMIC_RELAXED);
		t.packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		t.bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
	}
	t.lines -= r->slots[slot].base.lines;
	t.packets -= r->slots[slot].base.packets;
	t.bytes -= r->slots[slot].base.bytes;
	return t;
}
