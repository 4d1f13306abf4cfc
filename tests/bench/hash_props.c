/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Measured properties of every hash mode over realistic series keys:
 *   balance     most loaded shard / mean, N = 2..64
 *   disruption  share of keys that move when a shard is added at the end, or
 *               one is removed from the middle of the list
 *   cost        TSC cycles per key: the mode's key hash + its lookup
 *   golden      (line, mode, N, shard) rows that pin today's placement
 *
 *   hash_props [-k KEYS] [-g GOLDEN_FILE]
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "dialect/sr_dialect.h"
#include "keygen.h"
#include "shard/sr_key.h"
#include "shard/sr_md5.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_payload.h"

#define MAX_N 65

struct key {
	uint64_t series; /* relay's series-key hash */
	uint32_t md5;	 /* statsd-proxy */
	uint32_t murmur; /* statsrelay */
	uint64_t fnv;	 /* carbon-jump */
};

static char ids[MAX_N + 1][32];

static struct sr_shard_map *build(enum sr_hash_mode mode, uint32_t first, uint32_t n, int skip)
{
	struct sr_shard_desc d[MAX_N + 1];
	char err[256];
	uint32_t i, k = 0;

	for (i = first; i < first + n; i++)
		if ((int)i != skip)
			d[k++] = (struct sr_shard_desc){ .id = ids[i], .weight = 1 };
	struct sr_shard_map *m = sr_shard_map_build(mode, d, k, SR_MAGLEV_DEFAULT_SIZE, err,
						    sizeof(err));
	if (!m) {
		fprintf(stderr, "hash_props: %s\n", err);
		exit(1);
	}
	return m;
}

/* Shard of a precomputed key, by mode: what the relay does after its hashing. */
static inline uint32_t place(const struct sr_shard_map *m, const struct key *k)
{
	switch (m->mode) {
	case SR_HASH_STATSD_PROXY: {
		uint32_t lo = 0, hi = m->size;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (m->ring[mid].value < k->md5)
				lo = mid + 1;
			else
				hi = mid;
		}
		return m->ring[lo == m->size ? 0 : lo].shard;
	}
	case SR_HASH_STATSRELAY:
		return k->murmur % m->n_shards;
	case SR_HASH_CARBON_JUMP:
		return sr_jump(k->fnv, m->n_shards);
	default:
		return sr_shard_of_hash(m, k->series);
	}
}

static void prepare(struct key *keys, uint64_t n)
{
	struct sr_parse_cfg pc = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8972 };
	static struct sr_line line;
	char buf[512];
	uint64_t i;

	for (i = 0; i < n; i++) {
		int len = kg_line(i, buf, sizeof(buf));
		uint32_t klen = (uint32_t)strcspn(buf, ":");
		if (sr_line_parse(&pc, (uint8_t *)buf, (uint32_t)len, &line) != SR_OK) {
			fprintf(stderr, "hash_props: generated line refused: %s\n", buf);
			exit(1);
		}
		keys[i].series = sr_line_key_hash(&line, SR_KEY_NAME_TAGS);
		keys[i].md5 = sr_md5_le32(buf, klen);
		keys[i].murmur = sr_murmur3_32((uint8_t *)buf, klen, 0xaccd3d34);
		keys[i].fnv = sr_fnv1a64((uint8_t *)buf, klen);
	}
}

static double balance(const struct sr_shard_map *m, const struct key *keys, uint64_t n)
{
	uint64_t count[MAX_N] = { 0 }, max = 0, i;

	for (i = 0; i < n; i++)
		count[place(m, &keys[i])]++;
	for (i = 0; i < m->n_shards; i++)
		if (count[i] > max)
			max = count[i];
	return (double)max * m->n_shards / (double)n;
}

/* Share of keys whose server changes between two lists of shard ids. */
static double moved(const struct sr_shard_map *a, uint32_t a_first, int a_skip,
		    const struct sr_shard_map *b, uint32_t b_first, int b_skip,
		    const struct key *keys, uint64_t n)
{
	uint64_t i, moves = 0;

	for (i = 0; i < n; i++) {
		uint32_t sa = place(a, &keys[i]), sb = place(b, &keys[i]);
		/* index -> the shard's id number, skipping the removed one */
		uint32_t ia = a_first + sa + (a_skip >= 0 && (int)(a_first + sa) >= a_skip);
		uint32_t ib = b_first + sb + (b_skip >= 0 && (int)(b_first + sb) >= b_skip);
		moves += ia != ib;
	}
	return (double)moves / (double)n;
}

static double cycles_per_key(enum sr_hash_mode mode, uint32_t n_shards, uint64_t n)
{
	struct sr_shard_map *m = build(mode, 1, n_shards, -1);
	struct sr_payload_cfg pc = { .parse = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8972 },
				     .key_mode = SR_KEY_NAME_TAGS,
				     .map = m };
	static struct sr_line lines[1024];
	static char text[1024][256];
	static uint32_t len[1024];
	uint64_t i, t0, t1, sink = 0;

	for (i = 0; i < 1024; i++) {
		len[i] = (uint32_t)kg_line(i * 7919, text[i], sizeof(text[i]));
		sr_line_parse(&pc.parse, (uint8_t *)text[i], len[i], &lines[i]);
	}
	t0 = __rdtsc();
	for (i = 0; i < n; i++)
		sink += sr_payload_pick_shard(&pc, &lines[i & 1023], (uint8_t *)text[i & 1023],
					      len[i & 1023]);
	t1 = __rdtsc();
	sr_shard_map_free(m);
	if (sink == UINT64_MAX)
		puts("");
	return (double)(t1 - t0) / (double)n;
}

