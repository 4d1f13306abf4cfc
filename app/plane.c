/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state pollers read (struct sr_plane), built from a configuration on
 * the control side: at start, and off the pollers for each reload. What a
 * shard is counted under (its slot) follows the shard across reloads: the
 * same name on the ring, else the same address.
 */
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "relay.h"
#include "shard/sr_shard_map.h"

void sr_plane_free(struct sr_plane *pl)
{
	if (!pl)
		return;
	sr_shard_map_free((struct sr_shard_map *)(uintptr_t)pl->payload.map);
	rte_free((void *)(uintptr_t)pl->tmpl);
	rte_free(pl->nh_word);
	rte_free((void *)(uintptr_t)pl->slot);
	rte_free(pl->shard_neigh);
	rte_free(pl);
}

static void build_templates(const struct sr_relay *r, const struct sr_config *cfg,
			    struct sr_hdr_tmpl *tmpl)
{
	uint32_t s;

	for (s = 0; s < cfg->n_shards; s++) {
		const struct sr_shard_cfg *sh = &cfg->shards[s];
		uint8_t f = sh->addr.ip.v6;
		uint16_t sport = rte_cpu_to_be_16(cfg->listen[f].port);
		/* the destination MAC is the next hop's, written per packet */
		if (f)
			sr_hdr_tmpl_init_v6(&tmpl[s], r->tx_mac, sh->mac, r->src[f].a, sport,
					    sh->addr.ip.a, rte_cpu_to_be_16(sh->addr.port));
		else
			sr_hdr_tmpl_init_v4(&tmpl[s], r->tx_mac, sh->mac, sr_ip4(&r->src[f]), sport,
					    sr_ip4(&sh->addr.ip), rte_cpu_to_be_16(sh->addr.port));
	}
}

/*
 * Slots for cfg's shards: a shard of the plane in force with the same name
 * keeps its slot, then one with the same address; a new shard takes a slot
 * no shard uses. -1 when none is left.
 */
static int match_slots(const struct sr_relay *r, const struct sr_config *cfg, uint16_t *slot)
{
	const struct sr_plane *run = r->plane;
	bool taken[SR_MAX_SHARDS] = { false }, placed[SR_MAX_SHARDS] = { false };
	bool in_use[SR_MAX_SHARDS];
	uint32_t i, s, pass, next_free = 0;

	for (s = 0; s < SR_MAX_SHARDS; s++)
		in_use[s] = r->slots[s].in_use;
	for (pass = 0; run && pass < 2; pass++)
		for (i = 0; i < cfg->n_shards; i++)
			for (s = 0; !placed[i] && s < run->n_shards; s++) {
				const char *a = pass ? r->cfg.shards[s].id : r->cfg.shards[s].name;
				const char *b = pass ? cfg->shards[i].id : cfg->shards[i].name;
				if (!taken[s] && !strcmp(a, b)) {
					slot[i] = run->slot[s];
					taken[s] = placed[i] = true;
				}
			}
	for (i = 0; i < cfg->n_shards; i++) {
		if (placed[i])
			continue;
		while (next_free < SR_MAX_SHARDS && in_use[next_free])
			next_free++;
		if (next_free == SR_MAX_SHARDS)
			return -1;
		slot[i] = (uint16_t)next_free;
		in_use[next_free] = true;
	}
	return 0;
}

