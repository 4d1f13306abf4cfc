/* SPDX-License-Identifier: BSD-3-Clause */
/* Unicode white space, as the peers' parsers trim and split on it: Go's
 * (Telegraf, the Datadog Agent) and JavaScript's (Etsy statsd). */
#ifndef SR_SPACE_H
#define SR_SPACE_H

#include <stdbool.h>
#include <stdint.h>

uint32_t sr_space_len_slow(const uint8_t *p, uint32_t n, bool at_end);

/*
 * Length of a Go white-space character (unicode.IsSpace: Unicode White_Space,
 * U+0085 included, which strings.TrimSpace and strings.Fields use) starting
 * at p, or ending at p + n when at_end; 0 if none.
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

uint32_t sr_js_space_len_slow(const uint8_t *p, uint32_t n, bool at_end);

/*
 * The same for JavaScript's white space (ECMA-262 WhiteSpace and
 * LineTerminator: what Number() and String.prototype.trim skip and the
 * regular expression \s matches): Go's set less U+0085 (NEL, a C1 control to
 * JS, so Number() of U+0085 then "1" is NaN) plus U+FEFF.
 */
static inline uint32_t sr_js_space_len(const uint8_t *p, uint32_t n, bool at_end)
{
	uint8_t c;

	if (n == 0)
		return 0;
	c = at_end ? p[n - 1] : p[0];
	if (c == ' ')
		return 1;
	if (c < 0x80)
		return 0;
	return sr_js_space_len_slow(p, n, at_end);
}

#endif