static void golden(const char *file)
{
	static const uint32_t ns[] = { 1, 2, 3, 4, 5, 7, 8, 10, 14, 16, 32, 64 };
	struct sr_parse_cfg pc = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8972 };
	static struct sr_line line;
	FILE *f = fopen(file, "w");
	char buf[512];
	unsigned mode, ni, i;

	if (!f) {
		perror(file);
		exit(1);
	}
	fprintf(f, "# mode\tshards\tshard\tline  (shards are 198.18.1.1:8125 .. 198.18.1.N:8125, "
		   "dialect telegraf, key name+tags; made by hash_props --golden)\n");
	for (mode = 0; mode < SR_HASH__COUNT; mode++)
		for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++) {
			struct sr_shard_map *m = build((enum sr_hash_mode)mode, 1, ns[ni], -1);
			struct sr_payload_cfg pay = { .parse = pc,
						      .key_mode = SR_KEY_NAME_TAGS,
						      .map = m };
			for (i = 0; i < 12; i++) {
				int len = kg_line(i * 104729 + ni, buf, sizeof(buf));
				sr_line_parse(&pc, (uint8_t *)buf, (uint32_t)len, &line);
				fprintf(f, "%s\t%u\t%u\t%s\n", sr_hash_names[mode], ns[ni],
					sr_payload_pick_shard(&pay, &line, (uint8_t *)buf,
							      (uint32_t)len),
					buf);
			}
			sr_shard_map_free(m);
		}
	fclose(f);
}

int main(int argc, char **argv)
{
	uint64_t n = 10000000;
	static const uint32_t table_ns[] = { 2, 3, 4, 5, 8, 10, 16, 24, 32, 48, 64 };
	const char *golden_file = NULL;
	struct key *keys;
	unsigned mode, i;
	int opt;

	while ((opt = getopt(argc, argv, "k:g:")) != -1) {
		if (opt == 'k')
			n = strtoull(optarg, NULL, 10);
		else if (opt == 'g')
			golden_file = optarg;
	}
	for (i = 0; i <= MAX_N; i++)
		snprintf(ids[i], sizeof(ids[i]), "198.18.1.%u:8125", i);
	if (golden_file) {
		golden(golden_file);
		return 0;
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return 1;
	prepare(keys, n);

	printf("Hash modes over %" PRIu64 " realistic series keys (a third each DogStatsD-tagged,\n"
	       "influx-tagged, plain names). Balance: most loaded shard / mean. Add: keys moved\n"
	       "when shard N+1 joins at the end (ideal 1/(N+1)). Remove: keys moved when the\n"
	       "middle shard of N+1 leaves (ideal 1/(N+1)). The compatibility modes key on the\n"
	       "text before ':', so DogStatsD-tagged lines of one metric share a key.\n\n",
	       n);
	printf("%-13s %4s %9s %9s %9s %8s\n", "mode", "N", "balance", "add", "remove", "ideal");
	for (mode = 0; mode < SR_HASH__COUNT; mode++) {
		for (i = 0; i < sizeof(table_ns) / sizeof(table_ns[0]); i++) {
			uint32_t N = table_ns[i];
			struct sr_shard_map *m = build((enum sr_hash_mode)mode, 1, N, -1);
			struct sr_shard_map *up = build((enum sr_hash_mode)mode, 1, N + 1, -1);
			struct sr_shard_map *down = build((enum sr_hash_mode)mode, 1, N + 1,
							  (int)(1 + (N + 1) / 2));
			printf("%-13s %4u %9.4f %8.2f%% %8.2f%% %7.2f%%\n", sr_hash_names[mode], N,
			       balance(m, keys, n), 100 * moved(m, 1, -1, up, 1, -1, keys, n),
			       100 * moved(up, 1, -1, down, 1, (int)(1 + (N + 1) / 2), keys, n),
			       100.0 / (N + 1));
			sr_shard_map_free(m);
			sr_shard_map_free(up);
			sr_shard_map_free(down);
		}
		printf("\n");
	}
	printf("Default (maglev) balance for every N = 2..64 (bound 1.02):");
	double worst = 0;
	uint32_t worst_n = 0;
	for (i = 2; i <= 64; i++) {
		struct sr_shard_map *m = build(SR_HASH_MAGLEV, 1, i, -1);
		double b = balance(m, keys, n);
		if (b > worst) {
			worst = b;
			worst_n = i;
		}
		sr_shard_map_free(m);
	}
	printf(" worst %.4f at N = %u\n\n", worst, worst_n);
	printf("%-13s %14s %14s\n", "mode", "cycles/key N=4", "cycles/key N=64");
	for (mode = 0; mode < SR_HASH__COUNT; mode++)
		printf("%-13s %14.1f %14.1f\n", sr_hash_names[mode],
		       cycles_per_key((enum sr_hash_mode)mode, 4, 2000000),
		       cycles_per_key((enum sr_hash_mode)mode, 64, 2000000));
	free(keys);
	return 0;
}
