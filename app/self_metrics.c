/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay watched in the pipeline it feeds. Every --self-metrics-interval
 * seconds the control thread writes the relay's counters as StatsD lines:
 *   PREFIX.<counter>:<since the last time>|c        frames_in, lines_in, ...
 *   PREFIX.drops:<since>|c|#reason:<reason>           each reason that moved
 *   PREFIX.shard.lines:<all so far>|g|#shard:<name>  per shard, its lines sent
 *   PREFIX.shard.up:<1 or 0>|g|#shard:<name>         per shard, its state
 * and hands them, in datagrams of whole lines, to the first poller, which
 * shards them by the map like any line (app/worker.c, sr_poller_take_self).
 * They are counted apart (self_metrics_lines), not in lines_in or the
 * shards' figures, so what they say equals what --stats-json says: a last
 * round goes out at exit, after the pollers stopped receiving.
 * Every --stats-interval seconds, one log line of rates.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "relay.h"

#define SELF_DGRAM_MAX 1400 /* a datagram's payload: under any MTU's payload */

/* A tag value of a shard's name: what no dialect reads as a separator. */
static void tag_value(char *out, size_t len, const char *name)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		out[i] = (name[i] == ':' || name[i] == ',' || name[i] == '|' || name[i] == '#' ||
			  name[i] == '[' || name[i] == ']' || name[i] == ' ')
				 ? '_'
				 : name[i];
	out[i] = '\0';
}

/* Lines are gathered into datagrams of whole lines; a full one goes out. */
struct self_out {
	struct sr_relay *r;
	struct rte_mbuf *m;
	uint32_t lines;
	bool final; /* at exit: taken by the caller, not the ring */
	struct rte_mbuf *done[256];
	uint32_t n_done;
};

static void self_flush(struct self_out *o)
{
	if (!o->m)
		return;
	if (o->m->data_len == 0) {
		rte_pktmbuf_free(o->m);
	} else if (o->final) {
		if (o->n_done < RTE_DIM(o->done))
			o->done[o->n_done++] = o->m;
		else
			rte_pktmbuf_free(o->m);
	} else if (rte_ring_mp_enqueue(o->r->self_rx, o->m) != 0) {
		rte_pktmbuf_free(o->m); /* the poller behind: this round's rest is lost */
		o->r->self_lost_lines += o->lines;
		o->lines = 0;
	}
	o->m = NULL;
}

static void self_line(struct self_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void self_line(struct self_out *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0 || n >= (int)sizeof(line))
		return;
	if (o->m && o->m->data_len + (uint32_t)n + 1 > SELF_DGRAM_MAX)
		self_flush(o);
	if (!o->m) {
		o->m = rte_pktmbuf_alloc(o->r->pool);
		if (!o->m)
			return;
	}
	memcpy(rte_pktmbuf_append(o->m, (uint16_t)(n + 1)), line, (size_t)n);
	rte_pktmbuf_mtod_offset(o->m, char *, o->m->data_len - 1)[0] = '\n';
	o->lines++;
	o->r->self_lines++;
}

/* One round: what moved since the last one. */
static void self_round(struct sr_relay *r, struct self_out *o)
{
	const char *pfx = r->cfg.self_metrics_prefix;
	struct sr_counters now;
	uint32_t s;
	int d;

	sr_counters_sum(r, &now);
#define LINE(name) self_line(o, "%s." #name ":%" PRIu64 "|c", pfx, now.name - r->self_last.name);
	SR_COUNTERS(LINE)
#undef LINE
	for (d = 0; d < SR_DROP__COUNT; d++)
		if (now.drops[d] != r->self_last.drops[d])
			self_line(o, "%s.drops:%" PRIu64 "|c|#reason:%s", pfx,
				  now.drops[d] - r->self_last.drops[d], sr_drop_names[d]);
	pthread_mutex_lock(&r->view_lock);
	for (s = 0; s < r->plane->n_shards; s++) {
		uint16_t slot = r->plane->slot[s];
		uint64_t lines = sr_slot_figures(r, slot).lines;
		char tag[160];

		tag_value(tag, sizeof(tag), r->cfg.shards[s].name);
		/* gauges: what a shard has now, whichever round a server saw last */
		self_line(o, "%s.shard.lines:%" PRIu64 "|g|#shard:%s", pfx, lines, tag);
		self_line(o, "%s.shard.up:%d|g|#shard:%s", pfx, sr_shard_down(r, slot) ? 0 : 1,
			  tag);
	}
	pthread_mutex_unlock(&r->view_lock);
	r->self_last = now;
	self_flush(o);
}

/* The top drop reason of an interval, for the rates line. */
static int top_drop(const struct sr_counters *now, const struct sr_counters *last)
{
	int d, top = -1;
	uint64_t most = 0;

	for (d = 0; d < SR_DROP__COUNT; d++)
		if (now->drops[d] - last->drops[d] > most) {
			most = now->drops[d] - last->drops[d];
			top = d;
		}
	return top;
}

static void stats_line(struct sr_relay *r, uint64_t now_ms)
{
	struct sr_counters now;
	double secs = (double)(now_ms - r->stats_last_ms) / 1000.0;
	uint64_t drops = 0;
	uint32_t s, down = 0;
	int d, top;

	sr_counters_sum(r, &now);
	for (d = 0; d < SR_DROP__COUNT; d++)
		drops += now.drops[d] - r->stats_last.drops[d];
	top = top_drop(&now, &r->stats_last);
	for (s = 0; s < r->plane->n_shards; s++)
		down += sr_shard_down(r, r->plane->slot[s]);
	fprintf(stderr,
		"statsd-relay: %.0f lines/s in, %.0f lines/s out, %.0f drops/s%s%s%s, %u of %u "
		"shards down\n",
		(double)(now.lines_in - r->stats_last.lines_in) / secs,
		(double)(now.lines_out - r->stats_last.lines_out) / secs, (double)drops / secs,
		top >= 0 ? " (most: " : "", top >= 0 ? sr_drop_names[top] : "", top >= 0 ? ")" : "",
		down, r->plane->n_shards);
	r->stats_last = now;
	r->stats_last_ms = now_ms;
}

void sr_self_metrics_tick(struct sr_relay *r, uint64_t now_ms)
{
	if (r->cfg.self_metrics_s) {
		if (r->self_next_ms == 0) {
			r->self_next_ms = now_ms + 1000ull * r->cfg.self_metrics_s;
		} else if (now_ms >= r->self_next_ms) {
			struct self_out o = { .r = r };
			r->self_next_ms = now_ms + 1000ull * r->cfg.self_metrics_s;
			self_round(r, &o);
		}
	}
	if (r->cfg.stats_interval_s) {
		if (r->stats_last_ms == 0)
			r->stats_last_ms = now_ms;
		else if (now_ms - r->stats_last_ms >= 1000ull * r->cfg.stats_interval_s)
			stats_line(r, now_ms);
	}
}

void sr_self_metrics_final(struct sr_relay *r)
{
	struct self_out o = { .r = r, .final = true };
	struct sr_poller *p = r->pollers[0];
	struct rte_mbuf *m;
	uint32_t i;

	if (!r->cfg.self_metrics_s || !p)
		return;
	/* what the control thread handed over and no poller took, first */
	while (rte_ring_sc_dequeue(r->self_rx, (void **)&m) == 0)
		sr_poller_take_self(p, m, rte_rdtsc());
	self_round(r, &o);
	for (i = 0; i < o.n_done; i++)
		sr_poller_take_self(p, o.done[i], rte_rdtsc());
	sr_poller_flush(p);
}
