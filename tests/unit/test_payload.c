/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_payload_scan: a datagram's payload cut into lines, each validated, keyed
 * and given a shard. Payloads sit in exactly-sized heap buffers.
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
#include "shard/sr_shard_map.h"
#include "sr_counters.h"
#include "statsd/sr_payload.h"

#define N_SHARDS 4

static struct sr_shard_map *map;
static struct sr_payload_cfg cfg;

static int setup(void **state)
{
	static const char *const names[N_SHARDS] = { "10.0.0.1:8125", "10.0.0.2:8125",
						     "10.0.0.3:8125", "10.0.0.4:8125" };
	struct sr_shard_desc sh[N_SHARDS];
	char err[128];
	int i;

	(void)state;
	for (i = 0; i < N_SHARDS; i++)
		sh[i] = (struct sr_shard_desc){ .id = names[i], .weight = 1 };
	map = sr_shard_map_build(SR_HASH_MAGLEV, sh, N_SHARDS, SR_MAGLEV_DEFAULT_SIZE, err,
				 sizeof(err));
	if (!map)
		return -1;
	cfg = (struct sr_payload_cfg){
		.parse = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 1024 },
		.key_mode = SR_KEY_NAME_TAGS,
		.map = map,
	};
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sr_shard_map_free(map);
	return 0;
}

struct scan {
	uint8_t *buf;
	uint32_t len, pos;
	struct sr_line_ref refs[256];
	struct sr_scan_result r;
	struct sr_counters c;
};

/* Scan s[0..n) from an exactly-sized heap copy, all at once (max 256 refs). */
static void scan_n(struct scan *sc, const char *s, uint32_t n, uint32_t max)
{
	memset(sc, 0, sizeof(*sc));
	sc->buf = malloc(n ? n : 1);
	assert_non_null(sc->buf);
	memcpy(sc->buf, s, n);
	sc->len = n;
	sc->r = sr_payload_scan(&cfg, sc->buf, n, &sc->pos, sc->refs, max, &sc->c);
}

static void scan(struct scan *sc, const char *s)
{
	scan_n(sc, s, (uint32_t)strlen(s), 256);
}

static void assert_ref(const struct scan *sc, uint32_t i, const char *text)
{
	const struct sr_line_ref *r = &sc->refs[i];

	assert_true(i < sc->r.valid);
	assert_true(r->off + r->len <= sc->len);
	if (r->len != strlen(text) || memcmp(sc->buf + r->off, text, r->len) != 0)
		fail_msg("ref %u is \"%.*s\", want \"%s\"", i, (int)r->len,
			 (const char *)sc->buf + r->off, text);
}

/* The shard the scan must pick for a valid line. */
static uint32_t shard_of(const char *line)
{
	struct sr_line l;
	uint32_t n = (uint32_t)strlen(line);
	uint8_t *p = malloc(n);

	assert_non_null(p);
	memcpy(p, line, n);
	assert_int_equal(sr_line_parse(&cfg.parse, p, n, &l), SR_OK);
	uint32_t s = sr_shard_of_hash(cfg.map, sr_line_key_hash(&l, cfg.key_mode));
	free(p);
	return s;
}

static uint64_t total_drops(const struct sr_counters *c)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < SR_DROP__COUNT; i++)
		t += c->drops[i];
	return t;
}

/* Two metric names whose lines go to different shards. */
static void two_shards(char *a, char *b, size_t cap)
{
	uint32_t i;

	snprintf(a, cap, "m0:1|c");
	for (i = 1; i < 1000; i++) {
		snprintf(b, cap, "m%u:1|c", i);
		if (shard_of(b) != shard_of(a))
			return;
	}
	fail_msg("no two shards among 1000 names");
}

/* --- splitting --- */

