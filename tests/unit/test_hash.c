/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_hash64: the relay's 64-bit hash. Its output picks shards, so it is part
 * of the wire contract: the golden values below must never change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#include "shard/sr_hash.h"

SR_TEST_RNG(0x6a09e667f3bcc909ull)

/* Hash of a copy in an exactly-sized heap block: reads past the end are caught. */
static uint64_t hash_heap(const void *data, size_t len, uint64_t seed)
{
	uint8_t *p = malloc(len ? len : 1);
	uint64_t h;

	assert_non_null(p);
	memcpy(p, data, len);
	h = sr_hash64(p, len, seed);
	free(p);
	return h;
}

static void test_golden_values(void **state)
{
	/* Computed at the first release (commit 6a7de19) and unchanged since. */
	static const struct {
		const char *s;
		uint64_t seed0, seed_statsd;
	} golden[] = {
		{ "", 0xe57383dc6ffcc434ull, 0xbb5b7e62671949adull },
		{ "a", 0xa964d449eda39e56ull, 0xfa9645bf93e73d55ull },
		{ "ab", 0x8e037b5891306250ull, 0x1ce38eb825102ff8ull },
		{ "abc", 0x6ec8c018631a6f21ull, 0x0cef21c33db6b699ull },
		{ "abcd", 0xb355e98b439ec881ull, 0xd018060cae65300aull },
		{ "hello", 0xc66e90fb43b70f3bull, 0xd7af0a3c3256f324ull },
		{ "statsd!", 0xfb60cb685aef2608ull, 0x9b961f384cc1efd4ull },
		{ "abcdefgh", 0x09fca30a1ed17b51ull, 0x615b3844a2fd02c2ull },
		{ "abcdefghi", 0x30ba32452aa519ccull, 0x250e28edd53bc643ull },
		{ "0123456789abcdef", 0xa521a6e5ef9dfbdcull, 0x6eaef0bb9e4fdc79ull },
		{ "0123456789abcdefg", 0x6a3c1a97f67f41c4ull, 0xcc5d9aac251a4d30ull },
		{ "the quick brown fox jumps over the lazy dog", 0x641379650cc29e5cull,
		  0xf3fcf29c7e69e0c1ull },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		size_t n = strlen(golden[i].s);
		assert_true(hash_heap(golden[i].s, n, 0) == golden[i].seed0);
		assert_true(hash_heap(golden[i].s, n, 0x73746174736421ull) ==
			    golden[i].seed_statsd);
	}
}

static void test_deterministic(void **state)
{
	uint8_t buf[200];
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)rnd();
	for (len = 0; len <= sizeof(buf); len += 7)
		assert_true(sr_hash64(buf, len, 42) == sr_hash64(buf, len, 42));
}

/* Prefixes of lengths 0..64 of one buffer: 65 different hashes. */
static void test_every_length_differs(void **state)
{
	uint8_t buf[64];
	uint64_t h[65];
	int i, j, pattern;

	(void)state;
	for (pattern = 0; pattern < 3; pattern++) {
		for (i = 0; i < 64; i++)
			buf[i] = pattern == 0 ? 0 : pattern == 1 ? 'a' : (uint8_t)rnd();
		for (i = 0; i <= 64; i++)
			h[i] = hash_heap(buf, (size_t)i, 0);
		for (i = 0; i <= 64; i++)
			for (j = 0; j < i; j++)
				if (h[i] == h[j])
					fail_msg("pattern %d: lengths %d and %d collide", pattern,
						 i, j);
	}
}

static void test_seed_matters(void **state)
{
	uint8_t buf[64];
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)rnd();
	for (len = 0; len <= sizeof(buf); len++) {
		assert_true(sr_hash64(buf, len, 0) != sr_hash64(buf, len, 1));
		assert_true(sr_hash64(buf, len, 1) != sr_hash64(buf, len, 1ull << 63));
		assert_true(sr_hash64(buf, len, 0x73746174736421ull) !=
			    sr_hash64(buf, len, 0x7461676b6579ull));
	}
}

/* The same bytes at every alignment hash the same. */
static void test_unaligned_input(void **state)
{
	uint8_t src[100], *block;
	size_t len, off;

	(void)state;
	for (len = 0; len < sizeof(src); len++)
		src[len] = (uint8_t)rnd();
	block = malloc(sizeof(src) + 16);
	assert_non_null(block);
	for (len = 0; len <= sizeof(src); len += 3) {
		uint64_t want = hash_heap(src, len, 7);
		for (off = 0; off < 16; off++) {
			memcpy(block + off, src, len);
			assert_true(sr_hash64(block + off, len, 7) == want);
		}
	}
	free(block);
}

/* Every single-bit flip of a 1..40-byte input changes the hash, by ~32 bits. */
static void test_bit_flips(void **state)
{
	uint8_t buf[40];
	size_t len, bit;
	uint64_t total = 0, flips = 0;

	(void)state;
	for (len = 1; len <= sizeof(buf); len++) {
		size_t i;
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd();
		uint64_t h0 = sr_hash64(buf, len, 0);
		for (bit = 0; bit < len * 8; bit++) {
			uint64_t h;
			buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			h = sr_hash64(buf, len, 0);
			buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (h == h0)
				fail_msg("flipping bit %zu of %zu bytes does not change the hash",
					 bit, len);
			total += (uint64_t)__builtin_popcountll(h ^ h0);
			flips++;
		}
	}
	/* Avalanche: on average about half of the output bits change. */
	assert_true(total > flips * 30 && total < flips * 34);
}

