/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters at exit: per-poller figures summed, printed as a table and written
 * as JSON (--stats-json). The names are the interface: add, never rename.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "relay.h"

struct health_view {
	bool down, drain;
	uint64_t transitions, unreachable, probes_lost, probes_sent, lines_while_down;
};

struct totals {
	struct sr_counters c;
	struct sr_shard_counters *shards; /* [n_shards] of the configuration in force */
	struct rte_eth_stats port;
	uint64_t ring_drops; /* af_packet: frames the kernel dropped, ring full */
	double elapsed_s;
	/* a copy of what the control thread may change meanwhile */
	struct sr_reload_status status;
	uint64_t fingerprint;
	uint64_t self_lines; /* our own metrics' lines handed to the pollers */
	uint32_t n_shards, n_down;
	struct sr_shard_cfg *cfg;	  /* [n_shards] */
	struct health_view *health;	  /* [n_shards] */
	struct sr_removed_shard *removed; /* [n_removed] */
	uint32_t n_removed;
};

static void totals_free(struct totals *t)
{
	free(t->health);
	free(t->shards);
	free(t->cfg);
	free(t->removed);
}

static int sum_up(struct sr_relay *r, struct totals *t)
{
	uint64_t first = UINT64_MAX;
	unsigned int i;
	uint32_t s;

	memset(t, 0, sizeof(*t));
	sr_counters_sum(r, &t->c);
	for (i = 0; i < r->n_pollers; i++)
		first = RTE_MIN(first, r->pollers[i]->start_tsc);
	pthread_mutex_lock(&r->view_lock);
	t->n_shards = r->cfg.n_shards;
	t->n_removed = r->n_removed;
	t->shards = calloc(t->n_shards + 1, sizeof(*t->shards));
	t->cfg = malloc((t->n_shards + 1) * sizeof(*t->cfg));
	t->removed = malloc((t->n_removed + 1) * sizeof(*t->removed));
	t->health = calloc(t->n_shards + 1, sizeof(*t->health));
	if (t->shards && t->cfg && t->removed && t->health) {
		for (s = 0; s < t->n_shards; s++) {
			uint16_t slot = r->plane->slot[s];
			const struct sr_health *h = &r->health[slot].h;

			t->shards[s] = sr_slot_figures(r, slot);
			t->health[s] = (struct health_view){
				.down = sr_health_is_down(h),
				.drain = h->drain,
				.transitions = h->transitions,
				.unreachable = h->unreachable,
				.probes_lost = h->probes_lost,
				.probes_sent = h->udp_probes,
				.lines_while_down = sr_shard_lines_while_down(r, slot),
			};
		}
		memcpy(t->cfg, r->cfg.shards, t->n_shards * sizeof(*t->cfg));
		memcpy(t->removed, r->removed, t->n_removed * sizeof(*t->removed));
	}
	t->status = r->status;
	t->self_lines = r->self_lines - r->self_lost_lines;
	for (s = 0; t->health && s < t->n_shards; s++)
		t->n_down += t->health[s].down;
	t->fingerprint = r->plane->fingerprint;
	pthread_mutex_unlock(&r->view_lock);
	if (!t->shards || !t->cfg || !t->removed || !t->health) {
		totals_free(t);
		return -1;
	}
	if (first != UINT64_MAX)
		t->elapsed_s = (double)(rte_rdtsc() - first) / (double)rte_get_tsc_hz();
	rte_eth_stats_get(r->port_id, &t->port);
	t->ring_drops = sr_port_ring_drops(r->port_id);
	return 0;
}

/* "applied at 2026-12-01T11:20:03Z: ..." of the last reload, for people. */
static void say_last_reload(FILE *out, const struct sr_reload_status *st)
{
	char when[32] = "";
	time_t t = (time_t)st->last_unix;
	struct tm tm;

	if (st->last_unix && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out,
		"  reloads: %" PRIu64 " applied, %" PRIu64 " rejected; configuration generation %u",
		st->reloads, st->reload_failures, st->generation);
	if (st->last != SR_RELOAD_NONE)
		fprintf(out, "; last %s at %s: %s", sr_reload_outcome_name(st->last), when,
			st->last_reason);
	fputc('\n', out);
}

static void shard_row(FILE *out, const char *index, const char *id,
		      const struct sr_shard_counters *c, const struct health_view *hv)
{
	fprintf(out, "  %-4s %-24s %12" PRIu64 " %10" PRIu64 " %12" PRIu64, index, id, c->lines,
		c->packets, c->bytes);
	if (hv)
		fprintf(out, "  %-6s %6" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10" PRIu64,
			hv->drain  ? "drain"
			: hv->down ? "down"
				   : "up",
			hv->transitions, hv->unreachable, hv->probes_lost, hv->lines_while_down);
	else
		fprintf(out, "  %-6s", "removed");
	fputc('\n', out);
}

