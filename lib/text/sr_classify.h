/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One vector pass over up to 128 bytes of a line: bit i of each mask says
 * what byte i is. The parsers then find separators with a bit scan instead of
 * a byte loop, and a line whose "odd" mask is empty needs no text check.
 *
 * The block classifier is chosen at compile time (AVX-512BW, AVX2, SSE2,
 * plain C): this header is compiled once per instruction set by the
 * sr_scan_*.c files, and sr_payload.c picks the best the CPU has at start.
 */
#ifndef SR_CLASSIFY_H
#define SR_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/sr_overread.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

typedef unsigned __int128 sr_mask;

/* Lines longer than this take the byte-wise path. */
#define SR_CLS_MAX 128

enum sr_cls_kind {
	SR_CLS_NL,
	SR_CLS_COLON,
	SR_CLS_BAR,
	SR_CLS_COMMA,
	SR_CLS_EQ,
	SR_CLS_DIGIT, /* '0'..'9': a value checked without a byte loop */
	/* below '!' (controls, space), DEL, or not ASCII: needs the careful path */
	SR_CLS_ODD,
	SR_CLS__COUNT
};

struct sr_cls {
	sr_mask m[SR_CLS__COUNT];
};

/* Bits [0, n) set, n <= 128: a table, as 128-bit shifts take a dozen instructions. */
extern const sr_mask sr_mask_below_table[SR_CLS_MAX + 1];

static inline sr_mask sr_mask_below(uint32_t n)
{
	return sr_mask_below_table[n];
}

/* Bits [a, b) set; a <= b <= 128. */
static inline sr_mask sr_mask_range(uint32_t a, uint32_t b)
{
	return sr_mask_below_table[b] ^ sr_mask_below_table[a];
}

/* Index of the lowest set bit of m != 0. */
static inline uint32_t sr_mask_first(sr_mask m)
{
	uint64_t lo = (uint64_t)m;

	return lo ? (uint32_t)__builtin_ctzll(lo)
		  : 64 + (uint32_t)__builtin_ctzll((uint64_t)(m >> 64));
}

/* At most one bit set. */
static inline bool sr_mask_single(sr_mask m)
{
	return (m & (m - 1)) == 0;
}

/*
 * The same over one 64-bit word, for a line that ends within its first block
 * (most do): half the instructions of each 128-bit step. Bits [0, n), n <= 64:
 * the low half of the 128-bit table's entry.
 */
struct sr_cls64 {
	uint64_t m[SR_CLS__COUNT];
};

static inline uint64_t sr_mask64_below(uint32_t n)
{
	return (uint64_t)sr_mask_below_table[n];
}

static inline uint64_t sr_mask64_range(uint32_t a, uint32_t b)
{
	return sr_mask64_below(b) ^ sr_mask64_below(a);
}

static inline uint32_t sr_mask64_first(uint64_t m)
{
	return (uint32_t)__builtin_ctzll(m);
}

static inline bool sr_mask64_single(uint64_t m)
{
	return (m & (m - 1)) == 0;
}

#if defined(__AVX512BW__)
static inline void sr_cls_vec512(const __m512i v, uint64_t out[SR_CLS__COUNT])
{
#define EQ(c) _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c))
	out[SR_CLS_NL] = EQ('\n');
	out[SR_CLS_COLON] = EQ(':');
	out[SR_CLS_BAR] = EQ('|');
	out[SR_CLS_COMMA] = EQ(',');
	out[SR_CLS_EQ] = EQ('=');
	out[SR_CLS_DIGIT] = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
						   _mm512_set1_epi8(10));
	/* signed compare: bytes >= 0x80 are negative, so below '!' too */
	out[SR_CLS_ODD] = _mm512_cmplt_epi8_mask(v, _mm512_set1_epi8('!')) | EQ(0x7f);
#undef EQ
}
#endif

