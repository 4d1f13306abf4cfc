/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vector line path: sr_cls_line's masks, the Telegraf fast path (it must
 * accept only what the full parser accepts, with the same key, and decline
 * Telegraf's quirks), and every build of sr_payload_scan this CPU runs
 * against a plain split + sr_line_parse reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "dialect/sr_dialect.h"
#include "dialect/telegraf/sr_telegraf.h"
#include "scan_check.h"
#include "shard/sr_key.h"
#include "dialect/dogstatsd/sr_dogstatsd_fast.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_payload.h"
#include "text/sr_classify.h"

static const struct sr_parse_cfg telegraf = { SR_DIALECT_TELEGRAF, 1432 };

/* Classify s as one line (it must fit the masks). */
static void classify(const char *s, struct sr_cls *c)
{
	uint32_t n = (uint32_t)strlen(s);

	assert_true(n <= SR_CLS_MAX);
	assert_true(sr_cls_line((const uint8_t *)s, n, c));
}

/* A dialect's fast path in its two mask widths. */
typedef int fast_wide_fn(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			 enum sr_key_mode mode, uint64_t *key);
typedef int fast_narrow_fn(const uint8_t *p, uint32_t len, const struct sr_cls64 *c,
			   enum sr_key_mode mode, uint64_t *key);

/*
 * A fast path on s with 128-bit masks and, for a line within one block,
 * with 64-bit ones too: both builds must give the same verdict and key.
 */
static int fast_in_both(fast_wide_fn *wide, fast_narrow_fn *narrow, const char *s,
			enum sr_key_mode mode, uint64_t *key)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t n = (uint32_t)strlen(s);
	struct sr_cls c;
	int rc;

	classify(s, &c);
	rc = wide(p, n, &c, mode, key);
	if (n <= 64) {
		struct sr_cls64 lo;
		uint64_t key64 = 0;

		sr_cls_block_at(p, n, lo.m);
		assert_true(sr_cls_in_block(&lo, n));
		assert_int_equal(narrow(p, n, &lo, mode, &key64), rc);
		if (rc == SR_OK && key64 != *key)
			fail_msg("64-bit masks give another key: %s", s);
	}
	return rc;
}

/* Each line taken by the fast path, with its full parser's verdict and key. */
static void check_taken(fast_wide_fn *wide, fast_narrow_fn *narrow, const struct sr_parse_cfg *cfg,
			const char *const *lines, size_t count)
{
	struct sr_line full;
	uint64_t k1, k2;
	size_t i;

	for (i = 0; i < count; i++) {
		uint32_t n = (uint32_t)strlen(lines[i]);
		if (fast_in_both(wide, narrow, lines[i], SR_KEY_NAME_TAGS, &k1) != SR_OK)
			fail_msg("fast path declined: %s", lines[i]);
		assert_int_equal(fast_in_both(wide, narrow, lines[i], SR_KEY_NAME, &k2), SR_OK);
		assert_int_equal(sr_line_parse(cfg, (const uint8_t *)lines[i], n, &full), SR_OK);
		if (k1 != sr_line_key_hash(&full, SR_KEY_NAME_TAGS) ||
		    k2 != sr_line_key_hash(&full, SR_KEY_NAME))
			fail_msg("key differs from the full parser's: %s", lines[i]);
	}
}

/* Each line left to the full parser. */
static void check_declined(fast_wide_fn *wide, fast_narrow_fn *narrow, const char *const *lines,
			   size_t count)
{
	uint64_t k;
	size_t i;

	for (i = 0; i < count; i++)
		if (fast_in_both(wide, narrow, lines[i], SR_KEY_NAME_TAGS, &k) != SR_FAST_DECLINED)
			fail_msg("fast path took: %s", lines[i]);
}

