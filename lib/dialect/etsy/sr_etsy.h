/* SPDX-License-Identifier: BSD-3-Clause */
/* Etsy statsd: its key rule (sr_etsy_key.c), for its row of operations (sr_etsy.c). */
#ifndef SR_ETSY_H
#define SR_ETSY_H

#include "dialect/sr_dialect.h"

uint64_t sr_etsy_key_hash(const struct sr_line *l, enum sr_key_mode mode);
size_t sr_etsy_key_text(const struct sr_line *l, enum sr_key_mode mode, char *buf, size_t cap);

#endif
