/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_key_hash / sr_key_text over lines parsed by the Telegraf dialect: equal
 * series (for Telegraf) must get equal keys, different ones different keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"

static const struct sr_parse_cfg telegraf = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 8192 };

/* A parsed line and the heap copy its spans point into. */
struct parsed {
	uint8_t *buf;
	struct sr_line l;
};

static void parse_into(struct parsed *pl, const char *s, size_t n)
{
	int rc;

	pl->buf = malloc(n ? n : 1);
	assert_non_null(pl->buf);
	memcpy(pl->buf, s, n);
	rc = sr_line_parse(&telegraf, pl->buf, (uint32_t)n, &pl->l);
	if (rc != SR_OK)
		fail_msg("\"%.*s\" does not parse: %s", (int)n, s, sr_drop_names[rc]);
}

static uint64_t hash_mode(const char *s, enum sr_key_mode mode)
{
	struct parsed pl;
	uint64_t h;

	parse_into(&pl, s, strlen(s));
	h = sr_line_key_hash(&pl.l, mode);
	free(pl.buf);
	return h;
}

static uint64_t hash_of(const char *s)
{
	return hash_mode(s, SR_KEY_NAME_TAGS);
}

/* The canonical text of s (static buffer), also checking the returned length. */
static const char *text_mode(const char *s, enum sr_key_mode mode)
{
	static char out[8192];
	struct parsed pl;
	size_t n;

	parse_into(&pl, s, strlen(s));
	n = sr_line_key_text(&pl.l, mode, out, sizeof(out));
	free(pl.buf);
	assert_int_equal(n, strlen(out));
	return out;
}

static const char *text_of(const char *s)
{
	return text_mode(s, SR_KEY_NAME_TAGS);
}

static void assert_same_key(const char *a, const char *b)
{
	char ta[8192];

	if (hash_of(a) != hash_of(b))
		fail_msg("\"%s\" and \"%s\" should share a key", a, b);
	snprintf(ta, sizeof(ta), "%s", text_of(a));
	if (strcmp(ta, text_of(b)) != 0)
		fail_msg("texts differ: \"%s\" / \"%s\"", ta, text_of(b));
}

static void assert_other_key(const char *a, const char *b)
{
	char ta[8192];

	if (hash_of(a) == hash_of(b))
		fail_msg("\"%s\" and \"%s\" should have different keys", a, b);
	snprintf(ta, sizeof(ta), "%s", text_of(a));
	if (strcmp(ta, text_of(b)) == 0)
		fail_msg("same text \"%s\" for different series", ta);
}

SR_TEST_RNG(0xda3e39cb94b95bdbull)

/* --- equal series --- */

static void test_tag_order_independent(void **state)
{
	(void)state;
	assert_same_key("a:1|c|#x:1,y:2", "a:1|c|#y:2,x:1");
	assert_same_key("a,x=1,y=2:1|c", "a,y=2,x=1:5|g|@0.1");
	assert_same_key("a,x=1,y=2,z=3:1|c", "a,z=3,x=1,y=2:1|c");
	assert_same_key("a:1|c|#x:1|#y:2", "a:1|c|#y:2|#x:1");
	assert_same_key("a:1|c|#x:1,y:2,z:3,w:4", "a:1|c|#w:4|#z:3,y:2|@0.5|#x:1");
}

static void test_tag_style_independent(void **state)
{
	(void)state;
	assert_same_key("a,x=1:1|c", "a:1|c|#x:1");
	assert_same_key("a,x=1,y=2:1|c", "a,y=2:1|c|#x:1");
	assert_same_key("a,x=1,y=2:1|c", "a:1|c|#x:1,y:2");
	assert_same_key("#x:1|a:1|c", "a,x=1:1|c");
	/* A valueless DogStatsD tag is "true". */
	assert_same_key("a:1|c|#foo", "a:1|c|#foo:true");
	assert_same_key("a:1|c|#foo", "a,foo=true:1|c");
	assert_same_key("a:1|c|#foo:", "a,foo=true:1|c");
}

