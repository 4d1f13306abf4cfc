/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's 64-bit hash for series keys: multiply-fold mixing over 16-byte
 * blocks (the 64x64->128 multiply is one instruction on x86-64 and arm64),
 * strong enough that keys spread evenly and rarely collide, and fast on the
 * short strings StatsD names and tags are. Its output is part of the wire
 * contract (it picks shards): never change it without a new hash mode.
 */
#ifndef SR_HASH_H
#define SR_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SR_HASH_P0 0x9e3779b97f4a7c15ull
#define SR_HASH_P1 0xbf58476d1ce4e5b9ull
#define SR_HASH_P2 0x94d049bb133111ebull
#define SR_HASH_P3 0xd6e8feb86659fd93ull

static inline uint64_t sr_mulfold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t sr_load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v; /* little-endian hosts only: x86-64 and arm64 */
}

/* Final avalanche (splitmix64 finaliser). */
static inline uint64_t sr_fmix64(uint64_t x)
{
	x ^= x >> 30;
	x *= SR_HASH_P1;
	x ^= x >> 27;
	x *= SR_HASH_P2;
	x ^= x >> 31;
	return x;
}

static inline uint64_t sr_hash64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ sr_mulfold(seed ^ SR_HASH_P0, (uint64_t)len ^ SR_HASH_P1);
	uint64_t a, b;

	while (len > 16) {
		h = sr_mulfold(sr_load64(p) ^ SR_HASH_P2, sr_load64(p + 8) ^ h);
		p += 16;
		len -= 16;
	}
	/* Tail of 0..16 bytes, read as two possibly overlapping words. */
	if (len >= 8) {
		a = sr_load64(p);
		b = sr_load64(p + len - 8);
	} else if (len >= 4) {
		uint32_t x, y;
		memcpy(&x, p, 4);
		memcpy(&y, p + len - 4, 4);
		a = x;
		b = y;
	} else if (len > 0) {
		a = ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) | p[len - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	h = sr_mulfold(a ^ SR_HASH_P2 ^ len, b ^ h ^ SR_HASH_P3);
	return sr_fmix64(h ^ seed);
}

#endif
