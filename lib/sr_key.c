/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "sr_hash.h"
#include "sr_key.h"

#define SEED_NAME 0x73746174736421ull  /* "statsd!" */
#define SEED_TAGK 0x7461676b6579ull    /* "tagkey" */
#define SEED_TAGV 0x74616776616cull    /* "tagval" */

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

/* The name as the downstream stores it: Telegraf reads '.' as '_'. */
static inline uint64_t name_hash(const struct sr_line *l)
{
	if (l->name_dot_is_underscore)
		return sr_hash64_subst(l->name.p, l->name.len, SEED_NAME, '.', '_');
	return sr_hash64(l->name.p, l->name.len, SEED_NAME);
}

uint64_t sr_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	uint64_t h = name_hash(l);
	uint64_t kh[SR_MAX_TAGS];
	uint64_t sum = 0, live = 0;
	uint32_t i;

	if (mode == SR_KEY_NAME)
		return h;
	for (i = 0; i < l->n_tags; i++)
		kh[i] = sr_hash64(l->tags[i].key.p, l->tags[i].key.len, SEED_TAGK);
	for (i = 0; i < l->n_tags; i++) {
		if (l->n_tags > 1 && tag_overridden(l, kh, i))
			continue;
		/* Addition commutes: the sum does not depend on tag order. */
		sum += sr_mulfold(kh[i] ^ SR_HASH_P0,
				  sr_hash64(l->tags[i].value.p, l->tags[i].value.len, SEED_TAGV) ^
					  SR_HASH_P1);
		live++;
	}
	return sr_fmix64(h ^ sr_mulfold(sum ^ SR_HASH_P2, live ^ SR_HASH_P3));
}

/* --- canonical text (control side only) --- */

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

static void put_escaped(struct text_out *o, const struct sr_span *s, int dot_is_underscore)
{
	uint32_t i;

	for (i = 0; i < s->len; i++) {
		char c = (char)s->p[i];
		if (c == '.' && dot_is_underscore)
			c = '_';
		if (c == ',' || c == '=' || c == ' ' || c == '\\')
			put_char(o, '\\');
		put_char(o, c);
	}
}

static int span_cmp(const struct sr_span *a, const struct sr_span *b)
{
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);

	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int tag_cmp(const void *a, const void *b)
{
	const struct sr_tag *x = *(const struct sr_tag *const *)a;
	const struct sr_tag *y = *(const struct sr_tag *const *)b;

	return span_cmp(&x->key, &y->key);
}

size_t sr_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap)
{
	const struct sr_tag *live[SR_MAX_TAGS];
	uint64_t kh[SR_MAX_TAGS];
	struct text_out o = { .buf = buf, .cap = cap, .len = 0 };
	uint32_t i, n = 0;

	put_escaped(&o, &l->name, l->name_dot_is_underscore);
	if (mode == SR_KEY_NAME_TAGS) {
		for (i = 0; i < l->n_tags; i++)
			kh[i] = sr_hash64(l->tags[i].key.p, l->tags[i].key.len, SEED_TAGK);
		for (i = 0; i < l->n_tags; i++)
			if (!tag_overridden(l, kh, i))
				live[n++] = &l->tags[i];
		qsort(live, n, sizeof(live[0]), tag_cmp);
		for (i = 0; i < n; i++) {
			put_char(&o, ',');
			put_escaped(&o, &live[i]->key, 0);
			put_char(&o, '=');
			put_escaped(&o, &live[i]->value, 0);
		}
	}
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
