/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telegraf's inputs.statsd with datadog_extensions = true
 * (plugins/inputs/statsd: statsd.go parseStatsdLine/parseName, datadog.go),
 * reproduced rule for rule, quirks included, without copying the line.
 */
#include <string.h>

#include "sr_classify.h"
#include "sr_key.h"
#include "sr_line_priv.h"
#include "sr_number.h"

/* Tag ranks: Telegraf applies DogStatsD tags after the name's influx tags. */
enum { RANK_INFLUX = 0, RANK_DOGSTATSD = 1 };

/* padded: the key hash may load 16 bytes of it */
static const uint8_t tag_true[16] = "true";

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
				rc = tg_tag(l, k, sr_span_of(tag_true, 4), RANK_DOGSTATSD);
				if (rc != SR_OK)
					return rc;
				start = i + 1;
				continue;
			}
			struct sr_span v = sr_span_of(m + start, i - start);
			if (v.len == 0)
				v = sr_span_of(tag_true, 4);
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
		return tg_tag(l, sr_span_of(m + start, end - start), sr_span_of(tag_true, 4),
			      RANK_DOGSTATSD);
	if (have_k)
		return tg_tag(l, k,
			      start < end ? sr_span_of(m + start, end - start) : sr_span_of(tag_true, 4),
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
	l->name_style = SR_NAME_DOT_IS_UNDERSCORE;
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

/* One "value|type[|@rate...]" bit, as Telegraf's parseStatsdLine checks it. */
struct bit {
	struct sr_span value, type;
	uint32_t fields; /* '|'-separated fields seen */
	bool no_name;	 /* the line's name is empty */
};

static int telegraf_check_bit(const struct bit *b)
{
	const uint8_t *t = b->type.p;
	char type;

	if (b->fields < 2)
		return SR_DROP_LINE_BAD_FORMAT;
	/* Telegraf would take it, but a metric without a name cannot be stored. */
	if (b->no_name)
		return SR_DROP_LINE_BAD_NAME;
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

	while ((colon = sr_find(p, ':', n)) != NULL) {
		uint32_t piece = (uint32_t)(colon - p);
		if (b->fields == 1)
			b->value = sr_span_of(p, piece);
		else if (b->fields == 2)
			b->type = sr_span_of(p, piece);
		rc = telegraf_check_bit(b);
		if (rc != SR_OK)
			return rc;
		*b = (struct bit){ .fields = 1, .no_name = b->no_name };
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
	struct bit b = { 0 };
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

/* ---------- the common shape, read from the line's masks ---------- */

/* The usual last bit inline: a known type and a plain decimal value ("42",
 * "0.25"), which every type takes; anything else gets telegraf_check_bit. */
static inline bool fast_bit_ok(const struct bit *b)
{
	const uint8_t *t = b->type.p, *v = b->value.p;
	uint32_t i, digits = 0, dots = 0;

	if (b->fields < 2 || b->value.len == 0 || b->value.len > 18)
		return telegraf_check_bit(b) == SR_OK;
	for (i = 0; i < b->value.len; i++) {
		digits += (uint8_t)(v[i] - '0') < 10;
		dots += v[i] == '.';
	}
	if (digits && dots <= 1 && digits + dots == b->value.len &&
	    ((b->type.len == 1 &&
	      (t[0] == 'c' || t[0] == 'g' || t[0] == 'h' || t[0] == 'd' || t[0] == 's')) ||
	     (b->type.len == 2 && t[0] == 'm' && t[1] == 's')))
		return true;
	return telegraf_check_bit(b) == SR_OK;
}

/* One tag into the key as it is found (metric_type is no part of it). */
static inline void fast_tag(struct sr_key_acc *acc, struct sr_span k, struct sr_span v)
{
	if (!sr_is_metric_type(k))
		sr_key_acc_tag(acc, &k, &v);
}

/*
 * A "#k:v,bare,k2:v2" segment [s, e). Telegraf's quirks for an empty tag, an
 * empty key, or a bare tag followed by another bare one (which becomes its
 * value) are left to the full parser.
 */
static int fast_dd_tags(struct sr_key_acc *acc, const uint8_t *p, uint32_t s, uint32_t e,
			const struct sr_cls *c)
{
	sr_mask commas = c->m[SR_CLS_COMMA] & sr_mask_range(s, e);
	uint32_t ps = s;
	bool after_bare = false;

	while (ps < e) {
		uint32_t pe = commas ? sr_mask_first(commas) : e, k;
		sr_mask colons = c->m[SR_CLS_COLON] & sr_mask_range(ps, pe);

		if (pe == ps)
			return SR_FAST_DECLINED;
		if (colons == 0) {
			if (after_bare)
				return SR_FAST_DECLINED;
			fast_tag(acc, sr_span_of(p + ps, pe - ps), sr_span_of(tag_true, 4));
			after_bare = true;
		} else {
			if ((k = sr_mask_first(colons)) == ps)
				return SR_FAST_DECLINED;
			fast_tag(acc, sr_span_of(p + ps, k - ps),
				 k + 1 < pe ? sr_span_of(p + k + 1, pe - k - 1) : sr_span_of(tag_true, 4));
			after_bare = false;
		}
		commas &= commas - 1;
		ps = pe + 1;
	}
	/* "bare," at the end: Telegraf adds the bare tag twice */
	return after_bare && ps == e ? SR_FAST_DECLINED : SR_OK;
}

/*
 * "name[,k=v...]:value|type[|@rate][:value|type...][|#k:v,...][|c:id]" with
 * no white space, control or non-ASCII byte: a line sr_parse_telegraf would
 * accept, with the key sr_key_hash would give it, hashed as the tags are
 * found, without a byte loop or a tag list. Anything else (events, service
 * checks, Telegraf's tag quirks, a repeated tag key, any reject) is declined
 * and left to the full parser.
 */
int sr_parse_telegraf_fast(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			   enum sr_key_mode mode, uint64_t *key)
{
	struct sr_key_acc acc = { 0 };
	const sr_mask in = sr_mask_below(len);
	const sr_mask colons = c->m[SR_CLS_COLON] & in;
	sr_mask bars = c->m[SR_CLS_BAR] & in, head;
	struct bit b = { .fields = 1 };
	uint32_t bar, colon, s;

	if (bars == 0 || p[0] == '_' || p[0] == '#' || p[0] == ',')
		return SR_FAST_DECLINED;
	bar = sr_mask_first(bars);
	head = colons & sr_mask_below(bar);
	/* a value in the first segment, after a name that is not "c" */
	if (head == 0 || (p[0] == 'c' && p[1] == ':'))
		return SR_FAST_DECLINED;
	colon = sr_mask_first(head);
	if (colon == 0)
		return SR_FAST_DECLINED; /* no name */
	if (sr_mask_single(head))
		b.value = sr_span_of(p + colon + 1, bar - colon - 1);
	else if (telegraf_bits_text(&b, p + colon + 1, bar - colon - 1) != SR_OK)
		return SR_FAST_DECLINED;

	/* the later segments: removed ("#tags", "c:id") or fields (type, rate) */
	for (s = bar + 1;; s = bar + 1) {
		uint32_t e;

		bars &= bars - 1;
		e = bars ? sr_mask_first(bars) : len;
		if (e > s && p[s] == '#') {
			if (fast_dd_tags(&acc, p, s + 1, e, c) != SR_OK)
				return SR_FAST_DECLINED;
		} else if (e - s < 2 || p[s] != 'c' || p[s + 1] != ':') {
			if (++b.fields == 2)
				b.type = sr_span_of(p + s, e - s);
			/* several values ("1|c:2|c"): each checked as Telegraf does */
			if ((colons & sr_mask_range(s, e)) &&
			    telegraf_bits_text(&b, p + s, e - s) != SR_OK)
				return SR_FAST_DECLINED;
		}
		if (e == len)
			break;
		bar = e;
	}
	if (!fast_bit_ok(&b))
		return SR_FAST_DECLINED;

	/* the bucket: the name up to its first ',', then influx tags k=v */
	sr_mask commas = c->m[SR_CLS_COMMA] & sr_mask_below(colon);
	uint32_t end = commas ? sr_mask_first(commas) : colon;
	const struct sr_span name = sr_span_of(p, end);

	while (commas) {
		uint32_t part = end + 1, eq;
		sr_mask eqs;

		commas &= commas - 1;
		end = commas ? sr_mask_first(commas) : colon;
		eqs = c->m[SR_CLS_EQ] & sr_mask_range(part, end);
		if (eqs == 0 || (eq = sr_mask_first(eqs)) == part)
			continue; /* ignored, as parseName does */
		fast_tag(&acc, sr_span_of(p + part, eq - part), sr_span_of(p + eq + 1, end - eq - 1));
	}
	/* which of two equal keys wins, or too many tags: the full parser's call */
	if (acc.maybe_repeated || acc.live > SR_MAX_TAGS)
		return SR_FAST_DECLINED;
	const uint64_t h = sr_key_name_hash(&name, SR_NAME_DOT_IS_UNDERSCORE);
	*key = mode == SR_KEY_NAME ? sr_fmix64(h) : sr_key_combine(h, acc.sum, acc.live);
	return SR_OK;
}

int sr_parse_telegraf(const uint8_t *p, uint32_t len, struct sr_line *l)
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
