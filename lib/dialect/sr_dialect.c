/* SPDX-License-Identifier: BSD-3-Clause */
#include "dialect/sr_dialect.h"
#include "text/sr_utf8.h"

const struct sr_dialect_ops *const sr_dialects[SR_DIALECT__COUNT] = {
	[SR_DIALECT_TELEGRAF] = &sr_telegraf_ops,
	[SR_DIALECT_DOGSTATSD] = &sr_dogstatsd_ops,
	[SR_DIALECT_ETSY] = &sr_etsy_ops,
};

int sr_line_parse_clean(const struct sr_parse_cfg *cfg, const uint8_t *p, uint32_t len,
			struct sr_line *out)
{
	out->dialect = cfg->dialect;
	out->kind = SR_LINE_METRIC;
	out->n_tags = 0;
	return sr_dialects[cfg->dialect]->parse(p, len, out);
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
