/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum pieces (RFC 1071) in DPDK's convention: sums of 16-bit
 * words as loaded from memory, so network-order fields are added as they are
 * stored and the folded result is stored as is.
 */
#ifndef SR_CKSUM_H
#define SR_CKSUM_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

/* Both 16-bit halves of a 32-bit field kept in network order. */
static inline uint32_t sr_sum_be32(uint32_t v)
{
	return (v >> 16) + (v & 0xffff);
}

static inline uint16_t sr_cksum_fold(uint32_t sum)
{
	return __rte_raw_cksum_reduce(sum);
}

/* One's complement subtraction: a - b. */
static inline uint32_t sr_cksum_sub(uint32_t a, uint16_t b)
{
	return a + (uint16_t)~b;
}

#endif
