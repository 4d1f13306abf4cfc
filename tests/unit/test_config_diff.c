/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_config_diff: what a reload may change (the shard list, hash,
 * table-size, key, dialect, max-line, allow, gateway, flush-us) and what
 * refuses it, naming the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sr_config.h"

static struct sr_config run, next;
static char err[256], why[256];

#define BASE                                                                                       \
	"--listen", "198.18.0.1/24:8125", "--shard", "198.18.1.1,mac=02:00:00:00:01:01",           \
		"--shard", "198.18.1.2,mac=02:00:00:00:01:02"

/* Parse argv into c (NULL-terminated list). */
static void parse(struct sr_config *c, const char *first, ...)
{
	const char *argv[64] = { "statsd-relay" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = a;
	va_end(ap);
	sr_config_defaults(c);
	if (sr_config_parse(c, argc, (char **)argv, err, sizeof(err)) != SR_CONFIG_OK)
		fail_msg("parse: %s", err);
}

#define DIFF_OK(ch) assert_int_equal(sr_config_diff(&run, &next, (ch), why, sizeof(why)), 0)

static void test_nothing_changed(void **state)
{
	struct sr_config_change ch;
	static const struct sr_config_change none;

	(void)state;
	parse(&run, BASE, NULL);
	parse(&next, BASE, NULL);
	DIFF_OK(&ch);
	assert_memory_equal(&ch, &none, sizeof(ch));
}

static void test_shard_list(void **state)
{
	struct sr_config_change ch;

	(void)state;
	parse(&run, BASE, NULL);
	/* one added */
	parse(&next, BASE, "--shard", "198.18.1.3,mac=02:00:00:00:01:03", NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	assert_int_equal(ch.added, 1);
	assert_int_equal(ch.removed, 0);
	/* one removed */
	parse(&next, "--listen", "198.18.0.1/24:8125", "--shard",
	      "198.18.1.2,mac=02:00:00:00:01:02", NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	assert_int_equal(ch.added, 0);
	assert_int_equal(ch.removed, 1);
	/* reordered: the same shards, another index each */
	parse(&next, "--listen", "198.18.0.1/24:8125", "--shard",
	      "198.18.1.2,mac=02:00:00:00:01:02", "--shard", "198.18.1.1,mac=02:00:00:00:01:01",
	      NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	assert_int_equal(ch.added + ch.removed, 0);
	/* a weight, a mac, a name */
	parse(&next, "--listen", "198.18.0.1/24:8125", "--shard",
	      "198.18.1.1,mac=02:00:00:00:01:01,weight=3", "--shard",
	      "198.18.1.2,mac=02:00:00:00:01:02", NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	parse(&next, "--listen", "198.18.0.1/24:8125", "--shard",
	      "198.18.1.1,mac=02:00:00:00:01:0f", "--shard", "198.18.1.2,mac=02:00:00:00:01:02",
	      NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	/* a name: on the ring the shard is another one (added and removed) */
	parse(&next, "--listen", "198.18.0.1/24:8125", "--shard",
	      "198.18.1.1,mac=02:00:00:00:01:01,name=a", "--shard",
	      "198.18.1.2,mac=02:00:00:00:01:02", NULL);
	DIFF_OK(&ch);
	assert_true(ch.shards);
	assert_int_equal(ch.added, 1);
	assert_int_equal(ch.removed, 1);
}

static void test_reloadable_keys(void **state)
{
	struct sr_config_change ch;

	(void)state;
	parse(&run, BASE, NULL);
	parse(&next, BASE, "--hash", "jump", "--key", "name", "--dialect", "etsy", "--max-line",
	      "1000", "--allow", "198.18.0.0/16", "--gateway", "198.18.0.254", "--flush-us", "5",
	      "--table-size", "1009", NULL);
	DIFF_OK(&ch);
	assert_false(ch.shards);
	assert_true(ch.hash && ch.key && ch.dialect && ch.max_line && ch.allow && ch.gateway &&
		    ch.flush_us && ch.table_size);
}

/* Every other key refuses the reload, naming itself. */
static void test_fixed_keys(void **state)
{
	static const struct {
		const char *flag, *value, *key;
	} fixed[] = {
		{ "--mtu", "9000", "mtu" },
		{ "--max-payload", "1000", "max-payload" },
		{ "--port", "1", "port" },
		{ "--mode", "io", "mode" },
		{ "--exit-idle", "100", "exit-idle" },
		{ "--stats-json", "/tmp/x.json", "stats-json" },
		{ "--record-cycles=true", NULL, "record-cycles" },
		{ "--main-polls=true", NULL, "main-polls" },
		{ "--health-interval", "1000", "health-interval" },
		{ "--health-fall", "5", "health-fall" },
		{ "--health-rise", "5", "health-rise" },
		{ "--on-shard-down", "keep", "on-shard-down" },
		{ "--self-metrics-interval", "10", "self-metrics-interval" },
		{ "--self-metrics-prefix", "relay", "self-metrics-prefix" },
		{ "--stats-interval", "10", "stats-interval" },
	};
	struct sr_config_change ch;
	size_t i;

	(void)state;
	parse(&run, BASE, NULL);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		parse(&next, BASE, fixed[i].flag, fixed[i].value, NULL);
		assert_int_equal(sr_config_diff(&run, &next, &ch, why, sizeof(why)), -1);
		if (strncmp(why, fixed[i].key, strlen(fixed[i].key)) != 0 ||
		    !strstr(why, "restart"))
			fail_msg("%s: '%s'", fixed[i].flag, why);
	}
	parse(&next, "--listen", "198.18.0.2/24:8125", "--shard",
	      "198.18.1.1,mac=02:00:00:00:01:01", NULL);
	assert_int_equal(sr_config_diff(&run, &next, &ch, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "listen"));
	parse(&next, BASE, "--listen", "[2001:db8::1]/64", NULL);
	assert_int_equal(sr_config_diff(&run, &next, &ch, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "listen"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_changed),
		cmocka_unit_test(test_shard_list),
		cmocka_unit_test(test_reloadable_keys),
		cmocka_unit_test(test_fixed_keys),
	};

	return cmocka_run_group_tests_name("sr_config_diff", tests, NULL, NULL);
}
