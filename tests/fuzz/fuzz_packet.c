/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the whole packet path over a byte buffer, as the worker
 * runs it: frame checks -> lines -> keys -> shards -> the library's in-place
 * or copy decision and per-shard coalescing (statsd/sr_coalesce.h, the code
 * the worker calls) -> headers. Input byte 0: bit 0 set = the rest is a whole
 * frame, else it is a UDP payload wrapped in valid headers (to reach the line
 * code); bits 1-2 the dialect; bit 3 no UDP checksum; bit 4 packets run out
 * after two (line_no_mbuf). Checks: every line is counted once (lines_in ==
 * sent + dropped), packets never pass max-payload, what each shard receives
 * is exactly its lines in order (against a reference scan), a datagram left
 * in place only when all its lines are valid and for one shard, and every
 * packet built parses back as valid.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/sr_ctl.h"
#include "scan_check.h"
#include "net/sr_fragment.h"
#include "net/sr_frame.h"
#include "net/sr_rewrite.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_coalesce.h"
#include "statsd/sr_payload.h"

#define N_SHARDS 4
#define MAX_PAYLOAD 512
#define FRAME_MAX 9100
#define FRAG_MTU 576 /* what long lines are fragmented to */

static const uint8_t port_mac[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static struct sr_shard_map *map;
static struct sr_hdr_tmpl tmpl[N_SHARDS];
static uint32_t shard_ip[N_SHARDS];
static const uint32_t listen_ip = RTE_BE32(0xc6120001); /* 198.18.0.1 */
static const uint16_t listen_port = RTE_BE16(8125);

static void setup(void)
{
	static const struct sr_shard_desc ids[N_SHARDS] = {
		{ "198.18.1.1:8125", 1 },
		{ "198.18.1.2:8125", 1 },
		{ "198.18.1.3:8125", 1 },
		{ "198.18.1.4:8125", 1 },
	};
	char err[128];
	uint8_t mac[6] = { 2, 0, 0, 0, 1, 0 };
	int s;

	map = sr_shard_map_build(SR_HASH_MAGLEV, ids, N_SHARDS, 1009, err, sizeof(err));
	for (s = 0; s < N_SHARDS; s++) {
		mac[5] = (uint8_t)(s + 1);
		shard_ip[s] = rte_cpu_to_be_32(0xc6120101 + (uint32_t)s);
		sr_hdr_tmpl_init_v4(&tmpl[s], port_mac, mac, listen_ip, listen_port, shard_ip[s],
				    listen_port);
	}
}

/* Build Ethernet + IPv4 + UDP around a payload, checksums right. */
static uint32_t wrap(uint8_t *f, const uint8_t *payload, uint32_t n, int no_cksum)
{
	struct sr_hdr_tmpl t;
	uint8_t src_mac[6] = { 2, 0, 0, 0, 0, 0x0a };

	sr_hdr_tmpl_init_v4(&t, src_mac, port_mac, RTE_BE32(0xc612000a), RTE_BE16(40000), listen_ip,
			    listen_port);
	memcpy(f + SR_HDR_V4_LEN, payload, n);
	sr_hdr_write(f, &t, (uint16_t)n, sr_payload_sum(payload, n));
	if (no_cksum)
		f[40] = f[41] = 0;
	return SR_HDR_V4_LEN + n;
}

/* One's complement sums: 0 and 0xffff are both zero. */
static int same_sum(uint32_t a, uint32_t b)
{
	return a % 0xffff == b % 0xffff;
}

/* A finished outgoing packet must pass our own checks as the shard would see it. */
static void check_sent(const uint8_t *hdr, const struct sr_batch *b, int shard)
{
	struct sr_frame_ctx ctx = { .listen_port = { listen_port } };
	struct sr_frame_info fi;

	memcpy(ctx.listen[SR_V4].a, &shard_ip[shard], 4);
	memcpy(ctx.port_mac, hdr, 6);
	assert(sr_frame_parse(&ctx, hdr, SR_HDR_V4_LEN + b->len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN,
			      &fi)
		       .kind == SR_VERDICT_RELAY);
	assert(fi.payload_len == b->len);
	assert(same_sum(sr_payload_sum_from_udp(&fi), sr_payload_sum(b->buf, b->len)));
}

/* What the shards receive: the fuzzer's packets behind the library's callbacks. */
struct sink {
	uint8_t out[N_SHARDS][SR_HDR_V4_LEN + MAX_PAYLOAD]; /* one open packet per shard */
	bool open[N_SHARDS];
	uint8_t got[N_SHARDS][FRAME_MAX]; /* every payload byte each shard received */
	uint32_t got_len[N_SHARDS];
	uint64_t lines_sent;
	int opens_left; /* < 0: unlimited */
	int in_place;	/* shard the datagram left for as it came, or -1 */
	const uint8_t *payload;
	uint32_t payload_len;
};

static void received(struct sink *k, uint32_t shard, const uint8_t *p, uint32_t n)
{
	assert(k->got_len[shard] + n <= FRAME_MAX);
	memcpy(k->got[shard] + k->got_len[shard], p, n);
	k->got_len[shard] += n;
}

static void *sink_open(void *arg, uint32_t shard, uint8_t **payload)
{
	struct sink *k = arg;

	assert(shard < N_SHARDS && !k->open[shard]);
	if (k->opens_left == 0)
		return NULL;
	if (k->opens_left > 0)
		k->opens_left--;
	k->open[shard] = true;
	*payload = k->out[shard] + SR_HDR_V4_LEN;
	return k->out[shard];
}

static void sink_send(void *arg, uint32_t shard, void *pkt, const struct sr_batch *b)
{
	struct sink *k = arg;

	assert(shard < N_SHARDS && k->open[shard] && pkt == k->out[shard] && b->lines);
	assert(b->len <= MAX_PAYLOAD); /* coalesced packets never pass the limit */
	sr_hdr_write(k->out[shard], &tmpl[shard], (uint16_t)b->len, sr_payload_sum(b->buf, b->len));
	check_sent(k->out[shard], b, (int)shard);
	received(k, shard, b->buf, b->len);
	k->lines_sent += b->lines;
	k->open[shard] = false;
}

static void sink_in_place(void *arg, uint32_t shard, uint32_t lines)
{
	struct sink *k = arg;

	assert(shard < N_SHARDS && k->in_place < 0 && lines);
	k->in_place = (int)shard;
	received(k, shard, k->payload, k->payload_len);
	k->lines_sent += lines;
}

/*
 * A line longer than a packet: its datagram (the shard's headers, the line,
 * '\n') is fragmented to FRAG_MTU as the relay does; each fragment must be a
 * valid fragment for the shard, and the fragments put together by their
 * offsets must give back the datagram exactly.
 */
static bool sink_send_alone(void *arg, uint32_t shard, const uint8_t *line, uint32_t len)
{
	static uint8_t dgram[SR_HDR_V4_LEN + FRAME_MAX], frag[FRAG_MTU + 14], whole[FRAME_MAX];
	struct sink *k = arg;
	struct sr_frame_ctx ctx = { .listen_port = { listen_port } };
	uint32_t n, i, ip_payload = 0, got = 0;

	assert(shard < N_SHARDS && len + 1 > MAX_PAYLOAD && len <= FRAME_MAX);
	assert(sr_coalesce_alone_frame(dgram, &tmpl[shard], line, len) ==
	       SR_HDR_V4_LEN + len + 1); /* as the relay builds it */
	memcpy(ctx.listen[SR_V4].a, &shard_ip[shard], 4);
	memcpy(ctx.port_mac, dgram, 6);
	if (SR_HDR_V4_LEN + len + 1 <= 14 + FRAG_MTU) { /* it fits the MTU: sent whole */
		struct sr_batch b = { .buf = dgram + SR_HDR_V4_LEN, .len = len + 1, .lines = 1 };
		check_sent(dgram, &b, (int)shard);
		received(k, shard, dgram + SR_HDR_V4_LEN, len + 1);
		k->lines_sent++;
		return true;
	}
	n = sr_fragment_count(dgram, SR_HDR_V4_LEN + len + 1, 14, FRAG_MTU);
	assert(n >= 2 && n <= SR_FRAGMENT_MAX);
	for (i = 0; i < n; i++) {
		struct sr_frame_info fi;
		uint32_t flen = sr_fragment_write(dgram, SR_HDR_V4_LEN + len + 1, 14, FRAG_MTU,
						  0x1234 + shard, i, frag);
		assert(flen <= 14 + FRAG_MTU);
		assert(sr_frame_parse(&ctx, frag, flen, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi)
			       .kind == SR_VERDICT_FRAGMENT);
		assert(fi.frag_id == 0x1234 + shard && fi.frag_off == got &&
		       fi.frag_more == (i + 1 < n));
		assert(fi.frag_off % 8 == 0 && fi.frag_off + fi.frag_len <= sizeof(whole));
		memcpy(whole + fi.frag_off, frag + 14 + 20, fi.frag_len);
		got += fi.frag_len;
		ip_payload = fi.frag_off + fi.frag_len;
	}
	/* the UDP header and payload, whole again, and its checksum right */
	assert(ip_payload == 8 + len + 1 && !memcmp(whole, dgram + 34, ip_payload));
	{
		uint32_t sum = __rte_raw_cksum(whole, ip_payload, 0) +
			       __rte_raw_cksum(dgram + 14 + 12, 8, 0) /* the addresses */ +
			       rte_cpu_to_be_16(IPPROTO_UDP) +
			       rte_cpu_to_be_16((uint16_t)ip_payload);
		assert(__rte_raw_cksum_reduce(sum) == 0xffff);
	}
	received(k, shard, dgram + SR_HDR_V4_LEN, len + 1);
	k->lines_sent++;
	return true;
}

static const struct sr_coalesce_ops sink_ops = {
	.open = sink_open,
	.send = sink_send,
	.in_place = sink_in_place,
	.send_alone = sink_send_alone,
};

/* Each shard got exactly its valid lines, in order, each ended by '\n'
 * (or, in place, the datagram as it came, all of whose lines are its own). */
static void check_shards(const struct sink *k, const struct sr_payload_cfg *cfg,
			 struct sr_counters *want_c)
{
	static struct sr_line_ref want[SCAN_CHECK_MAX_REFS];
	static uint8_t text[N_SHARDS][FRAME_MAX];
	uint32_t text_len[N_SHARDS] = { 0 }, n, i;
	int s;

	n = scan_reference(cfg, k->payload, k->payload_len, want, want_c);
	if (k->in_place >= 0) {
		assert(n && n == want_c->lines_in);
		for (i = 0; i < n; i++)
			assert(want[i].shard == (uint32_t)k->in_place);
		return;
	}
	for (i = 0; i < n; i++) {
		uint8_t *t = text[want[i].shard] + text_len[want[i].shard];
		memcpy(t, k->payload + want[i].off, want[i].len);
		t[want[i].len] = '\n';
		text_len[want[i].shard] += want[i].len + 1;
	}
	for (s = 0; s < N_SHARDS; s++)
		assert(k->got_len[s] == text_len[s] && !memcmp(k->got[s], text[s], text_len[s]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FRAME_MAX];
	static struct sink sink;
	static struct sr_open_pkt open_pkts[N_SHARDS];
	struct sr_coalescer co = {
		.open = open_pkts, .n_shards = N_SHARDS, .max_payload = MAX_PAYLOAD, .hold = 0
	};
	struct sr_line_ref refs[8];
	struct sr_payload_cfg cfg;
	struct sr_counters c = { 0 }, want_c = { 0 };
	struct sr_frame_ctx ctx = { .listen_port = { listen_port, listen_port } };
	struct sr_frame_info fi;
	struct sr_verdict v;
	static uint8_t answer[FRAME_MAX];
	uint64_t dropped = 0;
	uint32_t len, i;

	if (!map)
		setup();
	if (size < 1 || size > FRAME_MAX - SR_HDR_V4_LEN)
		return 0;
	memcpy(ctx.port_mac, port_mac, 6);
	memcpy(ctx.listen[SR_V4].a, &listen_ip, 4);
	ctx.listen[SR_V6].v6 = SR_V6; /* 2001:db8::1 */
	memcpy(ctx.listen[SR_V6].a, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	if (data[0] & 1) {
		len = (uint32_t)size - 1;
		memcpy(frame, data + 1, len);
	} else {
		len = wrap(frame, data + 1, (uint32_t)size - 1, data[0] & 8);
	}
	cfg = (struct sr_payload_cfg){
		.parse = { .dialect = (enum sr_dialect)((data[0] >> 1) % SR_DIALECT__COUNT),
			   .max_line = FRAME_MAX }, /* longer than a packet: sent alone */
		.key_mode = SR_KEY_NAME_TAGS,
		.map = map,
	};
	v = sr_frame_parse(&ctx, frame, len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
	switch (v.kind) {
	case SR_VERDICT_CONTROL: {
		/* answers are built in place, within the request's bytes */
		memcpy(answer, frame, len);
		uint32_t out_len = sr_ctl_answer(answer, len, &fi, port_mac, &ctx.listen[fi.v6]);
		assert(out_len <= len);
		return 0;
	}
	case SR_VERDICT_FRAGMENT:
		assert(fi.l2_len + fi.l3_len <= len);
		return 0;
	case SR_VERDICT_DROP:
		assert(v.drop < SR_DROP__COUNT && !sr_drop_is_line(v.drop));
		return 0;
	case SR_VERDICT_RELAY:
		break;
	default:
		assert(0 && "no such verdict");
	}
	assert(fi.payload_off + fi.payload_len <= len);
	memset(&sink, 0, sizeof(sink));
	sink.in_place = -1;
	sink.opens_left = data[0] & 16 ? 2 : -1;
	sink.payload = frame + fi.payload_off;
	sink.payload_len = fi.payload_len;
	if (fi.udp_cksum)
		assert(same_sum(sr_payload_sum_from_udp(&fi),
				sr_payload_sum(sink.payload, fi.payload_len)));

	sr_coalesce_datagram(&co, &sink_ops, &sink, &cfg, sink.payload, sink.payload_len, true,
			     refs, 8, &c, 0);
	sr_coalesce_flush(&co, &sink_ops, &sink, 0, true);
	assert(co.n_open == 0);
	for (i = 0; i < SR_DROP__COUNT; i++)
		dropped += c.drops[i];
	assert(c.lines_in == sink.lines_sent + dropped);
	if (c.drops[SR_DROP_LINE_NO_MBUF] == 0) {
		/* all lines the reference accepts were sent, each to its shard */
		check_shards(&sink, &cfg, &want_c);
		assert(want_c.lines_in == c.lines_in);
		assert(!memcmp(want_c.drops, c.drops, sizeof(c.drops)));
	}
	return 0;
}
