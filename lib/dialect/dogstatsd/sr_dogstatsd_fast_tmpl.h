/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of the DogStatsD fast path over one mask width, included by
 * sr_dogstatsd_fast.h once per width (text/sr_mask_width.h).
 */

/*
 * A "|#a,b:c,host:h" segment [s, e): each comma-separated string is one tag,
 * empty ones too; "host:" is the key of a host tag (the last one wins). The
 * last tag field of a line wins: the set starts over. Origin tags
 * ("dd.internal.") and more than SR_MAX_TAGS tags are the full parser's.
 */
static inline __attribute__((always_inline)) int FM_FN(dd_fast_tags)(struct sr_key_acc *acc,
								     const uint8_t *p, uint32_t s,
								     uint32_t e, const FM_CLS *c)
{
	FM_MASK commas = c->m[SR_CLS_COMMA] & FM_RANGE(s, e);

	*acc = (struct sr_key_acc){ 0 };
	if (s == e)
		return SR_OK;
	for (;;) {
		const uint32_t te = commas ? FM_FIRST(commas) : e;
		struct sr_span t = sr_span_of(p + s, te - s), v;

		if (t.len >= 5 && memcmp(t.p, "host:", 5) == 0) {
			v = sr_span_of(t.p + 5, t.len - 5);
			t.len = 5;
		} else if (t.len >= 12 && t.p[0] == 'd' && memcmp(t.p, "dd.internal.", 12) == 0) {
			return SR_FAST_DECLINED;
		} else {
			v = sr_span_of(t.p + t.len, 0);
		}
		sr_key_acc_tag(acc, &t, &v);
		if (commas == 0)
			return acc->live > SR_MAX_TAGS ? SR_FAST_DECLINED : SR_OK;
		commas &= commas - 1;
		s = te + 1;
	}
}

/*
 * "name:value|type[|@rate][|#tags][|c:...]..." with no white space, control
 * or non-ASCII byte: a metric sr_parse_dogstatsd would accept, with the key
 * sr_line_key_hash would give it, hashed as the tags are found. Events and
 * service checks (a leading '_'), packed or non-plain values and rates,
 * timestamps, origin tags, a repeated tag and every reject are declined.
 */
static inline __attribute__((always_inline)) int
FM_FN(sr_dogstatsd_fast)(const uint8_t *p, uint32_t len, const FM_CLS *c, enum sr_key_mode mode,
			 uint64_t *key)
{
	struct sr_key_acc acc = { 0 };
	FM_MASK bars = c->m[SR_CLS_BAR] & FM_BELOW(len), head;
	uint32_t bar, colon, s, e;
	struct sr_span type, name;
	uint64_t h;

	if (bars == 0 || p[0] == '_')
		return SR_FAST_DECLINED;
	bar = FM_FIRST(bars);
	head = c->m[SR_CLS_COLON] & FM_BELOW(bar);
	if (head == 0 || (colon = FM_FIRST(head)) == 0 || colon + 1 == bar)
		return SR_FAST_DECLINED; /* no value, no name, an empty value */
	bars &= bars - 1;
	e = bars ? FM_FIRST(bars) : len;
	type = sr_span_of(p + bar + 1, e - bar - 1);
	if (!sr_dd_known_type(type))
		return SR_FAST_DECLINED;
	/* a set takes any value; the others a number (packed ones declined) */
	if (!(type.len == 1 && type.p[0] == 's') &&
	    !FM_FN(sr_fast_plain_decimal)(p, c, sr_span_of(p + colon + 1, bar - colon - 1)))
		return SR_FAST_DECLINED;
	while (e < len) {
		s = e + 1;
		bars &= bars - 1;
		e = bars ? FM_FIRST(bars) : len;
		if (e == s)
			continue;
		if (p[s] == '#') {
			if (FM_FN(dd_fast_tags)(&acc, p, s + 1, e, c) != SR_OK)
				return SR_FAST_DECLINED;
		} else if (p[s] == '@') {
			if (!FM_FN(sr_fast_plain_decimal)(p, c, sr_span_of(p + s + 1, e - s - 1)))
				return SR_FAST_DECLINED;
		} else if (p[s] == 'T') {
			return SR_FAST_DECLINED;
		} /* c:, e:, card: and unknown fields are ignored */
	}
	if (acc.maybe_repeated)
		return SR_FAST_DECLINED; /* which tags the set keeps: the full parser's call */
	name = sr_span_of(p, colon);
	h = sr_key_name_hash(&name, 0, 0);
	*key = mode == SR_KEY_NAME ? sr_fmix64(h) : sr_key_combine(h, acc.sum, acc.live);
	return SR_OK;
}
