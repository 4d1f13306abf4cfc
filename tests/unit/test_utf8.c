/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_text_check: no ASCII control byte, well-formed UTF-8 (RFC 3629).
 * Every input is passed in an exactly-sized heap buffer so that a read past
 * the end is caught by ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#include "sr_counters.h"
#include "text/sr_utf8.h"

#define CTRL SR_DROP_LINE_CONTROL_CHAR
#define BAD SR_DROP_LINE_BAD_UTF8

/* sr_text_check over a copy of src[0..len) that ends exactly at the heap block's end. */
static int check_at(const void *src, uint32_t len, uint32_t misalign)
{
	uint8_t *block = malloc(misalign + len + 1); /* +1: malloc(0) may be NULL */
	uint8_t *p;
	int rc;

	assert_non_null(block);
	/* Shift so that the copy ends at the block's last usable byte... */
	p = block + 1 + misalign;
	memcpy(p, src, len);
	rc = sr_text_check(p, len);
	free(block);
	return rc;
}

static int check(const void *src, uint32_t len)
{
	return check_at(src, len, 0);
}

static int check_str(const char *s)
{
	return check(s, (uint32_t)strlen(s));
}

/*
 * Independent reference: decode by RFC 3629 (code point value, shortest form,
 * no surrogates, <= U+10FFFF); any control byte anywhere wins.
 */
static int ref_check(const uint8_t *p, uint32_t len)
{
	uint32_t i;
	int bad = 0;

	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return CTRL;
	i = 0;
	while (i < len) {
		uint8_t c = p[i];
		uint32_t need, cp, min, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			bad = 1; /* continuation byte or F8..FF */
			i++;
			continue;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			bad = 1;
			i++; /* resynchronise on the next byte */
			continue;
		}
		i += need + 1;
	}
	return bad ? BAD : SR_OK;
}

SR_TEST_RNG(0x9e3779b97f4a7c15ull)

/* --- ASCII --- */

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(check("", 0), SR_OK);
}

static void test_ascii_all_lengths_and_alignments(void **state)
{
	uint8_t buf[40];
	uint32_t len, off, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x20 + (i * 7) % 95); /* printable, ' ' .. '~' */
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 40; len++)
			assert_int_equal(check_at(buf, len, off), SR_OK);
}

static void test_every_printable_ascii_byte(void **state)
{
	uint8_t buf[24];
	int c;

	(void)state;
	for (c = 0x20; c < 0x7f; c++) {
		memset(buf, 'a', sizeof(buf));
		assert_int_equal(check(&(uint8_t){ (uint8_t)c }, 1), SR_OK);
		buf[11] = (uint8_t)c;
		assert_int_equal(check(buf, sizeof(buf)), SR_OK);
	}
}

/* One odd byte at every position of every length 1..40, at every alignment. */
static void test_single_odd_byte_everywhere(void **state)
{
	static const struct {
		uint8_t byte;
		int want;
	} odd[] = { { 0x00, CTRL }, { 0x01, CTRL }, { 0x09, CTRL }, { 0x0a, CTRL }, { 0x0d, CTRL },
		    { 0x1f, CTRL }, { 0x7f, CTRL }, { 0x80, BAD },  { 0xbf, BAD },  { 0xc2, BAD },
		    { 0xe2, BAD },  { 0xf0, BAD },  { 0xff, BAD } };
	uint8_t buf[40];
	uint32_t len, pos, off, k;

	(void)state;
	for (k = 0; k < sizeof(odd) / sizeof(odd[0]); k++)
		for (len = 1; len <= 40; len++)
			for (pos = 0; pos < len; pos++)
				for (off = 0; off < 8; off += 3) {
					memset(buf, 'x', sizeof(buf));
					buf[pos] = odd[k].byte;
					if (check_at(buf, len, off) != odd[k].want)
						fail_msg("byte %02x at %u of %u (misalign %u)",
							 odd[k].byte, pos, len, off);
				}
}

/* --- control bytes --- */

