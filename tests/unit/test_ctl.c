/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control frames (sr_ctl): the requests the relay sends parse as such on the
 * other side, and its answers, built in place, are what the asker expects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <rte_ip.h>

#include "verdict_check.h"
#include "net/sr_ctl.h"
#include "net/sr_frame.h"

static const uint8_t RELAY_MAC[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static const uint8_t PEER_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };

static struct sr_ip ip_of(const char *s)
{
	struct sr_ip ip = { 0 };

	if (inet_pton(AF_INET, s, ip.a) != 1) {
		ip.v6 = SR_V6;
		assert_int_equal(inet_pton(AF_INET6, s, ip.a), 1);
	}
	return ip;
}

/* A host at ip/mac that listens on 8125, as sr_frame_parse sees the world. */
static struct sr_frame_ctx host(const char *v4, const char *v6, const uint8_t mac[6])
{
	struct sr_frame_ctx c = { .listen_port = { htons(8125), htons(8125) } };

	memcpy(c.port_mac, mac, 6);
	c.listen[SR_V4] = ip_of(v4);
	c.listen[SR_V6] = ip_of(v6);
	return c;
}

static void test_arp_request_and_answer(void **state)
{
	struct sr_frame_ctx relay = host("198.18.0.1", "2001:db8::1", RELAY_MAC);
	struct sr_frame_ctx peer = host("198.18.0.101", "2001:db8::101", PEER_MAC);
	struct sr_ip relay_ip = ip_of("198.18.0.1"), peer_ip = ip_of("198.18.0.101");
	struct sr_frame_info fi;
	uint8_t f[128];
	uint32_t n, out;

	(void)state;
	/* the relay asks for the peer: a broadcast the peer takes as a request for it */
	n = sr_arp_request(f, RELAY_MAC, &relay_ip, &peer_ip, NULL);
	assert_int_equal(n, SR_ARP_FRAME_LEN);
	assert_memory_equal(f, "\xff\xff\xff\xff\xff\xff", 6);
	assert_verdict_is(sr_frame_parse(&peer, f, n, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ARP_REQUEST);
	assert_memory_equal(fi.peer_mac, RELAY_MAC, 6);
	/* answered in place: a reply to the relay, which learns the peer from it */
	out = sr_ctl_answer(f, sizeof(f), &fi, PEER_MAC, &peer_ip);
	assert_int_equal(out, SR_ARP_FRAME_LEN);
	assert_verdict_is(sr_frame_parse(&relay, f, out, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ARP_REPLY);
	assert_memory_equal(f, RELAY_MAC, 6); /* to the asker's hardware address */
	assert_memory_equal(fi.peer_mac, PEER_MAC, 6);
	assert_true(sr_ip_equal(&fi.peer_ip, &peer_ip));
	/* unicast refresh */
	n = sr_arp_request(f, RELAY_MAC, &relay_ip, &peer_ip, PEER_MAC);
	assert_memory_equal(f, PEER_MAC, 6);
	/* a request for someone else is no request for the peer, but teaches who asked */
	struct sr_ip other = ip_of("198.18.0.77");
	n = sr_arp_request(f, RELAY_MAC, &relay_ip, &other, NULL);
	assert_verdict_is(sr_frame_parse(&peer, f, n, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_DROP(FRAME_ARP_OTHER));
	assert_true(fi.has_peer_mac);
}

static void test_nd_solicit_and_advert(void **state)
{
	struct sr_frame_ctx relay = host("198.18.0.1", "2001:db8::1", RELAY_MAC);
	struct sr_frame_ctx peer = host("198.18.0.101", "2001:db8::101", PEER_MAC);
	struct sr_ip relay_ip = ip_of("2001:db8::1"), peer_ip = ip_of("2001:db8::101");
	struct sr_frame_info fi;
	uint8_t f[256];
	uint32_t n, out;

	(void)state;
	n = sr_nd_solicit(f, RELAY_MAC, &relay_ip, &peer_ip, NULL);
	assert_int_equal(n, SR_NS_FRAME_LEN);
	/* to the solicited-node group's MAC 33:33:ff:00:01:01 */
	assert_memory_equal(f, "\x33\x33\xff\x00\x01\x01", 6);
	assert_verdict_is(sr_frame_parse(&peer, f, n, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ND_SOLICIT);
	assert_memory_equal(fi.peer_mac, RELAY_MAC, 6);
	out = sr_ctl_answer(f, sizeof(f), &fi, PEER_MAC, &peer_ip);
	assert_true(out > 0);
	/* the advertisement parses (checksum included) on the relay's side */
	assert_verdict_is(sr_frame_parse(&relay, f, out, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ND_ADVERT);
	assert_memory_equal(fi.peer_mac, PEER_MAC, 6);
	assert_true(sr_ip_equal(&fi.peer_ip, &peer_ip));
	/* no room for the answer: not answered */
	n = sr_nd_solicit(f, RELAY_MAC, &relay_ip, &peer_ip, NULL);
	sr_frame_parse(&peer, f, n, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
	assert_int_equal(sr_ctl_answer(f, 40, &fi, PEER_MAC, &peer_ip), 0);
}

#define ECHO_LEN (14 + 20 + 8 + 16)

/* An echo request from 198.18.0.10 to the relay. */
static void build_echo(uint8_t *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	uint8_t *icmp = f + 34;

	memset(f, 0, ECHO_LEN);
	memcpy(f, RELAY_MAC, 6);
	memcpy(f + 6, PEER_MAC, 6);
	f[12] = 0x08;
	ip->version_ihl = 0x45;
	ip->total_length = htons(20 + 8 + 16);
	ip->time_to_live = 3;
	ip->next_proto_id = IPPROTO_ICMP;
	inet_pton(AF_INET, "198.18.0.10", &ip->src_addr);
	inet_pton(AF_INET, "198.18.0.1", &ip->dst_addr);
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, 20);
	icmp[0] = 8;
	icmp[4] = 0x12; /* id */
	icmp[7] = 3;	/* seq */
	memcpy(icmp + 8, "pingpingpingping", 16);
	uint16_t ck = (uint16_t)~rte_raw_cksum(icmp, 24);
	memcpy(icmp + 2, &ck, 2);
}

static void test_icmp_echo(void **state)
{
	struct sr_frame_ctx relay = host("198.18.0.1", "2001:db8::1", RELAY_MAC);
	struct sr_ip relay_ip = ip_of("198.18.0.1");
	struct sr_frame_info fi;
	uint8_t f[ECHO_LEN];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	uint8_t *icmp = f + 34;

	(void)state;
	build_echo(f);
	assert_verdict_is(sr_frame_parse(&relay, f, sizeof(f), SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN,
					 &fi),
			  V_CONTROL);
	assert_int_equal(fi.control, SR_CTL_ICMP_ECHO);
	assert_int_equal(sr_ctl_answer(f, sizeof(f), &fi, RELAY_MAC, &relay_ip), sizeof(f));
	assert_memory_equal(f, PEER_MAC, 6);
	assert_int_equal(icmp[0], 0);
	assert_int_equal(rte_raw_cksum(icmp, 24), 0xffff);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->time_to_live, 64);
	assert_memory_equal(icmp + 8, "pingpingpingping", 16);
	char src[16];
	inet_ntop(AF_INET, &ip->src_addr, src, sizeof(src));
	assert_string_equal(src, "198.18.0.1");
	/* a bad ICMP checksum is counted, not answered */
	build_echo(f);
	icmp[9] ^= 1;
	assert_verdict_is(sr_frame_parse(&relay, f, sizeof(f), SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN,
					 &fi),
			  V_DROP(FRAME_BAD_ICMP));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_request_and_answer),
		cmocka_unit_test(test_nd_solicit_and_advert),
		cmocka_unit_test(test_icmp_echo),
	};
	return cmocka_run_group_tests_name("sr_ctl", tests, NULL, NULL);
}
