/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_line_parse, Telegraf dialect: Telegraf's inputs.statsd with
 * datadog_extensions = true (plugins/inputs/statsd statsd.go and datadog.go).
 * Lines are parsed from exactly-sized heap copies kept alive until the test
 * ends, so spans can be checked and reads past the end are caught by ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"
#include "sr_counters.h"

static const struct sr_parse_cfg telegraf = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 4096 };

/* --- heap copies, freed after each test --- */

static uint8_t **pool;
static size_t pool_n, pool_cap;

static const uint8_t *keep(const void *s, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	if (pool_n == pool_cap) {
		pool_cap = pool_cap ? 2 * pool_cap : 64;
		pool = realloc(pool, pool_cap * sizeof(*pool));
		assert_non_null(pool);
	}
	pool[pool_n++] = p;
	return p;
}

static int pool_free(void **state)
{
	(void)state;
	while (pool_n)
		free(pool[--pool_n]);
	free(pool);
	pool = NULL;
	pool_cap = 0;
	return 0;
}

/* Parse s[0..n) from a heap copy; *base (if set) gets the copy's address. */
static int parse_cfg_n(const struct sr_parse_cfg *cfg, const char *s, size_t n, struct sr_line *l,
		       const uint8_t **base)
{
	const uint8_t *p = keep(s, n);

	if (base)
		*base = p;
	return sr_line_parse(cfg, p, (uint32_t)n, l);
}

static int parse_n(const char *s, size_t n, struct sr_line *l)
{
	return parse_cfg_n(&telegraf, s, n, l, NULL);
}

static int parse(const char *s, struct sr_line *l)
{
	return parse_n(s, strlen(s), l);
}

static const char *rc_name(int rc)
{
	return rc == SR_OK ? "ok" : rc >= 0 && rc < SR_DROP__COUNT ? sr_drop_names[rc] : "?";
}

static void expect_rc(const char *s, size_t n, int want)
{
	struct sr_line l;
	int rc = parse_n(s, n, &l);

	if (rc != want)
		fail_msg("\"%.*s\": got %s, want %s", (int)n, s, rc_name(rc), rc_name(want));
}

static int span_is(const struct sr_span *sp, const char *want)
{
	size_t n = strlen(want);

	return sp->len == n && (n == 0 || memcmp(sp->p, want, n) == 0);
}

static void assert_span(const struct sr_span *sp, const char *want)
{
	if (!span_is(sp, want))
		fail_msg("span \"%.*s\" (%u bytes), want \"%s\"", (int)sp->len, (const char *)sp->p,
			 sp->len, want);
}

/* How many parsed tags are exactly key=value. */
static int count_tag(const struct sr_line *l, const char *k, const char *v)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < l->n_tags; i++)
		if (span_is(&l->tags[i].key, k) && span_is(&l->tags[i].value, v))
			n++;
	return n;
}

static const char *key_text(const struct sr_line *l)
{
	static char buf[4096];

	sr_line_key_text(l, SR_KEY_NAME_TAGS, buf, sizeof(buf));
	return buf;
}

static void expect_str(const char *s, int want)
{
	expect_rc(s, strlen(s), want);
}

struct line_case {
	const char *s;
	int rc;
};

