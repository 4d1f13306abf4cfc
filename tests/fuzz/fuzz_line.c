/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the line parser and the series key, every dialect and key
 * mode. Input byte 0 picks dialect and mode; the rest is one line. Checks what
 * must hold for any bytes: spans stay inside the line, the key is the same
 * when computed twice, its text length does not depend on the buffer size.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sr_key.h"
#include "sr_line.h"
#include "sr_number.h"
#include "sr_utf8.h"

static void span_inside(const struct sr_span *s, const uint8_t *p, size_t n)
{
	if (s->len == 0)
		return;
	assert(s->p >= p && s->p + s->len <= p + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sr_line a, b;
	struct sr_parse_cfg cfg;
	enum sr_key_mode mode;
	const uint8_t *line;
	char small[8], big[16384];
	uint32_t n, i;
	int rc;

	if (size < 1 || size > 9000)
		return 0;
	cfg.dialect = (enum sr_dialect)(data[0] % SR_DIALECT__COUNT);
	cfg.max_line = data[0] & 0x80 ? 64 : 8972;
	mode = data[0] & 0x40 ? SR_KEY_NAME : SR_KEY_NAME_TAGS;
	line = data + 1;
	n = (uint32_t)(size - 1);

	(void)sr_go_float_ok(line, n);
	(void)sr_text_check(line, n);
	rc = sr_line_parse(&cfg, line, n, &a);
	assert(rc >= 0 && rc <= SR_DROP__COUNT);
	if (rc != SR_OK) {
		assert(sr_drop_is_line((enum sr_drop)rc));
		return 0;
	}
	span_inside(&a.name, line, n);
	assert(a.n_tags <= SR_MAX_TAGS);
	for (i = 0; i < a.n_tags; i++) {
		if (a.tags[i].key.len)
			span_inside(&a.tags[i].key, line, n);
		/* "true" for valueless tags lives outside the line */
		if (a.tags[i].value.len && a.tags[i].value.p >= line && a.tags[i].value.p < line + n)
			span_inside(&a.tags[i].value, line, n);
	}
	assert(sr_line_parse(&cfg, line, n, &b) == SR_OK);
	assert(sr_key_hash(&a, mode) == sr_key_hash(&b, mode));
	size_t full = sr_key_text(&a, mode, big, sizeof(big));
	assert(sr_key_text(&a, mode, small, sizeof(small)) == full);
	assert(strlen(small) == (full < sizeof(small) ? full : sizeof(small) - 1));
	return 0;
}