static void test_duplicate_tag_keys(void **state)
{
	(void)state;
	/* The last one wins within a style... */
	assert_same_key("a:1|c|#x:1,x:2", "a:1|c|#x:2");
	assert_same_key("a,x=1,x=2:1|c", "a,x=2:1|c");
	assert_same_key("a:1|c|#x:1|#x:2", "a:1|c|#x:2");
	/* ...and DogStatsD tags beat the name's, wherever they are. */
	assert_same_key("a,x=1:1|c|#x:2", "a:1|c|#x:2");
	assert_same_key("#x:2|a,x=1:1|c", "a:1|c|#x:2");
	assert_same_key("a,x=2:1|c|#x:1", "a:1|c|#x:1");
	assert_other_key("a,x=1:1|c|#x:2", "a,x=1:1|c");
	/* Telegraf's "a,b,c" quirk: a = b. */
	assert_same_key("a:1|c|#a,b,c", "a:1|c|#a:b,c");
	/* Same key and value twice is one tag. */
	assert_same_key("a:1|c|#x:1,x:1", "a:1|c|#x:1");
	assert_same_key("a,x=1,x=1:1|c|#x:1", "a:1|c|#x:1");
}

static void test_value_type_rate_do_not_matter(void **state)
{
	static const char *const same[] = {
		"m,k=v:1|c",	 "m,k=v:5|g",	  "m,k=v:-2|g|@0.1", "m,k=v:2.5|ms|@0.1",
		"m,k=v:xyz|s",	 "m,k=v:1|c:2|g", "m,k=v:3|h|T1",    "m,k=v:4|d|c:ctr",
		"  m,k=v:1|c  ", "m:1|c|#k:v",	  "m:9|ms|@1|#k:v",  "m,k=v:1|c|@oops",
	};
	uint64_t h = hash_of(same[0]);
	size_t i;

	(void)state;
	for (i = 1; i < sizeof(same) / sizeof(same[0]); i++)
		if (hash_of(same[i]) != h)
			fail_msg("\"%s\" differs from \"%s\"", same[i], same[0]);
}

/* Telegraf's default template: the name up to its first space, '.' as '_'. */
static void test_name_as_telegraf_stores_it(void **state)
{
	(void)state;
	assert_same_key("a.b:1|c", "a_b:1|c");
	assert_same_key("a.b.c,x=y:1|c", "a_b_c:1|c|#x:y");
	assert_same_key("very.long.metric.name.with.dots.0123456789:1|c",
			"very_long_metric_name_with_dots_0123456789:1|c");
	assert_same_key("a b:1|c", "a:1|c");
	assert_same_key("a\xc2\xa0x:1|c", "a:1|c");
	assert_other_key("a.b:1|c", "a-b:1|c");
	assert_other_key("a.b:1|c", "ab:1|c");
	/* Dots in tags stay dots. */
	assert_other_key("a:1|c|#k.x:v", "a:1|c|#k_x:v");
	assert_other_key("a:1|c|#k:v.w", "a:1|c|#k:v_w");
	assert_string_equal(text_of("a.b:1|c|#k.x:v.y"), "a_b,k.x=v.y");
}

/* Names of every length 1..40 with dots anywhere hash like their '_' spelling. */
static void test_dot_names_property(void **state)
{
	char a[64], b[64], line_a[80], line_b[80];
	uint32_t iter, len, i;

	(void)state;
	for (iter = 0; iter < 4000; iter++) {
		len = 1 + (uint32_t)(rnd() % 40);
		for (i = 0; i < len; i++) {
			uint64_t r = rnd();
			a[i] = r % 3 == 0 ? '.' : (char)('a' + (r >> 8) % 26);
			b[i] = a[i] == '.' ? '_' : a[i];
		}
		a[len] = b[len] = '\0';
		/* "m" first: a bare "c" would be a container id, "_e" an event */
		snprintf(line_a, sizeof(line_a), "m%s:1|c", a);
		snprintf(line_b, sizeof(line_b), "m%s:1|c", b);
		if (hash_of(line_a) != hash_of(line_b))
			fail_msg("\"%s\" vs \"%s\"", a, b);
		if (hash_mode(line_a, SR_KEY_NAME) != hash_mode(line_b, SR_KEY_NAME))
			fail_msg("name mode: \"%s\" vs \"%s\"", a, b);
	}
}