static void run_cases(const struct line_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_rc(c[i].s, strlen(c[i].s), c[i].rc);
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* --- reject reasons --- */

static void test_line_too_long(void **state)
{
	const char *line = "abcdefghijkl:1|c"; /* 16 bytes */
	struct sr_parse_cfg cfg = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 16 };
	struct sr_line l;
	char big[5000];

	(void)state;
	assert_int_equal(parse_cfg_n(&cfg, line, 16, &l, NULL), SR_OK);
	cfg.max_line = 15;
	assert_int_equal(parse_cfg_n(&cfg, line, 16, &l, NULL), SR_DROP_LINE_TOO_LONG);
	cfg.max_line = 1;
	assert_int_equal(parse_cfg_n(&cfg, line, 16, &l, NULL), SR_DROP_LINE_TOO_LONG);
	/* Length is checked first: it beats a control byte or bad UTF-8. */
	cfg.max_line = 4;
	assert_int_equal(parse_cfg_n(&cfg, "\t\t\t\t\t", 5, &l, NULL), SR_DROP_LINE_TOO_LONG);
	assert_int_equal(parse_cfg_n(&cfg, "\xff\xff\xff\xff\xff", 5, &l, NULL),
			 SR_DROP_LINE_TOO_LONG);
	assert_int_equal(parse_cfg_n(&cfg, "\t\t\t\t", 4, &l, NULL), SR_DROP_LINE_CONTROL_CHAR);
	/* max_line 0: only the empty line gets past the length check. */
	cfg.max_line = 0;
	assert_int_equal(parse_cfg_n(&cfg, "", 0, &l, NULL), SR_DROP_LINE_BAD_FORMAT);
	assert_int_equal(parse_cfg_n(&cfg, "a", 1, &l, NULL), SR_DROP_LINE_TOO_LONG);
	/* A long valid line at the limit and one byte over. */
	memset(big, 'n', sizeof(big));
	memcpy(big + 4096 - 4, ":1|c", 4);
	assert_int_equal(parse_n(big, 4096, &l), SR_OK);
	assert_int_equal(l.name.len, 4092);
	memcpy(big + 4097 - 4, ":1|c", 4);
	assert_int_equal(parse_n(big, 4097, &l), SR_DROP_LINE_TOO_LONG);
}

static void test_line_control_char(void **state)
{
	static const struct line_case cases[] = {
		{ "a:1|c\t", SR_DROP_LINE_CONTROL_CHAR },
		{ "\ta:1|c",
		  SR_DROP_LINE_CONTROL_CHAR }, /* Telegraf would trim it: the relay does not */
		{ "a\x7f:1|c", SR_DROP_LINE_CONTROL_CHAR },
		{ "a:1|c\r", SR_DROP_LINE_CONTROL_CHAR },
		{ "a:1|c|#k:\x1bv", SR_DROP_LINE_CONTROL_CHAR },
		{ "a:\x01|s", SR_DROP_LINE_CONTROL_CHAR },
		{ "\x1f", SR_DROP_LINE_CONTROL_CHAR },
		{ "a:1|c\v", SR_DROP_LINE_CONTROL_CHAR },
		{ "\xff"
		  "a:1|c\x02",
		  SR_DROP_LINE_CONTROL_CHAR }, /* beats the bad UTF-8 before it */
		{ "a:1|c\x05\xc0\x80", SR_DROP_LINE_CONTROL_CHAR },
	};
	int c;

	(void)state;
	RUN(cases);
	expect_rc("a\0:1|c", 6, SR_DROP_LINE_CONTROL_CHAR);
	expect_rc("a:1|c\0", 6, SR_DROP_LINE_CONTROL_CHAR);
	for (c = 0; c < 0x20; c++) {
		char line[] = "name:1|c|#k:v";
		line[2] = (char)c;
		expect_rc(line, sizeof(line) - 1, SR_DROP_LINE_CONTROL_CHAR);
	}
}

static void test_line_bad_utf8(void **state)
{
	static const struct line_case cases[] = {
		{ "a\xff:1|c", SR_DROP_LINE_BAD_UTF8 },
		{ "\xc0\x80:1|c", SR_DROP_LINE_BAD_UTF8 },
		{ "a:1|c|#k:\xed\xa0\x80", SR_DROP_LINE_BAD_UTF8 },
		{ "a:\xe2\x82|s", SR_DROP_LINE_BAD_UTF8 },
		{ "a:1|c\xe2", SR_DROP_LINE_BAD_UTF8 },
		{ "\xf4\x90\x80\x80:1|c", SR_DROP_LINE_BAD_UTF8 },
		{ "a:1|c|\x80", SR_DROP_LINE_BAD_UTF8 },
		{ "a,k=\xf5:1|c", SR_DROP_LINE_BAD_UTF8 },
	};

	(void)state;
	RUN(cases);
}

