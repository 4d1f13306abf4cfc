/* SPDX-License-Identifier: BSD-3-Clause */
/* MD5 (RFC 1321), only for the statsd-proxy compatibility ring. */
#ifndef SR_MD5_H
#define SR_MD5_H

#include <stddef.h>
#include <stdint.h>

void sr_md5(const void *data, size_t len, uint8_t digest[16]);

/* The little-endian uint32 of digest bytes 0..3, as npm hashring reads it. */
static inline uint32_t sr_md5_le32(const void *data, size_t len)
{
	uint8_t d[16];

	sr_md5(data, len, d);
	return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

#endif
