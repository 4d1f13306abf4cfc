/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shard maps (sr_shard_map_build): the Maglev table (argument checks, full
 * and balanced tables, weights, determinism, the small disruption that is the
 * point of Maglev), jump hashing, and the compatibility modes' building blocks
 * (MurmurHash3, FNV-1a, MD5, Lamping & Veach jump) against published vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#include "shard/sr_hash.h"
#include "shard/sr_md5.h"
#include "shard/sr_shard_map.h"

#define MAX_IDS 80

static char id_buf[MAX_IDS][32];
static const char *ids[MAX_IDS];

static int make_ids(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < MAX_IDS; i++) {
		snprintf(id_buf[i], sizeof(id_buf[i]), "10.0.%d.%d:8125", i / 200, i % 200 + 1);
		ids[i] = id_buf[i];
	}
	return 0;
}

SR_TEST_RNG(0xbb67ae8584caa73bull)

static struct sr_shard_map *build_mode(enum sr_hash_mode mode, const char *const *names,
				       const uint32_t *weights, uint32_t n, uint32_t size)
{
	struct sr_shard_desc *sh = calloc(n ? n : 1, sizeof(*sh));
	struct sr_shard_map *m;
	char err[256] = "";
	uint32_t i;

	assert_non_null(sh);
	for (i = 0; i < n; i++)
		sh[i] = (struct sr_shard_desc){ .id = names[i],
						.weight = weights ? weights[i] : 1 };
	m = sr_shard_map_build(mode, sh, n, size, err, sizeof(err));
	free(sh);
	if (m)
		assert_int_equal(err[0], '\0');
	else
		assert_true(err[0] != '\0'); /* a failure always says why */
	return m;
}

/* Maglev, unit weights. */
static struct sr_shard_map *build(const char *const *names, uint32_t n, uint32_t size)
{
	return build_mode(SR_HASH_MAGLEV, names, NULL, n, size);
}

static void count_slots(const struct sr_shard_map *m, uint32_t *count)
{
	uint32_t i;

	memset(count, 0, m->n_shards * sizeof(*count));
	for (i = 0; i < m->size; i++) {
		if (m->table[i] >= m->n_shards)
			fail_msg("slot %u holds %u, not a shard of %u", i, m->table[i],
				 m->n_shards);
		count[m->table[i]]++;
	}
}

/* --- primes --- */

static void test_is_prime(void **state)
{
	static const uint32_t primes[] = { 2,	   3,	    5,		 7,	     11,
					   13,	   101,	    65521,	 65537,	     65539,
					   131071, 1000003, 2147483647u, 4294967291u };
	static const uint32_t composites[] = {
		0,     1,     4,     6,	      9,	   15,		25,	    49,
		65535, 65536, 65541, 1000001, 2147483649u, 4294967295u, 4294967293u
	};
	size_t i;
	uint32_t n, d;
	static uint8_t sieve[100001];

	(void)state;
	for (i = 0; i < sizeof(primes) / sizeof(primes[0]); i++)
		assert_int_equal(sr_is_prime(primes[i]), 1);
	for (i = 0; i < sizeof(composites) / sizeof(composites[0]); i++)
		assert_int_equal(sr_is_prime(composites[i]), 0);
	/* Against a sieve up to 100000. */
	memset(sieve, 1, sizeof(sieve));
	sieve[0] = sieve[1] = 0;
	for (d = 2; d * d <= 100000; d++)
		if (sieve[d])
			for (n = d * d; n <= 100000; n += d)
				sieve[n] = 0;
	for (n = 0; n <= 100000; n++)
		if (!!sr_is_prime(n) != sieve[n])
			fail_msg("sr_is_prime(%u) = %d", n, sr_is_prime(n));
}

/* --- arguments --- */