static void test_line_bad_format(void **state)
{
	static const struct line_case cases[] = {
		{ "a", SR_DROP_LINE_BAD_FORMAT },
		{ "a|c", SR_DROP_LINE_BAD_FORMAT }, /* no ':' */
		{ "a.b.c", SR_DROP_LINE_BAD_FORMAT },
		{ "a:1", SR_DROP_LINE_BAD_FORMAT }, /* value without |type */
		{ "a:1c", SR_DROP_LINE_BAD_FORMAT },
		{ "a:", SR_DROP_LINE_BAD_FORMAT },
		{ "", SR_DROP_LINE_BAD_FORMAT },
		{ " ", SR_DROP_LINE_BAD_FORMAT }, /* empty after trimming */
		{ "    ", SR_DROP_LINE_BAD_FORMAT },
		{ "\xc2\xa0", SR_DROP_LINE_BAD_FORMAT }, /* U+00A0 is white space for Go */
		{ "\xe3\x80\x80 \xc2\x85\xe2\x80\x8a", SR_DROP_LINE_BAD_FORMAT },
		{ "a:1|c:2", SR_DROP_LINE_BAD_FORMAT }, /* second bit without type */
		{ "a:1|g:2", SR_DROP_LINE_BAD_FORMAT },
		{ "a:1|g:2|ms:3", SR_DROP_LINE_BAD_FORMAT },
		{ "a:1|c|@0.5:2", SR_DROP_LINE_BAD_FORMAT },
		{ "#k:v", SR_DROP_LINE_BAD_FORMAT }, /* only tags */
		{ "|#k:v", SR_DROP_LINE_BAD_FORMAT },
		{ "a|#k:v", SR_DROP_LINE_BAD_FORMAT },
		{ "a:1:2|c", SR_DROP_LINE_BAD_FORMAT }, /* bit "1" has no type */
		{ "a:1|c:", SR_DROP_LINE_BAD_FORMAT },	/* empty second bit */
		{ "c:1|c", SR_DROP_LINE_BAD_FORMAT },	/* "c:1" is a container id segment */
	};

	(void)state;
	RUN(cases);
}

static void test_line_bad_name(void **state)
{
	static const struct line_case cases[] = {
		{ ":1|c", SR_DROP_LINE_BAD_NAME },
		{ ",t=v:1|c", SR_DROP_LINE_BAD_NAME },
		{ " :1|c", SR_DROP_LINE_BAD_NAME },
		{ ",:1|c", SR_DROP_LINE_BAD_NAME },
		{ ":1|c|#k:v", SR_DROP_LINE_BAD_NAME },
		{ ",a=b,c=d:1|g", SR_DROP_LINE_BAD_NAME },
		{ ":x|s", SR_DROP_LINE_BAD_NAME },
		/* A name cut in two by a removed segment cannot be forwarded as is. */
		{ "a|#t:v|b:1|c", SR_DROP_LINE_BAD_NAME },
		{ "a|c:x|b:1|c", SR_DROP_LINE_BAD_NAME },
	};

	(void)state;
	RUN(cases);
}

