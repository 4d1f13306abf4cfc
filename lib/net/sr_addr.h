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

static inline bool sr_ip_equal(const struct sr_ip *x, const struct sr_ip *y)
{
	return x->v6 == y->v6 && memcmp(x->a, y->a, x->v6 ? 16 : 4) == 0;
}

/* Is ip inside net/len (same family)? */
bool sr_ip_in_prefix(const struct sr_ip *ip, const struct sr_ip *net, uint8_t len);

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
