/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame verdicts in cmocka tests: expected values and one assertion. */
#ifndef SR_TEST_VERDICT_CHECK_H
#define SR_TEST_VERDICT_CHECK_H

#include <stdbool.h>

#include "net/sr_frame.h"

#define V_RELAY ((struct sr_verdict){ .kind = SR_VERDICT_RELAY })
#define V_CONTROL ((struct sr_verdict){ .kind = SR_VERDICT_CONTROL })
#define V_FRAGMENT ((struct sr_verdict){ .kind = SR_VERDICT_FRAGMENT })
#define V_DROP(why) ((struct sr_verdict){ .kind = SR_VERDICT_DROP, .drop = SR_DROP_##why })

static inline bool verdict_eq(struct sr_verdict a, struct sr_verdict b)
{
	return a.kind == b.kind && (a.kind != SR_VERDICT_DROP || a.drop == b.drop);
}

static inline const char *verdict_name(struct sr_verdict v)
{
	switch (v.kind) {
	case SR_VERDICT_RELAY:
		return "relay";
	case SR_VERDICT_CONTROL:
		return "control";
	case SR_VERDICT_FRAGMENT:
		return "fragment";
	case SR_VERDICT_DROP:
		return v.drop < SR_DROP__COUNT ? sr_drop_names[v.drop] : "drop (no such reason)";
	}
	return "no such verdict";
}

#define assert_verdict_is(got, want)                                                               \
	do {                                                                                       \
		struct sr_verdict got_ = (got), want_ = (want);                                    \
		if (!verdict_eq(got_, want_))                                                      \
			fail_msg("got %s, want %s", verdict_name(got_), verdict_name(want_));      \
	} while (0)

#endif