static void test_lines_split_on_lf(void **state)
{
	struct scan sc;

	(void)state;
	scan(&sc, "a:1|c\nb:2|g\n");
	assert_int_equal(sc.r.lines, 2);
	assert_int_equal(sc.r.valid, 2);
	assert_ref(&sc, 0, "a:1|c");
	assert_ref(&sc, 1, "b:2|g");
	assert_int_equal(sc.refs[0].off, 0);
	assert_int_equal(sc.refs[1].off, 6);
	assert_int_equal(sc.pos, sc.len);
	assert_int_equal(sc.c.lines_in, 2);
	assert_int_equal(total_drops(&sc.c), 0);
	free(sc.buf);
}

static void test_lines_split_on_crlf(void **state)
{
	struct scan sc;

	(void)state;
	scan(&sc, "a:1|c\r\nb:2|g\r\nc.d:3|ms\r\n");
	assert_int_equal(sc.r.lines, 3);
	assert_int_equal(sc.r.valid, 3);
	assert_ref(&sc, 0, "a:1|c");
	assert_ref(&sc, 1, "b:2|g");
	assert_ref(&sc, 2, "c.d:3|ms");
	assert_int_equal(sc.refs[1].off, 7);
	free(sc.buf);
	/* Mixed, and a '\r' at the very end of the payload. */
	scan(&sc, "a:1|c\nb:2|g\r\ne:3|s\r");
	assert_int_equal(sc.r.valid, 3);
	assert_ref(&sc, 2, "e:3|s");
	assert_int_equal(sc.pos, sc.len);
	free(sc.buf);
	/* Only one '\r' goes: a second one is a control byte in the line. */
	scan(&sc, "a:1|c\r\r\nb:1|c");
	assert_int_equal(sc.r.lines, 2);
	assert_int_equal(sc.r.valid, 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_CONTROL_CHAR], 1);
	assert_ref(&sc, 0, "b:1|c");
	free(sc.buf);
}

static void test_empty_lines_not_counted(void **state)
{
	struct scan sc;

	(void)state;
	scan(&sc, "\n\n\na:1|c\n\n\r\n\n");
	assert_int_equal(sc.r.lines, 1);
	assert_int_equal(sc.r.valid, 1);
	assert_ref(&sc, 0, "a:1|c");
	assert_int_equal(sc.refs[0].off, 3);
	assert_int_equal(sc.c.lines_in, 1);
	assert_int_equal(sc.pos, sc.len);
	free(sc.buf);
	/* Only newlines. */
	scan(&sc, "\n\n\n\n");
	assert_int_equal(sc.r.lines, 0);
	assert_int_equal(sc.r.valid, 0);
	assert_true(sc.r.one_shard);
	assert_int_equal(sc.pos, 4);
	assert_int_equal(sc.c.lines_in, 0);
	free(sc.buf);
	scan(&sc, "\r\n");
	assert_int_equal(sc.r.lines, 0);
	assert_int_equal(sc.pos, 2);
	free(sc.buf);
	scan(&sc, "\n");
	assert_int_equal(sc.r.lines, 0);
	assert_int_equal(sc.pos, 1);
	free(sc.buf);
	scan(&sc, "\r");
	assert_int_equal(sc.r.lines, 0);
	assert_int_equal(sc.pos, 1);
	free(sc.buf);
	/* Lines of spaces are lines (Telegraf skips them: a bad_format drop here). */
	scan(&sc, "  \n");
	assert_int_equal(sc.r.lines, 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_FORMAT], 1);
	free(sc.buf);
}

static void test_last_line_without_newline(void **state)
{
	struct scan sc;

	(void)state;
	scan(&sc, "a:1|c\nb:2|g");
	assert_int_equal(sc.r.lines, 2);
	assert_int_equal(sc.r.valid, 2);
	assert_ref(&sc, 1, "b:2|g");
	assert_int_equal(sc.refs[1].off + sc.refs[1].len, sc.len); /* ends the buffer */
	assert_int_equal(sc.pos, sc.len);
	free(sc.buf);
	scan(&sc, "a:1|c");
	assert_int_equal(sc.r.valid, 1);
	assert_int_equal(sc.refs[0].len, 5);
	free(sc.buf);
}

