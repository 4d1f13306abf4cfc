/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "net/sr_cksum.h"
#include "net/sr_frame.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LL 1
#define ND_OPT_TARGET_LL 2
#define IPV6_FRAGMENT_HDR 44

static inline struct sr_verdict verdict(enum sr_verdict_kind kind)
{
	return (struct sr_verdict){ .kind = kind };
}

static inline struct sr_verdict drop(enum sr_drop why)
{
	return (struct sr_verdict){ .kind = SR_VERDICT_DROP, .drop = why };
}

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool allowed(const struct sr_frame_ctx *ctx, const struct sr_ip *src)
{
	uint32_t i;

	if (ctx->n_allow == 0)
		return true;
	for (i = 0; i < ctx->n_allow; i++)
		if (sr_ip_in_prefix(src, &ctx->allow[i].ip, ctx->allow[i].len))
			return true;
	return false;
}

/*
 * Sources nothing real sends from, for what is addressed to us (RFC 1122
 * 3.2.1.3, RFC 1812 5.3.7): this network (0.0.0.0), broadcast (limited, or
 * our subnet's), multicast and class E, and our own address. Answering them
 * would reflect traffic to a broadcast or to ourselves.
 */
static bool bad_source_v4(const struct sr_frame_ctx *ctx, const struct sr_ip *src)
{
	uint32_t a = rte_be_to_cpu_32(sr_ip4(src));

	return a == 0 || (a >> 28) >= 0xe ||
	       (sr_ip_in_prefix(src, &ctx->listen[SR_V4], ctx->listen_prefix[SR_V4]) &&
		sr_ip_is_subnet_broadcast(src, ctx->listen_prefix[SR_V4])) ||
	       sr_ip_equal(src, &ctx->listen[SR_V4]);
}

/*
 * IPv6 (RFC 4291 2.7: no multicast source; RFC 4443 2.4): multicast, our
 * own address, and the unspecified address but for a Neighbor Solicitation
 * of duplicate address detection (RFC 4861 7.2.4).
 */
static bool bad_source_v6(const struct sr_frame_ctx *ctx, const struct rte_ipv6_hdr *ip,
			  const uint8_t *l4, uint32_t plen)
{
	static const uint8_t unspecified[16];

	if (ip->src_addr[0] == 0xff || !memcmp(ip->src_addr, ctx->listen[SR_V6].a, 16))
		return true;
	return !memcmp(ip->src_addr, unspecified, 16) &&
	       !(ip->proto == IPPROTO_ICMPV6 && plen >= 1 && l4[0] == ND_NEIGHBOR_SOLICIT);
}

/*
 * RFC 826 over Ethernet: requests for our address are answered, replies to
 * us learnt; any other well-formed ARP is dropped (frame_arp_other) but its
 * sender is still offered for learning (gratuitous ARP, RFC 5227).
 */
static struct sr_verdict parse_arp(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
				   uint32_t l2, struct sr_frame_info *fi)
{
	const struct rte_arp_hdr *a = (const struct rte_arp_hdr *)(f + l2);
	uint16_t op;

	fi->v6 = SR_V4;
	if (len < l2 + sizeof(*a))
		return drop(SR_DROP_FRAME_TRUNCATED);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
	    a->arp_plen != 4)
		return drop(SR_DROP_FRAME_ARP_OTHER);
	fi->l4_off = l2;
	memcpy(fi->peer_mac, &a->arp_data.arp_sha, 6);
	fi->has_peer_mac = 1;
	memset(&fi->peer_ip, 0, sizeof(fi->peer_ip));
	memcpy(fi->peer_ip.a, &a->arp_data.arp_sip, 4);
	op = rte_be_to_cpu_16(a->arp_opcode);
	if ((op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    memcmp(&a->arp_data.arp_tip, ctx->listen[SR_V4].a, 4) != 0)
		return drop(SR_DROP_FRAME_ARP_OTHER);
	fi->control = op == RTE_ARP_OP_REQUEST ? SR_CTL_ARP_REQUEST : SR_CTL_ARP_REPLY;
	return verdict(SR_VERDICT_CONTROL);
}

