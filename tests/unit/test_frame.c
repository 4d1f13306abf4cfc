/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_frame_parse: frames built byte by byte here (Ethernet, optional 802.1Q,
 * IPv4 with options, UDP), checksums by an independent RFC 1071 routine, each
 * frame in an exactly-sized heap buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "test_util.h"
#include "verdict_check.h"

#include "net/sr_frame.h"
#include "sr_counters.h"

#define PORT_MAC 0x02, 0x00, 0x00, 0x00, 0x00, 0x01
#define LISTEN_IP 0x0a000001u /* 10.0.0.1 */
#define LISTEN_PORT 8125
#define SRC_IP 0xc0000201u /* 192.0.2.1 */
#define SRC_PORT 40000

/* listen[SR_V4] and listen_port[SR_V4] (network order) are set in main(). */
static struct sr_frame_ctx the_ctx = { .port_mac = { PORT_MAC } };

/* --- big-endian fields (RFC 1071 sums: test_util.h) --- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* --- the frame builder --- */

struct spec {
	uint8_t dst_mac[6];
	int vlan;		 /* one 802.1Q tag */
	uint16_t vlan_inner;	 /* ethertype after the tag (0: IPv4) */
	uint16_t ethertype;	 /* outer ethertype (0: IPv4, or 0x8100 with vlan) */
	uint8_t version_ihl;	 /* 0: 0x45 plus the options */
	uint32_t opt_len;	 /* IP options, a multiple of 4 */
	int tot_len_delta;	 /* added to the right IP total length */
	uint16_t frag;		 /* flags + fragment offset */
	uint8_t proto;		 /* 0: UDP */
	uint8_t ttl;		 /* 0: 64 */
	uint32_t src_ip, dst_ip; /* host order; 0: defaults */
	uint16_t sport, dport;	 /* 0: defaults */
	int udp_len_delta;	 /* added to the right UDP length */
	int bad_ip_ck, bad_udp_ck, zero_udp_ck;
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t ip_trailer; /* bytes inside the IP datagram after the UDP datagram */
	uint32_t pad;	     /* Ethernet padding after the IP datagram */
	uint8_t pad_byte;
};

struct frame {
	uint8_t *p;
	uint32_t len;
	uint32_t l2, ihl; /* where IP starts, its header length */
};

static struct spec default_spec(void)
{
	static const uint8_t payload[] = "a:1|c";

	return (struct spec){ .dst_mac = { PORT_MAC }, .payload = payload, .payload_len = 5 };
}

static struct frame build(const struct spec *s)
{
	struct frame f;
	uint32_t ip_total, udp_len, udp_at, i;
	uint8_t *p;

	f.l2 = s->vlan ? 18 : 14;
	f.ihl = 20 + s->opt_len;
	udp_len = 8 + s->payload_len;
	ip_total = f.ihl + udp_len + s->ip_trailer;
	f.len = f.l2 + ip_total + s->pad;
	p = f.p = malloc(f.len);
	assert_non_null(p);
	memset(p, 0, f.len);

