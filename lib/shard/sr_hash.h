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

#define SR_BYTES_X8(b) (0x0101010101010101ull * (uint8_t)(b))

/* Replace every byte `from` of w by `to` (SWAR, no branches). */
static inline uint64_t sr_subst_bytes(uint64_t w, uint8_t from, uint8_t to)
{
	const uint64_t low7 = SR_BYTES_X8(0x7f);
	uint64_t t = w ^ SR_BYTES_X8(from);
	uint64_t zero = ~(((t & low7) + low7) | t | low7); /* 0x80 where t's byte is 0 */

	return w ^ ((zero >> 7) * (uint8_t)(from ^ to));
}

/* The hash of the bytes as if each `from` were `to` (from == to: as they are). */
static inline __attribute__((always_inline)) uint64_t
sr_hash64_subst(const void *data, size_t len, uint64_t seed, uint8_t from, uint8_t to)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ sr_mulfold(seed ^ SR_HASH_P0, (uint64_t)len ^ SR_HASH_P1);
	uint64_t a, b;

#define SR_LOAD(x) (from == to ? (x) : sr_subst_bytes((x), from, to))
	while (len > 16) {
		h = sr_mulfold(SR_LOAD(sr_load64(p)) ^ SR_HASH_P2, SR_LOAD(sr_load64(p + 8)) ^ h);
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
		/* substitute the 4 bytes only, not the zero padding above them */
		a = SR_LOAD((uint64_t)x) & 0xffffffffu;
		b = SR_LOAD((uint64_t)y) & 0xffffffffu;
		from = to;
	} else if (len > 0) {
		uint8_t c0 = p[0] == from ? to : p[0];
		uint8_t c1 = p[len >> 1] == from ? to : p[len >> 1];
		uint8_t c2 = p[len - 1] == from ? to : p[len - 1];
		a = ((uint64_t)c0 << 16) | ((uint64_t)c1 << 8) | c2;
		b = 0;
		from = to; /* already substituted */
	} else {
		a = b = 0;
		from = to;
	}
	h = sr_mulfold(SR_LOAD(a) ^ SR_HASH_P2 ^ len, SR_LOAD(b) ^ h ^ SR_HASH_P3);
#undef SR_LOAD
	return h ^ seed;
}

/*
 * Without the final avalanche: for the parts of a series key, which are mixed
 * again when combined (sr_key.c); saves ~15 cycles a part on the hot path.
 */
static inline uint64_t sr_hash64_part(const void *data, size_t len, uint64_t seed)
{
	return sr_hash64_subst(data, len, seed, 0, 0);
}

static inline uint64_t sr_hash64(const void *data, size_t len, uint64_t seed)
{
	return sr_fmix64(sr_hash64_part(data, len, seed));
}

#endif
