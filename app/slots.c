/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A shard's figures: its slot's counters summed over the pollers (each
 * figure exact, the set a moment's), less what earlier shards of the slot
 * counted (struct sr_slot.base): what the stats, the health checks and
 * the self metrics read.
 */
#include "relay.h"

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
