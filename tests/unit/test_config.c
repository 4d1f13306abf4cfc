/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sr_config_parse: defaults, every flag in both "--flag=value" and
 * "--flag value" forms, value checks, INI files (written to a temporary
 * directory), precedence of flags over the file, --help / --version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "shard/sr_shard_map.h"
#include "sr_config.h"

#define LISTEN "198.18.0.1"
#define SHARD1 "198.18.1.1:8125,mac=02:00:00:00:01:01"
#define SHARD2 "198.18.1.2:9125,mac=02:00:00:00:01:02"

static char tmpdir[64];
static struct sr_config cfg; /* large: static */
static char err[512];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sr_test_config_XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write an INI file into the temporary directory; returns its path (static). */
static const char *ini(const char *name, const char *text)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* Parse argv (NULL-terminated, without argv[0]) after sr_config_defaults. */
static enum sr_config_rc parse_v(const char *const *args)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"statsd-relay";
	while (*args) {
		assert_true(argc < 63);
		argv[argc++] = (char *)*args++;
	}
	argv[argc] = NULL;
	sr_config_defaults(&cfg);
	memset(err, 0, sizeof(err));
	return sr_config_parse(&cfg, argc, argv, err, sizeof(err));
}

#define PARSE(...) parse_v((const char *const[]){ __VA_ARGS__, NULL })

/* Expect an error whose message contains `needle`. */
#define ASSERT_ERROR(needle, ...)                                                                  \
	do {                                                                                       \
		enum sr_config_rc rc_ = PARSE(__VA_ARGS__);                                        \
		if (rc_ != SR_CONFIG_ERROR)                                                        \
			fail_msg("rc %d, want an error about '%s'", rc_, needle);                  \
		if (strstr(err, needle) == NULL)                                                   \
			fail_msg("error \"%s\" does not mention '%s'", err, needle);               \
	} while (0)

#define ASSERT_OK(...)                                                                             \
	do {                                                                                       \
		enum sr_config_rc rc_ = PARSE(__VA_ARGS__);                                        \
		if (rc_ != SR_CONFIG_OK)                                                           \
			fail_msg("rc %d: %s", rc_, err);                                           \
	} while (0)

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* --- defaults and the minimal configuration --- */

static void test_defaults(void **state)
{
	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	sr_config_defaults(&cfg);
	assert_false(cfg.has_listen[SR_V4]);
	assert_false(cfg.has_listen[SR_V6]);
	assert_int_equal(cfg.mtu, 1500);
	assert_int_equal(cfg.n_allow, 0);
	assert_int_equal(cfg.n_shards, 0);
	assert_int_equal(cfg.max_payload, 1432);
	assert_int_equal(cfg.max_line, 8192);
	assert_int_equal(cfg.dialect, SR_DIALECT_TELEGRAF);
	assert_int_equal(cfg.key_mode, SR_KEY_NAME_TAGS);
	assert_int_equal(cfg.hash, SR_HASH_MAGLEV);
	assert_int_equal(cfg.table_size, SR_MAGLEV_DEFAULT_SIZE);
	assert_int_equal(cfg.flush_us, 1000);
	assert_int_equal(cfg.exit_idle_ms, 0);
	assert_false(cfg.main_polls);
	assert_int_equal(cfg.port_id, 0);
	assert_string_equal(cfg.stats_json, "");
	assert_string_equal(cfg.config_file, "");
}

static void test_minimal(void **state)
{
	(void)state;
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1);
	assert_int_equal(sr_ip4(&cfg.listen[SR_V4].ip), ip4(LISTEN));
	assert_int_equal(cfg.listen[SR_V4].port, 8125);
	assert_int_equal(cfg.n_shards, 1);
	assert_int_equal(sr_ip4(&cfg.shards[0].addr.ip), ip4("198.18.1.1"));
	assert_int_equal(cfg.shards[0].addr.port, 8125);
	assert_true(cfg.shards[0].has_mac);
	assert_memory_equal(cfg.shards[0].mac, ((const uint8_t[]){ 2, 0, 0, 0, 1, 1 }), 6);
	assert_string_equal(cfg.shards[0].id, "198.18.1.1:8125");
	assert_string_equal(cfg.shards[0].name, "198.18.1.1:8125"); /* the ring name: the id */
	assert_int_equal(cfg.shards[0].weight, 1);
	/* Defaults stay. */
	assert_int_equal(cfg.max_payload, 1432);
	assert_int_equal(cfg.flush_us, 1000);
	assert_false(cfg.main_polls);

	/* A shard without a port gets 8125; the order of the flags is the shard order. */
	ASSERT_OK("--shard", SHARD2, "--listen=" LISTEN ":9999", "--shard",
		  "198.18.1.3,mac=0a:0B:0c:0D:0e:0F");
	assert_int_equal(cfg.listen[SR_V4].port, 9999);
	assert_int_equal(cfg.n_shards, 2);
	assert_string_equal(cfg.shards[0].id, "198.18.1.2:9125");
	assert_string_equal(cfg.shards[1].id, "198.18.1.3:8125");
	assert_memory_equal(cfg.shards[1].mac, ((const uint8_t[]){ 10, 11, 12, 13, 14, 15 }), 6);
}

/* --- every flag, both forms --- */