	memcpy(p, s->dst_mac, 6);
	memcpy(p + 6, (const uint8_t[]){ 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, 6);
	if (s->vlan) {
		put16(p + 12, s->ethertype ? s->ethertype : 0x8100);
		put16(p + 14, 0x0064); /* VID 100 */
		put16(p + 16, s->vlan_inner ? s->vlan_inner : 0x0800);
	} else {
		put16(p + 12, s->ethertype ? s->ethertype : 0x0800);
	}

	p += f.l2;
	p[0] = s->version_ihl ? s->version_ihl : (uint8_t)(0x40 | (f.ihl / 4));
	p[1] = 0;
	put16(p + 2, (uint16_t)((int)ip_total + s->tot_len_delta));
	put16(p + 4, 0x1234);
	put16(p + 6, s->frag);
	p[8] = s->ttl ? s->ttl : 64;
	p[9] = s->proto ? s->proto : 17;
	put32(p + 12, s->src_ip ? s->src_ip : SRC_IP);
	put32(p + 16, s->dst_ip ? s->dst_ip : LISTEN_IP);
	for (i = 0; i < s->opt_len; i++)
		p[20 + i] = 0x01; /* NOP */
	put16(p + 10, (uint16_t)(~fold(sum16(p, f.ihl, 0)) ^ (s->bad_ip_ck ? 0x0100 : 0)));

	udp_at = f.ihl;
	put16(p + udp_at, s->sport ? s->sport : SRC_PORT);
	put16(p + udp_at + 2, s->dport ? s->dport : LISTEN_PORT);
	put16(p + udp_at + 4, (uint16_t)((int)udp_len + s->udp_len_delta));
	if (s->payload_len)
		memcpy(p + udp_at + 8, s->payload, s->payload_len);
	for (i = 0; i < s->ip_trailer; i++)
		p[udp_at + udp_len + i] = 0x5a;
	if (!s->zero_udp_ck) {
		uint32_t sum = 0;
		uint16_t ck;
		/* pseudo header, then the UDP datagram as its length says */
		sum = sum16(p + 12, 8, sum);
		sum += 17 + udp_len;
		sum = sum16(p + udp_at, udp_len, sum);
		ck = (uint16_t)~fold(sum);
		if (ck == 0)
			ck = 0xffff;
		put16(p + udp_at + 6, (uint16_t)(ck ^ (s->bad_udp_ck ? 0x0001 : 0)));
	}
	memset(f.p + f.l2 + ip_total, s->pad_byte, s->pad);
	return f;
}

static struct sr_verdict parse_states(const struct frame *f, uint32_t len,
				      enum sr_cksum_state ip_ck, enum sr_cksum_state udp_ck,
				      struct sr_frame_info *fi)
{
	/* A prefix of the frame gets its own exactly-sized copy. */
	uint8_t *copy = malloc(len ? len : 1);
	struct sr_verdict rc;

	assert_non_null(copy);
	memcpy(copy, f->p, len);
	rc = sr_frame_parse(&the_ctx, copy, len, ip_ck, udp_ck, fi);
	free(copy);
	return rc;
}

static struct sr_verdict parse(const struct frame *f, struct sr_frame_info *fi)
{
	return parse_states(f, f->len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, fi);
}

/* Build, parse (unknown checksums), free. */
static struct sr_verdict verdict(const struct spec *s)
{
	struct frame f = build(s);
	struct sr_frame_info fi;
	struct sr_verdict rc = parse(&f, &fi);

	free(f.p);
	return rc;
}

#define assert_verdict(spec, want) assert_verdict_is(verdict(&(spec)), want)

/* --- accepted --- */

static void test_valid_frame(void **state)
{
	struct spec s = default_spec();
	struct frame f = build(&s);
	struct sr_frame_info fi;
	uint16_t ck;

	(void)state;
	memset(&fi, 0xee, sizeof(fi));
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.payload_off, 42);
	assert_int_equal(fi.payload_len, 5);
	assert_memory_equal(f.p + fi.payload_off, "a:1|c", 5);
	assert_int_equal(sr_ip4(&fi.src), htonl(SRC_IP));
	assert_int_equal(sr_ip4(&fi.dst), htonl(LISTEN_IP));
	assert_int_equal(fi.src_port, htons(SRC_PORT));
	assert_int_equal(fi.dst_port, htons(LISTEN_PORT));
	memcpy(&ck, f.p + 40, 2);
	assert_int_equal(fi.udp_cksum, ck); /* as received, network order */
	assert_true(fi.udp_cksum != 0);
	free(f.p);
}

static void test_broadcast_and_multicast_accepted(void **state)
{
	static const uint8_t macs[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, /* broadcast */
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb }, /* IPv4 multicast */
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, /* IPv6 multicast */
		{ 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }, /* any group address */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		struct spec s = default_spec();
		memcpy(s.dst_mac, macs[i], 6);
		assert_verdict(s, V_RELAY);
	}
}