/* --- different series --- */

static void test_different_series(void **state)
{
	(void)state;
	assert_other_key("a:1|c", "b:1|c");
	assert_other_key("a:1|c", "aa:1|c");
	assert_other_key("a,x=1:1|c", "a,x=2:1|c");
	assert_other_key("a,x=1:1|c", "a,y=1:1|c");
	assert_other_key("a,x=1:1|c", "a:1|c");
	assert_other_key("a,x=1:1|c", "a,x=1,y=2:1|c");
	assert_other_key("a,x=:1|c", "a:1|c"); /* empty value is still a tag */
	assert_other_key("a,x=:1|c", "a:1|c|#x");
	assert_other_key("ab:1|c", "a:1|c|#b");
	assert_other_key("a:1|c|#x:1,y:2", "a:1|c|#x:2,y:1"); /* values swapped */
	assert_other_key("a:1|c|#xy:1", "a:1|c|#x:y1");
	assert_other_key("a:1|c|#x:1", "x:1|c|#a:1");
	assert_other_key("a:1|c|#x:1,x:2", "a:1|c|#x:1");
	assert_other_key("a:1|c|#A:1", "a:1|c|#a:1");
	assert_other_key("a,k=v:1|c", "a,k=v|x:1|c");
}

static void test_name_mode_ignores_tags(void **state)
{
	(void)state;
	assert_int_equal(hash_mode("a,x=1:1|c", SR_KEY_NAME), hash_mode("a:1|c|#y:2", SR_KEY_NAME));
	assert_int_equal(hash_mode("a:1|c", SR_KEY_NAME),
			 hash_mode("a,x=1,y=2:1|c|#z", SR_KEY_NAME));
	assert_int_equal(hash_mode("a.b:1|c", SR_KEY_NAME), hash_mode("a_b,k=v:1|g", SR_KEY_NAME));
	assert_true(hash_mode("a:1|c", SR_KEY_NAME) != hash_mode("b:1|c", SR_KEY_NAME));
	assert_string_equal(text_mode("a,x=1:1|c|#y:2", SR_KEY_NAME), "a");
	assert_string_equal(text_mode("a.b:1|c|#y:2", SR_KEY_NAME), "a_b");
	/* A line without tags: both texts are the name. */
	assert_string_equal(text_of("a:1|c"), "a");
	assert_string_equal(text_mode("a:1|c", SR_KEY_NAME), "a");
}

/* --- canonical text --- */

static void test_canonical_text(void **state)
{
	(void)state;
	assert_string_equal(text_of("a:1|c"), "a");
	assert_string_equal(text_of("a,y=2,x=1:1|c"), "a,x=1,y=2");
	assert_string_equal(text_of("a:1|c|#y:2,x:1"), "a,x=1,y=2");
	assert_string_equal(text_of("a,x=1:1|c|#x:2"), "a,x=2");
	assert_string_equal(text_of("a:1|c|#foo"), "a,foo=true");
	assert_string_equal(text_of("a,b=1,ab=2,a=3,B=4:1|c"), "a,B=4,a=3,ab=2,b=1");
	assert_string_equal(text_of("a,k=:1|c"), "a,k=");
	/* Influx escaping of ',', '=', ' ' and '\'. */
	assert_string_equal(text_of("a:1|c|#k:x y"), "a,k=x\\ y");
	assert_string_equal(text_of("a:1|c|#k:x=y"), "a,k=x\\=y");
	assert_string_equal(text_of("a:1|c|#k=1:v"), "a,k\\=1=v");
	assert_string_equal(text_of("a:1|c|#k k:v"), "a,k\\ k=v");
	assert_string_equal(text_of("a:1|c|#k:a\\b"), "a,k=a\\\\b");
	assert_string_equal(text_of("a,k=v=w:1|c"), "a,k=v\\=w");
	assert_string_equal(text_of("a=b:1|c"), "a\\=b");
	assert_string_equal(text_of("a\\b:1|c"), "a\\\\b");
	/* UTF-8 passes through... */
	assert_string_equal(text_of("m\xc3\xa9t,\xe6\x8c\x87=\xf0\x9f\x98\x80:1|c"),
			    "m\xc3\xa9t,\xe6\x8c\x87=\xf0\x9f\x98\x80");
	/* ...but Telegraf keeps only the first byte of a '#' segment's last character */
	assert_string_equal(text_of("m\xc3\xa9t:1|c|#\xe6\x8c\x87:\xf0\x9f\x98\x80"),
			    "m\xc3\xa9t,\xe6\x8c\x87=\xf0");
}

