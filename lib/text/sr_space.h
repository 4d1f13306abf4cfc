/* SPDX-License-Identifier: BSD-3-Clause */
/* Unicode white space, as the peers' parsers trim and split on it. */
#ifndef SR_SPACE_H
#define SR_SPACE_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
