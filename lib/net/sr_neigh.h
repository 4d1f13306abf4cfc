/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Next-hop neighbours (ARP for IPv4, Neighbor Discovery for IPv6), owned by
 * the control side. An entry is resolved by a reply, stays reachable for
 * SR_NEIGH_REACHABLE_MS and is refreshed before that ends; an unresolved one
 * is asked for every SR_NEIGH_RETRY_MS. Static entries (a shard's mac=) never
 * change. Time is passed in (ms), so the logic is tested without a clock.
 */
#ifndef SR_NEIGH_H
#define SR_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "net/sr_addr.h"

#define SR_MAX_NEIGH 1024
#define SR_NEIGH_REACHABLE_MS 30000
#define SR_NEIGH_REFRESH_MS 20000 /* start refreshing this long after a reply */
#define SR_NEIGH_RETRY_MS 1000

enum sr_neigh_state {
	SR_NEIGH_INCOMPLETE, /* no MAC (yet, or any more) */
	SR_NEIGH_REACHABLE,
	SR_NEIGH_STATIC,
	SR_NEIGH_UNUSED, /* removed: not asked for, its place taken by the next add */
};

struct sr_neigh {
	struct sr_ip ip;
	uint8_t mac[6];
	uint8_t state;
	uint64_t expires_ms;	/* REACHABLE until */
	uint64_t next_probe_ms; /* next request */
};

struct sr_neigh_table {
	struct sr_neigh e[SR_MAX_NEIGH];
	uint32_t n;
};

/* The entry of ip (added if new; static_mac non-NULL makes it static). -1: full. */
int sr_neigh_add(struct sr_neigh_table *t, const struct sr_ip *ip, const uint8_t *static_mac,
		 uint64_t now_ms);

/* Entry i is no longer a next hop (a reload removed its shards). */
void sr_neigh_remove(struct sr_neigh_table *t, uint32_t i);

/* A reply or request showed ip at mac: returns true if a published MAC changed. */
bool sr_neigh_learn(struct sr_neigh_table *t, const struct sr_ip *ip, const uint8_t mac[6],
		    uint64_t now_ms);

/*
 * Age the table at now_ms: fills idx[] with the entries to ask for now (at
 * most max); *changed is set when an entry lost its MAC. unicast[i] tells to
 * ask the known MAC (refresh) rather than broadcast.
 */
uint32_t sr_neigh_tick(struct sr_neigh_table *t, uint64_t now_ms, uint32_t *idx, bool *unicast,
		       uint32_t max, bool *changed);

/* MAC in the low 48 bits, bit 63 set when usable: one atomic word for workers. */
#define SR_NEIGH_VALID (1ull << 63)
static inline uint64_t sr_neigh_word(const struct sr_neigh *e)
{
	uint64_t w = 0;
	int i;

	if (e->state == SR_NEIGH_INCOMPLETE || e->state == SR_NEIGH_UNUSED)
		return 0;
	for (i = 0; i < 6; i++)
		w |= (uint64_t)e->mac[i] << (8 * i);
	return w | SR_NEIGH_VALID;
}

#endif
