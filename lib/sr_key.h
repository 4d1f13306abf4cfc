/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Series keys. A series is a metric name plus its tag set: tag order does not
 * matter, and on a repeated tag key only the value the downstream keeps counts.
 * The key's canonical text is the name as the downstream stores it (Telegraf:
 * up to its first space, '.' read as '_'), then ",key=value" per tag sorted
 * by key (influx escaping of ',', '=', ' ' and '\'), so equal texts are equal series.
 * The hash is computed from the parsed line without building that text: tag
 * hashes are summed, which makes it independent of their order.
 */
#ifndef SR_KEY_H
#define SR_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "sr_line.h"

enum sr_key_mode {
	SR_KEY_NAME_TAGS, /* default: name + tag set */
	SR_KEY_NAME,	  /* name only: every tag combination of a metric together */
};

uint64_t sr_key_hash(const struct sr_line *l, enum sr_key_mode mode);

/*
 * Write the canonical text (NUL-terminated, truncated to cap) for tools and
 * tests; returns its full length. Not for the hot path.
 */
size_t sr_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap);

#endif
