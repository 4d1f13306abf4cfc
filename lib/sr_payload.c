/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>

#include "sr_line_priv.h"
#include "sr_payload.h"

uint32_t sr_payload_pick_shard(const struct sr_payload_cfg *cfg, const struct sr_line *line,
			       const uint8_t *text, uint32_t len)
{
	const uint8_t *colon;

	if (likely(sr_hash_uses_series_key(cfg->map->mode)))
		return sr_shard_of_hash(cfg->map, sr_key_hash(line, cfg->key_mode));
	/* compatibility modes: their own key, the text before the first ':' */
	colon = sr_find(text, ':', len);
	return sr_shard_of_text(cfg->map, text, colon ? (uint32_t)(colon - text) : len);
}

struct sr_scan_result sr_payload_scan(const struct sr_payload_cfg *cfg, const uint8_t *payload,
				      uint32_t len, uint32_t *pos, struct sr_line_ref *refs,
				      uint32_t max, struct sr_counters *c)
{
	struct sr_scan_result r = { .lines = 0, .valid = 0, .one_shard = true };
	struct sr_line line;
	uint32_t p = *pos;

	while (p < len && r.valid < max) {
		const uint8_t *start = payload + p;
		const uint8_t *nl = memchr(start, '\n', len - p);
		uint32_t n = nl ? (uint32_t)(nl - start) : len - p;
		uint32_t next = p + n + (nl != NULL);
		int rc;

		if (n > 0 && start[n - 1] == '\r')
			n--;
		p = next;
		if (n == 0)
			continue;
		r.lines++;
		rc = sr_line_parse(&cfg->parse, start, n, &line);
		if (rc != SR_OK) {
			c->drops[rc]++;
			continue;
		}
		uint32_t shard = sr_payload_pick_shard(cfg, &line, start, n);
		refs[r.valid] = (struct sr_line_ref){
			.off = (uint32_t)(start - payload), .len = n, .shard = shard
		};
		if (r.valid && shard != refs[0].shard)
			r.one_shard = false;
		r.valid++;
	}
	c->lines_in += r.lines;
	*pos = p;
	return r;
}
