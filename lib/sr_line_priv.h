/* SPDX-License-Identifier: BSD-3-Clause */
/* Pieces shared by the dialect parsers; not part of the library's API. */
#ifndef SR_LINE_PRIV_H
#define SR_LINE_PRIV_H

#include <stdbool.h>
#include <string.h>

#include "sr_key.h"
#include "sr_line.h"

static inline struct sr_span sr_span_of(const uint8_t *p, uint32_t len)
{
	return (struct sr_span){ .p = p, .len = len };
}

static inline int sr_add_tag(struct sr_line *l, struct sr_span k, struct sr_span v, uint8_t rank,
			     uint8_t bare)
{
	if (l->n_tags == SR_MAX_TAGS)
		return SR_DROP_LINE_TOO_MANY_TAGS;
	l->tags[l->n_tags++] = (struct sr_tag){ .key = k, .value = v, .rank = rank, .bare = bare };
	return SR_OK;
}

/* Telegraf's own tag for the metric's type: it overwrites a sent one, and the
 * relay's key is type-free, so a sent "metric_type" is no part of the key. */
static inline bool sr_is_metric_type(struct sr_span k)
{
	return k.len == 11 && memcmp(k.p, "metric_type", 11) == 0;
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

uint32_t sr_space_len_slow(const uint8_t *p, uint32_t n, bool at_end);

/*
 * Length of a Unicode White_Space character (Go's unicode.IsSpace, JS's \s
 * less U+FEFF) starting at p, or ending at p + n when at_end; 0 if none.
 * ASCII controls were rejected before: only ' ' and multi-byte ones remain,
 * and those start with 0xc2/0xe1..0xe3 and end with 0x80..0xaf.
 */
static inline uint32_t sr_space_len(const uint8_t *p, uint32_t n, bool at_end)
{
	uint8_t c;

	if (n == 0)
		return 0;
	c = at_end ? p[n - 1] : p[0];
	if (c == ' ')
		return 1;
	if (at_end ? (c < 0x80 || c > 0xaf) : (c != 0xc2 && (c < 0xe1 || c > 0xe3)))
		return 0;
	return sr_space_len_slow(p, n, at_end);
}

/* Go's strconv.ParseInt(s, 10, 64) succeeds; the value in *v. */
bool sr_go_int(const uint8_t *s, uint32_t n, int64_t *v);

int sr_parse_telegraf(const uint8_t *p, uint32_t len, struct sr_line *l);

struct sr_cls;
/* The fast parsers' answer when a line is not theirs to judge. */
#define SR_FAST_DECLINED (-1)
int sr_parse_telegraf_fast(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			   enum sr_key_mode mode, uint64_t *key);
/* sr_line_parse for a line whose length and text (sr_text_check) are known good. */
int sr_line_parse_clean(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
			struct sr_line *out);
int sr_parse_dogstatsd(const uint8_t *p, uint32_t len, struct sr_line *l);
int sr_parse_etsy(const uint8_t *p, uint32_t len, struct sr_line *l);

#endif