void sr_stats_report(struct sr_relay *r, FILE *out)
{
	struct totals t;
	uint64_t line_drops = 0, frame_drops = 0;
	uint32_t s;
	int d;

	if (sum_up(r, &t))
		return;
	for (d = 0; d < SR_DROP__COUNT; d++) {
		if (sr_drop_is_line(d))
			line_drops += t.c.drops[d];
		else
			frame_drops += t.c.drops[d];
	}
	fprintf(out,
		"\nstatsd-relay: %.3f s, %" PRIu64 " frames in, %" PRIu64 " lines in, %" PRIu64
		" lines out in %" PRIu64 " packets (%" PRIu64 " forwarded in place)\n",
		t.elapsed_s, t.c.frames_in, t.c.lines_in, t.c.lines_out, t.c.packets_out,
		t.c.packets_in_place);
	fprintf(out, "  ring fingerprint %016" PRIx64 "\n", t.fingerprint);
	say_last_reload(out, &t.status);
	if (r->cfg.self_metrics_s)
		fprintf(out,
			"  self metrics: %" PRIu64 " lines of our own sent (not in the figures)\n",
			t.self_lines);
	fprintf(out, "\n  %-4s %-24s %12s %10s %12s  %-6s %6s %8s %8s %10s\n", "#", "shard",
		"lines", "packets", "bytes", "state", "trans", "unreach", "lost", "while down");
	for (s = 0; s < t.n_shards; s++) {
		char index[12];
		snprintf(index, sizeof(index), "%u", s);
		shard_row(out, index, t.cfg[s].id, &t.shards[s], &t.health[s]);
	}
	for (s = 0; s < t.n_removed; s++) /* removed by a reload: still in the totals */
		shard_row(out, "-", t.removed[s].id, &t.removed[s].ctr, NULL);
	fprintf(out,
		"\n  control frames (ARP, ICMP, ND): %" PRIu64 "; fragments: %" PRIu64
		" in, %" PRIu64 " datagrams reassembled\n",
		t.c.frames_control, t.c.fragments_in, t.c.datagrams_reassembled);
	fprintf(out, "  drops: %" PRIu64 " frames, %" PRIu64 " lines\n", frame_drops, line_drops);
	for (d = 0; d < SR_DROP__COUNT; d++)
		if (t.c.drops[d])
			fprintf(out, "    %-26s %12" PRIu64 "\n", sr_drop_names[d], t.c.drops[d]);
	fprintf(out,
		"  port: imissed %" PRIu64 ", ierrors %" PRIu64 ", rx_nombuf %" PRIu64
		", oerrors %" PRIu64 ", ring_drops %" PRIu64 "\n",
		t.port.imissed, t.port.ierrors, t.port.rx_nombuf, t.port.oerrors, t.ring_drops);
	if (r->cfg.record_cycles) {
		unsigned int i;
		fprintf(out, "  line scan build: %s\n", sr_isa_names[sr_payload_isa()]);
		for (i = 0; i < r->n_pollers; i++) {
			const struct sr_poller *p = r->pollers[i];
			fprintf(out,
				"  poller lcore %u: %" PRIu64 " frames, %" PRIu64 " lines, %" PRIu64
				" busy cycles: %.1f cycles/frame, %.1f cycles/line\n",
				p->lcore, p->ctr.frames_in, p->ctr.lines_in, p->busy_cycles,
				p->ctr.frames_in ? (double)p->busy_cycles / (double)p->ctr.frames_in
						 : 0.0,
				p->ctr.lines_in ? (double)p->busy_cycles / (double)p->ctr.lines_in
						: 0.0);
		}
	}
	totals_free(&t);
}

/* A JSON string's content: quotes, backslashes and control bytes escaped. */
static void json_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

/* A shard's object; hv: its health (NULL: removed, probes given alone). */
static void json_shard(FILE *f, bool first, const char *id, const char *name,
		       const struct sr_shard_counters *c, const struct health_view *hv,
		       uint64_t removed_probes)
{
	fprintf(f, "%s\n    {\"address\": \"", first ? "" : ",");
	json_text(f, id);
	fprintf(f, "\", \"name\": \"");
	json_text(f, name);
	fprintf(f, "\", \"lines\": %" PRIu64 ", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64,
		c->lines, c->packets, c->bytes);
	if (hv)
		fprintf(f,
			", \"state\": \"%s\", \"drain\": %s, \"transitions\": %" PRIu64
			", \"unreachable\": %" PRIu64 ", \"probes_lost\": %" PRIu64
			", \"probes_sent\": %" PRIu64 ", \"lines_while_down\": %" PRIu64,
			hv->down ? "down" : "up", hv->drain ? "true" : "false", hv->transitions,
			hv->unreachable, hv->probes_lost, hv->probes_sent, hv->lines_while_down);
	else
		fprintf(f, ", \"probes_sent\": %" PRIu64, removed_probes);
	fputc('}', f);
}

