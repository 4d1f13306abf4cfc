/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Telegraf dialect's fast path: the common line read from its masks
 * (text/sr_classify.h). Inline so that each build of the scan
 * (statsd/sr_scan_*.c) compiles it with its own instruction set; the rules
 * it mirrors, and the full parser it declines to, are in sr_telegraf.c.
 */
#ifndef SR_TELEGRAF_FAST_H
#define SR_TELEGRAF_FAST_H

#include "dialect/telegraf/sr_telegraf.h"
#include "text/sr_classify.h"

/* One tag into the key as it is found (metric_type is no part of it). */
static inline void fast_tag(struct sr_key_acc *acc, struct sr_span k, struct sr_span v)
{
	if (!sr_is_metric_type(k))
		sr_key_acc_tag(acc, &k, &v);
}

/* 64-bit masks: a line of up to 64 bytes, classified in one block. */
#define FM_WIDTH 64
#define TG_DD_TAGS fast_dd_tags64
#include "text/sr_mask_width.h"
#include "dialect/telegraf/sr_telegraf_fast_tmpl.h"
#include "text/sr_mask_width_end.h"
#undef TG_DD_TAGS

static inline __attribute__((always_inline)) int fast_dd_tags(struct sr_key_acc *acc,
							      const uint8_t *p, uint32_t s,
							      uint32_t e, const struct sr_cls *c);

/* A tag segment of a long line is mostly under 64 bytes: its masks shifted
 * to start at bit 0, it takes the 64-bit steps. */
static inline __attribute__((always_inline)) int fast_dd_tags_narrow(struct sr_key_acc *acc,
								     const uint8_t *p, uint32_t s,
								     uint32_t e,
								     const struct sr_cls *c)
{
	if (e - s <= 64) {
		const struct sr_cls64 seg = { .m = {
						      [SR_CLS_COMMA] =
							      (uint64_t)(c->m[SR_CLS_COMMA] >> s),
						      [SR_CLS_COLON] =
							      (uint64_t)(c->m[SR_CLS_COLON] >> s),
					      } };

		return fast_dd_tags64(acc, p + s, 0, e - s, &seg);
	}
	return fast_dd_tags(acc, p, s, e, c);
}

/* 128-bit masks: a line of up to SR_CLS_MAX bytes (struct sr_cls). */
#define FM_WIDTH 128
#define TG_DD_TAGS fast_dd_tags_narrow
#include "text/sr_mask_width.h"
#include "dialect/telegraf/sr_telegraf_fast_tmpl.h"
#include "text/sr_mask_width_end.h"
#undef TG_DD_TAGS

#endif