static void test_empty_and_tiny_payloads(void **state)
{
	struct scan sc;

	(void)state;
	scan_n(&sc, "", 0, 256);
	assert_int_equal(sc.r.lines, 0);
	assert_int_equal(sc.r.valid, 0);
	assert_int_equal(sc.pos, 0);
	free(sc.buf);
	scan(&sc, "a");
	assert_int_equal(sc.r.lines, 1);
	assert_int_equal(sc.r.valid, 0);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_FORMAT], 1);
	assert_int_equal(sc.c.lines_in, 1);
	assert_int_equal(sc.pos, 1);
	free(sc.buf);
	scan(&sc, "a:1|c\n");
	assert_int_equal(sc.r.valid, 1);
	free(sc.buf);
}

/* --- counters --- */

static void test_drop_counters(void **state)
{
	struct scan sc;

	(void)state;
	scan(&sc, "x\n"		/* bad format */
		  ":1|c\n"	/* bad name */
		  "a:1|x\n"	/* unknown type */
		  "a:x|c\n"	/* bad value */
		  "a:1|c\t\n"	/* control char */
		  "a\xff:1|c\n" /* bad utf8 */
		  "ok:1|c\n"
		  "a:y|g\n" /* bad value */
		  "ok2:1|c");
	assert_int_equal(sc.r.lines, 9);
	assert_int_equal(sc.r.valid, 2);
	assert_ref(&sc, 0, "ok:1|c");
	assert_ref(&sc, 1, "ok2:1|c");
	assert_int_equal(sc.c.lines_in, 9);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_FORMAT], 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_NAME], 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_UNKNOWN_TYPE], 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_VALUE], 2);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_CONTROL_CHAR], 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_BAD_UTF8], 1);
	assert_int_equal(total_drops(&sc.c), 7);
	assert_int_equal(sc.c.lines_out, 0); /* not the scan's business */
	assert_int_equal(sc.c.frames_in, 0);
	free(sc.buf);
}

static void test_line_too_long(void **state)
{
	char payload[64];
	struct scan sc;
	uint32_t saved = cfg.parse.max_line;

	(void)state;
	cfg.parse.max_line = 8;
	snprintf(payload, sizeof(payload), "%s\n%s\r\n%s", "abc:1|cc", "abcd:1|c", "ab:1|c");
	scan(&sc, payload);
	cfg.parse.max_line = saved;
	/* 8 bytes (the '\r' does not count) pass the length check; 9 do not. */
	assert_int_equal(sc.r.lines, 3);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_UNKNOWN_TYPE], 1);
	assert_int_equal(sc.c.drops[SR_DROP_LINE_TOO_LONG], 0);
	assert_int_equal(sc.r.valid, 2);
	free(sc.buf);
	cfg.parse.max_line = 7;
	scan(&sc, "abcd:1|c\r\nab:1|c");
	cfg.parse.max_line = saved;
	assert_int_equal(sc.c.drops[SR_DROP_LINE_TOO_LONG], 1);
	assert_int_equal(sc.r.valid, 1);
	free(sc.buf);
}

/* Counters add up over calls: the scan never resets them. */
static void test_counters_accumulate(void **state)
{
	struct sr_counters c;
	struct sr_line_ref refs[8];
	const char *s = "a:1|c\nbad\n";
	uint8_t *p = malloc(strlen(s));
	uint32_t pos, i;

	(void)state;
	assert_non_null(p);
	memcpy(p, s, strlen(s));
	memset(&c, 0, sizeof(c));
	c.lines_in = 100;
	c.drops[SR_DROP_LINE_BAD_FORMAT] = 5;
	for (i = 0; i < 3; i++) {
		pos = 0;
		sr_payload_scan(&cfg, p, (uint32_t)strlen(s), &pos, refs, 8, &c);
	}
	assert_int_equal(c.lines_in, 106);
	assert_int_equal(c.drops[SR_DROP_LINE_BAD_FORMAT], 8);
	free(p);
}

/* --- shards --- */

