/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telegraf's inputs.statsd: the pieces its full parser (sr_telegraf.c) and
 * its fast path (sr_telegraf_fast.h) share, and its series key rule. Private
 * to lib/dialect/telegraf and the scan that inlines the fast path.
 */
#ifndef SR_TELEGRAF_H
#define SR_TELEGRAF_H

#include <stdbool.h>
#include <string.h>

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"
#include "text/sr_span.h"

struct sr_cls;
struct sr_cls64;

/* Tag ranks: Telegraf applies DogStatsD tags after the name's influx tags. */
enum { SR_TG_RANK_INFLUX = 0, SR_TG_RANK_DOGSTATSD = 1 };

/* One "value|type[|@rate...]" bit, as Telegraf's parseStatsdLine checks it. */
struct sr_tg_bit {
	struct sr_span value, type;
	uint32_t fields; /* '|'-separated fields seen */
	bool no_name;	 /* the line's name is empty */
};

/* "true", the value of a tag without one (padded for 16-byte loads). */
extern const uint8_t sr_tg_true[16];
/* The metric type Telegraf knows ('m' for "ms"), or 0. */
static inline char sr_tg_type(const struct sr_span *t)
{
	if (t->len == 1 && (t->p[0] == 'g' || t->p[0] == 'c' || t->p[0] == 's' || t->p[0] == 'd' ||
			    t->p[0] == 'h'))
		return (char)t->p[0];
	if (t->len == 2 && t->p[0] == 'm' && t->p[1] == 's')
		return 'm';
	return 0;
}

/* Telegraf's check of one bit; the text of one '|'-free stretch given to bits. */
int sr_tg_check_bit(const struct sr_tg_bit *b);
int sr_tg_bits_text(struct sr_tg_bit *b, const uint8_t *p, uint32_t n);

/* Telegraf's own tag for the metric's type: it overwrites a sent one, and the
 * relay's key is type-free, so a sent "metric_type" is no part of the key. */
static inline bool sr_is_metric_type(struct sr_span k)
{
	return k.len == 11 && memcmp(k.p, "metric_type", 11) == 0;
}

/* A metric's name as Telegraf's default graphite template stores it: '.' read as '_'. */
static inline __attribute__((always_inline)) uint64_t
sr_telegraf_name_hash(const struct sr_span *name)
{
	return sr_key_name_hash(name, '.', '_');
}

/* The fast path (sr_telegraf_fast.h) out of line, for tests and tools; the
 * 64-bit build takes a line of at most 64 bytes classified in one block. */
int sr_parse_telegraf_fast(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			   enum sr_key_mode mode, uint64_t *key);
int sr_parse_telegraf_fast64(const uint8_t *p, uint32_t len, const struct sr_cls64 *c,
			     enum sr_key_mode mode, uint64_t *key);

#endif
