/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>

#include "net/sr_addr.h"

bool sr_ip_parse(const char *s, size_t len, struct sr_ip *out)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1)
		return true;
	out->v6 = SR_V6;
	return inet_pton(AF_INET6, buf, out->a) == 1;
}

bool sr_ip_unicast(const struct sr_ip *ip)
{
	static const uint8_t zero[16];

	if (ip->v6)
		return memcmp(ip->a, zero, 16) != 0 && ip->a[0] != 0xff;
	return sr_ip4(ip) != 0 && (ip->a[0] >> 4) < 0xe;
}

bool sr_ip_is_subnet_broadcast(const struct sr_ip *ip, uint8_t prefix)
{
	uint32_t host;

	if (ip->v6 || prefix > 30)
		return false;
	host = prefix == 0 ? ~0u : ~0u >> prefix;
	return (ntohl(sr_ip4(ip)) & host) == host;
}

void sr_ip_format(const struct sr_ip *ip, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->a, tmp, sizeof(tmp));
	snprintf(buf, len, "%s", tmp);
}

void sr_endpoint_format(const struct sr_endpoint *e, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	sr_ip_format(&e->ip, ip, sizeof(ip));
	snprintf(buf, len, e->ip.v6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}
