/* SPDX-License-Identifier: BSD-3-Clause */
#include "sr_counters.h"

/* one X-macro list a line */
/* clang-format off */
#define SR_NAME_ENTRY(sym, name) [SR_DROP_##sym] = name,
const char *const sr_drop_names[SR_DROP__COUNT] = {
	SR_FRAME_DROPS(SR_NAME_ENTRY)
	SR_LINE_DROPS(SR_NAME_ENTRY)
};
/* clang-format on */
