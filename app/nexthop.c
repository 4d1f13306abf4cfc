/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A shard's next hop: the shard itself, or --gateway when it is off the
 * sending side's subnet; its neighbour entry (resolved by the control
 * thread, control.c), and the word per shard the pollers read its MAC in.
 * Used wherever a plane is built or published (plane.c, reload.c).
 */
#include <rte_cycles.h>

#include "net/sr_neigh.h"
#include "relay.h"

static struct sr_ip next_hop(const struct sr_config *cfg, const struct sr_shard_cfg *sh)
{
	uint8_t fam = sh->addr.ip.v6;
	const struct sr_endpoint *l = cfg->has_egress[fam] ? &cfg->egress[fam] : &cfg->listen[fam];

	/* off the sending side's subnet and a gateway given: through it; else on the link */
	if (cfg->has_gateway[fam] && !sr_ip_in_prefix(&sh->addr.ip, &l->ip, l->prefix))
		return cfg->gateway[fam];
	return sh->addr.ip;
}

int sr_nexthop_bind(struct sr_relay *r, const struct sr_config *cfg, uint32_t s)
{
	const struct sr_shard_cfg *sh = &cfg->shards[s];
	struct sr_ip hop = next_hop(cfg, sh);

	/* a static mac= is the shard's own (or the gateway's) MAC: no resolution;
	 * a hop already known keeps its entry, resolved MAC and all */
	return sr_neigh_add(r->neigh, &hop, sh->has_mac ? sh->mac : NULL,
			    rte_rdtsc() / (rte_get_tsc_hz() / 1000));
}

void sr_nexthop_publish(struct sr_relay *r, struct sr_plane *pl)
{
	uint32_t s;

	for (s = 0; s < pl->n_shards; s++)
		__atomic_store_n(&pl->nh_word[s], sr_neigh_word(&r->neigh->e[pl->shard_neigh[s]]),
				 __ATOMIC_RELEASE);
}
