/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A parsed StatsD line, whatever its dialect: what identifies its series,
 * the metric name and its tags (from either tag style), as spans into the
 * line. Nothing is copied or allocated.
 */
#ifndef SR_LINE_H
#define SR_LINE_H

#include <stdint.h>

#include "sr_counters.h"
#include "text/sr_span.h"

/* Lines with more tags than this are dropped (line_too_many_tags): bounds the
 * per-line work of canonicalising the tag set. */
#define SR_MAX_TAGS 64

/* The downstream whose rules decide what is accepted and what a series is
 * (sr_dialect.h: one row of operations each). */
enum sr_dialect {
	SR_DIALECT_TELEGRAF,  /* Telegraf inputs.statsd, datadog_extensions = true */
	SR_DIALECT_DOGSTATSD, /* the Datadog Agent's DogStatsD server */
	SR_DIALECT_ETSY,      /* Etsy statsd */
	SR_DIALECT__COUNT
};

enum sr_line_kind {
	SR_LINE_METRIC,
	SR_LINE_EVENT,	       /* sharded by its title */
	SR_LINE_SERVICE_CHECK, /* sharded by its check name */
};

struct sr_tag {
	struct sr_span key;   /* a bare tag: the whole tag */
	struct sr_span value; /* a bare tag: what follows the key (often nothing) */
	uint8_t rank;	      /* on a repeated key the highest rank, then the last, wins */
	uint8_t bare;	      /* one string, not key=value (DogStatsD, Etsy) */
};

struct sr_line {
	enum sr_dialect dialect; /* whose rules parsed it: they key it too */
	enum sr_line_kind kind;
	struct sr_span name; /* metric name, event title or check name */
	uint32_t n_tags;
	struct sr_tag tags[SR_MAX_TAGS];
};

static inline int sr_add_tag(struct sr_line *l, struct sr_span k, struct sr_span v, uint8_t rank,
			     uint8_t bare)
{
	if (l->n_tags == SR_MAX_TAGS)
		return SR_DROP_LINE_TOO_MANY_TAGS;
	l->tags[l->n_tags++] = (struct sr_tag){ .key = k, .value = v, .rank = rank, .bare = bare };
	return SR_OK;
}

#endif
