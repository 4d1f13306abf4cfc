/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shard health: the fall/rise state machine with time passed in (sr_health),
 * and what the frame parser makes of echo replies and ICMP port unreachables
 * (sr_frame_parse), over frames built byte by byte here with an independent
 * RFC 1071 sum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "verdict_check.h"

#include "net/sr_frame.h"
#include "net/sr_health.h"

static const struct sr_health_cfg CFG = { .interval_ms = 500, .fall = 3, .rise = 2 };

/* One check interval of 500 ms ending at *now: an echo sent at its start,
 * answered or not. Returns whether the state the pollers see changed. */
static bool interval(struct sr_health *h, uint64_t *now, bool answered, bool resolved)
{
	sr_health_echo_sent(h);
	if (answered)
		sr_health_echo_reply(h);
	*now += 500;
	return sr_health_check(h, &CFG, *now, resolved);
}

static void test_fall_and_rise(void **state)
{
	struct sr_health h = { 0 };
	uint64_t now = 1000;

	(void)state;
	assert_false(interval(&h, &now, true, true));
	assert_false(interval(&h, &now, false, true)); /* one lost: still up */
	assert_false(interval(&h, &now, false, true));
	assert_false(sr_health_is_down(&h));
	assert_true(interval(&h, &now, false, true)); /* the third in a row */
	assert_true(sr_health_is_down(&h));
	assert_int_equal(h.last_cause, SR_CAUSE_NO_ECHO);
	assert_int_equal(h.probes_lost, 3);
	assert_int_equal(h.probes_sent, 4);
	assert_int_equal(h.transitions, 1);
	assert_false(interval(&h, &now, true, true)); /* rise 2: one is not enough */
	assert_true(interval(&h, &now, true, true));
	assert_false(sr_health_is_down(&h));
	assert_int_equal(h.last_cause, SR_CAUSE_CHECKS_GOOD);
	assert_int_equal(h.transitions, 2);
}

/* A failure run broken by a good check starts again. */
static void test_flaps_do_not_take_it_down(void **state)
{
	struct sr_health h = { 0 };
	uint64_t now = 0;
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		assert_false(interval(&h, &now, false, true));
		assert_false(interval(&h, &now, false, true));
		assert_false(interval(&h, &now, true, true));
	}
	assert_false(sr_health_is_down(&h));
	assert_int_equal(h.transitions, 0);
	assert_int_equal(h.probes_lost, 40);
}

/* Port unreachables, rate-limited to one a second by the shard's kernel,
 * keep every check failing; after they stop, a quiet time and rise good
 * checks bring it back, within 5 s of the last one at 500 ms. */
static void test_unreachable_rate_limited(void **state)
{
	struct sr_health h = { 0 };
	uint64_t now = 10000, t;
	bool went_down = false;

	(void)state;
	assert_int_equal(sr_health_quiet_ms(&CFG), SR_HEALTH_MIN_QUIET_MS);
	for (t = 0; t < 4000; t += 500) {
		if (t % 1000 == 0)
			sr_health_unreachable(&h, now + 10);
		went_down |= interval(&h, &now, true, true);
		if (went_down)
			break;
	}
	assert_true(went_down);
	assert_true(t < 2000); /* down within 2 s of the first error */
	assert_int_equal(h.last_cause, SR_CAUSE_UNREACHABLE);
	assert_int_equal(h.unreachable, 2);
	/* errors go on a while, then stop at last */
	sr_health_unreachable(&h, now + 10);
	uint64_t last = now + 10;
	for (t = 0; t < 10000; t += 500)
		if (interval(&h, &now, true, true))
			break;
	assert_false(sr_health_is_down(&h));
	assert_true(now - last <= 5000);
	assert_true(now - last >= SR_HEALTH_MIN_QUIET_MS);
}

static void test_unresolved_next_hop(void **state)
{
	struct sr_health h = { 0 };
	uint64_t now = 0;

	(void)state;
	/* no echo can go without a MAC: only the unresolved hop is seen */
	assert_false(sr_health_check(&h, &CFG, now += 500, false));
	assert_false(sr_health_check(&h, &CFG, now += 500, false));
	assert_true(sr_health_check(&h, &CFG, now += 500, false));
	assert_int_equal(h.last_cause, SR_CAUSE_NO_NEIGHBOUR);
	assert_int_equal(h.probes_lost, 0);
}

/* Passive only (interval 0): checks without probes; errors still count. */
static void test_passive(void **state)
{
	const struct sr_health_cfg passive = { .interval_ms = 0, .fall = 2, .rise = 2 };
	struct sr_health h = { 0 };
	uint64_t now = 0;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_false(sr_health_check(&h, &passive, now += SR_HEALTH_PASSIVE_MS, true));
	sr_health_unreachable(&h, now);
	assert_false(sr_health_check(&h, &passive, now += SR_HEALTH_PASSIVE_MS, true));
	assert_true(sr_health_check(&h, &passive, now += 400, true)); /* within the quiet time */
	assert_int_equal(h.probes_lost, 0);
}

