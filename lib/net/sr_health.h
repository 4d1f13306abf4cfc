/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A shard's health, HAProxy style: checks of one interval each, --health-fall
 * failed ones in a row take an up shard down, --health-rise good ones bring
 * a down one back. A check fails when, during its interval:
 *   - the shard's next hop is unresolved (the host stopped answering ARP/ND);
 *   - an ICMP "port unreachable" for it arrived, or one arrived less than the
 *     quiet time ago: kernels rate-limit ICMP errors (Linux: a burst of 6, then
 *     one a second per peer), so one error marks the shard failing until a
 *     full quiet time passes without one;
 *   - the echo probe sent at its start went unanswered.
 * Drain (the operator's) counts as down whatever the checks say, and gives
 * the shard back to them on auto. Time is passed in (ms): tested without a
 * clock. Owned by the control thread.
 */
#ifndef SR_HEALTH_H
#define SR_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define SR_HEALTH_DEFAULT_INTERVAL_MS 500
#define SR_HEALTH_DEFAULT_FALL 3
#define SR_HEALTH_DEFAULT_RISE 3
#define SR_HEALTH_MIN_QUIET_MS 1500 /* a kernel's one error a second, and some */
#define SR_HEALTH_PASSIVE_MS 1000   /* the check interval with --health-interval 0 */

struct sr_health_cfg {
	uint32_t interval_ms; /* 0: passive signals only (no probes) */
	uint32_t fall, rise;
};

enum sr_health_state {
	SR_HEALTH_UP,
	SR_HEALTH_DOWN,
};

/* Why a check failed, or why the state changed. */
enum sr_health_cause {
	SR_CAUSE_NONE,
	SR_CAUSE_NO_NEIGHBOUR, /* next hop unresolved */
	SR_CAUSE_UNREACHABLE,  /* ICMP port unreachable */
	SR_CAUSE_NO_ECHO,      /* the echo probe unanswered */
	SR_CAUSE_CHECKS_GOOD,  /* rise good checks */
	SR_CAUSE_DRAIN,	       /* by the operator */
	SR_CAUSE_AUTO,	       /* given back to the checks */
	SR_CAUSE__COUNT
};

extern const char *const sr_health_cause_names[SR_CAUSE__COUNT];

struct sr_health {
	uint8_t state; /* enum sr_health_state, from the checks */
	bool drain;
	uint32_t bad_run, good_run;
	uint64_t last_unreachable_ms; /* 0: none yet */
	bool echo_sent, echo_answered;
	uint8_t last_cause; /* of the last failed check or transition */
	uint64_t transitions;
	uint64_t unreachable; /* ICMP errors received for the shard */
	uint64_t probes_sent; /* checks with an echo sent */
	uint64_t probes_lost;
	uint64_t udp_probes; /* empty datagrams sent to the shard's port */
};

static inline bool sr_health_is_down(const struct sr_health *h)
{
	return h->state == SR_HEALTH_DOWN || h->drain;
}

/* How long an ICMP error keeps the shard failing. */
uint32_t sr_health_quiet_ms(const struct sr_health_cfg *c);

/* An ICMP port unreachable for the shard. */
void sr_health_unreachable(struct sr_health *h, uint64_t now_ms);

/* An echo probe was sent for this check / its answer came. */
void sr_health_echo_sent(struct sr_health *h);
void sr_health_echo_reply(struct sr_health *h);

/*
 * The end of a check: resolved tells whether the next hop is known. Returns
 * true when the state the pollers see (sr_health_is_down) changed; the
 * cause is in h->last_cause. The echo of the next check is to be sent after.
 */
bool sr_health_check(struct sr_health *h, const struct sr_health_cfg *c, uint64_t now_ms,
		     bool resolved);

/* The operator: drain (true) or give back to the checks (false). Returns true
 * when the state the pollers see changed. */
bool sr_health_set_drain(struct sr_health *h, bool drain);

#endif
