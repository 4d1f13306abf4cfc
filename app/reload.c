/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reload (SIGHUP, telemetry /statsd_relay/reload), on the control thread:
 *   1. re-read --config with the same flags, check it whole, refuse a change
 *      of a key that needs a restart: the running state is untouched by a
 *      rejected reload;
 *   2. build the new plane (map, headers, slots, neighbour entries) and wait,
 *      a bounded time, for its new next hops to resolve;
 *   3. publish it: pollers take it at their next burst, after sending what
 *      they built under the old one;
 *   4. once every poller has reported quiescent (rte_rcu_qsbr) after taking
 *      the new one, free the old one: the figures of removed shards move to
 *      the removed list.
 * One reload at a time; requests meanwhile are answered by the next one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>

#include <rte_cycles.h>

#include "relay.h"

#define RESOLVE_MS 3000 /* a new shard's next hop: published resolved or after this */

struct sr_reload {
	uint32_t asked; /* the request it answers */
	struct sr_config *next;
	struct sr_plane *plane;
	struct sr_config_change ch;
	uint64_t deadline_ms;
	bool published;
	struct sr_plane *old; /* published: freed once the pollers are past it */
	struct sr_config *old_cfg;
	uint64_t token;
	int grace;	/* grace periods completed since it was published */
	bool placement; /* not a reload: the shards' health changed (health.c) */
};

static const char *const outcome_names[] = {
	[SR_RELOAD_NONE] = "none",
	[SR_RELOAD_APPLIED] = "applied",
	[SR_RELOAD_REJECTED] = "rejected",
	[SR_RELOAD_NOTHING] = "nothing to re-read",
};

const char *sr_reload_outcome_name(enum sr_reload_outcome o)
{
	return outcome_names[o];
}

uint32_t sr_reload_ask(struct sr_relay *r)
{
	uint32_t ask = __atomic_add_fetch(&r->status.asked, 1, __ATOMIC_RELEASE);

	(void)eventfd_write(r->learn_fd, 1); /* a write(2): async-signal-safe */
	return ask;
}

/* The request is answered: telemetry waits for this. */
static void answer(struct sr_relay *r, uint32_t asked, enum sr_reload_outcome o, const char *reason)
{
	pthread_mutex_lock(&r->view_lock);
	r->status.answer = o;
	if (o == SR_RELOAD_APPLIED || o == SR_RELOAD_REJECTED) {
		r->status.last = o;
		r->status.last_unix = (uint64_t)time(NULL);
		size_t n = strnlen(reason, sizeof(r->status.last_reason) - 1);

		memcpy(r->status.last_reason, reason, n); /* cut if long: the log has it whole */
		r->status.last_reason[n] = '\0';
		if (o == SR_RELOAD_APPLIED)
			r->status.reloads++;
		else
			r->status.reload_failures++;
	}
	pthread_mutex_unlock(&r->view_lock);
	__atomic_store_n(&r->status.done, asked, __ATOMIC_RELEASE);
}

/* Neighbour entries no shard of the plane in force goes through are
 * forgotten; an entry static only by a mac= the new file dropped is
 * resolved from now on. */
static void prune_neighbours(struct sr_relay *r)
{
	const struct sr_plane *pl = r->plane;
	bool used[SR_MAX_NEIGH] = { false }, fixed[SR_MAX_NEIGH] = { false };
	uint32_t s, i;

	for (s = 0; s < pl->n_shards; s++) {
		used[pl->shard_neigh[s]] = true;
		fixed[pl->shard_neigh[s]] |= r->cfg.shards[s].has_mac;
	}
	for (i = 0; i < r->neigh->n; i++) {
		struct sr_neigh *e = &r->neigh->e[i];

		if (!used[i]) {
			sr_neigh_remove(r->neigh, i);
		} else if (e->state == SR_NEIGH_STATIC && !fixed[i]) {
			e->state = SR_NEIGH_INCOMPLETE;
			e->next_probe_ms = 0;
		}
	}
	sr_nexthop_publish(r, r->plane);
}

