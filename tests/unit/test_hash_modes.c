/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash modes: the committed golden placements (no change may silently
 * reshard a fleet), the peers' published vectors, and the default scheme's
 * balance and disruption bounds on a fixed set of realistic keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dialect/sr_dialect.h"
#include "keygen.h"
#include "shard/sr_key.h"
#include "shard/sr_md5.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_payload.h"

static const char *golden_file;
static char ids[70][32];

static struct sr_shard_map *build(enum sr_hash_mode mode, uint32_t n, int skip)
{
	struct sr_shard_desc d[70];
	char err[256];
	uint32_t i, k = 0;

	for (i = 1; i <= n; i++)
		if ((int)i != skip)
			d[k++] = (struct sr_shard_desc){ .id = ids[i], .weight = 1 };
	struct sr_shard_map *m = sr_shard_map_build(mode, d, k, SR_MAGLEV_DEFAULT_SIZE, err,
						    sizeof(err));
	assert_non_null(m);
	return m;
}

static void test_golden(void **state)
{
	struct sr_parse_cfg pc = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8972 };
	static struct sr_line line;
	char row[1024], mode_name[32];
	FILE *f = fopen(golden_file, "r");
	unsigned n, shard, rows = 0, mode;
	int off;

	(void)state;
	assert_non_null(f);
	while (fgets(row, sizeof(row), f)) {
		if (row[0] == '#')
			continue;
		row[strcspn(row, "\n")] = '\0';
		assert_int_equal(sscanf(row, "%31s\t%u\t%u\t%n", mode_name, &n, &shard, &off), 3);
		for (mode = 0; mode < SR_HASH__COUNT; mode++)
			if (!strcmp(mode_name, sr_hash_names[mode]))
				break;
		assert_true(mode < SR_HASH__COUNT);
		struct sr_shard_map *m = build((enum sr_hash_mode)mode, n, -1);
		struct sr_payload_cfg pay = { .parse = pc, .key_mode = SR_KEY_NAME_TAGS, .map = m };
		const char *text = row + off;
		assert_int_equal(sr_line_parse(&pc, (const uint8_t *)text, (uint32_t)strlen(text),
					       &line),
				 SR_OK);
		uint32_t got = sr_payload_pick_shard(&pay, &line, (const uint8_t *)text,
						     (uint32_t)strlen(text));
		if (got != shard)
			printf("  %s N=%u: %s -> %u, golden %u\n", mode_name, n, text, got, shard);
		assert_int_equal(got, shard);
		sr_shard_map_free(m);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 5 * 12 * 12);
}

/* The peers' own published vectors. */
static void test_peer_vectors(void **state)
{
	(void)state;
	/* uber/statsrelay tests/test_hashlib.c and test_hashring.c */
	assert_int_equal(sr_murmur3_32((const uint8_t *)"apple", 5, 0xaccd3d34), 2699884538u);
	assert_int_equal(sr_murmur3_32((const uint8_t *)"apple", 5, 0xaccd3d34) % 4, 2);
	assert_int_equal(sr_murmur3_32((const uint8_t *)"banana", 6, 0xaccd3d34) % 4, 3);
	assert_int_equal(sr_murmur3_32((const uint8_t *)"orange", 6, 0xaccd3d34) % 4, 0);
	assert_int_equal(sr_murmur3_32((const uint8_t *)"lemon", 5, 0xaccd3d34) % 4, 1);
	/* jjneely/statsrelay jump_test.go */
	assert_true(sr_fnv1a64((const uint8_t *)"foobar", 6) == 0x85944171f73967e8ull);
	assert_true(sr_fnv1a64((const uint8_t *)"changed", 7) == 0xdf38879af614707bull);
	assert_int_equal(sr_jump(sr_fnv1a64((const uint8_t *)"foobar", 6), 45), 33);
	assert_int_equal(sr_jump(10863919174838991ull, 11), 6);
	assert_int_equal(sr_jump(2016238256797177309ull, 11), 3);
	/* RFC 1321 test suite, and npm hashring's reading of a digest */
	uint8_t d[16];
	sr_md5("abc", 3, d);
	assert_memory_equal(d, "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72",
			    16);
	sr_md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
	       80, d);
	assert_memory_equal(d, "\x57\xed\xf4\xa2\x2b\xe3\xc9\x55\xac\x49\xda\x2e\x21\x07\xb6\x7a",
			    16);
	assert_int_equal(sr_md5_le32("apple", 5), 3195025439u);
	assert_int_equal(sr_md5_le32("127.0.0.1:8127-0", 16), 1329004120u);
}

