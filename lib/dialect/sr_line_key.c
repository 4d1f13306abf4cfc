/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "dialect/sr_line_key.h"

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

uint64_t sr_line_tags_key_hash(const struct sr_line *l, uint64_t name_hash, enum sr_key_mode mode)
{
	uint64_t kh[SR_MAX_TAGS];
	struct sr_key_acc acc = { 0 };
	uint32_t i;

	if (mode == SR_KEY_NAME)
		return sr_fmix64(name_hash);
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
	return sr_key_combine(name_hash, acc.sum, acc.live);
}

/* ---------- canonical text (control side only) ---------- */

static void put_span(struct sr_text_out *o, const struct sr_span *s, bool influx_escape,
		     bool dot_is_underscore)
{
	uint32_t i;

	for (i = 0; i < s->len; i++) {
		char c = (char)s->p[i];
		if (c == '.' && dot_is_underscore)
			c = '_';
		if (influx_escape && (c == ',' || c == '=' || c == ' ' || c == '\\'))
			sr_text_put(o, '\\');
		sr_text_put(o, c);
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

size_t sr_line_tags_key_text(const struct sr_line *l, enum sr_key_mode mode, bool influx, char *buf,
			     size_t cap)
{
	const struct sr_tag *live[SR_MAX_TAGS];
	uint64_t kh[SR_MAX_TAGS];
	struct sr_text_out o = { .buf = buf, .cap = cap, .len = 0 };
	uint32_t i, n = 0;

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
				sr_text_put(&o, ',');
			} else {
				sr_text_put(&o, i ? ',' : '|');
				if (!i)
					sr_text_put(&o, '#');
			}
			put_span(&o, &live[i]->key, influx, false);
			if (!live[i]->bare)
				sr_text_put(&o, '=');
			put_span(&o, &live[i]->value, influx, false);
		}
	}
	return sr_text_finish(&o);
}
