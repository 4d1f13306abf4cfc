/* SPDX-License-Identifier: BSD-3-Clause */
/* The fast path for tests and tools; the scan inlines it. */
#include "dialect/dogstatsd/sr_dogstatsd_fast.h"

int sr_parse_dogstatsd_fast(const uint8_t *p, uint32_t len, const struct sr_cls *c,
			    enum sr_key_mode mode, uint64_t *key)
{
	return sr_dogstatsd_fast(p, len, c, mode, key);
}

int sr_parse_dogstatsd_fast64(const uint8_t *p, uint32_t len, const struct sr_cls64 *c,
			      enum sr_key_mode mode, uint64_t *key)
{
	return sr_dogstatsd_fast64(p, len, c, mode, key);
}