static void test_line_unknown_type(void **state)
{
	static const struct line_case cases[] = {
		{ "a:1|x", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|cc", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|C", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|MS", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|m", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|msx", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1| c", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|g:2|z", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|#k:v|x", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1||c", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|t", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:1|kv", SR_DROP_LINE_UNKNOWN_TYPE },
		{ "a:x|X", SR_DROP_LINE_UNKNOWN_TYPE },
	};

	(void)state;
	RUN(cases);
}

static void test_line_bad_value(void **state)
{
	static const struct line_case cases[] = {
		{ "a:x|c", SR_DROP_LINE_BAD_VALUE },	 { "a:|c", SR_DROP_LINE_BAD_VALUE },
		{ "a:-1|ms", SR_DROP_LINE_BAD_VALUE },	 { "a:+1|h", SR_DROP_LINE_BAD_VALUE },
		{ "a:-1|d", SR_DROP_LINE_BAD_VALUE },	 { "a:+1|s", SR_DROP_LINE_BAD_VALUE },
		{ "a:-x|s", SR_DROP_LINE_BAD_VALUE },	 { "a:1e400|g", SR_DROP_LINE_BAD_VALUE },
		{ "a:1.2.3|g", SR_DROP_LINE_BAD_VALUE }, { "a: 1|c", SR_DROP_LINE_BAD_VALUE },
		{ "a:0x10|g", SR_DROP_LINE_BAD_VALUE },	 { "a:1|g:x|c", SR_DROP_LINE_BAD_VALUE },
		{ "a:|g", SR_DROP_LINE_BAD_VALUE },	 { "a:|ms", SR_DROP_LINE_BAD_VALUE },
		{ "a:1 |c", SR_DROP_LINE_BAD_VALUE },	 { "a:--1|c", SR_DROP_LINE_BAD_VALUE },
		{ "a:+nan|g", SR_DROP_LINE_BAD_VALUE },	 { "a:-inf|ms", SR_DROP_LINE_BAD_VALUE },
		{ "a:1_|c", SR_DROP_LINE_BAD_VALUE },	 { "a:1,5|g", SR_DROP_LINE_BAD_VALUE },
	};

	(void)state;
	RUN(cases);
}

/* "name:1|c" then n tags: influx ones in the name, the rest DogStatsD. */
static int parse_with_tags(uint32_t n_influx, uint32_t n_dd, struct sr_line *l)
{
	char line[4096];
	size_t n = 0;
	uint32_t i;

	n += (size_t)snprintf(line + n, sizeof(line) - n, "name");
	for (i = 0; i < n_influx; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, ",i%u=v%u", i, i);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ":1|c");
	for (i = 0; i < n_dd; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%u:v", i ? ",d" : "|#d", i);
	return parse_n(line, n, l);
}

static void test_line_too_many_tags(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse_with_tags(0, 64, &l), SR_OK);
	assert_int_equal(l.n_tags, 64);
	assert_int_equal(parse_with_tags(0, 65, &l), SR_DROP_LINE_TOO_MANY_TAGS);
	assert_int_equal(parse_with_tags(64, 0, &l), SR_OK);
	assert_int_equal(l.n_tags, 64);
	assert_int_equal(parse_with_tags(65, 0, &l), SR_DROP_LINE_TOO_MANY_TAGS);
	assert_int_equal(parse_with_tags(32, 32, &l), SR_OK);
	assert_int_equal(l.n_tags, 64);
	assert_int_equal(parse_with_tags(33, 32, &l), SR_DROP_LINE_TOO_MANY_TAGS);
	assert_int_equal(parse_with_tags(40, 25, &l), SR_DROP_LINE_TOO_MANY_TAGS);
	assert_int_equal(parse_with_tags(100, 100, &l), SR_DROP_LINE_TOO_MANY_TAGS);
}

/* --- accepted lines --- */

static void test_valid_lines(void **state)
{
	static const struct {
		const char *s;
		const char *name;
	} cases[] = {
		{ "a:1|c", "a" },
		{ "a:1.5|g", "a" },
		{ "a:-1|g", "a" },
		{ "a:+1|g", "a" },
		{ "a:-1|c", "a" },
		{ "a:+1.5|c", "a" },
		{ "a:1|ms", "a" },
		{ "a:1|h", "a" },
		{ "a:1|d", "a" },
		{ "a:xyz|s", "a" },
		{ "a:|s", "a" },    /* empty set member */
		{ "a: x |s", "a" }, /* any printable set member */
		{ "a:-1e3|g", "a" },
		{ "a:1|c|@0.5", "a" },
		{ "a:1|c|@x", "a" }, /* malformed rate: only logged by Telegraf */
		{ "a:1|c|@", "a" },
		{ "a:1|c|0.5", "a" },
		{ "a:1|c|", "a" },
		{ "a:1|ms|@0.1|#t:v", "a" },
		{ "a:1|c|#t:v|@0.5", "a" },
		{ "a:1|c|T123", "a" },	/* extra fields: the type is field 2 only */
		{ "a:1|c|c:abc", "a" }, /* container id */
		{ "a:1|c|@0.5|T1|c:x|#k:v", "a" },
		{ "a:1|c:2|ms", "a" }, /* "c:2" is a container id: one timing */
		{ "a:1|c:2|ms:3|g", "a" },
		{ "a:1|c:2|g", "a" },
		{ "a:1|c|@0.1:2|g", "a" },
		{ "a:1|g:2|ms:3|h:4|d:5|s:-6|c", "a" },
		{ "a:nan|g", "a" },
		{ "a:inf|ms", "a" },
		{ "a:-inf|g", "a" },
		{ "a:1_000|c", "a" },
		{ "a:0x1p-2|g", "a" },
		{ "a:1e-400|ms", "a" },
		{ "a:.5|h", "a" },
		{ "  a:1|c  ", "a" },
		{ "\xc2\xa0"
		  "a:1|c\xe3\x80\x80",
		  "a" },
		{ "\xc2\x85"
		  "a:1|c\xe2\x80\x8a\xe2\x80\xaf",
		  "a" },
		{ "m\xc3\xa9trique:1|c", "m\xc3\xa9trique" },
		{ "\xe6\x8c\x87\xe6\xa0\x87:1|c", "\xe6\x8c\x87\xe6\xa0\x87" },
		{ "a\xf0\x9f\x98\x80:1|c", "a\xf0\x9f\x98\x80" },
		{ "a,k=v,k2=v2:1|c", "a" },
		{ "a:1|c|#k:v,k2", "a" },
		{ "a,k=v:1|c|#k2:v2", "a" },
		{ "a:1|c|#x:1|#y:2", "a" },
		{ "#t:v|a:1|c", "a" },
		{ "c:x|a:1|c", "a" },
		{ "a:1|#t:v|c", "a" },
		{ "a,:1|c", "a" },
		{ "a,k:1|c", "a" },
		{ "a,=v:1|c", "a" },
		{ "a#b:1|c", "a#b" },
		{ "a@b=c:1|c", "a@b=c" },
		{ "a b:1|c", "a" }, /* the name ends at its first white space */
		{ "a\xc2\xa0"
		  "b:1|c",
		  "a" },
		{ "a.b.c:1|c", "a.b.c" }, /* raw span; the key reads '.' as '_' */
		{ "_sc:1|c", "_sc" },
		{ "a|b:1|c", "a|b" },
		{ "gorets:1|c|#", "gorets" },
	};
	struct sr_line l;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = parse(cases[i].s, &l);
		if (rc != SR_OK)
			fail_msg("\"%s\": got %s", cases[i].s, rc_name(rc));
		assert_span(&l.name, cases[i].name);
		assert_int_equal(l.kind, SR_LINE_METRIC);
	}
}