/* Short distinct inputs: no collision among all 1..2-byte strings and 100k 8-byte ones. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void test_no_collisions(void **state)
{
	enum { N = 256 + 65536 + 100000 };
	uint64_t *h = malloc(N * sizeof(*h));
	uint32_t i, n = 0;

	(void)state;
	assert_non_null(h);
	for (i = 0; i < 256; i++) {
		uint8_t b = (uint8_t)i;
		h[n++] = sr_hash64(&b, 1, 0);
	}
	for (i = 0; i < 65536; i++) {
		uint8_t b[2] = { (uint8_t)i, (uint8_t)(i >> 8) };
		h[n++] = sr_hash64(b, 2, 0);
	}
	for (i = 0; i < 100000; i++) {
		uint64_t v = (uint64_t)i * 0x9e3779b97f4a7c15ull; /* distinct: odd multiplier */
		h[n++] = sr_hash64(&v, 8, 0);
	}
	qsort(h, n, sizeof(*h), cmp_u64);
	for (i = 1; i < n; i++)
		if (h[i] == h[i - 1]) {
			free(h);
			fail_msg("collision among %u short inputs", n);
		}
	free(h);
}

/* sr_hash64_subst(from -> to) equals sr_hash64_part of a substituted copy. */
static void check_subst(const uint8_t *src, size_t len, uint8_t from, uint8_t to, uint64_t seed)
{
	uint8_t *copy = malloc(len ? len : 1), *orig = malloc(len ? len : 1);
	uint64_t want, got;
	size_t i;

	assert_non_null(copy);
	assert_non_null(orig);
	memcpy(orig, src, len);
	for (i = 0; i < len; i++)
		copy[i] = src[i] == from ? to : src[i];
	want = sr_hash64_part(copy, len, seed);
	got = sr_hash64_subst(orig, len, seed, from, to);
	free(copy);
	free(orig);
	if (want != got)
		fail_msg("length %zu, %02x -> %02x: %016llx != %016llx", len, from, to,
			 (unsigned long long)got, (unsigned long long)want);
}

static void test_subst_matches_copy(void **state)
{
	uint8_t buf[80];
	size_t len, i;
	uint32_t iter;

	(void)state;
	/* The relay's case, '.' -> '_', with dots anywhere at every length 0..80. */
	for (iter = 0; iter < 20; iter++)
		for (len = 0; len <= sizeof(buf); len++) {
			for (i = 0; i < len; i++) {
				uint64_t r = rnd();
				buf[i] = r % 3 == 0 ? '.' : r % 3 == 1 ? '_' : (uint8_t)(r >> 8);
			}
			check_subst(buf, len, '.', '_', 0x73746174736421ull);
		}
	/* All dots, no dots. */
	memset(buf, '.', sizeof(buf));
	for (len = 0; len <= sizeof(buf); len++)
		check_subst(buf, len, '.', '_', 1);
	memset(buf, 'x', sizeof(buf));
	for (len = 0; len <= sizeof(buf); len++)
		check_subst(buf, len, '.', '_', 1);
	/* Bytes that differ from '.' in one bit only must not be replaced. */
	for (i = 0; i < 8; i++) {
		memset(buf, '.' ^ (1 << i), sizeof(buf));
		for (len = 0; len <= 40; len++)
			check_subst(buf, len, '.', '_', 3);
	}
	/* Other non-zero byte pairs, high bytes included. */
	for (iter = 0; iter < 2000; iter++) {
		uint8_t from = (uint8_t)(1 + rnd() % 255), to = (uint8_t)(1 + rnd() % 255);
		len = (size_t)(rnd() % 48);
		for (i = 0; i < len; i++)
			buf[i] = rnd() & 1 ? from : (uint8_t)rnd();
		check_subst(buf, len, from, to, rnd());
	}
	/* from == to: the plain hash. */
	for (len = 0; len <= 40; len++)
		assert_true(sr_hash64_subst(buf, len, 5, '.', '.') == sr_hash64_part(buf, len, 5));
}

/*
 * Regression (was latent: the relay only substitutes '.' -> '_'): with from = 0x00,
 * sr_hash64_subst is not "the hash of the bytes as if each `from` were `to`"
 * for lengths 0 and 4..7: the tail words are zero-extended (a = x of 4 bytes,
 * or a = b = 0 for an empty input) and SR_LOAD then substitutes the padding
 * zeros too. E.g. the empty input with from 0, to 'x' hashes like 16 bytes of
 * "xxxxxxxx" words instead of like the empty input.
 */
static void test_regression_subst_from_zero(void **state)
{
	static const uint8_t four[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	check_subst(four, 0, 0x00, 'x', 0); /* empty input */
	check_subst(four, 4, 0x00, 'x', 0); /* no zero byte in the data at all */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_values),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_every_length_differs),
		cmocka_unit_test(test_seed_matters),
		cmocka_unit_test(test_unaligned_input),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_no_collisions),
		cmocka_unit_test(test_subst_matches_copy),
	};
	const struct CMUnitTest regressions[] = {
		cmocka_unit_test(test_regression_subst_from_zero),
	};

	return cmocka_run_group_tests_name("sr_hash", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("sr_hash regressions", regressions, NULL, NULL);
}
