/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_go_float_ok must say yes exactly when Go's strconv.ParseFloat(s, 64)
 * returns err == nil. Expected values follow Go's strconv (atof.go and its
 * atof_test.go cases); a port of Go's syntax rules (special, readFloat,
 * underscoreOK) plus a range check is the reference for random inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "test_util.h"

#include "text/sr_number.h"

/* The number in an exactly-sized heap buffer: a read past its end is caught. */
static bool go_ok_n(const char *s, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	bool r;

	assert_non_null(p);
	memcpy(p, s, n);
	r = sr_go_float_ok(p, (uint32_t)n);
	free(p);
	return r;
}

static bool go_ok(const char *s)
{
	return go_ok_n(s, strlen(s));
}

struct num_case {
	const char *s;
	bool ok;
};

static void run_cases(const struct num_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (go_ok(c[i].s) != c[i].ok)
			fail_msg("\"%s\": want %s", c[i].s, c[i].ok ? "ok" : "error");
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* --- a port of Go's rules, for the random comparison --- */

static int go_lower(int c)
{
	return c | ('x' - 'X');
}

static size_t prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t i, m = strlen(prefix);

	if (m > n)
		m = n;
	for (i = 0; i < m; i++) {
		int c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != prefix[i])
			return i;
	}
	return m;
}

/* strconv.special: how many bytes an inf/nan prefix takes, 0 if none. */
static size_t go_special(const char *s, size_t n)
{
	size_t sign = 0, k;

	if (n == 0)
		return 0;
	switch (s[0]) {
	case '+':
	case '-':
		sign = 1;
		s++;
		n--;
		/* fallthrough */
	case 'i':
	case 'I':
		k = prefix_ci(s, n, "infinity");
		if (k > 3 && k < 8)
			k = 3;
		if (k == 3 || k == 8)
			return sign + k;
		return 0;
	case 'n':
	case 'N':
		return prefix_ci(s, n, "nan") == 3 ? 3 : 0;
	}
	return 0;
}