int sr_stats_write_json(struct sr_relay *r, const char *file)
{
	struct totals t;
	FILE *f;
	uint32_t s;
	int d, rc;

	if (sum_up(r, &t))
		return -1;
	f = fopen(file, "w");
	if (!f) {
		totals_free(&t);
		return -1;
	}
	fputc('{', f);
#define JSON(name) fprintf(f, "\n  \"" #name "\": %" PRIu64 ",", t.c.name);
	SR_COUNTERS(JSON)
#undef JSON
	fprintf(f, "\n  \"elapsed_s\": %.6f,\n  \"ring_fingerprint\": \"%016" PRIx64 "\",",
		t.elapsed_s, t.fingerprint);
	fprintf(f,
		"\n  \"shards_down\": %u,\n  \"self_metrics_lines\": %" PRIu64 ","
		"\n  \"reloads\": %" PRIu64 ",\n  \"reload_failures\": %" PRIu64
		",\n  \"config_generation\": %u,\n  \"last_reload_unix\": %" PRIu64
		",\n  \"last_reload_outcome\": \"%s\",\n  \"last_reload_reason\": \"",
		t.n_down, t.self_lines, t.status.reloads, t.status.reload_failures,
		t.status.generation, t.status.last_unix, sr_reload_outcome_name(t.status.last));
	json_text(f, t.status.last_reason);
	fprintf(f, "\",\n  \"drops\": {");
	for (d = 0; d < SR_DROP__COUNT; d++)
		fprintf(f, "%s\n    \"%s\": %" PRIu64, d ? "," : "", sr_drop_names[d],
			t.c.drops[d]);
	fprintf(f,
		"\n  },\n  \"port\": {\"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64
		", \"rx_nombuf\": %" PRIu64 ", \"oerrors\": %" PRIu64 ", \"ring_drops\": %" PRIu64
		"},\n  \"shards\": [",
		t.port.imissed, t.port.ierrors, t.port.rx_nombuf, t.port.oerrors, t.ring_drops);
	for (s = 0; s < t.n_shards; s++)
		json_shard(f, s == 0, t.cfg[s].id, t.cfg[s].name, &t.shards[s], &t.health[s], 0);
	fprintf(f, "\n  ],\n  \"removed_shards\": [");
	for (s = 0; s < t.n_removed; s++)
		json_shard(f, s == 0, t.removed[s].id, t.removed[s].name, &t.removed[s].ctr, NULL,
			   t.removed[s].probes_sent);
	fprintf(f,
		"\n  ],\n  \"tsc_hz\": %" PRIu64 ",\n  \"scan_build\": \"%s\",\n  \"pollers\": [",
		rte_get_tsc_hz(), sr_isa_names[sr_payload_isa()]);
	for (d = 0; d < (int)r->n_pollers; d++) {
		const struct sr_poller *p = r->pollers[d];
		fprintf(f,
			"%s\n    {\"lcore\": %u, \"frames\": %" PRIu64 ", \"lines\": %" PRIu64
			", \"busy_cycles\": %" PRIu64 ", \"rx_gap_max_us\": %.1f"
			", \"states_taken\": %" PRIu64 ", \"state_take_max_us\": %.1f}",
			d ? "," : "", p->lcore, p->ctr.frames_in, p->ctr.lines_in, p->busy_cycles,
			(double)p->rx_gap_max * 1e6 / (double)rte_get_tsc_hz(), p->planes_taken,
			(double)p->take_max * 1e6 / (double)rte_get_tsc_hz());
	}
	fprintf(f, "\n  ]\n}\n");
	rc = fclose(f);
	totals_free(&t);
	return rc ? -1 : 0;
}

/* --- live counters over DPDK telemetry (read while the pollers write:
 * each figure is exact, the set a moment's snapshot) --- */

static struct sr_relay *telemetry_relay;

static void tel_reload_status(struct rte_tel_data *d, const struct sr_reload_status *st)
{
	rte_tel_data_add_dict_u64(d, "reloads", st->reloads);
	rte_tel_data_add_dict_u64(d, "reload_failures", st->reload_failures);
	rte_tel_data_add_dict_u64(d, "config_generation", st->generation);
	rte_tel_data_add_dict_u64(d, "last_reload_unix", st->last_unix);
}