static void test_vlan_accepted(void **state)
{
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;

	(void)state;
	s.vlan = 1;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.payload_off, 46);
	assert_int_equal(fi.payload_len, 5);
	assert_memory_equal(f.p + fi.payload_off, "a:1|c", 5);
	free(f.p);
}

static void test_ip_options(void **state)
{
	static const uint32_t opts[] = { 4, 8, 20, 40 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct spec s = default_spec();
		struct frame f;
		struct sr_frame_info fi;
		s.opt_len = opts[i];
		s.vlan = i & 1;
		f = build(&s);
		assert_verdict_is(parse(&f, &fi), V_RELAY);
		assert_int_equal(fi.payload_off, (s.vlan ? 18 : 14) + 20 + opts[i] + 8);
		assert_int_equal(fi.payload_len, 5);
		assert_memory_equal(f.p + fi.payload_off, "a:1|c", 5);
		free(f.p);
	}
}

/* Ethernet padding after a short datagram: the UDP length decides. */
static void test_ethernet_padding(void **state)
{
	static const uint8_t two[] = "x\n";
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;

	(void)state;
	s.payload = two;
	s.payload_len = 2;
	s.pad = 60 - 44; /* to the 60-byte minimum */
	f = build(&s);
	assert_int_equal(f.len, 60);
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.payload_off, 42);
	assert_int_equal(fi.payload_len, 2);
	free(f.p);

	s.pad_byte = 0xaa; /* garbage padding is not checksummed either */
	assert_verdict(s, V_RELAY);

	/* Bytes inside the IP datagram past the UDP length: still the UDP length. */
	s = default_spec();
	s.ip_trailer = 7;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.payload_len, 5);
	free(f.p);

	/* Empty datagram. */
	s = default_spec();
	s.payload_len = 0;
	s.pad = 18;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.payload_len, 0);
	assert_int_equal(fi.payload_off, 42);
	free(f.p);
}

static void test_dont_fragment_accepted(void **state)
{
	struct spec s = default_spec();

	(void)state;
	s.frag = 0x4000; /* DF */
	assert_verdict(s, V_RELAY);
}

/* A zero UDP checksum means none: accepted whatever the payload. */
static void test_zero_udp_checksum(void **state)
{
	static const uint8_t junk[] = "not what was sent";
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;

	(void)state;
	s.zero_udp_ck = 1;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_RELAY);
	assert_int_equal(fi.udp_cksum, 0);
	/* Even a NIC saying "bad" is not asked about a checksum that was not sent. */
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_UNKNOWN, SR_CKSUM_BAD, &fi), V_RELAY);
	free(f.p);
	s.payload = junk;
	s.payload_len = sizeof(junk) - 1;
	assert_verdict(s, V_RELAY);
}

/* A computed checksum of 0 is sent as 0xffff (RFC 768) and must verify. */
static void test_checksum_ffff(void **state)
{
	uint8_t payload[2];
	uint32_t w;
	int found = 0;

	(void)state;
	for (w = 0; w < 65536; w++) {
		struct spec s = default_spec();
		struct frame f;
		struct sr_frame_info fi;
		payload[0] = (uint8_t)(w >> 8);
		payload[1] = (uint8_t)w;
		s.payload = payload;
		s.payload_len = 2;
		f = build(&s);
		if (f.p[40] == 0xff && f.p[41] == 0xff) {
			found++;
			assert_verdict_is(parse(&f, &fi), V_RELAY);
			assert_int_equal(fi.udp_cksum, 0xffff);
		}
		free(f.p);
	}
	assert_true(found >= 1);
}

/* --- drop reasons --- */

static void test_truncated_everywhere(void **state)
{
	struct spec s = default_spec();
	struct frame f = build(&s);
	struct sr_frame_info fi;
	uint32_t len;

	(void)state;
	for (len = 0; len < f.len; len++) {
		struct sr_verdict rc = parse_states(&f, len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN,
						    &fi);
		/* Shorter than the IP header, or than the IP total length says: truncated. */
		struct sr_verdict want = V_DROP(FRAME_TRUNCATED);
		if (!verdict_eq(rc, want))
			fail_msg("cut at %u: %s", len, verdict_name(rc));
	}
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi),
			  V_RELAY);
	free(f.p);
}