struct sr_plane *sr_plane_build(struct sr_relay *r, const struct sr_config *cfg, char *err,
				size_t errlen)
{
	uint32_t n = cfg->n_shards, s;
	bool down[SR_MAX_SHARDS] = { false };
	struct sr_plane *pl = rte_zmalloc("plane", sizeof(*pl), RTE_CACHE_LINE_SIZE);
	struct sr_hdr_tmpl *tmpl = rte_zmalloc("tmpl", n * sizeof(*tmpl), RTE_CACHE_LINE_SIZE);
	uint16_t *slot = rte_zmalloc("slot", n * sizeof(*slot), RTE_CACHE_LINE_SIZE);

	if (pl) {
		pl->tmpl = tmpl;
		pl->slot = slot;
		pl->nh_word = rte_zmalloc("nh_word", n * sizeof(*pl->nh_word), RTE_CACHE_LINE_SIZE);
		pl->shard_neigh = rte_zmalloc("shard_neigh", n * sizeof(*pl->shard_neigh), 0);
	}
	if (!pl || !tmpl || !slot || !pl->nh_word || !pl->shard_neigh) {
		if (!pl) {
			rte_free(tmpl);
			rte_free(slot);
		}
		snprintf(err, errlen, "out of memory for a new state");
		sr_plane_free(pl);
		return NULL;
	}
	if (match_slots(r, cfg, slot)) {
		snprintf(err, errlen, "more than %u shards counted at once", SR_MAX_SHARDS);
		sr_plane_free(pl);
		return NULL;
	}
	/* reshard: the shards down (by their slot's health) failed over */
	for (s = 0; s < n && !cfg->on_down_keep; s++)
		down[s] = sr_shard_down(r, slot[s]);
	pl->payload = (struct sr_payload_cfg){
		.parse = { .dialect = cfg->dialect, .max_line = cfg->max_line },
		.key_mode = cfg->key_mode,
		.map = sr_config_shard_map_down(cfg, down, err, errlen),
	};
	if (!pl->payload.map) {
		sr_plane_free(pl);
		return NULL;
	}
	pl->all_down = pl->payload.map->all_down;
	for (s = 0; s < n; s++) {
		pl->shard_neigh[s] = sr_nexthop_bind(r, cfg, s);
		if (pl->shard_neigh[s] < 0) {
			snprintf(err, errlen, "more than %u next hops", SR_MAX_NEIGH);
			sr_plane_free(pl);
			return NULL;
		}
	}
	build_templates(r, cfg, tmpl);
	pl->frame = r->frame;
	memcpy(pl->allow, cfg->allow, cfg->n_allow * sizeof(cfg->allow[0]));
	pl->frame.allow = pl->allow;
	pl->frame.n_allow = cfg->n_allow;
	pl->flush_cycles = rte_get_tsc_hz() / 1000000 * cfg->flush_us;
	pl->n_shards = n;
	/* what a fleet of relays compares: the same on each one that places alike */
	pl->fingerprint = sr_config_fingerprint(cfg, pl->payload.map);
	return pl;
}

/* Keys spread over the 64-bit hash space (series-key modes) or texts
 * (the compatibility modes hash the name): where each goes under a and b. */
#define MOVED_SAMPLES 65536

double sr_plane_moved(const struct sr_plane *a, const struct sr_config *ca,
		      const struct sr_plane *b, const struct sr_config *cb, bool *exact)
{
	const struct sr_shard_map *ma = a->payload.map, *mb = b->payload.map;
	uint32_t i, moved = 0, total;

	*exact = ma->mode == SR_HASH_MAGLEV && mb->mode == SR_HASH_MAGLEV && ma->size == mb->size &&
		 ca->key_mode == cb->key_mode && ca->dialect == cb->dialect;
	if (*exact) {
		for (i = 0; i < ma->size; i++)
			moved += strcmp(ca->shards[ma->table[i]].name,
					cb->shards[mb->table[i]].name) != 0;
		return ma->size ? (double)moved / ma->size : 0.0;
	}
	if (ma->mode != mb->mode || ca->key_mode != cb->key_mode || ca->dialect != cb->dialect)
		return 1.0; /* another key or hash: every series may move */
	total = MOVED_SAMPLES;
	for (i = 0; i < total; i++) {
		uint32_t sa, sb;

		if (sr_hash_uses_series_key(ma->mode)) {
			uint64_t h = (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull;
			sa = sr_shard_of_hash(ma, h);
			sb = sr_shard_of_hash(mb, h);
		} else {
			char key[32];
			int len = snprintf(key, sizeof(key), "sample.%u", i);
			sa = sr_shard_of_text(ma, (const uint8_t *)key, (uint32_t)len);
			sb = sr_shard_of_text(mb, (const uint8_t *)key, (uint32_t)len);
		}
		moved += strcmp(ca->shards[sa].name, cb->shards[sb].name) != 0;
	}
	return (double)moved / total;
}
