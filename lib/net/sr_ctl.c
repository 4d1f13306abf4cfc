/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "net/sr_cksum.h"
#include "net/sr_ctl.h"

#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20

/* Answer to the sender: its MAC becomes the destination, ours the source. */
static void swap_ether(uint8_t *f, const uint8_t our_mac[6])
{
	memcpy(f, f + 6, 6);
	memcpy(f + 6, our_mac, 6);
}

static uint16_t icmp6_cksum(const struct rte_ipv6_hdr *ip, const uint8_t *m, uint32_t len)
{
	uint32_t sum = __rte_raw_cksum(ip->src_addr, 32, 0) + rte_cpu_to_be_16(IPPROTO_ICMPV6) +
		       rte_cpu_to_be_16((uint16_t)len);
	uint16_t ck = (uint16_t)~sr_cksum_fold(__rte_raw_cksum(m, len, sum));

	return ck;
}

static uint32_t arp_reply(uint8_t *f, const struct sr_frame_info *fi, const uint8_t our_mac[6],
			  const struct sr_ip *our_ip)
{
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + fi->l4_off);

	/* to the sender's hardware address (RFC 826), from ours */
	memcpy(f, &a->arp_data.arp_sha, 6);
	memcpy(f + 6, our_mac, 6);
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	a->arp_data.arp_tha = a->arp_data.arp_sha;
	a->arp_data.arp_tip = a->arp_data.arp_sip;
	memcpy(&a->arp_data.arp_sha, our_mac, 6);
	memcpy(&a->arp_data.arp_sip, our_ip->a, 4);
	return fi->l4_off + sizeof(*a);
}

static uint32_t icmp4_echo_reply(uint8_t *f, const struct sr_frame_info *fi,
				 const uint8_t our_mac[6])
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + fi->l2_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(f + fi->l4_off);
	uint32_t ip_len = rte_be_to_cpu_16(ip->total_length), tmp = ip->src_addr;

	swap_ether(f, our_mac);
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = tmp;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, fi->l3_len);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, ip_len - fi->l3_len);
	return fi->l2_len + ip_len;
}

static uint32_t icmp6_echo_reply(uint8_t *f, const struct sr_frame_info *fi,
				 const uint8_t our_mac[6])
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + fi->l2_len);
	uint8_t *m = f + fi->l4_off;
	uint32_t plen = rte_be_to_cpu_16(ip->payload_len);

	swap_ether(f, our_mac);
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, fi->dst.a, 16);
	ip->hop_limits = 64;
	m[0] = ICMP6_ECHO_REPLY;
	m[2] = m[3] = 0;
	uint16_t ck = icmp6_cksum(ip, m, plen);
	memcpy(m + 2, &ck, 2);
	return fi->l2_len + sizeof(*ip) + plen;
}

/* NS for our address -> NA (RFC 4861 7.2.4), in place: solicited, override. */
static uint32_t nd_advert(uint8_t *f, const struct sr_frame_info *fi, const uint8_t our_mac[6],
			  const struct sr_ip *our_ip)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t unspec[16];
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + fi->l2_len);
	uint8_t *m = f + fi->l2_len + sizeof(*ip);
	bool dad = memcmp(ip->src_addr, unspec, 16) == 0;

	swap_ether(f, our_mac);
	if (dad) { /* a duplicate address check: answer all nodes, not solicited */
		memcpy(f, all_nodes_mac, 6);
		memcpy(ip->dst_addr, all_nodes, 16);
	} else {
		if (fi->has_peer_mac)
			memcpy(f, fi->peer_mac, 6);
		memcpy(ip->dst_addr, ip->src_addr, 16);
	}
	memcpy(ip->src_addr, our_ip->a, 16);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	ip->payload_len = rte_cpu_to_be_16(SR_NA_LEN);
	memset(m, 0, SR_NA_LEN);
	m[0] = ND_NEIGHBOR_ADVERT;
	m[4] = (uint8_t)((dad ? 0 : ND_NA_FLAG_SOLICITED) | ND_NA_FLAG_OVERRIDE);
	memcpy(m + 8, our_ip->a, 16);
	m[24] = 2; /* target link-layer address option, 1 x 8 bytes */
	m[25] = 1;
	memcpy(m + 26, our_mac, 6);
	uint16_t ck = icmp6_cksum(ip, m, SR_NA_LEN);
	memcpy(m + 2, &ck, 2);
	return fi->l2_len + sizeof(*ip) + SR_NA_LEN;
}