/* The result points into the line: nothing is copied. */
static void test_spans_point_into_the_line(void **state)
{
	const char *s = "  metric.name,host=h1:1|c|#env:prod  ";
	const uint8_t *base;
	struct sr_line l;

	(void)state;
	assert_int_equal(parse_cfg_n(&telegraf, s, strlen(s), &l, &base), SR_OK);
	assert_ptr_equal(l.name.p, base + 2);
	assert_int_equal(l.name.len, strlen("metric.name"));
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "host", "h1"), 1);
	assert_int_equal(count_tag(&l, "env", "prod"), 1);
	for (uint32_t i = 0; i < l.n_tags; i++) {
		assert_true(l.tags[i].key.p >= base && l.tags[i].key.p < base + strlen(s));
		assert_true(l.tags[i].value.p >= base && l.tags[i].value.p < base + strlen(s));
	}
}

static void test_influx_tags(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("a,k=v,k2=v2:1|c", &l), SR_OK);
	assert_span(&l.name, "a");
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "k", "v"), 1);
	assert_int_equal(count_tag(&l, "k2", "v2"), 1);

	/* Parts without '=' or with an empty key are skipped; "k=v=w" is k = "v=w". */
	assert_int_equal(parse("a,k=v=w,x,=y,,e=:1|c", &l), SR_OK);
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "k", "v=w"), 1);
	assert_int_equal(count_tag(&l, "e", ""), 1);

	/* Values may hold what the line does not use as a separator. */
	assert_int_equal(parse("svc.req,path=/a/b?x#y,host=h-1.example:12|ms", &l), SR_OK);
	assert_span(&l.name, "svc.req");
	assert_int_equal(count_tag(&l, "path", "/a/b?x#y"), 1);
	assert_int_equal(count_tag(&l, "host", "h-1.example"), 1);
	assert_string_equal(key_text(&l), "svc_req,host=h-1.example,path=/a/b?x#y");
}

static void test_dogstatsd_tags(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("a:1|c|#k:v,k2", &l), SR_OK);
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "k", "v"), 1);
	assert_int_equal(count_tag(&l, "k2", "true"), 1);

	/* Both styles. */
	assert_int_equal(parse("a,i=1:1|c|#d:2", &l), SR_OK);
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "i", "1"), 1);
	assert_int_equal(count_tag(&l, "d", "2"), 1);

	/* Several '#' segments, before and after the rate. */
	assert_int_equal(parse("a:1|c|#x:1|@0.5|#y:2", &l), SR_OK);
	assert_int_equal(l.n_tags, 2);
	assert_int_equal(count_tag(&l, "x", "1"), 1);
	assert_int_equal(count_tag(&l, "y", "2"), 1);

	/* A '#' segment first: the name is the next segment. */
	assert_int_equal(parse("#t:v|a.b:1|c", &l), SR_OK);
	assert_span(&l.name, "a.b");
	assert_int_equal(count_tag(&l, "t", "v"), 1);

	/* An empty '#' segment adds nothing. */
	assert_int_equal(parse("a:1|c|#", &l), SR_OK);
	assert_int_equal(l.n_tags, 0);

	/* Multi-value lines share the tags. */
	assert_int_equal(parse("a:1|c:2|ms|#k:v", &l), SR_OK);
	assert_int_equal(count_tag(&l, "k", "v"), 1);
	assert_string_equal(key_text(&l), "a,k=v");
}

