/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telegraf's inputs.statsd with datadog_extensions = true
 * (plugins/inputs/statsd: statsd.go parseStatsdLine/parseName, datadog.go),
 * reproduced rule for rule, quirks included, without copying the line.
 */
#include <string.h>

#include "dialect/sr_line_key.h"
#include "dialect/telegraf/sr_telegraf.h"
#include "text/sr_number.h"
#include "text/sr_space.h"
#include "text/sr_span.h"

/* Tag ranks: Telegraf applies DogStatsD tags after the name's influx tags. */
enum { RANK_INFLUX = SR_TG_RANK_INFLUX, RANK_DOGSTATSD = SR_TG_RANK_DOGSTATSD };

/* padded: the key hash may load 16 bytes of it */
const uint8_t sr_tg_true[16] = "true";

/* One tag of the series, as Telegraf keeps it (see sr_is_metric_type). */
static inline int tg_tag(struct sr_line *l, struct sr_span k, struct sr_span v, uint8_t rank)
{
	return sr_is_metric_type(k) ? SR_OK : sr_add_tag(l, k, v, rank, 0);
}

/* Go's strings.TrimSpace. */
static void trim_space(const uint8_t **p, uint32_t *n)
{
	uint32_t l;

	while ((l = sr_space_len(*p, *n, 0)) != 0) {
		*p += l;
		*n -= l;
	}
	while ((l = sr_space_len(*p, *n, 1)) != 0)
		*n -= l;
}

/*
 * Telegraf's parseDataDogTags over one "|#..." segment (without the '#'),
 * bug for bug: a tag without a value is "true", and a valueless tag followed
 * by another valueless one takes that one's text as its value.
 */
static int telegraf_dd_tags(struct sr_line *l, const uint8_t *m, uint32_t n)
{
	uint32_t start = 0, i, end;
	struct sr_span k = sr_span_of(NULL, 0);
	int have_k = 0, in_val = 0, rc;

	if (n == 0)
		return SR_OK;
	/* Go's "for i = range message" leaves i at the last character's first
	 * byte, and the last tag ends at i + 1: a multi-byte last character is
	 * cut to its first byte. */
	for (end = n - 1; end > 0 && (m[end] & 0xc0) == 0x80; end--)
		;
	end++;
	for (i = 0; i < n; i++) {
		/* only ',' and ':' matter: jump to the next one */
		const uint8_t *q = sr_find2(m + i, ',', ':', n - i);
		if (!q)
			break;
		i = (uint32_t)(q - m);
		if (m[i] == ',') {
			if (!have_k || k.len == 0) {
				k = sr_span_of(m + start, i - start);
				have_k = k.len != 0;
				rc = tg_tag(l, k, sr_span_of(sr_tg_true, 4), RANK_DOGSTATSD);
				if (rc != SR_OK)
					return rc;
				start = i + 1;
				continue;
			}
			struct sr_span v = sr_span_of(m + start, i - start);
			if (v.len == 0)
				v = sr_span_of(sr_tg_true, 4);
			rc = tg_tag(l, k, v, RANK_DOGSTATSD);
			if (rc != SR_OK)
				return rc;
			start = i + 1;
			have_k = 0;
			in_val = 0;
		} else if (m[i] == ':' && !in_val) {
			k = sr_span_of(m + start, i - start);
			have_k = k.len != 0;
			start = i + 1;
			in_val = 1;
		}
	}
	if (!have_k && start < end)
		return tg_tag(l, sr_span_of(m + start, end - start), sr_span_of(sr_tg_true, 4),
			      RANK_DOGSTATSD);
	if (have_k)
		return tg_tag(l, k,
			      start < end ? sr_span_of(m + start, end - start)
					  : sr_span_of(sr_tg_true, 4),
			      RANK_DOGSTATSD);
	return SR_OK;
}

