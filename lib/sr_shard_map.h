/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key hash -> shard index. The default is a Maglev lookup table (Eisenbud et
 * al., NSDI 2016): a prime-sized table filled from per-shard permutations, so
 * shards get near-equal slices and adding or removing one moves few keys. It
 * is built on the control side and only read by the workers.
 */
#ifndef SR_SHARD_MAP_H
#define SR_SHARD_MAP_H

#include <stddef.h>
#include <stdint.h>

#define SR_MAGLEV_DEFAULT_SIZE 65537u

struct sr_shard_map {
	uint32_t size;	   /* prime, > 100 x shards */
	uint32_t n_shards;
	uint16_t table[];
};

/*
 * Build a table of `size` entries (prime) for n shards identified by ids[i]
 * (a stable name: the address "IP:PORT"). Returns NULL on bad arguments or no
 * memory; free with sr_shard_map_free().
 */
struct sr_shard_map *sr_maglev_build(const char *const *ids, uint32_t n, uint32_t size);
void sr_shard_map_free(struct sr_shard_map *m);

/* Map a 64-bit key hash onto the table with a multiply, not a division. */
static inline uint16_t sr_shard_lookup(const struct sr_shard_map *m, uint64_t h)
{
	return m->table[(uint32_t)(((__uint128_t)h * m->size) >> 64)];
}

int sr_is_prime(uint32_t n);

#endif
