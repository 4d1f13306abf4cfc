/* SPDX-License-Identifier: BSD-3-Clause */
#include "text/sr_classify.h"

#define B1(n) ((((sr_mask)1) << (n)) - 1)
#define B4(n) B1(n), B1(n + 1), B1(n + 2), B1(n + 3)
#define B16(n) B4(n), B4(n + 4), B4(n + 8), B4(n + 12)
#define B64(n) B16(n), B16(n + 16), B16(n + 32), B16(n + 48)
const sr_mask sr_mask_below_table[SR_CLS_MAX + 1] = { B64(0), B64(64), ~(sr_mask)0 };