static void test_shard_of_each_line(void **state)
{
	static const char *const lines[] = { "a:1|c",	   "b.c:2|g",	"b_c,x=y:3|ms",
					     "d:4|h|#k:v", "e,t=1:5|c", "f:6|s",
					     "g:7|d|@0.5", "h:8|c:9|g", "a:1|c|#k:v" };
	char payload[512];
	size_t n = 0, i;
	struct scan sc;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		n += (size_t)snprintf(payload + n, sizeof(payload) - n, "%s\n", lines[i]);
	scan(&sc, payload);
	assert_int_equal(sc.r.valid, sizeof(lines) / sizeof(lines[0]));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_ref(&sc, (uint32_t)i, lines[i]);
		assert_int_equal(sc.refs[i].shard, shard_of(lines[i]));
		assert_true(sc.refs[i].shard < N_SHARDS);
	}
	free(sc.buf);
}

static void test_one_shard_flag(void **state)
{
	char a[32], b[32], payload[256];
	struct scan sc;

	(void)state;
	/* The same series over and over: one shard. */
	scan(&sc, "m:1|c\nm:2|c\nm:3|c|@0.1\n  m:4|c\nm:5|c|#");
	assert_int_equal(sc.r.valid, 5);
	assert_true(sc.r.one_shard);
	free(sc.buf);
	/* Two series on different shards. */
	two_shards(a, b, sizeof(a));
	snprintf(payload, sizeof(payload), "%s\n%s\n", a, b);
	scan(&sc, payload);
	assert_int_equal(sc.r.valid, 2);
	assert_false(sc.r.one_shard);
	assert_true(sc.refs[0].shard != sc.refs[1].shard);
	free(sc.buf);
	/* The other shard's line first, then invalid lines: still two shards. */
	snprintf(payload, sizeof(payload), "%s\nbad\n%s\nbad\n%s", b, a, b);
	scan(&sc, payload);
	assert_false(sc.r.one_shard);
	free(sc.buf);
	/* Invalid lines do not break "one shard". */
	snprintf(payload, sizeof(payload), "%s\nbad\n:1|c\n%s", a, a);
	scan(&sc, payload);
	assert_int_equal(sc.r.valid, 2);
	assert_true(sc.r.one_shard);
	free(sc.buf);
	/* No valid line: trivially one shard. */
	scan(&sc, "bad\nworse");
	assert_int_equal(sc.r.valid, 0);
	assert_true(sc.r.one_shard);
	free(sc.buf);
}

/* Under --key name every tag combination of a metric goes to one shard. */
static void test_key_mode_name(void **state)
{
	struct scan sc;
	uint32_t i;
	char payload[4096];
	size_t n = 0;

	(void)state;
	for (i = 0; i < 50; i++)
		n += (size_t)snprintf(payload + n, sizeof(payload) - n, "req,host=h%u:1|c|#z:%u\n",
				      i, i * 7);
	cfg.key_mode = SR_KEY_NAME;
	scan(&sc, payload);
	cfg.key_mode = SR_KEY_NAME_TAGS;
	assert_int_equal(sc.r.valid, 50);
	assert_true(sc.r.one_shard);
	free(sc.buf);
	/* ...and with tags they spread. */
	scan(&sc, payload);
	assert_false(sc.r.one_shard);
	free(sc.buf);
}

/* A compatibility mode keys on the text before the first ':'. */
static void test_compat_mode_key(void **state)
{
	static const char *const names[5] = { "a:1", "b:1", "c:1", "d:1", "e:1" };
	const struct sr_shard_map *saved = cfg.map;
	struct sr_shard_desc sh[5];
	struct sr_shard_map *m;
	struct scan sc;
	char err[128];
	uint32_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		sh[i] = (struct sr_shard_desc){ .id = names[i], .weight = 1 };
	m = sr_shard_map_build(SR_HASH_STATSRELAY, sh, 5, 0, err, sizeof(err));
	assert_non_null(m);
	cfg.map = m;
	scan(&sc, "app.requests:1|c\napp.requests,host=x:1|c\napp.requests:1|c|#k:v\n");
	cfg.map = saved;
	assert_int_equal(sc.r.valid, 3);
	assert_int_equal(sc.refs[0].shard,
			 sr_murmur3_32((const uint8_t *)"app.requests", 12, 0xaccd3d34) % 5);
	assert_int_equal(sc.refs[2].shard, sc.refs[0].shard); /* DogStatsD tags: after ':' */
	assert_int_equal(sc.refs[1].shard,
			 sr_murmur3_32((const uint8_t *)"app.requests,host=x", 19, 0xaccd3d34) % 5);
	free(sc.buf);
	sr_shard_map_free(m);
}