static void test_flags_both_forms(void **state)
{
	(void)state;
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "1400", "--max-line",
		  "700", "--dialect", "dogstatsd", "--key", "name", "--hash", "jump",
		  "--table-size", "1009", "--flush-us", "250", "--stats-json", "/tmp/x.json",
		  "--exit-idle", "300", "--main-polls", "--port", "3");
	assert_int_equal(cfg.max_payload, 1400);
	assert_int_equal(cfg.max_line, 700);
	assert_int_equal(cfg.dialect, SR_DIALECT_DOGSTATSD);
	assert_int_equal(cfg.key_mode, SR_KEY_NAME);
	assert_int_equal(cfg.hash, SR_HASH_JUMP);
	assert_int_equal(cfg.table_size, 1009);
	assert_int_equal(cfg.flush_us, 250);
	assert_string_equal(cfg.stats_json, "/tmp/x.json");
	assert_int_equal(cfg.exit_idle_ms, 300);
	assert_true(cfg.main_polls);
	assert_int_equal(cfg.port_id, 3);

	ASSERT_OK("--listen=" LISTEN ":1", "--shard=" SHARD1, "--mtu=9000", "--max-payload=8972",
		  "--max-line=8972", "--dialect=etsy", "--key=name+tags", "--hash=statsrelay",
		  "--table-size=65521", "--flush-us=0", "--stats-json=s.json",
		  "--exit-idle=86400000", "--main-polls=true", "--port=1023");
	assert_int_equal(cfg.listen[SR_V4].port, 1);
	assert_int_equal(cfg.max_payload, 8972);
	assert_int_equal(cfg.max_line, 8972);
	assert_int_equal(cfg.dialect, SR_DIALECT_ETSY);
	assert_int_equal(cfg.key_mode, SR_KEY_NAME_TAGS);
	assert_int_equal(cfg.hash, SR_HASH_STATSRELAY);
	assert_int_equal(cfg.table_size, 65521);
	assert_int_equal(cfg.flush_us, 0);
	assert_string_equal(cfg.stats_json, "s.json");
	assert_int_equal(cfg.exit_idle_ms, 86400000);
	assert_true(cfg.main_polls);
	assert_int_equal(cfg.port_id, 1023);

	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--dialect", "telegraf", "--hash",
		  "statsd-proxy");
	assert_int_equal(cfg.dialect, SR_DIALECT_TELEGRAF);
	assert_int_equal(cfg.hash, SR_HASH_STATSD_PROXY);
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--hash=carbon-jump");
	assert_int_equal(cfg.hash, SR_HASH_CARBON_JUMP);
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--hash", "maglev");
	assert_int_equal(cfg.hash, SR_HASH_MAGLEV);
	/* The last of a repeated flag wins. */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--flush-us", "1", "--flush-us=2");
	assert_int_equal(cfg.flush_us, 2);
}

static void test_main_polls_values(void **state)
{
	static const char *const yes[] = { "--main-polls=true", "--main-polls=1",
					   "--main-polls=yes",	"--main-polls=on",
					   "--main-polls=TRUE", "--main-polls=Yes" };
	static const char *const no[] = { "--main-polls=false", "--main-polls=0", "--main-polls=no",
					  "--main-polls=off", "--main-polls=FALSE" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, yes[i]);
		assert_true(cfg.main_polls);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		ASSERT_OK("--main-polls", "--listen", LISTEN, "--shard", SHARD1, no[i]);
		assert_false(cfg.main_polls);
	}
	ASSERT_ERROR("not a boolean", "--listen", LISTEN, "--shard", SHARD1, "--main-polls=maybe");
	ASSERT_ERROR("not a boolean", "--listen", LISTEN, "--shard", SHARD1, "--main-polls=");
	/* A switch takes no separate value: "false" is then a stray argument. */
	ASSERT_ERROR("false", "--listen", LISTEN, "--shard", SHARD1, "--main-polls", "false");
}

/* --- value checks --- */

static void test_number_ranges(void **state)
{
	static const struct {
		const char *flag, *value, *needle;
	} bad[] = {
		{ "--max-payload", "15", "out of range" },
		{ "--max-payload", "8973", "out of range" },
		{ "--max-payload", "0", "out of range" },
		{ "--max-line", "0", "out of range" },
		{ "--max-line", "65507", "out of range" },
		/* more than 8 fragments at the 1500-byte MTU bring: 8 x 1480 - 8 */
		{ "--max-line", "11833", "receives datagrams of at most 11832 bytes whole" },
		{ "--flush-us", "10000001", "out of range" },
		{ "--exit-idle", "0", "out of range" },
		{ "--exit-idle", "86400001", "out of range" },
		{ "--port", "1024", "out of range" },
		{ "--table-size", "2", "out of range" },
		{ "--table-size", "16777259", "out of range" },
		{ "--table-size", "1000", "not a prime" },
		{ "--table-size", "65536", "not a prime" },
		{ "--max-payload", "", "not a number" },
		{ "--max-payload", "abc", "not a number" },
		{ "--max-payload", "12abc", "not a number" },
		{ "--max-payload", "-1", "not a number" },
		{ "--max-payload", "+100", "not a number" },
		{ "--max-payload", " 100", "not a number" },
		{ "--max-payload", "100 ", "not a number" },
		{ "--max-payload", "0x100", "not a number" },
		{ "--max-payload", "1e3", "not a number" },
		{ "--flush-us", "99999999999999999999999", "not a number" },
		{ "--port", "1.5", "not a number" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum sr_config_rc rc = PARSE("--listen", LISTEN, "--shard", SHARD1, bad[i].flag,
					     bad[i].value);
		if (rc != SR_CONFIG_ERROR || !strstr(err, bad[i].needle) ||
		    !strstr(err, bad[i].flag))
			fail_msg("%s %s: rc %d, \"%s\"", bad[i].flag, bad[i].value, rc, err);
	}
	/* Limits themselves are fine. */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "16", "--max-line", "16",
		  "--flush-us", "10000000", "--exit-idle", "1", "--port", "0", "--table-size",
		  "101");
	assert_int_equal(cfg.max_payload, 16);
	assert_int_equal(cfg.table_size, 101);
	/* Leading zeros are decimal. */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "0100");
	assert_int_equal(cfg.max_payload, 100);
}