static void test_truncated_at_each_header(void **state)
{
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;
	uint32_t len;

	(void)state;
	/* Ethernet */
	f = build(&s);
	for (len = 0; len < 14; len++)
		assert_verdict_is(parse_states(&f, len, 0, 0, &fi), V_DROP(FRAME_TRUNCATED));
	free(f.p);
	/* 802.1Q tag, then IP after it */
	s.vlan = 1;
	f = build(&s);
	for (len = 14; len < 18; len++)
		assert_verdict_is(parse_states(&f, len, 0, 0, &fi), V_DROP(FRAME_TRUNCATED));
	for (len = 18; len < 38; len++)
		assert_verdict_is(parse_states(&f, len, 0, 0, &fi), V_DROP(FRAME_TRUNCATED));
	free(f.p);
	/* IP options */
	s = default_spec();
	s.opt_len = 8;
	f = build(&s);
	for (len = 34; len < 42; len++)
		assert_verdict_is(parse_states(&f, len, 0, 0, &fi), V_DROP(FRAME_TRUNCATED));
	free(f.p);
	/* UDP: an IP total length leaving fewer than 8 bytes for its header */
	s = default_spec();
	s.tot_len_delta = -6; /* 20 + 7 */
	assert_verdict(s, V_DROP(FRAME_TRUNCATED));
	s.tot_len_delta = -13; /* 20: no UDP header at all */
	assert_verdict(s, V_DROP(FRAME_TRUNCATED));
}

static void test_other_mac(void **state)
{
	static const uint8_t macs[][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee }, /* our own source */
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff }, /* group bit clear */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		struct spec s = default_spec();
		memcpy(s.dst_mac, macs[i], 6);
		assert_verdict(s, V_DROP(FRAME_OTHER_MAC));
	}
}

static void test_other_ethertype(void **state)
{
	/* ARP is spoken (the relay has an IPv4 address); IPv6 is not here (none) */
	static const uint16_t types[] = { 0x86dd /* IPv6 */,
					  0x88a8 /* QinQ */,
					  0x88cc /* LLDP */,
					  0x0001,
					  0x0801,
					  0x0008 /* swapped */ };
	size_t i;
	struct spec s;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		s = default_spec();
		s.ethertype = types[i];
		assert_verdict(s, V_DROP(FRAME_OTHER_ETHERTYPE));
		/* the same behind an 802.1Q tag */
		s = default_spec();
		s.vlan = 1;
		s.vlan_inner = types[i];
		assert_verdict(s, V_DROP(FRAME_OTHER_ETHERTYPE));
	}
	/* Two stacked 802.1Q tags: only one is looked through. */
	s = default_spec();
	s.vlan = 1;
	s.vlan_inner = 0x8100;
	assert_verdict(s, V_DROP(FRAME_OTHER_ETHERTYPE));
}