/* UDP for the listen port of a family: length, port, ACL, checksum (RFC 768, 8200 8.1). */
static struct sr_verdict parse_udp(const struct sr_frame_ctx *ctx, const uint8_t *f,
				   uint32_t l4_off, uint32_t l4_len, uint32_t pseudo_sum,
				   enum sr_cksum_state udp_ck, struct sr_frame_info *fi)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(f + l4_off);
	uint32_t udp_len;

	if (l4_len < sizeof(*udp))
		return drop(SR_DROP_FRAME_TRUNCATED);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < sizeof(*udp) || udp_len > l4_len)
		return drop(SR_DROP_FRAME_BAD_UDP_LENGTH);
	if (udp->dst_port != ctx->listen_port[fi->v6] || ctx->no_statsd)
		return drop(SR_DROP_FRAME_OTHER_PORT);
	if (!allowed(ctx, &fi->src))
		return drop(SR_DROP_FRAME_NOT_ALLOWED);
	/* IPv4: zero means no checksum; IPv6: a checksum is mandatory */
	if (udp->dgram_cksum != 0 || fi->v6) {
		if (udp_ck == SR_CKSUM_BAD || (fi->v6 && udp->dgram_cksum == 0))
			return drop(SR_DROP_FRAME_BAD_UDP_CHECKSUM);
		if (udp_ck == SR_CKSUM_UNKNOWN &&
		    sr_cksum_fold(sr_cksum_raw(udp, udp_len,
					       pseudo_sum + rte_cpu_to_be_16((uint16_t)udp_len))) !=
			    0xffff)
			return drop(SR_DROP_FRAME_BAD_UDP_CHECKSUM);
	}
	fi->payload_off = l4_off + sizeof(*udp);
	fi->payload_len = udp_len - sizeof(*udp);
	fi->src_port = udp->src_port;
	fi->dst_port = udp->dst_port;
	fi->udp_cksum = udp->dgram_cksum;
	return verdict(SR_VERDICT_RELAY);
}

/* Echo replies and port unreachables are what the health checks hear. */
static bool is_health_icmp(uint8_t type, uint8_t code, uint8_t echo_reply, uint8_t unreach,
			   uint8_t port_code)
{
	return (type == echo_reply && code == 0) || (type == unreach && code == port_code);
}

/*
 * An echo reply to us, or an ICMP error quoting a UDP datagram we sent (its
 * source our address): which peer, which port. The quote is the IP header
 * and at least the UDP header (RFC 792: 64 bits of data; RFC 4443 3.1: as
 * much as fits). m: the ICMP message (checksum checked), len its length.
 */
static struct sr_verdict parse_health(const struct sr_frame_ctx *ctx, const uint8_t *m,
				      uint32_t len, struct sr_frame_info *fi)
{
	const uint8_t *q = m + 8;
	uint32_t qlen = len - 8, ihl;
	uint8_t fam = fi->v6;

	if (len < 8)
		return drop(SR_DROP_FRAME_TRUNCATED);
	if (m[0] == (fam ? ICMP6_ECHO_REPLY : RTE_IP_ICMP_ECHO_REPLY)) {
		fi->peer_ip = fi->src;
		fi->echo_id = load_be16(m + 4);
		fi->echo_seq = load_be16(m + 6);
		fi->control = SR_CTL_ECHO_REPLY;
		return verdict(SR_VERDICT_CONTROL);
	}
	memset(&fi->peer_ip, 0, sizeof(fi->peer_ip));
	fi->peer_ip.v6 = fam;
	if (fam) {
		if (qlen < 40 + 8)
			return drop(SR_DROP_FRAME_TRUNCATED);
		if ((q[0] >> 4) != 6 || q[6] != IPPROTO_UDP ||
		    memcmp(q + 8, ctx->listen[SR_V6].a, 16) != 0)
			return drop(SR_DROP_FRAME_OTHER_PROTOCOL); /* not about our datagrams */
		memcpy(fi->peer_ip.a, q + 24, 16);
		ihl = 40;
	} else {
		if (qlen < 20)
			return drop(SR_DROP_FRAME_TRUNCATED);
		ihl = (uint32_t)(q[0] & 0x0f) * 4;
		if ((q[0] >> 4) != 4 || ihl < 20 || q[9] != IPPROTO_UDP ||
		    memcmp(q + 12, ctx->listen[SR_V4].a, 4) != 0)
			return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
		if (qlen < ihl + 8)
			return drop(SR_DROP_FRAME_TRUNCATED);
		memcpy(fi->peer_ip.a, q + 16, 4);
	}
	/* from the host the datagram went to, about a datagram from our port:
	 * anyone else's "error" would steer the placement (RFC 5927 4.1) */
	if (!sr_ip_equal(&fi->peer_ip, &fi->src) || memcmp(q + ihl, &ctx->send_port[fam], 2) != 0)
		return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
	fi->peer_port = load_be16(q + ihl + 2);
	fi->control = SR_CTL_PORT_UNREACHABLE;
	return verdict(SR_VERDICT_CONTROL);
}

