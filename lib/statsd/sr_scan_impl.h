/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of sr_payload_scan, compiled once per instruction set (sr_scan_*.c)
 * so that text/sr_classify.h's block classifier uses the widest vectors built in.
 */
#ifndef SR_SCAN_IMPL_H
#define SR_SCAN_IMPL_H

#include <string.h>

#include <rte_branch_prediction.h>

#include "dialect/dogstatsd/sr_dogstatsd_fast.h"
#include "dialect/telegraf/sr_telegraf_fast.h"
#include "statsd/sr_payload.h"
#include "text/sr_classify.h"

/* What a scan reads of the configuration, loaded once per call. */
struct scan_rules {
	const struct sr_parse_cfg *parse;
	const struct sr_shard_map *map;
	enum sr_key_mode key_mode;
	bool series_key; /* the map hashes series keys (else the text before ':') */
	enum sr_dialect dialect;
};

/* The shard of a valid line's series key (or, in the compatibility modes, its text). */
static inline uint32_t scan_shard(const struct scan_rules *sr, const uint8_t *p, uint32_t n,
				  uint64_t key)
{
	return sr->series_key ? sr_shard_of_hash(sr->map, key)
			      : sr_shard_of_line_text(sr->map, p, n);
}

/*
 * The dialect's fast path over the line's masks: 64-bit ones when the line
 * ends within its first block (short), else 128-bit. Etsy has none.
 */
static inline __attribute__((always_inline)) int
scan_fast(const struct scan_rules *sr, const uint8_t *p, uint32_t n, const struct sr_cls64 *lo,
	  const struct sr_cls *cls, bool short_line, uint64_t *key)
{
	switch (sr->dialect) {
	case SR_DIALECT_TELEGRAF:
		return short_line ? sr_telegraf_fast64(p, n, lo, sr->key_mode, key)
				  : sr_telegraf_fast(p, n, cls, sr->key_mode, key);
	case SR_DIALECT_DOGSTATSD:
		return short_line ? sr_dogstatsd_fast64(p, n, lo, sr->key_mode, key)
				  : sr_dogstatsd_fast(p, n, cls, sr->key_mode, key);
	default:
		return SR_FAST_DECLINED;
	}
}

/*
 * One line to its shard. Plain text (printable ASCII only) tries the
 * dialect's fast path first; anything it declines, and any other text,
 * takes the full parser into *line.
 */
static inline __attribute__((always_inline)) int
scan_line(const struct scan_rules *sr, const uint8_t *p, uint32_t n, const struct sr_cls64 *lo,
	  const struct sr_cls *cls, bool plain, bool short_line, struct sr_line *line,
	  uint32_t *shard)
{
	uint64_t key;
	int rc;

	if (plain && scan_fast(sr, p, n, lo, cls, short_line, &key) == SR_OK) {
		*shard = scan_shard(sr, p, n, key);
		return SR_OK;
	}
	rc = plain ? sr_line_parse_clean(sr->parse, p, n, line)
		   : sr_line_parse(sr->parse, p, n, line);
	if (rc == SR_OK)
		*shard = scan_shard(sr, p, n,
				    sr->series_key ? sr_line_key_hash(line, sr->key_mode) : 0);
	return rc;
}

/* cls is read only for a line that did not end in its first block, and set
 * for each such line: GCC cannot follow that through short_line. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
static inline __attribute__((always_inline)) void
scan_impl(const struct sr_payload_cfg *cfg, const uint8_t *payload, uint32_t len, uint32_t *pos,
	  struct sr_line_ref *refs, uint32_t max, struct sr_counters *c, struct sr_scan_result *out,
	  const enum sr_dialect dialect)
{
	const struct scan_rules rules = {
		.parse = &cfg->parse,
		.map = cfg->map,
		.key_mode = cfg->key_mode,
		.series_key = sr_hash_uses_series_key(cfg->map->mode),
		.dialect = dialect,
	};
	uint32_t lines = 0, valid = 0;
	bool one_shard = true;
	struct sr_line line;
	uint32_t p = *pos;

	while (p < len && valid < max) {
		const uint8_t *start = payload + p;
		const uint32_t avail = len - p;
		struct sr_cls64 lo;
		struct sr_cls cls;
		bool short_line, classified = true, has_nl, plain;
		uint32_t n, shard;
		int rc;

		sr_cls_block_at(start, avail, lo.m);
		short_line = sr_cls_in_block(&lo, avail);
		if (likely(short_line)) {
			has_nl = lo.m[SR_CLS_NL] != 0;
			n = has_nl ? sr_mask64_first(lo.m[SR_CLS_NL]) : avail;
		} else if ((classified = sr_cls_widen(start, avail, &lo, &cls))) {
			has_nl = cls.m[SR_CLS_NL] != 0;
			n = has_nl ? sr_mask_first(cls.m[SR_CLS_NL]) : avail;
		} else { /* longer than SR_CLS_MAX */
			const uint8_t *nl = memchr(start, '\n', avail);
			has_nl = nl != NULL;
			n = has_nl ? (uint32_t)(nl - start) : avail;
		}
		p += n + has_nl;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		lines++;
		plain = short_line ? (lo.m[SR_CLS_ODD] & sr_mask64_below(n)) == 0
				   : classified && (cls.m[SR_CLS_ODD] & sr_mask_below(n)) == 0;
		rc = scan_line(&rules, start, n, &lo, &cls, plain && n <= cfg->parse.max_line,
			       short_line, &line, &shard);
		if (rc != SR_OK) {
			c->drops[rc]++;
			continue;
		}
		refs[valid] = (struct sr_line_ref){ .off = (uint32_t)(start - payload),
						    .len = n,
						    .shard = shard };
		one_shard &= valid == 0 || shard == refs[0].shard;
		valid++;
	}
	c->lines_in += lines;
	*pos = p;
	out->lines = lines;
	out->valid = valid;
	out->one_shard = one_shard;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* One loop per dialect, a constant: each inlines its own fast path only. */
#define SR_SCAN_VARIANT(name)                                                                      \
	SR_SCAN_DECLARE(name)                                                                      \
	{                                                                                          \
		switch (cfg->parse.dialect) {                                                      \
		case SR_DIALECT_TELEGRAF:                                                          \
			scan_impl(cfg, payload, len, pos, refs, max, c, out, SR_DIALECT_TELEGRAF); \
			break;                                                                     \
		case SR_DIALECT_DOGSTATSD:                                                         \
			scan_impl(cfg, payload, len, pos, refs, max, c, out,                       \
				  SR_DIALECT_DOGSTATSD);                                           \
			break;                                                                     \
		default:                                                                           \
			scan_impl(cfg, payload, len, pos, refs, max, c, out, cfg->parse.dialect);  \
			break;                                                                     \
		}                                                                                  \
	}

#endif