static void test_names_and_modes(void **state)
{
	(void)state;
	ASSERT_ERROR("--dialect", "--listen", LISTEN, "--shard", SHARD1, "--dialect", "statsd");
	ASSERT_ERROR("--dialect", "--listen", LISTEN, "--shard", SHARD1, "--dialect", "Telegraf");
	ASSERT_ERROR("--key", "--listen", LISTEN, "--shard", SHARD1, "--key", "tags");
	ASSERT_ERROR("--hash", "--listen", LISTEN, "--shard", SHARD1, "--hash", "md5");
	ASSERT_ERROR("--stats-json", "--listen", LISTEN, "--shard", SHARD1, "--stats-json=");
	/* max-line above max-payload: such lines go alone, fragmented; up to what
	 * reassembly takes (IPv6 with its fragment headers: 8 x 1448 - 8) */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "512", "--max-line",
		  "11832");
	assert_int_equal(cfg.max_line, 11832);
	ASSERT_ERROR("at most 11576 bytes", "--listen", LISTEN, "--listen", "[2001:db8::1]/64",
		     "--shard", SHARD1, "--max-line", "11577");
	ASSERT_OK("--listen", LISTEN, "--mtu", "9000", "--shard", SHARD1, "--max-line", "65506");
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "512", "--max-line",
		  "512");
	/* A Maglev table must exceed 100 x the shards. */
	ASSERT_ERROR("table size", "--listen", LISTEN, "--shard", SHARD1, "--shard", SHARD2,
		     "--table-size", "199");
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--shard", SHARD2, "--table-size", "211");
	/* ...which other modes ignore. */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--shard", SHARD2, "--table-size", "101",
		  "--hash", "jump");
}

