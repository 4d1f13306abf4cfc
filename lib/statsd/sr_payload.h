/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A datagram's payload -> its lines, each validated, keyed and given a shard.
 * The caller decides from the result whether the datagram can leave as it is
 * (every line valid, one shard) or its lines must be copied per shard.
 */
#ifndef SR_PAYLOAD_H
#define SR_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"
#include "shard/sr_shard_map.h"
#include "sr_counters.h"
#include "text/sr_span.h"

struct sr_line_ref {
	uint32_t off; /* from the payload start */
	uint32_t len; /* without the '\n' and a trailing '\r' */
	uint32_t shard;
};

/* Read-only on the workers. */
struct sr_payload_cfg {
	struct sr_parse_cfg parse;
	enum sr_key_mode key_mode;
	const struct sr_shard_map *map;
};

struct sr_scan_result {
	uint32_t lines; /* lines seen (empty ones are no lines) */
	uint32_t valid; /* refs filled */
	bool one_shard; /* every valid line goes to refs[0].shard */
};

/* The compatibility modes' key: the line's text before its first ':'. */
static inline uint32_t sr_shard_of_line_text(const struct sr_shard_map *m, const uint8_t *text,
					     uint32_t len)
{
	const uint8_t *colon = sr_find(text, ':', len);

	return sr_shard_of_text(m, text, colon ? (uint32_t)(colon - text) : len);
}

/* The shard of one valid line: the mode's key rule, then its hash. The
 * compatibility modes key on the text alone: line may then be NULL. (The
 * scan inlines the same two steps.) */
uint32_t sr_payload_pick_shard(const struct sr_payload_cfg *cfg, const struct sr_line *line,
			       const uint8_t *text, uint32_t len);

/* The builds of sr_payload_scan: the best one the CPU runs is picked at start. */
enum sr_isa { SR_ISA_GENERIC, SR_ISA_AVX2, SR_ISA_AVX512, SR_ISA__COUNT };
extern const char *const sr_isa_names[SR_ISA__COUNT];
enum sr_isa sr_payload_isa(void);
/* Use another build (tests, benchmarks); false if absent or the CPU lacks it. */
bool sr_payload_set_isa(enum sr_isa isa);

#define SR_SCAN_DECLARE(name)                                                                      \
	void name(const struct sr_payload_cfg *cfg, const uint8_t *payload, uint32_t len,          \
		  uint32_t *pos, struct sr_line_ref *refs, uint32_t max, struct sr_counters *c,    \
		  struct sr_scan_result *out)
typedef SR_SCAN_DECLARE(sr_scan_fn);
SR_SCAN_DECLARE(sr_payload_scan_generic);
SR_SCAN_DECLARE(sr_payload_scan_avx2);
SR_SCAN_DECLARE(sr_payload_scan_avx512);
extern sr_scan_fn *sr_payload_scan_build; /* the build in use */

/*
 * Scan payload[*pos..len) until its end or until max valid lines were stored.
 * Counts lines_in and each rejected line's reason in *c. Advances *pos past
 * the lines consumed. Call again while *pos < len.
 * (Inline around an out-parameter: a small struct returned from the build's
 * stack would be read back whole after field-wise stores, a forwarding stall.)
 */
static inline struct sr_scan_result sr_payload_scan(const struct sr_payload_cfg *cfg,
						    const uint8_t *payload, uint32_t len,
						    uint32_t *pos, struct sr_line_ref *refs,
						    uint32_t max, struct sr_counters *c)
{
	struct sr_scan_result r;

	sr_payload_scan_build(cfg, payload, len, pos, refs, max, c, &r);
	return r;
}

#endif
