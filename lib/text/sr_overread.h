/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a whole word or vector that runs past the end of the bytes wanted
 * cannot fault while it stays inside their page, and saves a byte loop or a
 * branch on the length. AddressSanitizer rightly reports such reads: its
 * builds take the exact path instead.
 */
#ifndef SR_OVERREAD_H
#define SR_OVERREAD_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define SR_EXACT_READS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SR_EXACT_READS 1
#endif
#endif

/* May n bytes be loaded from p (n <= 4096) though fewer are wanted? */
static inline bool sr_overread_ok(const void *p, uint32_t n)
{
#ifdef SR_EXACT_READS
	(void)p;
	(void)n;
	return false;
#else
	return ((uintptr_t)p & 4095) <= 4096 - n;
#endif
}

#endif
