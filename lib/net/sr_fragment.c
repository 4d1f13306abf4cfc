/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/sr_fragment.h"

#define IPV6_FRAGMENT_HDR 44
#define FRAG_HDR_LEN 8

static bool is_v6(const uint8_t *frame, uint32_t l2)
{
	return (frame[l2] >> 4) == 6;
}

static uint32_t l3_len(bool v6)
{
	return v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
}

uint32_t sr_fragment_size(bool v6, uint32_t mtu)
{
	uint32_t hdr = l3_len(v6) + (v6 ? FRAG_HDR_LEN : 0);

	return mtu > hdr + 8 ? (mtu - hdr) & ~7u : 0;
}

uint32_t sr_fragment_count(const uint8_t *frame, uint32_t frame_len, uint32_t l2, uint32_t mtu)
{
	bool v6 = is_v6(frame, l2);
	uint32_t per = sr_fragment_size(v6, mtu), payload, n;

	/* a header of our own making: IPv4 without options, IPv6 straight to
	 * UDP or ICMPv6 (an echo request with IP options is not answered
	 * fragmented: which options to copy into which fragment, RFC 791 3.1) */
	if (frame_len <= l2 + l3_len(v6) || (frame[l2] >> 4) != (v6 ? 6 : 4))
		return 0;
	if (v6 ? frame[l2 + 6] != IPPROTO_UDP && frame[l2 + 6] != IPPROTO_ICMPV6
	       : frame[l2] != 0x45)
		return 0;
	if (per == 0)
		return 0;
	payload = frame_len - l2 - l3_len(v6);
	n = (payload + per - 1) / per;
	return n <= SR_FRAGMENT_MAX ? n : 0;
}

uint32_t sr_fragment_write(const uint8_t *frame, uint32_t frame_len, uint32_t l2, uint32_t mtu,
			   uint32_t id, uint32_t k, uint8_t *out)
{
	bool v6 = is_v6(frame, l2);
	uint32_t l3 = l3_len(v6), per = sr_fragment_size(v6, mtu);
	uint32_t payload = frame_len - l2 - l3, off = k * per;
	uint32_t data = payload - off < per ? payload - off : per;
	bool more = off + data < payload;

	memcpy(out, frame, l2 + l3); /* Ethernet and the fixed IP header */
	if (v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(out + l2);
		uint8_t *fh = out + l2 + l3;
		uint16_t offset_flags = (uint16_t)(off | (more ? 1 : 0)); /* off: a multiple of 8 */

		fh[0] = ip->proto; /* the upper layer's: UDP, ICMPv6 */
		fh[1] = 0;
		fh[2] = (uint8_t)(offset_flags >> 8);
		fh[3] = (uint8_t)offset_flags;
		fh[4] = (uint8_t)(id >> 24);
		fh[5] = (uint8_t)(id >> 16);
		fh[6] = (uint8_t)(id >> 8);
		fh[7] = (uint8_t)id;
		ip->proto = IPV6_FRAGMENT_HDR;
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(FRAG_HDR_LEN + data));
		memcpy(fh + FRAG_HDR_LEN, frame + l2 + l3 + off, data);
		return l2 + l3 + FRAG_HDR_LEN + data;
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(out + l2);

	ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + data));
	ip->packet_id = rte_cpu_to_be_16((uint16_t)id);
	ip->fragment_offset =
		rte_cpu_to_be_16((uint16_t)((off / 8) | (more ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(out + l2 + l3, frame + l2 + l3 + off, data);
	return l2 + l3 + data;
}
