/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The payload checksum alone: DPDK's __rte_raw_cksum (16 bits an add) and
 * the relay's sr_cksum_raw (64 bits, two carry chains), TSC cycles per call
 * at the sizes the relay sums (a single-line datagram, a few lines, a full
 * 1500-MTU packet), the minimum of 20 rounds of 20000 calls each. Both sums
 * are checked equal as they run.
 *   cksum_bench
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x86intrin.h>

#include <rte_ip.h>

#include "net/sr_cksum.h"

#define CALLS 20000
#define ROUNDS 20

int main(void)
{
	static const uint32_t sizes[] = { 60, 300, 1200, 1432 };
	static uint8_t buf[2048];
	size_t s;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	printf("payload bytes   __rte_raw_cksum   sr_cksum_raw   (cycles a call)\n");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s], a = 0, b = 0;
		uint64_t best_dpdk = UINT64_MAX, best_ours = UINT64_MAX;
		int r;

		for (r = 0; r < ROUNDS; r++) {
			uint64_t t0 = __rdtsc(), t1, t2;

			for (i = 0; i < CALLS; i++)
				a += sr_cksum_fold(__rte_raw_cksum(buf + (i & 7), n, (uint32_t)i));
			t1 = __rdtsc();
			for (i = 0; i < CALLS; i++)
				b += sr_cksum_fold(sr_cksum_raw(buf + (i & 7), n, (uint32_t)i));
			t2 = __rdtsc();
			best_dpdk = t1 - t0 < best_dpdk ? t1 - t0 : best_dpdk;
			best_ours = t2 - t1 < best_ours ? t2 - t1 : best_ours;
		}
		if (a != b) {
			fprintf(stderr, "cksum_bench: the sums differ at %u bytes\n", n);
			return 1;
		}
		printf("%13u   %15.1f   %12.1f   (%.1fx)\n", n, (double)best_dpdk / CALLS,
		       (double)best_ours / CALLS, (double)best_dpdk / (double)best_ours);
	}
	return 0;
}