static void test_every_control_byte(void **state)
{
	uint8_t line[] = "gorets:1|c|#host:a";
	uint32_t n = sizeof(line) - 1, pos;
	int c;

	(void)state;
	for (c = 0; c <= 0x80; c++) {
		if (c == 0x20)
			c = 0x7f; /* 0x00..0x1f, then 0x7f */
		if (c == 0x80)
			break;
		assert_int_equal(check(&(uint8_t){ (uint8_t)c }, 1), CTRL);
		for (pos = 0; pos < n; pos++) {
			uint8_t copy[sizeof(line)];
			memcpy(copy, line, sizeof(line));
			copy[pos] = (uint8_t)c;
			assert_int_equal(check(copy, n), CTRL);
		}
	}
}

static void test_control_beats_bad_utf8(void **state)
{
	(void)state;
	/* Bad UTF-8 first, control later (in the slow path and after a fast word). */
	assert_int_equal(check_str("\xff"
				   "abc\t"),
			 CTRL);
	assert_int_equal(check_str("\xc0\x80 0123456789abcdef\x7f"), CTRL);
	assert_int_equal(check_str("0123456789abcdef\xed\xa0\x80 xyz\x01"), CTRL);
	/* Control first, bad UTF-8 later. */
	assert_int_equal(check_str("\r"
				   "abc\xff"),
			 CTRL);
	/* A control byte where a continuation byte should be. */
	assert_int_equal(check_str("\xe2\x0a"), CTRL);
	assert_int_equal(check_str("\xf0\x9f\x98\x09"), CTRL);
	assert_int_equal(check_str("\xc3\x7f"), CTRL);
	/* NUL inside otherwise valid multibyte text. */
	assert_int_equal(check("\xc3\xa9\x00\xc3\xa9", 5), CTRL);
	/* Lone continuation, F5, and a DEL at the very end. */
	assert_int_equal(check_str("\x80\xf5 0123456789\x7f"), CTRL);
}

/* --- valid UTF-8 --- */

static const char *const valid_seqs[] = {
	"\xc2\x80",	    /* U+0080, smallest 2-byte */
	"\xc3\xa9",	    /* é */
	"\xdf\xbf",	    /* U+07FF, largest 2-byte */
	"\xe0\xa0\x80",	    /* U+0800, smallest 3-byte */
	"\xe2\x82\xac",	    /* € */
	"\xed\x9f\xbf",	    /* U+D7FF, just below the surrogates */
	"\xee\x80\x80",	    /* U+E000, just above them */
	"\xef\xbf\xbd",	    /* U+FFFD */
	"\xef\xbf\xbf",	    /* U+FFFF */
	"\xf0\x90\x80\x80", /* U+10000, smallest 4-byte */
	"\xf0\x9f\x98\x80", /* 😀 */
	"\xf3\xbf\xbf\xbf", /* U+FFFFF */
	"\xf4\x8f\xbf\xbf", /* U+10FFFF, the last code point */
};

static void test_valid_sequences(void **state)
{
	uint8_t buf[48];
	size_t k;
	uint32_t pre, n;

	(void)state;
	for (k = 0; k < sizeof(valid_seqs) / sizeof(valid_seqs[0]); k++) {
		n = (uint32_t)strlen(valid_seqs[k]);
		assert_int_equal(check(valid_seqs[k], n), SR_OK);
		/* After 0..20 ASCII bytes (every word alignment), ending the buffer or not. */
		for (pre = 0; pre <= 20; pre++) {
			memset(buf, 'm', sizeof(buf));
			memcpy(buf + pre, valid_seqs[k], n);
			if (check(buf, pre + n) != SR_OK)
				fail_msg("sequence %zu after %u ASCII bytes, at the end", k, pre);
			if (check(buf, pre + n + 3) != SR_OK)
				fail_msg("sequence %zu after %u ASCII bytes", k, pre);
		}
	}
	/* Mixed text. */
	assert_int_equal(
		check_str("m\xc3\xa9trique.\xe6\x8c\x87\xe6\xa0\x87:1|c|#emoji:\xf0\x9f\x98\x80"),
		SR_OK);
	/* Many multibyte characters in a row (no fast path at all). */
	memset(buf, 0, sizeof(buf));
	for (n = 0; n + 2 <= sizeof(buf); n += 2)
		memcpy(buf + n, "\xc3\xa9", 2);
	assert_int_equal(check(buf, n), SR_OK);
}

/* --- invalid UTF-8 --- */

