/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outgoing headers (sr_hdr_tmpl_init_v4 / sr_hdr_write) checked field by
 * field and with an independent RFC 1071 checksum; payload sums, including
 * the one recovered from a received checksum (RFC 1624).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "verdict_check.h"
#include "test_util.h"

#include "net/sr_cksum.h"
#include "net/sr_frame.h"
#include "net/sr_rewrite.h"

static const uint8_t SRC_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t DST_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };
#define SRC_IP 0x0a000001u /* 10.0.0.1, the relay */
#define DST_IP 0x0a000142u /* 10.0.1.66, a shard */
#define SRC_PORT 8125
#define DST_PORT 9125

SR_TEST_RNG(0xa54ff53a5f1d36f1ull)

/* --- big-endian fields (RFC 1071 sums: test_util.h) --- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The UDP checksum a sender computes over the datagram at u (IPv4 header at ip). */
static uint16_t udp_cksum_ref(const uint8_t *ip, const uint8_t *u, uint16_t udp_len)
{
	uint32_t s = sum16(ip + 12, 8, 0) + 17 + udp_len;
	uint16_t ck;

	s = sum16(u, 6, s); /* ports and length, not the checksum field */
	s = sum16(u + 8, udp_len - 8u, s);
	ck = (uint16_t)~fold(s);
	return ck ? ck : 0xffff;
}

/* The sum sr_payload_sum promises, in the host's (little-endian) loading order. */
static uint32_t payload_sum_ref(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] | p[i + 1] << 8);
	if (n & 1)
		s += p[n - 1];
	return fold(s);
}

/* One's complement equality (0 and 0xffff are both zero). */
static int ones_equal(uint32_t a, uint32_t b)
{
	return fold(a) % 0xffff == fold(b) % 0xffff;
}

static void tmpl(struct sr_hdr_tmpl *t)
{
	sr_hdr_tmpl_init_v4(t, SRC_MAC, DST_MAC, htonl(SRC_IP), htons(SRC_PORT), htonl(DST_IP),
			    htons(DST_PORT));
}

/* A packet of headers + payload in one exactly-sized heap buffer. */
static uint8_t *packet(const struct sr_hdr_tmpl *t, const uint8_t *payload, uint16_t len)
{
	uint8_t *p = malloc(SR_HDR_V4_LEN + (size_t)len);

	assert_non_null(p);
	memset(p, 0xcc, SR_HDR_V4_LEN);
	memcpy(p + SR_HDR_V4_LEN, payload, len);
	sr_hdr_write(p, t, len, sr_payload_sum(p + SR_HDR_V4_LEN, len));
	return p;
}

static void check_packet(const uint8_t *p, const uint8_t *payload, uint16_t len)
{
	const uint8_t *ip = p + 14, *u = p + 34;

	/* Ethernet */
	assert_memory_equal(p, DST_MAC, 6);
	assert_memory_equal(p + 6, SRC_MAC, 6);
	assert_int_equal(get16(p + 12), 0x0800);
	/* IPv4: no options, TTL 64, UDP, our addresses, a valid header checksum */
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(get16(ip + 2), 20 + 8 + len);
	assert_int_equal(get16(ip + 6) & 0x3fff, 0); /* not a fragment */
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 17);
	assert_int_equal(get32(ip + 12), SRC_IP);
	assert_int_equal(get32(ip + 16), DST_IP);
	assert_int_equal(fold(sum16(ip, 20, 0)), 0xffff);
	/* UDP */
	assert_int_equal(get16(u), SRC_PORT);
	assert_int_equal(get16(u + 2), DST_PORT);
	assert_int_equal(get16(u + 4), 8 + len);
	assert_int_equal(get16(u + 6), udp_cksum_ref(ip, u, (uint16_t)(8 + len)));
	assert_true(get16(u + 6) != 0); /* 0 would mean "no checksum" */
	/* and verifies as a receiver checks it */
	assert_int_equal(fold(sum16(ip + 12, 8, 0) + 17 + 8u + len + sum16(u, 8u + len, 0)),
			 0xffff);
	/* the payload is untouched */
	assert_memory_equal(p + SR_HDR_V4_LEN, payload, len);
}

