/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "text/sr_space.h"

uint32_t sr_space_len_slow(const uint8_t *p, uint32_t n, bool at_end)
{
	static const uint8_t spaces[][3] = {
		{ 0xc2, 0x85 },	      { 0xc2, 0xa0 },	    { 0xe1, 0x9a, 0x80 },
		{ 0xe2, 0x80, 0xa8 }, { 0xe2, 0x80, 0xa9 }, { 0xe2, 0x80, 0xaf },
		{ 0xe2, 0x81, 0x9f }, { 0xe3, 0x80, 0x80 },
	};
	const uint8_t *q;
	unsigned i;

	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		uint32_t l = spaces[i][2] ? 3 : 2;
		if (n >= l && memcmp(at_end ? p + n - l : p, spaces[i], l) == 0)
			return l;
	}
	if (n < 3)
		return 0;
	q = at_end ? p + n - 3 : p; /* U+2000..U+200A */
	return q[0] == 0xe2 && q[1] == 0x80 && q[2] >= 0x80 && q[2] <= 0x8a ? 3 : 0;
}

uint32_t sr_js_space_len_slow(const uint8_t *p, uint32_t n, bool at_end)
{
	static const uint8_t bom[] = { 0xef, 0xbb, 0xbf }; /* U+FEFF */
	uint32_t k = sr_space_len(p, n, at_end);

	if (k == 2 && (at_end ? p[n - 1] : p[1]) == 0x85)
		return 0; /* U+0085 */
	if (k == 0 && n >= 3 && memcmp(at_end ? p + n - 3 : p, bom, 3) == 0)
		return 3;
	return k;
}