static void test_text_truncation(void **state)
{
	struct parsed pl;
	char buf[32];
	size_t n;

	(void)state;
	parse_into(&pl, "abc,x=1:1|c", 11); /* "abc,x=1": 7 bytes */

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_string_equal(buf, "abc,x=1");

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, 4);
	assert_int_equal(n, 7); /* the full length */
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], '#'); /* nothing written past cap */

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, 7); /* one short for the NUL */
	assert_int_equal(n, 7);
	assert_string_equal(buf, "abc,x=");
	assert_int_equal(buf[7], '#');

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, 8);
	assert_int_equal(n, 7);
	assert_string_equal(buf, "abc,x=1");

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, 1);
	assert_int_equal(n, 7);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');

	memset(buf, '#', sizeof(buf));
	n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, 0);
	assert_int_equal(n, 7);
	assert_int_equal(buf[0], '#'); /* cap 0: nothing written at all */

	/* An escape is never split from its character's count. */
	free(pl.buf);
	parse_into(&pl, "a:1|c|#k:x y", 12); /* "a,k=x\ y": 8 bytes */
	for (size_t cap = 0; cap <= 10; cap++) {
		memset(buf, '#', sizeof(buf));
		n = sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, buf, cap);
		assert_int_equal(n, 8);
		if (cap)
			assert_int_equal(strlen(buf), cap - 1 < 8 ? cap - 1 : 8);
		assert_int_equal(buf[cap], '#');
	}
	free(pl.buf);
}

/* --- properties --- */

struct tag_kv {
	char k[12], v[12];
};

static void rand_word(char *w, size_t max)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";
	size_t n = 1 + (size_t)(rnd() % (max - 1)), i;

	for (i = 0; i < n; i++)
		w[i] = chars[rnd() % (sizeof(chars) - 1)];
	w[n] = '\0';
}

/* The line for name + tags in the given order, each tag in a random style. */
static size_t build_line(char *out, size_t cap, const char *name, const struct tag_kv *t,
			 const uint32_t *order, uint32_t n)
{
	char influx[2048] = "", dd[2048] = "";
	size_t ni = 0, nd = 0;
	uint32_t i;
	int dd_segments = 0;

	for (i = 0; i < n; i++) {
		const struct tag_kv *kv = &t[order[i]];
		switch (rnd() % 3) {
		case 0:
			ni += (size_t)snprintf(influx + ni, sizeof(influx) - ni, ",%s=%s", kv->k,
					       kv->v);
			break;
		case 1: /* continue the current '#' segment or start one */
			nd += (size_t)snprintf(dd + nd, sizeof(dd) - nd, "%s%s:%s",
					       nd && (rnd() & 1) ? "," : "|#", kv->k, kv->v);
			dd_segments++;
			break;
		default:
			nd += (size_t)snprintf(dd + nd, sizeof(dd) - nd, "|#%s:%s", kv->k, kv->v);
			dd_segments++;
			break;
		}
	}
	return (size_t)snprintf(out, cap, "%s%s:%u|%s%s", name, influx, (unsigned)(rnd() % 100),
				rnd() & 1 ? "c" : "ms|@0.5", dd);
}

