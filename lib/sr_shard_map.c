/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "sr_hash.h"
#include "sr_shard_map.h"

#define SEED_OFFSET 0x6d61676c65766f66ull /* "maglevof" */
#define SEED_SKIP 0x6d61676c65767370ull	  /* "maglevsp" */

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

struct sr_shard_map *sr_maglev_build(const char *const *ids, uint32_t n, uint32_t size)
{
	struct sr_shard_map *m;
	uint32_t *offset, *skip, *next;
	uint32_t i, filled = 0;

	if (n == 0 || n > UINT16_MAX || !sr_is_prime(size) || size < n)
		return NULL;
	m = malloc(sizeof(*m) + (size_t)size * sizeof(m->table[0]));
	offset = calloc(n, sizeof(*offset));
	skip = calloc(n, sizeof(*skip));
	next = calloc(n, sizeof(*next));
	if (!m || !offset || !skip || !next) {
		free(m);
		m = NULL;
		goto out;
	}
	m->size = size;
	m->n_shards = n;
	memset(m->table, 0xff, (size_t)size * sizeof(m->table[0]));
	for (i = 0; i < n; i++) {
		size_t len = strlen(ids[i]);
		offset[i] = (uint32_t)(sr_hash64(ids[i], len, SEED_OFFSET) % size);
		skip[i] = (uint32_t)(sr_hash64(ids[i], len, SEED_SKIP) % (size - 1)) + 1;
	}
	/* Shards take turns claiming the next free slot of their permutation. */
	while (filled < size) {
		for (i = 0; i < n && filled < size; i++) {
			uint32_t slot;
			do {
				slot = (uint32_t)((offset[i] + (uint64_t)next[i] * skip[i]) % size);
				next[i]++;
			} while (m->table[slot] != UINT16_MAX);
			m->table[slot] = (uint16_t)i;
			filled++;
		}
	}
out:
	free(offset);
	free(skip);
	free(next);
	return m;
}

void sr_shard_map_free(struct sr_shard_map *m)
{
	free(m);
}