static void test_bad_ip_header(void **state)
{
	static const uint8_t vihl[] = { 0x65, 0x44, 0x40, 0x41, 0x55, 0x05, 0x35, 0xf5 };
	struct spec s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vihl); i++) {
		s = default_spec();
		s.version_ihl = vihl[i];
		assert_verdict(s, V_DROP(FRAME_BAD_IP_HEADER));
	}
	/* Total length below the header length, or past the frame. */
	s = default_spec();
	s.tot_len_delta = -(8 + 5 + 1); /* 19 */
	assert_verdict(s, V_DROP(FRAME_BAD_IP_HEADER));
	s.tot_len_delta = -(8 + 5 + 20); /* 0 */
	assert_verdict(s, V_DROP(FRAME_BAD_IP_HEADER));
	s = default_spec();
	s.opt_len = 8;
	s.tot_len_delta = -(8 + 5 + 1); /* 27 < IHL 28 */
	assert_verdict(s, V_DROP(FRAME_BAD_IP_HEADER));
	/* a total length past the frame's end: the frame was cut (frame_truncated) */
	s = default_spec();
	s.tot_len_delta = 1;
	assert_verdict(s, V_DROP(FRAME_TRUNCATED));
	s.tot_len_delta = 1000;
	assert_verdict(s, V_DROP(FRAME_TRUNCATED));
	/* A total length that takes in the Ethernet padding is inside the frame. */
	s.tot_len_delta = 4;
	s.pad = 4;
	assert_verdict_is(verdict(&s), V_RELAY);
	/* A checksum offload verdict does not excuse a broken header. */
	s = default_spec();
	s.version_ihl = 0x65;
	{
		struct frame f = build(&s);
		struct sr_frame_info fi;
		assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_GOOD, SR_CKSUM_GOOD, &fi),
				  V_DROP(FRAME_BAD_IP_HEADER));
		free(f.p);
	}
}

static void test_bad_ip_checksum(void **state)
{
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;

	(void)state;
	s.bad_ip_ck = 1;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_IP_CHECKSUM));
	/* The NIC said good: not verified again. */
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_GOOD, SR_CKSUM_UNKNOWN, &fi), V_RELAY);
	free(f.p);
	/* A header changed after its checksum. */
	s = default_spec();
	f = build(&s);
	f.p[14 + 8]--; /* TTL */
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_IP_CHECKSUM));
	free(f.p);
	/* The NIC said bad: dropped even though it is right. */
	s = default_spec();
	f = build(&s);
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_BAD, SR_CKSUM_UNKNOWN, &fi),
			  V_DROP(FRAME_BAD_IP_CHECKSUM));
	free(f.p);
	/* Options are covered by the checksum. */
	s = default_spec();
	s.opt_len = 4;
	f = build(&s);
	f.p[14 + 21] ^= 0x10;
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_IP_CHECKSUM));
	free(f.p);
}

static void test_ip_fragment(void **state)
{
	static const uint16_t frags[] = { 0x2000 /* MF */, 0x0001 /* offset 8 */, 0x2001,
					  0x1fff,	   0x6000 /* DF + MF */,  0x4001 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(frags) / sizeof(frags[0]); i++) {
		struct spec s = default_spec();
		s.frag = frags[i];
		/* to us: reassembled; to another address: dropped */
		assert_verdict(s, V_FRAGMENT);
		s.dst_ip = 0x0a000009u;
		assert_verdict(s, V_DROP(FRAME_IP_FRAGMENT));
	}
}

static void test_other_protocol(void **state)
{
	static const uint8_t protos[] = { 6 /* TCP */, 1 /* ICMP */, 132 /* SCTP */, 136, 255 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(protos); i++) {
		struct spec s = default_spec();
		s.proto = protos[i];
		assert_verdict(s, V_DROP(FRAME_OTHER_PROTOCOL));
	}
}

static void test_other_address(void **state)
{
	static const uint32_t addrs[] = { 0x0a000002u, 0xffffffffu, 0x01000000u, 0x0100000au,
					  0xe0000001u };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct spec s = default_spec();
		s.dst_ip = addrs[i];
		assert_verdict(s, V_DROP(FRAME_OTHER_ADDRESS));
	}
	/* Any ordinary source will do. */
	{
		struct spec s = default_spec();
		s.src_ip = LISTEN_IP + 1;
		assert_verdict(s, V_RELAY);
	}
}

