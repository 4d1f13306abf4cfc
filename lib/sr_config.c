/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/sr_fragment.h"
#include "shard/sr_hash.h"
#include "sr_config.h"
#include "text/sr_ini.h"

struct parse_state {
	struct sr_config *c;
	bool shards_from_flags; /* the first --shard flag drops the file's list */
	bool allow_from_flags;	/* same for --allow */
	bool from_flags;	/* parsing the command line (else the file) */
	uint8_t listen_seen[SR_FAMILIES], gateway_seen[SR_FAMILIES], egress_seen[SR_FAMILIES];
	char *err;
	size_t errlen;
};

static int fail(struct parse_state *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_u32(struct parse_state *s, const char *what, const char *v, uint32_t min,
		     uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	if (!isdigit((unsigned char)v[0]))
		return fail(s, "%s: '%s' is not a number", what, v);
	x = strtoull(v, &end, 10);
	if (errno || *end != '\0')
		return fail(s, "%s: '%s' is not a number", what, v);
	if (x < min || x > max)
		return fail(s, "%s: %s is out of range [%u, %u]", what, v, min, max);
	*out = (uint32_t)x;
	return 0;
}

static int parse_bool(struct parse_state *s, const char *what, const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
		 !strcasecmp(v, "off"))
		*out = false;
	else
		return fail(s, "%s: '%s' is not a boolean (true/false)", what, v);
	return 0;
}

/*
 * Endpoint forms: A.B.C.D[/LEN][:PORT] and [IPv6][/LEN][:PORT] (also
 * [IPv6/LEN][:PORT]); LEN only where with_prefix. The port defaults to 8125.
 */
static int parse_endpoint(struct parse_state *s, const char *what, const char *v,
			  struct sr_endpoint *e, bool with_prefix)
{
	const char *ip = v, *rest, *slash;
	size_t iplen;
	uint32_t port = SR_DEFAULT_PORT, len;

	memset(e, 0, sizeof(*e));
	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (!close)
			return fail(s, "%s: '%s': no closing ']'", what, v);
		ip = v + 1;
		iplen = (size_t)(close - ip);
		rest = close + 1;
		slash = memchr(ip, '/', iplen); /* [IPv6/LEN] */
		if (slash) {
			rest = slash;
			iplen = (size_t)(slash - ip);
		}
	} else {
		iplen = strcspn(v, "/:");
		if (v[iplen] == ':' && strchr(v + iplen + 1, ':'))
			return fail(s, "%s: '%s': write IPv6 addresses as [ADDR]:PORT", what, v);
		rest = v + iplen;
	}
	if (!sr_ip_parse(ip, iplen, &e->ip))
		return fail(s, "%s: '%.*s' is not an IP address", what, (int)iplen, ip);
	e->prefix = e->ip.v6 ? 128 : 32;
	if (*rest == '/') {
		char num[8];
		size_t n = strcspn(rest + 1, "]:");
		if (!with_prefix)
			return fail(s, "%s: '%s': no /prefix here", what, v);
		if (n == 0 || n >= sizeof(num))
			return fail(s, "%s: '%s': bad prefix length", what, v);
		memcpy(num, rest + 1, n);
		num[n] = '\0';
		if (parse_u32(s, what, num, 1, e->ip.v6 ? 128 : 32, &len))
			return -1;
		e->prefix = (uint8_t)len;
		rest += 1 + n;
		if (*rest == ']')
			rest++;
	}
	if (*rest == ':') {
		if (parse_u32(s, what, rest + 1, 1, 65535, &port))
			return -1;
	} else if (*rest != '\0') {
		return fail(s, "%s: '%s' is not IP[:PORT]", what, v);
	}
	e->port = (uint16_t)port;
	return 0;
}

/* A.B.C.D[/LEN] or IPv6[/LEN] (brackets allowed), no port. */
static int parse_prefix(struct parse_state *s, const char *what, const char *v, struct sr_prefix *p)
{
	const char *slash = strchr(v, '/');
	size_t iplen = slash ? (size_t)(slash - v) : strlen(v);
	const char *ip = v;
	uint32_t len;

	if (iplen >= 2 && v[0] == '[' && v[iplen - 1] == ']') {
		ip++;
		iplen -= 2;
	}
	if (!sr_ip_parse(ip, iplen, &p->ip))
		return fail(s, "%s: '%s' is not an IP address or prefix", what, v);
	p->len = p->ip.v6 ? 128 : 32;
	if (slash) {
		if (parse_u32(s, what, slash + 1, 0, p->ip.v6 ? 128 : 32, &len))
			return -1;
		p->len = (uint8_t)len;
	}
	return 0;
}

