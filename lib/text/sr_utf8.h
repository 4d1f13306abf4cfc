/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SR_UTF8_H
#define SR_UTF8_H

#include <stdint.h>

#include "sr_counters.h"

/*
 * Check a line's bytes: no ASCII control byte (< 0x20 or 0x7f: NUL, TAB, CR...)
 * and well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Returns SR_OK, SR_DROP_LINE_CONTROL_CHAR (wins when both apply) or
 * SR_DROP_LINE_BAD_UTF8. Plain printable ASCII runs 8 bytes per step.
 */
int sr_text_check(const uint8_t *p, uint32_t len);

#endif