static void test_masks(void **state)
{
	/* 70 bytes: the second block is classified, and '\n' ends the line there */
	static const char line[192] = /* room for whole-vector loads */
		"a.b,k=v:1|c|#x:y,z\xc3\xa9 0123456789012345678901234567890123456789012\nq:1|c";
	struct sr_cls c;
	uint32_t i;

	(void)state;
	assert_true(sr_cls_line((const uint8_t *)line, (uint32_t)strlen(line), &c));
	for (i = 0; i < strlen(line); i++) {
		uint8_t b = (uint8_t)line[i];
		sr_mask bit = (sr_mask)1 << i;
		assert_int_equal((c.m[SR_CLS_NL] & bit) != 0, b == '\n');
		assert_int_equal((c.m[SR_CLS_COLON] & bit) != 0, b == ':');
		assert_int_equal((c.m[SR_CLS_BAR] & bit) != 0, b == '|');
		assert_int_equal((c.m[SR_CLS_COMMA] & bit) != 0, b == ',');
		assert_int_equal((c.m[SR_CLS_EQ] & bit) != 0, b == '=');
		assert_int_equal((c.m[SR_CLS_DIGIT] & bit) != 0, b >= '0' && b <= '9');
		assert_int_equal((c.m[SR_CLS_ODD] & bit) != 0, b <= ' ' || b >= 0x7f);
	}
	assert_int_equal(sr_mask_first(c.m[SR_CLS_NL]), strchr(line, '\n') - line);
	assert_true(sr_mask_first(c.m[SR_CLS_NL]) >= 64); /* in the second block */
	assert_true(sr_mask_range(3, 70) == (sr_mask_below(70) & ~sr_mask_below(3)));
	assert_true(sr_mask_below(128) == ~(sr_mask)0 && sr_mask_below(0) == 0);
	assert_true(sr_mask64_below(64) == ~0ull && sr_mask64_below(0) == 0 &&
		    sr_mask64_below(63) == ~0ull >> 1);
	assert_true(sr_mask64_range(3, 64) == (~0ull << 3) && sr_mask64_first(1ull << 63) == 63);
}

/* Lines the fast path takes: same verdict and same key as the full parser. */
static void test_fast_lines(void **state)
{
	static const char *const lines[] = {
		"api.req:1|c",
		"api.req:1|c|@0.5",
		"api.req:-1.5|g",
		"api.req:+3|g|#env:prod",
		"api.req,env=prod,dc=fra1:12|ms",
		"api.req,env=prod,bare,=x,dc=fra1:12|h",	  /* parts without '=' ignored */
		"api.req,k=v=w:1|c",				  /* k = "v=w" */
		"api.req:1|c|#env:prod,dc:fra1,route:/v1/a:b",	  /* value keeps its ':' */
		"api.req:1|c|#canary,env:prod",			  /* bare tag: canary=true */
		"api.req:1|c|#env:",				  /* empty value: true */
		"api.req:1|c|#env:prod,",			  /* trailing comma */
		"api.req:1|c|#metric_type:gauge,env:prod",	  /* metric_type not in the key */
		"api.req:1|c|c:83c0a99c0a54c0c187f461c7980e9b57", /* container id removed */
		"api.req:1|c:2|c",				  /* two values */
		"api.req:1|ms:2|ms|@0.1|#env:prod",
		"api.req:1|#env:prod|c", /* tags before the type */
		"api.req:abc|s",
		"x:1|d",
		("api.request.duration.p99.with.a.long.name.over.sixteen:1|c|#"
		 "a_rather_long_tag_key:and_an_even_longer_tag_value"),
	};

	(void)state;
	check_taken(sr_parse_telegraf_fast, sr_parse_telegraf_fast64, &telegraf, lines,
		    sizeof(lines) / sizeof(lines[0]));
}

/* Lines left to the full parser: rejects and Telegraf's quirks. */
static void test_declined(void **state)
{
	static const char *const lines[] = {
		"api.req:1",			 /* no type: line_bad_format */
		"api.req:1|x",			 /* line_unknown_type */
		"api.req:-1|ms",		 /* line_bad_value */
		":1|c",				 /* no name */
		",k=v:1|c",			 /* no name */
		"c:1|c",			 /* "c:..." is a container id */
		"_e{1,1}:a|b",			 /* event */
		"_sc|check|0",			 /* service check */
		"#x:1|c",			 /* a leading tag segment */
		"api.req:1|c|#a,b",		 /* bare then bare: a=b */
		"api.req:1|c|#a,",		 /* bare then end: added twice */
		"api.req:1|c|#,a:b",		 /* empty tag */
		"api.req:1|c|#:b",		 /* empty key */
		"api.req,env=a:1|c|#x:1,x:2",	 /* a repeated key */
		"api.req,env=prod:1|c|#env:dev", /* repeated: DogStatsD's wins */
	};

	(void)state;
	check_declined(sr_parse_telegraf_fast, sr_parse_telegraf_fast64, lines,
		       sizeof(lines) / sizeof(lines[0]));
}

