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

/* The downstream whose rules decide what is accepted and what a series is. */
enum sr_dialect {
	SR_DIALECT_TELEGRAF,  /* Telegraf inputs.statsd, datadog_extensions = true */
	SR_DIALECT_DOGSTATSD, /* the Datadog Agent's DogStatsD server */
	SR_DIALECT_ETSY,      /* Etsy statsd */
	SR_DIALECT__COUNT
};

extern const char *const sr_dialect_names[SR_DIALECT__COUNT];

enum sr_line_kind {
	SR_LINE_METRIC,
	SR_LINE_EVENT,	       /* sharded by its title */
	SR_LINE_SERVICE_CHECK, /* sharded by its check name */
};

/* How the downstream turns the name (and tags) of the line into its key. */
enum sr_name_style {
	SR_NAME_RAW,		   /* as sent */
	SR_NAME_DOT_IS_UNDERSCORE, /* Telegraf's default template: '.' -> '_' */
	SR_NAME_ETSY,		   /* statsd's sanitizeKeyName over "name;tag;..." */
};

struct sr_span {
	const uint8_t *p;
	uint32_t len;
};

struct sr_tag {
	struct sr_span key;   /* a bare tag: the whole tag */
	struct sr_span value; /* a bare tag: what follows the key (often nothing) */
	uint8_t rank;	      /* on a repeated key the highest rank, then the last, wins */
	uint8_t bare;	      /* one string, not key=value (DogStatsD, Etsy) */
};

struct sr_line {
	enum sr_line_kind kind;
	enum sr_name_style name_style;
	struct sr_span name; /* metric name, event title or check name */
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
