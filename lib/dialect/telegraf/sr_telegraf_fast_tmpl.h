/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of the Telegraf fast path over one mask width, included by
 * sr_telegraf_fast.h twice: 64-bit masks for a line within one block, 128-bit
 * for the rest (text/sr_mask_width.h names the steps of each width). The
 * includer also defines TG_DD_TAGS, what reads a "|#" segment.
 */
/*
 * A "#k:v,bare,k2:v2" segment [s, e). Telegraf's quirks for an empty tag, an
 * empty key, or a bare tag followed by another bare one (which becomes its
 * value) are left to the full parser.
 */
static inline __attribute__((always_inline)) int FM_FN(fast_dd_tags)(struct sr_key_acc *acc,
								     const uint8_t *p, uint32_t s,
								     uint32_t e, const FM_CLS *c)
{
	FM_MASK commas = c->m[SR_CLS_COMMA] & FM_RANGE(s, e);
	uint32_t ps = s;
	bool after_bare = false;

	while (ps < e) {
		uint32_t pe = commas ? FM_FIRST(commas) : e, k;
		FM_MASK colons = c->m[SR_CLS_COLON] & FM_RANGE(ps, pe);

		if (pe == ps)
			return SR_FAST_DECLINED;
		if (colons == 0) {
			if (after_bare)
				return SR_FAST_DECLINED;
			fast_tag(acc, sr_span_of(p + ps, pe - ps), sr_span_of(sr_tg_true, 4));
			after_bare = true;
		} else {
			if ((k = FM_FIRST(colons)) == ps)
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

/* The usual last bit inline: a known type and a plain decimal value; anything
 * else gets sr_tg_check_bit. */
static inline bool FM_FN(fast_bit_ok)(const struct sr_tg_bit *b, const uint8_t *p, const FM_CLS *c)
{
	if (b->fields >= 2 && sr_tg_type(&b->type) && FM_FN(sr_fast_plain_decimal)(p, c, b->value))
		return true;
	return sr_tg_check_bit(b) == SR_OK;
}

/*
 * "name[,k=v...]:value|type[|@rate][:value|type...][|#k:v,...][|c:id]" with
 * no white space, control or non-ASCII byte: a line sr_parse_telegraf would
 * accept, with the key sr_key_hash would give it, hashed as the tags are
 * found, without a byte loop or a tag list. Anything else (events, service
 * checks, Telegraf's tag quirks, a repeated tag key, any reject) is declined
 * and left to the full parser.
 */
static inline __attribute__((always_inline)) int
FM_FN(sr_telegraf_fast)(const uint8_t *p, uint32_t len, const FM_CLS *c, enum sr_key_mode mode,
			uint64_t *key)
{
	struct sr_key_acc acc = { 0 };
	const FM_MASK in = FM_BELOW(len);
	const FM_MASK colons = c->m[SR_CLS_COLON] & in;
	FM_MASK bars = c->m[SR_CLS_BAR] & in, head;
	struct sr_tg_bit b = { .fields = 1 };
	uint32_t bar, colon, s;

	if (bars == 0 || p[0] == '_' || p[0] == '#' || p[0] == ',')
		return SR_FAST_DECLINED;
	bar = FM_FIRST(bars);
	head = colons & FM_BELOW(bar);
	/* a value in the first segment, after a name that is not "c" */
	if (head == 0 || (p[0] == 'c' && p[1] == ':'))
		return SR_FAST_DECLINED;
	colon = FM_FIRST(head);
	if (colon == 0)
		return SR_FAST_DECLINED; /* no name */
	if (FM_SINGLE(head))
		b.value = sr_span_of(p + colon + 1, bar - colon - 1);
	else if (sr_tg_bits_text(&b, p + colon + 1, bar - colon - 1) != SR_OK)
		return SR_FAST_DECLINED;

	/* the later segments: removed ("#tags", "c:id") or fields (type, rate) */
	for (s = bar + 1;; s = bar + 1) {
		uint32_t e;

		bars &= bars - 1;
		e = bars ? FM_FIRST(bars) : len;
		if (e > s && p[s] == '#') {
			if (TG_DD_TAGS(&acc, p, s + 1, e, c) != SR_OK)
				return SR_FAST_DECLINED;
		} else if (e - s < 2 || p[s] != 'c' || p[s + 1] != ':') {
			if (++b.fields == 2)
				b.type = sr_span_of(p + s, e - s);
			/* several values ("1|c:2|c"): each checked as Telegraf does */
			if ((colons & FM_RANGE(s, e)) && sr_tg_bits_text(&b, p + s, e - s) != SR_OK)
				return SR_FAST_DECLINED;
		}
		if (e == len)
			break;
		bar = e;
	}
	if (!FM_FN(fast_bit_ok)(&b, p, c))
		return SR_FAST_DECLINED;

	/* the bucket: the name up to its first ',', then influx tags k=v */
	FM_MASK commas = c->m[SR_CLS_COMMA] & FM_BELOW(colon);
	uint32_t end = commas ? FM_FIRST(commas) : colon;
	const struct sr_span name = sr_span_of(p, end);

	while (commas) {
		uint32_t part = end + 1, eq;
		FM_MASK eqs;

		commas &= commas - 1;
		end = commas ? FM_FIRST(commas) : colon;
		eqs = c->m[SR_CLS_EQ] & FM_RANGE(part, end);
		if (eqs == 0 || (eq = FM_FIRST(eqs)) == part)
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
