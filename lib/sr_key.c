/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "sr_hash.h"
#include "sr_key.h"
#include "sr_line_priv.h"
#include "sr_overread.h"

#define SEED_ETSY 0x657473796b6579ull /* "etsykey" */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull


/* ---------- Etsy: the key is statsd's sanitizeKeyName("name;tag;...") ---------- */

/*
 * statsd builds "name;t1;t2" (each tag's first ';' -> '_', first ':' -> '='),
 * then turns white-space runs into '_', '/' into '-' and drops every other
 * character outside [A-Za-z0-9_.;=-]. The sanitised text is streamed here,
 * never built: split at ';' into the name and the tags, each hashed (FNV-1a
 * byte by byte, then mixed); tag hashes are summed so their order is free.
 */
struct etsy_sink {
	uint64_t h, name_h, sum, count;
	uint32_t component;
	bool in_space;
	/* canonical text (control side): components written here when set */
	char *text;
	size_t cap, len;
	uint32_t *starts; /* start offset of each component in text */
	uint32_t max_components;
};

static void etsy_end_component(struct etsy_sink *s)
{
	uint64_t h = sr_fmix64(s->h ^ SEED_ETSY);

	if (s->component == 0)
		s->name_h = h;
	else {
		s->sum += h;
		s->count++;
	}
	s->component++;
	s->h = FNV_OFFSET;
	if (s->text) {
		/* every component ends in a NUL; only the first max_components are listed */
		if (s->len < s->cap)
			s->text[s->len] = '\0';
		s->len++;
		if (s->component < s->max_components)
			s->starts[s->component] = (uint32_t)s->len;
	}
}

static void etsy_emit(struct etsy_sink *s, uint8_t c)
{
	if (c == ';') {
		etsy_end_component(s);
		return;
	}
	s->h = (s->h ^ c) * FNV_PRIME;
	if (s->text) {
		if (s->len < s->cap)
			s->text[s->len] = (char)c;
		s->len++;
	}
}

static bool etsy_keeps(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ';' || c == '=';
}

static void etsy_feed(struct etsy_sink *s, const struct sr_span *sp, bool is_tag)
{
	static const uint8_t bom[] = { 0xef, 0xbb, 0xbf };
	bool semi = is_tag, colon = is_tag;
	uint32_t i = 0, n = sp->len;
	const uint8_t *p = sp->p;

	while (i < n) {
		uint8_t c = p[i];
		uint32_t k = 0;

		if (c == ' ' || c >= 0x80) {
			k = sr_space_len(p + i, n - i, false);
			if (!k && n - i >= 3 && memcmp(p + i, bom, 3) == 0)
				k = 3;
		}
		if (k) {
			if (!s->in_space)
				etsy_emit(s, '_');
			s->in_space = true;
			i += k;
			continue;
		}
		s->in_space = false;
		if (c >= 0x80) { /* valid UTF-8 (checked before): skip the whole character */
			i += c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			continue;
		}
		if (c == ';' && semi) {
			semi = false;
			c = '_';
		} else if (c == ':' && colon) {
			colon = false;
			c = '=';
		} else if (c == '/') {
			c = '-';
		}
		if (etsy_keeps(c))
			etsy_emit(s, c);
		i++;
	}
}

static void etsy_run(const struct sr_line *l, enum sr_key_mode mode, struct etsy_sink *s)
{
	uint32_t i;

	s->h = FNV_OFFSET;
	etsy_feed(s, &l->name, false);
	if (mode == SR_KEY_NAME_TAGS)
		for (i = 0; i < l->n_tags; i++) {
			etsy_emit(s, ';');
			etsy_feed(s, &l->tags[i].key, true);
		}
	etsy_end_component(s);
}

/* ---------- name + tag set ---------- */

#define B(n) (~0ull >> (64 - 8 * (n))) /* the low n bytes, n = 1..8 */
const uint64_t sr_key_keep[17][2] = {
	{ 0, 0 },	{ B(1), 0 },	{ B(2), 0 },	{ B(3), 0 },	{ B(4), 0 },	{ B(5), 0 },
	{ B(6), 0 },	{ B(7), 0 },	{ B(8), 0 },	{ B(8), B(1) }, { B(8), B(2) }, { B(8), B(3) },
	{ B(8), B(4) }, { B(8), B(5) }, { B(8), B(6) }, { B(8), B(7) }, { B(8), B(8) },
};
#undef B

uint64_t sr_key_part_hash_slow(const struct sr_span *s, uint64_t seed)
{
	uint8_t w[16] = { 0 };

	if (s->len > 16)
		return sr_hash64_part(s->p, s->len, seed);
	memcpy(w, s->p, s->len); /* near a page's end: the same words, copied */
	return sr_key_short_hash(w, s->len, seed);
}

