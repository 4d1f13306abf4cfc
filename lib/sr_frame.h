/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame classification: is this Ethernet frame a StatsD datagram for us?
 * Plain C over the frame's bytes; the worker feeds it the mbuf's data and the
 * checksum verdicts the port's RX offloads already gave.
 */
#ifndef SR_FRAME_H
#define SR_FRAME_H

#include <stdint.h>

#include "sr_counters.h"

/* What the NIC already knows about a checksum. */
enum sr_cksum_state {
	SR_CKSUM_UNKNOWN, /* verify in software */
	SR_CKSUM_GOOD,
	SR_CKSUM_BAD,
};

struct sr_frame_ctx {
	uint8_t port_mac[6];
	uint32_t listen_ip;    /* network order */
	uint16_t listen_port;  /* network order */
};

struct sr_frame_info {
	uint32_t payload_off; /* UDP payload, from the frame start */
	uint32_t payload_len; /* from the UDP length (Ethernet padding excluded) */
	uint32_t src_ip;      /* network order, as received */
	uint32_t dst_ip;
	uint16_t src_port; /* network order */
	uint16_t dst_port;
	uint16_t udp_cksum; /* as received; 0 = none */
};

/*
 * Returns SR_OK and fills *fi for UDP to the listen address, else the frame_*
 * drop reason.
 */
int sr_frame_parse(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
		   enum sr_cksum_state ip_ck, enum sr_cksum_state udp_ck, struct sr_frame_info *fi);

#endif