/* Go's strings.Fields(name)[0]: the name ends at its first white space. */
static uint32_t first_field_len(const uint8_t *p, uint32_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint32_t i = 0;

	/* 8 bytes a step while none is a space or a non-ASCII byte */
	for (; i + 8 <= n; i += 8) {
		uint64_t w, sp;
		memcpy(&w, p + i, 8);
		sp = w ^ (ones * ' ');
		if (((sp - ones) & ~sp & highs) | (w & highs))
			break;
	}
	for (; i < n; i++)
		if ((p[i] == ' ' || p[i] >= 0x80) && sr_space_len(p + i, n - i, 0))
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
	const uint8_t *comma = sr_find(b, ',', n);
	const uint8_t *end = b + n, *name = b;
	uint32_t name_len = comma ? (uint32_t)(comma - b) : n, sp;
	int rc;

	/* strings.Fields: leading white space (after a removed "#..|") goes too */
	while ((sp = sr_space_len(name, name_len, false)) != 0) {
		name += sp;
		name_len -= sp;
	}
	l->name = sr_span_of(name, first_field_len(name, name_len));
	while (comma) {
		const uint8_t *part = comma + 1;
		comma = sr_find(part, ',', (size_t)(end - part));
		uint32_t plen = (uint32_t)((comma ? comma : end) - part);
		const uint8_t *eq = sr_find(part, '=', plen);
		if (!eq || eq == part)
			continue;
		rc = tg_tag(l, sr_span_of(part, (uint32_t)(eq - part)),
			    sr_span_of(eq + 1, plen - (uint32_t)(eq + 1 - part)), RANK_INFLUX);
		if (rc != SR_OK)
			return rc;
	}
	return l->name.len ? SR_OK : SR_DROP_LINE_BAD_NAME;
}

int sr_tg_check_bit(const struct sr_tg_bit *b)
{
	char type;

	if (b->fields < 2)
		return SR_DROP_LINE_BAD_FORMAT;
	/* Telegraf would take it, but a metric without a name cannot be stored. */
	if (b->no_name)
		return SR_DROP_LINE_BAD_NAME;
	/* A malformed sample rate is only logged by Telegraf: not a reject. */
	type = sr_tg_type(&b->type);
	if (type == 0)
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
int sr_tg_bits_text(struct sr_tg_bit *b, const uint8_t *p, uint32_t n)
{
	const uint8_t *colon;
	int rc;

	while ((colon = sr_find(p, ':', n)) != NULL) {
		uint32_t piece = (uint32_t)(colon - p);
		if (b->fields == 1)
			b->value = sr_span_of(p, piece);
		else if (b->fields == 2)
			b->type = sr_span_of(p, piece);
		rc = sr_tg_check_bit(b);
		if (rc != SR_OK)
			return rc;
		*b = (struct sr_tg_bit){ .fields = 1, .no_name = b->no_name };
		p = colon + 1;
		n -= piece + 1;
	}
	if (b->fields == 1)
		b->value = sr_span_of(p, n);
	else if (b->fields == 2)
		b->type = sr_span_of(p, n);
	return SR_OK;
}

/*
 * Telegraf first removes every '|'-segment that starts with '#' (DogStatsD
 * tags) or "c:" (container id: so "a:1|c:2|ms" is one timing), then splits
 * what is left on ':' (name, then one bit per value) and each bit on '|'.
 * Walk the segments once, doing the same without a copy.
 */
static int telegraf_metric(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	struct sr_tg_bit b = { 0 };
	const uint8_t *bucket = NULL;
	uint32_t pos = 0, bucket_len = 0;
	int in_bucket = 1, spliced = 0, rc = SR_OK;

	for (;;) {
		const uint8_t *seg = p + pos;
		const uint8_t *bar = sr_find(seg, '|', len - pos);
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
			const uint8_t *colon = sr_find(seg, ':', n);
			if (bucket == NULL)
				bucket = seg;
			if (colon) {
				/* A name cut by a removed tag segment cannot be sent as is. */
				if (spliced)
					return SR_DROP_LINE_BAD_NAME;
				bucket_len = (uint32_t)(colon - bucket);
				in_bucket = 0;
				b.fields = 1;
				b.no_name = bucket_len == 0 || bucket[0] == ',';
				rc = sr_tg_bits_text(&b, colon + 1,
						     n - (uint32_t)(colon + 1 - seg));
			}
		} else {
			b.fields++;
			rc = sr_tg_bits_text(&b, seg, n);
		}
		if (rc != SR_OK)
			return rc;
		if (!bar)
			break;
		pos += n + 1;
	}
	if (in_bucket)
		return SR_DROP_LINE_BAD_FORMAT;
	rc = sr_tg_check_bit(&b);
	if (rc != SR_OK)
		return rc;
	/* Like Telegraf, the name is looked at once the values passed. */
	return telegraf_bucket(l, bucket, bucket_len);
}

/*
 * _e{title_len,text_len}:title|text[|d:..|p:..|h:..|t:..|k:..|s:..|#tags]
 * (datadog.go parseEventMessage). Sharded by the title.
 */
