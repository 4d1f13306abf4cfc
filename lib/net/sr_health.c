/* SPDX-License-Identifier: BSD-3-Clause */
#include "net/sr_health.h"

const char *const sr_health_cause_names[SR_CAUSE__COUNT] = {
	[SR_CAUSE_NONE] = "none",
	[SR_CAUSE_NO_NEIGHBOUR] = "next hop unresolved (ARP/ND unanswered)",
	[SR_CAUSE_UNREACHABLE] = "ICMP port unreachable",
	[SR_CAUSE_NO_ECHO] = "echo probe unanswered",
	[SR_CAUSE_CHECKS_GOOD] = "checks good again",
	[SR_CAUSE_DRAIN] = "drained by the operator",
	[SR_CAUSE_AUTO] = "given back to the checks",
};

uint32_t sr_health_quiet_ms(const struct sr_health_cfg *c)
{
	uint32_t interval = c->interval_ms ? c->interval_ms : SR_HEALTH_PASSIVE_MS;

	return interval > SR_HEALTH_MIN_QUIET_MS ? interval : SR_HEALTH_MIN_QUIET_MS;
}

void sr_health_unreachable(struct sr_health *h, uint64_t now_ms)
{
	h->unreachable++;
	h->last_unreachable_ms = now_ms ? now_ms : 1;
}

void sr_health_echo_sent(struct sr_health *h)
{
	h->echo_sent = true;
	h->echo_answered = false;
	h->probes_sent++;
}

void sr_health_echo_reply(struct sr_health *h)
{
	if (h->echo_sent)
		h->echo_answered = true;
}

static enum sr_health_cause failed_because(struct sr_health *h, const struct sr_health_cfg *c,
					   uint64_t now_ms, bool resolved)
{
	enum sr_health_cause why = SR_CAUSE_NONE;

	if (h->echo_sent && !h->echo_answered) {
		h->probes_lost++;
		why = SR_CAUSE_NO_ECHO;
	}
	h->echo_sent = h->echo_answered = false;
	if (h->last_unreachable_ms && now_ms - h->last_unreachable_ms < sr_health_quiet_ms(c))
		return SR_CAUSE_UNREACHABLE;
	if (!resolved)
		return SR_CAUSE_NO_NEIGHBOUR;
	return why;
}

bool sr_health_check(struct sr_health *h, const struct sr_health_cfg *c, uint64_t now_ms,
		     bool resolved)
{
	enum sr_health_cause why = failed_because(h, c, now_ms, resolved);
	bool was_down = sr_health_is_down(h);

	if (why != SR_CAUSE_NONE) {
		h->good_run = 0;
		h->bad_run++;
		h->last_cause = (uint8_t)why;
		if (h->state == SR_HEALTH_UP && h->bad_run >= c->fall) {
			h->state = SR_HEALTH_DOWN;
			h->transitions++;
		}
	} else {
		h->bad_run = 0;
		h->good_run++;
		if (h->state == SR_HEALTH_DOWN && h->good_run >= c->rise) {
			h->state = SR_HEALTH_UP;
			h->transitions++;
			h->last_cause = SR_CAUSE_CHECKS_GOOD;
		}
	}
	return sr_health_is_down(h) != was_down;
}

bool sr_health_set_drain(struct sr_health *h, bool drain)
{
	bool was_down = sr_health_is_down(h);

	if (h->drain != drain) {
		h->drain = drain;
		h->last_cause = drain ? SR_CAUSE_DRAIN : SR_CAUSE_AUTO;
	}
	if (sr_health_is_down(h) != was_down) {
		h->transitions++;
		return true;
	}
	return false;
}