/* Sources nothing real sends from (RFC 1122 3.2.1.3, RFC 1812 5.3.7). */
static void test_bad_source(void **state)
{
	static const uint32_t srcs[] = {
		0xffffffffu,		     /* limited broadcast */
		(LISTEN_IP & ~0xffu) | 0xff, /* the listen /24's broadcast */
		0xe0000001u,		     /* multicast */
		0xefffffffu,		     /* multicast, the top */
		0xf0000001u,		     /* class E */
		LISTEN_IP,		     /* ourselves */
	};
	static const uint8_t group_macs[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};
	struct sr_frame_info fi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct spec s = default_spec();
		s.src_ip = srcs[i];
		assert_verdict(s, V_DROP(FRAME_BAD_SOURCE));
		s.frag = 0x2000; /* a first fragment of it: not taken either */
		assert_verdict(s, V_DROP(FRAME_BAD_SOURCE));
	}
	/* 0.0.0.0 ("0" means the default in a spec): patched in, checksums taken as good */
	{
		struct spec s = default_spec();
		struct frame f = build(&s);
		memset(f.p + f.l2 + 12, 0, 4);
		assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_GOOD, SR_CKSUM_GOOD, &fi),
				  V_DROP(FRAME_BAD_SOURCE));
		free(f.p);
	}
	/* another subnet's broadcast-looking address is a host like any (a /23 behind
	 * a router) */
	{
		struct spec s = default_spec();
		s.src_ip = (LISTEN_IP & ~0x1ffu) + 0x100 + 0xff;
		if ((s.src_ip & ~0xffu) == (LISTEN_IP & ~0xffu))
			s.src_ip -= 0x200;
		assert_verdict(s, V_RELAY);
	}
	/* the subnet's first and next-to-last addresses are hosts like any */
	{
		struct spec s = default_spec();
		s.src_ip = (LISTEN_IP & ~0xffu) | 0xfe;
		assert_verdict(s, V_RELAY);
		s.src_ip = LISTEN_IP & ~0xffu;
		assert_verdict(s, V_RELAY);
	}
	/* a group address as the Ethernet source: any frame, whatever it carries */
	for (i = 0; i < sizeof(group_macs) / sizeof(group_macs[0]); i++) {
		struct spec s = default_spec();
		struct frame f = build(&s);
		memcpy(f.p + 6, group_macs[i], 6);
		assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_SOURCE));
		free(f.p);
	}
}

static void test_other_port(void **state)
{
	static const uint16_t ports[] = { 8126, 8124, 53, 0xfdbd /* 8125 byte-swapped */ };
	size_t i;
	struct spec s;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		s = default_spec();
		s.dport = ports[i];
		assert_verdict(s, V_DROP(FRAME_OTHER_PORT));
	}
	s = default_spec();
	s.sport = LISTEN_PORT;
	assert_verdict(s, V_RELAY);
}

static void test_bad_udp_length(void **state)
{
	struct spec s;

	(void)state;
	s = default_spec();
	s.udp_len_delta = -6; /* 7 */
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	s.udp_len_delta = -13; /* 0 */
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	s.udp_len_delta = 1; /* past the IP payload */
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	/* ...even when the frame has padding there. */
	s.pad = 16;
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	s = default_spec();
	s.udp_len_delta = 60000;
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	/* Exactly the header: an empty datagram. */
	s = default_spec();
	s.payload_len = 0;
	assert_verdict(s, V_RELAY);
}

