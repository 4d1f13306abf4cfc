/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mask steps of one width for a fast path written once, as a template
 * included once per width (no include guard: included again each time).
 * Before including it, define FM_WIDTH as 64 (a line within its first
 * block: struct sr_cls64) or 128 (struct sr_cls); the template then uses
 * FM_MASK, FM_CLS, FM_FN(name) (name64 or name), FM_FIRST, FM_BELOW,
 * FM_RANGE and FM_SINGLE. text/sr_mask_width_end.h undefines them all.
 */
#include "text/sr_classify.h"

#if FM_WIDTH == 64
#define FM_MASK uint64_t
#define FM_CLS struct sr_cls64
#define FM_FN(name) name##64
#define FM_FIRST sr_mask64_first
#define FM_BELOW sr_mask64_below
#define FM_RANGE sr_mask64_range
#define FM_SINGLE sr_mask64_single
#elif FM_WIDTH == 128
#define FM_MASK sr_mask
#define FM_CLS struct sr_cls
#define FM_FN(name) name
#define FM_FIRST sr_mask_first
#define FM_BELOW sr_mask_below
#define FM_RANGE sr_mask_range
#define FM_SINGLE sr_mask_single
#else
#error "FM_WIDTH must be 64 or 128"
#endif

/* what every fast path shares, once per width */
#if FM_WIDTH == 64 && !defined(SR_MASK_SHARED_64)
#define SR_MASK_SHARED_64
#include "text/sr_mask_shared_tmpl.h"
#elif FM_WIDTH == 128 && !defined(SR_MASK_SHARED_128)
#define SR_MASK_SHARED_128
#include "text/sr_mask_shared_tmpl.h"
#endif
