/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "sr_line_priv.h"
#include "sr_utf8.h"

const char *const sr_dialect_names[SR_DIALECT__COUNT] = {
	[SR_DIALECT_TELEGRAF] = "telegraf",
	[SR_DIALECT_DOGSTATSD] = "dogstatsd",
	[SR_DIALECT_ETSY] = "etsy",
};

uint32_t sr_space_len_slow(const uint8_t *p, uint32_t n, bool at_end)
{
	static const uint8_t spaces[][3] = {
		{ 0xc2, 0x85 },	      { 0xc2, 0xa0 },	    { 0xe1, 0x9a, 0x80 }, { 0xe2, 0x80, 0xa8 },
		{ 0xe2, 0x80, 0xa9 }, { 0xe2, 0x80, 0xaf }, { 0xe2, 0x81, 0x9f }, { 0xe3, 0x80, 0x80 },
	};
	const uint8_t *q;
	unsigned i;

	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		uint32_t l = spaces[i][2] ? 3 : 2;
		if (n >= l && memcmp(at_end ? p + n - l : p, spaces[i], l) == 0)
			return l;
	}
	if (n < 3)
		return 0;
	q = at_end ? p + n - 3 : p; /* U+2000..U+200A */
	return q[0] == 0xe2 && q[1] == 0x80 && q[2] >= 0x80 && q[2] <= 0x8a ? 3 : 0;
}

bool sr_go_int(const uint8_t *s, uint32_t n, int64_t *v)
{
	uint64_t x = 0, limit;
	uint32_t i = 0;
	bool neg = false;

	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (x > (limit - (uint64_t)(s[i] - '0')) / 10)
			return false; /* out of range */
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}

int sr_line_parse_clean(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
			struct sr_line *out)
{
	out->kind = SR_LINE_METRIC;
	out->name_style = SR_NAME_RAW;
	out->n_tags = 0;
	switch (cfg->dialect) {
	case SR_DIALECT_DOGSTATSD:
		return sr_parse_dogstatsd(p, len, out);
	case SR_DIALECT_ETSY:
		return sr_parse_etsy(p, len, out);
	case SR_DIALECT_TELEGRAF:
	default:
		return sr_parse_telegraf(p, len, out);
	}
}

int sr_line_parse(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
		  struct sr_line *out)
{
	int rc;

	if (len > cfg->max_line)
		return SR_DROP_LINE_TOO_LONG;
	rc = sr_text_check(p, len);
	if (rc != SR_OK)
		return rc;
	return sr_line_parse_clean(cfg, p, len, out);
}