static void reject(struct sr_relay *r, uint32_t asked, const char *why)
{
	fprintf(stderr, "statsd-relay: reload rejected: %s; generation %u stays in force\n", why,
		r->status.generation);
	answer(r, asked, SR_RELOAD_REJECTED, why);
}

static bool shards_from_flags(const struct sr_relay *r)
{
	int i;

	for (i = 1; i < r->argc; i++)
		if (!strcmp(r->argv[i], "--shard") || !strncmp(r->argv[i], "--shard=", 8))
			return true;
	return false;
}

static void reload_free(struct sr_reload *rl)
{
	free(rl->next);
	free(rl->old_cfg);
	free(rl);
}

/* A reload's own memory: the configuration it reads and a copy of the one
 * it replaces (removed shards' names, kept until the old plane retires). */
static struct sr_reload *reload_alloc(void)
{
	struct sr_reload *rl = calloc(1, sizeof(*rl));

	if (rl) {
		rl->next = malloc(sizeof(*rl->next));
		rl->old_cfg = malloc(sizeof(*rl->old_cfg));
	}
	if (rl && (!rl->next || !rl->old_cfg)) {
		reload_free(rl);
		rl = NULL;
	}
	return rl;
}

static void start(struct sr_relay *r, uint32_t asked, uint64_t now_ms)
{
	struct sr_reload *rl;
	char err[512];

	if (!r->cfg.config_file[0]) {
		fprintf(stderr, "statsd-relay: reload asked, but the relay was started without "
				"--config: nothing to re-read, nothing changed\n");
		answer(r, asked, SR_RELOAD_NOTHING, "");
		return;
	}
	rl = reload_alloc();
	if (!rl) {
		reject(r, asked, "out of memory");
		return;
	}
	sr_config_defaults(rl->next);
	if (sr_config_parse(rl->next, r->argc, r->argv, err, sizeof(err)) != SR_CONFIG_OK ||
	    sr_config_diff(&r->cfg, rl->next, &rl->ch, err, sizeof(err)) != 0) {
		reject(r, asked, err);
		reload_free(rl);
		return;
	}
	rl->plane = sr_plane_build(r, rl->next, err, sizeof(err));
	if (!rl->plane) {
		prune_neighbours(r); /* entries the failed build added */
		reject(r, asked, err);
		reload_free(rl);
		return;
	}
	rl->asked = asked;
	rl->deadline_ms = now_ms + RESOLVE_MS;
	r->reload = rl;
}

/* The same configuration placed again: shards went down or came back. */
static void start_placement(struct sr_relay *r, uint64_t now_ms)
{
	struct sr_reload *rl = reload_alloc();
	char err[512];

	if (!rl) {
		fprintf(stderr, "statsd-relay: out of memory for a new placement: retried\n");
		__atomic_store_n(&r->placement_stale, true, __ATOMIC_RELEASE);
		return;
	}
	memcpy(rl->next, &r->cfg, sizeof(r->cfg));
	rl->plane = sr_plane_build(r, rl->next, err, sizeof(err));
	if (!rl->plane) {
		fprintf(stderr, "statsd-relay: cannot place the shards anew: %s: retried\n", err);
		reload_free(rl);
		__atomic_store_n(&r->placement_stale, true, __ATOMIC_RELEASE);
		return;
	}
	rl->placement = true;
	rl->deadline_ms = now_ms; /* the same next hops: at once */
	r->reload = rl;
}

/* "+2 (a, b) -1 (c)": the names of shards added or removed. */
static void list_shards(char *out, size_t len, const struct sr_config *from,
			const struct sr_config *to)
{
	size_t at = strlen(out);
	uint32_t i, j;
	bool first = true;

	for (i = 0; i < to->n_shards && at < len; i++) {
		for (j = 0; j < from->n_shards; j++)
			if (!strcmp(from->shards[j].name, to->shards[i].name))
				break;
		if (j < from->n_shards)
			continue;
		at += (size_t)snprintf(out + at, len - at, "%s%s", first ? "" : ", ",
				       to->shards[i].name);
		first = false;
	}
}