/* DogStatsD lines its fast path takes: the full parser's verdict and key. */
static void test_dogstatsd_fast(void **state)
{
	static const struct sr_parse_cfg dd = { SR_DIALECT_DOGSTATSD, 1432 };
	static const char *const lines[] = {
		"api.req:1|c",
		"api.req:0.5|ms|@0.25",
		"api.req:abc|s", /* a set takes any value */
		"api.req:1|g|#env:prod,dc:fra1",
		"api.req:1|g|#dc:fra1,env:prod",	  /* tag order is free */
		"api.req:1|h|#host:web-1,env:prod",	  /* the host tag */
		"api.req:1|d|#a,,b",			  /* empty tags count */
		"api.req:1|c|#a|#b:c",			  /* the last tag field wins */
		"api.req:1|c|c:83c0a99c|e:x|card:low|zz", /* ignored fields */
		"api.req:1|c||#env:prod",		  /* an empty field */
		("api.request.duration.p99.with.a.long.name:12.5|ms|@0.5|#env:prod,"
		 "route:/v1/checkout/items,method:POST,status:200,host:web-12"),
	};
	static const char *const declined[] = {
		"api.req:1",		   /* no type */
		":1|c",			   /* no name */
		"api.req:|c",		   /* no value */
		"api.req:1|x",		   /* unknown type */
		"api.req:1:2|c",	   /* packed values: the full parser */
		"api.req:-1|c",		   /* not a plain decimal */
		"api.req:1|c|@x",	   /* a bad rate */
		"api.req:1|c|T1700000000", /* a timestamp */
		"_e{1,1}:a|b",		   /* an event */
		"_sc|check|0",		   /* a service check */
		"api.req:1|c|#a:1,a:1",	   /* a repeated tag */
		"api.req:1|c|#dd.internal.card:low",
	};

	(void)state;
	check_taken(sr_parse_dogstatsd_fast, sr_parse_dogstatsd_fast64, &dd, lines,
		    sizeof(lines) / sizeof(lines[0]));
	check_declined(sr_parse_dogstatsd_fast, sr_parse_dogstatsd_fast64, declined,
		       sizeof(declined) / sizeof(declined[0]));
}

