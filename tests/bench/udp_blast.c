/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp_blast: a kernel StatsD client as fast as one core sends (sendmmsg,
 * 64 datagrams a call), for scripts/bench_veth.sh. Bounded in count and in
 * time, whichever ends first; prints what it sent.
 *   udp_blast ADDR PORT DATAGRAMS SECONDS LINES_PER_DATAGRAM
 * Lines are counters over 10,000 series ("bench.veth.k<N>:1|c"), so the
 * relay's shards all get some.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define VARIANTS 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char payload[VARIANTS][1400];
	static size_t len[VARIANTS];
	struct sockaddr_storage dst = { 0 };
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned long long want, sent = 0, series = 0;
	double secs, t0, t1;
	int fd, lines, v, i;
	socklen_t dlen;

	if (argc != 6) {
		fprintf(stderr,
			"usage: udp_blast ADDR PORT DATAGRAMS SECONDS LINES_PER_DATAGRAM\n");
		return 2;
	}
	want = strtoull(argv[3], NULL, 10);
	secs = atof(argv[4]);
	lines = atoi(argv[5]);
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		((struct sockaddr_in *)&dst)->sin_family = AF_INET;
		((struct sockaddr_in *)&dst)->sin_port = htons((uint16_t)atoi(argv[2]));
		dlen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[1], &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&dst)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&dst)->sin6_port = htons((uint16_t)atoi(argv[2]));
		dlen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "udp_blast: %s is not an address\n", argv[1]);
		return 2;
	}
	if (lines < 1 || lines > 40 || secs <= 0 || secs > 120) {
		fprintf(stderr, "udp_blast: 1-40 lines a datagram, 0-120 s\n");
		return 2;
	}
	for (v = 0; v < VARIANTS; v++)
		for (i = 0; i < lines; i++)
			len[v] += (size_t)snprintf(payload[v] + len[v], sizeof(payload[v]) - len[v],
						   "bench.veth.k%llu:1|c\n", series++ % 10000);
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp_blast: socket");
		return 1;
	}
	memset(msg, 0, sizeof(msg));
	t0 = now();
	t1 = t0;
	while (sent < want && t1 - t0 < secs) {
		unsigned int n = want - sent < BATCH ? (unsigned int)(want - sent) : BATCH;
		int got;

		for (i = 0; i < (int)n; i++) {
			v = (int)((sent + (unsigned long long)i) % VARIANTS);
			iov[i].iov_base = payload[v];
			iov[i].iov_len = len[v];
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &dst;
			msg[i].msg_hdr.msg_namelen = dlen;
		}
		got = sendmmsg(fd, msg, n, 0);
		if (got > 0)
			sent += (unsigned long long)got;
		t1 = now();
	}
	printf("sent %llu datagrams %llu lines in %.3f s\n", sent, sent * (unsigned long long)lines,
	       t1 - t0);
	close(fd);
	return 0;
}
