/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "sr_config.h"

static bool endpoint_eq(const struct sr_endpoint *a, const struct sr_endpoint *b)
{
	return sr_ip_equal(&a->ip, &b->ip) && a->port == b->port && a->prefix == b->prefix;
}

static bool family_eq(const bool has_a[SR_FAMILIES], const struct sr_endpoint a[SR_FAMILIES],
		      const bool has_b[SR_FAMILIES], const struct sr_endpoint b[SR_FAMILIES])
{
	int f;

	for (f = 0; f < SR_FAMILIES; f++)
		if (has_a[f] != has_b[f] || (has_a[f] && !endpoint_eq(&a[f], &b[f])))
			return false;
	return true;
}

static bool shard_eq(const struct sr_shard_cfg *a, const struct sr_shard_cfg *b)
{
	return endpoint_eq(&a->addr, &b->addr) && a->has_mac == b->has_mac &&
	       (!a->has_mac || !memcmp(a->mac, b->mac, 6)) && a->weight == b->weight &&
	       !strcmp(a->name, b->name);
}

static const struct sr_shard_cfg *find_shard(const struct sr_config *c, const char *name)
{
	uint32_t i;

	for (i = 0; i < c->n_shards; i++)
		if (!strcmp(c->shards[i].name, name))
			return &c->shards[i];
	return NULL;
}

static bool allow_eq(const struct sr_config *a, const struct sr_config *b)
{
	uint32_t i;

	if (a->n_allow != b->n_allow)
		return false;
	for (i = 0; i < a->n_allow; i++)
		if (!sr_ip_equal(&a->allow[i].ip, &b->allow[i].ip) ||
		    a->allow[i].len != b->allow[i].len)
			return false;
	return true;
}

static bool gateway_eq(const struct sr_config *a, const struct sr_config *b)
{
	int f;

	for (f = 0; f < SR_FAMILIES; f++)
		if (a->has_gateway[f] != b->has_gateway[f] ||
		    (a->has_gateway[f] && !sr_ip_equal(&a->gateway[f], &b->gateway[f])))
			return false;
	return true;
}

/* The keys a running relay cannot take without a restart: its ports, its
 * addresses, its buffers and how it runs. */
static const char *fixed_key_changed(const struct sr_config *a, const struct sr_config *b)
{
	if (!family_eq(a->has_listen, a->listen, b->has_listen, b->listen))
		return "listen";
	if (!family_eq(a->has_egress, a->egress, b->has_egress, b->egress))
		return "egress-address";
	if (a->port_id != b->port_id)
		return "port";
	if (a->egress_port != b->egress_port)
		return "egress-port";
	if (a->mtu != b->mtu)
		return "mtu";
	if (a->max_payload != b->max_payload)
		return "max-payload";
	if (a->io_mode != b->io_mode)
		return "mode";
	if (a->main_polls != b->main_polls)
		return "main-polls";
	if (a->record_cycles != b->record_cycles)
		return "record-cycles";
	if (a->exit_idle_ms != b->exit_idle_ms)
		return "exit-idle";
	if (strcmp(a->stats_json, b->stats_json) != 0)
		return "stats-json";
	if (a->health_interval_ms != b->health_interval_ms)
		return "health-interval";
	if (a->health_fall != b->health_fall)
		return "health-fall";
	if (a->health_rise != b->health_rise)
		return "health-rise";
	if (a->on_down_keep != b->on_down_keep)
		return "on-shard-down";
	if (a->self_metrics_s != b->self_metrics_s)
		return "self-metrics-interval";
	if (strcmp(a->self_metrics_prefix, b->self_metrics_prefix) != 0)
		return "self-metrics-prefix";
	if (a->stats_interval_s != b->stats_interval_s)
		return "stats-interval";
	return NULL;
}

int sr_config_diff(const struct sr_config *run, const struct sr_config *next,
		   struct sr_config_change *ch, char *why, size_t len)
{
	const char *fixed = fixed_key_changed(run, next);
	uint32_t i;

	memset(ch, 0, sizeof(*ch));
	if (fixed) {
		snprintf(why, len, "%s cannot change without a restart", fixed);
		return -1;
	}
	ch->shards = run->n_shards != next->n_shards;
	for (i = 0; i < next->n_shards; i++) {
		if (i < run->n_shards && !shard_eq(&run->shards[i], &next->shards[i]))
			ch->shards = true;
		ch->added += find_shard(run, next->shards[i].name) == NULL;
	}
	for (i = 0; i < run->n_shards; i++)
		ch->removed += find_shard(next, run->shards[i].name) == NULL;
	ch->hash = run->hash != next->hash;
	ch->table_size = run->table_size != next->table_size;
	ch->key = run->key_mode != next->key_mode;
	ch->dialect = run->dialect != next->dialect;
	ch->max_line = run->max_line != next->max_line;
	ch->allow = !allow_eq(run, next);
	ch->gateway = !gateway_eq(run, next);
	ch->flush_us = run->flush_us != next->flush_us;
	return 0;
}
