/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SR_NUMBER_H
#define SR_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * True when Go's strconv.ParseFloat(s, 64) accepts s without error, which is
 * the value rule of Telegraf's StatsD input: decimal or hex mantissa with
 * optional exponent, Go's digit-separating underscores, "inf"/"infinity"
 * (signed or not) and "nan" in any case; a finite value too large for a
 * double (1e400) is an error. Syntax is checked in one pass; only numbers
 * that could overflow (exponent, hex, >300 digits) are converted.
 */
#define SR_NUMBER_MAX_LEN 9000 /* > the longest line (8972 bytes) */

bool sr_go_float_ok(const uint8_t *s, uint32_t n);

/* Go's strconv.ParseInt(s, 10, 64) succeeds; the value in *v. */
bool sr_go_int(const uint8_t *s, uint32_t n, int64_t *v);

/*
 * A short plain decimal with at most one '.' ("42", "0.25", "5."): the usual
 * StatsD value, which ParseFloat always takes. Counted without a branch per
 * byte; inline for the parsers' fast paths.
 */
static inline bool sr_plain_decimal(const uint8_t *s, uint32_t n)
{
	uint32_t i, digits = 0, dots = 0;

	if (n == 0 || n > 18)
		return false;
	for (i = 0; i < n; i++) {
		digits += (uint8_t)(s[i] - '0') < 10;
		dots += s[i] == '.';
	}
	return digits && dots <= 1 && digits + dots == n;
}

#endif