static void test_bad_arguments(void **state)
{
	static const uint32_t w_zero[] = { 1, 0, 1 }, w_two[] = { 1, 2, 1 };
	const char **many;
	uint32_t i;

	(void)state;
	assert_null(build(ids, 0, 65537)); /* no shard */
	assert_null(build(ids, 4, 65536)); /* not prime */
	assert_null(build(ids, 4, 65535));
	assert_null(build(ids, 4, 0));
	assert_null(build(ids, 4, 1));
	assert_null(build(ids, 8, 7));		 /* size < n */
	assert_null(build(ids, 4, 397));	 /* prime, but not > 100 x n */
	assert_null(build(ids, 64, 6397));	 /* prime, <= 6400 */
	assert_null(build(ids, 1, 16777259));	 /* prime above SR_MAGLEV_MAX_SIZE */
	assert_null(build(ids, 1, 4294967291u)); /* the largest 32-bit prime */
	/* A weight of 0, or weights where the mode takes none. */
	assert_null(build_mode(SR_HASH_MAGLEV, ids, w_zero, 3, 65537));
	assert_null(build_mode(SR_HASH_STATSD_PROXY, ids, w_zero, 3, 0));
	assert_null(build_mode(SR_HASH_JUMP, ids, w_two, 3, 0));
	assert_null(build_mode(SR_HASH_STATSRELAY, ids, w_two, 3, 0));
	assert_null(build_mode(SR_HASH_CARBON_JUMP, ids, w_two, 3, 0));
	assert_null(build_mode(SR_HASH_JUMP, ids, NULL, 0, 0));
	/* More shards than a uint16_t slot can name (65535 marks empty slots). */
	many = malloc(65536 * sizeof(*many));
	assert_non_null(many);
	for (i = 0; i < 65536; i++)
		many[i] = ids[i % MAX_IDS];
	assert_null(build(many, 65535, SR_MAGLEV_MAX_SIZE));
	assert_null(build_mode(SR_HASH_JUMP, many, NULL, 65536, 0));
	free(many);
}

static void test_table_size_limits(void **state)
{
	struct sr_shard_map *m;
	uint32_t count[4];

	(void)state;
	/* The smallest table for 4 shards: the first prime above 400. */
	m = build(ids, 4, 401);
	assert_non_null(m);
	assert_int_equal(m->size, 401);
	assert_int_equal(m->n_shards, 4);
	assert_int_equal(m->mode, SR_HASH_MAGLEV);
	count_slots(m, count);
	sr_shard_map_free(m);
	/* One shard owns everything. */
	m = build(ids, 1, 101);
	assert_non_null(m);
	count_slots(m, count);
	assert_int_equal(count[0], 101);
	sr_shard_map_free(m);
	/* The largest table. */
	m = build(ids, 3, SR_MAGLEV_MAX_SIZE);
	assert_non_null(m);
	assert_int_equal(m->size, SR_MAGLEV_MAX_SIZE);
	count_slots(m, count);
	assert_true(count[0] + count[1] + count[2] == SR_MAGLEV_MAX_SIZE);
	sr_shard_map_free(m);
	sr_shard_map_free(NULL); /* like free() */
}

static void test_every_slot_filled_and_balanced(void **state)
{
	uint32_t count[64];
	uint32_t n, i;

	(void)state;
	for (n = 1; n <= 64; n++) {
		struct sr_shard_map *m = build(ids, n, SR_MAGLEV_DEFAULT_SIZE);
		uint32_t lo = UINT32_MAX, hi = 0;
		double ideal = (double)SR_MAGLEV_DEFAULT_SIZE / n;

		assert_non_null(m);
		assert_int_equal(m->size, SR_MAGLEV_DEFAULT_SIZE);
		assert_int_equal(m->n_shards, n);
		count_slots(m, count); /* every slot names a shard */
		for (i = 0; i < n; i++) {
			if (count[i] < ideal * 0.99 || count[i] > ideal * 1.01)
				fail_msg("%u shards: shard %u has %u slots (ideal %.1f)", n, i,
					 count[i], ideal);
			lo = count[i] < lo ? count[i] : lo;
			hi = count[i] > hi ? count[i] : hi;
		}
		/* Shards claim one slot per turn: slices differ by one at most. */
		assert_true(hi - lo <= 1);
		sr_shard_map_free(m);
	}
}