/* Apply fn to each element of a comma-separated list (INI values). */
static int each_item(struct parse_state *s, const char *v,
		     int (*fn)(struct parse_state *, const char *))
{
	char *buf = strdup(v), *save = NULL, *tok;
	int n = 0, rc = 0;

	if (!buf)
		return fail(s, "out of memory");
	for (tok = strtok_r(buf, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		char *end = tok + strlen(tok);
		while (*tok == ' ' || *tok == '\t')
			tok++;
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strpbrk(tok, " \t"))
			rc = fail(s, "'%s': separate the items of a list with ','", tok);
		else
			rc = fn(s, tok);
		n++;
	}
	free(buf);
	if (rc)
		return -1;
	return n ? 0 : fn(s, ""); /* an empty value: let the item say what is wrong */
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Exactly xx:xx:xx:xx:xx:xx, two hex digits each. */
static int parse_mac(struct parse_state *s, const char *what, const char *v, uint8_t mac[6])
{
	int i;

	if (strlen(v) != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		int hi = hex_digit(v[3 * i]), lo = hex_digit(v[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && v[3 * i + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
bad:
	return fail(s, "%s: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", what, v);
}

/* --- shards --- */

static struct sr_shard_cfg *new_shard(struct parse_state *s)
{
	struct sr_shard_cfg *sh;

	if (s->c->n_shards == SR_MAX_SHARDS) {
		fail(s, "too many shards (at most %d)", SR_MAX_SHARDS);
		return NULL;
	}
	sh = &s->c->shards[s->c->n_shards++];
	memset(sh, 0, sizeof(*sh));
	sh->weight = 1;
	return sh;
}

/* One shard attribute, from "key=value" in --shard or a key of [shard NAME]. */
static int shard_key(struct parse_state *s, struct sr_shard_cfg *sh, const char *what,
		     const char *key, const char *val)
{
	if (!strcmp(key, "address")) {
		if (parse_endpoint(s, what, val, &sh->addr, false))
			return -1;
		if (!sr_ip_unicast(&sh->addr.ip))
			return fail(s, "%s: '%s' is not a unicast address", what, val);
		sr_endpoint_format(&sh->addr, sh->id, sizeof(sh->id));
		return 0;
	}
	if (!strcmp(key, "mac")) {
		if (sh->has_mac)
			return fail(s, "%s: mac= given twice", what);
		sh->has_mac = true;
		if (parse_mac(s, what, val, sh->mac))
			return -1;
		/* the group bit: broadcast and multicast; and no NIC has all zeros */
		if ((sh->mac[0] & 1) || !memcmp(sh->mac, "\0\0\0\0\0\0", 6))
			return fail(s, "%s: mac=%s is not a unicast MAC address", what, val);
		return 0;
	}
	if (!strcmp(key, "weight"))
		return parse_u32(s, what, val, 1, 1000000, &sh->weight);
	if (!strcmp(key, "name")) {
		if (val[0] == '\0' || strlen(val) >= sizeof(sh->name))
			return fail(s, "%s: name '%s' is empty or too long", what, val);
		strcpy(sh->name, val);
		return 0;
	}
	return fail(s, "%s: unknown shard key '%s' (address, mac, weight, name)", what, key);
}

/* --shard IP:PORT,mac=MAC */
static int opt_shard(struct parse_state *s, const char *v)
{
	char buf[512], *save = NULL, *tok;
	struct sr_shard_cfg *sh;
	bool first = true;

	if (!s->shards_from_flags) {
		s->c->n_shards = 0;
		s->shards_from_flags = true;
	}
	if (strlen(v) >= sizeof(buf))
		return fail(s, "--shard: '%s' is too long", v);
	/* the address comes first: "IP[:PORT]" before any ",key=value" */
	if (v[0] == ',' || (strchr(v, '=') && strchr(v, '=') < v + strcspn(v, ",")))
		return fail(s, "--shard: '%s': the address comes first: IP[:PORT][,key=value...]",
			    v);
	strcpy(buf, v);
	if (!(sh = new_shard(s)))
		return -1;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int rc;
		if (first) {
			rc = shard_key(s, sh, "--shard", "address", tok);
			first = false;
		} else if (!eq) {
			return fail(s, "--shard: '%s' is not key=value", tok);
		} else {
			*eq = '\0';
			rc = shard_key(s, sh, "--shard", tok, eq + 1);
		}
		if (rc)
			return -1;
	}
	if (first)
		return fail(s, "--shard: empty value");
	return 0;
}

/* --- the flag table: each entry is a flag and a [relay] key --- */

struct opt {
	const char *name;
	const char *arg; /* NULL: a switch */
	const char *def;
	const char *help;
	int (*apply)(struct parse_state *s, const char *v);
	bool cli_only; /* not an INI key */
};

/*
 * One value per family from each source: a second in the file, or a second on
 * the command line, is an error; the command line's replaces the file's.
 */
static int once_per_family(struct parse_state *s, uint8_t seen[SR_FAMILIES], uint8_t fam,
			   const char *what, const char *things)
{
	if (seen[fam] == s->from_flags + 1)
		return fail(s, "%s: two IPv%c %s (one per family)", what, fam ? '6' : '4', things);
	seen[fam] = (uint8_t)(s->from_flags + 1);
	return 0;
}

/* One address per family; from the command line it replaces the file's. */
static int listen_one(struct parse_state *s, const char *v)
{
	struct sr_endpoint e;

	if (parse_endpoint(s, "--listen", v, &e, true))
		return -1;
	if (!sr_ip_unicast(&e.ip))
		return fail(s, "--listen: '%s' is not a unicast address", v);
	if (once_per_family(s, s->listen_seen, e.ip.v6, "--listen", "addresses"))
		return -1;
	s->c->listen[e.ip.v6] = e;
	s->c->has_listen[e.ip.v6] = true;
	return 0;
}

static int opt_listen(struct parse_state *s, const char *v)
{
	return each_item(s, v, listen_one);
}

static int gateway_one(struct parse_state *s, const char *v)
{
	struct sr_prefix p;

	if (parse_prefix(s, "--gateway", v, &p))
		return -1;
	if (p.len != (p.ip.v6 ? 128 : 32) || !sr_ip_unicast(&p.ip))
		return fail(s, "--gateway: '%s' is not a unicast address", v);
	if (once_per_family(s, s->gateway_seen, p.ip.v6, "--gateway", "gateways"))
		return -1;
	s->c->gateway[p.ip.v6] = p.ip;
	s->c->has_gateway[p.ip.v6] = true;
	return 0;
}

static int opt_gateway(struct parse_state *s, const char *v)
{
	return each_item(s, v, gateway_one);
}

static int allow_one(struct parse_state *s, const char *v)
{
	if (!s->allow_from_flags && s->from_flags) {
		s->c->n_allow = 0; /* flags replace the file's list */
		s->allow_from_flags = true;
	}
	if (s->c->n_allow == SR_MAX_ALLOW)
		return fail(s, "--allow: at most %d prefixes", SR_MAX_ALLOW);
	return parse_prefix(s, "--allow", v, &s->c->allow[s->c->n_allow++]);
}

static int opt_allow(struct parse_state *s, const char *v)
{
	return each_item(s, v, allow_one);
}

static int opt_mtu(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--mtu", v, 576, 9216, &s->c->mtu);
}

static int opt_max_payload(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--max-payload", v, 16, SR_MAX_PAYLOAD_LIMIT, &s->c->max_payload);
}

static int opt_flush_us(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--flush-us", v, 0, 10000000, &s->c->flush_us);
}

static int opt_exit_idle(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--exit-idle", v, 1, 86400000, &s->c->exit_idle_ms);
}

static int opt_max_line(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--max-line", v, 1, SR_MAX_LINE_LIMIT, &s->c->max_line);
}

static int opt_dialect(struct parse_state *s, const char *v)
{
	int d;

	for (d = 0; d < SR_DIALECT__COUNT; d++)
		if (!strcmp(v, sr_dialect_name((enum sr_dialect)d))) {
			s->c->dialect = (enum sr_dialect)d;
			return 0;
		}
	return fail(s, "--dialect: '%s' is not one of telegraf, dogstatsd, etsy", v);
}

static int opt_key(struct parse_state *s, const char *v)
{
	if (!strcmp(v, "name+tags"))
		s->c->key_mode = SR_KEY_NAME_TAGS;
	else if (!strcmp(v, "name"))
		s->c->key_mode = SR_KEY_NAME;
	else
		return fail(s, "--key: '%s' is not name+tags or name", v);
	return 0;
}

static int opt_hash(struct parse_state *s, const char *v)
{
	int m;

	for (m = 0; m < SR_HASH__COUNT; m++)
		if (!strcmp(v, sr_hash_names[m])) {
			s->c->hash = (enum sr_hash_mode)m;
			return 0;
		}
	return fail(s,
		    "--hash: '%s' is not one of maglev, jump, statsd-proxy, statsrelay, "
		    "carbon-jump",
		    v);
}

static int opt_table_size(struct parse_state *s, const char *v)
{
	s->c->table_size_given = true;
	if (parse_u32(s, "--table-size", v, 3, SR_MAGLEV_MAX_SIZE, &s->c->table_size))
		return -1;
	if (!sr_is_prime(s->c->table_size))
		return fail(s, "--table-size: %s is not a prime", v);
	return 0;
}

static int opt_port(struct parse_state *s, const char *v)
{
	uint32_t p = 0;

	if (parse_u32(s, "--port", v, 0, 1023, &p))
		return -1;
	s->c->port_id = (uint16_t)p;
	return 0;
}

static int opt_egress_port(struct parse_state *s, const char *v)
{
	uint32_t p = 0;

	if (parse_u32(s, "--egress-port", v, 0, 1023, &p))
		return -1;
	s->c->egress_port = (int32_t)p;
	return 0;
}

static int egress_address_one(struct parse_state *s, const char *v)
{
	struct sr_endpoint e;

	if (parse_endpoint(s, "--egress-address", v, &e, true))
		return -1;
	if (!sr_ip_unicast(&e.ip))
		return fail(s, "--egress-address: '%s' is not a unicast address", v);
	if (once_per_family(s, s->egress_seen, e.ip.v6, "--egress-address", "addresses"))
		return -1;
	s->c->egress[e.ip.v6] = e;
	s->c->has_egress[e.ip.v6] = true;
	return 0;
}

static int opt_egress_address(struct parse_state *s, const char *v)
{
	return each_item(s, v, egress_address_one);
}

static int opt_mode(struct parse_state *s, const char *v)
{
	if (!strcmp(v, "relay") || !strcmp(v, "io")) {
		s->c->io_mode = !strcmp(v, "io");
		return 0;
	}
	return fail(s, "--mode: '%s' is not relay or io", v);
}

static int opt_record_cycles(struct parse_state *s, const char *v)
{
	return parse_bool(s, "--record-cycles", v ? v : "true", &s->c->record_cycles);
}

static int opt_main_polls(struct parse_state *s, const char *v)
{
	return parse_bool(s, "--main-polls", v ? v : "true", &s->c->main_polls);
}

static int opt_health_interval(struct parse_state *s, const char *v)
{
	if (parse_u32(s, "--health-interval", v, 0, 600000, &s->c->health_interval_ms))
		return -1;
	if (s->c->health_interval_ms && s->c->health_interval_ms < 50)
		return fail(s, "--health-interval %u: 0 (passive checks only) or at least 50 ms",
			    s->c->health_interval_ms);
	return 0;
}

static int opt_health_fall(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--health-fall", v, 1, 1000, &s->c->health_fall);
}

static int opt_health_rise(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--health-rise", v, 1, 1000, &s->c->health_rise);
}

static int opt_on_shard_down(struct parse_state *s, const char *v)
{
	if (!strcmp(v, "reshard") || !strcmp(v, "keep")) {
		s->c->on_down_keep = !strcmp(v, "keep");
		return 0;
	}
	return fail(s, "--on-shard-down: '%s' is not reshard or keep", v);
}

static int opt_self_metrics_interval(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--self-metrics-interval", v, 0, 86400, &s->c->self_metrics_s);
}

static int opt_self_metrics_prefix(struct parse_state *s, const char *v)
{
	size_t i, n = strlen(v);

	if (n == 0 || n >= sizeof(s->c->self_metrics_prefix))
		return fail(s, "--self-metrics-prefix: 1 to %zu characters",
			    sizeof(s->c->self_metrics_prefix) - 1);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '.' && v[i] != '-')
			return fail(s,
				    "--self-metrics-prefix '%s': letters, digits, '_', '.' and '-' "
				    "only",
				    v);
	strcpy(s->c->self_metrics_prefix, v);
	return 0;
}

static int opt_stats_interval(struct parse_state *s, const char *v)
{
	return parse_u32(s, "--stats-interval", v, 0, 86400, &s->c->stats_interval_s);
}

static int opt_stats_json(struct parse_state *s, const char *v)
{
	if (strlen(v) >= sizeof(s->c->stats_json) || v[0] == '\0')
		return fail(s, "--stats-json: bad file name '%s'", v);
	strcpy(s->c->stats_json, v);
	return 0;
}

static int opt_config(struct parse_state *s, const char *v)
{
	(void)s;
	(void)v; /* loaded before the other flags */
	return 0;
}

static const struct opt opts[] = {
	{ "config", "FILE", "-", "INI file: [relay] keys as below, [shard NAME] sections",
	  opt_config, true },
	{ "listen", "IP[/LEN][:PORT]", "port 8125",
	  "address (and subnet) and UDP port the relay answers on, once per family "
	  "(IPv6: [ADDR]/LEN:PORT); also the source of what it sends",
	  opt_listen, false },
	{ "gateway", "IP", "-", "next hop for shards outside the listen subnet, once per family",
	  opt_gateway, false },
	{ "allow", "PREFIX", "all",
	  "only clients in these prefixes (repeat; IPv4 and IPv6); others: frame_not_allowed",
	  opt_allow, false },
	{ "mtu", "BYTES", "1500", "MTU of the port: no packet sent is larger", opt_mtu, false },
	{ "shard", "IP[:PORT][,mac=MAC][,weight=W][,name=N]", "-",
	  "a downstream StatsD server (repeat; order = shard index; replaces the file's)",
	  opt_shard, true },
	{ "max-payload", "BYTES", "1432", "largest UDP payload sent (1432: 1500-byte MTU)",
	  opt_max_payload, false },
	{ "max-line", "BYTES", "8192",
	  "longest line accepted (longer: line_too_long); a line longer than max-payload "
	  "goes in a datagram of its own, IP-fragmented to the MTU",
	  opt_max_line, false },
	{ "dialect", "NAME", "telegraf",
	  "downstream whose rules decide what is valid and what a series is: telegraf, "
	  "dogstatsd, etsy",
	  opt_dialect, false },
	{ "key", "MODE", "name+tags",
	  "series key: name+tags, or name (every tag combination of a metric together)", opt_key,
	  false },
	{ "hash", "MODE", "maglev",
	  "shard choice: maglev, jump, or as the relay you migrate from: statsd-proxy, "
	  "statsrelay, carbon-jump",
	  opt_hash, false },
	{ "table-size", "N", "65537+",
	  "Maglev table entries: a prime > 100 x shards (default: the smallest of at least 65537)",
	  opt_table_size, false },
	{ "flush-us", "N", "1000", "longest a partly filled outgoing packet waits (us)",
	  opt_flush_us, false },
	{ "stats-json", "FILE", "-", "write the counters as JSON at exit", opt_stats_json, false },
	{ "exit-idle", "MS", "off",
	  "exit once every RX queue was idle MS ms (from the last frame or from start)",
	  opt_exit_idle, false },
	{ "main-polls", NULL, "false", "the main lcore polls a queue too", opt_main_polls, false },
	{ "port", "N", "0", "DPDK port to receive (and, one-armed, send) on", opt_port, false },
	{ "egress-port", "N", "the port", "two-armed: DPDK port to send StatsD on (from its MAC)",
	  opt_egress_port, false },
	{ "egress-address", "IP/LEN", "-",
	  "two-armed: the egress port's address and subnet, once per family: the source of "
	  "what is sent there; its neighbours are resolved there (else shards need mac=)",
	  opt_egress_address, false },
	{ "mode", "MODE", "relay",
	  "relay, or io: forward every frame untouched to the egress port (the I/O ceiling, "
	  "like testpmd's io engine)",
	  opt_mode, false },
	{ "health-interval", "MS", "500",
	  "shard health probes (ICMP echo, an empty UDP datagram) every MS ms; 0: passive "
	  "signals only (ARP/ND, ICMP port unreachable)",
	  opt_health_interval, false },
	{ "health-fall", "N", "3", "failed checks in a row that take a shard down", opt_health_fall,
	  false },
	{ "health-rise", "N", "3", "good checks in a row that bring a down shard back",
	  opt_health_rise, false },
	{ "on-shard-down", "MODE", "reshard",
	  "reshard: a down shard's series go to the others (back when it recovers); keep: "
	  "nothing moves, lines for it are sent and counted (lines_while_down)",
	  opt_on_shard_down, false },
	{ "self-metrics-interval", "S", "off",
	  "every S s, the relay's own counters as StatsD lines, sharded like any line",
	  opt_self_metrics_interval, false },
	{ "self-metrics-prefix", "NAME", "statsd_relay", "the prefix of those lines' names",
	  opt_self_metrics_prefix, false },
	{ "stats-interval", "S", "off",
	  "every S s, one log line of rates (lines in/out, drops by top reason, shards down)",
	  opt_stats_interval, false },
	{ "record-cycles", NULL, "false",
	  "count TSC cycles spent on received bursts, per poller (printed with the stats)",
	  opt_record_cycles, false },
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *find_opt(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPTS; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

bool sr_config_is_option(const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return false;
	arg += 2;
	return find_opt(arg, strcspn(arg, "=")) != NULL;
}

void sr_config_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: statsd-relay [EAL options] -- [relay options]\n\n"
		     "Relay options (each is also a key of the config file's [relay] section):\n");
	for (i = 0; i < N_OPTS; i++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(out, "  %-28s %s (default %s)\n", left, opts[i].help, opts[i].def);
	}
	fprintf(out, "  %-28s %s\n  %-28s %s\n", "--help", "print this help and exit", "--version",
		"print the version and exit");
	fprintf(out, "\nConfig file: ';' comments; [relay] with the keys above; one\n"
		     "[shard NAME] section per shard (in file order = shard index; NAME labels\n"
		     "the section only), with the keys of --shard:\n"
		     "  address = IP[:PORT]  the downstream StatsD server (required; IPv6 as\n"
		     "                       [ADDR]:PORT; port 8125 if left out)\n"
		     "  mac = MAC            its MAC address, a static override (else resolved\n"
		     "                       by ARP / Neighbor Discovery)\n"
		     "  weight = W           relative capacity, 1-1000000 (default 1; maglev and\n"
		     "                       statsd-proxy)\n"
		     "  name = N             its name on the ring (default IP:PORT): keep it when\n"
		     "                       the address changes and its series stay put\n"
		     "Flags override the file. EAL options: see dpdk-testpmd --help.\n");
}

void sr_config_defaults(struct sr_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_payload = 1432;
	c->max_line = SR_DEFAULT_MAX_LINE;
	c->flush_us = 1000;
	c->table_size = SR_MAGLEV_DEFAULT_SIZE;
	c->mtu = 1500;
	c->egress_port = -1;
	c->health_interval_ms = 500;
	c->health_fall = 3;
	c->health_rise = 3;
	strcpy(c->self_metrics_prefix, "statsd_relay");
}

#define SR_FINGERPRINT_SEED 0x72696e67667072ull /* "ringfpr" */

/* --- the INI file --- */

/* An entry's error, said with the file and line it came from. */
static int fail_at(struct parse_state *s, const char *file, int line)
{
	char *why = strdup(s->err);

	if (why)
		snprintf(s->err, s->errlen, "--config: %s:%d: %s", file, line, why);
	free(why);
	return -1;
}

static int load_file(struct parse_state *s, const char *file)
{
	struct sr_shard_cfg *sh = NULL;
	struct sr_ini ini;
	char what[160];
	int sh_line = 0, rc = 0;
	size_t i;

	if (sr_ini_load(file, &ini, s->err, s->errlen)) {
		char *why = strdup(s->err);
		fail(s, "--config: %s", why ? why : "out of memory");
		free(why);
		return -1;
	}
	for (i = 0; i <= ini.n && !rc; i++) {
		const struct sr_ini_entry *e = i < ini.n ? &ini.e[i] : NULL;

		/* a shard section is complete at the next section or the end */
		if (sh && (!e || !e->key)) {
			if (sh->id[0] == '\0') {
				fail(s, "%s: address = IP:PORT is required", what);
				rc = fail_at(s, file, sh_line);
			}
			sh = NULL;
		}
		if (!e || rc)
			break;
		if (!e->key) { /* a section */
			snprintf(what, sizeof(what), "[%s]", e->section);
			if (!strncmp(e->section, "shard ", 6) && e->section[6] != '\0') {
				sh_line = e->line;
				if (!(sh = new_shard(s)))
					rc = fail_at(s, file, e->line);
			} else if (strcmp(e->section, "relay") != 0) {
				fail(s, "unknown section [%s] (relay, shard NAME)", e->section);
				rc = fail_at(s, file, e->line);
			}
			continue;
		}
		if (sh) {
			rc = shard_key(s, sh, what, e->key, e->value);
		} else {
			const struct opt *o = find_opt(e->key, strlen(e->key));
			snprintf(what, sizeof(what), "[relay] %s", e->key);
			if (!o || o->cli_only)
				rc = fail(s, "%s: unknown key", what);
			else
				rc = o->apply(s, e->value);
		}
		if (rc)
			fail_at(s, file, e->line);
	}
	sr_ini_free(&ini);
	return rc ? -1 : 0;
}

/* --- command line --- */

/* An address of ours on a subnet's broadcast address (RFC 919, RFC 1812 5.3.5). */
static int own_address_ok(struct parse_state *s, const char *what, const struct sr_endpoint *e)
{
	char ip[64];

	if (!sr_ip_is_subnet_broadcast(&e->ip, e->prefix))
		return 0;
	sr_ip_format(&e->ip, ip, sizeof(ip));
	return fail(s, "%s: %s is the broadcast address of its /%u subnet", what, ip, e->prefix);
}

/* Addresses that cannot work together: each is an error of its own. */
static int check_addresses(struct parse_state *s)
{
	const struct sr_config *c = s->c;
	char ip[64];
	uint32_t i;
	int f;

	for (f = 0; f < SR_FAMILIES; f++) {
		const struct sr_endpoint *side = c->has_egress[f] ? &c->egress[f] : &c->listen[f];

		if (c->has_listen[f] && own_address_ok(s, "--listen", &c->listen[f]))
			return -1;
		if (c->has_egress[f] && own_address_ok(s, "--egress-address", &c->egress[f]))
			return -1;
		if (!c->has_gateway[f])
			continue;
		sr_ip_format(&c->gateway[f], ip, sizeof(ip));
		if (!c->has_listen[f])
			return fail(s, "--gateway %s: there is no IPv%c --listen address", ip,
				    f ? '6' : '4');
		if (sr_ip_equal(&c->gateway[f], &c->listen[f].ip) ||
		    (c->has_egress[f] && sr_ip_equal(&c->gateway[f], &c->egress[f].ip)))
			return fail(s, "--gateway %s is the relay's own address", ip);
		/* the gateway is a neighbour on the side that sends */
		if (!sr_ip_in_prefix(&c->gateway[f], &side->ip, side->prefix))
			return fail(s,
				    "--gateway %s is outside the %s subnet (/%u): give the subnet "
				    "as IP/LEN there",
				    ip, c->has_egress[f] ? "--egress-address" : "--listen",
				    side->prefix);
	}
	for (i = 0; i < c->n_shards; i++) {
		const struct sr_endpoint *a = &c->shards[i].addr;
		uint8_t fam = a->ip.v6;
		if ((c->has_listen[fam] && sr_ip_equal(&a->ip, &c->listen[fam].ip)) ||
		    (c->has_egress[fam] && sr_ip_equal(&a->ip, &c->egress[fam].ip)))
			if (a->port == c->listen[fam].port)
				return fail(
					s,
					"shard %s is the relay's own address and port: it would "
					"relay to itself",
					c->shards[i].id);
	}
	return 0;
}

/* --stats-json is written at exit, after the whole run: find out now. */
static int check_stats_json(struct parse_state *s)
{
	const char *file = s->c->stats_json;
	struct stat st;
	char *dir, *slash;
	int ok;

	if (file[0] == '\0')
		return 0;
	if (stat(file, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(s, "--stats-json: %s is a directory", file);
		if (access(file, W_OK) != 0)
			return fail(s, "--stats-json: cannot write %s: %s", file, strerror(errno));
		return 0;
	}
	dir = strdup(file);
	if (!dir)
		return fail(s, "out of memory");
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	ok = access(slash ? dir : ".", W_OK | X_OK) == 0;
	if (!ok)
		fail(s, "--stats-json: cannot create %s: %s", file, strerror(errno));
	free(dir);
	return ok ? 0 : -1;
}

static enum sr_config_rc check(struct parse_state *s)
{
	struct sr_config *c = s->c;
	uint32_t i, j;

	if (c->n_shards == 0)
		return fail(s, "no shard configured (--shard or [shard NAME] sections)"),
		       SR_CONFIG_ERROR;
	for (i = 0; i < c->n_shards; i++) {
		struct sr_shard_cfg *sh = &c->shards[i];
		if (sh->name[0] == '\0')
			strcpy(sh->name, sh->id);
		/* statsrelay lists an address several times as virtual shards */
		for (j = 0; j < i && c->hash != SR_HASH_STATSRELAY; j++) {
			if (sr_ip_equal(&c->shards[j].addr.ip, &sh->addr.ip) &&
			    c->shards[j].addr.port == sh->addr.port)
				return fail(s, "shard %s is listed twice", sh->id), SR_CONFIG_ERROR;
			/* two equal names would be one node on the ring */
			if (!strcmp(c->shards[j].name, sh->name))
				return fail(s, "shard name '%s' is used twice", sh->name),
				       SR_CONFIG_ERROR;
		}
	}
	/* no --table-size: the smallest prime of at least 65537 and above 100 x N,
	 * a function of N alone, so every relay of a fleet picks the same */
	if (!c->table_size_given && c->hash == SR_HASH_MAGLEV) {
		uint32_t t = SR_MAGLEV_DEFAULT_SIZE;

		if (t <= 100 * c->n_shards)
			t = 100 * c->n_shards + 1;
		while (!sr_is_prime(t))
			t++;
		c->table_size = t;
	}
	{
		char why[256];
		struct sr_shard_map *m = sr_config_shard_map(c, why, sizeof(why));
		if (!m)
			return fail(s, "%s", why), SR_CONFIG_ERROR;
		sr_shard_map_free(m);
	}
	if (c->max_line > sr_config_max_datagram(c))
		return fail(s,
			    "--max-line %u: the relay receives datagrams of at most %u bytes whole "
			    "(%d fragments at --mtu %u)",
			    c->max_line, sr_config_max_datagram(c), RTE_LIBRTE_IP_FRAG_MAX_FRAG,
			    c->mtu),
		       SR_CONFIG_ERROR;
	if (c->sends_nothing)
		return SR_CONFIG_OK;
	if (c->egress_port == c->port_id && (c->has_egress[SR_V4] || c->has_egress[SR_V6]))
		return fail(s,
			    "--egress-port %d is the receiving port (--port %u): a two-armed relay "
			    "sends on another port",
			    c->egress_port, c->port_id),
		       SR_CONFIG_ERROR;
	if (c->egress_port == c->port_id)
		c->egress_port = -1;
	if (c->egress_port < 0 && (c->has_egress[SR_V4] || c->has_egress[SR_V6]))
		return fail(s, "--egress-address needs --egress-port"), SR_CONFIG_ERROR;
	for (i = 0; i < c->n_shards && c->egress_port >= 0; i++)
		if (!c->shards[i].has_mac && !c->has_egress[c->shards[i].addr.ip.v6])
			return fail(s,
				    "--egress-port: shard %s needs mac= or an IPv%c "
				    "--egress-address to resolve it from",
				    c->shards[i].id, c->shards[i].addr.ip.v6 ? '6' : '4'),
			       SR_CONFIG_ERROR;
	if (!c->has_listen[SR_V4] && !c->has_listen[SR_V6])
		return fail(s, "--listen IP[:PORT] is required"), SR_CONFIG_ERROR;
	if (check_addresses(s) || check_stats_json(s))
		return SR_CONFIG_ERROR;
	for (i = 0; i < c->n_shards; i++) {
		uint8_t fam = c->shards[i].addr.ip.v6;
		if (!c->has_listen[fam])
			return fail(s, "shard %s is IPv%c but there is no IPv%c --listen address",
				    c->shards[i].id, fam ? '6' : '4', fam ? '6' : '4'),
			       SR_CONFIG_ERROR;
		/* what is sent must fit the MTU: IP + UDP headers, 20 or 40 + 8 */
		if (c->max_payload + (fam ? 48u : 28u) > c->mtu)
			return fail(s,
				    "--max-payload %u does not fit --mtu %u over IPv%c (at most %u)",
				    c->max_payload, c->mtu, fam ? '6' : '4',
				    c->mtu - (fam ? 48 : 28)),
			       SR_CONFIG_ERROR;
	}
	return SR_CONFIG_OK;
}

/* The file named by argv[i] when it is --config FILE or --config=FILE. */
static const char *config_arg(int argc, char **argv, int i)
{
	if (!strcmp(argv[i], "--config"))
		return i + 1 < argc ? argv[i + 1] : NULL;
	return strncmp(argv[i], "--config=", 9) ? NULL : argv[i] + 9;
}

enum sr_config_rc sr_config_parse(struct sr_config *c, int argc, char **argv, char *err,
				  size_t errlen)
{
	struct parse_state s = { .c = c, .err = err, .errlen = errlen };
	int i, j;

	/* --help/--version win wherever they are; --config loads first. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return SR_CONFIG_HELP;
		if (!strcmp(argv[i], "--version"))
			return SR_CONFIG_VERSION;
	}
	for (i = 1; i < argc; i++) {
		const char *file = config_arg(argc, argv, i);

		if (!file && !strcmp(argv[i], "--config"))
			return fail(&s, "--config needs a value"), SR_CONFIG_ERROR;
		if (file) {
			/* several files add up in order; one file twice is a slip */
			for (j = 1; j < i; j++)
				if (config_arg(argc, argv, j) &&
				    !strcmp(config_arg(argc, argv, j), file))
					return fail(&s, "--config: %s given twice", file),
					       SR_CONFIG_ERROR;
			i += !strcmp(argv[i], "--config"); /* its value */
			if (strlen(file) >= sizeof(c->config_file))
				return fail(&s, "--config: file name too long"), SR_CONFIG_ERROR;
			strcpy(c->config_file, file);
			if (load_file(&s, file))
				return SR_CONFIG_ERROR;
		}
	}
	s.from_flags = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		const struct opt *o;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
			return fail(&s, "unexpected argument '%s' (see --help)", a),
			       SR_CONFIG_ERROR;
		eq = strchr(a + 2, '=');
		o = find_opt(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o)
			return fail(&s, "unknown option '%s' (see --help)", a), SR_CONFIG_ERROR;
		if (eq) {
			val = eq + 1;
		} else if (o->arg) {
			if (i + 1 >= argc)
				return fail(&s, "--%s needs a value", o->name), SR_CONFIG_ERROR;
			val = argv[++i];
		}
		if (o->apply(&s, val))
			return SR_CONFIG_ERROR;
	}
	return check(&s);
}

uint32_t sr_config_max_datagram(const struct sr_config *c)
{
	uint32_t best = SR_MAX_LINE_LIMIT;
	int f;

	/* reassembly takes RTE_LIBRTE_IP_FRAG_MAX_FRAG fragments, each carrying
	 * sr_fragment_size bytes of the IP payload, the UDP header among them */
	for (f = 0; f < SR_FAMILIES; f++) {
		uint32_t most = RTE_LIBRTE_IP_FRAG_MAX_FRAG * sr_fragment_size(f == SR_V6, c->mtu);
		if ((c->has_listen[f] || c->sends_nothing) && most > 8 && most - 8 < best)
			best = most - 8;
	}
	return best;
}

uint64_t sr_config_fingerprint(const struct sr_config *c, const struct sr_shard_map *m)
{
	const uint32_t rule[3] = { (uint32_t)c->dialect, (uint32_t)c->key_mode, (uint32_t)c->hash };
	uint64_t h = sr_hash64(rule, sizeof(rule), SR_FINGERPRINT_SEED);
	uint32_t i;

	for (i = 0; i < c->n_shards; i++) {
		const struct sr_endpoint *a = &c->shards[i].addr;
		uint8_t where[19] = { a->ip.v6, (uint8_t)(a->port >> 8), (uint8_t)a->port };

		memcpy(where + 3, a->ip.a, 16);
		h = sr_hash64(where, sizeof(where), h);
	}
	return sr_shard_map_fingerprint(m, h);
}

struct sr_shard_map *sr_config_shard_map_down(const struct sr_config *c, const bool *down,
					      char *err, size_t errlen)
{
	struct sr_shard_desc *d = calloc(c->n_shards ? c->n_shards : 1, sizeof(*d));
	struct sr_shard_map *m;
	uint32_t i;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < c->n_shards; i++)
		d[i] = (struct sr_shard_desc){ .id = c->shards[i].name,
					       .weight = c->shards[i].weight };
	m = sr_shard_map_build(c->hash, d, c->n_shards, c->table_size, err, errlen);
	if (m && down && sr_shard_map_fail_over(m, d, c->table_size, down, err, errlen)) {
		sr_shard_map_free(m);
		m = NULL;
	}
	free(d);
	return m;
}

struct sr_shard_map *sr_config_shard_map(const struct sr_config *c, char *err, size_t errlen)
{
	return sr_config_shard_map_down(c, NULL, err, errlen);
}
