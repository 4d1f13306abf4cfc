/* SPDX-License-Identifier: BSD-3-Clause */
/* MD5 as specified in RFC 1321, section 3. */
#include <string.h>

#include "shard/sr_md5.h"

static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};

static const uint8_t S[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 }
};

static inline uint32_t rotl(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static void md5_block(uint32_t h[4], const uint8_t b[64])
{
	uint32_t x[16], a = h[0], bb = h[1], c = h[2], d = h[3];
	unsigned i;

	for (i = 0; i < 16; i++)
		x[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
		       (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		uint32_t f, t;
		unsigned g, round = i / 16;
		switch (round) {
		case 0:
			f = (bb & c) | (~bb & d);
			g = i;
			break;
		case 1:
			f = (bb & d) | (c & ~d);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = bb ^ c ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (bb | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = c;
		c = bb;
		bb = bb + rotl(a + f + T[i] + x[g], S[round][i % 4]);
		a = t;
	}
	h[0] += a;
	h[1] += bb;
	h[2] += c;
	h[3] += d;
}

void sr_md5(const void *data, size_t len, uint8_t digest[16])
{
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	const uint8_t *p = data;
	uint8_t tail[128];
	size_t rest = len % 64, n_tail, i;
	uint64_t bits = (uint64_t)len * 8;

	for (i = 0; i + 64 <= len; i += 64)
		md5_block(h, p + i);
	/* pad: 0x80, zeros, then the bit length, little-endian, to a multiple of 64 */
	memcpy(tail, p + len - rest, rest);
	tail[rest] = 0x80;
	n_tail = rest + 1 + 8 <= 64 ? 64 : 128;
	memset(tail + rest + 1, 0, n_tail - rest - 1);
	for (i = 0; i < 8; i++)
		tail[n_tail - 8 + i] = (uint8_t)(bits >> (8 * i));
	md5_block(h, tail);
	if (n_tail == 128)
		md5_block(h, tail + 64);
	for (i = 0; i < 16; i++)
		digest[i] = (uint8_t)(h[i / 4] >> (8 * (i % 4)));
}
