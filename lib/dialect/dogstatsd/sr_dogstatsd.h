/* SPDX-License-Identifier: BSD-3-Clause */
/* The DogStatsD dialect's rules that its full parser (sr_dogstatsd.c) and its
 * fast path (sr_dogstatsd_fast.h) both apply. */
#ifndef SR_DOGSTATSD_H
#define SR_DOGSTATSD_H

#include <stdbool.h>

#include "text/sr_span.h"

/* The Agent's metric types: g c h d s ms. */
static inline bool sr_dd_known_type(struct sr_span t)
{
	if (t.len == 1)
		return t.p[0] == 'g' || t.p[0] == 'c' || t.p[0] == 'h' || t.p[0] == 'd' ||
		       t.p[0] == 's';
	return t.len == 2 && t.p[0] == 'm' && t.p[1] == 's';
}

#endif