static void test_drain(void **state)
{
	struct sr_health h = { 0 };
	uint64_t now = 0;

	(void)state;
	assert_true(sr_health_set_drain(&h, true));
	assert_true(sr_health_is_down(&h));
	assert_int_equal(h.last_cause, SR_CAUSE_DRAIN);
	assert_false(sr_health_set_drain(&h, true)); /* again: nothing changes */
	/* good checks do not bring a drained shard back */
	for (int i = 0; i < 5; i++)
		assert_false(interval(&h, &now, true, true));
	assert_true(sr_health_is_down(&h));
	assert_true(sr_health_set_drain(&h, false));
	assert_false(sr_health_is_down(&h));
	assert_int_equal(h.last_cause, SR_CAUSE_AUTO);
	/* a down shard drained, then given back: still down by its checks */
	for (int i = 0; i < 3; i++)
		interval(&h, &now, false, true);
	assert_true(sr_health_is_down(&h));
	assert_false(sr_health_set_drain(&h, true));
	assert_false(sr_health_set_drain(&h, false));
	assert_true(sr_health_is_down(&h));
	assert_int_equal(h.transitions, 3);
}

/* ---- what the parser hears: frames byte by byte ---- */

#define OUR_MAC 0x02, 0x00, 0x00, 0x00, 0x00, 0x01
static const uint8_t OUR4[4] = { 198, 18, 0, 1 }, SHARD4[4] = { 198, 18, 1, 2 },
		     OTHER4[4] = { 198, 18, 0, 99 };
static const uint8_t OUR6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
		     SHARD6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 };
static struct sr_frame_ctx ctx = { .port_mac = { OUR_MAC } };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 (proto 1, from the shard to us) + ICMP type/code + quote:
 * the IPv4 header of a UDP datagram from quoted_src to the shard's 9125,
 * and quote_udp bytes of its UDP header. Returns the frame length. */
static uint32_t icmp4(uint8_t *f, uint8_t type, uint8_t code, const uint8_t quoted_src[4],
		      uint8_t quoted_proto, uint32_t quote_udp, uint16_t id, uint16_t seq)
{
	uint8_t *ip = f + 14, *m = ip + 20, *q = m + 8;
	uint32_t mlen = type == 0 ? 8 + 4 : 8 + 20 + quote_udp;

	memset(f, 0, 14 + 20 + mlen);
	memcpy(f, (const uint8_t[]){ OUR_MAC }, 6);
	memcpy(f + 6, (const uint8_t[]){ 2, 9, 9, 9, 9, 9 }, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + mlen));
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, SHARD4, 4);
	memcpy(ip + 16, OUR4, 4);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	m[0] = type;
	m[1] = code;
	if (type == 0) {
		put16(m + 4, id);
		put16(m + 6, seq);
	} else {
		q[0] = 0x45;
		put16(q + 2, 28 + 10);
		q[8] = 64;
		q[9] = quoted_proto;
		memcpy(q + 12, quoted_src, 4);
		memcpy(q + 16, SHARD4, 4);
		put16(q + 20, 8125);
		if (quote_udp >= 4)
			put16(q + 22, 9125);
	}
	put16(m + 2, (uint16_t)~fold(sum16(m, mlen, 0)));
	return 14 + 20 + mlen;
}

static uint32_t icmp6(uint8_t *f, uint8_t type, uint8_t code, const uint8_t quoted_src[16],
		      uint32_t quote_udp)
{
	uint8_t *ip = f + 14, *m = ip + 40, *q = m + 8;
	uint32_t mlen = type == 129 ? 8 : 8 + 40 + quote_udp, s;

	memset(f, 0, 14 + 40 + mlen);
	memcpy(f, (const uint8_t[]){ OUR_MAC }, 6);
	memcpy(f + 6, (const uint8_t[]){ 2, 9, 9, 9, 9, 9 }, 6);
	put16(f + 12, 0x86dd);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)mlen);
	ip[6] = 58;
	ip[7] = 64;
	memcpy(ip + 8, SHARD6, 16);
	memcpy(ip + 24, OUR6, 16);
	m[0] = type;
	m[1] = code;
	if (type == 129) {
		put16(m + 4, 0x5352);
		put16(m + 6, 7);
	} else {
		q[0] = 0x60;
		put16(q + 4, 18);
		q[6] = 17;
		q[7] = 64;
		memcpy(q + 8, quoted_src, 16);
		memcpy(q + 24, SHARD6, 16);
		put16(q + 40, 8125);
		if (quote_udp >= 4)
			put16(q + 42, 9125);
	}
	s = sum16(ip + 8, 32, 0) + mlen + 58 + sum16(m, mlen, 0);
	put16(m + 2, (uint16_t)~fold(s));
	return 14 + 40 + mlen;
}

static struct sr_verdict parse(const uint8_t *f, uint32_t len, struct sr_frame_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	return sr_frame_parse(&ctx, f, len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, fi);
}

