/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's configuration: defaults, then the INI file (--config), then the
 * command-line flags. Every flag is also a key of the file's [relay] section,
 * spelt the same; shards are [shard NAME] sections or --shard flags (which,
 * when given, replace the file's list). Parsed before EAL starts, so a bad
 * value is reported in one line and nothing is set up.
 */
#ifndef SR_CONFIG_H
#define SR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dialect/sr_dialect.h"
#include "net/sr_addr.h"
#include "shard/sr_key.h"
#include "shard/sr_shard_map.h"

#define SR_MAX_SHARDS 1024
#define SR_DEFAULT_PORT 8125
#define SR_MAX_PAYLOAD_LIMIT 8972 /* 9000-byte jumbo MTU less IPv4 and UDP headers */
#define SR_MAX_ALLOW 64
#define SR_DEFAULT_MAX_LINE 8192
#define SR_MAX_LINE_LIMIT 65506 /* a line and its '\n' in one UDP datagram */

struct sr_shard_cfg {
	struct sr_endpoint addr;
	uint8_t mac[6];
	bool has_mac;
	uint32_t weight; /* maglev, statsd-proxy */
	char id[64];	 /* "IP:PORT" ("[IPv6]:PORT"), as the stats list it */
	char name[128];	 /* its name on the ring: name=, else id */
};

struct sr_config {
	struct sr_endpoint listen[SR_FAMILIES]; /* [SR_V4], [SR_V6] */
	bool has_listen[SR_FAMILIES];
	struct sr_ip gateway[SR_FAMILIES];
	bool has_gateway[SR_FAMILIES];
	struct sr_prefix allow[SR_MAX_ALLOW]; /* none: every client */
	uint32_t n_allow;
	uint32_t mtu;
	struct sr_shard_cfg shards[SR_MAX_SHARDS];
	uint32_t n_shards;
	uint32_t max_payload;
	uint32_t max_line;
	enum sr_dialect dialect;
	enum sr_key_mode key_mode;
	enum sr_hash_mode hash;
	uint32_t table_size;
	bool table_size_given; /* else sized to the shard count (sr_config_parse) */
	uint32_t flush_us;
	uint32_t exit_idle_ms; /* 0: run until a signal */
	bool main_polls;
	uint16_t port_id;
	int32_t egress_port;			/* -1: send on port_id (one-armed) */
	struct sr_endpoint egress[SR_FAMILIES]; /* two-armed: the egress side's address/subnet */
	bool has_egress[SR_FAMILIES];
	bool io_mode; /* --mode io: forward frames untouched (the I/O ceiling) */
	bool record_cycles;
	/* downstream health (net/sr_health.h) */
	uint32_t health_interval_ms; /* 0: passive only */
	uint32_t health_fall, health_rise;
	bool on_down_keep;	 /* --on-shard-down keep */
	uint32_t self_metrics_s; /* 0: off */
	char self_metrics_prefix[64];
	uint32_t stats_interval_s; /* 0: off */
	char stats_json[PATH_MAX];
	char config_file[PATH_MAX];
	bool sends_nothing; /* a tool (statsd-relay-where): no listen address or MACs needed */
};

enum sr_config_rc {
	SR_CONFIG_OK = 0,
	SR_CONFIG_ERROR = 1,   /* message in err */
	SR_CONFIG_HELP = 2,    /* --help seen */
	SR_CONFIG_VERSION = 3, /* --version seen */
};

void sr_config_defaults(struct sr_config *c);

/* Parse the relay's arguments (what follows "--"); argv[0] is not an argument. */
enum sr_config_rc sr_config_parse(struct sr_config *c, int argc, char **argv, char *err,
				  size_t errlen);

/* The largest UDP payload the relay receives whole: what reassembly takes
 * at the MTU (the bound of --max-line). */
uint32_t sr_config_max_datagram(const struct sr_config *c);

/*
 * The ring fingerprint: a 64-bit hash of the effective placement, equal on
 * two relays exactly when each series goes to the same aggregator from
 * both: the key rule (dialect, key mode), the hash mode, each shard's
 * address in index order, and what the map looks keys up in.
 */
uint64_t sr_config_fingerprint(const struct sr_config *c, const struct sr_shard_map *m);

/* The shard map the configuration asks for (NULL with a reason in err). */
struct sr_shard_map *sr_config_shard_map(const struct sr_config *c, char *err, size_t errlen);
/* ... with the shards down[i] failed over (sr_shard_map_fail_over); down NULL: none. */
struct sr_shard_map *sr_config_shard_map_down(const struct sr_config *c, const bool *down,
					      char *err, size_t errlen);

/* Is arg ("--name" or "--name=value") one of the relay's options? */
bool sr_config_is_option(const char *arg);

/*
 * What a reload would change. Reloadable: the shard list (added, removed,
 * reordered, mac=, weight=, name=), hash, table-size, key, dialect,
 * max-line, allow, gateway, flush-us. Any other key changed refuses the
 * whole reload, naming the key.
 */
struct sr_config_change {
	bool shards;	  /* the list: an entry added, removed, moved or changed */
	uint32_t added;	  /* shards in next but not in run (by name on the ring) */
	uint32_t removed; /* shards in run but not in next */
	bool hash, table_size, key, dialect, max_line, allow, gateway, flush_us;
};

/* 0 with *ch filled (nothing changed: every field false), or -1 with the key
 * that cannot change without a restart named in why. Both configurations
 * have passed sr_config_parse. */
int sr_config_diff(const struct sr_config *run, const struct sr_config *next,
		   struct sr_config_change *ch, char *why, size_t len);

/* Print the relay's usage (flags, INI keys, defaults). */
void sr_config_usage(FILE *out);

#endif
