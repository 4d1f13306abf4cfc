/* SPDX-License-Identifier: BSD-3-Clause */
/* Small pieces the unit tests share: a seeded random stream, an RFC 1071 sum. */
#ifndef SR_TEST_UTIL_H
#define SR_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* xorshift64 with a fixed seed per test file, so every run sees the same
 * inputs: SR_TEST_RNG(seed) defines rnd(). */
#define SR_TEST_RNG(seed)                                                                          \
	static uint64_t rng_state = (seed);                                                        \
	static uint64_t rnd(void)                                                                  \
	{                                                                                          \
		rng_state ^= rng_state << 13;                                                      \
		rng_state ^= rng_state >> 7;                                                       \
		rng_state ^= rng_state << 17;                                                      \
		return rng_state;                                                                  \
	}

/* RFC 1071 over big-endian words, independent of the library's checksums. */
static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#endif
