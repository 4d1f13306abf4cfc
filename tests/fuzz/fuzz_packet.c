/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the whole packet path over a byte buffer, as the worker
 * runs it: frame checks -> lines -> keys -> shards -> per-shard batches ->
 * headers. Input byte 0: bit 0 set = the rest is a whole frame, else it is a
 * UDP payload wrapped in valid headers (to reach the line code); bits 1-2 the
 * dialect; bit 3 no UDP checksum. Checks: every line is counted once
 * (lines_in == copied + dropped), batches never pass max-payload, each line
 * comes out byte for byte, and every packet built parses back as valid.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/sr_ctl.h"
#include "net/sr_frame.h"
#include "net/sr_rewrite.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_batch.h"
#include "statsd/sr_payload.h"

#define N_SHARDS 4
#define MAX_PAYLOAD 512
#define FRAME_MAX 9100

static const uint8_t port_mac[6] = { 0x02, 0x70, 0x63, 0x61, 0x70, 0x00 };
static struct sr_shard_map *map;
static struct sr_hdr_tmpl tmpl[N_SHARDS];
static uint32_t shard_ip[N_SHARDS];
static const uint32_t listen_ip = RTE_BE32(0xc6120001); /* 198.18.0.1 */
static const uint16_t listen_port = RTE_BE16(8125);

static void setup(void)
{
	static const struct sr_shard_desc ids[N_SHARDS] = {
		{ "198.18.1.1:8125", 1 }, { "198.18.1.2:8125", 1 },
		{ "198.18.1.3:8125", 1 }, { "198.18.1.4:8125", 1 },
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

	sr_hdr_tmpl_init_v4(&t, src_mac, port_mac, RTE_BE32(0xc612000a), RTE_BE16(40000),
			    listen_ip, listen_port);
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
	assert(b->len <= MAX_PAYLOAD);
	assert(sr_frame_parse(&ctx, hdr, SR_HDR_V4_LEN + b->len, SR_CKSUM_UNKNOWN,
			      SR_CKSUM_UNKNOWN, &fi) == SR_OK);
	assert(fi.payload_len == b->len);
	assert(same_sum(sr_payload_sum_from_udp(&fi), sr_payload_sum(b->buf, b->len)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FRAME_MAX];
	static uint8_t out[N_SHARDS][SR_HDR_V4_LEN + MAX_PAYLOAD];
	struct sr_batch batch[N_SHARDS];
	struct sr_line_ref refs[8];
	struct sr_payload_cfg cfg;
	struct sr_counters c = { 0 };
	struct sr_frame_ctx ctx = { .listen_port = { listen_port, listen_port } };
	struct sr_frame_info fi;
	static uint8_t answer[FRAME_MAX];
	uint64_t copied = 0, dropped = 0;
	const uint8_t *payload;
	uint32_t len, pos = 0, i;
	int s, rc;

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
			   .max_line = MAX_PAYLOAD - 1 },
		.key_mode = SR_KEY_NAME_TAGS,
		.map = map,
	};
	rc = sr_frame_parse(&ctx, frame, len, SR_CKSUM_UNKNOWN, SR_CKSUM_UNKNOWN, &fi);
	if (rc == SR_FRAME_CONTROL) {
		/* answers are built in place, within the request's bytes */
		memcpy(answer, frame, len);
		uint32_t out_len = sr_ctl_answer(answer, len, &fi, port_mac, &ctx.listen[fi.v6]);
		assert(out_len <= len);
		return 0;
	}
	if (rc == SR_FRAME_FRAGMENT) {
		assert(fi.l2_len + fi.l3_len <= len);
		return 0;
	}
	if (rc != SR_OK) {
		assert(rc >= 0 && rc < SR_DROP__COUNT && !sr_drop_is_line((enum sr_drop)rc));
		return 0;
	}
	assert(fi.payload_off + fi.payload_len <= len);
	payload = frame + fi.payload_off;
	if (fi.udp_cksum)
		assert(same_sum(sr_payload_sum_from_udp(&fi), sr_payload_sum(payload, fi.payload_len)));

	for (s = 0; s < N_SHARDS; s++)
		batch[s] = (struct sr_batch){ .buf = out[s] + SR_HDR_V4_LEN };
	while (pos < fi.payload_len) {
		uint32_t before = pos;
		struct sr_scan_result r = sr_payload_scan(&cfg, payload, fi.payload_len, &pos, refs,
							  8, &c);
		assert(pos > before && pos <= fi.payload_len);
		assert(r.valid <= r.lines || r.valid <= 8);
		for (i = 0; i < r.valid; i++) {
			struct sr_batch *b = &batch[refs[i].shard];
			assert(refs[i].shard < N_SHARDS);
			assert(refs[i].off + refs[i].len <= fi.payload_len);
			if (!sr_batch_fits(b, refs[i].len, MAX_PAYLOAD)) {
				sr_hdr_write(out[refs[i].shard], &tmpl[refs[i].shard],
						(uint16_t)b->len, sr_payload_sum(b->buf, b->len));
				check_sent(out[refs[i].shard], b, (int)refs[i].shard);
				b->len = 0;
			}
			sr_batch_append(b, payload + refs[i].off, refs[i].len);
			/* the copy is the line, byte for byte */
			assert(!memcmp(b->buf + b->len - refs[i].len - 1, payload + refs[i].off,
				       refs[i].len));
			copied++;
		}
	}
	for (s = 0; s < N_SHARDS; s++)
		if (batch[s].len) {
			sr_hdr_write(out[s], &tmpl[s], (uint16_t)batch[s].len,
					sr_payload_sum(batch[s].buf, batch[s].len));
			check_sent(out[s], &batch[s], s);
		}
	for (i = 0; i < SR_DROP__COUNT; i++)
		dropped += c.drops[i];
	assert(c.lines_in == copied + dropped);
	return 0;
}
