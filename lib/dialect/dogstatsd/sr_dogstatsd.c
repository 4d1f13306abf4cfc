/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Datadog Agent's DogStatsD server (comp/dogstatsd/server: parse.go,
 * parse_metrics.go, parse_events.go, parse_service_checks.go), v1.0-v1.3:
 * no trimming (a space is part of the field it is in: "c " is no type, "1 "
 * no value, "#t " the tag "t "; server.go's scanLines drops one trailing
 * '\r', as the relay's splitter does), packed values, fields after the type
 * in any order. A series is the name, the host (from a "host:" tag, the last
 * one wins) and the set of the other tags as exact strings.
 */
#include <string.h>

#include "dialect/dogstatsd/sr_dogstatsd.h"
#include "dialect/sr_dialect.h"
#include "dialect/sr_line_key.h"
#include "text/sr_number.h"
#include "text/sr_span.h"

static const uint8_t host_prefix[] = "host:";

/* Tags that the Agent takes out of the tag set: not part of the series. */
static bool origin_tag(const uint8_t *t, uint32_t n)
{
	return sr_has_prefix(t, n, "dd.internal.entity_id:") ||
	       sr_has_prefix(t, n, "dd.internal.card:") ||
	       sr_has_prefix(t, n, "dd.internal.jmx_check_name:");
}

/* "|#a,b:c,host:h" — each comma-separated string is one tag, empty ones too. */
static int dogstatsd_tags(struct sr_line *l, const uint8_t *t, uint32_t n)
{
	const uint8_t *end = t + n;
	int rc = SR_OK;

	if (n == 0)
		return SR_OK;
	for (;;) {
		const uint8_t *comma = sr_find(t, ',', (size_t)(end - t));
		uint32_t tl = (uint32_t)((comma ? comma : end) - t);
		if (sr_has_prefix(t, tl, (const char *)host_prefix))
			/* key "host:" so the last host tag overrides the others */
			rc = sr_add_tag(l, sr_span_of(t, 5), sr_span_of(t + 5, tl - 5), 0, 1);
		else if (!origin_tag(t, tl))
			rc = sr_add_tag(l, sr_span_of(t, tl), sr_span_of(t + tl, 0), 0, 1);
		if (rc != SR_OK || !comma)
			return rc;
		t = comma + 1;
	}
}

/* Every ':'-separated value must parse; empty ones are skipped; at least one. */
static bool packed_values_ok(const uint8_t *v, uint32_t n)
{
	const uint8_t *end = v + n;
	uint32_t seen = 0;

	while (v <= end) {
		const uint8_t *colon = sr_find(v, ':', (size_t)(end - v));
		uint32_t k = (uint32_t)((colon ? colon : end) - v);
		if (k) {
			if (!sr_go_float_ok(v, k))
				return false;
			seen++;
		}
		if (!colon)
			break;
		v = colon + 1;
	}
	return seen > 0;
}

static int dogstatsd_metric(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	uint32_t first = sr_field_len(p, len), tlen, pos;
	const uint8_t *colon, *value, *type;
	uint32_t vlen;
	int64_t ts;

	if (first == len)
		return SR_DROP_LINE_BAD_FORMAT; /* no '|' */
	colon = sr_find(p, ':', first);
	if (!colon)
		return SR_DROP_LINE_BAD_FORMAT;
	if (colon == p)
		return SR_DROP_LINE_BAD_NAME;
	value = colon + 1;
	vlen = first - (uint32_t)(value - p);
	if (vlen == 0)
		return SR_DROP_LINE_BAD_VALUE;
	type = p + first + 1;
	tlen = sr_field_len(type, len - first - 1);
	if (!sr_dd_known_type(sr_span_of(type, tlen)))
		return SR_DROP_LINE_UNKNOWN_TYPE;
	if (!(tlen == 1 && type[0] == 's') &&
	    !(sr_find(value, ':', vlen) ? packed_values_ok(value, vlen)
					: sr_go_float_ok(value, vlen)))
		return SR_DROP_LINE_BAD_VALUE;
	l->name = sr_span_of(p, (uint32_t)(colon - p));

	for (pos = first + 1 + tlen; pos < len;) {
		const uint8_t *f = p + pos + 1;
		uint32_t n = sr_field_len(f, len - pos - 1);
		if (n > 0 && f[0] == '#') {
			l->n_tags = 0; /* the last tag field wins */
			int rc = dogstatsd_tags(l, f + 1, n - 1);
			if (rc != SR_OK)
				return rc;
		} else if (n > 0 && f[0] == '@') {
			if (!sr_go_float_ok(f + 1, n - 1))
				return SR_DROP_LINE_BAD_RATE;
		} else if (n > 0 && f[0] == 'T') {
			if (!sr_go_int(f + 1, n - 1, &ts) || ts < 1)
				return SR_DROP_LINE_BAD_TIMESTAMP;
		}
		/* c: (container), e:, card: and unknown fields are ignored */
		pos += n + 1;
	}
	return SR_OK;
}

/* _e{title_len,text_len}:title|text|... (parse_events.go). Sharded by the title. */
static int dogstatsd_event(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	const uint8_t *colon = sr_find(p, ':', len), *comma;
	uint32_t hlen, elen;
	int64_t title_len, text_len;

	if (!colon)
		return SR_DROP_LINE_BAD_EVENT;
	hlen = (uint32_t)(colon - p);
	elen = len - hlen - 1;
	if (hlen < 7)
		return SR_DROP_LINE_BAD_EVENT;
	/* lengths: header[3 : len-1], split at the first ',' */
	comma = sr_find(p + 3, ',', hlen - 4);
	if (!comma || !sr_go_int(p + 3, (uint32_t)(comma - p - 3), &title_len) || title_len <= 0 ||
	    !sr_go_int(comma + 1, (uint32_t)(colon - 1 - comma - 1), &text_len) || text_len < 0)
		return SR_DROP_LINE_BAD_EVENT;
	if (title_len > elen || text_len > elen || title_len + 1 + text_len > elen)
		return SR_DROP_LINE_BAD_EVENT;
	l->name = sr_span_of(colon + 1, (uint32_t)title_len);
	l->kind = SR_LINE_EVENT;
	return SR_OK;
}

/* _sc|name|status|... (parse_service_checks.go): status exactly 0-3. */
static int dogstatsd_service_check(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	uint32_t bars = 0, i, n, s;
	const uint8_t *name, *status;

	for (i = 0; i < len; i++)
		bars += p[i] == '|';
	if (bars < 2 || len < 4)
		return SR_DROP_LINE_BAD_SERVICE_CHECK;
	name = p + 4; /* the fourth byte is dropped unchecked, as the Agent does */
	n = sr_field_len(name, len - 4);
	if (n == 0 || n == len - 4)
		return SR_DROP_LINE_BAD_SERVICE_CHECK;
	status = name + n + 1;
	s = sr_field_len(status, len - 4 - n - 1);
	if (s != 1 || status[0] < '0' || status[0] > '3')
		return SR_DROP_LINE_BAD_SERVICE_CHECK;
	l->name = sr_span_of(name, n);
	l->kind = SR_LINE_SERVICE_CHECK;
	return SR_OK;
}

static int dogstatsd_parse(const uint8_t *p, uint32_t len, struct sr_line *l)
{
	if (sr_has_prefix(p, len, "_e{"))
		return dogstatsd_event(p, len, l);
	if (sr_has_prefix(p, len, "_sc"))
		return dogstatsd_service_check(p, len, l);
	return dogstatsd_metric(p, len, l);
}

/* The Agent keys a series by the exact tag strings: the name as sent. */
static uint64_t dogstatsd_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	return sr_line_tags_key_hash(l, sr_key_name_hash(&l->name, 0, 0), mode);
}

static size_t dogstatsd_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf,
				 size_t cap)
{
	return sr_line_tags_key_text(l, mode, false, buf, cap);
}

const struct sr_dialect_ops sr_dogstatsd_ops = {
	.name = "dogstatsd",
	.parse = dogstatsd_parse,
	.key_hash = dogstatsd_key_hash,
	.key_text = dogstatsd_key_text,
};
