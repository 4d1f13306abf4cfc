/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour states and timers (sr_neigh), with time passed in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "net/sr_neigh.h"

static struct sr_neigh_table t;

static struct sr_ip v4(const char *s)
{
	struct sr_ip ip = { 0 };

	assert_int_equal(inet_pton(AF_INET, s, ip.a), 1);
	return ip;
}

static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 1 }, MAC2[6] = { 2, 0, 0, 0, 0, 2 };

static uint32_t tick(uint64_t now, uint32_t *idx, bool *uni, bool *changed)
{
	*changed = false;
	return sr_neigh_tick(&t, now, idx, uni, 16, changed);
}

static void test_resolve_refresh_expire(void **state)
{
	struct sr_ip a = v4("198.18.0.101");
	uint32_t idx[16];
	bool uni[16], changed;
	int e;

	(void)state;
	memset(&t, 0, sizeof(t));
	e = sr_neigh_add(&t, &a, NULL, 0);
	assert_int_equal(e, 0);
	assert_int_equal(sr_neigh_add(&t, &a, NULL, 0), 0); /* one entry per address */
	assert_int_equal(sr_neigh_word(&t.e[0]), 0);	    /* unresolved: not usable */
	/* asked at once, broadcast, then again a second later */
	assert_int_equal(tick(0, idx, uni, &changed), 1);
	assert_false(uni[0]);
	assert_int_equal(tick(999, idx, uni, &changed), 0);
	assert_int_equal(tick(1000, idx, uni, &changed), 1);
	/* an answer: usable, its MAC in the published word */
	assert_true(sr_neigh_learn(&t, &a, MAC1, 1500));
	assert_false(sr_neigh_learn(&t, &a, MAC1, 1600)); /* the same again: no change */
	uint64_t w = sr_neigh_word(&t.e[0]);
	assert_true(w & SR_NEIGH_VALID);
	assert_int_equal(w & 0xff, 2);
	assert_int_equal((w >> 40) & 0xff, 1);
	/* refresh from 20 s after the answer, unicast to the known MAC */
	assert_int_equal(tick(1600 + SR_NEIGH_REFRESH_MS - 1, idx, uni, &changed), 0);
	assert_int_equal(tick(1600 + SR_NEIGH_REFRESH_MS, idx, uni, &changed), 1);
	assert_true(uni[0]);
	/* a new MAC is a change */
	assert_true(sr_neigh_learn(&t, &a, MAC2, 25000));
	/* no answer for 30 s: forgotten, asked by broadcast again */
	assert_int_equal(tick(25000 + SR_NEIGH_REACHABLE_MS, idx, uni, &changed), 1);
	assert_true(changed);
	assert_false(uni[0]);
	assert_int_equal(sr_neigh_word(&t.e[0]), 0);
}

static void test_static_and_strangers(void **state)
{
	struct sr_ip a = v4("198.18.0.101"), b = v4("198.18.0.102"), c = v4("198.18.0.103");
	uint32_t idx[16];
	bool uni[16], changed;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(sr_neigh_add(&t, &a, MAC1, 0), 0);
	assert_true(sr_neigh_word(&t.e[0]) & SR_NEIGH_VALID);
	/* a static entry is never asked for nor changed */
	assert_int_equal(tick(100000, idx, uni, &changed), 0);
	assert_false(sr_neigh_learn(&t, &a, MAC2, 5));
	assert_memory_equal(t.e[0].mac, MAC1, 6);
	/* someone who is no next hop teaches nothing */
	assert_int_equal(sr_neigh_add(&t, &b, NULL, 0), 1);
	assert_false(sr_neigh_learn(&t, &c, MAC2, 5));
	assert_int_equal(t.n, 2);
	/* IPv4 and IPv6 of the same bytes are different neighbours */
	struct sr_ip six = a;
	six.v6 = SR_V6;
	assert_int_equal(sr_neigh_add(&t, &six, NULL, 0), 2);
}

static void test_full_table(void **state)
{
	uint32_t i;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < SR_MAX_NEIGH; i++) {
		struct sr_ip ip = { 0 };
		uint32_t v = htonl(0xc6120000u + i + 1);
		memcpy(ip.a, &v, 4);
		assert_int_equal(sr_neigh_add(&t, &ip, NULL, 0), (int)i);
	}
	struct sr_ip one_more = v4("198.19.0.1");
	assert_int_equal(sr_neigh_add(&t, &one_more, NULL, 0), -1);
}

/* A reload's removed next hop: not asked for, not learnt, its word unusable,
 * its place taken by the next new hop; the others keep index and MAC. */
static void test_remove_and_reuse(void **state)
{
	struct sr_ip a = v4("198.18.0.101"), b = v4("198.18.0.102"), c = v4("198.18.0.103");
	uint32_t idx[16];
	bool uni[16], changed;
	int ea, eb, ec;

	(void)state;
	memset(&t, 0, sizeof(t));
	ea = sr_neigh_add(&t, &a, NULL, 0);
	eb = sr_neigh_add(&t, &b, NULL, 0);
	assert_int_equal(tick(0, idx, uni, &changed), 2);
	assert_true(sr_neigh_learn(&t, &a, MAC1, 10));
	assert_true(sr_neigh_learn(&t, &b, MAC2, 10));
	sr_neigh_remove(&t, (uint32_t)ea);
	assert_int_equal(sr_neigh_word(&t.e[ea]), 0);
	assert_false(sr_neigh_learn(&t, &a, MAC2, 20)); /* no longer a next hop */
	assert_int_equal(tick(SR_NEIGH_REFRESH_MS + 10, idx, uni, &changed), 1);
	assert_int_equal(idx[0], (uint32_t)eb);
	/* a hop added again, or a new one, takes the free place, unresolved */
	ec = sr_neigh_add(&t, &c, NULL, 30);
	assert_int_equal(ec, ea);
	assert_int_equal(t.n, 2);
	assert_int_equal(sr_neigh_word(&t.e[ec]), 0);
	assert_true(sr_ip_equal(&t.e[ec].ip, &c));
	/* b kept its place and MAC */
	assert_int_equal(sr_neigh_add(&t, &b, NULL, 40), eb);
	assert_true(sr_neigh_word(&t.e[eb]) & SR_NEIGH_VALID);
	assert_int_equal(sr_neigh_add(&t, &a, NULL, 50), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_refresh_expire),
		cmocka_unit_test(test_static_and_strangers),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_remove_and_reuse),
	};
	return cmocka_run_group_tests_name("sr_neigh", tests, NULL, NULL);
}