static void test_bad_udp_checksum(void **state)
{
	struct spec s = default_spec();
	struct frame f;
	struct sr_frame_info fi;

	(void)state;
	s.bad_udp_ck = 1;
	f = build(&s);
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_UDP_CHECKSUM));
	/* The NIC said good: not verified again. */
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_UNKNOWN, SR_CKSUM_GOOD, &fi), V_RELAY);
	free(f.p);
	/* A payload byte changed in flight. */
	s = default_spec();
	f = build(&s);
	f.p[42] ^= 0x20;
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_UDP_CHECKSUM));
	free(f.p);
	/* The pseudo header counts: another source address, same datagram. */
	s = default_spec();
	f = build(&s);
	f.p[14 + 15] ^= 1;	 /* source address... */
	put16(f.p + 14 + 10, 0); /* ...with a fixed IP checksum */
	put16(f.p + 14 + 10, (uint16_t)~fold(sum16(f.p + 14, 20, 0)));
	assert_verdict_is(parse(&f, &fi), V_DROP(FRAME_BAD_UDP_CHECKSUM));
	free(f.p);
	/* The NIC said bad: dropped even though it is right. */
	s = default_spec();
	f = build(&s);
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_UNKNOWN, SR_CKSUM_BAD, &fi),
			  V_DROP(FRAME_BAD_UDP_CHECKSUM));
	assert_verdict_is(parse_states(&f, f.len, SR_CKSUM_GOOD, SR_CKSUM_GOOD, &fi), V_RELAY);
	free(f.p);
	/* Odd payload lengths and padding: the checksum covers the UDP length only. */
	for (uint32_t n = 1; n < 40; n++) {
		uint8_t payload[40];
		memset(payload, (int)(0x30 + n), n);
		s = default_spec();
		s.payload = payload;
		s.payload_len = n;
		s.pad = n % 5;
		s.pad_byte = 0xc3;
		assert_verdict(s, V_RELAY);
		s.bad_udp_ck = 1;
		assert_verdict(s, V_DROP(FRAME_BAD_UDP_CHECKSUM));
	}
}

/* Check order: the first failing check names the drop. */
static void test_reason_precedence(void **state)
{
	struct spec s;

	(void)state;
	s = default_spec();
	s.dst_mac[5] = 9;
	s.ethertype = 0x86dd;
	assert_verdict(s, V_DROP(FRAME_OTHER_MAC));
	s = default_spec();
	s.bad_ip_ck = 1;
	s.frag = 0x2000;
	assert_verdict(s, V_DROP(FRAME_BAD_IP_CHECKSUM));
	s = default_spec();
	s.frag = 0x2000;
	s.proto = 6;
	assert_verdict(s, V_FRAGMENT); /* reassembled before the protocol is looked at */
	s = default_spec();
	s.proto = 6;
	s.dst_ip = 0x0a000009u;
	assert_verdict(s, V_DROP(FRAME_OTHER_PROTOCOL));
	s = default_spec();
	s.dst_ip = 0x0a000009u;
	s.dport = 9;
	assert_verdict(s, V_DROP(FRAME_OTHER_ADDRESS));
	s = default_spec();
	s.udp_len_delta = -6;
	s.dport = 9;
	assert_verdict(s, V_DROP(FRAME_BAD_UDP_LENGTH));
	s = default_spec();
	s.dport = 9;
	s.bad_udp_ck = 1;
	assert_verdict(s, V_DROP(FRAME_OTHER_PORT));
}

SR_TEST_RNG(0x3c6ef372fe94f82bull)

/* Random valid frames: accepted, with the payload where fi says. */
static void test_random_valid_frames(void **state)
{
	static uint8_t payload[1472];
	uint32_t iter, i;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		struct spec s = default_spec();
		struct frame f;
		struct sr_frame_info fi;
		s.payload_len = (uint32_t)(rnd() % (sizeof(payload) + 1));
		for (i = 0; i < s.payload_len; i++)
			payload[i] = (uint8_t)rnd();
		s.payload = payload;
		s.vlan = (int)(rnd() & 1);
		s.opt_len = (uint32_t)(rnd() % 11) * 4;
		s.pad = (uint32_t)(rnd() % 3 == 0 ? rnd() % 30 : 0);
		s.pad_byte = (uint8_t)rnd();
		s.ip_trailer = (uint32_t)(rnd() % 4 == 0 ? rnd() % 9 : 0);
		s.zero_udp_ck = rnd() % 8 == 0;
		s.frag = rnd() & 1 ? 0x4000 : 0;
		s.sport = (uint16_t)(1 + rnd() % 65535);
		f = build(&s);
		if (parse(&f, &fi).kind != SR_VERDICT_RELAY)
			fail_msg("iteration %u: %s", iter, verdict_name(parse(&f, &fi)));
		assert_int_equal(fi.payload_len, s.payload_len);
		assert_int_equal(fi.payload_off, f.l2 + f.ihl + 8);
		assert_true(fi.payload_off + fi.payload_len <= f.len);
		assert_memory_equal(f.p + fi.payload_off, payload, s.payload_len);
		assert_int_equal(fi.src_port, htons(s.sport));
		free(f.p);
	}
}

