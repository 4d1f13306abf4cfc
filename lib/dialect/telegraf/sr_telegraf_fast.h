/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Telegraf dialect's fast path: the common line read from its masks
 * (text/sr_classify.h). Inline so that each build of the scan
 * (statsd/sr_scan_*.c) compiles it with its own instruction set; the rules
 * it mirrors, and the full parser it declines to, are in sr_telegraf.c.
 */
#ifndef SR_TELEGRAF_FAST_H
#define SR_TELEGRAF_FAST_H

#include "dialect/telegraf/sr_telegraf.h"
#include "text/sr_classify.h"
#include "text/sr_number.h"

/* The usual last bit inline: a known type and a plain decimal value, which
 * every type takes; anything else gets sr_tg_check_bit. */
static inline bool fast_bit_ok(const struct sr_tg_bit *b)
{
	if (b->fields >= 2 && sr_tg_type(&b->type) && sr_plain_decimal(b->value.p, b->value.len))
		return true;
	return sr_tg_check_bit(b) == SR_OK;
}

/* One tag into the key as it is found (metric_type is no part of it). */
static inline void fast_tag(struct sr_key_acc *acc, struct sr_span k, struct sr_span v)
{
	if (!sr_is_metric_type(k))
		sr_key_acc_tag(acc, &k, &v);
}

/*
 * A "#k:v,bare,k2:v2" segment [s, e). Telegraf's quirks for an empty tag, an
 * empty key, or a bare tag followed by another bare one (which becomes its
 * value) are left to the full parser.
 */
static inline int fast_dd_tags(struct sr_key_acc *acc, const uint8_t *p, uint32_t s, uint32_t e,
			       const struct sr_cls *c)
{
	sr_mask commas = c->m[SR_CLS_COMMA] & sr_mask_range(s, e);
	uint32_t ps = s;
	bool after_bare = false;

	while (ps < e) {
		uint32_t pe = commas ? sr_mask_first(commas) : e, k;
		sr_mask colons = c->m[SR_CLS_COLON] & sr_mask_range(ps, pe);

		if (pe == ps)
			return SR_FAST_DECLINED;
		if (colons == 0) {
			if (after_bare)
				return SR_FAST_DECLINED;
			fast_tag(acc, sr_span_of(p + ps, pe - ps), sr_span_of(sr_tg_true, 4));
			after_bare = true;
		} else {
			if ((k = sr_mask_first(colons)) == ps)
				return SR_FAST_DECLINED;
			fast_tag(acc, sr_span_of(p + ps, k - ps),
				 k + 1 < pe ? sr_span_of(p + k + 1, pe - k - 1)
					    : sr_span_of(sr_tg_true, 4));
			after_bare = false;
		}
		commas &= commas - 1;
		ps = pe + 1;
	}
	/* "bare," at the end: Telegraf adds the bare tag twice */
	return after_bare && ps == e ? SR_FAST_DECLINED : SR_OK;
}

/*
 * "name[,k=v...]:value|type[|@rate][:value|type...][|#k:v,...][|c:id]" with
 * no white space, control or non-ASCII byte: a line sr_parse_telegraf would
 * accept, with the key sr_key_hash would give it, hashed as the tags are
 * found, without a byte loop or a tag list. Anything else (events, service
 * checks, Telegraf's tag quirks, a repeated tag key, any reject) is declined
 * and left to the full parser.
 */
static inline __attribute__((always_inline)) int sr_telegraf_fast(const uint8_t *p, uint32_t len,
								  const struct sr_cls *c,
								  enum sr_key_mode mode,
								  uint64_t *key)
{
	struct sr_key_acc acc = { 0 };
	const sr_mask in = sr_mask_below(len);
	const sr_mask colons = c->m[SR_CLS_COLON] & in;
	sr_mask bars = c->m[SR_CLS_BAR] & in, head;
	struct sr_tg_bit b = { .fields = 1 };
	uint32_t bar, colon, s;

	if (bars == 0 || p[0] == '_' || p[0] == '#' || p[0] == ',')
		return SR_FAST_DECLINED;
	bar = sr_mask_first(bars);
	head = colons & sr_mask_below(bar);
	/* a value in the first segment, after a name that is not "c" */
	if (head == 0 || (p[0] == 'c' && p[1] == ':'))
		return SR_FAST_DECLINED;
	colon = sr_mask_first(head);
	if (colon == 0)
		return SR_FAST_DECLINED; /* no name */
	if (sr_mask_single(head))
		b.value = sr_span_of(p + colon + 1, bar - colon - 1);
	else if (sr_tg_bits_text(&b, p + colon + 1, bar - colon - 1) != SR_OK)
		return SR_FAST_DECLINED;

	/* the later segments: removed ("#tags", "c:id") or fields (type, rate) */
	for (s = bar + 1;; s = bar + 1) {
		uint32_t e;

		bars &= bars - 1;
		e = bars ? sr_mask_first(bars) : len;
		if (e > s && p[s] == '#') {
			if (fast_dd_tags(&acc, p, s + 1, e, c) != SR_OK)
				return SR_FAST_DECLINED;
		} else if (e - s < 2 || p[s] != 'c' || p[s + 1] != ':') {
			if (++b.fields == 2)
				b.type = sr_span_of(p + s, e - s);
			/* several values ("1|c:2|c"): each checked as Telegraf does */
			if ((colons & sr_mask_range(s, e)) &&
			    sr_tg_bits_text(&b, p + s, e - s) != SR_OK)
				return SR_FAST_DECLINED;
		}
		if (e == len)
			break;
		bar = e;
	}
	if (!fast_bit_ok(&b))
		return SR_FAST_DECLINED;

	/* the bucket: the name up to its first ',', then influx tags k=v */
	sr_mask commas = c->m[SR_CLS_COMMA] & sr_mask_below(colon);
	uint32_t end = commas ? sr_mask_first(commas) : colon;
	const struct sr_span name = sr_span_of(p, end);

	while (commas) {
		uint32_t part = end + 1, eq;
		sr_mask eqs;

		commas &= commas - 1;
		end = commas ? sr_mask_first(commas) : colon;
		eqs = c->m[SR_CLS_EQ] & sr_mask_range(part, end);
		if (eqs == 0 || (eq = sr_mask_first(eqs)) == part)
			continue; /* ignored, as parseName does */
		fast_tag(&acc, sr_span_of(p + part, eq - part),
			 sr_span_of(p + eq + 1, end - eq - 1));
	}
	/* which of two equal keys wins, or too many tags: the full parser's call */
	if (acc.maybe_repeated || acc.live > SR_MAX_TAGS)
		return SR_FAST_DECLINED;
	const uint64_t h = sr_telegraf_name_hash(&name);
	*key = mode == SR_KEY_NAME ? sr_fmix64(h) : sr_key_combine(h, acc.sum, acc.live);
	return SR_OK;
}

#endif