static void test_small_tables_filled(void **state)
{
	static const uint32_t sizes[] = { 101, 211, 257, 401, 1009, 1201, 2003 };
	uint32_t count[16];
	size_t s;
	uint32_t n;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (n = 1; n <= 16 && 100 * n < sizes[s]; n++) {
			struct sr_shard_map *m = build(ids, n, sizes[s]);
			uint32_t i, lo = UINT32_MAX, hi = 0;
			assert_non_null(m);
			count_slots(m, count);
			for (i = 0; i < n; i++) {
				lo = count[i] < lo ? count[i] : lo;
				hi = count[i] > hi ? count[i] : hi;
			}
			assert_true(hi - lo <= 1);
			sr_shard_map_free(m);
		}
}

/* Integer weights: slices in proportion (credits, as Katran's MaglevHashV2). */
static void test_weights(void **state)
{
	static const uint32_t w[][4] = {
		{ 1, 2, 3, 4 }, { 1, 1, 1, 5 }, { 10, 1, 1, 1 }, { 3, 3, 3, 3 }
	};
	static const uint32_t three[] = { 3, 3, 3, 3 };
	struct sr_shard_map *a, *b;
	uint32_t count[4];
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(w) / sizeof(w[0]); t++) {
		struct sr_shard_map *m = build_mode(SR_HASH_MAGLEV, ids, w[t], 4, 65537);
		uint32_t total = w[t][0] + w[t][1] + w[t][2] + w[t][3], i;
		assert_non_null(m);
		count_slots(m, count);
		for (i = 0; i < 4; i++) {
			double want = 65537.0 * w[t][i] / total;
			if (count[i] < want * 0.99 || count[i] > want * 1.01)
				fail_msg("weights %zu: shard %u has %u slots, want %.0f", t, i,
					 count[i], want);
		}
		sr_shard_map_free(m);
	}
	/* Equal weights of any size build the unit-weight table. */
	a = build_mode(SR_HASH_MAGLEV, ids, three, 4, 65537);
	b = build(ids, 4, 65537);
	assert_non_null(a);
	assert_non_null(b);
	assert_memory_equal(a->table, b->table, 65537 * sizeof(a->table[0]));
	sr_shard_map_free(a);
	sr_shard_map_free(b);
}

static void test_deterministic(void **state)
{
	char copies[16][32];
	const char *copy_ids[16];
	struct sr_shard_map *a, *b, *c;
	uint32_t i;

	(void)state;
	for (i = 0; i < 16; i++) {
		strcpy(copies[i], ids[i]);
		copy_ids[i] = copies[i];
	}
	a = build(ids, 16, SR_MAGLEV_DEFAULT_SIZE);
	b = build(copy_ids, 16, SR_MAGLEV_DEFAULT_SIZE); /* same names, other memory */
	assert_non_null(a);
	assert_non_null(b);
	assert_memory_equal(a->table, b->table, SR_MAGLEV_DEFAULT_SIZE * sizeof(a->table[0]));
	/* Another name for shard 0: a different table. */
	strcpy(copies[0], "10.9.9.9:8125");
	c = build(copy_ids, 16, SR_MAGLEV_DEFAULT_SIZE);
	assert_non_null(c);
	assert_true(memcmp(a->table, c->table, SR_MAGLEV_DEFAULT_SIZE * sizeof(a->table[0])) != 0);
	sr_shard_map_free(a);
	sr_shard_map_free(b);
	sr_shard_map_free(c);
}

/* Which shard gets which key is part of the wire contract: pin some slots. */
static void test_golden_table(void **state)
{
	static const uint16_t first32[32] = { 2, 0, 3, 3, 1, 2, 1, 3, 3, 0, 2, 1, 0, 3, 2, 2,
					      1, 3, 1, 2, 0, 2, 3, 3, 1, 0, 2, 3, 2, 1, 1, 0 };
	static const char *const four[] = { "10.0.0.1:8125", "10.0.0.2:8125", "10.0.0.3:8125",
					    "10.0.0.4:8125" };
	struct sr_shard_map *m = build(four, 4, SR_MAGLEV_DEFAULT_SIZE);
	uint32_t i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 32; i++)
		assert_int_equal(m->table[i], first32[i]);
	sr_shard_map_free(m);
}

