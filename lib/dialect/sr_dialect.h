/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dialects: one row of operations per downstream, each in its own folder
 * (lib/dialect/telegraf, dogstatsd, etsy). A row says how that downstream
 * reads a line and what it takes for a series. Adding a dialect is one
 * folder and one row of sr_dialects.
 */
#ifndef SR_DIALECT_H
#define SR_DIALECT_H

#include <stddef.h>
#include <stdint.h>

#include "dialect/sr_line.h"
#include "shard/sr_key.h"

struct sr_dialect_ops {
	const char *name; /* as --dialect names it */
	/* Validate a line whose length and text (sr_text_check) are known
	 * good, rule for rule as the downstream does; fill *l (dialect, kind
	 * and n_tags are set before). SR_OK or the line_* drop reason. */
	int (*parse)(const uint8_t *p, uint32_t len, struct sr_line *l);
	/* The series key's hash (shard/sr_key.h pieces). */
	uint64_t (*key_hash)(const struct sr_line *l, enum sr_key_mode mode);
	/* Its canonical text, NUL-terminated, truncated to cap; returns the
	 * full length. Equal texts are equal series. Tools and tests only. */
	size_t (*key_text)(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap);
};

extern const struct sr_dialect_ops sr_telegraf_ops;
extern const struct sr_dialect_ops sr_dogstatsd_ops;
extern const struct sr_dialect_ops sr_etsy_ops;
extern const struct sr_dialect_ops *const sr_dialects[SR_DIALECT__COUNT];

static inline const char *sr_dialect_name(enum sr_dialect d)
{
	return sr_dialects[d]->name;
}

struct sr_parse_cfg {
	enum sr_dialect dialect;
	uint32_t max_line; /* longer lines: line_too_long */
};

/*
 * Validate one line (no '\n', trailing '\r' already removed) and fill *out.
 * Returns SR_OK or the line_* drop reason.
 */
int sr_line_parse(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
		  struct sr_line *out);
/* sr_line_parse for a line whose length and text (sr_text_check) are known good. */
int sr_line_parse_clean(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
			struct sr_line *out);

/* A parsed line's series key, by the rules of the dialect that parsed it. */
static inline uint64_t sr_line_key_hash(const struct sr_line *l, enum sr_key_mode mode)
{
	return sr_dialects[l->dialect]->key_hash(l, mode);
}

static inline size_t sr_line_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf,
				      size_t cap)
{
	return sr_dialects[l->dialect]->key_text(l, mode, buf, cap);
}

/* A dialect's fast path (statsd/sr_scan_impl.h) when a line is not its to
 * judge: the full parser decides. */
#define SR_FAST_DECLINED (-1)

#endif
