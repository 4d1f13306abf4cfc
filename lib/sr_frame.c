/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sr_cksum.h"
#include "sr_frame.h"

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int sr_frame_parse(const struct sr_frame_ctx *ctx, const uint8_t *f, uint32_t len,
		   enum sr_cksum_state ip_ck, enum sr_cksum_state udp_ck, struct sr_frame_info *fi)
{
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint32_t l2 = RTE_ETHER_HDR_LEN, ihl, ip_len, udp_len;
	uint16_t type;

	if (len < RTE_ETHER_HDR_LEN)
		return SR_DROP_FRAME_TRUNCATED;
	/* Ours, broadcast or multicast (group bit of the first octet). */
	if (memcmp(f, ctx->port_mac, RTE_ETHER_ADDR_LEN) != 0 && !(f[0] & 0x01))
		return SR_DROP_FRAME_OTHER_MAC;
	type = load_be16(f + 12);
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (len < RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
			return SR_DROP_FRAME_TRUNCATED;
		type = load_be16(f + 16);
		l2 += RTE_VLAN_HLEN;
	}
	if (type != RTE_ETHER_TYPE_IPV4)
		return SR_DROP_FRAME_OTHER_ETHERTYPE;
	if (len < l2 + sizeof(struct rte_ipv4_hdr))
		return SR_DROP_FRAME_TRUNCATED;

	/* RFC 1812 5.2.2: version 4, header length >= 20, total length >= header. */
	ip = (const struct rte_ipv4_hdr *)(f + l2);
	ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(struct rte_ipv4_hdr))
		return SR_DROP_FRAME_BAD_IP_HEADER;
	if (len < l2 + ihl)
		return SR_DROP_FRAME_TRUNCATED;
	if (ip_len < ihl || ip_len > len - l2)
		return SR_DROP_FRAME_BAD_IP_HEADER;
	if (ip_ck == SR_CKSUM_BAD ||
	    (ip_ck == SR_CKSUM_UNKNOWN && rte_raw_cksum(ip, ihl) != 0xffff))
		return SR_DROP_FRAME_BAD_IP_CHECKSUM;
	/* More-fragments flag or an offset: a piece of a datagram. */
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return SR_DROP_FRAME_IP_FRAGMENT;
	if (ip->next_proto_id != IPPROTO_UDP)
		return SR_DROP_FRAME_OTHER_PROTOCOL;
	if (ip->dst_addr != ctx->listen_ip)
		return SR_DROP_FRAME_OTHER_ADDRESS;

	/* RFC 768: the UDP length covers header and data, within the IP payload. */
	if (ip_len - ihl < sizeof(struct rte_udp_hdr))
		return SR_DROP_FRAME_TRUNCATED;
	udp = (const struct rte_udp_hdr *)(f + l2 + ihl);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < sizeof(struct rte_udp_hdr) || udp_len > ip_len - ihl)
		return SR_DROP_FRAME_BAD_UDP_LENGTH;
	if (udp->dst_port != ctx->listen_port)
		return SR_DROP_FRAME_OTHER_PORT;
	/* A zero UDP checksum over IPv4 means the sender computed none. */
	if (udp->dgram_cksum != 0) {
		if (udp_ck == SR_CKSUM_BAD)
			return SR_DROP_FRAME_BAD_UDP_CHECKSUM;
		if (udp_ck == SR_CKSUM_UNKNOWN) {
			uint32_t sum = sr_udp4_pseudo_sum(ip->src_addr, ip->dst_addr, (uint16_t)udp_len);
			sum = __rte_raw_cksum(udp, udp_len, sum);
			if (sr_cksum_fold(sum) != 0xffff)
				return SR_DROP_FRAME_BAD_UDP_CHECKSUM;
		}
	}
	fi->payload_off = l2 + ihl + sizeof(struct rte_udp_hdr);
	fi->payload_len = udp_len - sizeof(struct rte_udp_hdr);
	fi->src_ip = ip->src_addr;
	fi->dst_ip = ip->dst_addr;
	fi->src_port = udp->src_port;
	fi->dst_port = udp->dst_port;
	fi->udp_cksum = udp->dgram_cksum;
	return SR_OK;
}