/* sr_shard_lookup maps h to slot floor(h * size / 2^64). */

/* sr_shard_of_hash maps h to slot floor(h * size / 2^64). */
static void test_lookup(void **state)
{
	struct sr_shard_map *m = build(ids, 7, 1009);
	uint32_t hits[7] = { 0 }, slots[7];
	uint32_t i;

	(void)state;
	assert_non_null(m);
	assert_int_equal(sr_shard_of_hash(m, 0), m->table[0]);
	assert_int_equal(sr_shard_of_hash(m, UINT64_MAX), m->table[1008]);
	assert_int_equal(sr_shard_of_hash(m, 1ull << 63), m->table[504]);
	for (i = 0; i < 1009; i++) {
		/* the first and the last hash of slot i */
		uint64_t first = (uint64_t)((((__uint128_t)i << 64) + 1008) / 1009);
		uint64_t last = (uint64_t)((((__uint128_t)(i + 1) << 64) + 1008) / 1009 - 1);
		assert_int_equal(sr_shard_of_hash(m, first), m->table[i]);
		assert_int_equal(sr_shard_of_hash(m, last), m->table[i]);
	}
	/* Random hashes land on shards in proportion to their slots. */
	count_slots(m, slots);
	for (i = 0; i < 1009 * 200; i++)
		hits[sr_shard_of_hash(m, rnd())]++;
	for (i = 0; i < 7; i++)
		assert_true(hits[i] > slots[i] * 180 && hits[i] < slots[i] * 220);
	/* The text entry point of the series-key modes hashes the text with seed 0. */
	assert_int_equal(sr_shard_of_text(m, (const uint8_t *)"gorets", 6),
			 sr_shard_of_hash(m, sr_hash64("gorets", 6, 0)));
	sr_shard_map_free(m);
}

/* --- jump --- */

/* Vectors generated from the paper's C++ code (dgryski/go-jump jump_test.go). */
static void test_jump_vectors(void **state)
{
	static const struct {
		uint64_t key;
		int32_t bucket[20];
		uint32_t n;
	} v[] = {
		{ 0, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 20 },
		{ 1, { 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17 }, 19 },
		{ 0xdeadbeef, { 0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16 }, 19 },
		{ 0x0ddc0ffeebadf00dull,
		  { 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15 },
		  19 },
	};
	size_t t;
	uint32_t i;

	(void)state;
	for (t = 0; t < sizeof(v) / sizeof(v[0]); t++)
		for (i = 0; i < v[t].n; i++)
			if (sr_jump(v[t].key, i + 1) != (uint32_t)v[t].bucket[i])
				fail_msg("jump(%llx, %u) = %u, want %d",
					 (unsigned long long)v[t].key, i + 1,
					 sr_jump(v[t].key, i + 1), v[t].bucket[i]);
}

/* From n to n+1 buckets a key stays or moves to the new bucket; shares are even. */
static void test_jump_properties(void **state)
{
	uint32_t hits[10] = { 0 }, i, n;
	struct sr_shard_map *m;

	(void)state;
	for (i = 0; i < 20000; i++) {
		uint64_t k = rnd();
		uint32_t prev = sr_jump(k, 1);
		assert_int_equal(prev, 0);
		for (n = 2; n <= 64; n++) {
			uint32_t b = sr_jump(k, n);
			assert_true(b < n);
			assert_true(b == prev || b == n - 1);
			prev = b;
		}
	}
	/* The jump mode map: no table, jump over the series-key hash. */
	m = build_mode(SR_HASH_JUMP, ids, NULL, 10, 0);
	assert_non_null(m);
	assert_int_equal(m->mode, SR_HASH_JUMP);
	assert_int_equal(m->n_shards, 10);
	for (i = 0; i < 100000; i++) {
		uint64_t k = rnd();
		uint32_t s = sr_shard_of_hash(m, k);
		assert_int_equal(s, sr_jump(k, 10));
		hits[s]++;
	}
	for (i = 0; i < 10; i++)
		assert_true(hits[i] > 9500 && hits[i] < 10500);
	sr_shard_map_free(m);
}