static struct sr_verdict parse_ipv4(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
				    uint32_t l2, enum sr_cksum_state ip_ck,
				    enum sr_cksum_state udp_ck, struct sr_frame_info *fi)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + l2);
	uint32_t ihl, ip_len;
	bool ours;

	if (len < l2 + sizeof(*ip))
		return drop(SR_DROP_FRAME_TRUNCATED);
	/* RFC 1812 5.2.2: version 4, header length >= 20, total length >= header. */
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip))
		return drop(SR_DROP_FRAME_BAD_IP_HEADER);
	if (len < l2 + ihl)
		return drop(SR_DROP_FRAME_TRUNCATED);
	if (ip_len < ihl)
		return drop(SR_DROP_FRAME_BAD_IP_HEADER);
	/* fewer bytes than the header says: cut on the way (an af_packet ring
	 * frame too small for a reassembled datagram, a short capture) */
	if (ip_len > len - l2)
		return drop(SR_DROP_FRAME_TRUNCATED);
	if (ip_ck == SR_CKSUM_BAD || (ip_ck == SR_CKSUM_UNKNOWN && sr_cksum(ip, ihl) != 0xffff))
		return drop(SR_DROP_FRAME_BAD_IP_CHECKSUM);
	fi->v6 = SR_V4;
	fi->l3_len = (uint16_t)ihl;
	memset(&fi->src, 0, sizeof(fi->src));
	memset(&fi->dst, 0, sizeof(fi->dst));
	memcpy(fi->src.a, &ip->src_addr, 4);
	memcpy(fi->dst.a, &ip->dst_addr, 4);
	ours = ctx->listen_port[SR_V4] && ip->dst_addr == sr_ip4(&ctx->listen[SR_V4]);
	if (ours && bad_source_v4(ctx, &fi->src))
		return drop(SR_DROP_FRAME_BAD_SOURCE);
	/* More-fragments flag or an offset: a piece of a datagram, reassembled if ours. */
	if (ip->fragment_offset &
	    rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
		if (!ours)
			return drop(SR_DROP_FRAME_IP_FRAGMENT);
		fi->frag_id = rte_be_to_cpu_16(ip->packet_id);
		fi->frag_off = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) *
			       RTE_IPV4_HDR_OFFSET_UNITS;
		fi->frag_len = ip_len - ihl;
		fi->frag_more = (fo & RTE_IPV4_HDR_MF_FLAG) != 0;
		fi->frag_proto = ip->next_proto_id;
		return allowed(ctx, &fi->src) ? verdict(SR_VERDICT_FRAGMENT)
					      : drop(SR_DROP_FRAME_NOT_ALLOWED);
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(f + l2 + ihl);
		if (ip_len - ihl < sizeof(*icmp))
			return drop(SR_DROP_FRAME_TRUNCATED);
		if (ours && is_health_icmp(icmp->icmp_type, icmp->icmp_code, RTE_IP_ICMP_ECHO_REPLY,
					   3, 3)) {
			if (sr_cksum(icmp, ip_len - ihl) != 0xffff)
				return drop(SR_DROP_FRAME_BAD_ICMP);
			return parse_health(ctx, (const uint8_t *)icmp, ip_len - ihl, fi);
		}
		/* only echo requests to us are answered (RFC 792) */
		if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0 || !ours)
			return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
		if (!allowed(ctx, &fi->src))
			return drop(SR_DROP_FRAME_NOT_ALLOWED);
		if (sr_cksum(icmp, ip_len - ihl) != 0xffff)
			return drop(SR_DROP_FRAME_BAD_ICMP);
		fi->control = SR_CTL_ICMP_ECHO;
		fi->l4_off = l2 + ihl;
		return verdict(SR_VERDICT_CONTROL);
	}
	if (ip->next_proto_id != IPPROTO_UDP)
		return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
	if (!ours)
		return drop(SR_DROP_FRAME_OTHER_ADDRESS);
	return parse_udp(ctx, f, l2 + ihl, ip_len - ihl,
			 sr_sum_be32(ip->src_addr) + sr_sum_be32(ip->dst_addr) +
				 rte_cpu_to_be_16(IPPROTO_UDP),
			 udp_ck, fi);
}

/* Sum of an IPv6 pseudo header's addresses and next header (RFC 8200 8.1). */
static uint32_t ipv6_pseudo_sum(const struct rte_ipv6_hdr *ip, uint8_t proto)
{
	return sr_cksum_raw(ip->src_addr, 32, 0) + rte_cpu_to_be_16(proto);
}