static void describe(char *out, size_t len, const struct sr_reload *rl, const struct sr_config *run,
		     double moved, bool exact)
{
	const struct sr_config_change *c = &rl->ch;
	size_t at;

	snprintf(out, len, "shards added %u", c->added);
	if (c->added) {
		strncat(out, " (", len - strlen(out) - 1);
		list_shards(out, len, run, rl->next);
		strncat(out, ")", len - strlen(out) - 1);
	}
	at = strlen(out);
	snprintf(out + at, len - at, ", removed %u", c->removed);
	if (c->removed) {
		strncat(out, " (", len - strlen(out) - 1);
		list_shards(out, len, rl->next, run);
		strncat(out, ")", len - strlen(out) - 1);
	}
	at = strlen(out);
	snprintf(out + at, len - at, "; keys changed:%s%s%s%s%s%s%s%s%s%s",
		 c->shards && !c->added && !c->removed ? " shard list" : "", c->hash ? " hash" : "",
		 c->table_size ? " table-size" : "", c->key ? " key" : "",
		 c->dialect ? " dialect" : "", c->max_line ? " max-line" : "",
		 c->allow ? " allow" : "", c->gateway ? " gateway" : "",
		 c->flush_us ? " flush-us" : "",
		 (c->shards && !c->added && !c->removed) || c->hash || c->table_size || c->key ||
				 c->dialect || c->max_line || c->allow || c->gateway || c->flush_us
			 ? ""
			 : " none");
	at = strlen(out);
	snprintf(out + at, len - at, "; %.2f%% of the %s moved", moved * 100.0,
		 exact ? "Maglev table" : "keys sampled");
}

/* "2 shards down (a, b)" of a placement. */
static void describe_placement(char *out, size_t len, const struct sr_relay *r,
			       const struct sr_plane *pl, double moved, bool exact)
{
	uint32_t s, n = 0;
	size_t at;

	for (s = 0; s < pl->n_shards; s++)
		n += sr_shard_down(r, pl->slot[s]);
	snprintf(out, len, "%u of %u shards down", n, pl->n_shards);
	for (s = 0; s < pl->n_shards; s++) {
		if (!sr_shard_down(r, pl->slot[s]))
			continue;
		at = strlen(out);
		snprintf(out + at, len - at, "%s%s", at && out[at - 1] == 'n' ? " (" : ", ",
			 r->cfg.shards[s].name);
	}
	at = strlen(out);
	snprintf(out + at, len - at, "%s; %.2f%% of the %s moved%s", n ? ")" : "", moved * 100.0,
		 exact ? "Maglev table" : "keys sampled",
		 pl->all_down ? "; every shard down: lines are dropped (line_no_shard)" : "");
}

static void publish(struct sr_relay *r, struct sr_reload *rl)
{
	bool exact;
	double moved = sr_plane_moved(r->plane, &r->cfg, rl->plane, rl->next, &exact);
	uint32_t s, unresolved = 0;
	char what[2048];

	for (s = 0; s < rl->plane->n_shards; s++)
		unresolved += !(rl->plane->nh_word[s] & SR_NEIGH_VALID);
	if (rl->placement)
		describe_placement(what, sizeof(what), r, rl->plane, moved, exact);
	else
		describe(what, sizeof(what), rl, &r->cfg, moved, exact);
	pthread_mutex_lock(&r->view_lock);
	memcpy(rl->old_cfg, &r->cfg, sizeof(r->cfg));
	memcpy(&r->cfg, rl->next, sizeof(r->cfg));
	for (s = 0; s < rl->plane->n_shards; s++)
		r->slots[rl->plane->slot[s]].in_use = true;
	rl->plane->generation = rl->placement ? r->status.generation : ++r->status.generation;
	rl->old = r->plane;
	__atomic_store_n(&r->plane, rl->plane, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->view_lock);
	rl->token = rte_rcu_qsbr_start(r->qsv);
	rl->published = true;
	if (rl->placement) {
		fprintf(stderr,
			"statsd-relay: shards placed anew: %s; ring fingerprint %016" PRIx64 "\n",
			what, rl->plane->fingerprint);
		return;
	}

	fprintf(stderr,
		"statsd-relay: reload applied, generation %u: %s; ring fingerprint %016" PRIx64
		"%s%s\n",
		rl->plane->generation, what, rl->plane->fingerprint,
		unresolved
			? "; next hops still unresolved for some shards (held, then line_no_neighbour)"
			: "",
		shards_from_flags(r) ? "; the shards come from --shard flags, not the file" : "");
	printf("statsd-relay: ring fingerprint %016" PRIx64 " (%s, %u shards)\n",
	       rl->plane->fingerprint, sr_hash_names[r->cfg.hash], r->cfg.n_shards);
	fflush(stdout);
	answer(r, rl->asked, SR_RELOAD_APPLIED, what);
}