/* Classify 64 bytes at p into out[kind]. */
static inline __attribute__((always_inline)) void sr_cls_block(const uint8_t *p,
							       uint64_t out[SR_CLS__COUNT])
{
#if defined(__AVX512BW__)
	sr_cls_vec512(_mm512_loadu_si512((const void *)p), out);
#elif defined(__AVX2__)
	const __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
#define BITS(x0, x1)                                                                               \
	((uint64_t)(uint32_t)_mm256_movemask_epi8(x0) |                                            \
	 ((uint64_t)(uint32_t)_mm256_movemask_epi8(x1) << 32))
#define EQ(c)                                                                                      \
	BITS(_mm256_cmpeq_epi8(v0, _mm256_set1_epi8(c)), _mm256_cmpeq_epi8(v1, _mm256_set1_epi8(c)))
	const __m256i bang = _mm256_set1_epi8('!'), del = _mm256_set1_epi8(0x7f);
	out[SR_CLS_NL] = EQ('\n');
	out[SR_CLS_COLON] = EQ(':');
	out[SR_CLS_BAR] = EQ('|');
	out[SR_CLS_COMMA] = EQ(',');
	out[SR_CLS_EQ] = EQ('=');
	/* x - '0' <= 9 unsigned: min(x - '0', 9) == x - '0' */
	const __m256i d0 = _mm256_sub_epi8(v0, _mm256_set1_epi8('0'));
	const __m256i d1 = _mm256_sub_epi8(v1, _mm256_set1_epi8('0'));
	const __m256i nine = _mm256_set1_epi8(9);
	out[SR_CLS_DIGIT] = BITS(_mm256_cmpeq_epi8(_mm256_min_epu8(d0, nine), d0),
				 _mm256_cmpeq_epi8(_mm256_min_epu8(d1, nine), d1));
	out[SR_CLS_ODD] =
		BITS(_mm256_or_si256(_mm256_cmpgt_epi8(bang, v0), _mm256_cmpeq_epi8(v0, del)),
		     _mm256_or_si256(_mm256_cmpgt_epi8(bang, v1), _mm256_cmpeq_epi8(v1, del)));
#undef EQ
#undef BITS
#elif defined(__SSE2__)
	const __m128i bang = _mm_set1_epi8('!'), del = _mm_set1_epi8(0x7f);
	int k, i;

	for (k = 0; k < SR_CLS__COUNT; k++)
		out[k] = 0;
	for (i = 0; i < 4; i++) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
#define EQ(c) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)))
		const int s = 16 * i;
		out[SR_CLS_NL] |= (uint64_t)(uint32_t)EQ('\n') << s;
		out[SR_CLS_COLON] |= (uint64_t)(uint32_t)EQ(':') << s;
		out[SR_CLS_BAR] |= (uint64_t)(uint32_t)EQ('|') << s;
		out[SR_CLS_COMMA] |= (uint64_t)(uint32_t)EQ(',') << s;
		out[SR_CLS_EQ] |= (uint64_t)(uint32_t)EQ('=') << s;
		const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		out[SR_CLS_DIGIT] |= (uint64_t)(uint32_t)_mm_movemask_epi8(
					     _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d))
				     << s;
		out[SR_CLS_ODD] |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_or_si128(
					   _mm_cmpgt_epi8(bang, v), _mm_cmpeq_epi8(v, del)))
				   << s;
#undef EQ
	}
#else
	int k, i;

	for (k = 0; k < SR_CLS__COUNT; k++)
		out[k] = 0;
	for (i = 0; i < 64; i++) {
		const uint8_t c = p[i];
		const uint64_t bit = 1ull << i;
		out[SR_CLS_NL] |= c == '\n' ? bit : 0;
		out[SR_CLS_COLON] |= c == ':' ? bit : 0;
		out[SR_CLS_BAR] |= c == '|' ? bit : 0;
		out[SR_CLS_COMMA] |= c == ',' ? bit : 0;
		out[SR_CLS_EQ] |= c == '=' ? bit : 0;
		out[SR_CLS_DIGIT] |= (uint8_t)(c - '0') < 10 ? bit : 0;
		out[SR_CLS_ODD] |= (c < '!' || c >= 0x7f) ? bit : 0;
	}
#endif
}

/* Classify p[0..avail): bits past avail are never a newline. */
static inline __attribute__((always_inline)) void sr_cls_block_at(const uint8_t *p, uint32_t avail,
								  uint64_t out[SR_CLS__COUNT])
{
	if (avail >= 64) {
		sr_cls_block(p, out);
		return;
	}
#if defined(__AVX512BW__) && !defined(SR_EXACT_READS)
	/* a masked load: bytes past avail read as NUL, nothing past it touched */
	sr_cls_vec512(_mm512_maskz_loadu_epi8(((__mmask64)1 << avail) - 1, p), out);
#else
	if (sr_overread_ok(p, 64)) {
		sr_cls_block(p, out);
		out[SR_CLS_NL] &= (1ull << avail) - 1;
		return;
	}
	uint8_t tail[64];
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p, avail);
	sr_cls_block(tail, out);
#endif
}

/* Does the line whose first block is lo end within it? */
static inline bool sr_cls_in_block(const struct sr_cls64 *lo, uint32_t avail)
{
	return lo->m[SR_CLS_NL] != 0 || avail <= 64;
}

/*
 * The line starting at p (avail bytes left in the payload), its first block
 * classified in *first, classified up to its newline. Returns false when the
 * line is longer than SR_CLS_MAX bytes (*c then holds its first 128).
 */
static inline __attribute__((always_inline)) bool
sr_cls_widen(const uint8_t *p, uint32_t avail, const struct sr_cls64 *first, struct sr_cls *c)
{
	const uint64_t *lo = first->m;
	uint64_t hi[SR_CLS__COUNT] = { 0 };
	bool within = true;
	int k;

	if (lo[SR_CLS_NL] == 0 && avail > 64) {
		sr_cls_block_at(p + 64, avail - 64, hi);
		within = hi[SR_CLS_NL] != 0 || avail <= SR_CLS_MAX;
	}
	for (k = 0; k < SR_CLS__COUNT; k++)
		c->m[k] = (sr_mask)lo[k] | ((sr_mask)hi[k] << 64);
	return within;
}

/* Classify the line starting at p up to its newline; false past SR_CLS_MAX. */
static inline bool sr_cls_line(const uint8_t *p, uint32_t avail, struct sr_cls *c)
{
	struct sr_cls64 lo;

	sr_cls_block_at(p, avail, lo.m);
	return sr_cls_widen(p, avail, &lo, c);
}

#endif
