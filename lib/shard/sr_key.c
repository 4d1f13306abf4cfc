/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "shard/sr_key.h"

#define B(n) (~0ull >> (64 - 8 * (n))) /* the low n bytes, n = 1..8 */
const uint64_t sr_key_keep[17][2] = {
	{ 0, 0 },	{ B(1), 0 },	{ B(2), 0 },	{ B(3), 0 },	{ B(4), 0 },
	{ B(5), 0 },	{ B(6), 0 },	{ B(7), 0 },	{ B(8), 0 },	{ B(8), B(1) },
	{ B(8), B(2) }, { B(8), B(3) }, { B(8), B(4) }, { B(8), B(5) }, { B(8), B(6) },
	{ B(8), B(7) }, { B(8), B(8) },
};
#undef B

uint64_t sr_key_part_hash_slow(const struct sr_span *s, uint64_t seed)
{
	uint8_t w[16] = { 0 };

	if (s->len > 16)
		return sr_hash64_part(s->p, s->len, seed);
	memcpy(w, s->p, s->len); /* near a page's end: the same words, copied */
	return sr_key_short_hash(w, s->len, seed);
}
