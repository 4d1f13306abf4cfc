/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the line parser and the series key, every dialect and key
 * mode. Input byte 0 picks dialect and mode; the rest is one line. Checks what
 * must hold for any bytes: spans stay inside the line, the key is the same
 * when computed twice, its text length does not depend on the buffer size.
 * Differential: each vector fast path (Telegraf's, DogStatsD's) accepts only
 * what its full parser accepts, with the same key, and its 64-bit build agrees; and
 * sr_payload_scan, in every build this CPU runs, agrees with a plain split + sr_line_parse
 * reference.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/sr_dialect.h"
#include "dialect/dogstatsd/sr_dogstatsd_fast.h"
#include "dialect/telegraf/sr_telegraf.h"
#include "scan_check.h"
#include "shard/sr_key.h"
#include "statsd/sr_payload.h"
#include "text/sr_classify.h"
#include "text/sr_number.h"
#include "text/sr_utf8.h"

static void span_inside(const struct sr_span *s, const uint8_t *p, size_t n)
{
	if (s->len == 0)
		return;
	assert(s->p >= p && s->p + s->len <= p + n);
}

/* A dialect's fast path in its two mask widths. */
struct fast_path {
	enum sr_dialect dialect;
	int (*wide)(const uint8_t *p, uint32_t len, const struct sr_cls *c, enum sr_key_mode mode,
		    uint64_t *key);
	int (*narrow)(const uint8_t *p, uint32_t len, const struct sr_cls64 *c,
		      enum sr_key_mode mode, uint64_t *key);
};

static const struct fast_path fast_paths[] = {
	{ SR_DIALECT_TELEGRAF, sr_parse_telegraf_fast, sr_parse_telegraf_fast64 },
	{ SR_DIALECT_DOGSTATSD, sr_parse_dogstatsd_fast, sr_parse_dogstatsd_fast64 },
};

/* A fast path on the whole input as one line, against its full parser. */
static void check_fast_line(const struct fast_path *fp, uint32_t max_line, const uint8_t *line,
			    uint32_t n)
{
	const struct sr_parse_cfg full_cfg = { fp->dialect, max_line };
	static struct sr_line full;
	struct sr_cls cls;
	uint64_t k_tags = 0, k_name = 0;
	int rc;

	if (n == 0 || n > max_line || n > SR_CLS_MAX || !sr_cls_line(line, n, &cls) ||
	    (cls.m[SR_CLS_NL] & sr_mask_below(n)) || (cls.m[SR_CLS_ODD] & sr_mask_below(n)))
		return;
	rc = fp->wide(line, n, &cls, SR_KEY_NAME_TAGS, &k_tags);
	assert(rc == SR_OK || rc == SR_FAST_DECLINED);
	if (n <= 64) { /* the 64-bit masks' build: the same verdict and key */
		struct sr_cls64 lo;
		uint64_t k64 = 0;

		sr_cls_block_at(line, n, lo.m);
		assert(sr_cls_in_block(&lo, n));
		assert(fp->narrow(line, n, &lo, SR_KEY_NAME_TAGS, &k64) == rc);
		assert(rc != SR_OK || k64 == k_tags);
	}
	if (rc != SR_OK)
		return;
	assert(fp->wide(line, n, &cls, SR_KEY_NAME, &k_name) == SR_OK);
	assert(sr_line_parse(&full_cfg, line, n, &full) == SR_OK);
	assert(full.kind == SR_LINE_METRIC);
	assert(k_tags == sr_line_key_hash(&full, SR_KEY_NAME_TAGS));
	assert(k_name == sr_line_key_hash(&full, SR_KEY_NAME));
}

/* sr_payload_scan in each build against the reference (scan_check.h). */
static void check_scan(const struct sr_parse_cfg *pcfg, enum sr_key_mode mode, const uint8_t *data,
		       uint32_t len)
{
	static struct sr_shard_map *map;
	struct sr_payload_cfg cfg;
	struct scan_check sc;

	if (map == NULL) {
		static struct sr_shard_desc d[64];
		static char addr[64][24];
		char err[128];
		unsigned i;
		for (i = 0; i < 64; i++) {
			snprintf(addr[i], sizeof(addr[i]), "198.18.1.%u:8125", i + 1);
			d[i] = (struct sr_shard_desc){ addr[i], 1 };
		}
		map = sr_shard_map_build(SR_HASH_MAGLEV, d, 64, 6451, err, sizeof(err));
		assert(map);
	}
	cfg = (struct sr_payload_cfg){ .parse = *pcfg, .key_mode = mode, .map = map };
	assert(scan_check_builds(&cfg, data, len, 3, &sc) && sc.builds > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sr_line a, b;
	struct sr_parse_cfg cfg;
	enum sr_key_mode mode;
	const uint8_t *line;
	char small[8], big[16384];
	uint32_t n, i;
	int rc;

	if (size < 1 || size > 9000)
		return 0;
	cfg.dialect = (enum sr_dialect)(data[0] % SR_DIALECT__COUNT);
	cfg.max_line = data[0] & 0x80 ? 64 : 8972;
	mode = data[0] & 0x40 ? SR_KEY_NAME : SR_KEY_NAME_TAGS;
	line = data + 1;
	n = (uint32_t)(size - 1);

	(void)sr_go_float_ok(line, n);
	(void)sr_text_check(line, n);
	for (i = 0; i < sizeof(fast_paths) / sizeof(fast_paths[0]); i++)
		check_fast_line(&fast_paths[i], cfg.max_line, line, n);
	check_scan(&cfg, mode, line, n);
	rc = sr_line_parse(&cfg, line, n, &a);
	assert(rc >= 0 && rc <= SR_DROP__COUNT);
	if (rc != SR_OK) {
		assert(sr_drop_is_line((enum sr_drop)rc));
		return 0;
	}
	span_inside(&a.name, line, n);
	assert(a.n_tags <= SR_MAX_TAGS);
	for (i = 0; i < a.n_tags; i++) {
		if (a.tags[i].key.len)
			span_inside(&a.tags[i].key, line, n);
		/* "true" for valueless tags lives outside the line */
		if (a.tags[i].value.len && a.tags[i].value.p >= line &&
		    a.tags[i].value.p < line + n)
			span_inside(&a.tags[i].value, line, n);
	}
	assert(sr_line_parse(&cfg, line, n, &b) == SR_OK);
	assert(sr_line_key_hash(&a, mode) == sr_line_key_hash(&b, mode));
	size_t full = sr_line_key_text(&a, mode, big, sizeof(big));
	assert(sr_line_key_text(&a, mode, small, sizeof(small)) == full);
	assert(strlen(small) == (full < sizeof(small) ? full : sizeof(small) - 1));
	return 0;
}