static void test_template(void **state)
{
	struct sr_hdr_tmpl t;

	(void)state;
	tmpl(&t);
	assert_memory_equal(t.bytes, DST_MAC, 6);
	assert_memory_equal(t.bytes + 6, SRC_MAC, 6);
	/* lengths and checksums zero */
	assert_int_equal(get16(t.bytes + 14 + 2), 0);
	assert_int_equal(get16(t.bytes + 14 + 10), 0);
	assert_int_equal(get16(t.bytes + 34 + 4), 0);
	assert_int_equal(get16(t.bytes + 34 + 6), 0);
}

static void test_headers_all_lengths(void **state)
{
	static uint8_t payload[8972];
	struct sr_hdr_tmpl t;
	uint32_t len, i;

	(void)state;
	tmpl(&t);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)rnd();
	for (len = 0; len <= 1472; len += len < 64 ? 1 : 37) {
		uint8_t *p = packet(&t, payload, (uint16_t)len);
		check_packet(p, payload, (uint16_t)len);
		free(p);
	}
	/* jumbo */
	{
		uint8_t *p = packet(&t, payload, 8972);
		check_packet(p, payload, 8972);
		free(p);
	}
}

/* The template is reusable: writing does not change it. */
static void test_template_reused(void **state)
{
	struct sr_hdr_tmpl t, copy;
	uint8_t payload[100];
	uint32_t i;

	(void)state;
	tmpl(&t);
	copy = t;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	for (i = 0; i < 20; i++) {
		uint8_t *p = packet(&t, payload, (uint16_t)(i * 5));
		check_packet(p, payload, (uint16_t)(i * 5));
		free(p);
	}
	assert_memory_equal(&t, &copy, sizeof(t));
}

/* Other addresses and ports, including ones with high bits and zero bytes. */
static void test_other_endpoints(void **state)
{
	static const struct {
		uint32_t sip, dip;
		uint16_t sp, dp;
	} e[] = {
		{ 0xffffffffu, 0x00000001u, 65535, 1 },
		{ 0xc0a80001u, 0xc0a800feu, 8125, 8125 },
		{ 0x7f000001u, 0x80000000u, 1, 65535 },
		{ 0x00000000u, 0xfffefdfcu, 0x8000, 0x00ff },
	};
	uint8_t payload[33];
	size_t k;

	(void)state;
	memset(payload, 0xff, sizeof(payload));
	for (k = 0; k < sizeof(e) / sizeof(e[0]); k++) {
		struct sr_hdr_tmpl t;
		uint8_t *p = malloc(SR_HDR_V4_LEN + sizeof(payload));
		assert_non_null(p);
		sr_hdr_tmpl_init_v4(&t, SRC_MAC, DST_MAC, htonl(e[k].sip), htons(e[k].sp),
				    htonl(e[k].dip), htons(e[k].dp));
		memcpy(p + SR_HDR_V4_LEN, payload, sizeof(payload));
		sr_hdr_write(p, &t, sizeof(payload), sr_payload_sum(payload, sizeof(payload)));
		assert_int_equal(get32(p + 14 + 12), e[k].sip);
		assert_int_equal(get32(p + 14 + 16), e[k].dip);
		assert_int_equal(get16(p + 34), e[k].sp);
		assert_int_equal(get16(p + 36), e[k].dp);
		assert_int_equal(fold(sum16(p + 14, 20, 0)), 0xffff);
		assert_int_equal(get16(p + 40), udp_cksum_ref(p + 14, p + 34, 8 + sizeof(payload)));
		free(p);
	}
}

/* Every 2-byte payload: the checksum is right, and a computed 0 is sent as 0xffff. */
static void test_zero_checksum_sent_as_ffff(void **state)
{
	struct sr_hdr_tmpl t;
	uint8_t *p = malloc(SR_HDR_V4_LEN + 2);
	uint32_t w;
	int ffff = 0;

	(void)state;
	assert_non_null(p);
	tmpl(&t);
	for (w = 0; w < 65536; w++) {
		p[SR_HDR_V4_LEN] = (uint8_t)(w >> 8);
		p[SR_HDR_V4_LEN + 1] = (uint8_t)w;
		sr_hdr_write(p, &t, 2, sr_payload_sum(p + SR_HDR_V4_LEN, 2));
		if (get16(p + 40) != udp_cksum_ref(p + 14, p + 34, 10) || get16(p + 40) == 0)
			break;
		ffff += get16(p + 40) == 0xffff;
	}
	free(p);
	if (w < 65536)
		fail_msg("payload %04x: wrong UDP checksum", w);
	/* 0x0000 and 0xffff are both "zero": two payloads compute a 0 checksum. */
	assert_true(ffff >= 1);
}