/* --- the compatibility modes' building blocks --- */

static void test_murmur3_vectors(void **state)
{
	static const struct {
		const char *s;
		uint32_t len, seed, want;
	} v[] = {
		{ "", 0, 0, 0 },
		{ "", 0, 1, 0x514e28b7 },
		{ "", 0, 0xffffffff, 0x81f16f39 },
		{ "\0\0\0\0", 4, 0, 0x2362f9de },
		{ "aaaa", 4, 0x9747b28c, 0x5a97808a },
		{ "a", 1, 0x9747b28c, 0x7fa09ea6 },
		{ "abc", 3, 0x9747b28c, 0xc84a62dd },
		{ "Hello, world!", 13, 0x9747b28c, 0x24884cba },
		{ "The quick brown fox jumps over the lazy dog", 43, 0x9747b28c, 0x2fa826cd },
		{ "The quick brown fox jumps over the lazy dog", 43, 0, 0x2e4ff723 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *p = malloc(v[i].len + 1);
		assert_non_null(p);
		memcpy(p, v[i].s, v[i].len);
		assert_int_equal(sr_murmur3_32(p, v[i].len, v[i].seed), v[i].want);
		free(p);
	}
}

static void test_fnv1a64_vectors(void **state)
{
	(void)state;
	assert_true(sr_fnv1a64((const uint8_t *)"", 0) == 0xcbf29ce484222325ull);
	assert_true(sr_fnv1a64((const uint8_t *)"a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(sr_fnv1a64((const uint8_t *)"foobar", 6) == 0x85944171f73967e8ull);
}

/* RFC 1321's test suite, and lengths around the padding boundaries. */
static void test_md5_vectors(void **state)
{
	static const struct {
		const char *s;
		const char *hex;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	static const struct {
		uint32_t n;
		const char *hex;
	} a[] = {
		/* n times 'a' */
		{ 55, "ef1772b6dff9a122358552954ad0df65" },
		{ 56, "3b0c8ac703f828b04c6c197006d17218" },
		{ 63, "b06521f39153d618550606be297466d5" },
		{ 64, "014842d480b571495a4a0363793f7367" },
		{ 65, "c743a45e0d2e6a95cb859adae0248435" },
	};
	uint8_t d[16];
	char hex[33];
	char buf[80];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sr_md5(v[i].s, strlen(v[i].s), d);
		for (k = 0; k < 16; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		assert_string_equal(hex, v[i].hex);
	}
	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		sr_md5(buf, a[i].n, d);
		for (k = 0; k < 16; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		assert_string_equal(hex, a[i].hex);
	}
	/* The ring's point value: the first 4 digest bytes, little-endian. */
	assert_int_equal(sr_md5_le32("", 0), 0xd98c1dd4);
	assert_int_equal(sr_md5_le32("10.0.0.1:8125-0", 15), 0x5c0c5784);
}

/* statsrelay: murmur3_32(key, seed 0xaccd3d34) % n; carbon-jump: jump(fnv1a64(key), n). */
static void test_text_modes(void **state)
{
	static const char *const keys[] = { "gorets", "a.b.c", "", "x", "some.longer.metric.name" };
	struct sr_shard_map *sr = build_mode(SR_HASH_STATSRELAY, ids, NULL, 5, 0);
	struct sr_shard_map *cj = build_mode(SR_HASH_CARBON_JUMP, ids, NULL, 5, 0);
	size_t i;

	(void)state;
	assert_non_null(sr);
	assert_non_null(cj);
	assert_false(sr_hash_uses_series_key(SR_HASH_STATSRELAY));
	assert_false(sr_hash_uses_series_key(SR_HASH_CARBON_JUMP));
	assert_false(sr_hash_uses_series_key(SR_HASH_STATSD_PROXY));
	assert_true(sr_hash_uses_series_key(SR_HASH_MAGLEV));
	assert_true(sr_hash_uses_series_key(SR_HASH_JUMP));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const uint8_t *k = (const uint8_t *)keys[i];
		uint32_t n = (uint32_t)strlen(keys[i]);
		assert_int_equal(sr_shard_of_text(sr, k, n), sr_murmur3_32(k, n, 0xaccd3d34) % 5);
		assert_int_equal(sr_shard_of_text(cj, k, n), sr_jump(sr_fnv1a64(k, n), 5));
	}
	assert_int_equal(sr_shard_of_text(sr, (const uint8_t *)"gorets", 6), 0x77f62503u % 5);
	sr_shard_map_free(sr);
	sr_shard_map_free(cj);
}

/* statsd-proxy: npm hashring's ring of md5 points, floor(w/total * 40 * n) per shard. */
static void test_proxy_ring(void **state)
{
	static const uint32_t w123[] = { 1, 2, 3 }, w115[] = { 1, 1, 5 };
	static const struct {
		uint32_t n;
		const uint32_t *w;
		uint32_t points[7];
	} cases[] = {
		{ 1, NULL, { 40 } },
		{ 4, NULL, { 40, 40, 40, 40 } },
		{ 7, NULL, { 39, 39, 39, 39, 39, 39, 39 } }, /* (1/7)*40*7 = 39.99..: 39 */
		{ 3, w123, { 20, 40, 60 } },
		{ 3, w115, { 17, 17, 85 } },
	};
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		uint32_t n = cases[t].n, total = 0, per[7] = { 0 }, i, k;
		struct sr_shard_map *m = build_mode(SR_HASH_STATSD_PROXY, ids, cases[t].w, n, 0);

		assert_non_null(m);
		assert_non_null(m->ring);
		for (i = 0; i < n; i++)
			total += cases[t].points[i];
		assert_int_equal(m->size, total);
		for (i = 0; i < m->size; i++) {
			assert_true(m->ring[i].shard < n);
			per[m->ring[i].shard]++;
			if (i)
				assert_true(m->ring[i - 1].value <= m->ring[i].value);
		}
		for (i = 0; i < n; i++) {
			assert_int_equal(per[i], cases[t].points[i]);
			/* point k of shard i is md5("<id>-<k>") */
			for (k = 0; k < cases[t].points[i]; k += 13) {
				char name[64];
				uint32_t v, j;
				int len = snprintf(name, sizeof(name), "%s-%u", ids[i], k);
				v = sr_md5_le32(name, (size_t)len);
				for (j = 0; j < m->size; j++)
					if (m->ring[j].value == v && m->ring[j].shard == i)
						break;
				assert_true(j < m->size);
			}
		}
		/* A key goes to the first point >= md5(key), wrapping to the first point. */
		for (i = 0; i < 2000; i++) {
			char key[32];
			int len = snprintf(key, sizeof(key), "metric.%u", i);
			uint32_t h = sr_md5_le32(key, (size_t)len), j, want;
			for (j = 0; j < m->size && m->ring[j].value < h; j++)
				;
			want = m->ring[j == m->size ? 0 : j].shard;
			assert_int_equal(sr_shard_of_text(m, (const uint8_t *)key, (uint32_t)len),
					 want);
		}
		sr_shard_map_free(m);
	}
}

/* --- disruption --- */

enum { N_KEYS = 100000 };

static uint64_t *make_keys(void)
{
	uint64_t *k = malloc(N_KEYS * sizeof(*k));
	uint32_t i;

	assert_non_null(k);
	for (i = 0; i < N_KEYS; i++)
		k[i] = rnd();
	return k;
}

/* Adding a shard at the end moves about 1/(N+1) of the keys, all to it. */
static void test_add_shard_moves_few_keys(void **state)
{
	static const uint32_t ns[] = { 1, 2, 3, 4, 5, 7, 8, 10, 16, 31, 32, 63 };
	uint64_t *keys = make_keys();
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(ns) / sizeof(ns[0]); t++) {
		uint32_t n = ns[t], moved = 0, moved_elsewhere = 0, i;
		struct sr_shard_map *a = build(ids, n, SR_MAGLEV_DEFAULT_SIZE);
		struct sr_shard_map *b = build(ids, n + 1, SR_MAGLEV_DEFAULT_SIZE);

		assert_non_null(a);
		assert_non_null(b);
		for (i = 0; i < N_KEYS; i++) {
			uint32_t x = sr_shard_of_hash(a, keys[i]), y = sr_shard_of_hash(b, keys[i]);
			if (x != y) {
				moved++;
				moved_elsewhere += y != n;
			}
		}
		if (moved > N_KEYS * (1.0 / n + 0.02) || moved > N_KEYS * (1.0 / (n + 1) + 0.02))
			fail_msg("%u -> %u shards: %u of %d keys moved", n, n + 1, moved, N_KEYS);
		/* Almost all of them go to the new shard. */
		if (moved_elsewhere > N_KEYS * 0.02)
			fail_msg("%u -> %u shards: %u keys moved between old shards", n, n + 1,
				 moved_elsewhere);
		/* ...and it gets its share. */
		assert_true(moved - moved_elsewhere > N_KEYS * (1.0 / (n + 1) - 0.02));
		sr_shard_map_free(a);
		sr_shard_map_free(b);
	}
	free(keys);
}

/* Removing a shard moves its keys, and only a few others (compared by name). */
static void test_remove_shard_moves_few_keys(void **state)
{
	static const uint32_t ns[] = { 2, 3, 4, 5, 8, 11, 17, 33, 64 };
	uint64_t *keys = make_keys();
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(ns) / sizeof(ns[0]); t++) {
		uint32_t n = ns[t], removed, i, k, extra = 0;
		const char *rest[MAX_IDS];

		for (removed = 0; removed < n; removed += n / 2 ? n / 2 : 1) {
			struct sr_shard_map *a = build(ids, n, SR_MAGLEV_DEFAULT_SIZE), *b;
			for (i = 0, k = 0; i < n; i++)
				if (i != removed)
					rest[k++] = ids[i];
			b = build(rest, n - 1, SR_MAGLEV_DEFAULT_SIZE);
			assert_non_null(a);
			assert_non_null(b);
			extra = 0;
			for (i = 0; i < N_KEYS; i++) {
				uint32_t x = sr_shard_of_hash(a, keys[i]),
					 y = sr_shard_of_hash(b, keys[i]);
				if (x == removed)
					continue; /* had to move */
				if (strcmp(ids[x], rest[y]) != 0)
					extra++;
			}
			if (extra > N_KEYS * 0.02)
				fail_msg("removing shard %u of %u moved %u other keys", removed, n,
					 extra);
			sr_shard_map_free(a);
			sr_shard_map_free(b);
		}
	}
	free(keys);
}