/* Corrupted and random frames: never a crash or a read past the end, never a line reason. */
static void test_random_garbage(void **state)
{
	uint32_t iter, i;

	(void)state;
	for (iter = 0; iter < 100000; iter++) {
		struct spec s = default_spec();
		struct frame f;
		struct sr_frame_info fi;
		uint32_t len;
		struct sr_verdict rc;

		s.vlan = (int)(rnd() & 1);
		s.opt_len = (uint32_t)(rnd() % 3) * 4;
		f = build(&s);
		/* flip a few header bytes, maybe cut the frame */
		for (i = (uint32_t)(rnd() % 4); i; i--)
			f.p[rnd() % (f.len < 60 ? f.len : 60)] ^= (uint8_t)(1 + rnd() % 255);
		len = rnd() % 4 == 0 ? (uint32_t)(rnd() % (f.len + 1)) : f.len;
		rc = parse_states(&f, len, (enum sr_cksum_state)(rnd() % 3),
				  (enum sr_cksum_state)(rnd() % 3), &fi);
		if (rc.kind > SR_VERDICT_DROP ||
		    (rc.kind == SR_VERDICT_DROP &&
		     (rc.drop >= SR_DROP__COUNT || sr_drop_is_line(rc.drop))))
			fail_msg("iteration %u: %d/%d is no frame verdict", iter, rc.kind, rc.drop);
		if (rc.kind == SR_VERDICT_RELAY)
			assert_true(fi.payload_off + fi.payload_len <= len);
		free(f.p);
	}
	/* Pure noise of every length up to 128. */
	for (iter = 0; iter < 20000; iter++) {
		uint32_t len = (uint32_t)(rnd() % 129);
		uint8_t *p = malloc(len ? len : 1);
		struct sr_frame_info fi;
		struct sr_verdict rc;
		assert_non_null(p);
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)rnd();
		if (len >= 14 && rnd() & 1) {
			memcpy(p, the_ctx.port_mac, 6);
			put16(p + 12, 0x0800);
		}
		rc = sr_frame_parse(&the_ctx, p, len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
		assert_true(rc.kind != SR_VERDICT_DROP ||
			    (rc.drop < SR_DROP__COUNT && !sr_drop_is_line(rc.drop)));
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_frame),
		cmocka_unit_test(test_broadcast_and_multicast_accepted),
		cmocka_unit_test(test_vlan_accepted),
		cmocka_unit_test(test_ip_options),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_dont_fragment_accepted),
		cmocka_unit_test(test_zero_udp_checksum),
		cmocka_unit_test(test_checksum_ffff),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_at_each_header),
		cmocka_unit_test(test_other_mac),
		cmocka_unit_test(test_other_ethertype),
		cmocka_unit_test(test_bad_ip_header),
		cmocka_unit_test(test_bad_ip_checksum),
		cmocka_unit_test(test_ip_fragment),
		cmocka_unit_test(test_other_protocol),
		cmocka_unit_test(test_other_address),
		cmocka_unit_test(test_bad_source),
		cmocka_unit_test(test_other_port),
		cmocka_unit_test(test_bad_udp_length),
		cmocka_unit_test(test_bad_udp_checksum),
		cmocka_unit_test(test_reason_precedence),
		cmocka_unit_test(test_random_valid_frames),
		cmocka_unit_test(test_random_garbage),
	};

	uint32_t listen = htonl(LISTEN_IP);
	memcpy(the_ctx.listen[SR_V4].a, &listen, 4);
	the_ctx.listen_port[SR_V4] = htons(LISTEN_PORT);
	the_ctx.listen_prefix[SR_V4] = 24;
	return cmocka_run_group_tests_name("sr_frame", tests, NULL, NULL);
}
