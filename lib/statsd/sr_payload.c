/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>

#include "statsd/sr_payload.h"

uint32_t sr_payload_pick_shard(const struct sr_payload_cfg *cfg, const struct sr_line *line,
			       const uint8_t *text, uint32_t len)
{
	if (likely(sr_hash_uses_series_key(cfg->map->mode)))
		return sr_shard_of_hash(cfg->map, sr_line_key_hash(line, cfg->key_mode));
	return sr_shard_of_line_text(cfg->map, text, len);
}

const char *const sr_isa_names[SR_ISA__COUNT] = {
	[SR_ISA_GENERIC] = "generic",
	[SR_ISA_AVX2] = "avx2",
	[SR_ISA_AVX512] = "avx512bw",
};

static sr_scan_fn *const scan_builds[SR_ISA__COUNT] = {
	[SR_ISA_GENERIC] = sr_payload_scan_generic,
#ifdef SR_HAVE_X86_VARIANTS
	[SR_ISA_AVX2] = sr_payload_scan_avx2,
	[SR_ISA_AVX512] = sr_payload_scan_avx512,
#endif
};

static enum sr_isa scan_isa = SR_ISA_GENERIC;
sr_scan_fn *sr_payload_scan_build = sr_payload_scan_generic;

static bool cpu_runs(enum sr_isa isa)
{
#ifdef SR_HAVE_X86_VARIANTS
	__builtin_cpu_init();
	switch (isa) {
	case SR_ISA_AVX512:
		return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
	case SR_ISA_AVX2:
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
		       __builtin_cpu_supports("popcnt");
	default:
		break;
	}
#endif
	return isa == SR_ISA_GENERIC;
}

bool sr_payload_set_isa(enum sr_isa isa)
{
	if (isa >= SR_ISA__COUNT || scan_builds[isa] == NULL || !cpu_runs(isa))
		return false;
	scan_isa = isa;
	sr_payload_scan_build = scan_builds[isa];
	return true;
}

enum sr_isa sr_payload_isa(void)
{
	return scan_isa;
}

/* Before main: the widest build this CPU runs. */
__attribute__((constructor)) static void pick_scan_build(void)
{
	int isa;

	for (isa = SR_ISA__COUNT - 1; isa > SR_ISA_GENERIC; isa--)
		if (sr_payload_set_isa((enum sr_isa)isa))
			return;
}
