/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "net/sr_cksum.h"
#include "net/sr_rewrite.h"

#define IP_OFF RTE_ETHER_HDR_LEN

static void tmpl_ether(struct sr_hdr_tmpl *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		       uint16_t type)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->bytes;

	memset(t, 0, sizeof(*t));
	memcpy(&eth->dst_addr, dst_mac, RTE_ETHER_ADDR_LEN);
	memcpy(&eth->src_addr, src_mac, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(type);
}

static void tmpl_udp(struct sr_hdr_tmpl *t, uint16_t src_port, uint16_t dst_port)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(t->bytes + t->len - sizeof(*udp));

	udp->src_port = src_port;
	udp->dst_port = dst_port;
	t->udp_sum += rte_cpu_to_be_16(IPPROTO_UDP) + src_port + dst_port;
}

void sr_hdr_tmpl_init_v4(struct sr_hdr_tmpl *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(t->bytes + IP_OFF);

	tmpl_ether(t, src_mac, dst_mac, RTE_ETHER_TYPE_IPV4);
	t->len = SR_HDR_V4_LEN;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = src_ip;
	ip->dst_addr = dst_ip;
	t->ip_sum = __rte_raw_cksum(ip, sizeof(*ip), 0);
	t->udp_sum = sr_sum_be32(src_ip) + sr_sum_be32(dst_ip);
	tmpl_udp(t, src_port, dst_port);
}

void sr_hdr_tmpl_init_v6(struct sr_hdr_tmpl *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
			 const uint8_t src_ip[16], uint16_t src_port, const uint8_t dst_ip[16],
			 uint16_t dst_port)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(t->bytes + IP_OFF);

	tmpl_ether(t, src_mac, dst_mac, RTE_ETHER_TYPE_IPV6);
	t->len = SR_HDR_V6_LEN;
	t->v6 = 1;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, src_ip, 16);
	memcpy(ip->dst_addr, dst_ip, 16);
	t->udp_sum = __rte_raw_cksum(ip->src_addr, 32, 0);
	tmpl_udp(t, src_port, dst_port);
}

void sr_hdr_write(uint8_t *hdr, const struct sr_hdr_tmpl *t, uint16_t payload_len,
		  uint32_t payload_sum)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(hdr + t->len - sizeof(*udp));
	uint16_t udp_len = rte_cpu_to_be_16((uint16_t)(payload_len + sizeof(*udp)));
	uint16_t ck;

	/* two constant sizes: a few moves each, not a call */
	if (t->v6)
		memcpy(hdr, t->bytes, SR_HDR_V6_LEN);
	else
		memcpy(hdr, t->bytes, SR_HDR_V4_LEN);
	if (t->v6) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(hdr + IP_OFF);
		ip->payload_len = udp_len;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(hdr + IP_OFF);
		uint16_t ip_len =
			rte_cpu_to_be_16((uint16_t)(payload_len + sizeof(*udp) + sizeof(*ip)));
		ip->total_length = ip_len;
		ip->hdr_checksum = (uint16_t)~sr_cksum_fold(t->ip_sum + ip_len);
	}
	udp->dgram_len = udp_len;
	/* The UDP length is counted twice: pseudo header and UDP header. */
	ck = (uint16_t)~sr_cksum_fold(t->udp_sum + 2u * udp_len + payload_sum);
	udp->dgram_cksum = ck ? ck : 0xffff; /* RFC 768: a computed 0 is sent as all ones */
}

uint32_t sr_payload_sum(const uint8_t *p, uint32_t len)
{
	return sr_cksum_fold(sr_cksum_raw(p, len, 0));
}

uint32_t sr_payload_sum_from_udp(const struct sr_frame_info *fi)
{
	uint16_t udp_len =
		rte_cpu_to_be_16((uint16_t)(fi->payload_len + sizeof(struct rte_udp_hdr)));
	/* Everything the received checksum covered except the payload. */
	uint32_t other = sr_cksum_addr(fi->src.a, fi->v6) + sr_cksum_addr(fi->dst.a, fi->v6) +
			 rte_cpu_to_be_16(IPPROTO_UDP) + 2u * udp_len + fi->src_port + fi->dst_port;
	/* verified: fold(other + payload + cksum) == 0xffff */
	return sr_cksum_fold(sr_cksum_sub((uint16_t)~fi->udp_cksum, sr_cksum_fold(other)));
}