static void test_bad_endpoints(void **state)
{
	static const struct {
		const char *v, *needle;
	} bad[] = {
		{ "1.2.3", "not an IP address" },
		{ "256.1.1.1", "not an IP address" },
		{ "300.1.1.1:8125", "not an IP address" },
		{ "a.b.c.d", "not an IP address" },
		{ "localhost", "not an IP address" },
		{ "01.2.3.4", "not an IP address" },
		{ "1.2.3.4.5", "not an IP address" },
		{ "", "not an IP address" },
		{ ":8125", "not an IP address" },
		{ "1.2.3.4/33:8125", "out of range" },
		{ "[2001:db8::1", "no closing" },
		{ "[2001:db8::1]x", "not IP[:PORT]" },
		{ "1.2.3.4:", "not a number" },
		{ "1.2.3.4:0", "out of range" },
		{ "1.2.3.4:65536", "out of range" },
		{ "1.2.3.4:70000", "out of range" },
		{ "1.2.3.4:-1", "not a number" },
		{ "1.2.3.4:http", "not a number" },
		{ "::1", "IPv6" },
		{ "[::]:8125", "not a unicast address" },
		{ "[ff02::1]:8125", "not a unicast address" },
		{ "2001:db8::1", "IPv6" },
		{ "1.2.3.4:80:90", "IPv6" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum sr_config_rc rc = PARSE("--shard", SHARD1, "--listen", bad[i].v);
		if (rc != SR_CONFIG_ERROR || !strstr(err, bad[i].needle) ||
		    !strstr(err, "--listen"))
			fail_msg("--listen '%s': rc %d, \"%s\"", bad[i].v, rc, err);
	}
	/* The same checks for a shard address. */
	ASSERT_ERROR("not an IP address", "--listen", LISTEN, "--shard",
		     "198.18.1.256,mac=02:00:00:00:01:01");
	ASSERT_ERROR("out of range", "--listen", LISTEN, "--shard",
		     "198.18.1.1:0,mac=02:00:00:00:01:01");
	ASSERT_ERROR("no IPv6 --listen", "--listen", LISTEN, "--shard",
		     "[2001:db8::1]:8125,mac=02:00:00:00:01:01");
	/* The listen address is required: 0.0.0.0 is not one to answer on. */
	ASSERT_ERROR("--listen", "--shard", SHARD1);
	ASSERT_ERROR("--listen", "--shard", SHARD1, "--listen", "0.0.0.0:8125");
	/* Extremes that are fine. */
	ASSERT_OK("--shard", SHARD1, "--listen", "223.255.255.254:65535");
	assert_int_equal(sr_ip4(&cfg.listen[SR_V4].ip), ip4("223.255.255.254"));
	assert_int_equal(cfg.listen[SR_V4].port, 65535);
	/* 240/4 is reserved, not an address to answer on */
	ASSERT_ERROR("not a unicast address", "--shard", SHARD1, "--listen", "255.255.255.254");
}

static void test_bad_macs(void **state)
{
	static const char *const bad[] = {
		"02:00:00:00:01",     "02:00:00:00:01:01:01",
		"02-00-00-00-01-01",  "0200.0000.0101",
		"020000000101",	      "2:0:0:0:1:1",
		"gg:00:00:00:01:01",  "02:00:00:00:01:0g",
		"02:00:00:00:01:01 ", "",
		"02:00:00:00:01:",    "02::00:00:00:01:01",
		"02:00:00:00:01:011",
	};
	char shard[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum sr_config_rc rc;
		snprintf(shard, sizeof(shard), "198.18.1.1,mac=%s", bad[i]);
		rc = PARSE("--listen", LISTEN, "--shard", shard);
		if (rc != SR_CONFIG_ERROR || !strstr(err, "not a MAC address"))
			fail_msg("mac '%s': rc %d, \"%s\"", bad[i], rc, err);
	}
	/* Case does not matter. */
	ASSERT_OK("--listen", LISTEN, "--shard", "198.18.1.1,mac=AA:bb:Cc:dD:EE:ff");
	assert_memory_equal(cfg.shards[0].mac,
			    ((const uint8_t[]){ 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }), 6);
}

static void test_shard_flag(void **state)
{
	(void)state;
	/* without mac= the shard's MAC is resolved (ARP / ND) */
	ASSERT_OK("--listen", LISTEN, "--shard", "198.18.1.1");
	assert_false(cfg.shards[0].has_mac);
	/* IPv6 shards and listen addresses, with a subnet */
	ASSERT_OK("--listen", LISTEN, "--listen", "[2001:db8::1]/64:9125", "--shard",
		  "[2001:db8::104]:8125", "--shard", SHARD1);
	assert_true(cfg.has_listen[SR_V6]);
	assert_int_equal(cfg.listen[SR_V6].prefix, 64);
	assert_int_equal(cfg.listen[SR_V6].port, 9125);
	assert_int_equal(cfg.shards[0].addr.ip.v6, SR_V6);
	assert_string_equal(cfg.shards[0].id, "[2001:db8::104]:8125");
	ASSERT_ERROR("no IPv6 --listen", "--listen", LISTEN, "--shard", "[2001:db8::104]:8125");
	ASSERT_ERROR("two IPv4 addresses", "--listen", LISTEN, "--listen", "198.18.0.2", "--shard",
		     SHARD1);
	ASSERT_OK("--listen", "198.18.0.1/24:8125", "--listen", "[2001:db8::1]/64", "--gateway",
		  "198.18.0.254", "--gateway", "2001:db8::fe", "--allow", "198.18.0.0/25",
		  "--allow", "[2001:db8::]/64", "--shard", SHARD1);
	assert_int_equal(cfg.listen[SR_V4].prefix, 24);
	assert_true(cfg.has_gateway[SR_V4] && cfg.has_gateway[SR_V6]);
	assert_int_equal(cfg.n_allow, 2);
	assert_int_equal(cfg.allow[1].len, 64);
	ASSERT_ERROR("not a unicast address", "--listen", LISTEN, "--gateway", "198.18.0.0/24",
		     "--shard", SHARD1);
	ASSERT_ERROR("does not fit --mtu 1500 over IPv6", "--listen", LISTEN, "--listen",
		     "[2001:db8::1]:8125", "--shard", "[2001:db8::104]", "--max-payload", "1460");
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--max-payload", "1472");
	/* two-armed: shards resolved from the egress address, or given a mac= */
	ASSERT_ERROR("--egress-address needs --egress-port", "--listen", LISTEN, "--shard", SHARD1,
		     "--egress-address", "198.19.0.1/24");
	ASSERT_ERROR("needs mac= or an IPv4 --egress-address", "--listen", LISTEN, "--shard",
		     "198.19.0.11", "--egress-port", "1");
	ASSERT_OK("--listen", LISTEN, "--shard", "198.19.0.11", "--egress-port", "1",
		  "--egress-address", "198.19.0.1/24");
	assert_true(cfg.has_egress[SR_V4]);
	assert_int_equal(cfg.egress[SR_V4].prefix, 24);
	assert_int_equal(cfg.egress_port, 1);
	ASSERT_ERROR("--egress-address: two IPv4 addresses", "--listen", LISTEN, "--shard",
		     "198.19.0.11", "--egress-port", "1", "--egress-address", "198.19.0.1/24",
		     "--egress-address", "198.19.0.2/24");
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--egress-port", "0"); /* = the port */
	assert_int_equal(cfg.egress_port, -1);
	ASSERT_ERROR("unknown shard key 'colour'", "--listen", LISTEN, "--shard",
		     SHARD1 ",colour=red");
	ASSERT_ERROR("not key=value", "--listen", LISTEN, "--shard", SHARD1 ",weight");
	ASSERT_ERROR("empty value", "--listen", LISTEN, "--shard", "");
	ASSERT_ERROR("--shard needs a value", "--listen", LISTEN, "--shard");
	ASSERT_ERROR("no shard", "--listen", LISTEN);
	/* weight= and name= */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1 ",weight=3,name=alpha");
	assert_int_equal(cfg.shards[0].weight, 3);
	assert_string_equal(cfg.shards[0].name, "alpha");
	assert_string_equal(cfg.shards[0].id, "198.18.1.1:8125");
	ASSERT_ERROR("out of range", "--listen", LISTEN, "--shard", SHARD1 ",weight=0");
	ASSERT_ERROR("out of range", "--listen", LISTEN, "--shard", SHARD1 ",weight=1000001");
	ASSERT_ERROR("name", "--listen", LISTEN, "--shard", SHARD1 ",name=");
	{
		char longname[256];
		memset(longname, 'n', sizeof(longname));
		memcpy(longname, SHARD1 ",name=", strlen(SHARD1 ",name="));
		longname[sizeof(longname) - 1] = '\0';
		ASSERT_ERROR("too long", "--listen", LISTEN, "--shard", longname);
	}
	/* Weights are for maglev and statsd-proxy only. */
	ASSERT_ERROR("weight", "--listen", LISTEN, "--hash", "jump", "--shard", SHARD1 ",weight=2");
	ASSERT_OK("--listen", LISTEN, "--hash", "statsd-proxy", "--shard", SHARD1 ",weight=2");
	/* The mac may be given last; twice is an error (which one was meant?). */
	ASSERT_OK("--listen", LISTEN, "--shard", "198.18.1.1:1,weight=2,mac=02:00:00:00:00:01");
	assert_int_equal(cfg.shards[0].mac[5], 1);
	ASSERT_ERROR("mac= given twice", "--listen", LISTEN, "--shard",
		     "198.18.1.1:1,weight=2,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02");
	/* a broadcast, multicast or zero MAC is no shard's */
	ASSERT_ERROR("not a unicast MAC", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=ff:ff:ff:ff:ff:ff");
	ASSERT_ERROR("not a unicast MAC", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=01:00:5e:00:00:01");
	ASSERT_ERROR("not a unicast MAC", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=00:00:00:00:00:00");
}

static void test_duplicate_shards(void **state)
{
	(void)state;
	ASSERT_ERROR("listed twice", "--listen", LISTEN, "--shard", SHARD1, "--shard", SHARD1);
	/* 8125 is the default port: the same address. */
	ASSERT_ERROR("listed twice", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=02:00:00:00:01:01", "--shard",
		     "198.18.1.1:8125,mac=02:00:00:00:01:02");
	/* Same IP, another port: another shard. */
	ASSERT_OK("--listen", LISTEN, "--shard", "198.18.1.1:1,mac=02:00:00:00:01:01", "--shard",
		  "198.18.1.1:2,mac=02:00:00:00:01:01");
	assert_int_equal(cfg.n_shards, 2);
	/* statsrelay lists an address several times as virtual shards. */
	ASSERT_OK("--listen", LISTEN, "--hash", "statsrelay", "--shard", SHARD1, "--shard", SHARD1);
	assert_int_equal(cfg.n_shards, 2);
}

/* Without --table-size the table is the smallest prime of at least 65537
 * and above 100 x N: 65537 up to 655 shards, larger past (no exit 2). */
static void test_default_table_size(void **state)
{
	static const struct {
		uint32_t n, want;
	} cases[] = {
		{ 1, 65537 }, { 655, 65537 }, { 656, 65609 }, { 1000, 100003 }, { 1024, 102407 }
	};
	static char shard[SR_MAX_SHARDS][48];
	static char *argv[2 * SR_MAX_SHARDS + 5];
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int n = 0;
		uint32_t i;

		argv[n++] = (char *)"statsd-relay";
		argv[n++] = (char *)"--listen";
		argv[n++] = (char *)LISTEN;
		for (i = 0; i < cases[c].n; i++) {
			snprintf(shard[i], sizeof(shard[i]), "10.%u.%u.1,mac=02:00:00:00:00:01",
				 i / 256, i % 256);
			argv[n++] = (char *)"--shard";
			argv[n++] = shard[i];
		}
		sr_config_defaults(&cfg);
		assert_int_equal(sr_config_parse(&cfg, n, argv, err, sizeof(err)), SR_CONFIG_OK);
		assert_int_equal(cfg.table_size, cases[c].want);
	}
	/* given, it is taken as it is */
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--table-size", "211");
	assert_int_equal(cfg.table_size, 211);
}

static void test_too_many_shards(void **state)
{
	enum { MAX_ARGS = 2 * (SR_MAX_SHARDS + 1) + 5 };
	static char shard[SR_MAX_SHARDS + 1][48];
	static char *argv[MAX_ARGS];
	int n = 0, i;

	(void)state;
	argv[n++] = (char *)"statsd-relay";
	argv[n++] = (char *)"--listen";
	argv[n++] = (char *)LISTEN;
	argv[n++] = (char *)"--table-size";
	argv[n++] = (char *)"102407"; /* a prime > 100 x 1024 */
	for (i = 0; i < SR_MAX_SHARDS; i++) {
		snprintf(shard[i], sizeof(shard[i]), "10.%d.%d.1,mac=02:00:00:00:00:01", i / 256,
			 i % 256);
		argv[n++] = (char *)"--shard";
		argv[n++] = shard[i];
	}
	/* 1024 shards are fine... */
	sr_config_defaults(&cfg);
	assert_int_equal(sr_config_parse(&cfg, n, argv, err, sizeof(err)), SR_CONFIG_OK);
	assert_int_equal(cfg.n_shards, SR_MAX_SHARDS);
	/* ...1025 are not. */
	snprintf(shard[i], sizeof(shard[i]), "10.9.9.1,mac=02:00:00:00:00:01");
	argv[n++] = (char *)"--shard";
	argv[n++] = shard[i];
	sr_config_defaults(&cfg);
	assert_int_equal(sr_config_parse(&cfg, n, argv, err, sizeof(err)), SR_CONFIG_ERROR);
	assert_non_null(strstr(err, "too many shards"));
}

/* --- the command line itself --- */

static void test_unknown_and_stray_arguments(void **state)
{
	(void)state;
	ASSERT_ERROR("--bogus", "--listen", LISTEN, "--shard", SHARD1, "--bogus");
	ASSERT_ERROR("--bogus=1", "--listen", LISTEN, "--shard", SHARD1, "--bogus=1");
	ASSERT_ERROR("--Listen", "--Listen", LISTEN, "--shard", SHARD1);
	ASSERT_ERROR("--liste", "--liste", LISTEN, "--shard", SHARD1); /* no prefixes */
	ASSERT_ERROR("foo", "--listen", LISTEN, "--shard", SHARD1, "foo");
	ASSERT_ERROR("-x", "-x", "--listen", LISTEN, "--shard", SHARD1);
	ASSERT_ERROR("unexpected argument '--'", "--", "--listen", LISTEN, "--shard", SHARD1);
	ASSERT_ERROR("unexpected argument '-'", "-", "--listen", LISTEN);
	ASSERT_ERROR("--listen needs a value", "--shard", SHARD1, "--listen");
	ASSERT_ERROR("--port needs a value", "--listen", LISTEN, "--shard", SHARD1, "--port");
	/* Flag values may look like flags: they are values. */
	ASSERT_ERROR("not a number", "--listen", LISTEN, "--shard", SHARD1, "--port",
		     "--main-polls");
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--stats-json", "--weird-name.json");
	assert_string_equal(cfg.stats_json, "--weird-name.json");
}

static void test_help_and_version_anywhere(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--help"), SR_CONFIG_HELP);
	assert_int_equal(PARSE("-h"), SR_CONFIG_HELP);
	assert_int_equal(PARSE("--version"), SR_CONFIG_VERSION);
	assert_int_equal(PARSE("--listen", LISTEN, "--shard", SHARD1, "--help"), SR_CONFIG_HELP);
	/* ...even where a value or garbage would be an error. */
	assert_int_equal(PARSE("--bogus", "--help"), SR_CONFIG_HELP);
	assert_int_equal(PARSE("--listen", "--help"), SR_CONFIG_HELP);
	assert_int_equal(PARSE("--max-payload", "0", "--version"), SR_CONFIG_VERSION);
	assert_int_equal(PARSE("--config", "/nonexistent/file.ini", "--version"),
			 SR_CONFIG_VERSION);
	/* The first of the two wins. */
	assert_int_equal(PARSE("--version", "--help"), SR_CONFIG_VERSION);
	assert_int_equal(PARSE("--help", "--version"), SR_CONFIG_HELP);
	/* Only the exact words. */
	ASSERT_ERROR("--helpme", "--helpme");
	ASSERT_ERROR("--help=1", "--help=1");
}

/* --- INI files --- */

static void test_ini_file(void **state)
{
	const char *f = ini("full.ini", "; a comment\n"
					"[relay]\n"
					"listen = 198.18.0.1:8126\n"
					"max-payload = 1400\n"
					"max-line = 1000\n"
					"dialect = dogstatsd\n"
					"key = name\n"
					"hash = maglev\n"
					"table-size = 1009\n"
					"flush-us = 500   ; trailing comment\n"
					"stats-json = /tmp/stats.json\n"
					"exit-idle = 250\n"
					"main-polls = true\n"
					"port = 2\n"
					"\n"
					"[shard b]\n"
					"address = 198.18.1.2:9125\n"
					"mac = 02:00:00:00:01:02\n"
					"weight = 2\n"
					"\n"
					"  [shard a]  \n"
					"  address=198.18.1.1\n"
					"  mac   =   02:00:00:00:01:01\n"
					"  name = alpha\n");

	(void)state;
	ASSERT_OK("--config", f);
	assert_string_equal(cfg.config_file, f);
	assert_int_equal(sr_ip4(&cfg.listen[SR_V4].ip), ip4(LISTEN));
	assert_int_equal(cfg.listen[SR_V4].port, 8126);
	assert_int_equal(cfg.max_payload, 1400);
	assert_int_equal(cfg.max_line, 1000);
	assert_int_equal(cfg.dialect, SR_DIALECT_DOGSTATSD);
	assert_int_equal(cfg.key_mode, SR_KEY_NAME);
	assert_int_equal(cfg.table_size, 1009);
	assert_int_equal(cfg.flush_us, 500);
	assert_string_equal(cfg.stats_json, "/tmp/stats.json");
	assert_int_equal(cfg.exit_idle_ms, 250);
	assert_true(cfg.main_polls);
	assert_int_equal(cfg.port_id, 2);
	/* Shards in file order. */
	assert_int_equal(cfg.n_shards, 2);
	assert_string_equal(cfg.shards[0].id, "198.18.1.2:9125");
	assert_int_equal(cfg.shards[0].weight, 2);
	assert_string_equal(cfg.shards[0].name, "198.18.1.2:9125");
	assert_string_equal(cfg.shards[1].id, "198.18.1.1:8125");
	assert_string_equal(cfg.shards[1].name, "alpha");
	assert_int_equal(cfg.shards[1].mac[5], 1);
	/* --config=FILE works too. */
	{
		char arg[300];
		snprintf(arg, sizeof(arg), "--config=%s", f);
		ASSERT_OK(arg);
		assert_int_equal(cfg.n_shards, 2);
	}
}

static void test_flags_override_file(void **state)
{
	const char *f = ini("override.ini", "[relay]\n"
					    "listen = 198.18.0.1\n"
					    "max-payload = 1000\n"
					    "flush-us = 10\n"
					    "main-polls = true\n"
					    "[shard one]\n"
					    "address = 198.18.1.1\n"
					    "mac = 02:00:00:00:01:01\n"
					    "[shard two]\n"
					    "address = 198.18.1.2\n"
					    "mac = 02:00:00:00:01:02\n");

	(void)state;
	/* Before or after --config: flags win. */
	ASSERT_OK("--max-payload", "1200", "--config", f, "--flush-us=20", "--main-polls=false");
	assert_int_equal(cfg.max_payload, 1200);
	assert_int_equal(cfg.flush_us, 20);
	assert_false(cfg.main_polls);
	assert_int_equal(cfg.n_shards, 2); /* no --shard: the file's */
	/* --shard replaces the file's list (all of it, with the flags' order). */
	ASSERT_OK("--config", f, "--shard", "198.18.1.9,mac=02:00:00:00:01:09", "--shard", SHARD2);
	assert_int_equal(cfg.n_shards, 2);
	assert_string_equal(cfg.shards[0].id, "198.18.1.9:8125");
	assert_string_equal(cfg.shards[1].id, "198.18.1.2:9125");
	ASSERT_OK("--shard", "198.18.1.9,mac=02:00:00:00:01:09", "--config", f);
	assert_int_equal(cfg.n_shards, 1);
	/* The flag's listen beats the file's. */
	ASSERT_OK("--config", f, "--listen", "198.18.0.77:1");
	assert_int_equal(sr_ip4(&cfg.listen[SR_V4].ip), ip4("198.18.0.77"));
}

static void test_two_config_files(void **state)
{
	const char *a = ini("a.ini", "[relay]\nlisten = 198.18.0.1\nflush-us = 1\n"
				     "[shard x]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n");
	const char *b = ini("b.ini", "[relay]\nflush-us = 2\n"
				     "[shard y]\naddress = 198.18.1.2\nmac = 02:00:00:00:01:02\n");

	(void)state;
	/* Loaded in order: later keys win, shards add up. */
	ASSERT_OK("--config", a, "--config", b);
	assert_int_equal(cfg.flush_us, 2);
	assert_int_equal(cfg.n_shards, 2);
	assert_string_equal(cfg.config_file, b);
	/* one file twice is a slip, said as such */
	ASSERT_ERROR("given twice", "--config", a, "--config", b, "--config", a);
}

static void test_ini_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("unknown key", "--config",
		     ini("k.ini", "[relay]\nlisten = 198.18.0.1\ncolour = red\n"
				  "[shard a]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n"));
	assert_non_null(strstr(err, "colour"));
	ASSERT_ERROR("unknown section", "--config",
		     ini("s.ini",
			 "[relay]\nlisten = 198.18.0.1\n[shards x]\naddress = 198.18.1.1\n"));
	ASSERT_ERROR("unknown section", "--config",
		     ini("s2.ini", "[shard]\naddress = 198.18.1.1\n"));
	ASSERT_ERROR("unknown section", "--config",
		     ini("s3.ini", "[shard ]\naddress = 198.18.1.1\n"));
	ASSERT_ERROR("unknown section", "--config",
		     ini("s4.ini", "[Relay]\nlisten = 198.18.0.1\n"));
	/* Command-line-only flags are no keys. */
	ASSERT_ERROR("unknown key", "--config",
		     ini("c1.ini", "[relay]\nlisten = 198.18.0.1\nshard = 198.18.1.1\n"));
	ASSERT_ERROR("unknown key", "--config", ini("c2.ini", "[relay]\nconfig = other.ini\n"));
	ASSERT_ERROR("unknown key", "--config", ini("c3.ini", "[relay]\n--listen = 198.18.0.1\n"));
	/* A line without '=' or outside a section is an error, not skipped. */
	ASSERT_ERROR("not 'key = value'", "--config",
		     ini("b1.ini", "[relay]\nlisten = 198.18.0.1\nmain-polls\n"));
	ASSERT_ERROR("outside any [section]", "--config", ini("b2.ini", "listen = 198.18.0.1\n"));
	ASSERT_ERROR("cannot read", "--config", "/nonexistent/dir/relay.ini");
	ASSERT_ERROR("--config needs a value", "--listen", LISTEN, "--config");
	/* Values are checked like flags, and the message says where. */
	ASSERT_ERROR("out of range", "--config",
		     ini("v1.ini", "[relay]\nlisten = 198.18.0.1\nmax-payload = 9\n"));
	ASSERT_ERROR("not a boolean", "--config",
		     ini("v2.ini", "[relay]\nlisten = 198.18.0.1\nmain-polls = maybe\n"));
	/* Shard sections. */
	ASSERT_ERROR("address = IP:PORT is required", "--config",
		     ini("h1.ini",
			 "[relay]\nlisten = 198.18.0.1\n[shard a]\nmac = 02:00:00:00:01:01\n"));
	assert_non_null(strstr(err, "[shard a]"));
	ASSERT_ERROR("unknown shard key", "--config",
		     ini("h2.ini", "[relay]\nlisten = 198.18.0.1\n[shard a]\naddress = 198.18.1.1\n"
				   "mac = 02:00:00:00:01:01\nport = 5\n"));
	ASSERT_ERROR("not a MAC address", "--config",
		     ini("h3.ini", "[relay]\nlisten = 198.18.0.1\n[shard a]\naddress = 198.18.1.1\n"
				   "mac = 02:00:00:00:01\n"));
	ASSERT_OK("--config",
		  ini("h4.ini", "[relay]\nlisten = 198.18.0.1\n[shard a]\naddress = 198.18.1.1\n"));
	ASSERT_OK("--config",
		  ini("h4b.ini", "[relay]\nlisten = 198.18.0.1/24:8125, [2001:db8::1]/64:8125\n"
				 "allow = 198.18.0.0/25, 2001:db8::/64\n"
				 "gateway = 198.18.0.254\nmtu = 9000\n[shard a]\n"
				 "address = [2001:db8::9]:8125\n"));
	assert_int_equal(cfg.n_allow, 2);
	assert_int_equal(cfg.mtu, 9000);
	assert_true(cfg.has_listen[SR_V4] && cfg.has_listen[SR_V6]);
	ASSERT_ERROR("listed twice", "--config",
		     ini("h5.ini",
			 "[relay]\nlisten = 198.18.0.1\n"
			 "[shard a]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n"
			 "[shard b]\naddress = 198.18.1.1:8125\nmac = 02:00:00:00:01:02\n"));
	/* An empty file is a valid file: then the flags must say everything. */
	ASSERT_ERROR("no shard", "--config", ini("empty.ini", ""));
	ASSERT_OK("--config", ini("empty2.ini", "; nothing\n\n"), "--listen", LISTEN, "--shard",
		  SHARD1);
}

/* --- helpers --- */

static void test_endpoint_format(void **state)
{
	struct sr_endpoint e = { .port = 8125 };
	uint32_t a = ip4("198.18.0.1");
	char buf[64];

	(void)state;
	memcpy(e.ip.a, &a, 4);
	sr_endpoint_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "198.18.0.1:8125");
	e.ip.v6 = SR_V6;
	assert_true(inet_pton(AF_INET6, "2001:db8::1", e.ip.a) == 1);
	sr_endpoint_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::1]:8125");
	e = (struct sr_endpoint){ .port = 65535 };
	memset(e.ip.a, 0xff, 4);
	sr_endpoint_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "255.255.255.255:65535");
	sr_endpoint_format(&e, buf, 8); /* truncated, terminated */
	assert_string_equal(buf, "255.255");
}