static int telemetry_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sr_relay *r = telemetry_relay;
	struct totals t;
	char fp[17];
	int i;

	(void)cmd;
	(void)params;
	if (!r || sum_up(r, &t))
		return -1;
	rte_tel_data_start_dict(d);
#define TEL(name) rte_tel_data_add_dict_u64(d, #name, t.c.name);
	SR_COUNTERS(TEL)
#undef TEL
	for (i = 0; i < SR_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(d, sr_drop_names[i], t.c.drops[i]);
	rte_tel_data_add_dict_u64(d, "port_imissed", t.port.imissed);
	snprintf(fp, sizeof(fp), "%016" PRIx64, t.fingerprint);
	rte_tel_data_add_dict_string(d, "ring_fingerprint", fp);
	rte_tel_data_add_dict_u64(d, "port_ring_drops", t.ring_drops);
	tel_reload_status(d, &t.status);
	rte_tel_data_add_dict_u64(d, "shards_down", t.n_down);
	rte_tel_data_add_dict_u64(d, "self_metrics_lines", t.self_lines);
	rte_tel_data_add_dict_string(d, "last_reload_outcome",
				     sr_reload_outcome_name(t.status.last));
	totals_free(&t);
	return 0;
}

/* One array of a per-shard figure, in index order. */
static int tel_array(struct rte_tel_data *d, const char *name, const struct totals *t,
		     uint64_t (*get)(const struct totals *t, uint32_t s))
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	uint32_t s;

	if (!a)
		return -1;
	rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
	for (s = 0; s < t->n_shards; s++)
		rte_tel_data_add_array_u64(a, get(t, s));
	return rte_tel_data_add_dict_container(d, name, a, 0);
}

#define SHARD_FIGURE(field, expr)                                                                  \
	static uint64_t get_##field(const struct totals *t, uint32_t s)                            \
	{                                                                                          \
		return (expr);                                                                     \
	}
SHARD_FIGURE(lines, t->shards[s].lines)
SHARD_FIGURE(packets, t->shards[s].packets)
SHARD_FIGURE(bytes, t->shards[s].bytes)
SHARD_FIGURE(down, t->health[s].down)
SHARD_FIGURE(transitions, t->health[s].transitions)
SHARD_FIGURE(unreachable, t->health[s].unreachable)
SHARD_FIGURE(probes_lost, t->health[s].probes_lost)
SHARD_FIGURE(lines_while_down, t->health[s].lines_while_down)
#undef SHARD_FIGURE

/* Per shard, in index order: one array per figure (lines, packets, bytes,
 * down 0/1, transitions, unreachable, probes_lost, lines_while_down). */
static int telemetry_shards(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static const struct {
		const char *name;
		uint64_t (*get)(const struct totals *t, uint32_t s);
	} figures[] = {
		{ "lines", get_lines },
		{ "packets", get_packets },
		{ "bytes", get_bytes },
		{ "down", get_down },
		{ "transitions", get_transitions },
		{ "unreachable", get_unreachable },
		{ "probes_lost", get_probes_lost },
		{ "lines_while_down", get_lines_while_down },
	};
	struct sr_relay *r = telemetry_relay;
	struct totals t;
	size_t i;
	int rc = 0;

	(void)cmd;
	(void)params;
	if (!r || sum_up(r, &t))
		return -1;
	rte_tel_data_start_dict(d);
	for (i = 0; i < RTE_DIM(figures) && rc == 0; i++)
		rc = tel_array(d, figures[i].name, &t, figures[i].get);
	if (rc == 0) { /* which shard each index is (names: on the ring) */
		struct rte_tel_data *names = rte_tel_data_alloc();
		uint32_t s;

		if (!names) {
			rc = -1;
		} else {
			rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
			for (s = 0; s < t.n_shards; s++)
				rte_tel_data_add_array_string(names, t.cfg[s].name);
			rc = rte_tel_data_add_dict_container(d, "names", names, 0);
		}
	}
	totals_free(&t);
	return rc;
}

/* One shard by its name on the ring (or address): a flat dict of numbers
 * (and its state), what Telegraf's inputs.dpdk makes one record of. */
