/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Steps the dialects' fast paths share, over one mask width: included once
 * per width by text/sr_mask_width.h.
 */
#include "text/sr_span.h"

/* A plain decimal ("42", "0.25", "5.": digits and at most one '.') read
 * off the digit mask: the usual value, which every dialect's number rule takes. */
static inline bool FM_FN(sr_fast_plain_decimal)(const uint8_t *p, const FM_CLS *c, struct sr_span v)
{
	const uint32_t at = (uint32_t)(v.p - p);
	FM_MASK other;

	if (v.len == 0 || v.len > 18)
		return false;
	other = ~c->m[SR_CLS_DIGIT] & FM_RANGE(at, at + v.len);
	return other == 0 || (FM_SINGLE(other) && v.len > 1 && p[FM_FIRST(other)] == '.');
}