static void test_usage_lists_every_flag(void **state)
{
	static const char *const flags[] = { "--config",      "--listen",     "--shard",
					     "--max-payload", "--max-line",   "--dialect",
					     "--key",	      "--hash",	      "--table-size",
					     "--flush-us",    "--stats-json", "--exit-idle",
					     "--main-polls",  "--port",	      "--help",
					     "--version" };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	sr_config_usage(f);
	fclose(f);
	assert_true(len > 0);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strstr(text, flags[i]))
			fail_msg("usage does not mention %s", flags[i]);
	free(text);
}

static void test_small_error_buffer(void **state)
{
	char *argv[] = { (char *)"statsd-relay", (char *)"--bogus-option-with-a-long-name", NULL };
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	sr_config_defaults(&cfg);
	assert_int_equal(sr_config_parse(&cfg, 2, argv, small, sizeof(small)), SR_CONFIG_ERROR);
	assert_int_equal(small[7], '\0');
	assert_int_equal(strlen(small), 7);
}

static void test_config_shard_map(void **state)
{
	struct sr_shard_map *m;
	char why[256];

	(void)state;
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--shard", SHARD2 ",weight=3",
		  "--table-size", "1009");
	m = sr_config_shard_map(&cfg, why, sizeof(why));
	assert_non_null(m);
	assert_int_equal(m->mode, SR_HASH_MAGLEV);
	assert_int_equal(m->n_shards, 2);
	assert_int_equal(m->size, 1009);
	sr_shard_map_free(m);
	ASSERT_OK("--listen", LISTEN, "--shard", SHARD1, "--hash", "carbon-jump");
	m = sr_config_shard_map(&cfg, why, sizeof(why));
	assert_non_null(m);
	assert_int_equal(m->mode, SR_HASH_CARBON_JUMP);
	sr_shard_map_free(m);
}

