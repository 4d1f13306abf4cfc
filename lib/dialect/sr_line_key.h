/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The series key of a "name + tag set" line, for the dialects whose
 * downstream keys it so (Telegraf, DogStatsD): the name's hash as the
 * dialect computes it, then one hash per tag. On a repeated tag key only the
 * value the downstream keeps counts: the highest rank, then the last.
 * The canonical text is the name, then the live tags sorted by key, so equal
 * texts are equal series.
 */
#ifndef SR_LINE_KEY_H
#define SR_LINE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect/sr_line.h"
#include "shard/sr_key.h"

uint64_t sr_line_tags_key_hash(const struct sr_line *l, uint64_t name_hash, enum sr_key_mode mode);

/*
 * influx: "name,k=v,..." with influx escaping of ',', '=', ' ' and '\' and
 * the name's '.' read as '_' (Telegraf's metrics); else "name|#tag,k:v,..."
 * (DogStatsD notation).
 */
size_t sr_line_tags_key_text(const struct sr_line *l, enum sr_key_mode mode, bool influx, char *buf,
			     size_t cap);

/* A bounded text being written: what does not fit is counted, not written. */
struct sr_text_out {
	char *buf;
	size_t cap, len;
};

static inline void sr_text_put(struct sr_text_out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

/* NUL-terminate (truncated to cap) and return the full length. */
static inline size_t sr_text_finish(struct sr_text_out *o)
{
	if (o->cap)
		o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
	return o->len;
}

#endif
