/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Etsy statsd (stats.js handlePacket, lib/helpers.js is_valid_packet): the
 * line is not trimmed; "|#" starts the tags; each ':'-chunk is value|type
 * [|@rate]; unknown types count as counters. Rates that pass its check but
 * not the regex it then applies (@+0.5, @Infinity) throw inside statsd's UDP
 * handler and stop the daemon: they are refused here as bad rates.
 *
 * White space: none is trimmed from the line or a field, except where
 * Number() reads a value or a rate (isNumber), which skips JavaScript's
 * white space at both ends (sr_js_space_len: not U+0085). The type is
 * compared as sent ("ms " is no timer to is_valid_packet, so its value may
 * be negative). A trailing '\r' is the one limit of a line verdict here:
 * the relay's splitter removes it before parsing and a copied line leaves
 * without it, but a datagram forwarded in place keeps it, and statsd reads
 * it as part of the last field ("a:foo|s\r" is a bad line to it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/etsy/sr_etsy.h"
#include "text/sr_space.h"
#include "text/sr_span.h"

static bool digits_of_base(const uint8_t *p, uint32_t n, int base)
{
	uint32_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i] | 0x20;
		int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0'
			: c >= 'a' && c <= 'f'	   ? c - 'a' + 10
						   : 99;
		if (d >= base)
			return false;
	}
	return true;
}

/* JS: Boolean(s && !isNaN(s)), i.e. Number(s) is not NaN and s is not "". */
static bool js_is_number(const uint8_t *p, uint32_t n, bool *negative)
{
	uint32_t k, i = 0, digits = 0;

	*negative = false;
	if (n == 0)
		return false;
	/* Number() skips JS white space at both ends (sr_js_space_len: not U+0085) */
	while ((k = sr_js_space_len(p, n, false)) != 0) {
		p += k;
		n -= k;
	}
	while ((k = sr_js_space_len(p, n, true)) != 0)
		n -= k;
	if (n == 0)
		return true; /* Number("  ") is 0 */
	if (n > 2 && p[0] == '0') {
		uint8_t b = p[1] | 0x20;
		if (b == 'x' || b == 'o' || b == 'b')
			return digits_of_base(p + 2, n - 2, b == 'x' ? 16 : b == 'o' ? 8 : 2);
	}
	if (p[0] == '+' || p[0] == '-') {
		*negative = p[0] == '-';
		i = 1;
	}
	if (n - i == 8 && memcmp(p + i, "Infinity", 8) == 0)
		return true;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < n && (p[i] | 0x20) == 'e') {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || p[i] < '0' || p[i] > '9')
			return false;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	if (i != n)
		return false;
	if (*negative) { /* "-0", "-1e-999" are -0: not below zero */
		char buf[64];
		uint32_t m = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
		memcpy(buf, p, m);
		buf[m] = '\0';
		*negative = strtod(buf, NULL) < 0;
	}
	return true;
}

/* isValidSampleRate, plus the /^@([\d\.]+)/ that statsd applies next. */
static bool rate_ok(const uint8_t *f, uint32_t n)
{
	bool neg;

	return n > 1 && f[0] == '@' && f[1] != '-' && js_is_number(f + 1, n - 1, &neg) &&
	       ((f[1] >= '0' && f[1] <= '9') || f[1] == '.');
}

/* is_valid_packet(fields) for one "value|type[|@rate|...]" chunk. */
static int chunk_check(const uint8_t *c, uint32_t n)
{
	uint32_t vlen = sr_field_len(c, n), tlen;
	const uint8_t *type;
	bool neg;

	if (vlen == n)
		return SR_DROP_LINE_BAD_FORMAT; /* no type field */
	type = c + vlen + 1;
	tlen = sr_field_len(type, n - vlen - 1);
	if (vlen + 1 + tlen < n) {
		const uint8_t *rate = type + tlen + 1;
		if (!rate_ok(rate, sr_field_len(rate, n - vlen - tlen - 2)))
			return SR_DROP_LINE_BAD_RATE;
	}
	if (tlen == 1 && type[0] == 's')
		return SR_OK;
	if (!js_is_number(c, vlen, &neg))
		return SR_DROP_LINE_BAD_VALUE;
	if (tlen == 2 && type[0] == 'm' && type[1] == 's' && neg)
		return SR_DROP_LINE_BAD_VALUE; /* timers are >= 0 */
	return SR_OK;
}

static int etsy_parse(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	const uint8_t *hash_mark = NULL, *tags, *end = p + len, *colon, *c;
	uint32_t body = len, i;
	int rc;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '|' && p[i + 1] == '#') {
			hash_mark = p + i;
			body = i;
			break;
		}
	colon = sr_find(p, ':', body);
	if (!colon)
		return SR_DROP_LINE_BAD_FORMAT; /* statsd checks the chunk "1": no type */
	l->name = sr_span_of(p, (uint32_t)(colon - p));
	for (c = colon + 1;;) {
		const uint8_t *next = sr_find(c, ':', (size_t)(p + body - c));
		rc = chunk_check(c, (uint32_t)((next ? next : p + body) - c));
		if (rc != SR_OK)
			return rc;
		if (!next)
			break;
		c = next + 1;
	}
	if (!hash_mark)
		return SR_OK;
	/* Tags run to the next "|#" (what follows it is dropped by statsd). */
	tags = hash_mark + 2;
	for (i = (uint32_t)(tags - p); i + 1 < len; i++)
		if (p[i] == '|' && p[i + 1] == '#') {
			end = p + i;
			break;
		}
	while (tags < end) {
		const uint8_t *comma = sr_find(tags, ',', (size_t)(end - tags));
		uint32_t tl = (uint32_t)((comma ? comma : end) - tags);
		rc = sr_add_tag(l, sr_span_of(tags, tl), sr_span_of(tags + tl, 0), 0, 1);
		if (rc != SR_OK)
			return rc;
		if (!comma)
			break;
		tags = comma + 1;
		if (tags == end) /* "a,": one more, empty tag */
			return sr_add_tag(l, sr_span_of(tags, 0), sr_span_of(tags, 0), 0, 1);
	}
	return SR_OK;
}

const struct sr_dialect_ops sr_etsy_ops = {
	.name = "etsy",
	.parse = etsy_parse,
	.key_hash = sr_etsy_key_hash,
	.key_text = sr_etsy_key_text,
};