static void test_invalid_sequences(void **state)
{
	static const char *const bad[] = {
		"\xc0\x80",		    /* overlong NUL */
		"\xc0\xaf",		    /* overlong '/' */
		"\xc1\xbf",		    /* overlong U+007F */
		"\xe0\x80\x80",		    /* overlong 3-byte */
		"\xe0\x9f\xbf",		    /* overlong U+07FF */
		"\xf0\x80\x80\x80",	    /* overlong 4-byte */
		"\xf0\x8f\xbf\xbf",	    /* overlong U+FFFF */
		"\xed\xa0\x80",		    /* U+D800, surrogate */
		"\xed\xbf\xbf",		    /* U+DFFF, surrogate */
		"\xed\xa0\x80\xed\xb0\x80", /* CESU-8 surrogate pair */
		"\xf4\x90\x80\x80",	    /* U+110000 */
		"\xf4\xbf\xbf\xbf",
		"\xf5\x80\x80\x80",
		"\xf7\xbf\xbf\xbf",
		"\xf8\x88\x80\x80\x80",
		"\xfc\x84\x80\x80\x80\x80",
		"\xf5",
		"\xf6",
		"\xf7",
		"\xf8",
		"\xf9",
		"\xfa",
		"\xfb",
		"\xfc",
		"\xfd",
		"\xfe",
		"\xff",
		"\x80",
		"\xbf",
		"\x80\x80",
		"\xbf\xbf\xbf\xbf", /* continuation bytes alone */
		"\xc3\xa9\xa9",	    /* one continuation byte too many */
		"\xc2\x41",	    /* lead byte followed by ASCII */
		"\xe2\x82\x41",	    /* 3-byte cut by ASCII */
		"\xf0\x9f\x98\x41", /* 4-byte cut by ASCII */
		"\xe2\xc3\xa9",	    /* lead byte followed by another lead */
		"\xe2\x82",	    /* truncated at the end of the buffer */
		"\xf0\x9f\x98",	    /* truncated at the end */
		"\xf0\x9f",	    /* truncated at the end */
		"\xc3",		    /* truncated at the end */
		"\xe2",		    /* truncated at the end */
		"\xf0",		    /* truncated at the end */
	};
	uint8_t buf[48];
	size_t k;
	uint32_t pre, n;

	(void)state;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		n = (uint32_t)strlen(bad[k]);
		if (check(bad[k], n) != BAD)
			fail_msg("bad sequence %zu accepted", k);
		for (pre = 0; pre <= 20; pre++) {
			memset(buf, 'm', sizeof(buf));
			memcpy(buf + pre, bad[k], n);
			/* at the very end of the buffer, then followed by ASCII */
			if (check(buf, pre + n) != BAD)
				fail_msg("bad sequence %zu after %u ASCII bytes, at the end", k,
					 pre);
			if (check(buf, pre + n + 9) != BAD)
				fail_msg("bad sequence %zu after %u ASCII bytes", k, pre);
		}
	}
}

/* Every truncation of a valid multibyte character at the end of the buffer. */
static void test_truncated_at_end(void **state)
{
	uint8_t buf[32];
	size_t k;
	uint32_t n, cut, pre;

	(void)state;
	for (k = 0; k < sizeof(valid_seqs) / sizeof(valid_seqs[0]); k++) {
		n = (uint32_t)strlen(valid_seqs[k]);
		for (cut = 1; cut < n; cut++)
			for (pre = 0; pre < 12; pre++) {
				memset(buf, 'z', sizeof(buf));
				memcpy(buf + pre, valid_seqs[k], cut);
				assert_int_equal(check(buf, pre + cut), BAD);
			}
	}
}

/* --- against the reference --- */

static void test_exhaustive_one_and_two_bytes(void **state)
{
	uint8_t b[2];
	uint32_t x;

	(void)state;
	for (x = 0; x < 256; x++) {
		b[0] = (uint8_t)x;
		assert_int_equal(check(b, 1), ref_check(b, 1));
	}
	for (x = 0; x < 65536; x++) {
		b[0] = (uint8_t)(x >> 8);
		b[1] = (uint8_t)x;
		if (check(b, 2) != ref_check(b, 2))
			fail_msg("%02x %02x: got %d, want %d", b[0], b[1], check(b, 2),
				 ref_check(b, 2));
	}
}

