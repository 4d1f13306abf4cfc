/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "net/sr_neigh.h"

int sr_neigh_add(struct sr_neigh_table *t, const struct sr_ip *ip, const uint8_t *static_mac,
		 uint64_t now_ms)
{
	struct sr_neigh *e;
	uint32_t i, free_at = t->n;

	for (i = 0; i < t->n; i++) {
		if (t->e[i].state == SR_NEIGH_UNUSED) {
			if (i < free_at)
				free_at = i;
			continue;
		}
		if (sr_ip_equal(&t->e[i].ip, ip)) {
			if (static_mac) {
				memcpy(t->e[i].mac, static_mac, 6);
				t->e[i].state = SR_NEIGH_STATIC;
			}
			return (int)i;
		}
	}
	if (free_at == SR_MAX_NEIGH)
		return -1;
	e = &t->e[free_at];
	memset(e, 0, sizeof(*e));
	e->ip = *ip;
	e->next_probe_ms = now_ms; /* ask at once */
	if (static_mac) {
		memcpy(e->mac, static_mac, 6);
		e->state = SR_NEIGH_STATIC;
	}
	if (free_at == t->n)
		t->n++;
	return (int)free_at;
}

void sr_neigh_remove(struct sr_neigh_table *t, uint32_t i)
{
	if (i < t->n)
		t->e[i].state = SR_NEIGH_UNUSED;
}

bool sr_neigh_learn(struct sr_neigh_table *t, const struct sr_ip *ip, const uint8_t mac[6],
		    uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		struct sr_neigh *e = &t->e[i];
		bool changed;
		if (e->state == SR_NEIGH_STATIC || e->state == SR_NEIGH_UNUSED ||
		    !sr_ip_equal(&e->ip, ip))
			continue;
		changed = e->state != SR_NEIGH_REACHABLE || memcmp(e->mac, mac, 6) != 0;
		memcpy(e->mac, mac, 6);
		e->state = SR_NEIGH_REACHABLE;
		e->expires_ms = now_ms + SR_NEIGH_REACHABLE_MS;
		e->next_probe_ms = now_ms + SR_NEIGH_REFRESH_MS;
		return changed;
	}
	return false;
}

uint32_t sr_neigh_tick(struct sr_neigh_table *t, uint64_t now_ms, uint32_t *idx, bool *unicast,
		       uint32_t max, bool *changed)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		struct sr_neigh *e = &t->e[i];
		if (e->state == SR_NEIGH_STATIC || e->state == SR_NEIGH_UNUSED)
			continue;
		if (e->state == SR_NEIGH_REACHABLE && now_ms >= e->expires_ms) {
			e->state = SR_NEIGH_INCOMPLETE; /* refresh unanswered: forget it */
			*changed = true;
		}
		if (now_ms < e->next_probe_ms || n == max)
			continue;
		idx[n] = i;
		unicast[n] = e->state == SR_NEIGH_REACHABLE;
		n++;
		e->next_probe_ms = now_ms + SR_NEIGH_RETRY_MS;
	}
	return n;
}
