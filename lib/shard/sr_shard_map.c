/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard/sr_hash.h"
#include "shard/sr_md5.h"
#include "shard/sr_shard_map.h"

#define SEED_OFFSET 0x6d61676c65766f66ull /* "maglevof" */
#define SEED_SKIP 0x6d61676c65767370ull	  /* "maglevsp" */
#define STATSRELAY_SEED 0xaccd3d34u

const char *const sr_hash_names[SR_HASH__COUNT] = {
	[SR_HASH_MAGLEV] = "maglev",
	[SR_HASH_JUMP] = "jump",
	[SR_HASH_STATSD_PROXY] = "statsd-proxy",
	[SR_HASH_STATSRELAY] = "statsrelay",
	[SR_HASH_CARBON_JUMP] = "carbon-jump",
};

int sr_is_prime(uint32_t n)
{
	uint32_t d;

	if (n < 2)
		return 0;
	for (d = 2; (uint64_t)d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

/* MurmurHash3_x86_32 (Austin Appleby), as uber/statsrelay's hashlib.c uses it. */
uint32_t sr_murmur3_32(const uint8_t *p, uint32_t n, uint32_t seed)
{
	const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
	uint32_t h = seed, k, i;

	for (i = 0; i + 4 <= n; i += 4) {
		k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
		    (uint32_t)p[i + 3] << 24;
		k *= c1;
		k = k << 15 | k >> 17;
		k *= c2;
		h ^= k;
		h = h << 13 | h >> 19;
		h = h * 5 + 0xe6546b64;
	}
	k = 0;
	switch (n & 3) {
	case 3:
		k ^= (uint32_t)p[i + 2] << 16;
		/* fall through */
	case 2:
		k ^= (uint32_t)p[i + 1] << 8;
		/* fall through */
	case 1:
		k ^= p[i];
		k *= c1;
		k = k << 15 | k >> 17;
		k *= c2;
		h ^= k;
	}
	h ^= n;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/*
 * Maglev populate, with integer weights as credits (Katran's MaglevHashV2):
 * each round every shard earns its weight and places one entry per
 * max-weight earned; equal weights give the paper's algorithm exactly.
 */
static int maglev_fill(struct sr_shard_map *m, const struct sr_shard_desc *sh, uint32_t n)
{
	uint32_t size = m->size, filled = 0, i, max_w = 0;
	uint32_t *offset = calloc(n, sizeof(*offset)), *skip = calloc(n, sizeof(*skip));
	uint64_t *next = calloc(n, sizeof(*next)), *credit = calloc(n, sizeof(*credit));
	int rc = -1;

	if (!offset || !skip || !next || !credit)
		goto out;
	for (i = 0; i < n; i++) {
		size_t len = strlen(sh[i].id);
		offset[i] = (uint32_t)(sr_hash64(sh[i].id, len, SEED_OFFSET) % size);
		skip[i] = (uint32_t)(sr_hash64(sh[i].id, len, SEED_SKIP) % (size - 1)) + 1;
		if (sh[i].weight > max_w)
			max_w = sh[i].weight;
	}
	memset(m->table, 0xff, (size_t)size * sizeof(m->table[0]));
	while (filled < size) {
		for (i = 0; i < n && filled < size; i++) {
			uint32_t slot;
			credit[i] += sh[i].weight;
			if (credit[i] < max_w)
				continue;
			credit[i] -= max_w;
			do {
				slot = (uint32_t)((offset[i] + next[i] * skip[i]) % size);
				next[i]++;
			} while (m->table[slot] != UINT16_MAX);
			m->table[slot] = (uint16_t)i;
			filled++;
		}
	}
	rc = 0;
out:
	free(offset);
	free(skip);
	free(next);
	free(credit);
	return rc;
}

static int point_cmp(const void *a, const void *b)
{
	const struct sr_ring_point *x = a, *y = b;

	/* equal values: the earlier point wins, as V8's stable sort keeps them */
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return (x->shard > y->shard) - (x->shard < y->shard);
}

/*
 * npm hashring 3.2.0 as proxy.js configures it (vnode count 40, replicas 0
 * taken as 1): shard i gets floor(w_i/total * 40 * n) points, computed in
 * doubles in that order (39, not 40, for n = 7, 14, 28, ...); point k is the
 * little-endian uint32 of md5("<name>-<k>")[0..3].
 */
static int proxy_ring(struct sr_shard_map *m, const struct sr_shard_desc *sh, uint32_t n)
{
	double total = 0;
	uint32_t i, k, count = 0, *points = calloc(n, sizeof(*points));
	char buf[300];

	if (!points)
		return -1;
	for (i = 0; i < n; i++)
		total += (double)sh[i].weight;
	for (i = 0; i < n; i++) {
		double pct = (double)sh[i].weight / total;
		points[i] = (uint32_t)floor(pct * SR_PROXY_VNODES * (double)n);
		count += points[i];
	}
	m->ring = calloc(count ? count : 1, sizeof(*m->ring));
	if (!m->ring) {
		free(points);
		return -1;
	}
	m->size = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < points[i]; k++) {
			int len = snprintf(buf, sizeof(buf), "%s-%u", sh[i].id, k);
			m->ring[m->size++] = (struct sr_ring_point){
				.value = sr_md5_le32(buf, (size_t)len), .shard = i
			};
		}
	/* ties keep insertion order: sort by (value, shard) then by k is implied */
	qsort(m->ring, m->size, sizeof(*m->ring), point_cmp);
	free(points);
	return 0;
}

struct sr_shard_map *sr_shard_map_build(enum sr_hash_mode mode, const struct sr_shard_desc *sh,
					uint32_t n, uint32_t table_size, char *err, size_t errlen)
{
	struct sr_shard_map *m;
	uint32_t size = mode == SR_HASH_MAGLEV ? table_size : 0, i;

	if (n == 0 || n >= UINT16_MAX) {
		snprintf(err, errlen, "%u shards: between 1 and %u", n, UINT16_MAX - 1);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (sh[i].weight == 0 ||
		    (sh[i].weight != 1 && mode != SR_HASH_MAGLEV && mode != SR_HASH_STATSD_PROXY)) {
			snprintf(err, errlen, "shard %s: weight %u (hash %s takes %s)", sh[i].id,
				 sh[i].weight, sr_hash_names[mode],
				 mode == SR_HASH_MAGLEV || mode == SR_HASH_STATSD_PROXY
					 ? "weights >= 1"
					 : "no weights");
			return NULL;
		}
	if (mode == SR_HASH_MAGLEV &&
	    (!sr_is_prime(size) || size > SR_MAGLEV_MAX_SIZE || (uint64_t)size <= 100ull * n)) {
		snprintf(
			err, errlen,
			"table size %u: must be a prime larger than 100 x %u shards and at most %u",
			size, n, SR_MAGLEV_MAX_SIZE);
		return NULL;
	}
	m = calloc(1, sizeof(*m) + (size_t)size * sizeof(m->table[0]));
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->mode = mode;
	m->n_shards = n;
	m->size = size;
	if ((mode == SR_HASH_MAGLEV && maglev_fill(m, sh, n)) ||
	    (mode == SR_HASH_STATSD_PROXY && proxy_ring(m, sh, n))) {
		sr_shard_map_free(m);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return m;
}

void sr_shard_map_free(struct sr_shard_map *m)
{
	if (m) {
		free(m->ring);
		free((void *)(uintptr_t)m->down);
		free((void *)(uintptr_t)m->up_index);
	}
	free(m);
}

int sr_shard_map_fail_over(struct sr_shard_map *m, const struct sr_shard_desc *sh,
			   uint32_t table_size, const bool *down, char *err, size_t errlen)
{
	struct sr_shard_desc *up = calloc(m->n_shards, sizeof(*up));
	uint16_t *up_index = calloc(m->n_shards, sizeof(*up_index));
	uint8_t *down_copy = calloc(m->n_shards, 1);
	struct sr_shard_map *sub = NULL;
	uint32_t n_up = 0, i;

	if (!up || !up_index || !down_copy)
		goto nomem;
	for (i = 0; i < m->n_shards; i++) {
		down_copy[i] = down[i];
		if (!down[i]) {
			up_index[n_up] = (uint16_t)i;
			up[n_up++] = sh[i];
		}
	}
	if (n_up == m->n_shards || n_up == 0) {
		m->all_down = n_up == 0;
		free(up);
		free(up_index);
		free(down_copy);
		return 0;
	}
	if (m->mode != SR_HASH_MAGLEV && m->mode != SR_HASH_STATSD_PROXY) {
		free(up);
		m->up_index = up_index;
		m->n_up = n_up;
		m->down = down_copy;
		return 0;
	}
	sub = sr_shard_map_build(m->mode, up, n_up, table_size, err, errlen);
	free(up);
	up = NULL;
	if (!sub)
		goto fail;
	if (m->mode == SR_HASH_MAGLEV) {
		for (i = 0; i < m->size; i++)
			if (down[m->table[i]])
				m->table[i] = up_index[sub->table[i]];
	} else {
		free(m->ring);
		m->ring = sub->ring;
		m->size = sub->size;
		sub->ring = NULL;
		for (i = 0; i < m->size; i++)
			m->ring[i].shard = up_index[m->ring[i].shard];
	}
	sr_shard_map_free(sub);
	free(up_index);
	free(down_copy);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	free(up);
	free(up_index);
	free(down_copy);
	return -1;
}

/* hashring's find(): the first point >= h, wrapping to the first point. */
static uint32_t proxy_find(const struct sr_shard_map *m, uint32_t h)
{
	uint32_t lo = 0, hi = m->size;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->ring[mid].value < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return m->ring[lo == m->size ? 0 : lo].shard;
}

uint32_t sr_shard_of_text(const struct sr_shard_map *m, const uint8_t *key, uint32_t len)
{
	switch (m->mode) {
	case SR_HASH_STATSD_PROXY:
		return m->size ? proxy_find(m, sr_md5_le32(key, len)) : 0;
	case SR_HASH_STATSRELAY:
	case SR_HASH_CARBON_JUMP: {
		uint32_t s = m->mode == SR_HASH_STATSRELAY
				     ? sr_murmur3_32(key, len, STATSRELAY_SEED) % m->n_shards
				     : sr_jump(sr_fnv1a64(key, len), m->n_shards);
		if (m->down && m->down[s]) /* failed over */
			s = sr_fail_over_of(m, sr_hash64(key, len, 0));
		return s;
	}
	default:
		return sr_shard_of_hash(m, sr_hash64(key, len, 0));
	}
}

uint64_t sr_shard_map_fingerprint(const struct sr_shard_map *m, uint64_t seed)
{
	const uint32_t head[3] = { (uint32_t)m->mode, m->n_shards, m->size };
	uint64_t h = sr_hash64(head, sizeof(head), seed);

	if (m->mode == SR_HASH_MAGLEV)
		h = sr_hash64(m->table, (size_t)m->size * sizeof(m->table[0]), h);
	else if (m->mode == SR_HASH_STATSD_PROXY)
		h = sr_hash64(m->ring, (size_t)m->size * sizeof(m->ring[0]), h);
	/* jump, statsrelay, carbon-jump: a function of the count alone, and of
	 * which shards are failed over */
	if (m->down)
		h = sr_hash64(m->down, m->n_shards, h);
	if (m->all_down)
		h = sr_hash64("all down", 8, h);
	return h;
}