/* A payload of varied lines (plain, tagged, odd, long, CRLF, empty, bad). */
static uint32_t build_payload(uint8_t *buf, uint32_t cap)
{
	static const char *const pieces[] = {
		"api.req:1|c",
		"api.req,env=prod,dc=fra1:12|ms|@0.25",
		"db.q:5|h|#table:items,op:select,db:users,canary",
		("temp.\xc2\xb0"
		 "C:3|g"),
		"bad line",
		"api.req:1|x",
		"",
		"crlf.line:1|c\r",
		"_e{5,4}:title|text|#env:prod",
		"_sc|check|1",
		("a.very.long.metric.name.that.goes.on.and.on.and.on.past.the.first.vector.block:1|c|#"
		 "host:web-0001,route:/api/v1/items/{id}/details,method:GET,status:200"),
		"x:1|c|#a,b",
		"api.req,env=a:1|c|#env:b",
		"gauge.multi:1|g:2|g",
		"\x01control:1|c",
		"  spaced.name:1|c",
	};
	uint32_t len = 0, i, k = 0;

	for (i = 0; len + 300 < cap; i++) {
		const char *s = pieces[i % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t n = strlen(s);
		memcpy(buf + len, s, n);
		len += (uint32_t)n;
		/* vary the names so shards differ */
		len += (uint32_t)snprintf((char *)buf + len, 16, "%u", k++ % 97);
		buf[len++] = '\n';
	}
	/* one line longer than the masks cover */
	memset(buf + len, 'x', 200);
	len += 200;
	memcpy(buf + len, ":1|c", 4);
	len += 4;
	return len;
}

static void test_builds_agree(void **state)
{
	static struct sr_shard_desc d[16];
	static char addr[16][24];
	enum sr_hash_mode modes[] = { SR_HASH_MAGLEV, SR_HASH_STATSD_PROXY };
	uint8_t *buf = malloc(16384);
	uint32_t i, m, shift;
	char err[128];

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < 16; i++) {
		snprintf(addr[i], sizeof(addr[i]), "198.18.1.%u:8125", i + 1);
		d[i] = (struct sr_shard_desc){ addr[i], 1 };
	}
	for (m = 0; m < 2; m++) {
		struct sr_shard_map *map = sr_shard_map_build(modes[m], d, 16, 1609, err,
							      sizeof(err));
		assert_non_null(map);
		for (shift = 0; shift < 3; shift++) {
			struct sr_payload_cfg cfg = {
				.parse = telegraf,
				.key_mode = shift == 2 ? SR_KEY_NAME : SR_KEY_NAME_TAGS,
				.map = map,
			};
			struct scan_check sc;
			/* odd start: unaligned vector loads */
			uint8_t *p = buf + shift;
			uint32_t len = build_payload(p, 16000);
			/* past the end: what the scan must never take for the payload */
			memcpy(p + len, "\n:|,=\n", 6);
			if (!scan_check_builds(&cfg, p, len, 7, &sc))
				fail_msg("build %s differs (mode %u, shift %u)",
					 sr_isa_names[sc.bad], m, shift);
			assert_true(sc.want > 100 && sc.counters.lines_in > sc.want);
			/* the generic build always runs */
			assert_true(sc.builds >= 1);
		}
		sr_shard_map_free(map);
	}
	free(buf);
}

/*
 * Payloads that end exactly where a readable page ends, the next page
 * unmapped: the whole-vector and 16-byte loads must stay inside (a fault
 * would kill the test), for every build and every length up to 200.
 */
static void test_page_end(void **state)
{
	const long page = sysconf(_SC_PAGESIZE);
	static struct sr_shard_desc d[4] = { { "198.18.1.1:8125", 1 },
					     { "198.18.1.2:8125", 1 },
					     { "198.18.1.3:8125", 1 },
					     { "198.18.1.4:8125", 1 } };
	static const char text[] =
		"svc.req,env=prod:1|c\nsvc.lat:12.5|ms|#route:/a,code:200\n"
		"x:1|g:2|g\nbad\ncache.hits:3|c|@0.5|#host:web-01,dc:fra1,canary\n"
		"svc.req,env=prod,dc=fra1,host=db-0001,shard=12:7|h|#a:b\n"
		"last.line.without.newline:4|d";
	char err[128];
	uint8_t *region, *end;
	uint32_t n, total = 0;
	struct sr_shard_map *map = sr_shard_map_build(SR_HASH_MAGLEV, d, 4, 401, err, sizeof(err));

	(void)state;
	assert_non_null(map);
	region = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	assert_true(region != MAP_FAILED);
	assert_int_equal(mprotect(region + page, (size_t)page, PROT_NONE), 0);
	end = region + page;
	for (n = 1; n <= sizeof(text) - 1; n++) {
		struct sr_payload_cfg cfg = { .parse = telegraf,
					      .key_mode = SR_KEY_NAME_TAGS,
					      .map = map };
		struct scan_check sc;
		/* the last n bytes of the text, ending at the page's end */
		uint8_t *p = end - n;
		memcpy(p, text + sizeof(text) - 1 - n, n);
		if (!scan_check_builds(&cfg, p, n, 64, &sc))
			fail_msg("build %s differs on the last %u bytes", sr_isa_names[sc.bad], n);
		total += sc.want * sc.builds;
	}
	assert_true(total > 0);
	munmap(region, (size_t)page * 2);
	sr_shard_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks),	     cmocka_unit_test(test_fast_lines),
		cmocka_unit_test(test_declined),     cmocka_unit_test(test_dogstatsd_fast),
		cmocka_unit_test(test_builds_agree), cmocka_unit_test(test_page_end),
	};

	printf("sr_payload_scan builds: this CPU runs %s\n", sr_isa_names[sr_payload_isa()]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