/* Telegraf's parseDataDogTags, quirks included. */
static void test_dogstatsd_tag_quirks(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("x:1|c|#a", &l), SR_OK);
	assert_int_equal(l.n_tags, 1);
	assert_int_equal(count_tag(&l, "a", "true"), 1);

	assert_int_equal(parse("x:1|c|#a:", &l), SR_OK);
	assert_int_equal(l.n_tags, 1);
	assert_int_equal(count_tag(&l, "a", "true"), 1);

	/* "a,b,c": the valueless a takes the text of the next tag as its value. */
	assert_int_equal(parse("x:1|c|#a,b,c", &l), SR_OK);
	assert_int_equal(count_tag(&l, "a", "b"), 1);
	assert_int_equal(count_tag(&l, "c", "true"), 1);
	assert_int_equal(count_tag(&l, "b", "true"), 0);
	assert_string_equal(key_text(&l), "x,a=b,c=true");

	/* Only the first ':' splits. */
	assert_int_equal(parse("x:1|c|#a:1:2", &l), SR_OK);
	assert_int_equal(l.n_tags, 1);
	assert_int_equal(count_tag(&l, "a", "1:2"), 1);

	/* "a,,b": a stays true, then b. */
	assert_int_equal(parse("x:1|c|#a,,b", &l), SR_OK);
	assert_string_equal(key_text(&l), "x,a=true,b=true");

	/* An empty key: the value becomes a valueless tag. */
	assert_int_equal(parse("x:1|c|#:v", &l), SR_OK);
	assert_string_equal(key_text(&l), "x,v=true");

	assert_int_equal(parse("x:1|c|#a:1,b", &l), SR_OK);
	assert_string_equal(key_text(&l), "x,a=1,b=true");

	assert_int_equal(parse("x:1|c|#a:b,c:d,e", &l), SR_OK);
	assert_int_equal(l.n_tags, 3);
	assert_string_equal(key_text(&l), "x,a=b,c=d,e=true");

	/* A leading ',' gives Telegraf's empty key "" = true. */
	assert_int_equal(parse("x:1|c|#,a", &l), SR_OK);
	assert_int_equal(count_tag(&l, "", "true"), 1);
	assert_int_equal(count_tag(&l, "a", "true"), 1);

	/* After a valueless tag, the value may hold ':' (we are "in a value"). */
	assert_int_equal(parse("x:1|c|#:v,x:y", &l), SR_OK);
	assert_string_equal(key_text(&l), "x,v=x:y");

	/* Spaces and '=' are plain bytes inside DogStatsD tags. */
	assert_int_equal(parse("x:1|c|#k k:a=b c", &l), SR_OK);
	assert_int_equal(count_tag(&l, "k k", "a=b c"), 1);
}

static void test_duplicate_tags_kept_in_parse(void **state)
{
	struct sr_line l;

	(void)state;
	/* The parse keeps every occurrence; the key decides which counts. */
	assert_int_equal(parse("a,x=1:1|c|#x:2", &l), SR_OK);
	assert_int_equal(count_tag(&l, "x", "1"), 1);
	assert_int_equal(count_tag(&l, "x", "2"), 1);
	assert_string_equal(key_text(&l), "a,x=2");

	assert_int_equal(parse("a:1|c|#x:1,x:2", &l), SR_OK);
	assert_string_equal(key_text(&l), "a,x=2");

	assert_int_equal(parse("a,x=1,x=3:1|c", &l), SR_OK);
	assert_string_equal(key_text(&l), "a,x=3");

	/* DogStatsD beats influx even when it comes first in the line. */
	assert_int_equal(parse("#x:2|a,x=1:1|c", &l), SR_OK);
	assert_string_equal(key_text(&l), "a,x=2");
}

