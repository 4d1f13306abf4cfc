/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum pieces (RFC 1071) in DPDK's convention: sums of 16-bit
 * words as loaded from memory, so network-order fields are added as they are
 * stored and the folded result is stored as is.
 */
#ifndef SR_CKSUM_H
#define SR_CKSUM_H

#include <stdint.h>
#include <string.h>

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

/*
 * __rte_raw_cksum's sum, 8 bytes an add: 64-bit words as loaded, with
 * end-around carry (RFC 1071 2(B): the sum is independent of the word size),
 * two chains so that the carries do not serialise, folded to 16 bits at the
 * end. The same value once folded (sr_cksum_fold) as DPDK's 16-bit loop, odd
 * last byte included, several times faster on a payload: the relay sums every
 * received datagram it verifies and every packet it builds.
 */
static inline uint32_t sr_cksum_raw(const void *buf, uint32_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t a = sum, b = 0, w, x;
	uint32_t t;

	for (; len >= 16; p += 16, len -= 16) {
		memcpy(&w, p, 8);
		memcpy(&x, p + 8, 8);
		a += w;
		a += a < w;
		b += x;
		b += b < x;
	}
	if (len >= 8) {
		memcpy(&w, p, 8);
		a += w;
		a += a < w;
		p += 8;
		len -= 8;
	}
	/* the last 0-7 bytes, each piece at an even offset: a 16-bit word's
	 * place within the 64-bit one does not change the sum */
	w = 0;
	if (len & 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		w = v;
		p += 4;
	}
	if (len & 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		w += v;
		p += 2;
	}
	if (len & 1)
		w += *p; /* the low byte of its 16-bit word, as DPDK adds it */
	a += w;
	a += a < w;
	a += b;
	a += a < b;
	t = (uint32_t)a + (uint32_t)(a >> 32);
	t += t < (uint32_t)a;
	return (t & 0xffff) + (t >> 16);
}

/* A folded 16-bit sum of len bytes (rte_raw_cksum's value, 8 bytes an add). */
static inline uint16_t sr_cksum(const void *buf, uint32_t len)
{
	return sr_cksum_fold(sr_cksum_raw(buf, len, 0));
}

/* The sum of an IP address as stored (4 or 16 bytes): a pseudo header's part. */
static inline uint32_t sr_cksum_addr(const uint8_t *a, int v6)
{
	uint32_t v4;

	if (v6)
		return sr_cksum_raw(a, 16, 0);
	memcpy(&v4, a, 4);
	return sr_sum_be32(v4);
}

/* One's complement subtraction: a - b. */
static inline uint32_t sr_cksum_sub(uint32_t a, uint16_t b)
{
	return a + (uint16_t)~b;
}

#endif
