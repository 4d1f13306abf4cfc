/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Downstream health, on the control thread (net/sr_health.h has the rules):
 * once per interval, each shard's check is decided from what the pollers
 * heard (echo replies, port unreachables, over the learn ring) and whether
 * its next hop is resolved, then the next probes go out through the
 * control ring: an ICMP/ICMPv6 echo to each shard host, an empty UDP
 * datagram to each shard's StatsD port (a server ignores it, a closed port
 * answers port unreachable). A change of a shard's state is logged and, with
 * --on-shard-down reshard, asks for a new placement without the down
 * shards (reload.c publishes it). Health lives by slot: it follows a shard
 * through reloads. Written under view_lock, which readers take.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net/sr_ctl.h"
#include "relay.h"
#include "tx.h"

void sr_health_init(struct sr_relay *r)
{
	r->health_cfg = (struct sr_health_cfg){
		.interval_ms = r->cfg.health_interval_ms,
		.fall = r->cfg.health_fall,
		.rise = r->cfg.health_rise,
	};
}

bool sr_shard_down(const struct sr_relay *r, uint16_t slot)
{
	return sr_health_is_down(&r->health[slot].h);
}

uint64_t sr_shard_lines_while_down(const struct sr_relay *r, uint16_t slot)
{
	const struct sr_shard_health *sh = &r->health[slot];
	uint64_t n = sh->lines_while_down;

	if (sr_health_is_down(&sh->h))
		n += sr_slot_figures(r, slot).lines - sh->down_mark;
	return n;
}

void sr_health_hear(struct sr_relay *r, const struct sr_ctl_msg *msg, uint64_t now_ms)
{
	const struct sr_plane *pl = r->plane;
	uint32_t s;

	pthread_mutex_lock(&r->view_lock);
	for (s = 0; s < pl->n_shards; s++) {
		const struct sr_endpoint *a = &r->cfg.shards[s].addr;
		struct sr_health *h = &r->health[pl->slot[s]].h;

		if (!sr_ip_equal(&a->ip, &msg->ip))
			continue;
		if (msg->kind == SR_MSG_ECHO_REPLY && msg->seq == r->echo_seq)
			sr_health_echo_reply(h); /* the host answers for its every shard */
		else if (msg->kind == SR_MSG_UNREACHABLE && msg->port == a->port)
			sr_health_unreachable(h, now_ms);
	}
	pthread_mutex_unlock(&r->view_lock);
}

/* A state change: said with its cause, its lines while down counted. */
static void transition(struct sr_relay *r, uint32_t s, struct sr_shard_health *sh)
{
	const struct sr_health *h = &sh->h;
	uint16_t slot = r->plane->slot[s];
	bool down = sr_health_is_down(h);
	uint64_t lines = sr_slot_figures(r, slot).lines;

	if (down)
		sh->down_mark = lines;
	else
		sh->lines_while_down += lines - sh->down_mark;
	fprintf(stderr, "statsd-relay: shard %s %s: %s%s\n", r->cfg.shards[s].name,
		down ? "down" : "up", sr_health_cause_names[h->last_cause],
		r->cfg.on_down_keep ? " (--on-shard-down keep: nothing moves)"
		: down		    ? "; its series go to the other shards"
				    : "; its series come back");
	if (!r->cfg.on_down_keep)
		__atomic_store_n(&r->placement_stale, true, __ATOMIC_RELEASE);
}

/* This interval's probes: an echo to each shard host (once per address),
 * an empty datagram to each shard's port; a shard whose next hop is unknown
 * gets none (its check fails on that). */
static void probe_all(struct sr_relay *r)
{
	const struct sr_plane *pl = r->plane;
	uint32_t s, t;

	r->echo_seq++;
	for (s = 0; s < pl->n_shards; s++) {
		const struct sr_shard_cfg *sc = &r->cfg.shards[s];
		uint64_t nh = pl->nh_word[s];
		uint8_t mac[6];
		struct rte_mbuf *m;
		int i;

		if (!(nh & SR_NEIGH_VALID))
			continue;
		for (i = 0; i < 6; i++)
			mac[i] = (uint8_t)(nh >> (8 * i));
		sr_health_echo_sent(&r->health[pl->slot[s]].h);
		for (t = 0; t < s; t++) /* this host asked already */
			if (sr_ip_equal(&r->cfg.shards[t].addr.ip, &sc->addr.ip) &&
			    (pl->nh_word[t] & SR_NEIGH_VALID))
				break;
		if (t == s && (m = rte_pktmbuf_alloc(r->pool)) != NULL)
			(void)sr_tx_hand_to_poller(
				r, m,
				sr_echo_request(rte_pktmbuf_mtod(m, uint8_t *), r->tx_mac, mac,
						&r->src[sc->addr.ip.v6], &sc->addr.ip, SR_ECHO_ID,
						r->echo_seq));
		m = rte_pktmbuf_alloc(r->pool);
		if (m) {
			uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
			sr_hdr_write(f, &pl->tmpl[s], 0, 0);
			memcpy(f, mac, 6);
			if (sr_tx_hand_to_poller(r, m, pl->tmpl[s].len)) /* full: this probe lost */
				r->health[pl->slot[s]].h.udp_probes++;
		}
	}
}

void sr_health_tick(struct sr_relay *r, uint64_t now_ms)
{
	const struct sr_plane *pl = r->plane;
	uint32_t s;

	uint32_t interval = r->health_cfg.interval_ms ? r->health_cfg.interval_ms
						      : SR_HEALTH_PASSIVE_MS;
	bool first = r->next_check_ms == 0;

	if (now_ms < r->next_check_ms)
		return;
	r->next_check_ms = now_ms + interval;
	if (first) { /* the first round only probes: nothing to check yet */
		pthread_mutex_lock(&r->view_lock);
		if (r->health_cfg.interval_ms)
			probe_all(r);
		pthread_mutex_unlock(&r->view_lock);
		return;
	}
	pthread_mutex_lock(&r->view_lock);
	for (s = 0; s < pl->n_shards; s++) {
		struct sr_shard_health *sh = &r->health[pl->slot[s]];
		bool resolved = (pl->nh_word[s] & SR_NEIGH_VALID) != 0;

		if (sr_health_check(&sh->h, &r->health_cfg, now_ms, resolved))
			transition(r, s, sh);
	}
	if (r->health_cfg.interval_ms)
		probe_all(r); /* under the lock too: it marks each shard's echo sent */
	pthread_mutex_unlock(&r->view_lock);
}

int sr_health_drain(struct sr_relay *r, const char *name, bool drain, char *state, size_t len)
{
	uint32_t s;
	int rc = -1;

	pthread_mutex_lock(&r->view_lock);
	for (s = 0; s < r->cfg.n_shards; s++) {
		struct sr_shard_health *sh;

		if (strcmp(r->cfg.shards[s].name, name) && strcmp(r->cfg.shards[s].id, name))
			continue;
		sh = &r->health[r->plane->slot[s]];
		if (sr_health_set_drain(&sh->h, drain))
			transition(r, s, sh);
		snprintf(state, len, "%s", sr_health_is_down(&sh->h) ? "down" : "up");
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&r->view_lock);
	if (rc == 0)
		(void)eventfd_write(r->learn_fd, 1); /* the control thread: a new placement */
	return rc;
}