static int telegraf_event(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	const uint8_t *colon = sr_find(p, ':', len);
	const uint8_t *comma, *msg;
	uint32_t hlen, mlen, rest_len;
	int64_t title_len, text_len;

	if (!colon)
		return SR_DROP_LINE_BAD_EVENT;
	hlen = (uint32_t)(colon - p);
	msg = colon + 1;
	mlen = len - hlen - 1;
	if (hlen < 7 || mlen < 3)
		return SR_DROP_LINE_BAD_EVENT;
	/* header[3:] is "title_len,text_len" plus one last byte, not checked to be '}' */
	comma = sr_find(p + 3, ',', hlen - 3);
	if (!comma || !sr_go_int(p + 3, (uint32_t)(comma - p - 3), &title_len))
		return SR_DROP_LINE_BAD_EVENT;
	if ((uint32_t)(colon - comma - 1) < 1 ||
	    !sr_go_int(comma + 1, (uint32_t)(colon - comma - 2), &text_len))
		return SR_DROP_LINE_BAD_EVENT;
	if (title_len < 0 || text_len < 0 || title_len > mlen || text_len > mlen ||
	    title_len + text_len + 1 > mlen)
		return SR_DROP_LINE_BAD_EVENT;
	if (title_len == 0 || text_len == 0)
		return SR_DROP_LINE_BAD_EVENT;
	l->name = sr_span_of(msg, (uint32_t)title_len);
	l->kind = SR_LINE_EVENT;

	rest_len = mlen - (uint32_t)(title_len + 1 + text_len);
	if (rest_len < 2)
		return SR_OK;
	/* rest[0] is skipped unchecked, then '|'-separated metadata fields */
	const uint8_t *f = msg + title_len + 1 + text_len + 1;
	uint32_t left = rest_len - 1;
	for (;;) {
		uint32_t n = sr_field_len(f, left);
		if (n < 2)
			return SR_DROP_LINE_BAD_EVENT;
		if (f[1] != ':' || !memchr("dphtks", f[0], 6)) {
			if (f[0] != '#')
				return SR_DROP_LINE_BAD_EVENT; /* "unknown metadata type" */
		}
		if (n == left)
			break;
		f += n + 1;
		left -= n + 1;
	}
	return SR_OK;
}

/* _sc|name|status[|...] (datadog.go parseServiceCheckMessage). Sharded by the name. */
static int telegraf_service_check(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	const uint8_t *name = p + 4; /* after "_sc|" */
	uint32_t left = len - 4, n = sr_field_len(name, left), s;
	int64_t status;

	if (n == left || n == 0) /* fewer than 3 parts, or an empty name */
		return SR_DROP_LINE_BAD_SERVICE_CHECK;
	s = sr_field_len(name + n + 1, left - n - 1);
	if (!sr_go_int(name + n + 1, s, &status) || status < 0 || status > 3)
		return SR_DROP_LINE_BAD_SERVICE_CHECK;
	l->name = sr_span_of(name, n);
	l->kind = SR_LINE_SERVICE_CHECK;
	return SR_OK;
}

static int telegraf_parse(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	trim_space(&p, &len);
	if (len == 0)
		return SR_DROP_LINE_BAD_FORMAT; /* only spaces: Telegraf skips it */
	if (sr_has_prefix(p, len, "_e"))
		return telegraf_event(p, len, l);
	if (sr_has_prefix(p, len, "_sc|"))
		return telegraf_service_check(p, len, l);
	return telegraf_metric(p, len, l);
}

/*
 * The series: a metric's name as its template stores it (up to the first
 * white space, the parser's cut; '.' read as '_'), an event's title or a
 * check's name as sent; then the tag set, DogStatsD tags over influx ones.
 */
static uint64_t telegraf_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	uint64_t h = l->kind == SR_LINE_METRIC ? sr_telegraf_name_hash(&l->name)
					       : sr_key_name_hash(&l->name, 0, 0);

	return sr_line_tags_key_hash(l, h, mode);
}

/* Influx notation for metrics, "name,k=v"; DogStatsD's for events and checks. */
static size_t telegraf_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf,
				size_t cap)
{
	return sr_line_tags_key_text(l, mode, l->kind == SR_LINE_METRIC, buf, cap);
}

const struct sr_dialect_ops sr_telegraf_ops = {
	.name = "telegraf",
	.parse = telegraf_parse,
	.key_hash = telegraf_key_hash,
	.key_text = telegraf_key_text,
};
