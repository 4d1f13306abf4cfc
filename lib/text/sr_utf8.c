/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "text/sr_utf8.h"

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero when some byte of w is < 0x20, == 0x7f or >= 0x80. */
static inline uint64_t word_needs_care(uint64_t w)
{
	uint64_t below_space = (w - 0x20 * ONES) & ~w;
	uint64_t x = w ^ (0x7f * ONES);
	uint64_t del = (x - ONES) & ~x;
	return (below_space | del | w) & HIGHS;
}

/* Length of the UTF-8 sequence at p[0..n), 0 if malformed. */
static uint32_t utf8_seq_len(const uint8_t *p, uint32_t n)
{
	uint8_t c = p[0];

	if (c < 0xc2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xe0) {
		if (n < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xf0) {
		uint8_t lo = c == 0xe0 ? 0xa0 : 0x80; /* overlong */
		uint8_t hi = c == 0xed ? 0x9f : 0xbf; /* surrogates */
		if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c < 0xf5) {
		uint8_t lo = c == 0xf0 ? 0x90 : 0x80; /* overlong */
		uint8_t hi = c == 0xf4 ? 0x8f : 0xbf; /* > U+10FFFF */
		if (n < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

int sr_text_check(const uint8_t *p, uint32_t len)
{
	uint32_t i = 0;
	int bad_utf8 = 0;

	while (i < len) {
		if (len - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (!word_needs_care(w)) {
				i += 8;
				continue;
			}
		}
		uint8_t c = p[i];
		if (c < 0x20 || c == 0x7f)
			return SR_DROP_LINE_CONTROL_CHAR;
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t n = utf8_seq_len(p + i, len - i);
		if (n == 0) {
			bad_utf8 = 1; /* keep scanning: a control byte outranks it */
			n = 1;
		}
		i += n;
	}
	return bad_utf8 ? SR_DROP_LINE_BAD_UTF8 : SR_OK;
}
