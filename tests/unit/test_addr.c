/* SPDX-License-Identifier: BSD-3-Clause */
/* Address compares (sr_ip_equal, sr_ip_in_prefix) against a bit-by-bit
 * reference, random addresses, every prefix length of each family. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/sr_addr.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint8_t next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

static bool bit_by_bit(const struct sr_ip *ip, const struct sr_ip *net, unsigned len)
{
	unsigned i;

	if (ip->v6 != net->v6)
		return false;
	for (i = 0; i < len; i++)
		if (((ip->a[i / 8] ^ net->a[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static void test_in_prefix(void **state)
{
	unsigned fam, len, k, i;

	(void)state;
	for (fam = 0; fam < 2; fam++)
		for (len = 0; len <= (fam ? 128u : 32u); len++)
			for (k = 0; k < 400; k++) {
				struct sr_ip a = { .v6 = (uint8_t)fam }, b = { .v6 = (uint8_t)fam };
				unsigned n = fam ? 16 : 4, flip;

				for (i = 0; i < n; i++)
					a.a[i] = b.a[i] = next_byte();
				/* one bit differs, often inside the prefix, often past it */
				flip = next_byte() % (n * 8);
				if (k % 4)
					b.a[flip / 8] ^= (uint8_t)(0x80 >> (flip % 8));
				if (sr_ip_in_prefix(&a, &b, (uint8_t)len) !=
				    bit_by_bit(&a, &b, len))
					fail_msg("v%d /%u bit %u: %d", fam ? 6 : 4, len, flip,
						 sr_ip_in_prefix(&a, &b, (uint8_t)len));
				b.v6 = (uint8_t)!fam;
				assert_false(sr_ip_in_prefix(&a, &b, (uint8_t)len));
			}
}

static void test_equal(void **state)
{
	struct sr_ip a = { .v6 = 0, .a = { 198, 18, 0, 1, 9, 9 } }, b = a;

	(void)state;
	b.a[5] = 7; /* past an IPv4 address: not compared */
	assert_true(sr_ip_equal(&a, &b));
	b.a[3] = 2;
	assert_false(sr_ip_equal(&a, &b));
	a.v6 = b.v6 = 1;
	b = a;
	assert_true(sr_ip_equal(&a, &b));
	b.a[15] ^= 1;
	assert_false(sr_ip_equal(&a, &b));
	b = a;
	b.v6 = 0;
	assert_false(sr_ip_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_prefix),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