/* --- stop and resume --- */

static void test_max_refs_stop_and_resume(void **state)
{
	char payload[1024];
	struct sr_line_ref all[64], refs[64];
	struct sr_counters c;
	struct sr_scan_result r;
	size_t n = 0;
	uint8_t *buf;
	uint32_t i, pos, total_valid = 0, total_lines = 0, calls = 0, max;

	(void)state;
	for (i = 0; i < 20; i++) {
		n += (size_t)snprintf(payload + n, sizeof(payload) - n, "m%u:%u|c\n", i, i);
		if (i % 3 == 0)
			n += (size_t)snprintf(payload + n, sizeof(payload) - n, "bad%u\n\n", i);
	}
	buf = malloc(n);
	assert_non_null(buf);
	memcpy(buf, payload, n);

	/* Everything at once, for reference. */
	memset(&c, 0, sizeof(c));
	pos = 0;
	r = sr_payload_scan(&cfg, buf, (uint32_t)n, &pos, all, 64, &c);
	assert_int_equal(r.valid, 20);
	assert_int_equal(r.lines, 27);
	assert_int_equal(pos, n);

	for (max = 1; max <= 7; max++) {
		memset(&c, 0, sizeof(c));
		pos = 0;
		total_valid = total_lines = calls = 0;
		while (pos < n) {
			uint32_t before = pos;
			r = sr_payload_scan(&cfg, buf, (uint32_t)n, &pos, refs, max, &c);
			assert_true(r.valid <= max);
			assert_true(pos > before); /* progress */
			for (i = 0; i < r.valid; i++) {
				assert_int_equal(refs[i].off, all[total_valid + i].off);
				assert_int_equal(refs[i].len, all[total_valid + i].len);
				assert_int_equal(refs[i].shard, all[total_valid + i].shard);
			}
			/* It stops right after the max-th valid line. */
			if (r.valid == max) {
				const struct sr_line_ref *last = &refs[max - 1];
				assert_int_equal(pos, last->off + last->len + 1);
			}
			total_valid += r.valid;
			total_lines += r.lines;
			calls++;
		}
		assert_int_equal(total_valid, 20);
		assert_int_equal(total_lines, 27);
		assert_int_equal(c.lines_in, 27);
		assert_int_equal(c.drops[SR_DROP_LINE_BAD_FORMAT], 7);
		assert_true(calls >= 20 / max);
	}
	/* Resuming in the middle of the payload. */
	memset(&c, 0, sizeof(c));
	pos = all[5].off;
	r = sr_payload_scan(&cfg, buf, (uint32_t)n, &pos, refs, 64, &c);
	assert_int_equal(r.valid, 15);
	assert_int_equal(refs[0].off, all[5].off);
	assert_int_equal(pos, n);
	/* max 0: nothing is consumed. */
	pos = 0;
	r = sr_payload_scan(&cfg, buf, (uint32_t)n, &pos, refs, 0, &c);
	assert_int_equal(r.valid, 0);
	assert_int_equal(r.lines, 0);
	assert_int_equal(pos, 0);
	/* pos at the end: nothing to do. */
	pos = (uint32_t)n;
	r = sr_payload_scan(&cfg, buf, (uint32_t)n, &pos, refs, 64, &c);
	assert_int_equal(r.lines, 0);
	assert_int_equal(pos, n);
	free(buf);
}