/* The old state is no longer read by any poller: its removed shards'
 * figures are kept aside and their slots and neighbours freed. */
static void retire(struct sr_relay *r, struct sr_reload *rl)
{
	const struct sr_plane *old = rl->old, *now = r->plane;
	bool kept[SR_MAX_SHARDS] = { false };
	uint32_t s, i;

	for (s = 0; s < now->n_shards; s++)
		kept[now->slot[s]] = true;
	pthread_mutex_lock(&r->view_lock);
	for (s = 0; s < old->n_shards; s++) {
		uint16_t slot = old->slot[s];
		const struct sr_shard_cfg *sh = &rl->old_cfg->shards[s];
		struct sr_shard_counters f;
		struct sr_removed_shard *rm;

		if (kept[slot])
			continue;
		f = sr_slot_figures(r, slot);
		for (i = 0; i < r->n_removed; i++)
			if (!strcmp(r->removed[i].name, sh->name) &&
			    !strcmp(r->removed[i].id, sh->id))
				break;
		if (i == SR_MAX_SHARDS) /* full: the last entry takes the rest */
			i = SR_MAX_SHARDS - 1;
		rm = &r->removed[i];
		if (i == r->n_removed) {
			r->n_removed++;
			snprintf(rm->id, sizeof(rm->id), "%s", sh->id);
			snprintf(rm->name, sizeof(rm->name), "%s", sh->name);
		}
		rm->ctr.lines += f.lines;
		rm->ctr.packets += f.packets;
		rm->ctr.bytes += f.bytes;
		r->slots[slot].base.lines += f.lines;
		r->slots[slot].base.packets += f.packets;
		r->slots[slot].base.bytes += f.bytes;
		r->slots[slot].in_use = false;
		rm->probes_sent += r->health[slot].h.udp_probes;
		memset(&r->health[slot], 0, sizeof(r->health[slot])); /* fresh for its next shard */
	}
	pthread_mutex_unlock(&r->view_lock);
	prune_neighbours(r);
	sr_plane_free(rl->old);
	reload_free(rl);
	r->reload = NULL;
}

void sr_reload_tick(struct sr_relay *r, uint64_t now_ms)
{
	struct sr_reload *rl = r->reload;

	if (!rl) {
		uint32_t asked = __atomic_load_n(&r->status.asked, __ATOMIC_ACQUIRE);
		if (asked != __atomic_load_n(&r->status.done, __ATOMIC_RELAXED))
			start(r, asked, now_ms); /* it places the shards down too */
		else if (__atomic_exchange_n(&r->placement_stale, false, __ATOMIC_ACQ_REL))
			start_placement(r, now_ms);
		return;
	}
	if (!rl->published) {
		uint32_t s;

		sr_nexthop_publish(r, rl->plane);
		for (s = 0; s < rl->plane->n_shards; s++)
			if (!(rl->plane->nh_word[s] & SR_NEIGH_VALID))
				break;
		if (s == rl->plane->n_shards || now_ms >= rl->deadline_ms)
			publish(r, rl);
		return;
	}
	/* Two grace periods: after the first, every poller has loaded the new
	 * plane; it finishes its work of the old one (take_plane) in the burst
	 * after that, the one the second waits for. */
	if (rte_rcu_qsbr_check(r->qsv, rl->token, false) != 1)
		return;
	if (++rl->grace == 1)
		rl->token = rte_rcu_qsbr_start(r->qsv);
	else
		retire(r, rl);
}