static void test_payload_sum(void **state)
{
	uint8_t buf[1500 + 8], *block;
	uint32_t len, off, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	assert_int_equal(sr_payload_sum(buf, 0), 0);
	assert_int_equal(sr_payload_sum((const uint8_t *)"\x12", 1), 0x12);
	assert_int_equal(sr_payload_sum((const uint8_t *)"\x12\x34", 2), 0x3412);
	assert_int_equal(sr_payload_sum((const uint8_t *)"\xff\xff\xff\xff", 4), 0xffff);
	block = malloc(sizeof(buf) + 8);
	assert_non_null(block);
	for (len = 0; len <= 1500; len += len < 70 ? 1 : 71) {
		uint32_t want = payload_sum_ref(buf, len);
		assert_int_equal(sr_payload_sum(buf, len), want);
		/* at odd and even addresses: the sum is of the bytes, as from an even offset */
		for (off = 0; off < 8; off++) {
			memcpy(block + off, buf, len);
			assert_int_equal(sr_payload_sum(block + off, len), want);
		}
	}
	free(block);
}

/* A received datagram: checksummed by a sender, then parsed by sr_frame_parse. */
static uint8_t *received(const uint8_t *payload, uint32_t len, uint32_t *frame_len)
{
	uint32_t n = 42 + len;
	uint8_t *f = malloc(n);
	uint8_t *ip = f + 14, *u = f + 34;
	uint32_t s;

	assert_non_null(f);
	memset(f, 0, 42);
	memcpy(f, SRC_MAC, 6); /* to the relay */
	memcpy(f + 6, DST_MAC, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + 8 + len) >> 8);
	ip[3] = (uint8_t)(20 + 8 + len);
	ip[8] = 61;
	ip[9] = 17;
	ip[12] = 192, ip[13] = 0, ip[14] = 2, ip[15] = 77; /* a client */
	ip[16] = 10, ip[17] = 0, ip[18] = 0, ip[19] = 1;   /* the relay */
	s = (uint16_t)~fold(sum16(ip, 20, 0));
	ip[10] = (uint8_t)(s >> 8);
	ip[11] = (uint8_t)s;
	u[0] = 0xd4, u[1] = 0x31; /* 54321 */
	u[2] = SRC_PORT >> 8, u[3] = SRC_PORT & 0xff;
	u[4] = (uint8_t)((8 + len) >> 8);
	u[5] = (uint8_t)(8 + len);
	memcpy(f + 42, payload, len);
	s = udp_cksum_ref(ip, u, (uint16_t)(8 + len));
	u[6] = (uint8_t)(s >> 8);
	u[7] = (uint8_t)s;
	*frame_len = n;
	return f;
}

