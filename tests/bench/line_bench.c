/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the line path without I/O: payloads of realistic lines
 * through sr_payload_scan (split, validate, key, shard) and the copy into
 * per-shard batches, in TSC cycles per line. Prints one row per shape.
 *   line_bench [ROUNDS [ISA [SHAPE]]]
 * ISA: generic, avx2, avx512bw or best (default: the best the CPU runs); SHAPE: one
 * row's number, 0-3 (default: every row), e.g. for callgrind's counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "keygen.h"
#include "shard/sr_shard_map.h"
#include "statsd/sr_batch.h"
#include "statsd/sr_payload.h"

#define PAYLOADS 256
#define MAX_PAYLOAD 1432

static uint8_t payloads[PAYLOADS][MAX_PAYLOAD];
static uint32_t lens[PAYLOADS];

static void fill(int shape)
{
	char line[512];
	uint32_t i, k = 0;

	for (i = 0; i < PAYLOADS; i++) {
		lens[i] = 0;
		for (;;) {
			int n;
			if (shape == 0)
				n = snprintf(line, sizeof(line), "api.hits.h%u:%u|c", k % 9973,
					     k % 100);
			else
				n = kg_line(k * 3 + (uint32_t)shape - 1, line, sizeof(line));
			k++;
			if (lens[i] + (uint32_t)n + 1 > MAX_PAYLOAD || (shape == 0 && lens[i]))
				break;
			memcpy(payloads[i] + lens[i], line, (size_t)n);
			lens[i] += (uint32_t)n;
			payloads[i][lens[i]++] = '\n';
		}
	}
}

int main(int argc, char **argv)
{
	static const char *names[] = { "short counters (one per payload)", "DogStatsD, 5 tags",
				       "influx tags, 3 tags", "plain dotted names" };
	static struct sr_shard_desc d[4] = { { "198.18.1.1:8125", 1 },
					     { "198.18.1.2:8125", 1 },
					     { "198.18.1.3:8125", 1 },
					     { "198.18.1.4:8125", 1 } };
	static uint8_t out[4][MAX_PAYLOAD];
	uint32_t rounds = argc > 1 ? (uint32_t)atoi(argv[1]) : 2000;
	char err[128];
	struct sr_shard_map *m = sr_shard_map_build(SR_HASH_MAGLEV, d, 4, 65537, err, sizeof(err));
	struct sr_payload_cfg cfg = { .parse = { .dialect = SR_DIALECT_TELEGRAF, .max_line = 1432 },
				      .key_mode = SR_KEY_NAME_TAGS,
				      .map = m };
	int shape, isa, only = argc > 3 ? atoi(argv[3]) : -1;

	if (argc > 2 && strcmp(argv[2], "best")) {
		for (isa = 0; isa < SR_ISA__COUNT && strcmp(argv[2], sr_isa_names[isa]); isa++)
			;
		if (isa == SR_ISA__COUNT || !sr_payload_set_isa((enum sr_isa)isa)) {
			fprintf(stderr, "line_bench: no scan build '%s' on this CPU\n", argv[2]);
			return 2;
		}
	}
	printf("scan build: %s\n", sr_isa_names[sr_payload_isa()]);
	printf("%-34s %10s %12s\n", "line shape (telegraf dialect)", "lines", "cycles/line");
	for (shape = 0; shape < 4; shape++) {
		struct sr_counters c = { 0 };
		struct sr_line_ref refs[256];
		struct sr_batch b[4];
		uint64_t t0, t1;
		uint32_t r, i, s;

		if (only >= 0 && shape != only)
			continue;

		fill(shape);
		t0 = __rdtsc();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < PAYLOADS; i++) {
				uint32_t pos = 0, k;
				struct sr_scan_result sr = sr_payload_scan(
					&cfg, payloads[i], lens[i], &pos, refs, 256, &c);
				for (s = 0; s < 4; s++)
					b[s] = (struct sr_batch){ .buf = out[s] };
				for (k = 0; k < sr.valid; k++)
					sr_batch_append(&b[refs[k].shard],
							payloads[i] + refs[k].off, refs[k].len);
			}
		t1 = __rdtsc();
		printf("%-34s %10llu %12.1f\n", names[shape], (unsigned long long)c.lines_in,
		       (double)(t1 - t0) / (double)c.lines_in);
	}
	sr_shard_map_free(m);
	return 0;
}
