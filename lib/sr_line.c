/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "sr_line.h"
#include "sr_number.h"
#include "sr_utf8.h"

/* Tag ranks: Telegraf applies DogStatsD tags after the name's influx tags. */
enum { RANK_INFLUX = 0, RANK_DOGSTATSD = 1 };

static inline struct sr_span span(const uint8_t *p, uint32_t len)
{
	return (struct sr_span){ .p = p, .len = len };
}

static inline int add_tag(struct sr_line *l, struct sr_span k, struct sr_span v, uint8_t rank)
{
	if (l->n_tags == SR_MAX_TAGS)
		return SR_DROP_LINE_TOO_MANY_TAGS;
	l->tags[l->n_tags++] = (struct sr_tag){ .key = k, .value = v, .rank = rank };
	return SR_OK;
}

static const uint8_t tag_true[] = "true";

/*
 * Length of a Unicode White_Space character (as Go's unicode.IsSpace) that
 * starts at p, or ends at p + n when at_end; 0 when there is none. ASCII
 * controls were rejected before, so only ' ' and multi-byte spaces remain.
 */
static uint32_t space_len(const uint8_t *p, uint32_t n, int at_end)
{
	static const uint8_t spaces[][3] = {
		{ 0xc2, 0x85 }, { 0xc2, 0xa0 },	      { 0xe1, 0x9a, 0x80 }, { 0xe2, 0x80, 0xa8 },
		{ 0xe2, 0x80, 0xa9 }, { 0xe2, 0x80, 0xaf }, { 0xe2, 0x81, 0x9f }, { 0xe3, 0x80, 0x80 },
	};
	unsigned i;

	if (n == 0)
		return 0;
	if ((at_end ? p[n - 1] : p[0]) == ' ')
		return 1;
	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		uint32_t l = spaces[i][2] ? 3 : 2;
		if (n >= l && memcmp(at_end ? p + n - l : p, spaces[i], l) == 0)
			return l;
	}
	/* U+2000..U+200A */
	if (n >= 3) {
		const uint8_t *q = at_end ? p + n - 3 : p;
		if (q[0] == 0xe2 && q[1] == 0x80 && q[2] >= 0x80 && q[2] <= 0x8a)
			return 3;
	}
	return 0;
}

/* Go's strings.TrimSpace. */
static void trim_space(const uint8_t **p, uint32_t *n)
{
	uint32_t l;

	while ((l = space_len(*p, *n, 0)) != 0) {
		*p += l;
		*n -= l;
	}
	while ((l = space_len(*p, *n, 1)) != 0)
		*n -= l;
}

/*
 * Telegraf's parseDataDogTags over one "|#..." segment (without the '#'),
 * bug for bug: a tag without a value is "true", and a valueless tag followed
 * by another valueless one takes that one's text as its value.
 */
static int telegraf_dd_tags(struct sr_line *l, const uint8_t *m, uint32_t n)
{
	uint32_t start = 0, i;
	struct sr_span k = span(NULL, 0);
	int have_k = 0, in_val = 0, rc;

	if (n == 0)
		return SR_OK;
	for (i = 0; i < n; i++) {
		if (m[i] == ',') {
			if (!have_k || k.len == 0) {
				k = span(m + start, i - start);
				have_k = k.len != 0;
				rc = add_tag(l, k, span(tag_true, 4), RANK_DOGSTATSD);
				if (rc != SR_OK)
					return rc;
				start = i + 1;
				continue;
			}
			struct sr_span v = span(m + start, i - start);
			if (v.len == 0)
				v = span(tag_true, 4);
			rc = add_tag(l, k, v, RANK_DOGSTATSD);
			if (rc != SR_OK)
				return rc;
			start = i + 1;
			have_k = 0;
			in_val = 0;
		} else if (m[i] == ':' && !in_val) {
			k = span(m + start, i - start);
			have_k = k.len != 0;
			start = i + 1;
			in_val = 1;
		}
	}
	if (!have_k && start < n)
		return add_tag(l, span(m + start, n - start), span(tag_true, 4), RANK_DOGSTATSD);
	if (have_k)
		return add_tag(l, k, start < n ? span(m + start, n - start) : span(tag_true, 4),
			       RANK_DOGSTATSD);
	return SR_OK;
}

/* Go's strings.Fields(name)[0]: the name ends at its first white space. */
static uint32_t first_field_len(const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if ((p[i] == ' ' || p[i] >= 0x80) && space_len(p + i, n - i, 0))
			return i;
	return n;
}

/*
 * Telegraf's parseName: "name,k=v,k2=v2"; a part without '=' or with an empty
 * key is ignored, "k=v=w" is k = "v=w". Its default graphite template then
 * keeps the name up to its first white space and turns '.' into '_'.
 */
static int telegraf_bucket(struct sr_line *l, const uint8_t *b, uint32_t n)
{
	const uint8_t *comma = memchr(b, ',', n);
	const uint8_t *end = b + n;
	int rc;

	l->name = span(b, first_field_len(b, comma ? (uint32_t)(comma - b) : n));
	l->name_dot_is_underscore = 1;
	while (comma) {
		const uint8_t *part = comma + 1;
		comma = memchr(part, ',', (size_t)(end - part));
		uint32_t plen = (uint32_t)((comma ? comma : end) - part);
		const uint8_t *eq = memchr(part, '=', plen);
		if (!eq || eq == part)
			continue;
		rc = add_tag(l, span(part, (uint32_t)(eq - part)),
			     span(eq + 1, plen - (uint32_t)(eq + 1 - part)), RANK_INFLUX);
		if (rc != SR_OK)
			return rc;
	}
	return l->name.len ? SR_OK : SR_DROP_LINE_BAD_NAME;
}

