/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A filter in front of reassembly. DPDK's rte_ip_frag discards a whole
 * datagram when its first or last fragment arrives twice, so one duplicated
 * fragment (a retransmitting switch, a mirrored port) lost every line of
 * it. Here each datagram being reassembled keeps the byte ranges received:
 * a fragment wholly covered by them is a duplicate, dropped alone (as Linux
 * does); one that partly overlaps them discards the datagram (RFC 5722 for
 * IPv6; for IPv4 overlapping data cannot be trusted either), and the
 * datagram's later fragments are refused until its entry times out, like
 * the reassembly table's own.
 *
 * One guard per poller (as the reassembly tables are per queue): no locks.
 * A bounded table: when two datagrams meet in a slot the newer takes it and
 * the older is no longer guarded (rte_ip_frag then handles it alone).
 */
#ifndef SR_FRAG_GUARD_H
#define SR_FRAG_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "net/sr_frame.h"

#define SR_FRAG_GUARD_RANGES 8 /* disjoint ranges kept per datagram */

struct sr_frag_key {
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint32_t id;
	uint8_t v6, proto;
};

struct sr_frag_seen {
	struct sr_frag_key key;
	uint64_t since; /* time of its first fragment; 0: slot free */
	uint8_t n;	/* ranges */
	bool poisoned;	/* overlapping fragments: the datagram is given up */
	struct {
		uint32_t start, end; /* [start, end) in bytes */
	} r[SR_FRAG_GUARD_RANGES];
};

struct sr_frag_guard {
	struct sr_frag_seen *slot; /* [n_slots] */
	uint32_t n_slots;
	uint64_t ttl; /* as long as the reassembly table keeps an entry */
};

enum sr_frag_check {
	SR_FRAG_TAKE,	   /* new data: to the reassembly table */
	SR_FRAG_DUPLICATE, /* nothing new: drop it alone (frame_fragment_duplicate) */
	SR_FRAG_OVERLAP,   /* partly new, partly overlapping: the datagram is given up */
};

void sr_frag_key_of(const struct sr_frame_info *fi, struct sr_frag_key *k);

/* The fragment fi (SR_VERDICT_FRAGMENT) arriving at time now. */
enum sr_frag_check sr_frag_guard_check(struct sr_frag_guard *g, const struct sr_frame_info *fi,
				       uint64_t now);

/* Its datagram was reassembled: its entry is free again. */
void sr_frag_guard_done(struct sr_frag_guard *g, const struct sr_frame_info *fi);

#endif