/*
 * Failing shards over, every mode: a down shard's keys all go to shards up,
 * spread over them; every other key stays exactly where it was; the map built
 * again with nothing down is the original; every shard down is said.
 */
static void test_fail_over(void **state)
{
	static const enum sr_hash_mode modes[] = { SR_HASH_MAGLEV, SR_HASH_JUMP,
						   SR_HASH_STATSD_PROXY, SR_HASH_STATSRELAY,
						   SR_HASH_CARBON_JUMP };
	const uint32_t n = 8;
	uint64_t *keys = make_keys();
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(modes) / sizeof(modes[0]); t++) {
		struct sr_shard_desc sh[8];
		bool down[8] = { false }, none[8] = { false }, all[8];
		uint32_t got[8] = { 0 }, i, moved = 0;
		char err[256];
		struct sr_shard_map *a, *b, *c;
		const bool text = !sr_hash_uses_series_key(modes[t]);

		for (i = 0; i < n; i++) {
			sh[i] = (struct sr_shard_desc){ .id = ids[i], .weight = 1 };
			all[i] = true;
		}
		down[2] = down[5] = true;
		a = sr_shard_map_build(modes[t], sh, n, SR_MAGLEV_DEFAULT_SIZE, err, sizeof(err));
		b = sr_shard_map_build(modes[t], sh, n, SR_MAGLEV_DEFAULT_SIZE, err, sizeof(err));
		c = sr_shard_map_build(modes[t], sh, n, SR_MAGLEV_DEFAULT_SIZE, err, sizeof(err));
		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		assert_int_equal(sr_shard_map_fail_over(b, sh, SR_MAGLEV_DEFAULT_SIZE, down, err,
							sizeof(err)),
				 0);
		assert_int_equal(sr_shard_map_fail_over(c, sh, SR_MAGLEV_DEFAULT_SIZE, none, err,
							sizeof(err)),
				 0);
		assert_false(b->all_down);
		for (i = 0; i < N_KEYS / 4; i++) {
			char key[24];
			int len = snprintf(key, sizeof(key), "k%016llx",
					   (unsigned long long)keys[i]);
			uint32_t x = text ? sr_shard_of_text(a, (const uint8_t *)key, (uint32_t)len)
					  : sr_shard_of_hash(a, keys[i]);
			uint32_t y = text ? sr_shard_of_text(b, (const uint8_t *)key, (uint32_t)len)
					  : sr_shard_of_hash(b, keys[i]);
			uint32_t z = text ? sr_shard_of_text(c, (const uint8_t *)key, (uint32_t)len)
					  : sr_shard_of_hash(c, keys[i]);
			if (z != x)
				fail_msg("%s: nothing down, key %u moved", sr_hash_names[modes[t]],
					 i);
			if (down[y])
				fail_msg("%s: key %u still to down shard %u",
					 sr_hash_names[modes[t]], i, y);
			if (!down[x] && y != x)
				fail_msg("%s: key %u of shard %u (up) moved to %u",
					 sr_hash_names[modes[t]], i, x, y);
			if (down[x]) {
				moved++;
				got[y]++;
			}
		}
		assert_true(moved > N_KEYS / 4 / 8); /* about a quarter of the keys */
		for (i = 0; i < n; i++)		     /* the moved keys spread over the shards up */
			if (!down[i] && got[i] < moved / 6 / 3)
				fail_msg("%s: shard %u took %u of %u moved keys",
					 sr_hash_names[modes[t]], i, got[i], moved);
		assert_int_not_equal(sr_shard_map_fingerprint(a, 1),
				     sr_shard_map_fingerprint(b, 1));
		assert_int_equal(sr_shard_map_fingerprint(a, 1), sr_shard_map_fingerprint(c, 1));
		assert_int_equal(sr_shard_map_fail_over(c, sh, SR_MAGLEV_DEFAULT_SIZE, all, err,
							sizeof(err)),
				 0);
		assert_true(c->all_down);
		sr_shard_map_free(a);
		sr_shard_map_free(b);
		sr_shard_map_free(c);
	}
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_prime),
		cmocka_unit_test(test_fail_over),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_table_size_limits),
		cmocka_unit_test(test_every_slot_filled_and_balanced),
		cmocka_unit_test(test_small_tables_filled),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_golden_table),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_jump_vectors),
		cmocka_unit_test(test_jump_properties),
		cmocka_unit_test(test_murmur3_vectors),
		cmocka_unit_test(test_fnv1a64_vectors),
		cmocka_unit_test(test_md5_vectors),
		cmocka_unit_test(test_text_modes),
		cmocka_unit_test(test_proxy_ring),
		cmocka_unit_test(test_add_shard_moves_few_keys),
		cmocka_unit_test(test_remove_shard_moves_few_keys),
	};

	return cmocka_run_group_tests_name("sr_shard_map", tests, make_ids, NULL);
}
