/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The line scan against its reference, for the unit tests and fuzz_line:
 * split on '\n', drop a trailing '\r', skip empty lines, sr_line_parse each,
 * then the mode's shard. Every build of sr_payload_scan the CPU runs must give
 * the same refs and the same counters.
 */
#ifndef SR_TEST_SCAN_CHECK_H
#define SR_TEST_SCAN_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dialect/sr_dialect.h"
#include "statsd/sr_payload.h"

#define SCAN_CHECK_MAX_REFS 9000 /* more than the lines of any payload checked */

struct scan_check {
	uint32_t want;		     /* valid lines by the reference */
	struct sr_counters counters; /* the reference's lines_in and drops */
	unsigned builds;	     /* builds compared */
	enum sr_isa bad;	     /* the first build that differed */
};

static inline uint32_t scan_reference(const struct sr_payload_cfg *cfg, const uint8_t *data,
				      uint32_t len, struct sr_line_ref *refs, struct sr_counters *c)
{
	static struct sr_line l;
	uint32_t p = 0, n_refs = 0;

	while (p < len) {
		const uint8_t *s = data + p, *nl = memchr(s, '\n', len - p);
		uint32_t n = nl ? (uint32_t)(nl - s) : len - p;
		int rc;

		p += n + (nl != NULL);
		if (n && s[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		c->lines_in++;
		rc = sr_line_parse(&cfg->parse, s, n, &l);
		if (rc != SR_OK) {
			c->drops[rc]++;
			continue;
		}
		refs[n_refs++] = (struct sr_line_ref){ (uint32_t)(s - data), n,
						       sr_payload_pick_shard(cfg, &l, s, n) };
	}
	return n_refs;
}

/*
 * Scan data in every build, max refs a call (a small max checks resuming
 * mid-payload), against the reference. False, with out->bad, on a difference.
 * The build in use is restored.
 */
static inline bool scan_check_builds(const struct sr_payload_cfg *cfg, const uint8_t *data,
				     uint32_t len, uint32_t max, struct scan_check *out)
{
	static struct sr_line_ref want[SCAN_CHECK_MAX_REFS], got[SCAN_CHECK_MAX_REFS];
	const enum sr_isa keep = sr_payload_isa();
	bool same = true;
	unsigned isa;

	memset(out, 0, sizeof(*out));
	out->want = scan_reference(cfg, data, len, want, &out->counters);
	for (isa = 0; isa < SR_ISA__COUNT && same; isa++) {
		struct sr_counters gc = { 0 };
		uint32_t pos = 0, ng = 0;

		if (!sr_payload_set_isa((enum sr_isa)isa))
			continue;
		out->builds++;
		while (pos < len)
			ng += sr_payload_scan(cfg, data, len, &pos, got + ng, max, &gc).valid;
		same = ng == out->want && memcmp(got, want, ng * sizeof(want[0])) == 0 &&
		       memcmp(&gc, &out->counters, sizeof(gc)) == 0;
		if (!same)
			out->bad = (enum sr_isa)isa;
	}
	sr_payload_set_isa(keep);
	return same;
}

#endif