/*
 * Regression (fixed): parse_mac() uses sscanf("%2x:..."), and %x skips white space and
 * takes a sign and a "0x" prefix, so with the length check (17 bytes) these
 * malformed MACs are accepted: "-1:22:33:44:55:66" becomes ff:22:33:44:55:66,
 * " 1:22:33:44:55:66" and "+1:22:33:44:55:66" become 01:..., and
 * "0x:22:33:44:55:66" becomes 00:22:.... Expected: "not a MAC address".
 */
static void test_regression_lenient_mac(void **state)
{
	(void)state;
	ASSERT_ERROR("not a MAC address", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=-1:22:33:44:55:66");
	ASSERT_ERROR("not a MAC address", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac= 1:22:33:44:55:66");
	ASSERT_ERROR("not a MAC address", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=+1:22:33:44:55:66");
	ASSERT_ERROR("not a MAC address", "--listen", LISTEN, "--shard",
		     "198.18.1.1,mac=0x:22:33:44:55:66");
}

/*
 * Regression (fixed): a section given twice. rte_cfgfile keeps both sections, but
 * rte_cfgfile_section_entries() finds a section by name, i.e. always the
 * first one: load_file() applies the first [relay] twice and never sees the
 * second one's keys (silently lost), and two [shard a] sections both get the
 * first one's address ("listed twice" for a file that lists two addresses).
 * Expected: the second section's keys applied, or an error naming the
 * repeated section.
 */
static void test_regression_repeated_section(void **state)
{
	enum sr_config_rc rc;

	(void)state;
	rc = PARSE("--config",
		   ini("r1.ini", "[relay]\nlisten = 198.18.0.1\n"
				 "[shard a]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n"
				 "[relay]\nflush-us = 7\n"));
	/* got SR_CONFIG_OK with flush_us 1000: "flush-us = 7" silently ignored */
	assert_true(rc == SR_CONFIG_ERROR || cfg.flush_us == 7);
	rc = PARSE("--config",
		   ini("r2.ini", "[relay]\nlisten = 198.18.0.1\n"
				 "[shard a]\naddress = 198.18.1.1\nmac = 02:00:00:00:01:01\n"
				 "[shard a]\naddress = 198.18.1.2\nmac = 02:00:00:00:01:02\n"));
	/* got "shard 198.18.1.1:8125 is listed twice" */
	assert_true(rc == SR_CONFIG_OK ? sr_ip4(&cfg.shards[1].addr.ip) == ip4("198.18.1.2")
				       : strstr(err, "shard a") != NULL);
}

/*
 * Regression (fixed) (missing check): two shards may share a name= (their identity on
 * the ring) although the same address twice is refused. With --hash
 * statsd-proxy both get the same md5 points; ties go to the lower index, so
 * the second shard never receives a key. With maglev both get the same
 * permutation. Expected: "... listed twice" (or a name-specific error).
 */
static void test_regression_duplicate_ring_name(void **state)
{
	(void)state;
	ASSERT_ERROR("twice", "--listen", LISTEN, "--hash", "statsd-proxy", "--shard",
		     SHARD1 ",name=same", "--shard", SHARD2 ",name=same");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_flags_both_forms),
		cmocka_unit_test(test_main_polls_values),
		cmocka_unit_test(test_number_ranges),
		cmocka_unit_test(test_names_and_modes),
		cmocka_unit_test(test_bad_endpoints),
		cmocka_unit_test(test_bad_macs),
		cmocka_unit_test(test_shard_flag),
		cmocka_unit_test(test_duplicate_shards),
		cmocka_unit_test(test_too_many_shards),
		cmocka_unit_test(test_default_table_size),
		cmocka_unit_test(test_unknown_and_stray_arguments),
		cmocka_unit_test(test_help_and_version_anywhere),
		cmocka_unit_test(test_ini_file),
		cmocka_unit_test(test_flags_override_file),
		cmocka_unit_test(test_two_config_files),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_endpoint_format),
		cmocka_unit_test(test_usage_lists_every_flag),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_config_shard_map),
	};
	const struct CMUnitTest regressions[] = {
		cmocka_unit_test(test_regression_lenient_mac),
		cmocka_unit_test(test_regression_repeated_section),
		cmocka_unit_test(test_regression_duplicate_ring_name),
	};

	return cmocka_run_group_tests_name("sr_config", tests, make_tmpdir, remove_tmpdir) |
	       cmocka_run_group_tests_name("sr_config regressions", regressions, make_tmpdir,
					   remove_tmpdir);
}