static void test_type_and_value_rules(void **state)
{
	static const char *const types[] = { "c", "g", "ms", "h", "s", "d" };
	char line[64];
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		int signed_ok = types[i][0] == 'c' || types[i][0] == 'g';
		int n;

		n = snprintf(line, sizeof(line), "m:12.5|%s", types[i]);
		expect_rc(line, (size_t)n, SR_OK);
		n = snprintf(line, sizeof(line), "m:-2|%s", types[i]);
		expect_rc(line, (size_t)n, signed_ok ? SR_OK : SR_DROP_LINE_BAD_VALUE);
		n = snprintf(line, sizeof(line), "m:+2|%s|@0.1", types[i]);
		expect_rc(line, (size_t)n, signed_ok ? SR_OK : SR_DROP_LINE_BAD_VALUE);
		n = snprintf(line, sizeof(line), "m:abc|%s", types[i]);
		expect_rc(line, (size_t)n, types[i][0] == 's' ? SR_OK : SR_DROP_LINE_BAD_VALUE);
		n = snprintf(line, sizeof(line), "m:|%s", types[i]);
		expect_rc(line, (size_t)n, types[i][0] == 's' ? SR_OK : SR_DROP_LINE_BAD_VALUE);
		n = snprintf(line, sizeof(line), "m:1|%s:2|%s|#k:v", types[i], types[5 - i]);
		expect_rc(line, (size_t)n, SR_OK);
	}
}

/* DogStatsD events and service checks, as Telegraf reads them. */
static void test_events_and_service_checks(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("_e{5,4}:title|text", &l), SR_OK);
	assert_int_equal(l.kind, SR_LINE_EVENT);
	assert_span(&l.name, "title");
	assert_int_equal(parse("_e{2,3}:ab|cde|p:low|#k:v|t:error", &l), SR_OK);
	assert_span(&l.name, "ab");
	expect_str("_e{5,4}:ti|te", SR_DROP_LINE_BAD_EVENT);
	expect_str("_e{0,4}:|text", SR_DROP_LINE_BAD_EVENT);
	expect_str("_e{2,2}:ab|cd|zz:1", SR_DROP_LINE_BAD_EVENT);
	/* Any line starting "_e" is an event for Telegraf, even a metric. */
	expect_str("_errors:1|c", SR_DROP_LINE_BAD_EVENT);

	assert_int_equal(parse("_sc|db.up|0", &l), SR_OK);
	assert_int_equal(l.kind, SR_LINE_SERVICE_CHECK);
	assert_span(&l.name, "db.up");
	assert_int_equal(parse("_sc|db.up|3|#k:v|m:fine", &l), SR_OK);
	expect_str("_sc|db.up|4", SR_DROP_LINE_BAD_SERVICE_CHECK);
	expect_str("_sc|db.up", SR_DROP_LINE_BAD_SERVICE_CHECK);
	expect_str("_sc||0", SR_DROP_LINE_BAD_SERVICE_CHECK);
	expect_str("_sc|x|ok", SR_DROP_LINE_BAD_SERVICE_CHECK);
}

/* Random lines: no crash, no read past the end, a line reason or OK, sane spans. */
static void test_random_lines(void **state)
{
	static const char alphabet[] = "ab.:|#,=@c gmsdh1-+e_xyz:|#,\xc3\xa9";
	static uint64_t s = 0x853c49e6748fea9bull;
	uint8_t tmp[48];
	uint32_t iter;

	(void)state;
	for (iter = 0; iter < 200000; iter++) {
		uint32_t n, i;
		uint8_t *p;
		struct sr_line l;
		int rc;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		n = (uint32_t)(s % sizeof(tmp));
		for (i = 0; i < n; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			tmp[i] = (uint8_t)alphabet[s % (sizeof(alphabet) - 1)];
		}
		p = malloc(n ? n : 1);
		assert_non_null(p);
		memcpy(p, tmp, n);
		rc = sr_line_parse(&telegraf, p, n, &l);
		if (rc != SR_OK && !sr_drop_is_line(rc)) {
			free(p);
			fail_msg("iteration %u: rc %d is no line reason", iter, rc);
		}
		if (rc == SR_OK) {
			int bad = l.name.len == 0 || l.name.p < p ||
				  l.name.p + l.name.len > p + n || l.n_tags > SR_MAX_TAGS;
			for (i = 0; i < l.n_tags && !bad; i++) {
				const struct sr_span *k = &l.tags[i].key, *v = &l.tags[i].value;
				bad |= (k->len && (k->p < p || k->p + k->len > p + n));
				bad |= (v->len && (v->p < p || v->p + v->len > p + n) &&
					!span_is(v, "true"));
			}
			sr_line_key_hash(&l, SR_KEY_NAME_TAGS);
			if (bad) {
				free(p);
				fail_msg("iteration %u: span outside the line", iter);
			}
		}
		free(p);
	}
}