/* All 3-byte inputs that start with a multibyte lead byte (one exact buffer). */
static void test_exhaustive_three_bytes(void **state)
{
	uint8_t *b = malloc(3);
	uint32_t x;

	(void)state;
	assert_non_null(b);
	for (x = 0xc00000; x <= 0xffffff; x++) {
		b[0] = (uint8_t)(x >> 16);
		b[1] = (uint8_t)(x >> 8);
		b[2] = (uint8_t)x;
		int got = sr_text_check(b, 3), want = ref_check(b, 3);
		if (got != want) {
			free(b);
			fail_msg("%06x: got %d, want %d", x, got, want);
		}
	}
	free(b);
}

/* All 4-byte sequences F0..F4 xx yy zz with xx, yy, zz near the continuation range. */
static void test_exhaustive_four_byte_leads(void **state)
{
	static const uint8_t cont[] = { 0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90,
					0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff };
	uint8_t *b = malloc(4);
	uint32_t lead, i, j, k, n = sizeof(cont);

	(void)state;
	assert_non_null(b);
	for (lead = 0xe0; lead <= 0xff; lead++)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				for (k = 0; k < n; k++) {
					b[0] = (uint8_t)lead;
					b[1] = cont[i];
					b[2] = cont[j];
					b[3] = cont[k];
					if (sr_text_check(b, 4) != ref_check(b, 4)) {
						/* b is freed below: report from the loop variables
						 */
						free(b);
						fail_msg("%02x %02x %02x %02x", lead, cont[i],
							 cont[j], cont[k]);
					}
				}
	free(b);
}

/* Random mixes of ASCII runs, valid characters, broken pieces and controls. */
static void test_random_against_reference(void **state)
{
	uint8_t buf[96];
	uint32_t iter;

	(void)state;
	for (iter = 0; iter < 200000; iter++) {
		uint32_t n = 0, target = (uint32_t)(rnd() % 80);
		while (n < target) {
			uint64_t r = rnd();
			switch (r % 8) {
			case 0:
			case 1:
			case 2: { /* an ASCII run: exercises the 8-byte path */
				uint32_t run = (uint32_t)(r >> 8) % 12;
				while (run-- && n < target)
					buf[n++] = (uint8_t)('a' + (r >> 16) % 26);
				break;
			}
			case 3:
			case 4: { /* a valid character */
				const char *s = valid_seqs[(r >> 8) % (sizeof(valid_seqs) /
								       sizeof(valid_seqs[0]))];
				uint32_t l = (uint32_t)strlen(s);
				if (n + l <= sizeof(buf)) {
					memcpy(buf + n, s, l);
					n += l;
				} else {
					n = target;
				}
				break;
			}
			case 5: /* any high byte */
				buf[n++] = (uint8_t)(0x80 | (r >> 8));
				break;
			case 6: /* continuation byte */
				buf[n++] = (uint8_t)(0x80 | ((r >> 8) & 0x3f));
				break;
			default: /* rarely a control byte, else any byte */
				buf[n++] = (r >> 8) % 16 == 0 ? (uint8_t)((r >> 16) % 32)
							      : (uint8_t)(r >> 24);
				break;
			}
		}
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (check_at(buf, n, (uint32_t)(rnd() % 8)) != ref_check(buf, n))
			fail_msg("iteration %u: length %u", iter, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_ascii_all_lengths_and_alignments),
		cmocka_unit_test(test_every_printable_ascii_byte),
		cmocka_unit_test(test_single_odd_byte_everywhere),
		cmocka_unit_test(test_every_control_byte),
		cmocka_unit_test(test_control_beats_bad_utf8),
		cmocka_unit_test(test_valid_sequences),
		cmocka_unit_test(test_invalid_sequences),
		cmocka_unit_test(test_truncated_at_end),
		cmocka_unit_test(test_exhaustive_one_and_two_bytes),
		cmocka_unit_test(test_exhaustive_three_bytes),
		cmocka_unit_test(test_exhaustive_four_byte_leads),
		cmocka_unit_test(test_random_against_reference),
	};

	return cmocka_run_group_tests_name("sr_utf8", tests, NULL, NULL);
}
