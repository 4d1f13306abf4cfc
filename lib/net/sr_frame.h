/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame classification: is this Ethernet frame a StatsD datagram for us, a
 * control frame the relay answers or learns from (ARP, ICMP echo, IPv6
 * Neighbor Discovery and echo), a fragment to reassemble, or a drop (and
 * why)? Plain C over the frame's bytes; the worker feeds it the mbuf's data
 * and the checksum verdicts the port's RX offloads already gave.
 */
#ifndef SR_FRAME_H
#define SR_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "net/sr_addr.h"
#include "sr_counters.h"

/* What becomes of a frame. */
enum sr_verdict_kind {
	SR_VERDICT_RELAY,    /* StatsD for us: *fi says where its payload is */
	SR_VERDICT_CONTROL,  /* answered or learnt from: fi->control says which */
	SR_VERDICT_FRAGMENT, /* a fragment for us: to reassemble */
	SR_VERDICT_DROP,     /* not taken: .drop says why */
};

struct sr_verdict {
	enum sr_verdict_kind kind;
	enum sr_drop drop; /* SR_VERDICT_DROP: a frame_* reason */
};

/* What the NIC already knows about a checksum. */
enum sr_cksum_state {
	SR_CKSUM_UNKNOWN, /* verify in software */
	SR_CKSUM_GOOD,
	SR_CKSUM_BAD,
};

enum sr_control {
	SR_CTL_NONE,
	SR_CTL_ARP_REQUEST, /* for our IPv4 address: answer; sender learnable */
	SR_CTL_ARP_REPLY,   /* to us: learn */
	SR_CTL_ICMP_ECHO,   /* to our IPv4 address: answer */
	SR_CTL_ND_SOLICIT,  /* for our IPv6 address: answer; sender learnable */
	SR_CTL_ND_ADVERT,   /* learn */
	SR_CTL_ICMP6_ECHO,  /* to our IPv6 address: answer */
	/* for the health checks (net/sr_health.h), either family: */
	SR_CTL_ECHO_REPLY,	 /* to us: peer_ip answered, echo_id/echo_seq */
	SR_CTL_PORT_UNREACHABLE, /* an ICMP error naming a datagram of ours to
				  * peer_ip:peer_port (RFC 792, RFC 4443 3.1) */
};

struct sr_prefix;

struct sr_frame_ctx {
	uint8_t port_mac[6];
	struct sr_ip listen[SR_FAMILIES];
	uint16_t listen_port[SR_FAMILIES];  /* network order; 0: no such family */
	uint8_t listen_prefix[SR_FAMILIES]; /* its subnet (IPv4: whose broadcast is no source) */
	const struct sr_prefix *allow;	    /* clients allowed; NULL: all */
	uint16_t send_port[SR_FAMILIES];    /* network order: the UDP source port of what we
					     * send (an ICMP error's quote must name it) */
	uint32_t n_allow;
	bool no_statsd; /* the egress side of a two-armed relay: ARP/ND/ICMP only */
};

struct sr_frame_info {
	uint8_t v6;
	uint16_t l2_len, l3_len; /* Ethernet (+VLAN); IP header (+IPv6 fragment header) */
	uint32_t payload_off;	 /* UDP payload, from the frame start */
	uint32_t payload_len;	 /* from the UDP length (Ethernet padding excluded) */
	struct sr_ip src, dst;
	uint16_t src_port; /* network order */
	uint16_t dst_port;
	uint16_t udp_cksum; /* as received; 0 = none */
	enum sr_control control;
	uint8_t peer_mac[6]; /* ARP sender / ND link-layer option */
	uint8_t has_peer_mac;
	uint8_t atomic_fragment; /* IPv6 fragment header, offset 0, last: a whole datagram */
	struct sr_ip peer_ip;	 /* ARP sender / ND target (advert) / echo replier / unreachable */
	uint16_t peer_port;	 /* SR_CTL_PORT_UNREACHABLE: the UDP port (host order) */
	uint16_t echo_id, echo_seq; /* SR_CTL_ECHO_REPLY (host order) */
	uint32_t l4_off;	    /* ICMP/ICMPv6/ARP header offset */
	/* SR_VERDICT_FRAGMENT: which datagram, and which bytes of it */
	uint32_t frag_id;   /* IPv4: 16 bits; IPv6: 32 */
	uint32_t frag_off;  /* in bytes */
	uint32_t frag_len;  /* the fragment's data bytes */
	uint8_t frag_more;  /* more fragments follow */
	uint8_t frag_proto; /* IPv4 protocol (IPv6: 0) */
};

/* Classify a frame; *fi tells what the verdict needs (payload, control, peer). */
struct sr_verdict sr_frame_parse(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
				 enum sr_cksum_state ip_ck, enum sr_cksum_state udp_ck,
				 struct sr_frame_info *fi);

#endif
