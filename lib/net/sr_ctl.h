/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control frames the relay speaks for itself, as plain C over frame
 * bytes: answers built in place from the request (ARP reply, ICMP and ICMPv6
 * echo reply, Neighbor Advertisement) and the requests it sends to resolve
 * its next hops (ARP request, Neighbor Solicitation).
 */
#ifndef SR_CTL_H
#define SR_CTL_H

#include <stdint.h>

#include "net/sr_addr.h"
#include "net/sr_frame.h"

#define SR_ARP_FRAME_LEN 42 /* Ethernet + ARP */
#define SR_NS_FRAME_LEN 86  /* Ethernet + IPv6 + NS + source link-layer option */
#define SR_NA_LEN 32	    /* NA + target link-layer option */

/*
 * Turn the received request f (classified by sr_frame_parse into *fi) into
 * its answer, in place, in at most room bytes; return the answer's frame
 * length (0: not answered). our_ip is the address the request was for.
 */
uint32_t sr_ctl_answer(uint8_t *f, uint32_t room, const struct sr_frame_info *fi,
		       const uint8_t our_mac[6], const struct sr_ip *our_ip);

/* ARP request for target (RFC 826): broadcast, or unicast to dst_mac (refresh). */
uint32_t sr_arp_request(uint8_t *f, const uint8_t our_mac[6], const struct sr_ip *our_ip,
			const struct sr_ip *target, const uint8_t *dst_mac);

/* Neighbor Solicitation for target (RFC 4861 7.2.2): to its solicited-node
 * group, or unicast to dst_mac (refresh). */
uint32_t sr_nd_solicit(uint8_t *f, const uint8_t our_mac[6], const struct sr_ip *our_ip,
		       const struct sr_ip *target, const uint8_t *dst_mac);

/* The health probes' echo identifier: replies with another are not ours. */
#define SR_ECHO_ID 0x5352    /* "SR" */
#define SR_ECHO_FRAME_MAX 70 /* Ethernet + IPv6 + ICMPv6 echo + 8 bytes of data */

/* An ICMP (IPv4) or ICMPv6 echo request from src to dst, to dst_mac, with 8
 * bytes of data ("statsd-r"); its frame length. */
uint32_t sr_echo_request(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 const struct sr_ip *src, const struct sr_ip *dst, uint16_t id,
			 uint16_t seq);

#endif
