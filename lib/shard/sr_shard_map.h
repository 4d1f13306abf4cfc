/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key -> shard. The default is a Maglev lookup table (Eisenbud et al., NSDI
 * 2016) over the relay's 64-bit series-key hash: a prime-sized table filled
 * from per-shard permutations, so shards get near-equal slices and adding or
 * removing one moves few keys; O(1) per line. `jump` (Lamping & Veach) needs
 * no table. The compatibility modes reproduce, key rule and hash, the relays
 * users migrate from, so that no series moves:
 *   statsd-proxy  etsy statsd proxy.js + npm hashring 3.2.0 (md5 ring)
 *   statsrelay    uber/lyft statsrelay (murmur3_32 seed 0xaccd3d34 % n)
 *   carbon-jump   jjneely/statsrelay, carbon-c-relay (FNV-1a 64 + jump)
 * Their key is the line's text before the first ':'.
 *
 * A map is built on the control side and only read by the workers.
 */
#ifndef SR_SHARD_MAP_H
#define SR_SHARD_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SR_MAGLEV_DEFAULT_SIZE 65537u
#define SR_MAGLEV_MAX_SIZE 16777213u /* largest prime below 2^24 */
#define SR_PROXY_VNODES 40	     /* hashring's default "vnode count" */

enum sr_hash_mode {
	SR_HASH_MAGLEV,
	SR_HASH_JUMP,
	SR_HASH_STATSD_PROXY,
	SR_HASH_STATSRELAY,
	SR_HASH_CARBON_JUMP,
	SR_HASH__COUNT
};

extern const char *const sr_hash_names[SR_HASH__COUNT];

/* Does the mode hash the relay's series key (else: the text before ':')? */
static inline bool sr_hash_uses_series_key(enum sr_hash_mode m)
{
	return m == SR_HASH_MAGLEV || m == SR_HASH_JUMP;
}

struct sr_shard_desc {
	const char *id;	 /* the shard's name on the ring: "IP:PORT" or its name= */
	uint32_t weight; /* maglev, statsd-proxy; 1 elsewhere */
};

struct sr_ring_point {
	uint32_t value;
	uint32_t shard;
};

struct sr_shard_map {
	enum sr_hash_mode mode;
	uint32_t n_shards;
	uint32_t size;		    /* maglev: table entries; statsd-proxy: ring points */
	struct sr_ring_point *ring; /* statsd-proxy: sorted by value */
	/* Failed over (sr_shard_map_fail_over): jump, statsrelay and
	 * carbon-jump send a down shard's keys by a jump over the shards up of
	 * the key's hash mixed again (the same hash would pile them on one);
	 * maglev and statsd-proxy have them in their table or ring. */
	const uint8_t *down;	  /* [n_shards] or NULL: none down */
	const uint16_t *up_index; /* [n_up] the shards up */
	uint32_t n_up;
	bool all_down;	  /* no shard to send to */
	uint16_t table[]; /* maglev */
};

/*
 * Build the map of a mode for n shards. table_size: the Maglev table (a prime
 * > 100 x n), ignored by other modes. Returns NULL with a reason in err.
 */
struct sr_shard_map *sr_shard_map_build(enum sr_hash_mode mode, const struct sr_shard_desc *shards,
					uint32_t n, uint32_t table_size, char *err, size_t errlen);
void sr_shard_map_free(struct sr_shard_map *m);

/* A hash of what the map decides: its mode, its shard count and the table
 * (maglev) or ring points (statsd-proxy) it looks keys up in. */
uint64_t sr_shard_map_fingerprint(const struct sr_shard_map *m, uint64_t seed);

/*
 * Fail over the shards down[i] (true: down) of m, built from shards and
 * table_size: their keys go where a map of the other shards alone sends
 * them, and every other key stays where it was, so they come back exactly
 * when the map is built again without down. Maglev's table entries of the
 * down shards are rewritten (no cost per line); statsd-proxy's ring loses
 * their points (what hashring does on remove); the others look those keys
 * up a second time. With every shard down m->all_down is set. 0, or -1
 * with a reason in err.
 */
int sr_shard_map_fail_over(struct sr_shard_map *m, const struct sr_shard_desc *shards,
			   uint32_t table_size, const bool *down, char *err, size_t errlen);

int sr_is_prime(uint32_t n);

/* Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm". */
static inline uint32_t sr_jump(uint64_t key, uint32_t buckets)
{
	int64_t b = -1, j = 0;

	while (j < (int64_t)buckets) {
		b = j;
		key = key * 2862933555777941757ull + 1;
		j = (int64_t)((double)(b + 1) * ((double)(1ll << 31) / (double)((key >> 33) + 1)));
	}
	return (uint32_t)b;
}

static inline uint64_t sr_fnv1a64(const uint8_t *p, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

uint32_t sr_murmur3_32(const uint8_t *p, uint32_t n, uint32_t seed);

/* Where a down shard's key goes (jump and the text modes): its hash mixed
 * again (MurmurHash3's finaliser), then a jump over the shards up. */
static inline uint32_t sr_fail_over_of(const struct sr_shard_map *m, uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return m->up_index[sr_jump(h, m->n_up)];
}

/* The shard of a series-key hash (maglev, jump): one multiply, one load. */
static inline uint32_t sr_shard_of_hash(const struct sr_shard_map *m, uint64_t h)
{
	uint32_t s;

	if (m->mode == SR_HASH_MAGLEV)
		return m->table[(uint32_t)(((__uint128_t)h * m->size) >> 64)];
	s = sr_jump(h, m->n_shards);
	if (__builtin_expect(m->down != NULL, 0) && m->down[s])
		s = sr_fail_over_of(m, h);
	return s;
}

/* The shard of a compatibility key (the text before ':'). */
uint32_t sr_shard_of_text(const struct sr_shard_map *m, const uint8_t *key, uint32_t len);

#endif
