/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outgoing headers. Each shard has a prebuilt Ethernet + IPv4/IPv6 + UDP
 * header with the partial checksums of its fixed fields; finishing a packet
 * only adds the length and the payload's sum. No VLAN tag, no IP options or
 * extension headers, TTL / hop limit 64.
 */
#ifndef SR_REWRITE_H
#define SR_REWRITE_H

#include <stdint.h>

#include "net/sr_addr.h"
#include "net/sr_frame.h"

#define SR_HDR_V4_LEN 42 /* 14 Ethernet + 20 IPv4 + 8 UDP */
#define SR_HDR_V6_LEN 62 /* 14 Ethernet + 40 IPv6 + 8 UDP */
#define SR_HDR_MAX_LEN SR_HDR_V6_LEN

struct sr_hdr_tmpl {
	uint8_t bytes[SR_HDR_MAX_LEN]; /* lengths and checksums zero */
	uint8_t len;		       /* SR_HDR_V4_LEN or SR_HDR_V6_LEN */
	uint8_t v6;
	uint32_t ip_sum;  /* IPv4 header words without the length */
	uint32_t udp_sum; /* pseudo-header addresses/protocol and ports */
};

void sr_hdr_tmpl_init_v4(struct sr_hdr_tmpl *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port);
void sr_hdr_tmpl_init_v6(struct sr_hdr_tmpl *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 const uint8_t src_ip[16], uint16_t src_port, const uint8_t dst_ip[16],
			 uint16_t dst_port);

/*
 * Write the headers into hdr[0..t->len), right before the payload.
 * payload_sum is the payload's raw sum (sr_payload_sum, or recovered from a
 * received checksum with sr_payload_sum_from_udp).
 */
void sr_hdr_write(uint8_t *hdr, const struct sr_hdr_tmpl *t, uint16_t payload_len,
		  uint32_t payload_sum);

/* Raw one's complement sum of a payload. */
uint32_t sr_payload_sum(const uint8_t *p, uint32_t len);

/*
 * The payload's sum recovered from a received, verified, non-zero UDP
 * checksum (RFC 1624 arithmetic): lets a packet forwarded in place get its new
 * checksum without reading its payload again.
 */
uint32_t sr_payload_sum_from_udp(const struct sr_frame_info *fi);

#endif