static void recovered_vs_computed(const uint8_t *payload, uint32_t len, int exact)
{
	struct sr_frame_ctx ctx = { .listen_port = { htons(SRC_PORT) } };
	uint32_t listen = htonl(SRC_IP);

	memcpy(ctx.listen[SR_V4].a, &listen, 4);
	struct sr_frame_info fi;
	struct sr_hdr_tmpl t;
	uint32_t n, got, want;
	uint8_t *f = received(payload, len, &n);
	uint8_t a[SR_HDR_V4_LEN], b[SR_HDR_V4_LEN];

	memcpy(ctx.port_mac, SRC_MAC, 6);
	assert_verdict_is(sr_frame_parse(&ctx, f, n, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_RELAY);
	assert_true(fi.udp_cksum != 0);
	got = sr_payload_sum_from_udp(&fi);
	want = sr_payload_sum(f + fi.payload_off, fi.payload_len);
	if (exact ? got != want : !ones_equal(got, want))
		fail_msg("length %u: recovered %04x, computed %04x", len, got, want);
	/* Either sum gives the same outgoing checksum. */
	tmpl(&t);
	sr_hdr_write(a, &t, (uint16_t)len, got);
	sr_hdr_write(b, &t, (uint16_t)len, want);
	assert_memory_equal(a, b, SR_HDR_V4_LEN);
	free(f);
}

static void test_payload_sum_from_udp(void **state)
{
	static uint8_t payload[1472];
	static const uint32_t lens[] = { 1, 2, 3, 7, 8, 9, 100, 101, 1471, 1472 };
	uint32_t iter, i, k;

	(void)state;
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
		for (iter = 0; iter < 50; iter++) {
			for (i = 0; i < lens[k]; i++)
				payload[i] = (uint8_t)rnd();
			payload[0] |= 1;
			/* a non-zero payload sums to 1..0xffff: recovered exactly */
			recovered_vs_computed(payload, lens[k], 1);
		}
	for (iter = 0; iter < 2000; iter++) {
		uint32_t len = 1 + (uint32_t)(rnd() % 1472);
		for (i = 0; i < len; i++)
			payload[i] = (uint8_t)rnd();
		payload[0] |= 1; /* not all zero */
		recovered_vs_computed(payload, len, 1);
	}
	/* All-zero and all-0xff payloads: equal as one's complement numbers. */
	memset(payload, 0, sizeof(payload));
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
		recovered_vs_computed(payload, lens[k], 0);
	memset(payload, 0xff, sizeof(payload));
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
		recovered_vs_computed(payload, lens[k], 0);
}

/* Forwarding in place: the recovered sum makes the new header as a full recompute would. */
static void test_forward_in_place(void **state)
{
	struct sr_frame_ctx ctx = { .listen_port = { htons(SRC_PORT) } };
	uint32_t listen = htonl(SRC_IP);

	memcpy(ctx.listen[SR_V4].a, &listen, 4);
	uint8_t payload[300];
	uint32_t iter, i;

	(void)state;
	memcpy(ctx.port_mac, SRC_MAC, 6);
	for (iter = 0; iter < 200; iter++) {
		uint32_t len = (uint32_t)(1 + rnd() % sizeof(payload)), n;
		struct sr_frame_info fi;
		struct sr_hdr_tmpl t;
		uint8_t *f;

		for (i = 0; i < len; i++)
			payload[i] = (uint8_t)(' ' + rnd() % 90);
		f = received(payload, len, &n);
		assert_verdict_is(sr_frame_parse(&ctx, f, n, 0, 0, &fi), V_RELAY);
		tmpl(&t);
		/* rewrite the headers of the received frame in place */
		sr_hdr_write(f, &t, (uint16_t)fi.payload_len, sr_payload_sum_from_udp(&fi));
		check_packet(f, payload, (uint16_t)len);
		free(f);
	}
}

/* sr_cksum_raw folds to what DPDK's 16-bit loop folds to (and to an
 * independent RFC 1071 sum), every length 0-600, every start offset 0-7,
 * random bytes and initial sums, all-0xff and all-zero buffers. */
static void test_cksum_raw_matches(void **state)
{
	static uint8_t buf[700];
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	uint32_t len, off, i;

	(void)state;
	for (len = 0; len <= 600; len++)
		for (off = 0; off < 8; off++) {
			uint32_t init;

			for (i = 0; i < sizeof(buf); i++) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				buf[i] = len % 97 == 1 ? 0xff : len % 89 == 2 ? 0 : (uint8_t)rng;
			}
			init = (uint32_t)(rng >> 40) & (len % 3 ? 0x3ffff : 0);
			uint16_t want = sr_cksum_fold(__rte_raw_cksum(buf + off, len, init));
			uint16_t got = sr_cksum_fold(sr_cksum_raw(buf + off, len, init));
			if (got != want)
				fail_msg("len %u offset %u: %04x, DPDK %04x", len, off, got, want);
			/* without an initial sum: the byte-swapped RFC 1071 sum of
			 * big-endian words (0 and 0xffff the same number) */
			if (init == 0) {
				uint16_t be = fold(sum16(buf + off, len, 0));
				uint16_t sw = (uint16_t)(got >> 8 | got << 8);
				if (sw != be &&
				    !((sw == 0 || sw == 0xffff) && (be == 0 || be == 0xffff)))
					fail_msg("len %u offset %u: %04x, RFC 1071 %04x", len, off,
						 got, be);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_cksum_raw_matches),
		cmocka_unit_test(test_headers_all_lengths),
		cmocka_unit_test(test_template_reused),
		cmocka_unit_test(test_other_endpoints),
		cmocka_unit_test(test_zero_checksum_sent_as_ffff),
		cmocka_unit_test(test_payload_sum),
		cmocka_unit_test(test_payload_sum_from_udp),
		cmocka_unit_test(test_forward_in_place),
	};

	return cmocka_run_group_tests_name("sr_rewrite", tests, NULL, NULL);
}