static void test_icmp4_port_unreachable(void **state)
{
	uint8_t f[128];
	struct sr_frame_info fi;
	uint32_t len;

	(void)state;
	len = icmp4(f, 3, 3, OUR4, 17, 8, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_PORT_UNREACHABLE);
	assert_memory_equal(fi.peer_ip.a, SHARD4, 4);
	assert_int_equal(fi.peer_ip.v6, SR_V4);
	assert_int_equal(fi.peer_port, 9125);
	/* the bare 8 bytes RFC 792 promises are enough; fewer are not */
	len = icmp4(f, 3, 3, OUR4, 17, 4, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_TRUNCATED));
	len = icmp4(f, 3, 3, OUR4, 17, 0, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_TRUNCATED));
	/* about someone else's datagram, or not UDP: not ours to count */
	len = icmp4(f, 3, 3, OTHER4, 17, 8, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	len = icmp4(f, 3, 3, OUR4, 6, 8, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	/* from another host than the one the datagram went to, or about a
	 * datagram from another port: forged, not counted */
	len = icmp4(f, 3, 3, OUR4, 17, 8, 0, 0);
	memcpy(f + 14 + 12, OTHER4, 4);
	f[14 + 10] = f[14 + 11] = 0;
	put16(f + 14 + 10, (uint16_t)~fold(sum16(f + 14, 20, 0)));
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	len = icmp4(f, 3, 3, OUR4, 17, 8, 0, 0);
	put16(f + 14 + 20 + 8 + 20, 9999); /* the quoted source port */
	f[14 + 20 + 2] = f[14 + 20 + 3] = 0;
	put16(f + 14 + 20 + 2, (uint16_t)~fold(sum16(f + 14 + 20, len - 34, 0)));
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	/* other unreachables (host, net) are not a port's answer */
	len = icmp4(f, 3, 1, OUR4, 17, 8, 0, 0);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	/* a bad checksum */
	len = icmp4(f, 3, 3, OUR4, 17, 8, 0, 0);
	f[14 + 20 + 2] ^= 1;
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_BAD_ICMP));
}

static void test_icmp4_echo_reply(void **state)
{
	uint8_t f[128];
	struct sr_frame_info fi;
	uint32_t len = icmp4(f, 0, 0, NULL, 0, 0, 0x5352, 42);

	(void)state;
	assert_verdict_is(parse(f, len, &fi), V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ECHO_REPLY);
	assert_memory_equal(fi.peer_ip.a, SHARD4, 4);
	assert_int_equal(fi.echo_id, 0x5352);
	assert_int_equal(fi.echo_seq, 42);
	/* to another address: not for us */
	f[14 + 19] = 77;
	f[14 + 10] = f[14 + 11] = 0;
	put16(f + 14 + 10, (uint16_t)~fold(sum16(f + 14, 20, 0)));
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
}

static void test_icmp6(void **state)
{
	uint8_t f[160];
	struct sr_frame_info fi;
	uint32_t len;
	uint8_t other[16];

	(void)state;
	len = icmp6(f, 1, 4, OUR6, 8);
	assert_verdict_is(parse(f, len, &fi), V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_PORT_UNREACHABLE);
	assert_int_equal(fi.peer_ip.v6, SR_V6);
	assert_memory_equal(fi.peer_ip.a, SHARD6, 16);
	assert_int_equal(fi.peer_port, 9125);
	len = icmp6(f, 1, 4, OUR6, 4);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_TRUNCATED));
	memcpy(other, OUR6, 16);
	other[15] = 9;
	len = icmp6(f, 1, 4, other, 8);
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	len = icmp6(f, 1, 3, OUR6, 8); /* address unreachable: not the port's answer */
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_OTHER_PROTOCOL));
	len = icmp6(f, 129, 0, NULL, 0);
	assert_verdict_is(parse(f, len, &fi), V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ECHO_REPLY);
	assert_memory_equal(fi.peer_ip.a, SHARD6, 16);
	assert_int_equal(fi.echo_seq, 7);
	f[len - 1] ^= 0x10;
	assert_verdict_is(parse(f, len, &fi), V_DROP(FRAME_BAD_ICMP));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fall_and_rise),
		cmocka_unit_test(test_flaps_do_not_take_it_down),
		cmocka_unit_test(test_unreachable_rate_limited),
		cmocka_unit_test(test_unresolved_next_hop),
		cmocka_unit_test(test_passive),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_icmp4_port_unreachable),
		cmocka_unit_test(test_icmp4_echo_reply),
		cmocka_unit_test(test_icmp6),
	};

	ctx.listen[SR_V4].v6 = SR_V4;
	memcpy(ctx.listen[SR_V4].a, OUR4, 4);
	ctx.listen_port[SR_V4] = (uint16_t)((8125 >> 8) | ((8125 & 0xff) << 8));
	ctx.listen[SR_V6].v6 = SR_V6;
	memcpy(ctx.listen[SR_V6].a, OUR6, 16);
	ctx.listen_port[SR_V6] = ctx.listen_port[SR_V4];
	ctx.send_port[SR_V4] = ctx.send_port[SR_V6] = ctx.listen_port[SR_V4];
	ctx.listen_prefix[SR_V4] = 24;
	ctx.listen_prefix[SR_V6] = 64;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
