/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a datagram's lines become: the one decision between forwarding a
 * datagram as it came and copying its lines into per-shard packets, and the
 * per-shard coalescing policy. The worker (app/worker.c) and the packet
 * fuzzer (tests/fuzz/fuzz_packet.c) both run it; only what a packet is
 * differs, behind three callbacks.
 *
 * In place: every line valid, all for one shard, the whole payload read in
 * one scan, no larger than max_payload and in one segment: only the
 * headers are rewritten. Otherwise each valid line is copied, unchanged and
 * ended by '\n', into its shard's open packet; a packet is sent when the
 * next line would not fit, when it has been open for `hold` cycles, or
 * before a datagram of the same shard leaves in place. A line longer than a
 * packet holds (up to --max-line) goes in a datagram of its own, which the
 * sender fragments to the MTU, after the shard's open packet. So the lines
 * of one shard leave in the order they came (gauge deltas depend on it).
 *
 * Inline, with the callbacks given as a constant table: the compiler calls
 * them directly on the hot path.
 */
#ifndef SR_COALESCE_H
#define SR_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#include "net/sr_rewrite.h"
#include "sr_counters.h"
#include "statsd/sr_batch.h"
#include "statsd/sr_payload.h"

/* A shard's packet being filled with copied lines. */
struct sr_open_pkt {
	void *pkt;	   /* the caller's packet; NULL: none open */
	struct sr_batch b; /* its payload */
	uint64_t deadline; /* sent by then even if not full */
};

struct sr_coalescer {
	struct sr_open_pkt *open; /* [n_shards] */
	uint32_t n_shards;
	uint32_t n_open;      /* packets open now */
	uint32_t max_payload; /* UDP payload limit of what is sent */
	uint64_t hold;	      /* how long a packet may stay open (cycles) */
};

struct sr_coalesce_ops {
	/* A new packet for shard; *payload: where its lines go (room for
	 * max_payload bytes). NULL when none can be had. */
	void *(*open)(void *ctx, uint32_t shard, uint8_t **payload);
	/* A filled packet is finished: headers, then send. */
	void (*send)(void *ctx, uint32_t shard, void *pkt, const struct sr_batch *b);
	/* The whole datagram leaves as it came, for shard, carrying lines. */
	void (*in_place)(void *ctx, uint32_t shard, uint32_t lines);
	/* A line longer than max_payload allows, in a datagram of its own;
	 * false when no packet can be had for it. */
	bool (*send_alone)(void *ctx, uint32_t shard, const uint8_t *line, uint32_t len);
};

static inline __attribute__((always_inline)) void
sr_coalesce_send(struct sr_coalescer *co, const struct sr_coalesce_ops *ops, void *ctx,
		 uint32_t shard)
{
	struct sr_open_pkt *o = &co->open[shard];
	void *pkt = o->pkt;

	o->pkt = NULL;
	co->n_open--;
	ops->send(ctx, shard, pkt, &o->b);
}

/* Copy one valid line into its shard's open packet, or send a long one
 * alone (line_no_mbuf when no packet can be had). */
static inline __attribute__((always_inline)) void
sr_coalesce_line(struct sr_coalescer *co, const struct sr_coalesce_ops *ops, void *ctx,
		 const uint8_t *payload, const struct sr_line_ref *ref, struct sr_counters *c,
		 uint64_t now)
{
	struct sr_open_pkt *o = &co->open[ref->shard];

	if (__builtin_expect(ref->len + 1 > co->max_payload, 0)) {
		if (o->pkt) /* what the shard has waiting goes first */
			sr_coalesce_send(co, ops, ctx, ref->shard);
		if (!ops->send_alone(ctx, ref->shard, payload + ref->off, ref->len))
			c->drops[SR_DROP_LINE_NO_MBUF]++;
		return;
	}
	if (o->pkt && !sr_batch_fits(&o->b, ref->len, co->max_payload))
		sr_coalesce_send(co, ops, ctx, ref->shard);
	if (!o->pkt) {
		uint8_t *buf;
		o->pkt = ops->open(ctx, ref->shard, &buf);
		if (__builtin_expect(o->pkt == NULL, 0)) {
			c->drops[SR_DROP_LINE_NO_MBUF]++;
			return;
		}
		o->b = (struct sr_batch){ .buf = buf };
		o->deadline = now + co->hold;
		co->n_open++;
	}
	sr_batch_append(&o->b, payload + ref->off, ref->len);
}

/* The datagram a line longer than a packet goes in: the shard's headers,
 * the line and its '\n' (as in any batch), written to frame; its length. */
static inline uint32_t sr_coalesce_alone_frame(uint8_t *frame, const struct sr_hdr_tmpl *t,
					       const uint8_t *line, uint32_t len)
{
	struct sr_batch b = { .buf = frame + t->len };

	sr_batch_append(&b, line, len);
	sr_hdr_write(frame, t, (uint16_t)b.len, sr_payload_sum(b.buf, b.len));
	return t->len + b.len;
}

/* Send the open packets whose time is up (all: every one). */
static inline void sr_coalesce_flush(struct sr_coalescer *co, const struct sr_coalesce_ops *ops,
				     void *ctx, uint64_t now, bool all)
{
	uint32_t s;

	for (s = 0; s < co->n_shards && co->n_open; s++)
		if (co->open[s].pkt && (all || co->open[s].deadline <= now))
			sr_coalesce_send(co, ops, ctx, s);
}

/*
 * One datagram's payload to its shards. Returns true when it left in place
 * (ops->in_place took it); false when its lines were copied (or dropped,
 * each counted) and the datagram itself is done with.
 */
static inline __attribute__((always_inline)) bool
sr_coalesce_datagram(struct sr_coalescer *co, const struct sr_coalesce_ops *ops, void *ctx,
		     const struct sr_payload_cfg *cfg, const uint8_t *payload, uint32_t len,
		     bool one_segment, struct sr_line_ref *refs, uint32_t max_refs,
		     struct sr_counters *c, uint64_t now)
{
	uint32_t pos = 0, i;
	struct sr_scan_result sr = sr_payload_scan(cfg, payload, len, &pos, refs, max_refs, c);

	if (sr.valid && sr.valid == sr.lines && sr.one_shard && pos == len &&
	    len <= co->max_payload && one_segment) {
		if (co->open[refs[0].shard].pkt) /* its copied lines go first */
			sr_coalesce_send(co, ops, ctx, refs[0].shard);
		ops->in_place(ctx, refs[0].shard, sr.valid);
		return true;
	}
	for (;;) {
		for (i = 0; i < sr.valid; i++)
			sr_coalesce_line(co, ops, ctx, payload, &refs[i], c, now);
		if (pos >= len)
			return false;
		sr = sr_payload_scan(cfg, payload, len, &pos, refs, max_refs, c);
	}
}

#endif