/*
 * Regression (fixed): Telegraf's parseDataDogTags loops "for i = range message", which
 * ranges over runes: after the loop i is the byte offset of the LAST RUNE'S
 * START, and the last tag is taken as message[start:i+1]. When a '#' segment
 * ends in a multibyte character, Telegraf keeps only that character's first
 * byte: "#k:é" gives k = "\xc3", "#é" gives the key "\xc3". The relay keeps
 * the whole character, so e.g. "#k:é" and "#k:è" are one series for Telegraf
 * (k = "\xc3") but two keys here (see test_key.c).
 */
static void test_regression_dd_tags_last_multibyte_rune(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("a:1|c|#k:\xc3\xa9", &l), SR_OK);
	assert_int_equal(count_tag(&l, "k", "\xc3"), 1); /* got k = "\xc3\xa9" */
	assert_int_equal(parse("a:1|c|#k:x\xe2\x82\xac|@0.5", &l), SR_OK);
	assert_int_equal(count_tag(&l, "k", "x\xe2"), 1); /* got "x€" */
	assert_int_equal(parse("a:1|c|#a:b,\xc3\xa9", &l), SR_OK);
	assert_int_equal(count_tag(&l, "\xc3", "true"), 1); /* got key "é" */
}

/*
 * Regression (fixed): after a leading '#' (or "c:") segment the name part may start
 * with a space: "#t:v| a:1|c" is " a:1|c" for Telegraf once the tags are
 * removed, and parseName's graphite template takes strings.Fields(" a")[0],
 * i.e. "a": a valid counter named "a". The relay cuts the name at its first
 * white space without skipping leading ones and drops it as line_bad_name.
 */
static void test_regression_name_after_removed_segment_starts_with_space(void **state)
{
	struct sr_line l;

	(void)state;
	assert_int_equal(parse("#t:v| a:1|c", &l), SR_OK); /* got line_bad_name */
	assert_span(&l.name, "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_line_too_long, pool_free),
		cmocka_unit_test_teardown(test_line_control_char, pool_free),
		cmocka_unit_test_teardown(test_line_bad_utf8, pool_free),
		cmocka_unit_test_teardown(test_line_bad_format, pool_free),
		cmocka_unit_test_teardown(test_line_bad_name, pool_free),
		cmocka_unit_test_teardown(test_line_unknown_type, pool_free),
		cmocka_unit_test_teardown(test_line_bad_value, pool_free),
		cmocka_unit_test_teardown(test_line_too_many_tags, pool_free),
		cmocka_unit_test_teardown(test_valid_lines, pool_free),
		cmocka_unit_test_teardown(test_spans_point_into_the_line, pool_free),
		cmocka_unit_test_teardown(test_influx_tags, pool_free),
		cmocka_unit_test_teardown(test_dogstatsd_tags, pool_free),
		cmocka_unit_test_teardown(test_dogstatsd_tag_quirks, pool_free),
		cmocka_unit_test_teardown(test_duplicate_tags_kept_in_parse, pool_free),
		cmocka_unit_test_teardown(test_type_and_value_rules, pool_free),
		cmocka_unit_test_teardown(test_events_and_service_checks, pool_free),
		cmocka_unit_test_teardown(test_random_lines, pool_free),
	};
	const struct CMUnitTest regressions[] = {
		cmocka_unit_test_teardown(test_regression_dd_tags_last_multibyte_rune, pool_free),
		cmocka_unit_test_teardown(
			test_regression_name_after_removed_segment_starts_with_space, pool_free),
	};

	return cmocka_run_group_tests_name("sr_line", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("sr_line regressions", regressions, NULL, NULL);
}
