/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_frag_guard: duplicates dropped alone, overlaps give the datagram up,
 * entries keyed by (source, destination, id, protocol) and timed out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/sr_frag_guard.h"

#define N_SLOTS 64
#define TTL 1000

static struct sr_frag_seen slots[N_SLOTS];
static struct sr_frag_guard guard = { .slot = slots, .n_slots = N_SLOTS, .ttl = TTL };

static int reset(void **state)
{
	(void)state;
	memset(slots, 0, sizeof(slots));
	return 0;
}

static struct sr_frame_info frag(uint32_t id, uint32_t off, uint32_t len, uint8_t v6)
{
	struct sr_frame_info fi = { .v6 = v6, .frag_id = id, .frag_off = off, .frag_len = len };

	fi.src.v6 = fi.dst.v6 = v6;
	memcpy(fi.src.a, v6 ? "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x0a" : "\xc6\x12\x00\x0a",
	       v6 ? 16 : 4);
	memcpy(fi.dst.a, v6 ? "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" : "\xc6\x12\x00\x01",
	       v6 ? 16 : 4);
	fi.frag_proto = v6 ? 0 : 17;
	fi.frag_more = 1;
	return fi;
}

static enum sr_frag_check check(struct sr_frame_info fi, uint64_t now)
{
	return sr_frag_guard_check(&guard, &fi, now);
}

/* f0, f0, f1, f2: the repeated first fragment alone is dropped. */
static void test_duplicate_first(void **state)
{
	(void)state;
	for (uint8_t v6 = 0; v6 < 2; v6++) {
		reset(NULL);
		assert_int_equal(check(frag(7, 0, 1480, v6), 10), SR_FRAG_TAKE);
		assert_int_equal(check(frag(7, 0, 1480, v6), 11), SR_FRAG_DUPLICATE);
		assert_int_equal(check(frag(7, 1480, 1480, v6), 12), SR_FRAG_TAKE);
		assert_int_equal(check(frag(7, 2960, 500, v6), 13), SR_FRAG_TAKE);
		/* the last one again, and a piece inside what came */
		assert_int_equal(check(frag(7, 2960, 500, v6), 14), SR_FRAG_DUPLICATE);
		assert_int_equal(check(frag(7, 8, 16, v6), 15), SR_FRAG_DUPLICATE);
		/* wholly covered by two adjacent fragments */
		assert_int_equal(check(frag(7, 1000, 1000, v6), 16), SR_FRAG_DUPLICATE);
	}
}

/* A partial overlap gives the datagram up: later fragments are refused. */
static void test_overlap(void **state)
{
	(void)state;
	reset(NULL);
	assert_int_equal(check(frag(9, 0, 1480, 0), 10), SR_FRAG_TAKE);
	assert_int_equal(check(frag(9, 1400, 200, 0), 11), SR_FRAG_OVERLAP);
	assert_int_equal(check(frag(9, 2960, 100, 0), 12), SR_FRAG_OVERLAP);
	/* another datagram is not affected */
	assert_int_equal(check(frag(10, 0, 1480, 0), 13), SR_FRAG_TAKE);
	/* after the entry's time, the same id starts afresh */
	assert_int_equal(check(frag(9, 0, 1480, 0), 10 + TTL + 1), SR_FRAG_TAKE);
}

/* Datagrams are told apart by id, addresses and protocol. */
static void test_keys(void **state)
{
	struct sr_frame_info a = frag(1, 0, 100, 0), b = a;

	(void)state;
	reset(NULL);
	assert_int_equal(check(a, 1), SR_FRAG_TAKE);
	b.frag_proto = 1; /* same id, other protocol */
	assert_int_equal(check(b, 2), SR_FRAG_TAKE);
	b = a;
	b.src.a[3] = 11;
	assert_int_equal(check(b, 3), SR_FRAG_TAKE);
	b = a;
	b.frag_id = 2;
	assert_int_equal(check(b, 4), SR_FRAG_TAKE);
	/* the same fragment of an IPv6 datagram with the same id is another datagram */
	assert_int_equal(check(frag(1, 0, 100, 1), 5), SR_FRAG_TAKE);
}

/* Once reassembled, the entry is free: the same fragments are new again. */
static void test_done(void **state)
{
	struct sr_frame_info f0 = frag(3, 0, 100, 0);

	(void)state;
	reset(NULL);
	assert_int_equal(check(f0, 1), SR_FRAG_TAKE);
	sr_frag_guard_done(&guard, &f0);
	assert_int_equal(check(f0, 2), SR_FRAG_TAKE);
}

/* More pieces than kept ranges: nothing is refused wrongly. */
static void test_many_pieces(void **state)
{
	uint32_t i;

	(void)state;
	reset(NULL);
	for (i = 0; i < 2 * SR_FRAG_GUARD_RANGES; i++) /* every other 8-byte unit */
		assert_int_equal(check(frag(4, 16 * i, 8, 0), i + 1), SR_FRAG_TAKE);
	/* a gap between kept ranges is still new */
	assert_int_equal(check(frag(4, 8, 8, 0), 100), SR_FRAG_TAKE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_duplicate_first, reset),
		cmocka_unit_test_setup(test_overlap, reset),
		cmocka_unit_test_setup(test_keys, reset),
		cmocka_unit_test_setup(test_done, reset),
		cmocka_unit_test_setup(test_many_pieces, reset),
	};

	return cmocka_run_group_tests_name("sr_frag_guard", tests, NULL, NULL);
}