static void test_property_permutations(void **state)
{
	char line[4096], text0[4096];
	struct tag_kv tags[16];
	uint32_t order[16];
	uint32_t set, perm, n, i, j;

	(void)state;
	for (set = 0; set < 200; set++) {
		char name[16];
		uint64_t h0 = 0;

		name[0] = 'm'; /* not "c" (a container id) nor "_e..." (an event) */
		rand_word(name + 1, sizeof(name) - 1);
		n = (uint32_t)(rnd() % 16);
		for (i = 0; i < n; i++) {
			do { /* unique keys: otherwise the order matters */
				rand_word(tags[i].k, sizeof(tags[i].k));
				for (j = 0; j < i && strcmp(tags[j].k, tags[i].k); j++)
					;
			} while (j < i);
			rand_word(tags[i].v, sizeof(tags[i].v));
		}
		for (perm = 0; perm < 20; perm++) {
			struct parsed pl;
			uint64_t h;
			size_t len;

			for (i = 0; i < n; i++)
				order[i] = i;
			for (i = n; i > 1; i--) { /* Fisher-Yates */
				uint32_t k = (uint32_t)(rnd() % i), t = order[i - 1];
				order[i - 1] = order[k];
				order[k] = t;
			}
			len = build_line(line, sizeof(line), name, tags, order, n);
			parse_into(&pl, line, len);
			assert_int_equal(pl.l.n_tags, n);
			h = sr_line_key_hash(&pl.l, SR_KEY_NAME_TAGS);
			if (perm == 0) {
				h0 = h;
				sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, text0, sizeof(text0));
			} else {
				char t[4096];
				sr_line_key_text(&pl.l, SR_KEY_NAME_TAGS, t, sizeof(t));
				if (h != h0 || strcmp(t, text0) != 0) {
					free(pl.buf);
					fail_msg(
						"set %u: \"%s\" keyed apart from its first permutation",
						set, line);
				}
			}
			free(pl.buf);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* 100k distinct series: no two share a 64-bit key. */
static void test_property_no_collisions(void **state)
{
	enum { N = 100000 };
	uint64_t *h = malloc(N * sizeof(*h));
	char line[256];
	uint32_t i;

	(void)state;
	assert_non_null(h);
	for (i = 0; i < N; i++) {
		struct parsed pl;
		size_t len;

		/* Distinct by construction: i is in the name, a tag key or a tag value. */
		switch (i % 4) {
		case 0:
			len = (size_t)snprintf(line, sizeof(line), "app.req.%u:1|c", i);
			break;
		case 1:
			len = (size_t)snprintf(line, sizeof(line), "app.req,host=h%u:1|c", i);
			break;
		case 2:
			len = (size_t)snprintf(line, sizeof(line),
					       "app.req:1|c|#env:prod,shard:%u,region:eu", i);
			break;
		default:
			len = (size_t)snprintf(line, sizeof(line), "app.req,dc=x:1|c|#t%u", i);
			break;
		}
		parse_into(&pl, line, len);
		h[i] = sr_line_key_hash(&pl.l, SR_KEY_NAME_TAGS);
		free(pl.buf);
	}
	qsort(h, N, sizeof(*h), cmp_u64);
	for (i = 1; i < N; i++)
		if (h[i] == h[i - 1]) {
			free(h);
			fail_msg("64-bit key collision among %d distinct series", N);
		}
	free(h);
}

/* Hash bits are balanced: each of the 64 bits is set in 45..55% of 20k keys. */
static void test_property_bit_balance(void **state)
{
	enum { N = 20000 };
	uint32_t ones[64] = { 0 };
	char line[64];
	uint32_t i, b;

	(void)state;
	for (i = 0; i < N; i++) {
		uint64_t h;
		snprintf(line, sizeof(line), "m:1|c|#k:%u", i);
		h = hash_of(line);
		for (b = 0; b < 64; b++)
			ones[b] += (uint32_t)(h >> b) & 1;
	}
	for (b = 0; b < 64; b++)
		if (ones[b] < N * 45 / 100 || ones[b] > N * 55 / 100)
			fail_msg("bit %u set in %u of %d keys", b, ones[b], N);
}

/* The key does not depend on where the line sits in memory. */
static void test_position_independent(void **state)
{
	const char *s = "svc.latency,host=a:12|ms|#env:prod,zone:b";
	size_t n = strlen(s), off;
	uint64_t h = hash_of(s);

	(void)state;
	for (off = 0; off < 16; off++) {
		uint8_t *block = malloc(n + off);
		struct sr_line l;
		assert_non_null(block);
		memcpy(block + off, s, n);
		assert_int_equal(sr_line_parse(&telegraf, block + off, (uint32_t)n, &l), SR_OK);
		assert_true(sr_line_key_hash(&l, SR_KEY_NAME_TAGS) == h);
		free(block);
	}
}

/*
 * Regression (fixed) (see test_line.c): Telegraf truncates a '#' segment's last
 * multibyte character to its first byte ("for i = range message" in
 * parseDataDogTags), so "#k:é" and "#k:è" are both k = "\xc3": one series in
 * Telegraf, two keys (likely two shards) here.
 */
static void test_regression_dd_last_rune_same_series(void **state)
{
	(void)state;
	assert_int_equal(hash_of("a:1|c|#k:\xc3\xa9"), hash_of("a:1|c|#k:\xc3\xa8"));
}

/*
 * Regression (fixed): Telegraf sets the "metric_type" tag of every metric itself
 * (statsd.go: m.tags["metric_type"] = "counter" / "gauge" / ...) after the
 * name's influx tags were read, so an influx metric_type tag is overwritten:
 * "a,metric_type=x:1|c" is the same Telegraf series as "a:1|c" (tags
 * {metric_type=counter}); the relay keys them apart. (A DogStatsD
 * "#metric_type:counter" is applied after it, and then matches too.)
 */
static void test_regression_influx_metric_type_tag_overwritten(void **state)
{
	(void)state;
	assert_int_equal(hash_of("a,metric_type=x:1|c"), hash_of("a:1|c"));
	assert_int_equal(hash_of("a:1|c|#metric_type:counter"), hash_of("a:1|c"));
}

/*
 * Regression (fixed), found by fuzz_line (tests/fuzz/regressions/fuzz_line/
 * etsy-text-many-components): an etsy key whose ';' make more components
 * than the text builder listed left a component without its NUL, and the
 * sort read past the buffer.
 */
static void test_regression_etsy_text_many_components(void **state)
{
	struct sr_parse_cfg cfg = { .dialect = SR_DIALECT_ETSY, .max_line = 8972 };
	static struct sr_line l;
	static char line[4096], text[8192];
	size_t n = 0, len;
	int i;

	(void)state;
	n += (size_t)snprintf(line, sizeof(line), "fc=,dr---=--");
	for (i = 0; i < 1500; i++)
		line[n++] = i % 7 ? ';' : 'x';
	n += (size_t)snprintf(line + n, sizeof(line) - n, ":1|c|#a;b;c,d:e;f");
	uint8_t *buf = malloc(n);
	memcpy(buf, line, n);
	assert_int_equal(sr_line_parse(&cfg, buf, (uint32_t)n, &l), SR_OK);
	len = sr_line_key_text(&l, SR_KEY_NAME_TAGS, text, sizeof(text));
	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, "fc=dr---=--x;", 13), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_order_independent),
		cmocka_unit_test(test_tag_style_independent),
		cmocka_unit_test(test_duplicate_tag_keys),
		cmocka_unit_test(test_value_type_rate_do_not_matter),
		cmocka_unit_test(test_name_as_telegraf_stores_it),
		cmocka_unit_test(test_dot_names_property),
		cmocka_unit_test(test_different_series),
		cmocka_unit_test(test_name_mode_ignores_tags),
		cmocka_unit_test(test_canonical_text),
		cmocka_unit_test(test_text_truncation),
		cmocka_unit_test(test_property_permutations),
		cmocka_unit_test(test_property_no_collisions),
		cmocka_unit_test(test_property_bit_balance),
		cmocka_unit_test(test_position_independent),
	};
	const struct CMUnitTest regressions[] = {
		cmocka_unit_test(test_regression_etsy_text_many_components),
		cmocka_unit_test(test_regression_dd_last_rune_same_series),
		cmocka_unit_test(test_regression_influx_metric_type_tag_overwritten),
	};

	return cmocka_run_group_tests_name("sr_key", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("sr_key regressions", regressions, NULL, NULL);
}
