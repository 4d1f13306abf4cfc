/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4/IPv6 addresses, endpoints and prefixes, as the configuration names them. */
#ifndef SR_ADDR_H
#define SR_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { SR_V4 = 0, SR_V6 = 1, SR_FAMILIES = 2 };

struct sr_ip {
	uint8_t v6;    /* SR_V4 or SR_V6 */
	uint8_t a[16]; /* network order; IPv4 in a[0..3] */
};

struct sr_endpoint {
	struct sr_ip ip;
	uint16_t port;	/* host order */
	uint8_t prefix; /* subnet prefix length (listen addresses) */
};

struct sr_prefix {
	struct sr_ip ip;
	uint8_t len;
};

static inline uint32_t sr_ip4(const struct sr_ip *ip)
{
	uint32_t v;

	memcpy(&v, ip->a, 4);
	return v;
}

/* Compares of a constant size: the compiler makes them a load and a compare
 * (a memcmp of a variable size is a library call, per packet). */
static inline bool sr_ip_equal(const struct sr_ip *x, const struct sr_ip *y)
{
	if (x->v6 != y->v6)
		return false;
	return x->v6 ? memcmp(x->a, y->a, 16) == 0 : memcmp(x->a, y->a, 4) == 0;
}

/* The first len bits of a big-endian 64-bit word (len 0-64). */
static inline uint64_t sr_prefix_mask64(unsigned len)
{
	return len == 0 ? 0 : len >= 64 ? ~0ull : ~0ull << (64 - len);
}

static inline uint64_t sr_load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Is ip inside net/len (same family)? Whole words, masked. */
static inline bool sr_ip_in_prefix(const struct sr_ip *ip, const struct sr_ip *net, uint8_t len)
{
	if (ip->v6 != net->v6)
		return false;
	if (!ip->v6) {
		uint32_t a = (uint32_t)ip->a[0] << 24 | (uint32_t)ip->a[1] << 16 |
			     (uint32_t)ip->a[2] << 8 | ip->a[3];
		uint32_t b = (uint32_t)net->a[0] << 24 | (uint32_t)net->a[1] << 16 |
			     (uint32_t)net->a[2] << 8 | net->a[3];
		return ((a ^ b) & (uint32_t)(sr_prefix_mask64(len > 32 ? 32 : len) >> 32)) == 0;
	}
	return ((sr_load_be64(ip->a) ^ sr_load_be64(net->a)) &
		sr_prefix_mask64(len > 64 ? 64 : len)) == 0 &&
	       ((sr_load_be64(ip->a + 8) ^ sr_load_be64(net->a + 8)) &
		sr_prefix_mask64(len > 64 ? len - 64u : 0)) == 0;
}

/* "198.18.0.1" or "2001:db8::1" (no brackets, no port). */
bool sr_ip_parse(const char *s, size_t len, struct sr_ip *out);

/* Unicast: not unspecified, multicast, broadcast or reserved. */
bool sr_ip_unicast(const struct sr_ip *ip);

/* An IPv4 subnet's broadcast address: every host bit set (prefixes up to
 * /30; a /31 or /32 has none). IPv6 has no broadcast. */
bool sr_ip_is_subnet_broadcast(const struct sr_ip *ip, uint8_t prefix);

/* "198.18.0.1" / "2001:db8::1" */
void sr_ip_format(const struct sr_ip *ip, char *buf, size_t len);

/* "IP:PORT", IPv6 as "[IP]:PORT" */
void sr_endpoint_format(const struct sr_endpoint *e, char *buf, size_t len);

#endif
