/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * statsd-relay-where: "where does this line go?" For each line (arguments
 * after the relay options, or stdin), print the verdict, the series key's
 * canonical text and the shard, using the relay's own parser, key and map.
 *
 *   statsd-relay-where --config relay.ini -- 'api.req:1|c|#route:/a,code:200'
 *   some-client | statsd-relay-where --shard 198.18.1.1,mac=... --dialect etsy
 *
 * One output line per input line, tab-separated, the verdict first:
 *   shard N<TAB>ADDRESS<TAB>KEY<TAB>LINE   the relay sends it to shard N
 *   drop<TAB>REASON<TAB>LINE              the relay drops it, counted as REASON
 *   skip<TAB>(empty line: ...)            an empty line, or one of only "\r":
 *                                         the relay skips it, counted nowhere
 * Exit: 0 every line answered (whatever the verdicts); 2 bad options or
 * configuration; 1 other failures (out of memory).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect/sr_dialect.h"
#include "shard/sr_key.h"
#include "shard/sr_shard_map.h"
#include "sr_config.h"
#include "statsd/sr_payload.h"

#define SKIP_EMPTY "(empty line: not a line, not counted)"

static void usage(void)
{
	printf("Usage: statsd-relay-where [relay options] [-- LINE...]\n\n"
	       "Where does a line go? For each LINE after --, or without -- each line of\n"
	       "stdin, prints the verdict of the relay's own parser, series key and shard\n"
	       "map (nothing is sent; no EAL, no port). One output line per input line,\n"
	       "tab-separated:\n"
	       "  shard N  ADDRESS  KEY  LINE  sent to shard N (index from 0; ADDRESS its\n"
	       "                               IP:PORT); KEY is what the hash reads: the\n"
	       "                               series key's canonical text, or with a\n"
	       "                               compatibility --hash the text before ':'\n"
	       "  drop  REASON  LINE           dropped, counted as REASON (a line_* counter)\n"
	       "  skip  " SKIP_EMPTY "\n"
	       "                               an empty line, or one of only \"\\r\": the\n"
	       "                               relay skips it and counts it nowhere\n\n"
	       "Relay options: the relay's own, the same command line or config file\n"
	       "(--config FILE, --shard IP[:PORT][,weight=W][,name=N]..., --dialect,\n"
	       "--key, --hash, --table-size, --max-line, --max-payload: what decides the\n"
	       "verdict); the others are checked but change no verdict, and --listen and\n"
	       "mac= are not needed. 'statsd-relay --help' lists them all.\n"
	       "  --fingerprint  print the ring fingerprint of the placement (16 hex\n"
	       "             digits, as the relay prints at start and in --stats-json\n"
	       "             ring_fingerprint) and exit: equal on relays that send every\n"
	       "             series to the same aggregator\n"
	       "  --help     print this help and exit\n"
	       "  --version  print the version and exit\n\n"
	       "Exit status: 0 every line answered (whatever the verdicts); 2 bad options\n"
	       "or configuration (one line on stderr); 1 other failures.\n");
}

/* One line of n bytes (a NUL in a stdin line is part of it, as in a datagram). */
static void explain(const struct sr_config *c, const struct sr_shard_map *map, const char *text,
		    size_t n)
{
	struct sr_parse_cfg pc = { .dialect = c->dialect, .max_line = c->max_line };
	static struct sr_line line;
	char key[4096];
	const size_t len = n;
	int rc;

	if (n && text[n - 1] == '\r')
		n--;
	if (n == 0) { /* as the scan: not a line, so no lines_in and no drop reason */
		printf("skip\t%s\n", SKIP_EMPTY);
		return;
	}
	rc = sr_line_parse(&pc, (const uint8_t *)text, (uint32_t)n, &line);
	if (rc != SR_OK) {
		printf("drop\t%s\t", sr_drop_names[rc]);
		fwrite(text, 1, len, stdout);
		putchar('\n');
		return;
	}
	sr_line_key_text(&line, c->key_mode, key, sizeof(key));
	struct sr_payload_cfg pay = { .parse = pc, .key_mode = c->key_mode, .map = map };
	uint32_t shard = sr_payload_pick_shard(&pay, &line, (const uint8_t *)text, (uint32_t)n);
	if (!sr_hash_uses_series_key(c->hash)) /* the compatibility key: text before ':' */
		snprintf(key, sizeof(key), "%.*s", (int)strcspn(text, ":"), text);
	printf("shard %u\t%s\t%s\t%s\n", shard, c->shards[shard].id, key, text);
}

int main(int argc, char **argv)
{
	static struct sr_config cfg;
	struct sr_shard_map *map;
	char err[512], *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int sep, i, j;
	bool fingerprint = false;

	/* --fingerprint is this tool's own: taken out before the relay's options */
	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--fingerprint"))
			fingerprint = true;
		else
			argv[j++] = argv[i];
	}
	for (; i < argc; i++)
		argv[j++] = argv[i];
	argc = j;
	sep = argc;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	sr_config_defaults(&cfg);
	cfg.sends_nothing = true;
	switch (sr_config_parse(&cfg, sep, argv, err, sizeof(err))) {
	case SR_CONFIG_HELP:
		usage();
		return 0;
	case SR_CONFIG_VERSION:
		printf("statsd-relay-where %s\n", SR_VERSION);
		return 0;
	case SR_CONFIG_ERROR:
		fprintf(stderr, "statsd-relay-where: %s\n", err);
		return 2;
	case SR_CONFIG_OK:
		break;
	}
	map = sr_config_shard_map(&cfg, err, sizeof(err));
	if (!map) {
		fprintf(stderr, "statsd-relay-where: %s\n", err);
		return 1;
	}
	if (fingerprint) {
		printf("%016" PRIx64 "\n", sr_config_fingerprint(&cfg, map));
	} else if (sep < argc) {
		for (i = sep + 1; i < argc; i++)
			explain(&cfg, map, argv[i], strlen(argv[i]));
	} else {
		while ((len = getline(&buf, &cap, stdin)) >= 0) {
			if (len && buf[len - 1] == '\n')
				buf[--len] = '\0';
			explain(&cfg, map, buf, (size_t)len); /* empty too: one verdict a line */
		}
		free(buf);
	}
	sr_shard_map_free(map);
	return 0;
}