/* One "value|type[|@rate...]" bit, as Telegraf's parseStatsdLine checks it. */
struct bit {
	struct sr_span value, type;
	uint32_t fields; /* '|'-separated fields seen */
};

static int telegraf_check_bit(const struct bit *b)
{
	const uint8_t *t = b->type.p;
	char type;

	if (b->fields < 2)
		return SR_DROP_LINE_BAD_FORMAT;
	/* A malformed sample rate is only logged by Telegraf: not a reject. */
	if (b->type.len == 1 && (t[0] == 'g' || t[0] == 'c' || t[0] == 's' || t[0] == 'd' ||
				 t[0] == 'h'))
		type = (char)t[0];
	else if (b->type.len == 2 && t[0] == 'm' && t[1] == 's')
		type = 'm';
	else
		return SR_DROP_LINE_UNKNOWN_TYPE;

	if (b->value.len && (b->value.p[0] == '+' || b->value.p[0] == '-') && type != 'g' &&
	    type != 'c')
		return SR_DROP_LINE_BAD_VALUE;
	if (type == 's')
		return SR_OK;
	/* Counters try ParseInt then ParseFloat: together, what ParseFloat takes. */
	return sr_go_float_ok(b->value.p, b->value.len) ? SR_OK : SR_DROP_LINE_BAD_VALUE;
}

/* Give the text of one '|'-free stretch of the value part to the current bit. */
static int telegraf_bits_text(struct bit *b, const uint8_t *p, uint32_t n)
{
	const uint8_t *colon;
	int rc;

	while ((colon = memchr(p, ':', n)) != NULL) {
		uint32_t piece = (uint32_t)(colon - p);
		if (b->fields == 1)
			b->value = span(p, piece);
		else if (b->fields == 2)
			b->type = span(p, piece);
		rc = telegraf_check_bit(b);
		if (rc != SR_OK)
			return rc;
		*b = (struct bit){ .fields = 1 };
		p = colon + 1;
		n -= piece + 1;
	}
	if (b->fields == 1)
		b->value = span(p, n);
	else if (b->fields == 2)
		b->type = span(p, n);
	return SR_OK;
}

/*
 * Telegraf first removes every '|'-segment that starts with '#' (DogStatsD
 * tags) or "c:" (container id; so "a:1|c:2|ms" is one timing), then splits what is left on ':' (name, then one bit per value) and
 * each bit on '|'. Walk the segments once, doing the same without a copy.
 */
static int parse_telegraf(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	struct bit b = { 0 };
	const uint8_t *bucket = NULL;
	uint32_t pos = 0, bucket_len = 0;
	int in_bucket = 1, spliced = 0, rc = SR_OK;

	trim_space(&p, &len);
	if (len == 0)
		return SR_DROP_LINE_BAD_FORMAT;
	l->n_tags = 0;
	l->name_dot_is_underscore = 0;

	for (;;) {
		const uint8_t *seg = p + pos;
		const uint8_t *bar = memchr(seg, '|', len - pos);
		uint32_t n = bar ? (uint32_t)(bar - seg) : len - pos;

		if (n > 0 && seg[0] == '#') {
			rc = telegraf_dd_tags(l, seg + 1, n - 1);
			if (rc != SR_OK)
				return rc;
			spliced |= in_bucket && bucket != NULL;
		} else if (n >= 2 && seg[0] == 'c' && seg[1] == ':') {
			/* DogStatsD 1.2 container id: removed, not part of the series. */
			spliced |= in_bucket && bucket != NULL;
		} else if (in_bucket) {
			const uint8_t *colon = memchr(seg, ':', n);
			if (bucket == NULL)
				bucket = seg;
			if (colon) {
				/* A name cut by a removed tag segment cannot be sent as is. */
				if (spliced)
					return SR_DROP_LINE_BAD_NAME;
				bucket_len = (uint32_t)(colon - bucket);
				in_bucket = 0;
				b.fields = 1;
				rc = telegraf_bits_text(&b, colon + 1, n - (uint32_t)(colon + 1 - seg));
			}
		} else {
			b.fields++;
			rc = telegraf_bits_text(&b, seg, n);
		}
		if (rc != SR_OK)
			return rc;
		if (!bar)
			break;
		pos += n + 1;
	}
	if (in_bucket)
		return SR_DROP_LINE_BAD_FORMAT;
	rc = telegraf_check_bit(&b);
	if (rc != SR_OK)
		return rc;
	/* Like Telegraf, the name is looked at once the values passed. */
	return telegraf_bucket(l, bucket, bucket_len);
}

int sr_line_parse(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
		  struct sr_line *out)
{
	int rc;

	if (len > cfg->max_line)
		return SR_DROP_LINE_TOO_LONG;
	rc = sr_text_check(p, len);
	if (rc != SR_OK)
		return rc;
	switch (cfg->dialect) {
	case SR_DIALECT_TELEGRAF:
	default:
		return parse_telegraf(p, len, out);
	}
}