/*
 * Is the packet for us: our address or its solicited-node group (RFC 4291
 * 2.7.1), or an unsolicited advertisement to all nodes (RFC 4861 7.2.6)?
 */
static bool ipv6_for_us(const struct sr_frame_ctx *ctx, const struct rte_ipv6_hdr *ip,
			const uint8_t *l4, uint32_t plen)
{
	static const uint8_t snm[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const uint8_t *ours = ctx->listen[SR_V6].a, *dst = ip->dst_addr;

	if (memcmp(dst, ours, 16) == 0 ||
	    (memcmp(dst, snm, 13) == 0 && !memcmp(dst + 13, ours + 13, 3)))
		return true;
	return memcmp(dst, all_nodes, 16) == 0 && ip->proto == IPPROTO_ICMPV6 && plen >= 1 &&
	       l4[0] == ND_NEIGHBOR_ADVERT;
}

/* ICMPv6 to us: echo requests, and Neighbor Discovery (RFC 4861 7.1.1, 7.1.2). */
static struct sr_verdict parse_icmp6(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t off,
				     uint32_t len, const struct rte_ipv6_hdr *ip,
				     struct sr_frame_info *fi)
{
	const uint8_t *m = f + off;
	uint32_t o;

	bool echo;

	if (len < 4)
		return drop(SR_DROP_FRAME_TRUNCATED);
	echo = m[0] == ICMP6_ECHO_REQUEST && m[1] == 0 && len >= 8 &&
	       !memcmp(ip->dst_addr, ctx->listen[SR_V6].a, 16);
	/* as over IPv4: the source is checked before the checksum */
	if (echo && !allowed(ctx, &fi->src))
		return drop(SR_DROP_FRAME_NOT_ALLOWED);
	if (sr_cksum_fold(sr_cksum_raw(m, len,
				       ipv6_pseudo_sum(ip, IPPROTO_ICMPV6) +
					       rte_cpu_to_be_16((uint16_t)len))) != 0xffff)
		return drop(SR_DROP_FRAME_BAD_ICMP);
	fi->l4_off = off;
	if (echo) {
		fi->control = SR_CTL_ICMP6_ECHO;
		return verdict(SR_VERDICT_CONTROL);
	}
	if (is_health_icmp(m[0], m[1], ICMP6_ECHO_REPLY, 1, 4) &&
	    !memcmp(ip->dst_addr, ctx->listen[SR_V6].a, 16))
		return parse_health(ctx, m, len, fi);
	if ((m[0] != ND_NEIGHBOR_SOLICIT && m[0] != ND_NEIGHBOR_ADVERT) || m[1] != 0 || len < 24 ||
	    ip->hop_limits != 255)
		return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
	/* options: type, length in 8-byte units, value; the link-layer address one */
	for (o = 24; o + 8 <= len && m[o + 1] != 0; o += m[o + 1] * 8u)
		if ((m[o] == ND_OPT_SOURCE_LL || m[o] == ND_OPT_TARGET_LL) && m[o + 1] == 1) {
			memcpy(fi->peer_mac, m + o + 2, 6);
			fi->has_peer_mac = 1;
		}
	memset(&fi->peer_ip, 0, sizeof(fi->peer_ip));
	fi->peer_ip.v6 = SR_V6;
	if (m[0] == ND_NEIGHBOR_SOLICIT) {
		if (memcmp(m + 8, ctx->listen[SR_V6].a, 16) != 0)
			return drop(SR_DROP_FRAME_OTHER_ADDRESS);
		memcpy(fi->peer_ip.a, ip->src_addr, 16); /* the solicitor */
		fi->control = SR_CTL_ND_SOLICIT;
	} else {
		memcpy(fi->peer_ip.a, m + 8, 16); /* the target advertised */
		fi->control = SR_CTL_ND_ADVERT;
	}
	return verdict(SR_VERDICT_CONTROL);
}

static struct sr_verdict parse_ipv6(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
				    uint32_t l2, enum sr_cksum_state udp_ck,
				    struct sr_frame_info *fi)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(f + l2);
	uint32_t plen;

	if (len < l2 + sizeof(*ip))
		return drop(SR_DROP_FRAME_TRUNCATED);
	plen = rte_be_to_cpu_16(ip->payload_len);
	if ((f[l2] >> 4) != 6)
		return drop(SR_DROP_FRAME_BAD_IP_HEADER);
	if (plen > len - l2 - sizeof(*ip))
		return drop(SR_DROP_FRAME_TRUNCATED);
	fi->v6 = SR_V6;
	fi->l3_len = sizeof(*ip);
	fi->src.v6 = fi->dst.v6 = SR_V6;
	memcpy(fi->src.a, ip->src_addr, 16);
	memcpy(fi->dst.a, ip->dst_addr, 16);
	if (!ipv6_for_us(ctx, ip, f + l2 + sizeof(*ip), plen))
		return drop(SR_DROP_FRAME_OTHER_ADDRESS);
	if (bad_source_v6(ctx, ip, f + l2 + sizeof(*ip), plen))
		return drop(SR_DROP_FRAME_BAD_SOURCE);
	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		return parse_icmp6(ctx, f, l2 + sizeof(*ip), plen, ip, fi);
	case IPV6_FRAGMENT_HDR: {
		const uint8_t *fh = f + l2 + sizeof(*ip);
		if (plen < 8)
			return drop(SR_DROP_FRAME_TRUNCATED);
		fi->l3_len = sizeof(*ip) + 8;
		if (memcmp(ip->dst_addr, ctx->listen[SR_V6].a, 16) != 0)
			return drop(SR_DROP_FRAME_OTHER_ADDRESS);
		/* offset 0 and no more fragments: an atomic fragment, taken alone
		 * (RFC 6946 4) */
		if ((load_be16(fh + 2) & 0xfff9) == 0 && fh[0] == IPPROTO_UDP) {
			fi->atomic_fragment = 1;
			return parse_udp(ctx, f, l2 + sizeof(*ip) + 8, plen - 8,
					 ipv6_pseudo_sum(ip, IPPROTO_UDP), udp_ck, fi);
		}
		fi->frag_id = (uint32_t)load_be16(fh + 4) << 16 | load_be16(fh + 6);
		fi->frag_off = load_be16(fh + 2) & 0xfff8u;
		fi->frag_len = plen - 8;
		fi->frag_more = fh[3] & 1;
		fi->frag_proto = 0;
		return allowed(ctx, &fi->src) ? verdict(SR_VERDICT_FRAGMENT)
					      : drop(SR_DROP_FRAME_NOT_ALLOWED);
	}
	case IPPROTO_UDP:
		if (memcmp(ip->dst_addr, ctx->listen[SR_V6].a, 16) != 0)
			return drop(SR_DROP_FRAME_OTHER_ADDRESS);
		return parse_udp(ctx, f, l2 + sizeof(*ip), plen, ipv6_pseudo_sum(ip, IPPROTO_UDP),
				 udp_ck, fi);
	default: /* other extension headers are not taken */
		return drop(SR_DROP_FRAME_OTHER_PROTOCOL);
	}
}

