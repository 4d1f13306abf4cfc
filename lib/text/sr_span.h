/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spans of a line's bytes and the searches the parsers run over them. A
 * span points into the received datagram: nothing is copied.
 */
#ifndef SR_SPAN_H
#define SR_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sr_span {
	const uint8_t *p;
	uint32_t len;
};

static inline struct sr_span sr_span_of(const uint8_t *p, uint32_t len)
{
	return (struct sr_span){ .p = p, .len = len };
}

static inline __attribute__((always_inline)) bool sr_has_prefix(const uint8_t *p, uint32_t n,
								const char *prefix)
{
	size_t k = __builtin_strlen(prefix); /* a constant: the compare unrolls */
	return n >= k && p[0] == (uint8_t)prefix[0] && memcmp(p, prefix, k) == 0;
}

/*
 * memchr for the short stretches of a StatsD line: 8 bytes a step, inline.
 * (v - 0x01..) & ~v & 0x80.. marks zero bytes; its lowest mark is the first.
 */
static inline const uint8_t *sr_find(const uint8_t *p, uint8_t c, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	const uint64_t pat = ones * c;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		w ^= pat;
		w = (w - ones) & ~w & highs;
		if (w)
			return p + i + (__builtin_ctzll(w) >> 3);
	}
	for (; i < n; i++)
		if (p[i] == c)
			return p + i;
	return NULL;
}

/* The first a or b in p[0..n), 8 bytes a step. (A false mark only ever sits
 * above a true one, so the lowest mark of either search is the first hit.) */
static inline const uint8_t *sr_find2(const uint8_t *p, uint8_t a, uint8_t b, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, x, y;
		memcpy(&w, p + i, 8);
		x = w ^ (ones * a);
		y = w ^ (ones * b);
		x = ((x - ones) & ~x & highs) | ((y - ones) & ~y & highs);
		if (x)
			return p + i + (__builtin_ctzll(x) >> 3);
	}
	for (; i < n; i++)
		if (p[i] == a || p[i] == b)
			return p + i;
	return NULL;
}

/* Length of the '|'-field at p (up to the next '|' or n). */
static inline uint32_t sr_field_len(const uint8_t *p, uint32_t n)
{
	const uint8_t *bar = sr_find(p, '|', n);
	return bar ? (uint32_t)(bar - p) : n;
}

#endif
