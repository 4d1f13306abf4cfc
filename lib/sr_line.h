/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * StatsD line parser. Works in place: the result points into the line, nothing
 * is copied or allocated. A line is validated by the rules of the selected
 * downstream (its dialect) and split into what identifies its series: the
 * metric name and its tags, from either tag style.
 */
#ifndef SR_LINE_H
#define SR_LINE_H

#include <stdint.h>

#include "sr_counters.h"

/* Lines with more tags than this are dropped (line_too_many_tags): bounds the
 * per-line work of canonicalising the tag set. */
#define SR_MAX_TAGS 64

enum sr_dialect {
	SR_DIALECT_TELEGRAF, /* Telegraf inputs.statsd, datadog_extensions = true */
};

struct sr_span {
	const uint8_t *p;
	uint32_t len;
};

struct sr_tag {
	struct sr_span key;
	struct sr_span value;
	uint8_t rank; /* on a repeated key the highest rank, then the last, wins */
};

struct sr_line {
	struct sr_span name;		 /* as the downstream names the series */
	uint8_t name_dot_is_underscore; /* the downstream reads '.' in the name as '_' */
	uint32_t n_tags;
	struct sr_tag tags[SR_MAX_TAGS];
};

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

#endif
