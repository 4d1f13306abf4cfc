/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every way a frame or a line can leave the relay without being forwarded.
 * The enum doubles as the drop counter index and the names are the counter
 * names printed and written to --stats-json: never rename one, only add.
 */
#ifndef SR_COUNTERS_H
#define SR_COUNTERS_H

#include <stdint.h>

#define SR_FRAME_DROPS(X)                                                                          \
	X(FRAME_TRUNCATED, "frame_truncated")                                                      \
	X(FRAME_OTHER_MAC, "frame_other_mac")                                                      \
	X(FRAME_OTHER_ETHERTYPE, "frame_other_ethertype")                                          \
	X(FRAME_BAD_IP_HEADER, "frame_bad_ip_header")                                              \
	X(FRAME_BAD_IP_CHECKSUM, "frame_bad_ip_checksum")                                          \
	X(FRAME_IP_FRAGMENT, "frame_ip_fragment")                                                  \
	X(FRAME_OTHER_PROTOCOL, "frame_other_protocol")                                            \
	X(FRAME_OTHER_ADDRESS, "frame_other_address")                                              \
	X(FRAME_OTHER_PORT, "frame_other_port")                                                    \
	X(FRAME_BAD_UDP_LENGTH, "frame_bad_udp_length")                                            \
	X(FRAME_BAD_UDP_CHECKSUM, "frame_bad_udp_checksum")                                        \
	X(FRAME_NOT_ALLOWED, "frame_not_allowed")                                                  \
	X(FRAME_ARP_OTHER, "frame_arp_other")                                                      \
	X(FRAME_BAD_ICMP, "frame_bad_icmp")                                                        \
	X(FRAME_BAD_SOURCE, "frame_bad_source")                                                    \
	X(FRAME_FRAGMENT_DUPLICATE, "frame_fragment_duplicate")

#define SR_LINE_DROPS(X)                                                                           \
	X(LINE_TOO_LONG, "line_too_long")                                                          \
	X(LINE_CONTROL_CHAR, "line_control_char")                                                  \
	X(LINE_BAD_UTF8, "line_bad_utf8")                                                          \
	X(LINE_BAD_FORMAT, "line_bad_format")                                                      \
	X(LINE_BAD_NAME, "line_bad_name")                                                          \
	X(LINE_UNKNOWN_TYPE, "line_unknown_type")                                                  \
	X(LINE_BAD_VALUE, "line_bad_value")                                                        \
	X(LINE_BAD_RATE, "line_bad_rate")                                                          \
	X(LINE_BAD_TAGS, "line_bad_tags")                                                          \
	X(LINE_TOO_MANY_TAGS, "line_too_many_tags")                                                \
	X(LINE_NO_MBUF, "line_no_mbuf")                                                            \
	X(LINE_TX_DROPPED, "line_tx_dropped")                                                      \
	X(LINE_BAD_TIMESTAMP, "line_bad_timestamp")                                                \
	X(LINE_BAD_EVENT, "line_bad_event")                                                        \
	X(LINE_BAD_SERVICE_CHECK, "line_bad_service_check")                                        \
	X(LINE_NO_NEIGHBOUR, "line_no_neighbour")                                                  \
	X(LINE_NO_SHARD, "line_no_shard")

/* one X-macro list a line */
/* clang-format off */
#define SR_ENUM_ENTRY(sym, name) SR_DROP_##sym,
enum sr_drop {
	SR_FRAME_DROPS(SR_ENUM_ENTRY)
	SR_LINE_DROPS(SR_ENUM_ENTRY)
	SR_DROP__COUNT
};
#undef SR_ENUM_ENTRY
/* clang-format on */

/* Verdict of a check that passed; a failed one returns its enum sr_drop. */
#define SR_OK SR_DROP__COUNT

extern const char *const sr_drop_names[SR_DROP__COUNT];

static inline int sr_drop_is_line(enum sr_drop d)
{
	return d >= SR_DROP_LINE_TOO_LONG && d < SR_DROP__COUNT;
}

/*
 * The counters besides the drops, in the order they are reported; each field
 * name is also its name in the stats, the JSON and telemetry.
 *   packets_in_place: forwarded zero-copy, headers rewritten
 *   frames_control:   ARP, ICMP echo, Neighbor Discovery handled
 *   fragments_in:     IP fragments taken for reassembly
 *   packets_fragmented: datagrams sent in fragments (long lines, big echo answers)
 *   fragments_out:    the fragments they were sent in
 */
#define SR_COUNTERS(X)                                                                             \
	X(frames_in)                                                                               \
	X(lines_in)                                                                                \
	X(lines_out)                                                                               \
	X(packets_out)                                                                             \
	X(packets_in_place)                                                                        \
	X(frames_control)                                                                          \
	X(fragments_in)                                                                            \
	X(datagrams_reassembled)                                                                   \
	X(packets_fragmented)                                                                      \
	X(fragments_out)

/* Per-poller counters: one writer (its lcore); readers sum them at exit. */
struct sr_counters {
#define SR_COUNTER_FIELD(name) uint64_t name;
	SR_COUNTERS(SR_COUNTER_FIELD)
#undef SR_COUNTER_FIELD
	uint64_t drops[SR_DROP__COUNT];
};

struct sr_shard_counters {
	uint64_t lines;
	uint64_t packets;
	uint64_t bytes; /* UDP payload bytes */
};

#endif
