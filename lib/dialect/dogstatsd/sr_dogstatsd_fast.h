/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DogStatsD dialect's fast path: the common metric line read from its
 * masks (text/sr_classify.h), as the Telegraf dialect's is. Inline so that
 * each build of the scan compiles it with its own instruction set; the
 * rules it mirrors, and the full parser it declines to, are in
 * sr_dogstatsd.c.
 */
#ifndef SR_DOGSTATSD_FAST_H
#define SR_DOGSTATSD_FAST_H

#include <string.h>

#include "dialect/dogstatsd/sr_dogstatsd.h"
#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"
#include "text/sr_classify.h"
#include "text/sr_span.h"

#define FM_WIDTH 64
#include "text/sr_mask_width.h"
#include "dialect/dogstatsd/sr_dogstatsd_fast_tmpl.h"
#include "text/sr_mask_width_end.h"

#define FM_WIDTH 128
#include "text/sr_mask_width.h"
#include "dialect/dogstatsd/sr_dogstatsd_fast_tmpl.h"
#include "text/sr_mask_width_end.h"

/* The fast path out of line, for tests and tools (64: a line within one block). */
int sr_parse_dogstatsd_fast(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			    enum sr_key_mode mode, uint64_t *key);
int sr_parse_dogstatsd_fast64(const uint8_t *p, uint32_t len, const struct sr_cls64 *c,
			      enum sr_key_mode mode, uint64_t *key);

#endif
