/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters at exit: per-poller figures summed, printed as a table and written
 * as JSON (--stats-json). The names are the interface: add, never rename.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "relay.h"

struct totals {
	struct sr_counters c;
	struct sr_shard_counters *shards;
	struct rte_eth_stats port;
	uint64_t ring_drops; /* af_packet: frames the kernel dropped, ring full */
	double elapsed_s;
};

static int sum_up(const struct sr_relay *r, struct totals *t)
{
	uint32_t n = r->cfg.n_shards, s, d;
	uint64_t first = UINT64_MAX;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->shards = calloc(n, sizeof(*t->shards));
	if (!t->shards)
		return -1;
	for (i = 0; i < r->n_pollers; i++) {
		const struct sr_poller *p = r->pollers[i];
#define ADD(name) t->c.name += p->ctr.name;
		SR_COUNTERS(ADD)
#undef ADD
		for (d = 0; d < SR_DROP__COUNT; d++)
			t->c.drops[d] += p->ctr.drops[d];
		for (s = 0; s < n; s++) {
			t->shards[s].lines += p->shard_ctr[s].lines;
			t->shards[s].packets += p->shard_ctr[s].packets;
			t->shards[s].bytes += p->shard_ctr[s].bytes;
		}
		first = RTE_MIN(first, p->start_tsc);
	}
	if (first != UINT64_MAX)
		t->elapsed_s = (double)(rte_rdtsc() - first) / (double)rte_get_tsc_hz();
	rte_eth_stats_get(r->port_id, &t->port);
	t->ring_drops = sr_port_ring_drops(r->port_id);
	return 0;
}

void sr_stats_report(const struct sr_relay *r, FILE *out)
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
	fprintf(out, "  ring fingerprint %016" PRIx64 "\n", r->fingerprint);
	fprintf(out, "\n  %-4s %-24s %12s %10s %12s\n", "#", "shard", "lines", "packets", "bytes");
	for (s = 0; s < r->cfg.n_shards; s++)
		fprintf(out, "  %-4u %-24s %12" PRIu64 " %10" PRIu64 " %12" PRIu64 "\n", s,
			r->cfg.shards[s].id, t.shards[s].lines, t.shards[s].packets,
			t.shards[s].bytes);
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
	free(t.shards);
}

int sr_stats_write_json(const struct sr_relay *r, const char *file)
{
	struct totals t;
	FILE *f;
	uint32_t s;
	int d, rc;

	if (sum_up(r, &t))
		return -1;
	f = fopen(file, "w");
	if (!f) {
		free(t.shards);
		return -1;
	}
	fputc('{', f);
#define JSON(name) fprintf(f, "\n  \"" #name "\": %" PRIu64 ",", t.c.name);
	SR_COUNTERS(JSON)
#undef JSON
	fprintf(f, "\n  \"elapsed_s\": %.6f,\n  \"ring_fingerprint\": \"%016" PRIx64 "\",",
		t.elapsed_s, r->fingerprint);
	fprintf(f, "\n  \"drops\": {");
	for (d = 0; d < SR_DROP__COUNT; d++)
		fprintf(f, "%s\n    \"%s\": %" PRIu64, d ? "," : "", sr_drop_names[d],
			t.c.drops[d]);
	fprintf(f,
		"\n  },\n  \"port\": {\"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64
		", \"rx_nombuf\": %" PRIu64 ", \"oerrors\": %" PRIu64 ", \"ring_drops\": %" PRIu64
		"},\n  \"shards\": [",
		t.port.imissed, t.port.ierrors, t.port.rx_nombuf, t.port.oerrors, t.ring_drops);
	for (s = 0; s < r->cfg.n_shards; s++)
		fprintf(f,
			"%s\n    {\"address\": \"%s\", \"lines\": %" PRIu64
			", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 "}",
			s ? "," : "", r->cfg.shards[s].id, t.shards[s].lines, t.shards[s].packets,
			t.shards[s].bytes);
	fprintf(f,
		"\n  ],\n  \"tsc_hz\": %" PRIu64 ",\n  \"scan_build\": \"%s\",\n  \"pollers\": [",
		rte_get_tsc_hz(), sr_isa_names[sr_payload_isa()]);
	for (d = 0; d < (int)r->n_pollers; d++) {
		const struct sr_poller *p = r->pollers[d];
		fprintf(f,
			"%s\n    {\"lcore\": %u, \"frames\": %" PRIu64 ", \"lines\": %" PRIu64
			", \"busy_cycles\": %" PRIu64 "}",
			d ? "," : "", p->lcore, p->ctr.frames_in, p->ctr.lines_in, p->busy_cycles);
	}
	fprintf(f, "\n  ]\n}\n");
	rc = fclose(f);
	free(t.shards);
	return rc ? -1 : 0;
}

/* --- live counters over DPDK telemetry (read while the pollers write:
 * each figure is exact, the set a moment's snapshot) --- */

static const struct sr_relay *telemetry_relay;

static int telemetry_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sr_relay *r = telemetry_relay;
	struct totals t;
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
	{
		char fp[17];
		snprintf(fp, sizeof(fp), "%016" PRIx64, r->fingerprint);
		rte_tel_data_add_dict_string(d, "ring_fingerprint", fp);
	}
	rte_tel_data_add_dict_u64(d, "port_ring_drops", t.ring_drops);
	free(t.shards);
	return 0;
}

/* Per shard, in index order: lines, packets, bytes as three arrays. */
static int telemetry_shards(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct sr_relay *r = telemetry_relay;
	struct rte_tel_data *lines, *packets, *bytes;
	struct totals t;
	uint32_t s;

	(void)cmd;
	(void)params;
	if (!r || sum_up(r, &t))
		return -1;
	lines = rte_tel_data_alloc();
	packets = rte_tel_data_alloc();
	bytes = rte_tel_data_alloc();
	if (!lines || !packets || !bytes) {
		rte_tel_data_free(lines);
		rte_tel_data_free(packets);
		rte_tel_data_free(bytes);
		free(t.shards);
		return -1;
	}
	rte_tel_data_start_array(lines, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(packets, RTE_TEL_U64_VAL);
	rte_tel_data_start_array(bytes, RTE_TEL_U64_VAL);
	for (s = 0; s < r->cfg.n_shards; s++) {
		rte_tel_data_add_array_u64(lines, t.shards[s].lines);
		rte_tel_data_add_array_u64(packets, t.shards[s].packets);
		rte_tel_data_add_array_u64(bytes, t.shards[s].bytes);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_container(d, "lines", lines, 0);
	rte_tel_data_add_dict_container(d, "packets", packets, 0);
	rte_tel_data_add_dict_container(d, "bytes", bytes, 0);
	free(t.shards);
	return 0;
}

void sr_stats_telemetry(const struct sr_relay *r)
{
	telemetry_relay = r;
	rte_telemetry_register_cmd("/statsd_relay/stats", telemetry_stats,
				   "The relay's counters, summed over pollers. No parameters");
	rte_telemetry_register_cmd("/statsd_relay/shards", telemetry_shards,
				   "Lines, packets and bytes sent per shard, in index order");
}