uint32_t sr_ctl_answer(uint8_t *f, uint32_t room, const struct sr_frame_info *fi,
		       const uint8_t our_mac[6], const struct sr_ip *our_ip)
{
	switch (fi->control) {
	case SR_CTL_ARP_REQUEST:
		return arp_reply(f, fi, our_mac, our_ip);
	case SR_CTL_ICMP_ECHO:
		return icmp4_echo_reply(f, fi, our_mac);
	case SR_CTL_ICMP6_ECHO:
		return icmp6_echo_reply(f, fi, our_mac);
	case SR_CTL_ND_SOLICIT:
		/* the answer is 32 bytes of ICMPv6 after the IPv6 header */
		if (room < fi->l2_len + sizeof(struct rte_ipv6_hdr) + SR_NA_LEN)
			return 0;
		return nd_advert(f, fi, our_mac, our_ip);
	default:
		return 0;
	}
}

uint32_t sr_arp_request(uint8_t *f, const uint8_t our_mac[6], const struct sr_ip *our_ip,
			const struct sr_ip *target, const uint8_t *dst_mac)
{
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + RTE_ETHER_HDR_LEN);

	memset(f, 0, SR_ARP_FRAME_LEN);
	memset(f, 0xff, 6);
	if (dst_mac)
		memcpy(f, dst_mac, 6);
	memcpy(f + 6, our_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(&a->arp_data.arp_sha, our_mac, 6);
	memcpy(&a->arp_data.arp_sip, our_ip->a, 4);
	memcpy(&a->arp_data.arp_tip, target->a, 4);
	return SR_ARP_FRAME_LEN;
}

uint32_t sr_nd_solicit(uint8_t *f, const uint8_t our_mac[6], const struct sr_ip *our_ip,
		       const struct sr_ip *target, const uint8_t *dst_mac)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + RTE_ETHER_HDR_LEN);
	uint8_t *m = f + RTE_ETHER_HDR_LEN + sizeof(*ip);
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memset(f, 0, SR_NS_FRAME_LEN);
	if (dst_mac) {
		memcpy(f, dst_mac, 6);
		memcpy(ip->dst_addr, target->a, 16);
	} else { /* solicited-node multicast (RFC 4291 2.7.1) and its MAC (RFC 2464 7) */
		memcpy(ip->dst_addr, snm, 13);
		memcpy(ip->dst_addr + 13, target->a + 13, 3);
		f[0] = 0x33;
		f[1] = 0x33;
		memcpy(f + 2, ip->dst_addr + 12, 4);
	}
	memcpy(f + 6, our_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(32);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, our_ip->a, 16);
	m[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(m + 8, target->a, 16);
	m[24] = 1; /* source link-layer address option */
	m[25] = 1;
	memcpy(m + 26, our_mac, 6);
	uint16_t ck = icmp6_cksum(ip, m, 32);
	memcpy(m + 2, &ck, 2);
	return SR_NS_FRAME_LEN;
}

uint32_t sr_echo_request(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 const struct sr_ip *src, const struct sr_ip *dst, uint16_t id,
			 uint16_t seq)
{
	static const uint8_t data[8] = "statsd-r";
	const uint32_t mlen = 8 + sizeof(data);
	uint8_t *ipb = f + RTE_ETHER_HDR_LEN, *m;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	if (dst->v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)ipb;

		f[12] = 0x86;
		f[13] = 0xdd;
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)mlen);
		ip->proto = IPPROTO_ICMPV6;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src->a, 16);
		memcpy(ip->dst_addr, dst->a, 16);
		m = ipb + sizeof(*ip);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)ipb;

		f[12] = 0x08;
		f[13] = 0x00;
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + mlen));
		ip->packet_id = rte_cpu_to_be_16(seq);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_ICMP;
		memcpy(&ip->src_addr, src->a, 4);
		memcpy(&ip->dst_addr, dst->a, 4);
		ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, sizeof(*ip));
		m = ipb + sizeof(*ip);
	}
	m[0] = dst->v6 ? 128 : RTE_IP_ICMP_ECHO_REQUEST;
	m[1] = 0;
	m[2] = m[3] = 0;
	m[4] = (uint8_t)(id >> 8);
	m[5] = (uint8_t)id;
	m[6] = (uint8_t)(seq >> 8);
	m[7] = (uint8_t)seq;
	memcpy(m + 8, data, sizeof(data));
	if (dst->v6) {
		uint16_t ck = icmp6_cksum((const struct rte_ipv6_hdr *)ipb, m, mlen);
		memcpy(m + 2, &ck, 2);
	} else {
		uint16_t ck = (uint16_t)~rte_raw_cksum(m, mlen);
		memcpy(m + 2, &ck, 2);
	}
	return (uint32_t)(m - f) + mlen;
}
