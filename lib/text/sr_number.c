/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/sr_number.h"

static inline uint8_t lower(uint8_t c)
{
	return c | 0x20;
}

static bool is_digit(uint8_t c, bool hex)
{
	return (c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f');
}

/* Case-insensitive: does s[0..n) equal word exactly? */
static bool equals_word(const uint8_t *s, uint32_t n, const char *word)
{
	uint32_t i;

	for (i = 0; i < n && word[i]; i++)
		if (lower(s[i]) != (uint8_t)word[i])
			return false;
	return i == n && word[i] == '\0';
}

/* Go's underscoreOK: '_' only between digits or after a base prefix. */
static bool underscores_ok(const uint8_t *s, uint32_t n)
{
	char saw = '^';
	uint32_t i = 0;
	bool hex = false;

	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' &&
	    (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if (is_digit(s[i], hex)) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* Would the (syntactically valid) number overflow a double? */
static bool overflows(const uint8_t *s, uint32_t n)
{
	char buf[SR_NUMBER_MAX_LEN + 1];
	uint32_t i, j = 0;

	if (n > SR_NUMBER_MAX_LEN)
		return true; /* longer than any line the relay takes */
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			buf[j++] = (char)s[i];
	buf[j] = '\0';
	return isinf(strtod(buf, NULL));
}

bool sr_go_float_ok(const uint8_t *s, uint32_t n)
{
	uint32_t i = 0, digits = 0;
	bool hex = false, underscores = false, dot = false, exp = false;

	if (n == 0)
		return false;
	if (sr_plain_decimal(s, n)) /* the usual case first */
		return true;
	if (s[0] == '+' || s[0] == '-') {
		i = 1;
		if (equals_word(s + 1, n - 1, "inf") || equals_word(s + 1, n - 1, "infinity"))
			return true;
	} else if ((lower(s[0]) == 'i' || lower(s[0]) == 'n') &&
		   (equals_word(s, n, "inf") || equals_word(s, n, "infinity") ||
		    equals_word(s, n, "nan"))) {
		return true;
	}
	if (i + 2 < n && s[i] == '0' && lower(s[i + 1]) == 'x') {
		hex = true;
		i += 2;
	}
	for (; i < n; i++) {
		if (s[i] == '_') {
			underscores = true;
		} else if (s[i] == '.') {
			if (dot)
				break;
			dot = true;
		} else if (is_digit(s[i], hex)) {
			digits++;
		} else {
			break;
		}
	}
	if (digits == 0)
		return false;
	if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
		exp = true;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			if (s[i] == '_')
				underscores = true;
	} else if (hex) {
		return false; /* a hex mantissa must have a 'p' exponent */
	}
	if (i != n)
		return false;
	if (underscores && !underscores_ok(s, n))
		return false;
	if (exp || hex || digits > 300)
		return !overflows(s, n);
	return true;
}

bool sr_go_int(const uint8_t *s, uint32_t n, int64_t *v)
{
	uint64_t x = 0, limit;
	uint32_t i = 0;
	bool neg = false;

	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (x > (limit - (uint64_t)(s[i] - '0')) / 10)
			return false; /* out of range */
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}
