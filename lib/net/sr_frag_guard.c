/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "net/sr_frag_guard.h"

void sr_frag_key_of(const struct sr_frame_info *fi, struct sr_frag_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, fi->src.a, fi->v6 ? 16 : 4);
	memcpy(k->dst, fi->dst.a, fi->v6 ? 16 : 4);
	k->id = fi->frag_id;
	k->v6 = fi->v6;
	k->proto = fi->frag_proto;
}

static uint32_t slot_of(const struct sr_frag_guard *g, const struct sr_frag_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ k->id ^ ((uint64_t)k->proto << 32);
	uint64_t w;
	size_t i;

	for (i = 0; i < 32; i += 8) {
		memcpy(&w, (i < 16 ? k->src + i : k->dst + (i - 16)), 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	return (uint32_t)((h >> 32) % g->n_slots);
}

static bool same_key(const struct sr_frag_key *a, const struct sr_frag_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Add [start, end) to the disjoint ranges, merging the ones it touches. */
static void add_range(struct sr_frag_seen *e, uint32_t start, uint32_t end)
{
	uint8_t i = 0;

	while (i < e->n) {
		if (e->r[i].end < start || e->r[i].start > end) {
			i++;
			continue;
		}
		/* adjacent (the only contact left once overlaps are refused): merge */
		start = e->r[i].start < start ? e->r[i].start : start;
		end = e->r[i].end > end ? e->r[i].end : end;
		e->r[i] = e->r[--e->n];
	}
	if (e->n < SR_FRAG_GUARD_RANGES) {
		e->r[e->n].start = start;
		e->r[e->n].end = end;
		e->n++;
	}
	/* else: more pieces than reassembly takes; it will refuse them itself */
}

enum sr_frag_check sr_frag_guard_check(struct sr_frag_guard *g, const struct sr_frame_info *fi,
				       uint64_t now)
{
	uint32_t start = fi->frag_off, end = fi->frag_off + fi->frag_len;
	struct sr_frag_key k;
	struct sr_frag_seen *e;
	uint8_t i;

	sr_frag_key_of(fi, &k);
	e = &g->slot[slot_of(g, &k)];
	if (e->since == 0 || now - e->since > g->ttl || !same_key(&e->key, &k)) {
		memset(e, 0, sizeof(*e));
		e->key = k;
		e->since = now ? now : 1;
	}
	if (e->poisoned)
		return SR_FRAG_OVERLAP;
	for (i = 0; i < e->n; i++) {
		if (start >= e->r[i].start && end <= e->r[i].end)
			return SR_FRAG_DUPLICATE;
		if (start < e->r[i].end && end > e->r[i].start) {
			e->poisoned = true;
			return SR_FRAG_OVERLAP;
		}
	}
	add_range(e, start, end);
	return SR_FRAG_TAKE;
}

void sr_frag_guard_done(struct sr_frag_guard *g, const struct sr_frame_info *fi)
{
	struct sr_frag_key k;
	struct sr_frag_seen *e;

	sr_frag_key_of(fi, &k);
	e = &g->slot[slot_of(g, &k)];
	if (e->since && same_key(&e->key, &k))
		memset(e, 0, sizeof(*e));
}