/* statsd proxy.js rings, values from the real hashring 3.2.0 */
static void test_proxy_ring(void **state)
{
	struct sr_shard_desc two[] = { { "127.0.0.1:8127", 1 }, { "127.0.0.1:8129", 1 } };
	struct sr_shard_desc seven[7];
	static char names[7][32];
	char err[128];
	int i;

	(void)state;
	struct sr_shard_map *m = sr_shard_map_build(SR_HASH_STATSD_PROXY, two, 2, 0, err,
						    sizeof(err));
	assert_non_null(m);
	assert_int_equal(m->size, 80);
	assert_int_equal(m->ring[0].value, 18286208u);
	assert_int_equal(m->ring[0].shard, 1);
	assert_int_equal(m->ring[1].value, 50919014u);
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"apple", 5), 0);
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"bar", 3), 1);
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"", 0), 0);
	sr_shard_map_free(m);
	for (i = 0; i < 7; i++) {
		snprintf(names[i], sizeof(names[i]), "127.0.0.1:%d", 8127 + 2 * i);
		seven[i] = (struct sr_shard_desc){ names[i], 1 };
	}
	m = sr_shard_map_build(SR_HASH_STATSD_PROXY, seven, 7, 0, err, sizeof(err));
	assert_int_equal(m->size, 7 * 39); /* floor(1/7 * 40 * 7) = 39 in doubles */
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"apple", 5), 4);	 /* 8135 */
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"foo.bar", 7), 1); /* 8129 */
	sr_shard_map_free(m);
}

/* Default scheme: balance <= 1.02 and disruption <= 1/N + 1% on fixed keys. */
#define KEYS 2000000
static void test_maglev_bounds(void **state)
{
	static const uint32_t ns[] = { 2, 3, 5, 8, 16, 32, 64 };
	struct sr_parse_cfg pc = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8972 };
	static struct sr_line line;
	uint64_t *h = malloc(KEYS * sizeof(*h));
	char buf[512];
	unsigned i, k;

	(void)state;
	assert_non_null(h);
	for (k = 0; k < KEYS; k++) {
		int len = kg_line(k, buf, sizeof(buf));
		assert_int_equal(sr_line_parse(&pc, (uint8_t *)buf, (uint32_t)len, &line), SR_OK);
		h[k] = sr_line_key_hash(&line, SR_KEY_NAME_TAGS);
	}
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		uint32_t n = ns[i], mid = 1 + (n + 1) / 2;
		struct sr_shard_map *m = build(SR_HASH_MAGLEV, n, -1);
		struct sr_shard_map *up = build(SR_HASH_MAGLEV, n + 1, -1);
		struct sr_shard_map *down = build(SR_HASH_MAGLEV, n + 1, (int)mid);
		uint64_t count[70] = { 0 }, max = 0, add = 0, rem = 0;
		for (k = 0; k < KEYS; k++) {
			uint32_t s = sr_shard_of_hash(m, h[k]);
			uint32_t su = sr_shard_of_hash(up, h[k]), sd = sr_shard_of_hash(down, h[k]);
			count[s]++;
			add += s != su;
			rem += su + 1 != sd + 1 + (sd + 1 >= mid); /* ids of the survivors */
		}
		for (k = 0; k < n; k++)
			max = count[k] > max ? count[k] : max;
		double bal = (double)max * n / KEYS;
		double bound = 1.0 / n + 0.01;
		printf("  N=%2u balance %.4f add %.4f remove %.4f (bound %.4f)\n", n, bal,
		       (double)add / KEYS, (double)rem / KEYS, bound);
		assert_true(bal <= 1.02);
		assert_true((double)add / KEYS <= bound);
		assert_true((double)rem / KEYS <= bound);
		sr_shard_map_free(m);
		sr_shard_map_free(up);
		sr_shard_map_free(down);
	}
	free(h);
}

static void test_build_errors(void **state)
{
	struct sr_shard_desc d[] = { { "a", 1 }, { "b", 2 } };
	char err[256];

	(void)state;
	assert_null(sr_shard_map_build(SR_HASH_MAGLEV, d, 2, 65536, err, sizeof(err)));
	assert_non_null(strstr(err, "prime"));
	assert_null(sr_shard_map_build(SR_HASH_MAGLEV, d, 2, 199, err, sizeof(err)));
	assert_null(sr_shard_map_build(SR_HASH_JUMP, d, 2, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "no weights"));
	assert_null(sr_shard_map_build(SR_HASH_MAGLEV, d, 0, 65537, err, sizeof(err)));
}

/* weight=2 gets twice the table */
static void test_maglev_weights(void **state)
{
	struct sr_shard_desc d[] = { { "198.18.1.1:8125", 1 },
				     { "198.18.1.2:8125", 2 },
				     { "198.18.1.3:8125", 1 } };
	char err[128];
	uint32_t count[3] = { 0 }, i;

	(void)state;
	struct sr_shard_map *m = sr_shard_map_build(SR_HASH_MAGLEV, d, 3, 65537, err, sizeof(err));
	assert_non_null(m);
	for (i = 0; i < m->size; i++)
		count[m->table[i]]++;
	assert_true(count[1] >= 2 * count[0] - 2 && count[1] <= 2 * count[0] + 2);
	assert_true(count[0] >= count[2] - 1 && count[0] <= count[2] + 1);
	sr_shard_map_free(m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),	     cmocka_unit_test(test_peer_vectors),
		cmocka_unit_test(test_proxy_ring),   cmocka_unit_test(test_maglev_bounds),
		cmocka_unit_test(test_build_errors), cmocka_unit_test(test_maglev_weights),
	};
	unsigned i;

	golden_file = argc > 1 ? argv[1] : "tests/unit/golden_shards.tsv";
	for (i = 0; i < 70; i++)
		snprintf(ids[i], sizeof(ids[i]), "198.18.1.%u:8125", i);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