struct sr_verdict sr_frame_parse(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
				 enum sr_cksum_state ip_ck, enum sr_cksum_state udp_ck,
				 struct sr_frame_info *fi)
{
	uint32_t l2 = RTE_ETHER_HDR_LEN;
	uint16_t type;

	fi->control = SR_CTL_NONE;
	fi->has_peer_mac = 0;
	fi->atomic_fragment = 0;
	if (len < RTE_ETHER_HDR_LEN)
		return drop(SR_DROP_FRAME_TRUNCATED);
	/* Ours, broadcast or multicast (group bit of the first octet). */
	if (memcmp(f, ctx->port_mac, RTE_ETHER_ADDR_LEN) != 0 && !(f[0] & 0x01))
		return drop(SR_DROP_FRAME_OTHER_MAC);
	/* No frame comes from a group address (IEEE 802: the group bit of a
	 * source is invalid). */
	if (f[6] & 0x01)
		return drop(SR_DROP_FRAME_BAD_SOURCE);
	type = load_be16(f + 12);
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
			return drop(SR_DROP_FRAME_TRUNCATED);
		type = load_be16(f + 16);
		l2 += RTE_VLAN_HLEN;
	}
	fi->l2_len = (uint16_t)l2;
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		return parse_ipv4(ctx, f, len, l2, ip_ck, udp_ck, fi);
	/* a family the relay has no address in is not spoken at all */
	case RTE_ETHER_TYPE_IPV6:
		if (!ctx->listen_port[SR_V6])
			return drop(SR_DROP_FRAME_OTHER_ETHERTYPE);
		return parse_ipv6(ctx, f, len, l2, udp_ck, fi);
	case RTE_ETHER_TYPE_ARP:
		if (!ctx->listen_port[SR_V4])
			return drop(SR_DROP_FRAME_OTHER_ETHERTYPE);
		return parse_arp(ctx, f, len, l2, fi);
	default:
		return drop(SR_DROP_FRAME_OTHER_ETHERTYPE);
	}
}
