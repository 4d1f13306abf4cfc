/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_fragment: each fragment a valid fragment (sr_frame_parse's verdict),
 * offsets in 8-byte units, MF on all but the last, the pieces together the
 * datagram again; a VLAN tag kept on every fragment; IPv4 options refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include "net/sr_fragment.h"
#include "net/sr_frame.h"
#include "net/sr_rewrite.h"
#include "verdict_check.h"

#define MTU 1500

static const uint8_t relay_mac[6] = { 2, 0, 0, 0, 0, 1 }, shard_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x68 };

/* A datagram of n payload bytes to the shard, from a template (as the relay builds it). */
static uint32_t datagram(uint8_t *f, bool v6, uint32_t n)
{
	struct sr_hdr_tmpl t;
	uint32_t i;

	if (v6)
		sr_hdr_tmpl_init_v6(&t, relay_mac, shard_mac, v6_src, RTE_BE16(8125), v6_dst,
				    RTE_BE16(8125));
	else
		sr_hdr_tmpl_init_v4(&t, relay_mac, shard_mac, RTE_BE32(0xc6120001), RTE_BE16(8125),
				    RTE_BE32(0xc6120168), RTE_BE16(8125));
	for (i = 0; i < n; i++)
		f[t.len + i] = (uint8_t)('a' + i % 26);
	sr_hdr_write(f, &t, (uint16_t)n, sr_payload_sum(f + t.len, n));
	return t.len + n;
}

/* The shard's side: every fragment is one for it; put together, the datagram. */
static void check_fragments(const uint8_t *f, uint32_t len, uint32_t l2, bool v6)
{
	static uint8_t out[MTU + 18], whole[70000];
	struct sr_frame_ctx shard = { .listen_port = { RTE_BE16(8125), RTE_BE16(8125) } };
	uint32_t n = sr_fragment_count(f, len, l2, MTU), k, next = 0, l3 = v6 ? 40 : 20;

	memcpy(shard.port_mac, shard_mac, 6);
	if (v6) {
		shard.listen[SR_V6].v6 = SR_V6;
		memcpy(shard.listen[SR_V6].a, v6_dst, 16);
	} else {
		memcpy(shard.listen[SR_V4].a, "\xc6\x12\x01\x68", 4);
	}
	assert_true(n >= 2);
	for (k = 0; k < n; k++) {
		struct sr_frame_info fi;
		uint32_t flen = sr_fragment_write(f, len, l2, MTU, 0xabcd1234, k, out);

		assert_true(flen <= l2 + MTU);
		assert_memory_equal(out, f, l2); /* Ethernet, and the VLAN tag, as they were */
		assert_verdict_is(sr_frame_parse(&shard, out, flen, SR_CKSUM_UNKNOWN,
						 SR_CKSUM_UNKNOWN, &fi),
				  V_FRAGMENT);
		assert_int_equal(fi.frag_off, next);
		assert_int_equal(fi.frag_off % 8, 0);
		assert_int_equal(fi.frag_more, k + 1 < n);
		assert_int_equal(fi.frag_id, v6 ? 0xabcd1234 : 0x1234);
		memcpy(whole + fi.frag_off, out + l2 + l3 + (v6 ? 8 : 0), fi.frag_len);
		next += fi.frag_len;
	}
	assert_int_equal(next, len - l2 - l3);
	assert_memory_equal(whole, f + l2 + l3, next);
}

static void test_ipv4(void **state)
{
	static uint8_t f[9000];

	(void)state;
	check_fragments(f, datagram(f, false, 8000), 14, false);
	/* a datagram that fits needs no fragments (one: the caller sends it whole) */
	assert_int_equal(sr_fragment_count(f, datagram(f, false, 1472), 14, MTU), 1);
	assert_int_equal(sr_fragment_count(f, datagram(f, false, 1473), 14, MTU), 2);
}

static void test_ipv6(void **state)
{
	static uint8_t f[9000];

	(void)state;
	check_fragments(f, datagram(f, true, 8000), 14, true);
	assert_int_equal(sr_fragment_size(true, MTU), 1448);
}

/* An answer to a tagged request keeps the tag: 18 bytes before IP. */
static void test_vlan(void **state)
{
	static uint8_t f[9000], tagged[9004];
	uint32_t len = datagram(f, false, 4000);

	(void)state;
	memcpy(tagged, f, 12);
	memcpy(tagged + 12, "\x81\x00\x00\x07", 4); /* 802.1Q, VLAN 7 */
	memcpy(tagged + 16, f + 12, len - 12);
	check_fragments(tagged, len + 4, 18, false);
}

/* IPv4 options (which to copy into every fragment: RFC 791 3.1) are refused. */
static void test_ipv4_options_refused(void **state)
{
	static uint8_t f[9000];
	uint32_t len = datagram(f, false, 4000);

	(void)state;
	f[14] = 0x46;
	assert_int_equal(sr_fragment_count(f, len, 14, MTU), 0);
	f[14] = 0x45;
	assert_true(sr_fragment_count(f, len, 14, MTU) > 1);
	f[14] = 0x65; /* not even IPv4 */
	assert_int_equal(sr_fragment_count(f, len, 14, MTU), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_ipv4_options_refused),
	};

	return cmocka_run_group_tests_name("sr_fragment", tests, NULL, NULL);
}