/* one_shard is about the refs of this call. */
static void test_one_shard_per_call(void **state)
{
	char a[32], b[32], payload[256];
	struct sr_line_ref refs[4];
	struct sr_counters c;
	struct sr_scan_result r;
	uint32_t pos = 0, n;
	uint8_t *buf;

	(void)state;
	two_shards(a, b, sizeof(a));
	n = (uint32_t)snprintf(payload, sizeof(payload), "%s\n%s\n%s\n%s\n", a, a, b, b);
	buf = malloc(n);
	assert_non_null(buf);
	memcpy(buf, payload, n);
	memset(&c, 0, sizeof(c));
	r = sr_payload_scan(&cfg, buf, n, &pos, refs, 2, &c);
	assert_int_equal(r.valid, 2);
	assert_true(r.one_shard);
	r = sr_payload_scan(&cfg, buf, n, &pos, refs, 2, &c);
	assert_int_equal(r.valid, 2);
	assert_true(r.one_shard);
	assert_int_equal(pos, n);
	free(buf);
}

/* A full jumbo payload of lines, and random payloads: refs stay in bounds. */
static void test_big_and_random_payloads(void **state)
{
	static uint64_t s = 0x510e527fade682d1ull;
	static struct sr_line_ref refs[8972];
	static const char *const pieces[] = {
		"a:1|c", "b.c,x=y:2|g|#k:v", "\n",	"\r\n", "\n\n", "bad", ":", "|",
		"\r",	 "m\xc3\xa9:1|ms",   "\xe2\x82"
	};
	uint8_t *buf = malloc(8972);
	uint32_t n, pos, iter, i;
	struct sr_counters c;
	struct sr_scan_result r;

	(void)state;
	assert_non_null(buf);
	/* 8972 bytes of "x:1|c\n" lines */
	for (n = 0; n + 6 <= 8972; n += 6)
		memcpy(buf + n, "x:1|c\n", 6);
	memset(&c, 0, sizeof(c));
	pos = 0;
	r = sr_payload_scan(&cfg, buf, n, &pos, refs, 8972, &c);
	assert_int_equal(r.valid, n / 6);
	assert_true(r.one_shard);
	free(buf);

	for (iter = 0; iter < 20000; iter++) {
		uint8_t tmp[256];
		uint32_t len = 0;
		while (len < 200) {
			const char *piece;
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			piece = pieces[s % (sizeof(pieces) / sizeof(pieces[0]))];
			if ((s >> 32) % 7 == 0)
				break;
			memcpy(tmp + len, piece, strlen(piece));
			len += (uint32_t)strlen(piece);
		}
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		memcpy(buf, tmp, len);
		memset(&c, 0, sizeof(c));
		pos = 0;
		while (pos < len) {
			r = sr_payload_scan(&cfg, buf, len, &pos, refs, 3, &c);
			for (i = 0; i < r.valid; i++) {
				assert_true(refs[i].off + refs[i].len <= len);
				assert_true(refs[i].len > 0);
				assert_true(buf[refs[i].off + refs[i].len - 1] != '\r');
				assert_true(refs[i].shard < N_SHARDS);
			}
		}
		assert_true(c.lines_in >= total_drops(&c));
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_split_on_lf),
		cmocka_unit_test(test_lines_split_on_crlf),
		cmocka_unit_test(test_empty_lines_not_counted),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_empty_and_tiny_payloads),
		cmocka_unit_test(test_drop_counters),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_counters_accumulate),
		cmocka_unit_test(test_shard_of_each_line),
		cmocka_unit_test(test_one_shard_flag),
		cmocka_unit_test(test_key_mode_name),
		cmocka_unit_test(test_compat_mode_key),
		cmocka_unit_test(test_max_refs_stop_and_resume),
		cmocka_unit_test(test_one_shard_per_call),
		cmocka_unit_test(test_big_and_random_payloads),
	};

	return cmocka_run_group_tests_name("sr_payload", tests, setup, teardown);
}
