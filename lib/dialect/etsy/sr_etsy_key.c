/* SPDX-License-Identifier: BSD-3-Clause */
/* Etsy statsd's series key: its sanitizeKeyName over "name;tag;...". */
#include <stdlib.h>
#include <string.h>

#include "dialect/etsy/sr_etsy.h"
#include "dialect/sr_line_key.h"
#include "shard/sr_hash.h"
#include "text/sr_space.h"

#define SEED_ETSY 0x657473796b6579ull /* "etsykey" */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

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
	bool semi = is_tag, colon = is_tag;
	uint32_t i = 0, n = sp->len;
	const uint8_t *p = sp->p;

	while (i < n) {
		uint8_t c = p[i];
		uint32_t k = 0;

		/* JS's \s (sr_js_space_len): U+0085 is no space, and is dropped below */
		if (c == ' ' || c >= 0x80)
			k = sr_js_space_len(p + i, n - i, false);
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

uint64_t sr_etsy_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	struct etsy_sink s = { 0 };

	etsy_run(l, mode, &s);
	return mode == SR_KEY_NAME ? s.name_h : sr_key_combine(s.name_h, s.sum, s.count);
}

/* ---------- canonical text (control side only) ---------- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t etsy_text(const struct sr_line *l, enum sr_key_mode mode, struct sr_text_out *o)
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
			sr_text_put(o, ';');
		for (c = parts[i]; *c; c++)
			sr_text_put(o, *c);
	}
out:
	free(raw);
	free(s.starts);
	free(parts);
	return o->len;
}

size_t sr_etsy_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap)
{
	struct sr_text_out o = { .buf = buf, .cap = cap, .len = 0 };

	etsy_text(l, mode, &o);
	return sr_text_finish(&o);
}
