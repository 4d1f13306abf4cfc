/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A per-shard outgoing payload being filled with copied lines: each line
 * unchanged, ended by '\n', until the next one would pass the size limit.
 */
#ifndef SR_BATCH_H
#define SR_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct sr_batch {
	uint8_t *buf; /* payload start (headers go before it) */
	uint32_t len;
	uint32_t lines;
};

static inline bool sr_batch_fits(const struct sr_batch *b, uint32_t line_len, uint32_t max_payload)
{
	return b->len + line_len + 1 <= max_payload;
}

static inline void sr_batch_append(struct sr_batch *b, const uint8_t *line, uint32_t len)
{
	memcpy(b->buf + b->len, line, len);
	b->buf[b->len + len] = '\n';
	b->len += len + 1;
	b->lines++;
}

#endif