static int telemetry_shard(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sr_relay *r = telemetry_relay;
	struct totals t;
	uint32_t s;

	(void)cmd;
	if (!r || !params || sum_up(r, &t))
		return -1;
	for (s = 0; s < t.n_shards; s++)
		if (!strcmp(t.cfg[s].name, params) || !strcmp(t.cfg[s].id, params))
			break;
	if (s == t.n_shards) {
		totals_free(&t);
		return -1;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "index", s);
	rte_tel_data_add_dict_u64(d, "lines", t.shards[s].lines);
	rte_tel_data_add_dict_u64(d, "packets", t.shards[s].packets);
	rte_tel_data_add_dict_u64(d, "bytes", t.shards[s].bytes);
	rte_tel_data_add_dict_u64(d, "down", t.health[s].down);
	rte_tel_data_add_dict_u64(d, "drain", t.health[s].drain);
	rte_tel_data_add_dict_u64(d, "transitions", t.health[s].transitions);
	rte_tel_data_add_dict_u64(d, "unreachable", t.health[s].unreachable);
	rte_tel_data_add_dict_u64(d, "probes_lost", t.health[s].probes_lost);
	rte_tel_data_add_dict_u64(d, "probes_sent", t.health[s].probes_sent);
	rte_tel_data_add_dict_u64(d, "lines_while_down", t.health[s].lines_while_down);
	rte_tel_data_add_dict_string(d, "state", t.health[s].down ? "down" : "up");
	totals_free(&t);
	return 0;
}

/* "NAME,drain" or "NAME,auto": the operator takes a shard out, or gives it
 * back to the health checks. */
static int telemetry_shard_state(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sr_relay *r = telemetry_relay;
	char name[160], state[8];
	const char *comma = params ? strrchr(params, ',') : NULL;
	size_t n;
	bool drain;

	(void)cmd;
	if (!r || !comma || (size_t)(comma - params) >= sizeof(name) || comma == params)
		return -1;
	if (!strcmp(comma + 1, "drain"))
		drain = true;
	else if (!strcmp(comma + 1, "auto"))
		drain = false;
	else
		return -1;
	n = (size_t)(comma - params);
	memcpy(name, params, n);
	name[n] = '\0';
	if (sr_health_drain(r, name, drain, state, sizeof(state)))
		return -1;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "shard", name);
	rte_tel_data_add_dict_string(d, "state", state);
	rte_tel_data_add_dict_string(d, "mode", drain ? "drain" : "auto");
	return 0;
}

#define RELOAD_WAIT_MS 10000 /* the answer: parse, build, next hops resolved (3 s) */

/* Re-read --config, as SIGHUP does, and answer with the outcome. */
static int telemetry_reload(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sr_relay *r = telemetry_relay;
	struct sr_reload_status st;
	uint32_t ask, waited;

	(void)cmd;
	(void)params;
	if (!r)
		return -1;
	ask = sr_reload_ask(r);
	for (waited = 0; waited < RELOAD_WAIT_MS; waited++) {
		if ((int32_t)(__atomic_load_n(&r->status.done, __ATOMIC_ACQUIRE) - ask) >= 0)
			break;
		rte_delay_us_sleep(1000);
	}
	pthread_mutex_lock(&r->view_lock);
	st = r->status;
	pthread_mutex_unlock(&r->view_lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "outcome",
				     waited == RELOAD_WAIT_MS ? "pending"
							      : sr_reload_outcome_name(st.answer));
	tel_reload_status(d, &st);
	if (st.answer == SR_RELOAD_REJECTED && waited < RELOAD_WAIT_MS) {
		char reason[RTE_TEL_MAX_STRING_LEN];
		/* telemetry strings are short: the log line has it whole */
		memcpy(reason, st.last_reason, sizeof(reason) - 1);
		reason[sizeof(reason) - 1] = '\0';
		rte_tel_data_add_dict_string(d, "reason", reason);
	}
	return 0;
}

void sr_stats_telemetry(struct sr_relay *r)
{
	telemetry_relay = r;
	rte_telemetry_register_cmd("/statsd_relay/stats", telemetry_stats,
				   "The relay's counters, summed over pollers. No parameters");
	rte_telemetry_register_cmd("/statsd_relay/shards", telemetry_shards,
				   "Lines, packets and bytes sent per shard, in index order");
	rte_telemetry_register_cmd(
		"/statsd_relay/shard", telemetry_shard,
		"Parameter: NAME (on the ring, or IP:PORT): that shard's figures "
		"and health");
	rte_telemetry_register_cmd("/statsd_relay/shard_state", telemetry_shard_state,
				   "Parameters: NAME,drain (treat shard NAME as down: its series "
				   "move) or NAME,auto (back to the health checks)");
	rte_telemetry_register_cmd("/statsd_relay/reload", telemetry_reload,
				   "Re-read --config as SIGHUP does; answers with the outcome");
}