static bool go_underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;

	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' &&
	    (go_lower(s[1]) == 'b' || go_lower(s[1]) == 'o' || go_lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = go_lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') ||
		    (hex && go_lower(s[i]) >= 'a' && go_lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.readFloat's syntax: returns the bytes taken, or 0 on a syntax error. */
static size_t go_read_float(const char *s, size_t n)
{
	size_t i = 0;
	bool underscores = false, sawdot = false, sawdigits = false, hex = false;
	int exp_char = 'e';

	if (n == 0)
		return 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (i + 2 < n && s[i] == '0' && go_lower(s[i + 1]) == 'x') {
		hex = true;
		exp_char = 'p';
		i += 2;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '_') {
			underscores = true;
			continue;
		}
		if (c == '.') {
			if (sawdot)
				break;
			sawdot = true;
			continue;
		}
		if ((c >= '0' && c <= '9') || (hex && go_lower(c) >= 'a' && go_lower(c) <= 'f')) {
			sawdigits = true;
			continue;
		}
		break;
	}
	if (!sawdigits)
		return 0;
	if (i < n && go_lower(s[i]) == exp_char) {
		i++;
		if (i >= n)
			return 0;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			if (s[i] == '_')
				underscores = true;
	} else if (hex) {
		return 0; /* a hex mantissa needs its 'p' exponent */
	}
	if (underscores && !go_underscore_ok(s, i))
		return 0;
	return i;
}

static bool go_reference(const char *s, size_t n)
{
	size_t k = go_special(s, n), i, j = 0;
	char *buf;
	double v;

	if (k)
		return k == n;
	if (n == 0 || go_read_float(s, n) != n) /* 0 from go_read_float: a syntax error */
		return false;
	/* Syntax is fine: an error only when a finite number rounds to infinity. */
	buf = malloc(n + 1);
	assert_non_null(buf);
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			buf[j++] = s[i];
	buf[j] = '\0';
	v = strtod(buf, NULL);
	free(buf);
	return !isinf(v);
}

SR_TEST_RNG(0x2545f4914f6cdd1dull)

/* --- the cases --- */

static void test_brief_cases(void **state)
{
	static const struct num_case cases[] = {
		{ "1", true },	    { "-1", true },	{ "+1", true },	       { "1.5", true },
		{ ".5", true },	    { "5.", true },	{ "1e3", true },       { "1E+3", true },
		{ "1e-3", true },   { "1e400", false }, { "-1e400", false },   { "1e-400", true },
		{ "inf", true },    { "+Inf", true },	{ "-infinity", true }, { "INFINITY", true },
		{ "nan", true },    { "NaN", true },	{ "+nan", false },     { "infin", false },
		{ "1_000", true },  { "1__0", false },	{ "_1", false },       { "1_", false },
		{ "0x1p-2", true }, { "0x10", false },	{ "0x", false },       { "0x1.8p1", true },
		{ "1e", false },    { "e5", false },	{ "", false },	       { " 1", false },
		{ "1 ", false },    { "1.2.3", false }, { "--1", false },
	};

	(void)state;
	RUN(cases);
}

static void test_decimal(void **state)
{
	static const struct num_case cases[] = {
		{ "0", true },
		{ "-0", true },
		{ "+0", true },
		{ "00", true },
		{ "007", true },
		{ "0.0", true },
		{ "-.5", true },
		{ "+.5", true },
		{ "-5.", true },
		{ "123456700", true },
		{ "1e23", true },
		{ "1E23", true },
		{ "100000000000000000000000", true },
		{ "99999999999999974834176", true },
		{ "1e-100", true },
		{ "625e-3", true },
		{ "1.5e3", true },
		{ "1.5E-3", true },
		{ "1e+0", true },
		{ "1e-0", true },
		{ "1e007", true },
		{ "2.2250738585072012e-308", true },
		{ "4.9e-324", true },
		{ "2e-324", true }, /* rounds to 0: no error */
		{ "1e-350", true },
		{ "1e-4294967296", true },
		{ "1e-18446744073709551616", true },
		{ "0e400", true },
		{ "0e99999999999999999999", true },
		{ "1e308", true },
		{ "1.7976931348623157e308", true },
		{ "-1.7976931348623157e308", true },
		{ "1.7976931348623158e308", true }, /* still rounds to the largest double */
		{ "1.7976931348623159e308", false },
		{ "2e308", false },
		{ "1e309", false },
		{ "-1e309", false },
		{ "1e+4294967296", false },
		{ "1e+18446744073709551616", false },
		{ ".", false },
		{ "+", false },
		{ "-", false },
		{ "+.", false },
		{ ".e1", false },
		{ "+e1", false },
		{ "1e+", false },
		{ "1e-", false },
		{ "1e+-1", false },
		{ "1e1.5", false },
		{ "1.e", false },
		{ "1x", false },
		{ "1.1.", false },
		{ "1,5", false },
		{ "1d", false },
		{ "1f", false },
		{ "1e100x", false },
		{ "++1", false },
		{ "+-1", false },
		{ "1-", false },
		{ "\t1", false },
		{ "1\n", false },
		{ "0b101", false }, /* no binary floats in Go */
		{ "0o17", false },
		{ "1p2", false },
	};

	(void)state;
	RUN(cases);
	/* A NUL inside the number is a byte like any other. */
	assert_false(go_ok_n("1\0.2", 4));
	assert_false(go_ok_n("1\0", 2));
	assert_true(go_ok_n("12", 2));
	assert_true(go_ok_n("1.5xyz", 3)); /* only the n bytes count */
}

static void test_hex(void **state)
{
	static const struct num_case cases[] = {
		{ "0x1p0", true },
		{ "0x1p1", true },
		{ "0x1p-1", true },
		{ "0x1ep-1", true },
		{ "-0x1ep-1", true },
		{ "0X1P-2", true },
		{ "0x1p-200", true },
		{ "0x1p200", true },
		{ "0x1fFe2.p0", true },
		{ "0x1fFe2.P0", true },
		{ "-0x2p3", true },
		{ "0x0.fp4", true },
		{ "0x0.fp0", true },
		{ "0x.8p1", true },
		{ "0x1.p1", true },
		{ "+0x1p1", true },
		{ "0x1p+1", true },
		{ "0x0p5000", true },
		{ "0x1p-5000", true },
		{ "0x1p1023", true },
		{ "0x1.fffffffffffffp1023", true },
		{ "0x1p1024", false },
		{ "0x2p1023", false },
		{ "0x.1p1028", false },
		{ "0x.2p1027", false },
		{ "0x1.fffffffffffff8p1023", false },
		{ "0x1", false },
		{ "0x1e2", false }, /* 'e' is a hex digit: no exponent */
		{ "0x1.8", false },
		{ "0xp1", false },
		{ "0x.p1", false },
		{ "0x1p", false },
		{ "0x1p+", false },
		{ "0x1pa", false },
		{ "0x1e", false },
		{ "0xg", false },
		{ "0x1p1.5", false },
		{ "0x1P-2.", false },
		{ "x1p1", false },
		{ "00x1p1", false },
	};

	(void)state;
	RUN(cases);
}

static void test_inf_nan(void **state)
{
	static const struct num_case cases[] = {
		{ "inf", true },      { "Inf", true },	      { "INF", true },
		{ "iNf", true },      { "+inf", true },	      { "-inf", true },
		{ "-Inf", true },     { "+INF", true },	      { "infinity", true },
		{ "Infinity", true }, { "+INFINITY", true },  { "-Infinity", true },
		{ "nan", true },      { "NAN", true },	      { "nAn", true },
		{ "-nan", false },    { "+NaN", false },      { "nan1", false },
		{ "nana", false },    { "na", false },	      { "n", false },
		{ "i", false },	      { "in", false },	      { "infx", false },
		{ "infinit", false }, { "infinityy", false }, { "inff", false },
		{ "-in", false },     { "+-inf", false },     { "--inf", false },
		{ " inf", false },    { "inf ", false },      { "infinity1", false },
		{ "1inf", false },    { "i nf", false },      { "nan.", false },
	};

	(void)state;
	RUN(cases);
}

static void test_underscores(void **state)
{
	static const struct num_case cases[] = {
		{ "1_000", true },
		{ "1_000_000.000_1", true },
		{ "1_23.50_0_0e+1_2", true },
		{ "0_1", true },
		{ "-1_0", true },
		{ "1e1_0", true },
		{ "0x_1p0", true },
		{ "0x_1_2.3_4_5p+1_2", true },
		{ "-_123.5e+12", false },
		{ "+_123.5e+12", false },
		{ "_123.5e+12", false },
		{ "1__23.5e+12", false },
		{ "123_.5e+12", false },
		{ "123._5e+12", false },
		{ "123.5_e+12", false },
		{ "123.5__0e+12", false },
		{ "123.5e_+12", false },
		{ "123.5e+_12", false },
		{ "123.5e_-12", false },
		{ "123.5e-_12", false },
		{ "123.5e+1__2", false },
		{ "123.5e+12_", false },
		{ "-_0x12.345p+12", false },
		{ "+_0x12.345p+12", false },
		{ "_0x12.345p+12", false },
		{ "0x__12.345p+12", false },
		{ "0x1__2.345p+12", false },
		{ "0x12_.345p+12", false },
		{ "0x12._345p+12", false },
		{ "0x12.3__45p+12", false },
		{ "0x12.345_p+12", false },
		{ "0x12.345p_+12", false },
		{ "0x12.345p+_12", false },
		{ "0x12.345p_-12", false },
		{ "0x12.345p-_12", false },
		{ "0x12.345p+1__2", false },
		{ "0x12.345p+12_", false },
		{ "_", false },
		{ "__", false },
		{ "1_e5", false },
		{ "1._5", false },
		{ "_inf", false },
		{ "in_f", false },
		{ "1e1__0", false },
		{ "1_0e1_0_0", true }, /* 10e100 */
	};

	(void)state;
	RUN(cases);
	/* Underscores do not count as digits: their value is what decides overflow. */
	assert_true(go_ok("1_0e3_0_7"));  /* 1e308 */
	assert_false(go_ok("1_0e3_0_8")); /* 1e309 */
}

static void test_long_numbers(void **state)
{
	char buf[1024];

	(void)state;
	/* 1e308 and 1e309 written out: 309 and 310 digits. */
	buf[0] = '1';
	memset(buf + 1, '0', 308);
	assert_true(go_ok_n(buf, 309));
	buf[309] = '0';
	assert_false(go_ok_n(buf, 310));
	assert_false(go_ok_n(buf, 400));
	/* 400 nines: 1e400, out of range. */
	memset(buf, '9', 400);
	assert_false(go_ok_n(buf, 400));
	/* 300 digits, no exponent: fine without conversion. */
	memset(buf, '7', 300);
	assert_true(go_ok_n(buf, 300));
	/* A tiny value with 400 zeros after the dot: underflow is no error. */
	buf[0] = '0';
	buf[1] = '.';
	memset(buf + 2, '0', 400);
	buf[402] = '1';
	assert_true(go_ok_n(buf, 403));
	/* Hundreds of digits after the dot of a small number. */
	buf[0] = '1';
	buf[1] = '.';
	memset(buf + 2, '5', 480);
	assert_true(go_ok_n(buf, 482));
	/* A long mantissa with a cancelling exponent. */
	buf[0] = '1';
	memset(buf + 1, '0', 350);
	memcpy(buf + 351, "e-340", 5);
	assert_true(go_ok_n(buf, 356));
	/* Huge exponents. */
	assert_false(go_ok("1e99999999999999999999"));
	assert_true(go_ok("1e-99999999999999999999"));
	assert_true(go_ok("0.0000000000000000000000000000000000000001e-99999"));
	/* A long run of 1_0 pairs: 1e300 spelt in 601 bytes. */
	buf[0] = '1';
	for (int i = 0; i < 300; i++)
		memcpy(buf + 1 + 2 * i, "_0", 2);
	assert_true(go_ok_n(buf, 601));
	/* Long garbage. */
	memset(buf, '.', 700);
	assert_false(go_ok_n(buf, 700));
	memset(buf, '_', 700);
	assert_false(go_ok_n(buf, 700));
}

/* The Go port agrees with the table: a guard on the reference itself. */
static void test_reference_agrees_with_tables(void **state)
{
	static const struct num_case cases[] = {
		{ "1", true },	    { "0x10", false }, { "0x1p-2", true },	{ "1e400", false },
		{ "1e-400", true }, { "+nan", false }, { "-Infinity", true },	{ "infin", false },
		{ "1_000", true },  { "1__0", false }, { "123.5e+12_", false }, { "0x_1p0", true },
		{ "", false },	    { "5.", true },    { ".5", true },		{ "0x", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_true(go_reference(cases[i].s, strlen(cases[i].s)) == cases[i].ok);
}

static void test_random_against_go_rules(void **state)
{
	static const char alphabet[] = "0123456789000111._eEpPxX+-aAfFiInNty _";
	char s[32];
	uint32_t iter;

	(void)state;
	for (iter = 0; iter < 300000; iter++) {
		uint64_t r = rnd();
		size_t n = (size_t)(r % 14), i;

		if (iter % 3 == 0) {
			/* structured: [sign][0x]digits[.digits][e|p[sign]digits] */
			n = 0;
			if (r & 1)
				s[n++] = (r & 2) ? '-' : '+';
			if ((r >> 2) % 5 == 0) {
				s[n++] = '0';
				s[n++] = (r & 8) ? 'x' : 'X';
			}
			for (i = (r >> 4) % 4; i; i--)
				s[n++] = "0123456789abcdef_"[rnd() % 17];
			if ((r >> 8) & 1)
				s[n++] = '.';
			for (i = (r >> 9) % 4; i; i--)
				s[n++] = "0123456789aF_"[rnd() % 13];
			if ((r >> 12) % 3 == 0) {
				s[n++] = "eEpP"[(r >> 14) % 4];
				if ((r >> 16) & 1)
					s[n++] = (r >> 17) & 1 ? '-' : '+';
				for (i = (r >> 18) % 4; i; i--)
					s[n++] = "0123456789_3"[rnd() % 12];
			}
		} else {
			for (i = 0; i < n; i++)
				s[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
		}
		s[n] = '\0';
		if (go_ok_n(s, n) != go_reference(s, n))
			fail_msg("\"%s\": sr_go_float_ok says %d, Go's rules %d", s, go_ok_n(s, n),
				 go_reference(s, n));
	}
}

/*
 * Regression (fixed): a number longer than 511 bytes (underscores aside) is declared
 * out of range without being looked at (sr_number.c overflows(): "absurdly
 * long: treat as out of range"). Go parses it: 600 zeros then "1" is 1, and
 * "0." then 600 zeros then "1" is 1e-601 (underflow, no error).
 */
static void test_regression_long_number_in_range(void **state)
{
	char buf[700];

	(void)state;
	memset(buf, '0', 600);
	buf[600] = '1';
	assert_true(go_ok_n(buf, 601)); /* Go: 1, err == nil */
	buf[0] = '0';
	buf[1] = '.';
	memset(buf + 2, '0', 600);
	buf[602] = '1';
	assert_true(go_ok_n(buf, 603)); /* Go: 1e-601 -> 0, err == nil */
	buf[0] = '1';
	buf[1] = '.';
	memset(buf + 2, '9', 600);
	assert_true(go_ok_n(buf, 602)); /* Go: 2, err == nil */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brief_cases),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_inf_nan),
		cmocka_unit_test(test_underscores),
		cmocka_unit_test(test_long_numbers),
		cmocka_unit_test(test_reference_agrees_with_tables),
		cmocka_unit_test(test_random_against_go_rules),
	};
	const struct CMUnitTest regressions[] = {
		cmocka_unit_test(test_regression_long_number_in_range),
	};

	return cmocka_run_group_tests_name("sr_number", tests, NULL, NULL) |
	       cmocka_run_group_tests_name("sr_number regressions", regressions, NULL, NULL);
}