static inline int span_eq(const struct sr_span *a, const struct sr_span *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Is tag i overridden by a later or higher-ranked tag with the same key? */
static int tag_overridden(const struct sr_line *l, const uint64_t *kh, uint32_t i)
{
	uint32_t j;

	for (j = 0; j < l->n_tags; j++) {
		if (j == i || kh[j] != kh[i] || !span_eq(&l->tags[j].key, &l->tags[i].key))
			continue;
		if (l->tags[j].rank > l->tags[i].rank ||
		    (l->tags[j].rank == l->tags[i].rank && j > i))
			return 1;
	}
	return 0;
}

uint64_t sr_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	uint64_t kh[SR_MAX_TAGS];
	struct sr_key_acc acc = { 0 };
	uint64_t h;
	uint32_t i;

	if (l->name_style == SR_NAME_ETSY) {
		struct etsy_sink s = { 0 };
		etsy_run(l, mode, &s);
		return mode == SR_KEY_NAME ? s.name_h : sr_key_combine(s.name_h, s.sum, s.count);
	}
	h = sr_key_name_hash(&l->name, l->name_style);
	if (mode == SR_KEY_NAME)
		return sr_fmix64(h);
	for (i = 0; i < l->n_tags; i++)
		kh[i] = sr_key_acc_tag(&acc, &l->tags[i].key, &l->tags[i].value);
	if (acc.maybe_repeated) { /* again, leaving out overridden tags */
		acc.sum = acc.live = 0;
		for (i = 0; i < l->n_tags; i++) {
			if (tag_overridden(l, kh, i))
				continue;
			acc.sum += sr_key_value_hash(kh[i], &l->tags[i].value);
			acc.live++;
		}
	}
	return sr_key_combine(h, acc.sum, acc.live);
}

/* ---------- canonical text (control side only) ---------- */

struct text_out {
	char *buf;
	size_t cap, len;
};

static void put_char(struct text_out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_span(struct text_out *o, const struct sr_span *s, bool influx_escape,
		     bool dot_is_underscore)
{
	uint32_t i;

	for (i = 0; i < s->len; i++) {
		char c = (char)s->p[i];
		if (c == '.' && dot_is_underscore)
			c = '_';
		if (influx_escape && (c == ',' || c == '=' || c == ' ' || c == '\\'))
			put_char(o, '\\');
		put_char(o, c);
	}
}

static int cmp_span(const struct sr_span *a, const struct sr_span *b)
{
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int tag_cmp(const void *a, const void *b)
{
	const struct sr_tag *x = *(const struct sr_tag *const *)a;
	const struct sr_tag *y = *(const struct sr_tag *const *)b;
	int c = cmp_span(&x->key, &y->key);

	return c ? c : cmp_span(&x->value, &y->value);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t etsy_text(const struct sr_line *l, enum sr_key_mode mode, struct text_out *o)
{
	struct etsy_sink s = { 0 };
	size_t raw_cap = l->name.len + 16;
	const char **parts = NULL;
	char *raw = NULL;
	uint32_t i, n;

	/* Sanitising never lengthens: the input's size bounds text and components. */
	for (i = 0; i < l->n_tags; i++)
		raw_cap += l->tags[i].key.len + 1;
	raw = malloc(raw_cap);
	s.starts = malloc(raw_cap * sizeof(*s.starts));
	parts = malloc(raw_cap * sizeof(*parts));
	if (!raw || !s.starts || !parts)
		goto out;
	raw[raw_cap - 1] = '\0';
	s.text = raw;
	s.cap = raw_cap;
	s.max_components = (uint32_t)raw_cap;
	s.starts[0] = 0;
	etsy_run(l, mode, &s);
	n = s.component < s.max_components ? s.component : s.max_components;
	for (i = 0; i < n; i++)
		parts[i] = raw + s.starts[i];
	if (n > 1)
		qsort(parts + 1, n - 1, sizeof(parts[0]), str_cmp);
	for (i = 0; i < n; i++) {
		const char *c;
		if (i)
			put_char(o, ';');
		for (c = parts[i]; *c; c++)
			put_char(o, *c);
	}
out:
	free(raw);
	free(s.starts);
	free(parts);
	return o->len;
}

size_t sr_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap)
{
	const struct sr_tag *live[SR_MAX_TAGS];
	uint64_t kh[SR_MAX_TAGS];
	struct text_out o = { .buf = buf, .cap = cap, .len = 0 };
	bool influx = l->name_style == SR_NAME_DOT_IS_UNDERSCORE;
	uint32_t i, n = 0;

	if (l->name_style == SR_NAME_ETSY) {
		etsy_text(l, mode, &o);
		goto out;
	}
	/* Telegraf: influx notation name,k=v; DogStatsD: name|#tag,tag */
	put_span(&o, &l->name, influx, influx);
	if (mode == SR_KEY_NAME_TAGS) {
		for (i = 0; i < l->n_tags; i++)
			kh[i] = sr_key_part_hash(&l->tags[i].key, SR_KEY_SEED_TAGK);
		for (i = 0; i < l->n_tags; i++)
			if (!tag_overridden(l, kh, i))
				live[n++] = &l->tags[i];
		qsort(live, n, sizeof(live[0]), tag_cmp);
		for (i = 0; i < n; i++) {
			if (influx) {
				put_char(&o, ',');
			} else {
				put_char(&o, i ? ',' : '|');
				if (!i)
					put_char(&o, '#');
			}
			put_span(&o, &live[i]->key, influx, false);
			if (!live[i]->bare)
				put_char(&o, '=');
			put_span(&o, &live[i]->value, influx, false);
		}
	}
out:
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
